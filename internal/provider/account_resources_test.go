// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/clock"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
	"github.com/dbt-scim/terraform-provider-dbt/internal/provider"
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
	srv, e := startEmulator(t)
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
	srv, e := startEmulator(t)
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

// expectOneLiveToken checks that dbt holds exactly one token, with the state's
// name and id, and that the value in state is that token's.
func expectOneLiveToken(e *emulator.Emulator, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		toks := e.Tokens()
		if len(toks) != 1 {
			return fmt.Errorf("emulator holds %d tokens, want 1: %+v", len(toks), toks)
		}
		if got := fmt.Sprint(toks[0].ID); got != rs.Primary.ID {
			return fmt.Errorf("emulator token id %s, state id %s", got, rs.Primary.ID)
		}
		if toks[0].Name != rs.Primary.Attributes["name"] {
			return fmt.Errorf("emulator token name %q, state name %q", toks[0].Name, rs.Primary.Attributes["name"])
		}
		if !e.TokenValid(rs.Primary.Attributes["token"]) {
			return fmt.Errorf("the token value in state does not authenticate against dbt")
		}
		return nil
	}
}

func tokenConfig(srv *emulator.Server, body string) string {
	return acctest.ProviderBlock(srv) + "resource \"dbt_scim_token\" \"okta\" {\n" + body + "\n}\n"
}

func TestAccSCIMToken_lifecycle(t *testing.T) {
	srv, e := startEmulator(t)
	const addr = "dbt_scim_token.okta"
	var firstID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		CheckDestroy: func(*terraform.State) error {
			if n := len(e.Tokens()); n != 0 {
				return fmt.Errorf("%d tokens left in dbt after destroy", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: tokenConfig(srv, `name = "okta"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectOneLiveToken(e, addr),
					func(s *terraform.State) error { firstID = s.RootModule().Resources[addr].Primary.ID; return nil },
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("okta")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("token"), knownvalue.StringRegexp(regexp.MustCompile(`.{20,}`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_used"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Import adopts the token by ID; its value cannot come back.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
			{
				// A new name is a new token: dbt cannot rename one.
				Config: tokenConfig(srv, `name = "okta-prod"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectOneLiveToken(e, addr),
					func(s *terraform.State) error {
						if s.RootModule().Resources[addr].Primary.ID == firstID {
							return fmt.Errorf("token id unchanged after rename")
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccSCIMToken_importHasNoValue(t *testing.T) {
	srv, _ := startEmulator(t)
	tok, _ := srv.Emulator.CreateToken("made-by-hand")
	const addr = "dbt_scim_token.okta"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config:             tokenConfig(srv, `name = "made-by-hand"`),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      fmt.Sprint(tok.ID),
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances", len(states))
					}
					a := states[0].Attributes
					if a["name"] != "made-by-hand" || a["token"] != "" || a["created_at"] == "" {
						return fmt.Errorf("unexpected imported attributes: name=%q token set=%v created_at=%q",
							a["name"], a["token"] != "", a["created_at"])
					}
					return nil
				},
			},
			{
				// After import the value is unknown, never null: whatever uses it
				// waits, with a warning at plan time, and the apply refuses to
				// hand out nothing (dbt shows a value only at creation).
				Config: tokenConfig(srv, `name = "made-by-hand"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("token")),
					},
				},
				ExpectError: regexp.MustCompile(`(?s)has no value.*rotate_when_changed`),
			},
			{
				// Rotating it in overlap mode mints a value Terraform knows, and
				// the imported token keeps working as the previous one.
				Config: tokenConfig(srv, `name = "made-by-hand"
  rotate_when_changed      = { generation = "1" }
  previous_token_retention = "168h"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("previous_token_id"), knownvalue.StringExact(fmt.Sprint(tok.ID))),
				},
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources[addr].Primary.Attributes
					if !srv.Emulator.TokenValid(a["token"]) || len(srv.Emulator.Tokens()) != 2 {
						return fmt.Errorf("want the new token valid beside the imported one; dbt has %+v", srv.Emulator.Tokens())
					}
					return nil
				},
			},
			{
				Config:        tokenConfig(srv, `name = "made-by-hand"`),
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "not-a-number",
				ExpectError:   regexp.MustCompile(`Invalid SCIM token ID`),
			},
			{
				Config:        tokenConfig(srv, `name = "made-by-hand"`),
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "999",
				ExpectError:   regexp.MustCompile(`(?i)cannot import non-existent remote object|no longer exists`),
			},
		},
	})
}

