// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// What dbt's SCIM FAQ (docs.getdbt.com/docs/cloud/manage-access/scim-faq)
// says a first apply meets on a real account: new users are invited and hold
// no license until they accept, and existing dbt users and groups are linked
// by exact email and name.

// startInvitingEmulator is an account where users new to dbt are invited
// and cannot join a group until they accept.
func startInvitingEmulator(t *testing.T) (*emulator.Server, *emulator.Emulator) {
	t.Helper()
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{InviteNewUsers: true})
	return srv, srv.Emulator
}

// acceptInvitation stands for userName accepting dbt's invitation.
func acceptInvitation(t *testing.T, e *emulator.Emulator, userName string) {
	t.Helper()
	u, ok := e.UserByUserName(userName)
	if !ok {
		t.Fatalf("dbt has no user %s", userName)
	}
	if !u.Invited {
		t.Fatalf("user %s was not waiting on an invitation", userName)
	}
	if err := e.AcceptInvitation(u.ID); err != nil {
		t.Fatal(err)
	}
}

const newUserConfig = `
resource "dbt_scim_user" "new" {
  user_name   = "new.hire@example.com"
  given_name  = "New"
  family_name = "Hire"
}
`

// newUserInGroupConfig adds the new user to a group of its own.
const newUserInGroupConfig = newUserConfig + `
resource "dbt_scim_group" "analysts" {
  display_name = "Analysts"
  members      = [dbt_scim_user.new.id]
}
`

// A group whose members include a user invited in the same apply fails with
// a message that names the user and says what to do; nothing of the group is
// left behind, and the same configuration applies once the user accepted.
func TestAccInvitations_groupWaitsForAcceptance(t *testing.T) {
	srv, e := startInvitingEmulator(t)
	p := acctest.DirectoryProviderBlock(srv)
	config := p + newUserInGroupConfig
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: badInputDiagnostic(`Cannot create group "Analysts"`, "deleted again",
					"All users must have licenses on the account", "The users this request added: new.hire@example.com (",
					"Have the users above accept their invitations, then apply again", "dbt_scim_group_member"),
			},
			{
				PreConfig: func() {
					if _, ok := e.GroupByDisplayName("Analysts"); ok {
						t.Error("the group whose members were refused was left in dbt")
					}
					acceptInvitation(t, e, "new.hire@example.com")
				},
				Config: config,
				Check: func(*terraform.State) error {
					g, ok := e.GroupByDisplayName("Analysts")
					u, _ := e.UserByUserName("new.hire@example.com")
					if !ok || len(g.Members) != 1 || g.Members[0] != u.ID {
						return fmt.Errorf("group %+v, want the one member %s", g, u.ID)
					}
					return nil
				},
			},
		},
	})
}

// With dbt_scim_group_member, a pending invitation holds back only that
// membership: the group and the other members are made, and the next apply
// after the user accepted adds the rest.
func TestAccInvitations_memberResourceHoldsBackOnlyItself(t *testing.T) {
	srv, e := startInvitingEmulator(t)
	p := acctest.DirectoryProviderBlock(srv)
	old := groupUsers(t, e, "accepted", 1)[0]
	config := p + newUserConfig + fmt.Sprintf(`
resource "dbt_scim_group" "analysts" {
  display_name = "Analysts"
}

resource "dbt_scim_group_member" "old" {
  group_id = dbt_scim_group.analysts.id
  user_id  = %q
}

resource "dbt_scim_group_member" "new" {
  group_id = dbt_scim_group.analysts.id
  user_id  = dbt_scim_user.new.id
}
`, old)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: badInputDiagnostic("Cannot add user", "All users must have licenses", "new.hire@example.com",
					"Have the users above accept their invitations, then apply again"),
			},
			{
				PreConfig: func() {
					g, ok := e.GroupByDisplayName("Analysts")
					if !ok || len(g.Members) != 1 || g.Members[0] != old {
						t.Errorf("after the first apply the group is %+v (found %v), want it with member %s only", g, ok, old)
					}
					acceptInvitation(t, e, "new.hire@example.com")
				},
				Config: config,
				Check: func(*terraform.State) error {
					if g, _ := e.GroupByDisplayName("Analysts"); len(g.Members) != 2 {
						return fmt.Errorf("members %v, want both", g.Members)
					}
					return nil
				},
			},
		},
	})
}

