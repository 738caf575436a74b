// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

func TestAccSCIMGroupDataSource(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
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