func TestAccSCIMToken_deletedOutsideTerraform(t *testing.T) {
	srv, e := startEmulator(t)
	const addr = "dbt_scim_token.okta"
	var oldID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: tokenConfig(srv, `name = "okta"`),
				Check: func(s *terraform.State) error {
					oldID = s.RootModule().Resources[addr].Primary.ID
					return nil
				},
			},
			{
				// Someone deletes the token in dbt's UI: the plan creates a new one.
				PreConfig: func() {
					for _, tok := range e.Tokens() {
						e.DeleteToken(tok.ID)
					}
				},
				Config: tokenConfig(srv, `name = "okta"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectOneLiveToken(e, addr),
					func(s *terraform.State) error {
						if s.RootModule().Resources[addr].Primary.ID == oldID {
							return fmt.Errorf("state kept the deleted token's id")
						}
						return nil
					},
				),
			},
		},
	})
}

// rotationConfig wires the token into a dependant that uses it against dbt's
// SCIM API, as an IdP would, so the emulator's request log shows the order.
func rotationConfig(srv *emulator.Server, tokenBody string) string {
	return tokenConfig(srv, tokenBody+"\n  lifecycle {\n    create_before_destroy = true\n  }") + fmt.Sprintf(`
resource "terraform_data" "idp" {
  triggers_replace = dbt_scim_token.okta.token
  provisioner "local-exec" {
    command = "curl -fsS -o /dev/null -H \"Authorization: Bearer $TOKEN\" %s/v3/accounts/1/scim/v2/ServiceProviderConfig"
    environment = {
      TOKEN = dbt_scim_token.okta.token
    }
  }
}
`, srv.HostURL())
}

// checkRotationOrder proves the zero-downtime order on dbt's side: the new
// token was created, then used by the dependant, and only then was the old
// token deleted.
func checkRotationOrder(e *emulator.Emulator, oldID *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		created, used, deleted := -1, -1, -1
		for i, r := range e.Requests() {
			switch {
			case r.Method == "POST" && strings.HasSuffix(strings.TrimSuffix(r.Path, "/"), "/scim-config/tokens"):
				created = i
			case r.Method == "GET" && strings.HasSuffix(r.Path, "/ServiceProviderConfig") && r.Status == 200:
				used = i
			case r.Method == "DELETE" && strings.Contains(r.Path, "/scim-config/tokens/"+*oldID):
				deleted = i
			}
		}
		if created < 0 || used < 0 || deleted < 0 || !(created < used && used < deleted) {
			return fmt.Errorf("want create < use < delete of old token, got request indexes %d, %d, %d", created, used, deleted)
		}
		newID := s.RootModule().Resources["dbt_scim_token.okta"].Primary.ID
		if newID == *oldID {
			return fmt.Errorf("token was not replaced")
		}
		// The SCIM request in between authenticated with the new token: the
		// old one might have answered too, but only the new one is marked.
		for _, tok := range e.Tokens() {
			if fmt.Sprint(tok.ID) == newID && tok.LastUsed == nil {
				return fmt.Errorf("the new token %s was never used: the dependant did not get its value", newID)
			}
		}
		return expectOneLiveToken(e, "dbt_scim_token.okta")(s)
	}
}

func recordID(e *emulator.Emulator, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*into = s.RootModule().Resources["dbt_scim_token.okta"].Primary.ID
		e.ResetRequests()
		return nil
	}
}

func TestAccSCIMToken_rotateWhenChanged(t *testing.T) {
	srv, e := startEmulator(t)
	e.SetSCIMConfig(emulator.SCIMConfig{Enabled: true})
	var oldID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: rotationConfig(srv, `name = "okta"
  rotate_when_changed = { generation = "1" }`),
				Check: recordID(e, &oldID),
			},
			{
				Config: rotationConfig(srv, `name = "okta"
  rotate_when_changed = { generation = "2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("dbt_scim_token.okta", plancheck.ResourceActionCreateBeforeDestroy),
					},
				},
				Check: checkRotationOrder(e, &oldID),
			},
		},
	})
}