// A user dbt already has (invited in its UI before SCIM) is linked when
// user_name equals their email exactly: the same user, with their groups, is
// now SCIM-managed. A user_name that differs only in case is a conflict whose
// message gives the exact spelling. A group made in dbt is linked by name
// and keeps its members and id.
func TestAccLinking_existingDBTUserAndGroup(t *testing.T) {
	srv, e := startInvitingEmulator(t)
	p := acctest.DirectoryProviderBlock(srv)
	long := time.Now().Add(-48 * time.Hour)
	jane, err := e.CreateUserDirect(emulator.User{UserName: "Jane.Doe@example.com", Active: true,
		LicenseType: "developer", Unmanaged: true, Created: long})
	if err != nil {
		t.Fatal(err)
	}
	finance, err := e.CreateDBTGroup("Finance", []string{jane.ID}, long)
	if err != nil {
		t.Fatal(err)
	}
	config := func(userName string) string {
		return p + fmt.Sprintf(`
resource "dbt_scim_user" "jane" {
  user_name = %q
}

resource "dbt_scim_group" "finance" {
  display_name = "Finance"
  members      = [dbt_scim_user.jane.id]
}
`, userName)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config("jane.doe@example.com"),
				ExpectError: badInputDiagnostic("User already exists in dbt", "differs from user_name only in case",
					`set user_name = "Jane.Doe@example.com"`),
			},
			{
				Config: config("Jane.Doe@example.com"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("dbt_scim_user.jane", "id", jane.ID),
					resource.TestCheckResourceAttr("dbt_scim_group.finance", "id", finance.ID),
					func(*terraform.State) error {
						u, _ := e.User(jane.ID)
						g, _ := e.Group(finance.ID)
						if u.Unmanaged || g.Unmanaged || u.Invited {
							return fmt.Errorf("after linking, user %+v and group %+v", u, g)
						}
						if n := len(e.Users()); n != 1 {
							return fmt.Errorf("%d users in dbt, want the one linked", n)
						}
						if len(g.Members) != 1 || g.Members[0] != jane.ID {
							return fmt.Errorf("group members %v", g.Members)
						}
						return nil
					},
				),
			},
		},
	})
}

// A group dbt linked is dbt's own: when its members cannot be added, it is
// not deleted, and the message says to import it.
func TestAccLinking_linkedGroupIsNeverDeletedOnFailure(t *testing.T) {
	srv, e := startInvitingEmulator(t)
	p := acctest.DirectoryProviderBlock(srv)
	old := groupUsers(t, e, "linked", 1)[0]
	finance, err := e.CreateDBTGroup("Finance", []string{old}, time.Now().Add(-48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	config := p + newUserConfig + fmt.Sprintf(`
resource "dbt_scim_group" "finance" {
  display_name = "Finance"
  members      = [%q, dbt_scim_user.new.id]
}
`, old)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: badInputDiagnostic(`Group "Finance" was linked, but adding its members failed`,
					"All users must have licenses", "So nothing was deleted", "terraform import dbt_scim_group.<name> "+finance.ID),
			},
			{
				PreConfig: func() {
					g, ok := e.Group(finance.ID)
					if !ok || len(g.Members) != 1 || g.Members[0] != old {
						t.Errorf("the linked group is %+v (found %v), want it kept with member %s", g, ok, old)
					}
				},
				// Importing it, as the message says, and accepting the
				// invitation: the same configuration then applies.
				Config:             config,
				ResourceName:       "dbt_scim_group.finance",
				ImportState:        true,
				ImportStateId:      finance.ID,
				ImportStatePersist: true,
				ImportStateCheck:   func([]*terraform.InstanceState) error { return nil },
			},
			{
				PreConfig: func() { acceptInvitation(t, e, "new.hire@example.com") },
				Config:    config,
				Check: func(*terraform.State) error {
					if g, _ := e.Group(finance.ID); len(g.Members) != 2 {
						return fmt.Errorf("members %v, want both", g.Members)
					}
					return nil
				},
			},
		},
	})
}

