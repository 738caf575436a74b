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
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
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
