// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// adopt is f: a directory an IdP already pushed (AdoptUsers users and
// AdoptGroups groups with members, seeded straight into the emulator) is
// found with `terraform query -generate-config-out` on the newest Terraform,
// then the generated configuration is planned, applied and planned again.
// Budgets: the query pages (1,000 objects a request, never one per object);
// the plan is exactly one import per object and nothing else; the apply
// writes nothing to dbt; the plan after it is empty.
func (r *runner) adopt(ctx context.Context) error {
	latest, err := r.latestCLI(ctx)
	if err != nil {
		return err
	}
	acct, err := startAccount(ctx)
	if err != nil {
		return err
	}
	defer acct.Close()
	users, groups := r.cfg.AdoptUsers, r.cfg.AdoptGroups
	if _, err := acct.emu.Seed(users, groups, r.cfg.AdoptMembersPerGroup); err != nil {
		return err
	}
	dir, err := r.workdir("adopt")
	if err != nil {
		return err
	}
	query := `list "dbt_scim_user" "all" {
  provider         = dbt
  include_resource = true
  limit            = 100000 # Terraform stops at 100 results per list block otherwise
}

list "dbt_scim_group" "all" {
  provider         = dbt
  include_resource = true
  limit            = 100000 # Terraform stops at 100 results per list block otherwise
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(providerHCL(acct)), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "adopt.tfquery.hcl"), []byte(query), 0o600); err != nil {
		return err
	}
	objects := users + groups
	what := fmt.Sprintf("%s users and %s groups", thousands(users), thousands(groups))
	saved := r.cli
	r.cli = latest
	defer func() { r.cli = saved }()

	q, err := r.measure(ctx, acct, dir, step{id: "f.query", command: "query",
		scenario: "terraform query -generate-config-out over " + what, resources: objects})
	if err != nil {
		return err
	}
	pages := ceilDiv(users, 1000) + ceilDiv(groups, 1000)
	r.judgeRequests("a query pages: 1,000 objects a request", q, pages)
	generated, err := os.ReadFile(filepath.Join(dir, "adopted.tf")) //nolint:gosec // the file terraform query just wrote
	if err != nil {
		return err
	}
	imports := strings.Count(string(generated), "\nimport {")
	r.judge("the query finds every object", fmt.Sprint(objects), fmt.Sprint(imports), imports == objects, q.ID)

	plan, err := r.measure(ctx, acct, dir, step{id: "f.plan", command: "plan",
		scenario: "plan of the generated configuration", resources: objects})
	if err != nil {
		return err
	}
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", objects)
	got, err := planSummary(dir, "f-plan.log")
	if err != nil {
		return err
	}
	r.judge("the plan imports each object and changes nothing", want, got, got == want, plan.ID)

	apply, err := r.measure(ctx, acct, dir, step{id: "f.apply", command: "apply",
		scenario: "apply: adopt " + what, resources: objects})
	if err != nil {
		return err
	}
	writes := apply.Requests - apply.RequestsByMethod["GET"]
	r.judge("adopting writes nothing to dbt", "0 writes", fmt.Sprintf("%d writes (%s)", writes, methods(apply.RequestsByMethod)),
		writes == 0, apply.ID)
	after, err := r.measure(ctx, acct, dir, step{id: "f.refresh", command: "plan",
		scenario: "refresh plan after adopting", resources: objects})
	if err != nil {
		return err
	}
	r.judgeEmptyPlan(after)
	return nil
}

// latestCLI is a cli for the newest Terraform, which has `terraform query`:
// Config.TerraformLatest, else $TERRAFORM_LATEST, else the project's pinned
// one (scripts/tool.sh builds it on first use, about 3 minutes).
func (r *runner) latestCLI(ctx context.Context) (*cli, error) {
	tf := r.cfg.TerraformLatest
	if tf == "" {
		tf = os.Getenv("TERRAFORM_LATEST")
	}
	if tf == "" {
		out, err := exec.CommandContext(ctx, filepath.Join(r.root, "scripts", "tool.sh"), "terraform-latest").Output() //nolint:gosec // the project's own script
		if err != nil {
			return nil, fmt.Errorf("terraform query needs Terraform 1.14 or later: scripts/tool.sh terraform-latest failed: %w", err)
		}
		tf = strings.TrimSpace(string(out))
	}
	if tf == "" {
		return nil, errors.New("terraform query needs Terraform 1.14 or later: pass -terraform-latest")
	}
	return newCLI(tf, r.cli.provider, filepath.Dir(r.work), r.cfg.Parallelism, r.cfg.Timeout)
}

// planSummary is the "Plan: …" line of a plan log.
func planSummary(dir, log string) (string, error) {
	out, err := os.ReadFile(filepath.Join(dir, log)) //nolint:gosec // the plan log the harness just wrote
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(out)) {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "Plan: ") {
			return l, nil
		}
	}
	return "no Plan: line in " + log, nil
}

func ceilDiv(n, d int) int { return (n + d - 1) / d }
