// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// groupUsers creates n licensed, active users directly in dbt and returns
// their ids, in creation order.
func groupUsers(t *testing.T, e *emulator.Emulator, prefix string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		name := fmt.Sprintf("%s-%d@example.com", prefix, i)
		u, err := e.CreateUserDirect(emulator.User{UserName: name, Active: true, LicenseType: "developer"})
		if err != nil {
			t.Fatalf("creating user %s: %v", name, err)
		}
		ids[i] = u.ID
	}
	return ids
}

// hclStrings renders ids as an HCL list of strings.
func hclStrings(ids ...string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// stateID reads the id of addr from the state.
func stateID(s *terraform.State, addr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	return rs.Primary.ID, nil
}

// captureID records addr's id from the state into *id, for later steps.
func captureID(addr string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var err error
		*id, err = stateID(s, addr)
		return err
	}
}

// emulatorGroup finds the group that addr's state points at in dbt, and
// hands it to check.
func emulatorGroup(e *emulator.Emulator, addr string, check func(emulator.Group) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := stateID(s, addr)
		if err != nil {
			return err
		}
		g, ok := e.Group(id)
		if !ok {
			return fmt.Errorf("dbt has no group %s, the id in %s", id, addr)
		}
		return check(g)
	}
}

// wantGroup compares what the provider manages of a group in dbt.
func wantGroup(g emulator.Group, displayName, externalID string, members ...string) error {
	var errs []string
	if g.DisplayName != displayName {
		errs = append(errs, fmt.Sprintf("displayName = %q, want %q", g.DisplayName, displayName))
	}
	if g.ExternalID != externalID {
		errs = append(errs, fmt.Sprintf("externalId = %q, want %q", g.ExternalID, externalID))
	}
	if err := sameMembers(g.Members, members); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return fmt.Errorf("dbt's group %s: %s", g.ID, strings.Join(errs, "; "))
	}
	return nil
}

func sameMembers(got, want []string) error {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("members = %v, want %v", got, want)
	}
	return nil
}

// memberSet is the state check for a members set holding exactly ids.
func memberSet(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.StringExact(id)
	}
	return knownvalue.SetExact(checks)
}

