// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"context"
	"encoding/json"
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

const dbtUserSchema = "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"

func userConfig(srv *emulator.Server, body string) string {
	return acctest.DirectoryProviderBlock(srv) + "resource \"dbt_scim_user\" \"jane\" {\n" + body + "\n}\n"
}

// emulatorUser finds the user that addr's state points at in dbt, and hands
// it to check.
func emulatorUser(e *emulator.Emulator, addr string, check func(emulator.User) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		u, ok := e.User(rs.Primary.ID)
		if !ok {
			return fmt.Errorf("dbt has no user %s, the id in %s", rs.Primary.ID, addr)
		}
		return check(u)
	}
}

// wantUser compares the fields of u that the provider manages.
func wantUser(u emulator.User, userName, given, family, externalID, license string, active bool) error {
	var errs []string
	cmp := func(field, got, want string) {
		if got != want {
			errs = append(errs, fmt.Sprintf("%s = %q, want %q", field, got, want))
		}
	}
	cmp("userName", u.UserName, userName)
	cmp("givenName", u.GivenName, given)
	cmp("familyName", u.FamilyName, family)
	cmp("externalId", u.ExternalID, externalID)
	cmp("licenseType", u.LicenseType, license)
	if u.Active != active {
		errs = append(errs, fmt.Sprintf("active = %v, want %v", u.Active, active))
	}
	var work []emulator.Email
	for _, em := range u.Emails {
		if strings.EqualFold(em.Type, "work") {
			work = append(work, em)
		}
	}
	if len(work) != 1 || work[0].Value != userName || !work[0].Primary {
		errs = append(errs, fmt.Sprintf("emails = %+v, want one primary work email %q", u.Emails, userName))
	}
	if len(errs) > 0 {
		return fmt.Errorf("dbt's user %s: %s", u.ID, strings.Join(errs, "; "))
	}
	return nil
}

// requestsSince counts the emulator's logged requests by "METHOD kind",
// where kind is "Users" for the collection and "Users/{id}" for one user.
func requestsSince(e *emulator.Emulator) map[string]int {
	n := map[string]int{}
	for _, r := range e.Requests() {
		_, rest, ok := strings.Cut(r.Path, "/scim/v2/")
		if !ok {
			continue
		}
		kind, _, one := strings.Cut(rest, "/")
		if one {
			kind += "/{id}"
		}
		n[r.Method+" "+kind]++
	}
	return n
}

// expectRequests checks the request log since the last reset: at least
// want[k] of each k, and none of the kinds in none.
func expectRequests(e *emulator.Emulator, want map[string]int, none ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := requestsSince(e)
		for k, n := range want {
			if got[k] < n {
				return fmt.Errorf("want at least %d %s requests, the emulator saw %d (log: %v)", n, k, got[k], got)
			}
		}
		for _, k := range none {
			if got[k] > 0 {
				return fmt.Errorf("want no %s requests, the emulator saw %d (log: %v)", k, got[k], got)
			}
		}
		return nil
	}
}

// expectPrior checks the refreshed value the plan starts from, which is
// where drift made in dbt shows.
type expectPrior struct {
	addr, attr string
	want       any
}