func TestAccSCIMToken_rotationPeriod(t *testing.T) {
	acctest.PreCheck(t)
	// dbt and the provider share one fake clock, as dbt and a user share real time.
	fake := clock.NewFake(time.Now())
	srv := acctest.Emulator(t, emulator.Config{Now: fake.Now})
	e := srv.Emulator
	e.SetSCIMConfig(emulator.SCIMConfig{Enabled: true})
	var oldID string
	cfg := rotationConfig(srv, `name = "okta"
  rotation_period = "720h"`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(provider.WithClock(fake)),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check:  recordID(e, &oldID),
			},
			// 29 days on: not due yet.
			quietAfter(fake, 29*24*time.Hour, cfg),
			{
				// 31 days on: replaced in one apply, new token first.
				PreConfig: func() { fake.Advance(2 * 24 * time.Hour) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("dbt_scim_token.okta", plancheck.ResourceActionCreateBeforeDestroy),
					},
				},
				Check: checkRotationOrder(e, &oldID),
			},
			{
				// The new token's period starts again: nothing to do now.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// The response to the create is lost after dbt stored the token: the apply
// must still succeed, with exactly one token on dbt's side, the one in state.
func TestAccSCIMToken_lostCreateResponse(t *testing.T) {
	srv, e := startEmulator(t)
	e.InjectFault(emulator.Fault{Method: "POST", PathContains: "/scim-config/tokens", Times: 1, DropResponse: true})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config: tokenConfig(srv, `name = "okta"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				expectOneLiveToken(e, "dbt_scim_token.okta"),
				func(*terraform.State) error {
					dropped := 0
					for _, r := range e.Requests() {
						if r.Dropped {
							dropped++
						}
					}
					if dropped != 1 {
						return fmt.Errorf("the fault fired %d times, want 1", dropped)
					}
					return nil
				},
			),
		}},
	})
}

func TestAccSCIMTokens_dataSource(t *testing.T) {
	srv, _ := startEmulator(t)
	a, _ := srv.Emulator.CreateToken("okta")
	b, _ := srv.Emulator.CreateToken("entra")
	const all, okta = "data.dbt_scim_tokens.all", "data.dbt_scim_tokens.okta"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + `
data "dbt_scim_tokens" "all" {}
data "dbt_scim_tokens" "okta" {
  name = "okta"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(all, tfjsonpath.New("tokens"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id": knownvalue.StringExact(fmt.Sprint(a.ID)), "name": knownvalue.StringExact("okta"),
						"last_used": knownvalue.Null(),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id": knownvalue.StringExact(fmt.Sprint(b.ID)), "name": knownvalue.StringExact("entra"),
					}),
				})),
				statecheck.ExpectKnownValue(okta, tfjsonpath.New("tokens"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue(okta, tfjsonpath.New("tokens").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("okta")),
			},
		}},
	})
}

// Overlap mode, the whole cycle on a fake clock shared with dbt: a due
// rotation mints the new token in place and keeps the old one working for
// the retention; the first apply after it deletes the old one.
func TestAccSCIMToken_overlapRotation(t *testing.T) {
	acctest.PreCheck(t)
	fake := clock.NewFake(time.Now())
	srv := acctest.Emulator(t, emulator.Config{Now: fake.Now})
	e := srv.Emulator
	const addr = "dbt_scim_token.okta"
	cfg := tokenConfig(srv, `name = "okta"
  rotation_period          = "720h"
  previous_token_retention = "168h"`)
	var firstID, firstValue string
	record := func(s *terraform.State) error {
		a := s.RootModule().Resources[addr].Primary.Attributes
		firstID, firstValue = a["id"], a["token"]
		return nil
	}
	live := func(wantIDs ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			var got []string
			for _, tok := range e.Tokens() {
				got = append(got, fmt.Sprint(tok.ID))
			}
			if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
				return fmt.Errorf("dbt holds tokens %v, want %v", got, wantIDs)
			}
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(provider.WithClock(fake)),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check:  record,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("previous_token_id"), knownvalue.Null()),
				},
			},
			{
				// Due: rotated in place, the old token kept for 7 days.
				PreConfig: func() { fake.Advance(31 * 24 * time.Hour) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("token")),
					},
				},
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources[addr].Primary.Attributes
					if a["id"] == firstID || a["previous_token_id"] != firstID {
						return fmt.Errorf("id %s, previous %s; want a new id and previous %s", a["id"], a["previous_token_id"], firstID)
					}
					want := fake.Now().Add(168 * time.Hour).UTC().Format(time.RFC3339)
					if a["previous_token_expires_at"] != want {
						return fmt.Errorf("previous_token_expires_at %s, want %s", a["previous_token_expires_at"], want)
					}
					if !e.TokenValid(a["token"]) || !e.TokenValid(firstValue) {
						return fmt.Errorf("both tokens must work during the overlap")
					}
					return live(firstID, a["id"])(s)
				},
			},
			// 6 days into the overlap: nothing to do.
			quietAfter(fake, 6*24*time.Hour, cfg),
			{
				// The retention has passed: the plan shows the old token going.
				PreConfig: func() { fake.Advance(2 * 24 * time.Hour) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("previous_token_id"), knownvalue.Null()),
					},
				},
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources[addr].Primary.Attributes
					if e.TokenValid(firstValue) {
						return fmt.Errorf("the old token still works after its retention")
					}
					return live(a["id"])(s)
				},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// quietAfter is a step that lets d pass on the fake clock and expects a
// plan with nothing to do.
func quietAfter(fake *clock.Fake, d time.Duration, cfg string) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() { fake.Advance(d) },
		Config:    cfg,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	}
}

// advanceClock is a plan check that moves the fake clock on after the plan
// and before the apply, as time passes between `plan -out` and `apply`.
type advanceClock struct {
	fake *clock.Fake
	by   time.Duration
}

func (a advanceClock) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	a.fake.Advance(a.by)
}

