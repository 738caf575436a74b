// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dbt-scim/terraform-provider-dbt/internal/logenv"
)

// fleet plans, applies and refreshes Users users and Groups groups, and the
// same shape in terraform_data. The two alternate command by command, so
// that whatever else the machine does falls on both alike.
func (r *runner) fleet(ctx context.Context) error {
	acct, err := startAccount(ctx)
	if err != nil {
		return err
	}
	defer acct.Close()
	ours, err := r.workdir("fleet")
	if err != nil {
		return err
	}
	base, err := r.workdir("baseline")
	if err != nil {
		return err
	}
	u, g, k := r.cfg.Users, r.cfg.Groups, r.cfg.MembersPerGroup
	if err := os.WriteFile(filepath.Join(ours, "main.tf"), []byte(fleetConfig(acct, u, g, k)), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(base, "main.tf"), []byte(baselineConfig(u, g, k)), 0o600); err != nil {
		return err
	}
	n := u + g
	what := fmt.Sprintf("%s dbt_scim_group (%d members each) + %s dbt_scim_user", thousands(g), k, thousands(u))
	baseWhat := fmt.Sprintf("%s + %s terraform_data, same shape", thousands(g), thousands(u))
	for _, phase := range []struct{ name, command, label string }{
		{"plan", "plan", "plan to create"},
		{"apply", "apply", "apply (create)"},
		{"refresh", "plan", "refresh plan"},
	} {
		d, err := r.measure(ctx, nil, base, step{id: "d." + phase.name, command: phase.command,
			scenario: phase.label + ": " + baseWhat, resources: n})
		if err != nil {
			return err
		}
		c, err := r.measure(ctx, acct, ours, step{id: "c." + phase.name, command: phase.command,
			scenario: phase.label + ": " + what, resources: n})
		if err != nil {
			return err
		}
		switch phase.name {
		case "plan":
			r.judgeRequests("plan of new resources: no requests", c, 0)
		case "apply":
			// Each user and group is looked up by name, then created (as
			// Okta does: the lookup tells a user or group dbt links from one
			// the create made); a group's members are then added with one
			// PATCH (as Okta and Entra ID do; WIRE.md).
			creates := 2 * n
			if k > 0 {
				creates += g
			}
			r.judgeRequests("create: a lookup and a POST per resource, and one PATCH of members per group", c, creates)
			r.judgeFleet(acct, c.ID)
			continue
		case "refresh":
			r.judgeRequests("refresh: one request per resource", c, n)
			r.judgeEmptyPlan(c)
			r.judgeEmptyPlan(d)
		}
		// The plans again, with the provider's logging on as it was before
		// the provider turned it off by default: what a user pays who sets a
		// TF_LOG_SDK* or TF_LOG_PROVIDER* variable without TF_LOG, so that
		// Terraform drops every line (see BENCHMARKS.md). Reported, not judged.
		q, err := r.measure(ctx, acct, ours, step{id: "c." + phase.name + ".traced", command: phase.command,
			scenario: phase.label + ", provider trace logging on: " + what, resources: n, env: tracedSDKLogs})
		if err != nil {
			return err
		}
		if phase.name == "refresh" {
			r.judgeEmptyPlan(q)
		}
	}
	return nil
}

// tracedSDKLogs turns on every logger inside the provider process, which
// main.go otherwise turns off when no TF_LOG* variable asks for logs.
var tracedSDKLogs = func() []string {
	env := make([]string, len(logenv.Loggers))
	for i, k := range logenv.Loggers {
		env[i] = k + "=TRACE"
	}
	return env
}()

// judgeFleet checks dbt's side after the apply of c.
func (r *runner) judgeFleet(acct *account, row string) {
	users, groups := acct.emu.Users(), acct.emu.Groups()
	bad := 0
	for _, g := range groups {
		if len(g.Members) != r.cfg.MembersPerGroup {
			bad++
		}
	}
	r.judge("dbt holds the configured users and groups",
		fmt.Sprintf("%d users, %d groups of %d", r.cfg.Users, r.cfg.Groups, r.cfg.MembersPerGroup),
		fmt.Sprintf("%d users, %d groups, %d with another member count", len(users), len(groups), bad),
		len(users) == r.cfg.Users && len(groups) == r.cfg.Groups && bad == 0, row)
}

// Group i takes k consecutive users, wrapping around, so that every user is
// in about groups*k/users groups and every group depends on k users. The
// ids go through a local: indexing the resource itself in each group makes
// Terraform build the whole 2,000-instance resource value once per group
// (minutes of plan and gigabytes, for ours and the baseline alike), which
// would measure the configuration rather than the provider.
const fleetHCL = `
locals {
  user_ids = dbt_scim_user.u[*].id
}

resource "dbt_scim_user" "u" {
  count       = %[1]d
  user_name   = "bench-user-${count.index}@example.com"
  given_name  = "Bench"
  family_name = "User ${count.index}"
}

resource "dbt_scim_group" "g" {
  count        = %[2]d
  display_name = "bench-group-${count.index}"
  members      = toset([for j in range(%[3]d) : local.user_ids[(count.index * %[3]d + j) %% %[1]d]])
}
`

const baselineHCL = `
locals {
  user_ids = terraform_data.u[*].id
}

resource "terraform_data" "u" {
  count = %[1]d
  input = {
    user_name   = "bench-user-${count.index}@example.com"
    given_name  = "Bench"
    family_name = "User ${count.index}"
  }
}

resource "terraform_data" "g" {
  count = %[2]d
  input = {
    display_name = "bench-group-${count.index}"
    members      = toset([for j in range(%[3]d) : local.user_ids[(count.index * %[3]d + j) %% %[1]d]])
  }
}
`

func fleetConfig(acct *account, users, groups, k int) string {
	return providerHCL(acct) + fmt.Sprintf(fleetHCL, users, groups, k)
}

func baselineConfig(users, groups, k int) string {
	return fmt.Sprintf(baselineHCL, users, groups, k)
}

func providerHCL(acct *account) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    dbt = { source = %q }
  }
}

provider "dbt" {
  host_url   = %q
  account_id = 1
  scim_token = %q
}
`, providerAddress, acct.url, acct.token)
}