func (c expectPrior) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		if got := before[c.attr]; got != c.want {
			resp.Error = fmt.Errorf("%s.%s before the change is %v, want %v (drift not seen)", c.addr, c.attr, got, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

func TestAccSCIMUser_lifecycle(t *testing.T) {
	srv, e := startEmulator(t)
	scimControlsLicenses(e)
	const addr = "dbt_scim_user.jane"
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		CheckDestroy: func(*terraform.State) error {
			// The default destroy deprovisions: the user stays, deactivated.
			u, ok := e.User(id)
			if !ok {
				return fmt.Errorf("user %s was deleted; the default destroy must only deactivate", id)
			}
			if u.Active {
				return fmt.Errorf("user %s is still active after destroy", id)
			}
			if n := len(e.Users()); n != 1 {
				return fmt.Errorf("dbt has %d users, want 1", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: userConfig(srv, `
  user_name    = "jane@example.com"
  given_name   = "Jane"
  family_name  = "Doe"
  external_id  = "okta-123"
  license_type = "developer"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorUser(e, addr, func(u emulator.User) error {
						id = u.ID
						return wantUser(u, "jane@example.com", "Jane", "Doe", "okta-123", "developer", true)
					}),
					func(*terraform.State) error {
						if n := len(e.Users()); n != 1 {
							return fmt.Errorf("dbt has %d users, want 1", n)
						}
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("delete_on_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("license_type"), knownvalue.StringExact("developer")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Profile changes are one PATCH on the same user.
				PreConfig: e.ResetRequests,
				Config: userConfig(srv, `
  user_name    = "jane@example.com"
  given_name   = "Janet"
  family_name  = "Doe-Smith"
  license_type = "analyst"
  active       = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorUser(e, addr, func(u emulator.User) error {
						if u.ID != id {
							return fmt.Errorf("user id changed from %s to %s", id, u.ID)
						}
						return wantUser(u, "jane@example.com", "Janet", "Doe-Smith", "", "analyst", false)
					}),
					expectRequests(e, map[string]int{"PATCH Users/{id}": 1}, "PUT Users/{id}", "POST Users", "DELETE Users/{id}"),
				),
			},
			{
				// A new user name moves the work email with it, in place.
				PreConfig: e.ResetRequests,
				Config: userConfig(srv, `
  user_name    = "janet@example.com"
  given_name   = "Janet"
  family_name  = "Doe-Smith"
  license_type = "analyst"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorUser(e, addr, func(u emulator.User) error {
						if u.ID != id {
							return fmt.Errorf("user id changed from %s to %s", id, u.ID)
						}
						return wantUser(u, "janet@example.com", "Janet", "Doe-Smith", "", "analyst", true)
					}),
					expectRequests(e, map[string]int{"PATCH Users/{id}": 1}, "PUT Users/{id}", "POST Users", "DELETE Users/{id}"),
				),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "userName=JANET@example.com",
				ImportStateVerify: true,
			},
		},
	})
}

// Changes made in dbt show in the plan and the apply puts them back, except
// license_type while the configuration leaves it unset.
func TestAccSCIMUser_drift(t *testing.T) {
	srv, e := startEmulator(t)
	scimControlsLicenses(e)
	const jane, sam = "dbt_scim_user.jane", "dbt_scim_user.sam"
	cfg := userConfig(srv, `
  user_name    = "jane@example.com"
  given_name   = "Jane"
  family_name  = "Doe"
  license_type = "developer"`) + `
resource "dbt_scim_user" "sam" {
  user_name   = "sam@example.com"
  family_name = "Lee"
}
`
	byName := func(userName string) emulator.User {
		u, ok := e.UserByUserName(userName)
		if !ok {
			t.Fatalf("dbt has no user %s", userName)
		}
		return u
	}
	change := func(userName string, fn func(*emulator.User)) {
		if _, err := e.UpdateUserDirect(byName(userName).ID, fn); err != nil {
			t.Fatalf("changing %s in dbt: %v", userName, err)
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// Someone renames Jane and deactivates her in dbt, and gives
				// her and Sam other licenses.
				PreConfig: func() {
					change("jane@example.com", func(u *emulator.User) {
						u.FamilyName, u.Active, u.LicenseType = "Smith", false, "it"
					})
					change("sam@example.com", func(u *emulator.User) { u.LicenseType = "read_only" })
					e.ResetRequests()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(jane, plancheck.ResourceActionUpdate),
						expectPrior{jane, "family_name", "Smith"},
						expectPrior{jane, "active", false},
						expectPrior{jane, "license_type", "it"},
						// Sam's license is dbt's business: no drift, no change.
						plancheck.ExpectResourceAction(sam, plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(sam, tfjsonpath.New("license_type"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorUser(e, jane, func(u emulator.User) error {
						return wantUser(u, "jane@example.com", "Jane", "Doe", "", "developer", true)
					}),
					emulatorUser(e, sam, func(u emulator.User) error {
						return wantUser(u, "sam@example.com", "", "Lee", "", "read_only", true)
					}),
					expectRequests(e, map[string]int{"PATCH Users/{id}": 1}, "PUT Users/{id}", "POST Users"),
				),
			},
			{
				// A first name added in dbt is drift too: unset means none.
				PreConfig: func() { change("sam@example.com", func(u *emulator.User) { u.GivenName = "Samuel" }) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(sam, plancheck.ResourceActionUpdate),
						expectPrior{sam, "given_name", "Samuel"},
					},
				},
				Check: emulatorUser(e, sam, func(u emulator.User) error {
					return wantUser(u, "sam@example.com", "", "Lee", "", "read_only", true)
				}),
			},
		},
	})
}

func TestAccSCIMUser_deleteOnDestroy(t *testing.T) {
	srv, e := startEmulator(t)
	const addr = "dbt_scim_user.jane"
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		CheckDestroy: func(*terraform.State) error {
			if _, ok := e.User(id); ok {
				return fmt.Errorf("user %s still exists after destroy with delete_on_destroy = true", id)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// Turning delete_on_destroy on is a state-only change.
				Config: userConfig(srv, `user_name = "jane@example.com"`),
				Check: emulatorUser(e, addr, func(u emulator.User) error {
					id = u.ID
					return nil
				}),
			},
			{
				PreConfig: e.ResetRequests,
				Config: userConfig(srv, `
  user_name         = "jane@example.com"
  delete_on_destroy = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: expectRequests(e, nil, "PATCH Users/{id}", "PUT Users/{id}", "POST Users", "DELETE Users/{id}"),
			},
		},
	})
}

// A user deleted in dbt is created again by the next apply.
func TestAccSCIMUser_deletedOutsideTerraform(t *testing.T) {
	srv, e := startEmulator(t)
	const addr = "dbt_scim_user.jane"
	cfg := userConfig(srv, `
  user_name  = "jane@example.com"
  given_name = "Jane"`)
	var oldID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check:  emulatorUser(e, addr, func(u emulator.User) error { oldID = u.ID; return nil }),
			},
			{
				PreConfig: func() {
					if !e.DeleteUserDirect(oldID) {
						t.Fatalf("user %s was not in dbt", oldID)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				// The create brings back the record dbt kept of the deleted
				// user, with its id (User.Deleted in the emulator).
				Check: emulatorUser(e, addr, func(u emulator.User) error {
					if u.ID != oldID || len(e.DeletedUsers()) != 0 {
						return fmt.Errorf("the create made user %s, want dbt's record %s brought back", u.ID, oldID)
					}
					return wantUser(u, "jane@example.com", "Jane", "", "", "developer", true)
				}),
			},
		},
	})
}