// A token that falls due between the plan and its apply is not rotated by
// that apply: both judge the time of the refresh, so the apply does what the
// plan showed (here a state-only change), and the next plan rotates.
func TestAccSCIMToken_dueBetweenPlanAndApply(t *testing.T) {
	acctest.PreCheck(t)
	fake := clock.NewFake(time.Now())
	srv := acctest.Emulator(t, emulator.Config{Now: fake.Now})
	srv.Emulator.SetSCIMConfig(emulator.SCIMConfig{Enabled: true})
	const addr = "dbt_scim_token.okta"
	cfg := func(period string) string {
		return rotationConfig(srv, `name = "okta"
  rotation_period = "`+period+`"`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(provider.WithClock(fake)),
		Steps: []resource.TestStep{
			{Config: cfg("720h")},
			{
				// Planned a minute before the 30 days are up; applied an hour after.
				PreConfig: func() { fake.Advance(720*time.Hour - time.Minute) },
				Config:    cfg("721h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						advanceClock{fake, 2 * time.Hour},
					},
				},
				// The refresh after the apply is at the new time: due now.
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg("721h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreateBeforeDestroy),
					},
				},
			},
		},
	})
}

// The plan says what an apply that rotates by replacement does to whatever
// is outside it (-target, an IdP Terraform does not configure), and what an
// imported token's missing value means. Warnings reach only the CLI's
// output, so this drives the CLI.
func TestAccSCIMToken_rotationWarnings(t *testing.T) {
	srv, _ := startEmulator(t)
	cli := acctest.NewCLI(t, nil)
	config := func(body string) string {
		return adoptProviders + acctest.ProviderBlock(srv) + "resource \"dbt_scim_token\" \"okta\" {\n  name = \"okta\"\n" + body + "\n}\n"
	}
	cli.Write(config(`  rotate_when_changed = { generation = "1" }`))
	cli.MustRun("apply", "-input=false", "-auto-approve")

	cli.Write(config(`  rotate_when_changed = { generation = "2" }`))
	out := cli.MustRun("plan", "-input=false", "-target=dbt_scim_token.okta")
	if !strings.Contains(out, "is replaced: apply the whole configuration") || !strings.Contains(out, "-target") {
		t.Fatalf("a replacement rotation plans without the warning:\n%s", out)
	}
	cli.Write(config(`  rotate_when_changed = { generation = "2" }
  previous_token_retention = "24h"`))
	out = cli.MustRun("plan", "-input=false")
	if strings.Contains(out, "is replaced") || !strings.Contains(out, "1 to change") {
		t.Fatalf("an overlap rotation should update in place without the replacement warning:\n%s", out)
	}

	made, _ := srv.Emulator.CreateToken("made-by-hand")
	cli.Write(config(`  rotate_when_changed = { generation = "1" }`) + fmt.Sprintf(`
import {
  to = dbt_scim_token.imported
  id = "%d"
}

resource "dbt_scim_token" "imported" {
  name = "made-by-hand"
}
`, made.ID))
	out = cli.MustRun("plan", "-input=false")
	if !strings.Contains(out, "has no value in Terraform") || !strings.Contains(out, "rotate_when_changed") {
		t.Fatalf("an imported token plans without saying its value is unknown:\n%s", out)
	}
}

// Two tokens with one name: dbt allows it, the plan warns once, naming the
// attribute; one token alone draws no warning.
func TestAccSCIMToken_sameNameWarns(t *testing.T) {
	srv, _ := startEmulator(t)
	cli := acctest.NewInProcessCLI(t)
	tokens := func(names ...string) string {
		cfg := "terraform {\n  required_providers {\n    dbt = { source = \"dbt-scim/dbt\" }\n  }\n}\n" +
			acctest.ProviderBlock(srv)
		for i, n := range names {
			cfg += fmt.Sprintf("resource \"dbt_scim_token\" \"t%d\" {\n  name = %q\n}\n", i, n)
		}
		return cfg
	}
	warnings := func() []string {
		res := cli.Run(2*time.Minute, "plan", "-input=false", "-no-color")
		if res.Code != 0 {
			t.Fatalf("plan (exit %d): %v\n%s", res.Code, res.Err, res.Output)
		}
		var out []string
		for _, w := range res.Diagnostics("Warning") {
			if strings.Contains(w, "Two SCIM tokens with one name") {
				out = append(out, w)
			}
		}
		return out
	}
	cli.SetConfig(tokens("okta", "okta"))
	if w := warnings(); len(w) != 1 || !strings.Contains(w[0], `also named "okta"`) {
		t.Fatalf("two tokens named okta: warnings %q, want one", w)
	}
	cli.SetConfig(tokens("okta", "entra-id"))
	if w := warnings(); len(w) != 0 {
		t.Fatalf("distinct names: warnings %q, want none", w)
	}
}
