// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest/dbtcloud"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// Every resource has an identity (Terraform 1.12+): the account and the
// object's ids, recorded on create, and enough for an `import` block with
// `identity = {…}` to adopt the object again. Older CLIs are covered by the
// rest of the suite, which runs unchanged on Terraform 1.5.7 and OpenTofu.
func TestAccIdentity_everyResource(t *testing.T) {
	srv, e := startEmulator(t)
	acct := knownvalue.Int64Exact(e.AccountID())
	config := acctest.DirectoryProviderBlock(srv) + `
resource "dbt_scim_settings" "this" {}

resource "dbt_scim_token" "okta" {
  name = "okta"
}

# Settings are destroyed last: turning SCIM off first would refuse the rest.
resource "dbt_scim_user" "ada" {
  user_name  = "ada@example.com"
  given_name = "Ada"
  depends_on = [dbt_scim_settings.this]
}

resource "dbt_scim_group" "analysts" {
  display_name = "Analysts"
  external_id  = "okta-analysts"
  depends_on   = [dbt_scim_settings.this]
}

resource "dbt_scim_group_member" "ada" {
  group_id = dbt_scim_group.analysts.id
  user_id  = dbt_scim_user.ada.id
}
`
	ids := func(addr string) statecheck.StateCheck {
		return statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id"))
	}
	importStep := func(addr string) resource.TestStep {
		return resource.TestStep{
			Config:          config,
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("dbt_scim_settings.this", map[string]knownvalue.Check{"account_id": acct}),
					statecheck.ExpectIdentity("dbt_scim_token.okta", map[string]knownvalue.Check{
						"account_id": acct, "id": knownvalue.StringRegexp(regexp.MustCompile(`^[0-9]+$`)),
					}),
					ids("dbt_scim_token.okta"),
					ids("dbt_scim_user.ada"),
					ids("dbt_scim_group.analysts"),
					statecheck.ExpectIdentity("dbt_scim_user.ada", map[string]knownvalue.Check{
						"account_id": acct, "id": knownvalue.NotNull(),
					}),
					statecheck.ExpectIdentityValueMatchesStateAtPath("dbt_scim_group_member.ada",
						tfjsonpath.New("group_id"), tfjsonpath.New("group_id")),
					statecheck.ExpectIdentityValueMatchesStateAtPath("dbt_scim_group_member.ada",
						tfjsonpath.New("user_id"), tfjsonpath.New("user_id")),
				},
			},
			importStep("dbt_scim_settings.this"),
			// The token's identity import plans an update (its value is unknown
			// after any import): TestAccSCIMToken_importHasNoValue covers it.
			importStep("dbt_scim_user.ada"),
			importStep("dbt_scim_group.analysts"),
			importStep("dbt_scim_group_member.ada"),
			{
				// An identity copied from another account's state adopts nothing.
				Config: config + fmt.Sprintf(`
import {
  to       = dbt_scim_user.elsewhere
  identity = { account_id = %d, id = "1" }
}

resource "dbt_scim_user" "elsewhere" {
  user_name = "someone@example.com"
}
`, e.AccountID()+1),
				ExpectError: regexp.MustCompile(`Identity names another dbt account`),
			},
		},
	})
}

