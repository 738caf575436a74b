// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
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
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
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
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
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
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
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
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
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
	groupID := func(s *terraform.State) error {
		var err error
		gid, err = stateID(s, "dbt_scim_group.eng")
		return err
	}

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
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
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
