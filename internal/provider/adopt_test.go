// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

const adoptProviders = `
terraform {
  required_providers {
    dbt = { source = "dbt-scim/dbt" }
  }
}
`

// A directory an IdP already pushed into dbt is adopted whole with
// `terraform query -generate-config-out` and one apply: the generated
// configuration plans as exactly one import per object and nothing else, the
// apply writes nothing to dbt, and the plan after it is empty. A filter
// adopts a subset: one department's groups.
func TestAccAdopt_directoryWithQuery(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
	cli := acctest.NewCLI(t, nil)
	cli.SkipBelow("1.14.0", "terraform query")

	// More users than Terraform's default limit of 100 results a list block.
	const users, groups = 140, 6
	seeded, err := e.Seed(users, groups, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Finance analysts", "Finance admins"} {
		if _, err := e.CreateGroupDirect(name, seeded.UserIDs[:3]); err != nil {
			t.Fatal(err)
		}
	}
	wantImports := users + groups + 2
	cli.Write(adoptProviders + acctest.DirectoryProviderBlock(srv))
	cli.WriteFile("adopt.tfquery.hcl", `
list "dbt_scim_user" "all" {
  provider         = dbt
  include_resource = true
  limit            = 1000
}

list "dbt_scim_group" "all" {
  provider         = dbt
  include_resource = true
}
`)
	before := snapshotDirectory(e)
	e.ResetRequests()
	cli.MustRun("query", "-generate-config-out=adopted.tf")
	generated := cli.ReadFile("adopted.tf")
	if n := strings.Count(generated, "\nimport {"); n != wantImports {
		t.Fatalf("generated %d import blocks, want %d (one per user and group):\n%s", n, wantImports, generated)
	}
	// Terraform writes every attribute; these two it writes as null.
	if m := regexp.MustCompile(`(members|license_type) += +[^n ]`).FindString(generated); m != "" {
		t.Errorf("generated configuration sets %q, which adoption leaves to the IdP:\n%s", m, generated)
	}
	// Paged: 140 users and 8 groups are two list requests, not one per object.
	if n := len(e.Requests()); n > 4 {
		t.Errorf("terraform query sent %d requests, want at most 4: %+v", n, e.Requests())
	}

	plan := cli.MustRun("plan", "-input=false")
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", wantImports)
	if !strings.Contains(plan, want) {
		t.Fatalf("plan of the generated configuration is not %q:\n%s", want, plan)
	}
	e.ResetRequests()
	cli.MustRun("apply", "-input=false", "-auto-approve")
	for _, r := range e.Requests() {
		if r.Method != "GET" {
			t.Errorf("adopting sent %s %s; an import must write nothing", r.Method, r.Path)
		}
	}
	cli.ExpectEmptyPlan()
	if after := snapshotDirectory(e); after != before {
		t.Errorf("dbt's directory changed while adopting:\nbefore %s\nafter  %s", before, after)
	}
	if n := len(cli.Resources()); n != wantImports {
		t.Errorf("state holds %d resources after adopting, want %d", n, wantImports)
	}

	// One department only: the filter is sent to dbt, and only its groups
	// are found.
	sub := acctest.NewCLI(t, nil)
	sub.Write(adoptProviders + acctest.DirectoryProviderBlock(srv))
	sub.WriteFile("finance.tfquery.hcl", `
list "dbt_scim_group" "finance" {
  provider         = dbt
  include_resource = true
  config {
    filter = "displayName sw \"Finance\""
  }
}
`)
	sub.MustRun("query", "-generate-config-out=finance.tf")
	finance := sub.ReadFile("finance.tf")
	if n := strings.Count(finance, "\nimport {"); n != 2 || !strings.Contains(finance, `"Finance admins"`) {
		t.Fatalf("the filtered query generated %d imports, want the 2 Finance groups:\n%s", n, finance)
	}
	plan = sub.MustRun("plan", "-input=false")
	if !strings.Contains(plan, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("plan of the Finance groups:\n%s", plan)
	}
}

// snapshotDirectory is dbt's users and groups with their members, to compare.
func snapshotDirectory(e *emulator.Emulator) string {
	var b strings.Builder
	for _, u := range e.Users() {
		fmt.Fprintf(&b, "u:%s:%s:%v;", u.ID, u.UserName, u.Active)
	}
	for _, g := range e.Groups() {
		fmt.Fprintf(&b, "g:%s:%s:%v;", g.ID, g.DisplayName, g.Members)
	}
	return b.String()
}