// The list resources find what is in dbt, whoever put it there: here the
// users, groups and tokens are created straight in the emulator, as an IdP's
// pushes would have. A filter narrows the search on the server; a filter
// with a syntax error fails before any request.
func TestAccList_query(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{MaxPageSize: 2})
	e := srv.Emulator
	provider := acctest.DirectoryProviderBlock(srv)
	seeded, err := e.Seed(5, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	finance, err := e.CreateGroupDirect("Finance analysts", seeded.UserIDs[:1])
	if err != nil {
		t.Fatal(err)
	}
	okta, _ := e.CreateToken("okta")
	acct := knownvalue.Int64Exact(e.AccountID())

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: provider + `resource "dbt_scim_settings" "this" {}`,
			},
			{
				Query: true,
				// The first step's configuration, with its provider block, stays.
				Config: `
list "dbt_scim_user" "all" {
  provider         = dbt
  include_resource = true
}

list "dbt_scim_group" "finance" {
  provider         = dbt
  include_resource = true
  config {
    filter = "displayName sw \"Finance\""
  }
}

list "dbt_scim_group" "all" {
  provider = dbt
}

list "dbt_scim_token" "all" {
  provider         = dbt
  include_resource = true
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					// Five seeded users; pages of two are followed to the end.
					querycheck.ExpectLength("dbt_scim_user.all", 5),
					querycheck.ExpectIdentity("dbt_scim_user.all", map[string]knownvalue.Check{
						"account_id": acct, "id": knownvalue.StringExact(seeded.UserIDs[4]),
					}),
					querycheck.ExpectResourceDisplayName("dbt_scim_user.all",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
							"account_id": acct, "id": knownvalue.StringExact(seeded.UserIDs[0]),
						}), knownvalue.StringExact("seed-user-1@example.com")),
					querycheck.ExpectResourceKnownValues("dbt_scim_user.all",
						queryfilter.ByDisplayName(knownvalue.StringExact("seed-user-1@example.com")),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("user_name"), KnownValue: knownvalue.StringExact("seed-user-1@example.com")},
							{Path: tfjsonpath.New("given_name"), KnownValue: knownvalue.StringExact("Seed")},
							{Path: tfjsonpath.New("external_id"), KnownValue: knownvalue.StringExact("seed-1")},
							{Path: tfjsonpath.New("active"), KnownValue: knownvalue.Bool(true)},
							// Licenses stay the IdP's unless configured.
							{Path: tfjsonpath.New("license_type"), KnownValue: knownvalue.Null()},
						}),
					// The filter is the server's: one of four groups.
					querycheck.ExpectLength("dbt_scim_group.finance", 1),
					querycheck.ExpectIdentity("dbt_scim_group.finance", map[string]knownvalue.Check{
						"account_id": acct, "id": knownvalue.StringExact(finance.ID),
					}),
					querycheck.ExpectResourceKnownValues("dbt_scim_group.finance",
						queryfilter.ByDisplayName(knownvalue.StringExact("Finance analysts")),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("display_name"), KnownValue: knownvalue.StringExact("Finance analysts")},
							// Members are not taken over by adoption.
							{Path: tfjsonpath.New("members"), KnownValue: knownvalue.Null()},
						}),
					querycheck.ExpectLength("dbt_scim_group.all", 4),
					// The directory tests' own token, and the IdP's.
					querycheck.ExpectLength("dbt_scim_token.all", 2),
					querycheck.ExpectResourceKnownValues("dbt_scim_token.all",
						queryfilter.ByDisplayName(knownvalue.StringExact("okta")),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(fmt.Sprint(okta.ID))},
							{Path: tfjsonpath.New("token"), KnownValue: knownvalue.Null()},
						}),
				},
			},
			{
				Query: true,
				// The first step's configuration, with its provider block, stays.
				Config: `
list "dbt_scim_group" "bad" {
  provider = dbt
  config {
    filter = "displayName sw"
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)filter.*column`),
			},
		},
	})
	// Paged, never one request per object: 5 users at 2 a page is 3 GETs.
	var userGets int
	for _, r := range e.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/Users") {
			userGets++
		}
	}
	if userGets != 3 {
		t.Errorf("listing 5 users at 2 a page took %d GET /Users, want 3", userGets)
	}
}

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
	srv, e := startEmulator(t)
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

// A team on dbt-labs/dbtcloud moves its SCIM configuration and token here
// with `moved` blocks: the plan is moves only, the token keeps its id and its
// value (which still authenticates), SCIM stays on, and nothing is written to
// dbt. Runs under Terraform 1.8+ and OpenTofu (make test-tofu).
func TestAccMove_fromDBTCloud(t *testing.T) {
	srv, e := startEmulator(t)
	factories := acctest.Factories()
	factories["dbtcloud"] = dbtcloud.Factory(e)
	var tokenID, tokenValue string
	before := `
provider "dbtcloud" {}

resource "dbtcloud_scim_config" "this" {
  enabled                      = true
  manual_updates_allowed       = false
  scim_controlled_license_type = true
}

resource "dbtcloud_scim_config_token" "okta" {
  name = "okta"
}
`
	after := acctest.ProviderBlock(srv) + `
provider "dbtcloud" {}

moved {
  from = dbtcloud_scim_config.this
  to   = dbt_scim_settings.this
}

moved {
  from = dbtcloud_scim_config_token.okta
  to   = dbt_scim_token.okta
}

resource "dbt_scim_settings" "this" {
  scim_controlled_license_type = true
}

resource "dbt_scim_token" "okta" {
  name = "okta"
}
`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: before,
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["dbtcloud_scim_config_token.okta"].Primary.Attributes
					tokenID, tokenValue = a["id"], a["token_string"]
					e.ResetRequests()
					return nil
				},
			},
			{
				Config: after,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("dbt_scim_settings.this", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("dbt_scim_token.okta", plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("dbt_scim_settings.this", tfjsonpath.New("scim_base_url"),
						knownvalue.StringExact(srv.HostURL()+"/v3/accounts/1/scim/v2")),
					statecheck.ExpectKnownValue("dbt_scim_token.okta", tfjsonpath.New("previous_token_id"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["dbt_scim_token.okta"].Primary.Attributes
					if a["id"] != tokenID || a["token"] != tokenValue || !e.TokenValid(a["token"]) {
						return fmt.Errorf("moved token: id %s (was %s), value kept %v, still valid %v",
							a["id"], tokenID, a["token"] == tokenValue, e.TokenValid(a["token"]))
					}
					if got := e.SCIMConfig(); got != (emulator.SCIMConfig{Enabled: true, SCIMControlledLicenseType: true}) {
						return fmt.Errorf("SCIM settings after the move: %+v", got)
					}
					if n := len(e.Tokens()); n != 1 {
						return fmt.Errorf("dbt holds %d tokens after the move, want 1", n)
					}
					for _, r := range e.Requests() {
						if r.Method != "GET" {
							return fmt.Errorf("the move sent %s %s; it must only read", r.Method, r.Path)
						}
					}
					return nil
				},
			},
			{
				// Settled: nothing more to do.
				Config: after,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