// patchOp is one operation of a recorded PATCH body.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// patches decodes the bodies of the recorded PATCHes to one group.
func patches(rec *acctest.Recorder, groupID string) ([][]patchOp, error) {
	var out [][]patchOp
	for _, r := range rec.Requests("PATCH", "/Groups/"+groupID) {
		var body struct {
			Operations []patchOp `json:"Operations"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return nil, fmt.Errorf("PATCH body %s: %w", r.Body, err)
		}
		out = append(out, body.Operations)
	}
	return out, nil
}

// describeOps renders operations compactly for comparison and messages:
// `remove members[value eq "1"]`, `add members 2,3`, `replace displayName "x"`.
func describeOps(ops []patchOp) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		switch {
		case o.Path == "members" && o.Op == "add":
			var ms []struct {
				Value   string `json:"value"`
				Display string `json:"display"`
			}
			_ = json.Unmarshal(o.Value, &ms)
			ids := make([]string, len(ms))
			for j, m := range ms {
				ids[j] = m.Value
				if !strings.Contains(m.Display, "@") {
					ids[j] += " (display " + strconv.Quote(m.Display) + ", not a userName)"
				}
			}
			out[i] = "add members " + strings.Join(ids, ",")
		case len(o.Value) > 0:
			out[i] = o.Op + " " + o.Path + " " + string(o.Value)
		default:
			out[i] = o.Op + " " + o.Path
		}
	}
	return out
}

// expectPatches checks the PATCHes sent to the group at addr since the
// recorder was last reset: one request per entry of want, each with exactly
// the operations listed, in order.
func expectPatches(rec *acctest.Recorder, addr string, want ...[]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := stateID(s, addr)
		if err != nil {
			return err
		}
		got, err := patches(rec, id)
		if err != nil {
			return err
		}
		gotOps := make([][]string, len(got))
		for i, ops := range got {
			gotOps[i] = describeOps(ops)
		}
		if len(gotOps) != len(want) {
			return fmt.Errorf("want %d PATCH requests to group %s, saw %d: %q", len(want), id, len(gotOps), gotOps)
		}
		for i := range want {
			if !slices.Equal(gotOps[i], want[i]) {
				return fmt.Errorf("PATCH %d to group %s: got operations %q, want %q", i+1, id, gotOps[i], want[i])
			}
		}
		return nil
	}
}

func removeOp(id string) string { return fmt.Sprintf(`remove members[value eq %q]`, id) }

// resetRecorder clears the recorder before a step's plan and apply.
func resetRecorder(rec *acctest.Recorder) func() { return rec.Reset }

// groupGetsWithMembers counts the GETs of one group, or of the group list,
// that did not leave members out.
func groupGetsWithMembers(e *emulator.Emulator) []string {
	var out []string
	for _, r := range e.Requests() {
		if r.Method != "GET" || !strings.Contains(r.Path, "/scim/v2/Groups") {
			continue
		}
		q, _ := url.ParseQuery(r.Query)
		if !strings.Contains(q.Get("excludedAttributes"), "members") {
			out = append(out, r.Path+"?"+r.Query)
		}
	}
	return out
}

func groupConfig(provider, body string) string {
	return provider + "resource \"dbt_scim_group\" \"analysts\" {\n" + body + "\n}\n"
}

func TestAccSCIMGroup_lifecycle(t *testing.T) {
	srv, e := startEmulator(t)
	rec, base := acctest.RecordSCIM(t, srv)
	p := acctest.DirectoryProviderBlockVia(srv, base)
	u := groupUsers(t, e, "lifecycle", 4)
	const addr = "dbt_scim_group.analysts"
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		CheckDestroy: func(*terraform.State) error {
			if gs := e.Groups(); len(gs) != 0 {
				return fmt.Errorf("%d groups left in dbt after destroy: %+v", len(gs), gs)
			}
			if n := len(e.Users()); n != len(u) {
				return fmt.Errorf("destroying the group changed the users: %d left, want %d", n, len(u))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// Created without members, which one PATCH then adds, each
				// named by its userName: the order Okta and Entra ID use.
				PreConfig: resetRecorder(rec),
				Config: groupConfig(p, fmt.Sprintf(`
  display_name = "Analysts"
  external_id  = "okta-00g1"
  members      = %s`, hclStrings(u[0], u[1]))),
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorGroup(e, addr, func(g emulator.Group) error { return wantGroup(g, "Analysts", "okta-00g1", u[0], u[1]) }),
					func(*terraform.State) error {
						if n := len(rec.Requests("POST", "/Groups")); n != 1 {
							return fmt.Errorf("want 1 POST /Groups, saw %d", n)
						}
						body, err := rec.OneBody("POST", "/Groups")
						if err != nil {
							return err
						}
						if ms, ok := body["members"]; ok {
							return fmt.Errorf("POST /Groups carried members %v, want none", ms)
						}
						return nil
					},
					expectPatches(rec, addr, []string{"add members " + u[0] + "," + u[1]}),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), memberSet(u[0], u[1])),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "displayName=Analysts",
				ImportStateVerify: true,
			},
			{
				// Rename, drop the external id, swap a member: the same group
				// in dbt, one PATCH for the name and one with only the
				// member delta.
				PreConfig: resetRecorder(rec),
				Config: groupConfig(p, fmt.Sprintf(`
  display_name = "Analytics"
  members      = %s`, hclStrings(u[1], u[2]))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("external_id"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorGroup(e, addr, func(g emulator.Group) error { return wantGroup(g, "Analytics", "", u[1], u[2]) }),
					func(*terraform.State) error {
						if n := len(e.Groups()); n != 1 {
							return fmt.Errorf("dbt holds %d groups after a rename, want 1", n)
						}
						return nil
					},
					expectPatches(rec, addr,
						[]string{`replace displayName "Analytics"`, "remove externalId"},
						[]string{removeOp(u[0]), "add members " + u[2]},
					),
				),
			},
			{
				// An empty set is authoritative too: no members.
				PreConfig: resetRecorder(rec),
				Config: groupConfig(p, `
  display_name = "Analytics"
  external_id  = "okta-00g2"
  members      = []`),
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorGroup(e, addr, func(g emulator.Group) error { return wantGroup(g, "Analytics", "okta-00g2") }),
					expectPatches(rec, addr,
						[]string{`replace externalId "okta-00g2"`},
						[]string{removeOp(u[1]), removeOp(u[2])},
					),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Changing one member of a large group sends one small PATCH with only that
// change, never the member list.
func TestAccSCIMGroup_largeGroupSendsOnlyTheDelta(t *testing.T) {
	srv, e := startEmulator(t)
	rec, base := acctest.RecordSCIM(t, srv)
	p := acctest.DirectoryProviderBlockVia(srv, base)
	seeded, err := e.Seed(302, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	u := seeded.UserIDs
	const addr = "dbt_scim_group.analysts"
	config := func(members []string) string {
		return groupConfig(p, "  display_name = \"Large\"\n  members = "+hclStrings(members...))
	}
	first := u[:300]
	swapped := append(slices.Clone(u[1:300]), u[300])       // u[0] out, u[300] in
	shrunk := slices.Clone(u[1:300])                        // u[300] out
	grown := append(slices.Clone(u[1:300]), u[300], u[301]) // u[300] and u[301] in

	onePatch := func(ops ...string) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			expectPatches(rec, addr, ops),
			func(s *terraform.State) error {
				id, _ := stateID(s, addr)
				for _, r := range e.Requests() {
					if r.Method == "PATCH" && strings.HasSuffix(r.Path, "/Groups/"+id) && r.BodyBytes > 512 {
						return fmt.Errorf("a member PATCH of %d bytes: the whole list was sent, not the change", r.BodyBytes)
					}
				}
				return nil
			},
		)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config(first),
				Check:  emulatorGroup(e, addr, func(g emulator.Group) error { return sameMembers(g.Members, first) }),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() { rec.Reset(); e.ResetRequests() },
				Config:    config(swapped),
				Check: resource.ComposeAggregateTestCheckFunc(
					onePatch(removeOp(u[0]), "add members "+u[300]),
					emulatorGroup(e, addr, func(g emulator.Group) error { return sameMembers(g.Members, swapped) }),
				),
			},
			{
				PreConfig: func() { rec.Reset(); e.ResetRequests() },
				Config:    config(shrunk),
				Check: resource.ComposeAggregateTestCheckFunc(
					onePatch(removeOp(u[300])),
					emulatorGroup(e, addr, func(g emulator.Group) error { return sameMembers(g.Members, shrunk) }),
				),
			},
			{
				PreConfig: func() { rec.Reset(); e.ResetRequests() },
				Config:    config(grown),
				Check: resource.ComposeAggregateTestCheckFunc(
					onePatch("add members "+u[300]+","+u[301]),
					emulatorGroup(e, addr, func(g emulator.Group) error { return sameMembers(g.Members, grown) }),
				),
			},
		},
	})
}

// Changes beyond scim_patch_batch_size go in several PATCHes, removals first.
func TestAccSCIMGroup_memberChangesAreBatched(t *testing.T) {
	srv, e := startEmulator(t)
	rec, base := acctest.RecordSCIM(t, srv)
	p := strings.Replace(acctest.DirectoryProviderBlockVia(srv, base), "max_retries = 4", "max_retries = 4\n  scim_patch_batch_size = 2", 1)
	u := groupUsers(t, e, "batched", 6)
	const addr = "dbt_scim_group.analysts"
	config := func(members ...string) string {
		return groupConfig(p, "  display_name = \"Batched\"\n  members = "+hclStrings(members...))
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	out, in := sorted(u[0], u[1], u[2]), sorted(u[3], u[4], u[5])

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{Config: config(u[0], u[1], u[2])},
			{
				PreConfig: rec.Reset,
				Config:    config(u[3], u[4], u[5]),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectPatches(rec, addr,
						[]string{removeOp(out[0]), removeOp(out[1])},
						[]string{removeOp(out[2]), "add members " + in[0]},
						[]string{"add members " + in[1] + "," + in[2]},
					),
					emulatorGroup(e, addr, func(g emulator.Group) error { return sameMembers(g.Members, in) }),
				),
			},
		},
	})
}

// Members changed in dbt show as drift and are put back with the delta.
func TestAccSCIMGroup_memberDrift(t *testing.T) {
	srv, e := startEmulator(t)
	rec, base := acctest.RecordSCIM(t, srv)
	p := acctest.DirectoryProviderBlockVia(srv, base)
	u := groupUsers(t, e, "drift", 3)
	const addr = "dbt_scim_group.analysts"
	config := groupConfig(p, "  display_name = \"Drift\"\n  members = "+hclStrings(u[0], u[1]))
	var gid string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  captureID(addr, &gid),
			},
			{
				// Someone adds u2 and removes u0 in dbt.
				PreConfig: func() {
					if err := e.AddGroupMember(gid, u[2]); err != nil {
						t.Fatal(err)
					}
					if err := e.RemoveGroupMember(gid, u[0]); err != nil {
						t.Fatal(err)
					}
					rec.Reset()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("members"), memberSet(u[0], u[1])),
						expectPriorMembers{addr: addr, want: []string{u[1], u[2]}},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectPatches(rec, addr, []string{removeOp(u[2]), "add members " + u[0]}),
					emulatorGroup(e, addr, func(g emulator.Group) error { return wantGroup(g, "Drift", "", u[0], u[1]) }),
				),
			},
		},
	})
}

// expectPriorMembers checks the refreshed members the plan starts from,
// which is where drift made in dbt shows.
type expectPriorMembers struct {
	addr string
	want []string
}

func (c expectPriorMembers) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		raw, _ := before["members"].([]any)
		got := make([]string, len(raw))
		for i, v := range raw {
			got[i], _ = v.(string)
		}
		if err := sameMembers(got, c.want); err != nil {
			resp.Error = fmt.Errorf("%s before the change: %w (drift not seen)", c.addr, err)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in the plan", c.addr)
}

// With members unset the group's members are never read or written: the
// IdP's (or dbt's) members stay, whatever else changes.
func TestAccSCIMGroup_unmanagedMembers(t *testing.T) {
	srv, e := startEmulator(t)
	rec, base := acctest.RecordSCIM(t, srv)
	p := acctest.DirectoryProviderBlockVia(srv, base)
	u := groupUsers(t, e, "unmanaged", 3)
	const addr = "dbt_scim_group.analysts"
	var gid string
	noMembersTouched := func(*terraform.State) error {
		if gets := groupGetsWithMembers(e); len(gets) > 0 {
			return fmt.Errorf("group reads without excludedAttributes=members: %v", gets)
		}
		for _, m := range []string{"POST", "PATCH", "PUT"} {
			for _, r := range rec.Requests(m, "") {
				if strings.Contains(string(r.Body), "members") {
					return fmt.Errorf("%s %s sent members: %s", r.Method, r.Path, r.Body)
				}
			}
		}
		return nil
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: groupConfig(p, `  display_name = "IdP managed"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID(addr, &gid),
					noMembersTouched,
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.Null()),
				},
			},
			{
				// The IdP pushes members; a rename leaves them alone and the
				// state keeps members null.
				PreConfig: func() {
					if err := e.SetGroupMembers(gid, []string{u[0], u[1]}); err != nil {
						t.Fatal(err)
					}
					rec.Reset()
					e.ResetRequests()
				},
				Config: groupConfig(p, `  display_name = "IdP managed (renamed)"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					noMembersTouched,
					expectPatches(rec, addr, []string{`replace displayName "IdP managed (renamed)"`}),
					emulatorGroup(e, addr, func(g emulator.Group) error {
						return wantGroup(g, "IdP managed (renamed)", "", u[0], u[1])
					}),
				),
			},
			{
				// Taking members over: dbt's members are read once, and only
				// the difference is sent.
				PreConfig: func() { rec.Reset(); e.ResetRequests() },
				Config:    groupConfig(p, "  display_name = \"IdP managed (renamed)\"\n  members = "+hclStrings(u[1], u[2])),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectPatches(rec, addr, []string{removeOp(u[0]), "add members " + u[2]}),
					emulatorGroup(e, addr, func(g emulator.Group) error {
						return wantGroup(g, "IdP managed (renamed)", "", u[1], u[2])
					}),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// And letting go: removing members from the configuration
				// sends nothing and leaves them in dbt.
				PreConfig: func() { rec.Reset(); e.ResetRequests() },
				Config:    groupConfig(p, `  display_name = "IdP managed (renamed)"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectPatches(rec, addr),
					emulatorGroup(e, addr, func(g emulator.Group) error {
						return wantGroup(g, "IdP managed (renamed)", "", u[1], u[2])
					}),
				),
			},
			{
				// Changes after letting go still leave members alone.
				PreConfig: func() {
					if err := e.AddGroupMember(gid, u[0]); err != nil {
						t.Fatal(err)
					}
					rec.Reset()
					e.ResetRequests()
				},
				Config: groupConfig(p, `  display_name = "IdP managed (renamed)"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					noMembersTouched,
					emulatorGroup(e, addr, func(g emulator.Group) error {
						return wantGroup(g, "IdP managed (renamed)", "", u[0], u[1], u[2])
					}),
				),
			},
		},
	})
}

// A create that meets an existing name fails with the import command and
// leaves the existing group as it was.
func TestAccSCIMGroup_conflictShowsImport(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "conflict", 2)
	existing, err := e.CreateGroupDirect("Finance", []string{u[0]})
	if err != nil {
		t.Fatal(err)
	}
	p := acctest.DirectoryProviderBlock(srv)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: groupConfig(p, "  display_name = \"finance\"\n  members = "+hclStrings(u[1])),
				ExpectError: regexp.MustCompile(`(?s)Group already exists in dbt.*SCIM id ` + existing.ID +
					`.*terraform import dbt_scim_group.<name> 'displayName=finance'.*id = "displayName=finance"`),
			},
			{
				// Nothing was adopted or changed.
				PreConfig: func() {
					gs := e.Groups()
					if len(gs) != 1 {
						t.Fatalf("dbt holds %d groups, want only the existing one", len(gs))
					}
					if err := wantGroup(gs[0], "Finance", "", u[0]); err != nil {
						t.Fatal(err)
					}
				},
				Config:        groupConfig(p, `  display_name = "Finance"`),
				ResourceName:  "dbt_scim_group.analysts",
				ImportState:   true,
				ImportStateId: "displayName=Finance",
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].ID != existing.ID {
						return fmt.Errorf("imported %v, want group %s", states, existing.ID)
					}
					a := states[0].Attributes
					if a["display_name"] != "Finance" || a["members.#"] != "1" || a["members.0"] != u[0] {
						return fmt.Errorf("imported attributes %v, want Finance with member %s", a, u[0])
					}
					return nil
				},
			},
			{
				Config:        groupConfig(p, `  display_name = "Finance"`),
				ResourceName:  "dbt_scim_group.analysts",
				ImportState:   true,
				ImportStateId: "displayName=Nobody",
				ExpectError:   regexp.MustCompile(`No such group in dbt`),
			},
			{
				Config:        groupConfig(p, `  display_name = "Finance"`),
				ResourceName:  "dbt_scim_group.analysts",
				ImportState:   true,
				ImportStateId: "name=Finance",
				ExpectError:   regexp.MustCompile(`Invalid import ID`),
			},
			{
				Config:        groupConfig(p, `  display_name = "Finance"`),
				ResourceName:  "dbt_scim_group.analysts",
				ImportState:   true,
				ImportStateId: "424242",
				ExpectError:   regexp.MustCompile(`(?i)cannot import non-existent remote object|no longer exists`),
			},
		},
	})
}

// A group deleted in dbt is created again, with its members.
func TestAccSCIMGroup_deletedOutsideTerraform(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "deleted", 2)
	p := acctest.DirectoryProviderBlock(srv)
	const addr = "dbt_scim_group.analysts"
	config := groupConfig(p, "  display_name = \"Ephemeral\"\n  members = "+hclStrings(u...))
	var oldID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  captureID(addr, &oldID),
			},
			{
				PreConfig: func() {
					if !e.DeleteGroupDirect(oldID) {
						t.Fatal("the group was not in dbt")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorGroup(e, addr, func(g emulator.Group) error {
						if g.ID == oldID {
							return fmt.Errorf("state kept the deleted group's id %s", oldID)
						}
						return wantGroup(g, "Ephemeral", "", u...)
					}),
				),
			},
		},
	})
}

// A group of DBT_ACC_SCALE_MEMBERS members (say 50000) through the real CLI:
// create, an empty plan, one member swapped, drift put back. Off by default;
// it logs how long each step takes.
func TestAccSCIMGroup_scale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DBT_ACC_SCALE_MEMBERS"))
	if n <= 0 {
		t.Skip("set DBT_ACC_SCALE_MEMBERS to the number of members, for example 50000")
	}
	srv, e := startEmulator(t)
	rec, base := acctest.RecordSCIM(t, srv)
	p := acctest.DirectoryProviderBlockVia(srv, base)
	seeded, err := e.Seed(n+1, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	u := seeded.UserIDs
	const addr = "dbt_scim_group.analysts"
	config := func(members []string) string {
		return groupConfig(p, "  display_name = \"Scale\"\n  members = "+hclStrings(members...))
	}
	first, swapped := u[:n], append(slices.Clone(u[1:n]), u[n])
	var gid string
	start := time.Now()
	lap := func(what string) func() {
		return func() { t.Logf("%s: %v since the previous step", what, time.Since(start)); start = time.Now() }
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: lap("start"),
				Config:    config(first),
				Check: resource.ComposeAggregateTestCheckFunc(
					emulatorGroup(e, addr, func(g emulator.Group) error { return sameMembers(g.Members, first) }),
					func(s *terraform.State) error { gid, err = stateID(s, addr); return err },
				),
			},
			{
				PreConfig: func() { lap("create")(); rec.Reset() },
				Config:    config(swapped),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectPatches(rec, addr, []string{removeOp(u[0]), "add members " + u[n]}),
					emulatorGroup(e, addr, func(g emulator.Group) error { return sameMembers(g.Members, swapped) }),
				),
			},
			{
				PreConfig: func() {
					lap("swap one member")()
					if err := e.RemoveGroupMember(gid, u[1]); err != nil {
						t.Fatal(err)
					}
					rec.Reset()
				},
				Config: config(swapped),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectPatches(rec, addr, []string{"add members " + u[1]}),
					emulatorGroup(e, addr, func(g emulator.Group) error { return sameMembers(g.Members, swapped) }),
				),
			},
			{
				PreConfig: lap("drift put back"),
				Config:    config(swapped),
				PlanOnly:  true,
			},
		},
	})
	lap("empty plan")()
}

// A rename that went through is kept when the member update after it
// fails; the next apply finishes the members.
func TestAccSCIMGroup_memberUpdateFailsAfterRename(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "partial", 2)
	base, failing := failMemberPatches(t, srv)
	p := acctest.DirectoryProviderBlockVia(srv, base)
	const addr = "dbt_scim_group.analysts"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: groupConfig(p, "  display_name = \"Before\"\n  members = "+hclStrings(u[0])),
			},
			{
				PreConfig:   func() { failing.Store(true) },
				Config:      groupConfig(p, "  display_name = \"After\"\n  members = "+hclStrings(u[1])),
				ExpectError: regexp.MustCompile(`(?s)Cannot update the members of group .*members are frozen`),
			},
			{
				// dbt kept the rename and the old members, and so does the
				// refreshed state: the plan shows only the members still to
				// change.
				PreConfig: func() { failing.Store(false) },
				Config:    groupConfig(p, "  display_name = \"After\"\n  members = "+hclStrings(u[1])),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						expectPriorMembers{addr: addr, want: []string{u[0]}},
						acctest.ExpectPriorValue{Addr: addr, Attr: "display_name", Want: "After"},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: emulatorGroup(e, addr, func(g emulator.Group) error { return wantGroup(g, "After", "", u[1]) }),
			},
		},
	})
}

// failMemberPatches puts a proxy in front of srv's SCIM API that, while the
// returned flag is set, refuses every PATCH that changes members with a 400,
// and passes everything else on. It returns the SCIM base URL through it.
func failMemberPatches(t *testing.T, srv *emulator.Server) (string, *atomic.Bool) {
	t.Helper()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	failing := &atomic.Bool{}
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if failing.Load() && r.Method == http.MethodPatch && bytes.Contains(body, []byte(`"members`)) {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400",` +
				`"scimType":"invalidValue","detail":"members are frozen"}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return fmt.Sprintf("%s/api/v3/accounts/%d/scim/v2", ps.URL, srv.Emulator.AccountID()), failing
}

