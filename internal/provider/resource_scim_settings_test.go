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
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// expectSCIMConfig checks dbt's side, not only Terraform's.
func expectSCIMConfig(e *emulator.Emulator, want emulator.SCIMConfig) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := e.SCIMConfig(); got != want {
			return fmt.Errorf("emulator SCIM config = %+v, want %+v", got, want)
		}
		return nil
	}
}

func TestAccSCIMSettings_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
	const addr = "dbt_scim_settings.this"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		CheckDestroy:             expectSCIMConfig(e, emulator.SCIMConfig{}),
		Steps: []resource.TestStep{
			{
				// Defaults: SCIM on, no manual updates, licenses managed in dbt.
				Config: acctest.ProviderBlock(srv) + `resource "dbt_scim_settings" "this" {}`,
				Check:  expectSCIMConfig(e, emulator.SCIMConfig{Enabled: true}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("1")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("manual_updates_allowed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scim_controlled_license_type"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scim_base_url"),
						knownvalue.StringExact(srv.HostURL()+"/v3/accounts/1/scim/v2")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Both flags change in place.
				Config: acctest.ProviderBlock(srv) + `
resource "dbt_scim_settings" "this" {
  manual_updates_allowed       = true
  scim_controlled_license_type = true
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: expectSCIMConfig(e, emulator.SCIMConfig{Enabled: true, ManualUpdatesAllowed: true, SCIMControlledLicenseType: true}),
			},
			{
				// Someone turns SCIM off and manual updates off in dbt's UI: the
				// plan shows it and the apply puts it back.
				PreConfig: func() {
					e.SetSCIMConfig(emulator.SCIMConfig{Enabled: false, ManualUpdatesAllowed: false, SCIMControlledLicenseType: true})
				},
				Config: acctest.ProviderBlock(srv) + `
resource "dbt_scim_settings" "this" {
  manual_updates_allowed       = true
  scim_controlled_license_type = true
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					},
				},
				Check: expectSCIMConfig(e, emulator.SCIMConfig{Enabled: true, ManualUpdatesAllowed: true, SCIMControlledLicenseType: true}),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "1",
				ImportStateVerify: true,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "42",
				ExpectError:   regexp.MustCompile(`must be the dbt account ID`),
			},
		},
	})
}

func TestAccSCIMSettings_dataSource(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{AccountID: 77})
	srv.Emulator.SetSCIMConfig(emulator.SCIMConfig{Enabled: true, ManualUpdatesAllowed: true})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + `data "dbt_scim_settings" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.dbt_scim_settings.this", tfjsonpath.New("id"), knownvalue.StringExact("77")),
				statecheck.ExpectKnownValue("data.dbt_scim_settings.this", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.dbt_scim_settings.this", tfjsonpath.New("manual_updates_allowed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.dbt_scim_settings.this", tfjsonpath.New("scim_controlled_license_type"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.dbt_scim_settings.this", tfjsonpath.New("scim_base_url"),
					knownvalue.StringExact(srv.HostURL()+"/v3/accounts/77/scim/v2")),
			},
		}},
	})
}

// A Team account has no SCIM: the diagnostic must say why and what to do.
func TestAccSCIMSettings_notEnterprise(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{Plan: emulator.PlanTeam})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderBlock(srv) + `resource "dbt_scim_settings" "this" {}`,
			ExpectError: regexp.MustCompile(`(?s)403.*Enterprise plan`),
		}},
	})
	if got := srv.Emulator.SCIMConfig(); got.Enabled {
		t.Fatalf("SCIM enabled on a Team account: %+v", got)
	}
}

// A changed account_id is refused, not followed: the settings in state
// belong to account 1, and the provider can reach only account 2. Neither
// account is written to, and the plan says how to move on.
func TestAccSCIMSettings_accountIDChanged(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
	other := strings.Replace(acctest.ProviderBlock(srv), "account_id  = 1", "account_id  = 2", 1)
	const config = `resource "dbt_scim_settings" "this" {}`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(srv) + config,
				Check:  expectSCIMConfig(e, emulator.SCIMConfig{Enabled: true}),
			},
			{
				PreConfig: e.ResetRequests,
				Config:    other + config,
				ExpectError: regexp.MustCompile(`(?s)dbt_scim_settings belongs to another account.*account 1, but the provider` +
					`.*configured for\s+account 2.*terraform state rm.*terraform import.*set account_id back to 1`),
				Check: expectSCIMConfig(e, emulator.SCIMConfig{Enabled: true}),
			},
			{
				// Back on account 1: nothing to do, and the account untouched.
				Config: acctest.ProviderBlock(srv) + config,
				Check: resource.ComposeAggregateTestCheckFunc(
					expectSCIMConfig(e, emulator.SCIMConfig{Enabled: true}),
					func(*terraform.State) error {
						for _, r := range e.Requests() {
							if r.Method != "GET" {
								return fmt.Errorf("dbt saw %s %s after account_id changed", r.Method, r.Path)
							}
						}
						return nil
					},
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
