// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest/dbtcloud"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// A team on dbt-labs/dbtcloud moves its SCIM configuration and token here
// with `moved` blocks: the plan is moves only, the token keeps its id and its
// value (which still authenticates), SCIM stays on, and nothing is written to
// dbt. Runs under Terraform 1.8+ and OpenTofu (make test-tofu).
func TestAccMove_fromDBTCloud(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
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