// memberConfig declares one dbt_scim_group_member per user, named m<i>.
func memberConfig(provider, groupID string, users ...string) string {
	var b strings.Builder
	b.WriteString(provider)
	for i, u := range users {
		fmt.Fprintf(&b, "resource \"dbt_scim_group_member\" \"m%d\" {\n  group_id = %q\n  user_id  = %q\n}\n", i, groupID, u)
	}
	return b.String()
}

// expectMembers checks the group's members in dbt.
func expectMembers(e *emulator.Emulator, groupID string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		g, ok := e.Group(groupID)
		if !ok {
			return fmt.Errorf("dbt has no group %s", groupID)
		}
		return sameMembers(g.Members, want)
	}
}

// noFullGroupReads checks that membership was checked without reading the
// group's members.
func noFullGroupReads(e *emulator.Emulator) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if gets := groupGetsWithMembers(e); len(gets) > 0 {
			return fmt.Errorf("reads of whole groups with their members: %v", gets)
		}
		return nil
	}
}

// memberFilterReads checks that at least n membership checks went to the
// server as a members filter.
func memberFilterReads(e *emulator.Emulator, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		seen := 0
		for _, r := range e.Requests() {
			q, _ := url.ParseQuery(r.Query)
			if r.Method == "GET" && strings.HasSuffix(r.Path, "/scim/v2/Groups") && strings.Contains(q.Get("filter"), "members[value eq") {
				seen++
			}
		}
		if seen < n {
			return fmt.Errorf("want at least %d membership checks by filter, saw %d", n, seen)
		}
		return nil
	}
}