// A user dbt already provisions through SCIM is not taken over: the apply fails
// with the import command, and nothing changes in dbt.
func TestAccSCIMUser_conflict(t *testing.T) {
	srv, e := startEmulator(t)
	existing, err := e.CreateUserDirect(emulator.User{
		UserName: "jane@example.com", GivenName: "Jane", FamilyName: "Original", Active: true, LicenseType: "it",
	})
	if err != nil {
		t.Fatal(err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			PreConfig: e.ResetRequests,
			Config: userConfig(srv, `
  user_name    = "Jane@Example.com"
  family_name  = "Changed"
  license_type = "developer"`),
			ExpectError: regexp.MustCompile(`(?s)User already exists in dbt.*SCIM id ` + existing.ID +
				`.*terraform import dbt_scim_user.<name> userName=Jane@Example.com` +
				`.*import \{\s+to = dbt_scim_user.<name>\s+id = "userName=Jane@Example.com"\s+\}`),
		}},
	})
	u, _ := e.User(existing.ID)
	if err := wantUser(u, "jane@example.com", "Jane", "Original", "", "it", true); err != nil {
		t.Errorf("the failed create changed the existing user: %v", err)
	}
	if n := len(e.Users()); n != 1 {
		t.Errorf("dbt has %d users, want 1", n)
	}
	for k, n := range requestsSince(e) {
		if !strings.HasPrefix(k, "GET ") && k != "POST Users" {
			t.Errorf("the failed create sent %d %s requests", n, k)
		}
	}
}