// The apply that links an existing user or group says so, in a warning the
// CLI prints, and the plan after it is empty.
func TestAccLinking_applyWarnsWhenLinked(t *testing.T) {
	srv, e := startEmulator(t)
	cli := acctest.NewCLI(t, nil)
	long := time.Now().Add(-48 * time.Hour)
	if _, err := e.CreateUserDirect(emulator.User{UserName: "ada@example.com", Active: true, LicenseType: "developer",
		Unmanaged: true, Created: long}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateDBTGroup("Finance", nil, long); err != nil {
		t.Fatal(err)
	}
	cli.Write(adoptProviders + acctest.DirectoryProviderBlock(srv) + `
resource "dbt_scim_user" "ada" {
  user_name = "ada@example.com"
}

resource "dbt_scim_group" "finance" {
  display_name = "Finance"
  members      = [dbt_scim_user.ada.id]
}
`)
	out := cli.MustRun("apply", "-auto-approve", "-input=false")
	for _, want := range []string{
		`Warning: dbt linked its existing user "ada@example.com"`,
		`Warning: dbt linked its existing group "Finance"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	if n := len(e.Users()); n != 1 {
		t.Errorf("%d users in dbt, want the one linked", n)
	}
	cli.ExpectEmptyPlan()
}

// The directory guide's example does on a first apply what the guide says:
// a person dbt already has is linked and joins at once, a new person is
// invited and only their own memberships fail, naming them; once they
// accepted, the next apply completes it, and the plan after is empty.
func TestAccGuide_directoryFirstApply(t *testing.T) {
	srv, e := startInvitingEmulator(t)
	cli := acctest.NewCLI(t, nil)
	example, err := os.ReadFile("../../examples/guides/directory/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	config := strings.Replace(string(example), "provider \"dbt\" {}\n", acctest.DirectoryProviderBlock(srv), 1)
	if config == string(example) {
		t.Fatal("the example no longer has the empty provider block this test replaces")
	}
	ada, err := e.CreateUserDirect(emulator.User{UserName: "ada@example.com", Active: true, LicenseType: "developer",
		Unmanaged: true, Created: time.Now().Add(-48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	cli.Write(config)

	out, code := cli.Run(nil, "apply", "-auto-approve", "-input=false")
	if code == 0 || !strings.Contains(out, "All users must have licenses on the account") ||
		!strings.Contains(out, "grace@example.com (") || !strings.Contains(out, `dbt linked its existing user "ada@example.com"`) {
		t.Fatalf("first apply (exit %d) does not read as the guide says:\n%s", code, out)
	}
	analysts, _ := e.GroupByDisplayName("Analysts")
	engineers, okE := e.GroupByDisplayName("Engineers")
	if len(analysts.Members) != 1 || analysts.Members[0] != ada.ID || !okE || len(engineers.Members) != 0 {
		t.Fatalf("after the first apply: Analysts %v, Engineers %v (found %v); want Ada in Analysts only",
			analysts.Members, engineers.Members, okE)
	}

	acceptInvitation(t, e, "grace@example.com")
	cli.MustRun("apply", "-auto-approve", "-input=false")
	grace, _ := e.UserByUserName("grace@example.com")
	analysts, _ = e.GroupByDisplayName("Analysts")
	engineers, _ = e.GroupByDisplayName("Engineers")
	if len(analysts.Members) != 2 || len(engineers.Members) != 1 || engineers.Members[0] != grace.ID {
		t.Fatalf("after the second apply: Analysts %v, Engineers %v", analysts.Members, engineers.Members)
	}
	cli.ExpectEmptyPlan()
}

// dbt's spec does not require meta.created, and the provider does not need
// it: a group of a name that the lookup before the create did not find is
// the apply's own, so when its members fail it is deleted again even if the
// answer says nothing of when it was made.
func TestAccLinking_undatedGroupOfTheApplyIsDeletedAgain(t *testing.T) {
	srv, e := startInvitingEmulator(t)
	p := acctest.DirectoryProviderBlockVia(srv, rewritingSCIM(t, srv, func(r *http.Request, body map[string]any) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Groups") {
			delete(body, "meta")
		}
	}))
	config := p + newUserInGroupConfig
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: badInputDiagnostic("the group created a moment before was deleted again", "All users must have licenses"),
			},
			{
				PreConfig: func() {
					if _, ok := e.GroupByDisplayName("Analysts"); ok {
						t.Error("the apply's own group was left in dbt")
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// rewritingSCIM puts a proxy in front of the emulator's SCIM API that lets
// rewrite change each JSON answer, and returns the SCIM base URL through it.
func rewritingSCIM(t *testing.T, srv *emulator.Server, rewrite func(r *http.Request, body map[string]any)) string {
	t.Helper()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var body map[string]any
		if json.Unmarshal(raw, &body) == nil {
			rewrite(resp.Request, body)
			if raw, err = json.Marshal(body); err != nil {
				return err
			}
		}
		resp.Body = io.NopCloser(bytes.NewReader(raw))
		resp.ContentLength = int64(len(raw))
		resp.Header.Set("Content-Length", strconv.Itoa(len(raw)))
		return nil
	}
	ps := httptest.NewServer(proxy)
	t.Cleanup(ps.Close)
	return fmt.Sprintf("%s/api/v3/accounts/%d/scim/v2", ps.URL, srv.Emulator.AccountID())
}

// A create that dbt answers 2xx without the new object's id is looked up,
// not left in dbt outside state nor sent twice: the apply completes with the
// ids dbt holds, each object exists once, and the next plan is empty.
func TestAccCreateAnsweredWithoutID(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
	p := acctest.DirectoryProviderBlockVia(srv, rewritingSCIM(t, srv, func(r *http.Request, body map[string]any) {
		if r.Method == http.MethodPost {
			delete(body, "id")
		}
	}))
	config := p + newUserInGroupConfig
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						users, groups := e.Users(), e.Groups()
						if len(users) != 1 || len(groups) != 1 {
							return fmt.Errorf("dbt holds %d users and %d groups, want one of each", len(users), len(groups))
						}
						if len(groups[0].Members) != 1 || groups[0].Members[0] != users[0].ID {
							return fmt.Errorf("group members %v, want [%s]", groups[0].Members, users[0].ID)
						}
						return nil
					},
					func(s *terraform.State) error {
						u, _ := e.UserByUserName("new.hire@example.com")
						g, _ := e.GroupByDisplayName("Analysts")
						if got := s.RootModule().Resources["dbt_scim_user.new"].Primary.ID; got != u.ID {
							return fmt.Errorf("state holds user %q, dbt %q", got, u.ID)
						}
						if got := s.RootModule().Resources["dbt_scim_group.analysts"].Primary.ID; got != g.ID {
							return fmt.Errorf("state holds group %q, dbt %q", got, g.ID)
						}
						return nil
					},
				),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// A group whose many members include the id of a user deleted in dbt is not
// created: the plain user listing that names the members still returns the
// deleted user's record, inactive, so that id is read on its own, dbt
// answers 404, and nothing is made.
func TestAccDeletedUserIsNoMember(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
	var ids []string
	for i := range 22 {
		u, err := e.CreateUserDirect(emulator.User{UserName: fmt.Sprintf("u%02d@example.com", i), Active: true, LicenseType: "developer"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	gone := ids[5]
	if !e.DeleteUserDirect(gone) {
		t.Fatal("the user to delete does not exist")
	}
	members, _ := json.Marshal(ids)
	config := acctest.DirectoryProviderBlock(srv) + fmt.Sprintf(`
resource "dbt_scim_group" "all" {
  display_name = "Everyone"
  members      = %s
}
`, members)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: badInputDiagnostic(`Cannot create group "Everyone"`, "Nothing was created",
					fmt.Sprintf("member %q is not a user of this account", gone)),
			},
			{
				PreConfig: func() {
					if len(e.Groups()) != 0 {
						t.Errorf("dbt holds %d groups, want none", len(e.Groups()))
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A dbt group an admin made minutes before the apply, still without
// members, is linked by the create; its age says nothing either way. When
// its members cannot be added it is kept, with its permissions, and the
// message says to import it.
func TestAccLinking_recentDBTGroupIsNeverDeleted(t *testing.T) {
	srv, e := startInvitingEmulator(t)
	finance, err := e.CreateDBTGroup("Finance", nil, time.Now().Add(-4*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	config := acctest.DirectoryProviderBlock(srv) + newUserConfig + `
resource "dbt_scim_group" "finance" {
  display_name = "Finance"
  members      = [dbt_scim_user.new.id]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: badInputDiagnostic(`Group "Finance" was linked, but adding its members failed`,
					"So nothing was deleted", "terraform import dbt_scim_group.<name> "+finance.ID),
			},
			{
				PreConfig: func() {
					if _, ok := e.Group(finance.ID); !ok {
						t.Error("the admin's group was deleted")
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// Whether a group is the apply's own does not depend on clocks: with dbt's
// clock ahead of this machine's, an admin's group made a minute before the
// apply is kept when its members fail; with it ahead or behind, the group
// the apply made is deleted again.
func TestAccLinking_groupOwnershipIgnoresClocks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ahead   time.Duration
		admins  bool // an admin made Finance a minute before, on dbt's clock
		deleted bool
	}{
		{"dbt ahead, admin's group", 2 * time.Minute, true, false},
		{"dbt ahead, the apply's group", 2 * time.Minute, false, true},
		{"dbt behind, the apply's group", -3 * time.Minute, false, true},
		// Beyond the five minutes that date a linked object: meta.created
		// is compared with dbt's own Date, not this machine's clock.
		{"dbt far behind, the apply's group", -10 * time.Minute, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acctest.PreCheck(t)
			srv := acctest.Emulator(t, emulator.Config{InviteNewUsers: true,
				Now: func() time.Time { return time.Now().Add(tc.ahead) }})
			e := srv.Emulator
			if tc.admins {
				if _, err := e.CreateDBTGroup("Finance", nil, time.Now().Add(tc.ahead-time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			want := badInputDiagnostic(`Group "Finance" was linked, but adding its members failed`,
				"So nothing was deleted")
			if tc.deleted {
				want = badInputDiagnostic("the group created a moment before was deleted", "All users must have licenses")
			}
			config := acctest.DirectoryProviderBlock(srv) + newUserConfig + `
resource "dbt_scim_group" "finance" {
  display_name = "Finance"
  members      = [dbt_scim_user.new.id]
}
`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.Factories(),
				Steps: []resource.TestStep{
					{Config: config, ExpectError: want},
					{
						PreConfig: func() {
							if _, ok := e.GroupByDisplayName("Finance"); ok == tc.deleted {
								t.Errorf("Finance in dbt: %v, want %v", ok, !tc.deleted)
							}
						},
						Config:             config,
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
					},
				},
			})
		})
	}
}

// A create answered 2xx by something that is not dbt (a proxy's page, with
// the request never forwarded) does not take over the user of that name that
// Okta provisioned: the apply fails as a conflict with the import command,
// and nothing in dbt changes.
func TestAccCreateAnsweredByAProxyTakesNothingOver(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
	oktas, err := e.CreateUserDirect(emulator.User{UserName: "new.hire@example.com", ExternalID: "00u-okta",
		Active: true, LicenseType: "developer", Created: time.Now().Add(-48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Users") {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>Request blocked by policy</html>"))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	config := acctest.DirectoryProviderBlockVia(srv, fmt.Sprintf("%s/api/v3/accounts/%d/scim/v2", ps.URL, e.AccountID())) +
		newUserConfig
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: badInputDiagnostic("User already exists in dbt", "SCIM id "+oktas.ID),
		}, {
			PreConfig: func() {
				u, _ := e.User(oktas.ID)
				if u.ExternalID != "00u-okta" || u.GivenName != "" || len(e.Users()) != 1 {
					t.Errorf("dbt changed: %+v, %d users", u, len(e.Users()))
				}
			},
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}