// Memberships are additive: they coexist with members the IdP pushed, and
// destroying one removes only its own member.
func TestAccSCIMGroupMember_lifecycle(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "member", 4)
	idp, err := e.CreateGroupDirect("Pushed by Okta", []string{u[0], u[1]})
	if err != nil {
		t.Fatal(err)
	}
	gid := idp.ID
	p := acctest.DirectoryProviderBlock(srv)
	const m0 = "dbt_scim_group_member.m0"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		CheckDestroy:             expectMembers(e, gid, u[0], u[1]),
		Steps: []resource.TestStep{
			{
				Config: memberConfig(p, gid, u[2], u[3]),
				Check:  expectMembers(e, gid, u[0], u[1], u[2], u[3]),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(m0, tfjsonpath.New("id"), knownvalue.StringExact(gid+"/"+u[2])),
					statecheck.ExpectKnownValue(m0, tfjsonpath.New("group_id"), knownvalue.StringExact(gid)),
					statecheck.ExpectKnownValue(m0, tfjsonpath.New("user_id"), knownvalue.StringExact(u[2])),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      m0,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Dropping one membership removes that user only. The refresh
				// before it asked dbt about each membership without reading
				// the group's members.
				PreConfig: e.ResetRequests,
				Config:    memberConfig(p, gid, u[2]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("dbt_scim_group_member.m1", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(m0, plancheck.ResourceActionNoop),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectMembers(e, gid, u[0], u[1], u[2]),
					noFullGroupReads(e),
					memberFilterReads(e, 2),
				),
			},
			{
				// Removed in dbt: the plan adds it back, and the apply does.
				PreConfig: func() {
					if err := e.RemoveGroupMember(gid, u[2]); err != nil {
						t.Fatal(err)
					}
				},
				Config: memberConfig(p, gid, u[2]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(m0, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectMembers(e, gid, u[0], u[1], u[2]),
			},
			{
				// Moving the membership to another user replaces it.
				Config: memberConfig(p, gid, u[3]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(m0, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: expectMembers(e, gid, u[0], u[1], u[3]),
			},
		},
	})
}

func TestAccSCIMGroupMember_import(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "member-import", 2)
	g, err := e.CreateGroupDirect("Imported", []string{u[0]})
	if err != nil {
		t.Fatal(err)
	}
	p := acctest.DirectoryProviderBlock(srv)
	config := memberConfig(p, g.ID, u[0])
	const m0 = "dbt_scim_group_member.m0"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       m0,
				ImportState:        true,
				ImportStateId:      g.ID + "/" + u[0],
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances", len(states))
					}
					a := states[0].Attributes
					if a["group_id"] != g.ID || a["user_id"] != u[0] || a["id"] != g.ID+"/"+u[0] {
						return fmt.Errorf("imported attributes %v", a)
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Not a member: nothing to import.
				Config:        memberConfig(p, g.ID, u[0], u[1]),
				ResourceName:  "dbt_scim_group_member.m1",
				ImportState:   true,
				ImportStateId: g.ID + "/" + u[1],
				ExpectError:   regexp.MustCompile(`(?i)cannot import non-existent remote object`),
			},
		},
	})
	for _, bad := range []string{"/", "900001", "900001/", "/1001", "900001/1001/7", "900001:1001"} {
		t.Run(fmt.Sprintf("malformed %q", bad), func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.Factories(),
				Steps: []resource.TestStep{{
					Config:        memberConfig(p, g.ID, u[0]),
					ResourceName:  "dbt_scim_group_member.m0",
					ImportState:   true,
					ImportStateId: bad,
					ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*<group_id>/<user_id>`),
				}},
			})
		})
	}
}

// A group deleted in dbt takes its memberships with it: they leave the
// state with a warning, and the next apply fails to add them back until the
// group exists again.
func TestAccSCIMGroupMember_groupDeleted(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "member-gone", 1)
	g, err := e.CreateGroupDirect("Short lived", nil)
	if err != nil {
		t.Fatal(err)
	}
	p := acctest.DirectoryProviderBlock(srv)
	const m0 = "dbt_scim_group_member.m0"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: memberConfig(p, g.ID, u[0]),
				Check:  expectMembers(e, g.ID, u[0]),
			},
			{
				PreConfig: func() {
					if !e.DeleteGroupDirect(g.ID) {
						t.Fatal("group was not in dbt")
					}
				},
				Config: memberConfig(p, g.ID, u[0]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(m0, plancheck.ResourceActionCreate)},
				},
				ExpectError: regexp.MustCompile(`(?s)Cannot add user ` + u[0] + ` to group ` + g.ID + `.*404`),
			},
			{
				// Nothing left to manage: an empty configuration plans nothing.
				Config: p,
			},
		},
	})
}

// Memberships next to a dbt_scim_group that leaves members unset: neither
// undoes the other, and the IdP's members stay too.
func TestAccSCIMGroupMember_withUnmanagedGroup(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "member-mixed", 3)
	p := acctest.DirectoryProviderBlock(srv)
	config := func(users ...string) string {
		c := p + "resource \"dbt_scim_group\" \"eng\" {\n  display_name = \"Engineering\"\n}\n"
		for i, id := range users {
			c += fmt.Sprintf("resource \"dbt_scim_group_member\" \"m%d\" {\n  group_id = dbt_scim_group.eng.id\n  user_id  = %q\n}\n", i, id)
		}
		return c
	}
	var gid string
	groupID := captureID("dbt_scim_group.eng", &gid)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config(u[0], u[1]),
				Check: resource.ComposeAggregateTestCheckFunc(groupID, func(s *terraform.State) error {
					return expectMembers(e, gid, u[0], u[1])(s)
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// The IdP pushes u2; Terraform drops its own u1 only.
				PreConfig: func() {
					if err := e.AddGroupMember(gid, u[2]); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(u[0]),
				Check: func(s *terraform.State) error {
					return expectMembers(e, gid, u[0], u[2])(s)
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// On a server that cannot filter groups by member, membership is still
// checked, by reading the group with its members.
func TestAccSCIMGroupMember_serverWithoutMemberFilter(t *testing.T) {
	srv, e := startEmulator(t)
	u := groupUsers(t, e, "member-nofilter", 2)
	g, err := e.CreateGroupDirect("No filter", []string{u[0]})
	if err != nil {
		t.Fatal(err)
	}
	base, refused := refuseMemberFilters(t, srv)
	p := acctest.DirectoryProviderBlockVia(srv, base)
	fellBack := func(*terraform.State) error {
		if refused.Load() == 0 {
			return fmt.Errorf("the member filter was never tried")
		}
		if len(groupGetsWithMembers(e)) == 0 {
			return fmt.Errorf("membership was not checked by reading the group's members")
		}
		return nil
	}
	const m0 = "dbt_scim_group_member.m0"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: memberConfig(p, g.ID, u[1]),
				Check:  expectMembers(e, g.ID, u[0], u[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					if err := e.RemoveGroupMember(g.ID, u[1]); err != nil {
						t.Fatal(err)
					}
				},
				Config: memberConfig(p, g.ID, u[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(m0, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(expectMembers(e, g.ID, u[0], u[1]), fellBack),
			},
		},
	})
}

// refuseMemberFilters puts a proxy in front of srv's SCIM API that answers
// any filter on members with 400 invalidFilter, as a server without
// value-path filters does. It returns the SCIM base URL through it, and how
// many requests it refused.
func refuseMemberFilters(t *testing.T, srv *emulator.Server) (string, *atomic.Int64) {
	t.Helper()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	refused := &atomic.Int64{}
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Query().Get("filter"), "members") {
			refused.Add(1)
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400",` +
				`"scimType":"invalidFilter","detail":"Filtering on members is not supported."}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return fmt.Sprintf("%s/api/v3/accounts/%d/scim/v2", ps.URL, srv.Emulator.AccountID()), refused
}
