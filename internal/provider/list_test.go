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
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

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