// Destroy deactivates; applying the resource again meets the deactivated
// user, says so, and the import the error suggests brings it back.
func TestAccSCIMUser_recreateAfterDeactivatingDestroy(t *testing.T) {
	srv, e := startEmulator(t)
	const addr = "dbt_scim_user.jane"
	cfg := userConfig(srv, `
  user_name    = "jane@example.com"
  license_type = "developer"`)
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check:  emulatorUser(e, addr, func(u emulator.User) error { id = u.ID; return nil }),
			},
			{
				// Removed from the configuration: deactivated, not deleted.
				Config: acctest.DirectoryProviderBlock(srv),
				Check: func(*terraform.State) error {
					u, ok := e.User(id)
					if !ok || u.Active {
						return fmt.Errorf("want user %s kept and deactivated, got %+v (exists %v)", id, u, ok)
					}
					return nil
				},
			},
			{
				Config: cfg,
				ExpectError: regexp.MustCompile(`(?s)User already exists in dbt.*deactivated.*` +
					`userName=jane@example.com.*active = true`),
			},
			{
				// The import block from the error, applied: same user, active again.
				Config: cfg + `
import {
  to = dbt_scim_user.jane
  id = "userName=jane@example.com"
}
`,
				Check: emulatorUser(e, addr, func(u emulator.User) error {
					if u.ID != id {
						return fmt.Errorf("imported user %s, want %s", u.ID, id)
					}
					return wantUser(u, "jane@example.com", "", "", "", "developer", true)
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccSCIMUser_importErrors(t *testing.T) {
	srv, _ := startEmulator(t)
	cfg := userConfig(srv, `user_name = "nobody@example.com"`)
	const addr = "dbt_scim_user.jane"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg, ResourceName: addr, ImportState: true,
				ImportStateId: "userName=nobody@example.com",
				ExpectError:   regexp.MustCompile(`(?s)No such user in dbt.*nobody@example.com`),
			},
			{
				Config: cfg, ResourceName: addr, ImportState: true,
				ImportStateId: "email=nobody@example.com",
				ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*userName=<email>`),
			},
			{
				Config: cfg, ResourceName: addr, ImportState: true,
				ImportStateId: "424242",
				ExpectError:   regexp.MustCompile(`(?i)cannot import non-existent remote object`),
			},
		},
	})
	if n := len(srv.Emulator.Users()); n != 0 {
		t.Errorf("failed imports left %d users in dbt", n)
	}
}

// What goes over the wire: no dbt extension while license_type is unset,
// and PATCHes that carry only what changed.
func TestAccSCIMUser_requestBodies(t *testing.T) {
	srv, e := startEmulator(t)
	scimControlsLicenses(e)
	rec, base := acctest.RecordSCIM(t, srv)
	config := func(body string) string {
		return acctest.DirectoryProviderBlockVia(srv, base) + "resource \"dbt_scim_user\" \"jane\" {\n" + body + "\n}\n"
	}
	const addr = "dbt_scim_user.jane"
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config(`
  user_name   = "jane@example.com"
  given_name  = "Jane"
  family_name = "Doe"`),
				ConfigStateChecks: []statecheck.StateCheck{
					// dbt gives the user a license of its choosing; unset stays null.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("license_type"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorUser(e, addr, func(u emulator.User) error { id = u.ID; return nil }),
					func(*terraform.State) error {
						body, err := rec.OneBody("POST", "/Users")
						if err != nil {
							return err
						}
						if _, ok := body[dbtUserSchema]; ok {
							return fmt.Errorf("the create sent dbt's extension without a license_type: %v", body)
						}
						for _, s := range body["schemas"].([]any) {
							if s == dbtUserSchema {
								return fmt.Errorf("the create listed dbt's extension schema without a license_type: %v", body)
							}
						}
						want := []any{map[string]any{"value": "jane@example.com", "type": "work", "primary": true}}
						if fmt.Sprint(body["emails"]) != fmt.Sprint(want) {
							return fmt.Errorf("the create sent emails %v, want %v", body["emails"], want)
						}
						// What dbt's CreateUserSCIMRequest requires is always there.
						for _, k := range []string{"schemas", "userName", "name", "emails", "active"} {
							if _, ok := body[k]; !ok {
								return fmt.Errorf("the create left out %q, which dbt's spec requires: %v", k, body)
							}
						}
						return nil
					},
				),
			},
			{
				// One attribute changed: one replace operation, nothing else.
				PreConfig: rec.Reset,
				Config: config(`
  user_name   = "jane@example.com"
  given_name  = "Jane"
  family_name = "Smith"`),
				Check: func(*terraform.State) error {
					body, err := rec.OneBody("PATCH", "/Users/"+id)
					if err != nil {
						return err
					}
					got, _ := json.Marshal(body["Operations"])
					if want := `[{"op":"replace","path":"name.familyName","value":"Smith"}]`; string(got) != want {
						return fmt.Errorf("PATCH operations %s, want %s", got, want)
					}
					if len(rec.Requests("PUT", "/Users/"+id)) > 0 {
						return fmt.Errorf("the update sent a PUT")
					}
					return nil
				},
			},
			{
				// A license: sent through the extension path; a cleared name:
				// replaced with "", the spec's default (a user PATCH operation
				// must carry a value).
				PreConfig: rec.Reset,
				Config: config(`
  user_name    = "jane@example.com"
  family_name  = "Smith"
  license_type = "analyst"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						body, err := rec.OneBody("PATCH", "/Users/"+id)
						if err != nil {
							return err
						}
						got, _ := json.Marshal(body["Operations"])
						want := `[{"op":"replace","path":"name.givenName","value":""},` +
							`{"op":"replace","path":"` + dbtUserSchema + `:licenseType","value":"analyst"}]`
						if string(got) != want {
							return fmt.Errorf("PATCH operations %s, want %s", got, want)
						}
						return nil
					},
					emulatorUser(e, addr, func(u emulator.User) error {
						return wantUser(u, "jane@example.com", "", "Smith", "", "analyst", true)
					}),
				),
			},
			{
				// Unsetting license_type sends nothing and leaves dbt's license alone.
				PreConfig: rec.Reset,
				Config: config(`
  user_name   = "jane@example.com"
  family_name = "Smith"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("license_type"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						if n := len(rec.Requests("PATCH", "/Users/"+id)); n != 0 {
							return fmt.Errorf("unsetting license_type sent %d PATCH requests", n)
						}
						return nil
					},
					emulatorUser(e, addr, func(u emulator.User) error {
						return wantUser(u, "jane@example.com", "", "Smith", "", "analyst", true)
					}),
				),
			},
			{
				// Destroy (by default) is one PATCH of active = false.
				PreConfig: rec.Reset,
				Config:    acctest.DirectoryProviderBlockVia(srv, base),
				Check: func(*terraform.State) error {
					body, err := rec.OneBody("PATCH", "/Users/"+id)
					if err != nil {
						return err
					}
					got, _ := json.Marshal(body["Operations"])
					// Okta's shape, and dbt's UserValueComponent: no path.
					if want := `[{"op":"replace","value":{"active":false}}]`; string(got) != want {
						return fmt.Errorf("destroy sent PATCH operations %s, want %s", got, want)
					}
					if n := len(rec.Requests("DELETE", "/Users/"+id)); n != 0 {
						return fmt.Errorf("destroy sent DELETE")
					}
					return nil
				},
			},
		},
	})
}

// RFC 7644 lets a server answer PATCH with 204 and no body; the provider
// must not depend on the body, for updates or for the deactivating destroy.
func TestAccSCIMUser_patchNoContent(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{PatchNoContent: true})
	e := srv.Emulator
	scimControlsLicenses(e)
	const addr = "dbt_scim_user.jane"
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		CheckDestroy: func(*terraform.State) error {
			if u, ok := e.User(id); !ok || u.Active {
				return fmt.Errorf("want user %s kept and deactivated after destroy, got %+v (exists %v)", id, u, ok)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: userConfig(srv, `
  user_name    = "jane@example.com"
  family_name  = "Doe"
  license_type = "developer"`),
				Check: emulatorUser(e, addr, func(u emulator.User) error { id = u.ID; return nil }),
			},
			{
				Config: userConfig(srv, `
  user_name    = "jane.doe@example.com"
  family_name  = "Smith"
  license_type = "it"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: emulatorUser(e, addr, func(u emulator.User) error {
					return wantUser(u, "jane.doe@example.com", "", "Smith", "", "it", true)
				}),
			},
		},
	})
}

