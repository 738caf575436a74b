// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

func TestAccSCIMGroupDataSource(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "ds-group", 2)
	g, err := e.CreateGroupDirect("Data Team", u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.UpdateGroupDirect(g.ID, func(g *emulator.Group) { g.ExternalID = "okta-00gds" }); err != nil {
		t.Fatal(err)
	}
	p := acctest.DirectoryProviderBlock(srv)
	const byID, byName = "data.dbt_scim_group.by_id", "data.dbt_scim_group.by_name"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: e.ResetRequests,
				Config: p + `
data "dbt_scim_group" "by_id" {
  id              = "` + g.ID + `"
  include_members = true
}
data "dbt_scim_group" "by_name" {
  display_name = "data team"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("display_name"), knownvalue.StringExact("Data Team")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("external_id"), knownvalue.StringExact("okta-00gds")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("members"), memberSet(u...)),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("id"), knownvalue.StringExact(g.ID)),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("display_name"), knownvalue.StringExact("Data Team")),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("members"), knownvalue.Null()),
				},
				// Only the data source that asked for members read them.
				Check: func(*terraform.State) error {
					if gets := groupGetsWithMembers(e); len(gets) != 1 {
						return fmt.Errorf("want exactly 1 group read with members (by_id), saw %v", gets)
					}
					return nil
				},
			},
			{
				Config:      p + `data "dbt_scim_group" "x" { display_name = "Nobody" }`,
				ExpectError: regexp.MustCompile(`(?s)No such group in dbt.*"Nobody"`),
			},
			{
				Config:      p + `data "dbt_scim_group" "x" { id = "424242" }`,
				ExpectError: regexp.MustCompile(`(?s)No such group in dbt.*"424242"`),
			},
			{
				Config:      p + `data "dbt_scim_group" "x" {}`,
				ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of`),
			},
			{
				Config: p + `data "dbt_scim_group" "x" {
  id           = "` + g.ID + `"
  display_name = "Data Team"
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
			{
				// A valid last configuration, for the destroy that ends the test.
				Config: p,
			},
		},
	})
}

// 150 groups are more than one page of a server that serves 100 at most:
// the data source reads them all.
func TestAccSCIMGroupsDataSource_paging(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{MaxPageSize: 100})
	e := srv.Emulator
	seeded, err := e.Seed(10, 150, 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.UpdateGroupDirect(seeded.GroupIDs[0], func(g *emulator.Group) { g.ExternalID = "okta-first" }); err != nil {
		t.Fatal(err)
	}
	p := acctest.DirectoryProviderBlock(srv)
	const all, some = "data.dbt_scim_groups.all", "data.dbt_scim_groups.some"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: e.ResetRequests,
				Config: p + `
data "dbt_scim_groups" "all" {}
data "dbt_scim_groups" "some" {
  filter = "displayName sw \"seed-group-14\""
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(all, tfjsonpath.New("groups"), knownvalue.ListSizeExact(150)),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("groups").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":           knownvalue.StringExact(seeded.GroupIDs[0]),
						"display_name": knownvalue.StringExact("seed-group-1"),
						"external_id":  knownvalue.StringExact("okta-first"),
					})),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("groups").AtSliceIndex(149), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":           knownvalue.StringExact(seeded.GroupIDs[149]),
						"display_name": knownvalue.StringExact("seed-group-150"),
						"external_id":  knownvalue.Null(),
					})),
					// seed-group-14 and seed-group-140 to -149.
					statecheck.ExpectKnownValue(some, tfjsonpath.New("groups"), knownvalue.ListSizeExact(11)),
					statecheck.ExpectKnownValue(some, tfjsonpath.New("filter"), knownvalue.StringExact(`displayName sw "seed-group-14"`)),
				},
				Check: func(*terraform.State) error {
					// Two pages for the whole list, none with members.
					var starts []string
					for _, r := range e.Requests() {
						q, _ := url.ParseQuery(r.Query)
						if r.Method == "GET" && strings.HasSuffix(r.Path, "/scim/v2/Groups") && q.Get("filter") == "" {
							starts = append(starts, q.Get("startIndex"))
							if q.Get("count") != strconv.Itoa(scim.DefaultPageSize) {
								return fmt.Errorf("a page asked for count=%q, want the provider's %d", q.Get("count"), scim.DefaultPageSize)
							}
						}
					}
					if strings.Join(starts, ",") != "1,101" {
						return fmt.Errorf("unfiltered pages requested at startIndex %v, want 1 and 101", starts)
					}
					if gets := groupGetsWithMembers(e); len(gets) > 0 {
						return fmt.Errorf("groups listed with their members: %v", gets)
					}
					return nil
				},
			},
		},
	})
}

func TestAccSCIMGroupsDataSource_badFilter(t *testing.T) {
	srv, e := startEmulator(t)
	p := acctest.DirectoryProviderBlock(srv)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				// Rejected at plan time, before any request to dbt.
				PreConfig:   e.ResetRequests,
				Config:      p + `data "dbt_scim_groups" "x" { filter = "displayName eq" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid SCIM filter.*column`),
			},
			{
				PreConfig: func() {
					for _, r := range e.Requests() {
						if strings.Contains(r.Path, "/Groups") {
							t.Errorf("a bad filter reached dbt: %s %s?%s", r.Method, r.Path, r.Query)
						}
					}
				},
				Config:      p + `data "dbt_scim_groups" "x" { filter = "" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid SCIM filter`),
			},
			{
				Config: p,
			},
		},
	})
}

// userObject is what the data sources should show for u.
func userObject(u emulator.User) knownvalue.Check {
	str := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":           knownvalue.StringExact(u.ID),
		"user_name":    knownvalue.StringExact(u.UserName),
		"given_name":   str(u.GivenName),
		"family_name":  str(u.FamilyName),
		"external_id":  str(u.ExternalID),
		"active":       knownvalue.Bool(u.Active),
		"license_type": str(u.LicenseType),
	})
}

func TestAccSCIMUserDataSource(t *testing.T) {
	srv, e := startEmulator(t)
	jane, err := e.CreateUserDirect(emulator.User{
		UserName: "jane@example.com", GivenName: "Jane", FamilyName: "Doe", ExternalID: "okta-1",
		Active: true, LicenseType: "analyst",
	})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := e.CreateUserDirect(emulator.User{UserName: "gone@example.com", Active: false})
	if err != nil {
		t.Fatal(err)
	}
	const byID, byName, inactive = "data.dbt_scim_user.by_id", "data.dbt_scim_user.by_name", "data.dbt_scim_user.inactive"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: acctest.DirectoryProviderBlock(srv) + `
data "dbt_scim_user" "missing" {
  user_name = "nobody@example.com"
}`,
				ExpectError: regexp.MustCompile(`(?s)No such user in dbt.*nobody@example.com`),
			},
			{
				Config: acctest.DirectoryProviderBlock(srv) + `
data "dbt_scim_user" "missing" {
  id = "424242"
}`,
				ExpectError: regexp.MustCompile(`(?s)No such user in dbt.*424242`),
			},
			{
				Config: acctest.DirectoryProviderBlock(srv) + fmt.Sprintf(`
data "dbt_scim_user" "both" {
  id        = %q
  user_name = "jane@example.com"
}`, jane.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*(?i:exactly one)`),
			},
			{
				Config: acctest.DirectoryProviderBlock(srv) + `
data "dbt_scim_user" "neither" {}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*(?i:exactly one)`),
			},
			// Last, so that the test's final destroy runs against a valid configuration.
			{
				Config: acctest.DirectoryProviderBlock(srv) + fmt.Sprintf(`
data "dbt_scim_user" "by_id" {
  id = %q
}
data "dbt_scim_user" "by_name" {
  user_name = "JANE@example.com"
}
data "dbt_scim_user" "inactive" {
  user_name = "gone@example.com"
}
`, jane.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("user_name"), knownvalue.StringExact("jane@example.com")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("given_name"), knownvalue.StringExact("Jane")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("family_name"), knownvalue.StringExact("Doe")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("external_id"), knownvalue.StringExact("okta-1")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("license_type"), knownvalue.StringExact("analyst")),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("id"), knownvalue.StringExact(jane.ID)),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("user_name"), knownvalue.StringExact("jane@example.com")),
					statecheck.ExpectKnownValue(inactive, tfjsonpath.New("id"), knownvalue.StringExact(gone.ID)),
					statecheck.ExpectKnownValue(inactive, tfjsonpath.New("active"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(inactive, tfjsonpath.New("given_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(inactive, tfjsonpath.New("license_type"), knownvalue.Null()),
				},
			},
		},
	})
}

// The list reads every page: the provider asks for 1,000 a page, and a
// server that serves 100 at most makes 250 users three pages.
func TestAccSCIMUsersDataSource_paging(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{MaxPageSize: 100})
	e := srv.Emulator
	if _, err := e.Seed(250, 0, 0); err != nil {
		t.Fatal(err)
	}
	off, err := e.CreateUserDirect(emulator.User{UserName: "off@example.com", FamilyName: "Off", Active: false})
	if err != nil {
		t.Fatal(err)
	}
	users := e.Users()
	all := make([]knownvalue.Check, len(users))
	for i, u := range users {
		all[i] = userObject(u)
	}
	const addrAll, addrOff, addrOne = "data.dbt_scim_users.all", "data.dbt_scim_users.inactive", "data.dbt_scim_users.one"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			PreConfig: e.ResetRequests,
			Config: acctest.DirectoryProviderBlock(srv) + `
data "dbt_scim_users" "all" {}
data "dbt_scim_users" "inactive" {
  filter = "active eq false"
}
data "dbt_scim_users" "one" {
  filter = "externalId eq \"seed-217\""
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addrAll, tfjsonpath.New("users"), knownvalue.ListExact(all)),
				statecheck.ExpectKnownValue(addrOff, tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{userObject(off)})),
				statecheck.ExpectKnownValue(addrOne, tfjsonpath.New("users"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue(addrOne, tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("user_name"),
					knownvalue.StringExact("seed-user-217@example.com")),
			},
			Check: func(*terraform.State) error {
				// The unfiltered list took several pages, each from where the last ended.
				starts := map[string]bool{}
				for _, r := range e.Requests() {
					q, _ := url.ParseQuery(r.Query)
					if r.Method == "GET" && strings.HasSuffix(r.Path, "/Users") && q.Get("filter") == "" {
						starts[q.Get("startIndex")] = true
						if q.Get("count") != strconv.Itoa(scim.DefaultPageSize) {
							return fmt.Errorf("a page asked for count=%q, want the provider's %d", q.Get("count"), scim.DefaultPageSize)
						}
					}
				}
				for _, s := range []string{"1", "101", "201"} {
					if !starts[s] {
						return fmt.Errorf("no unfiltered page at startIndex %s; pages read: %v", s, starts)
					}
				}
				return nil
			},
		}},
	})
}

// A filter with a syntax error fails at plan time, pointing at the error.
func TestAccSCIMUsersDataSource_badFilter(t *testing.T) {
	srv, _ := startEmulator(t)
	cases := map[string]struct{ filter, want string }{
		"dangling and":   {`userName eq \"a\" and`, `(?s)Invalid SCIM filter.*column 16.*should end here`},
		"unquoted value": {`userName eq jane`, `(?s)Invalid SCIM filter.*column \d+`},
		"empty":          {``, `(?s)Invalid SCIM filter.*empty`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      acctest.DirectoryProviderBlock(srv) + fmt.Sprintf("data \"dbt_scim_users\" \"x\" {\n  filter = \"%s\"\n}\n", c.filter),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.Factories(), Steps: steps})
	for _, r := range srv.Emulator.Requests() {
		if strings.Contains(r.Path, "/scim/v2/") {
			t.Errorf("a bad filter reached dbt: %s %s?%s", r.Method, r.Path, r.Query)
		}
	}
}