// dbt's license rules, as dbt documents them: an Analyst license is refused
// on a plan without Analyst licenses, with a diagnostic that says what to
// use instead; and while the account does not let SCIM control licenses,
// the license_type sent is ignored, which the apply warns about and the next
// plan shows as drift.
func TestAccSCIMUser_licenseRules(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{NoAnalystLicenses: true})
	e := srv.Emulator
	const addr = "dbt_scim_user.jane"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { scimControlsLicenses(e) },
				Config: userConfig(srv, `
  user_name    = "jane@example.com"
  license_type = "analyst"`),
				ExpectError: regexp.MustCompile(`(?s)analyst license type is not\s+available.*Analyst licenses exist on select` +
					`\s+dbt plans only.*license_type\s+=\s+"developer"`),
			},
			{
				// SCIM does not control licenses: dbt gives the default.
				PreConfig: func() {
					cfg := e.SCIMConfig()
					cfg.SCIMControlledLicenseType = false
					e.SetSCIMConfig(cfg)
				},
				Config: userConfig(srv, `
  user_name    = "jane@example.com"
  license_type = "read_only"`),
				ExpectNonEmptyPlan: true,
				Check: emulatorUser(e, addr, func(u emulator.User) error {
					if u.LicenseType != "developer" {
						return fmt.Errorf("license %q, want developer: dbt ignores licenseType unless SCIM controls licenses", u.LicenseType)
					}
					return nil
				}),
			},
		},
	})
}
