// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
	"github.com/dbt-scim/terraform-provider-dbt/internal/provider"
)

// The fault campaign applies a configuration of every resource type, at a
// realistic size, while the emulator injects every fault it knows at random:
// 429s and 503s with Retry-After, 500s and 502s, connections reset before
// the request is handled, responses lost after it was handled, and slow
// answers. An apply is allowed to fail (a create answered 5xx is not re-sent
// blindly, by design); the campaign applies again until an apply succeeds,
// then turns the faults off and proves that nothing went wrong underneath:
// dbt holds exactly what the state says and the configuration asks for, with
// no orphan token, user, group or membership, and the next plan is empty.
//
// It runs three phases per seed: create everything, change a good part of
// it (renames, deactivations, membership moves, removals and additions),
// and destroy it all.
//
// DBT_FAULT_CAMPAIGN_SEEDS=1-50 runs other seeds, to hunt for bugs.
func TestAccFaultCampaign(t *testing.T) {
	t.Parallel()
	seeds := []int64{1, 2, 3}
	if v := os.Getenv("DBT_FAULT_CAMPAIGN_SEEDS"); v != "" {
		var lo, hi int64
		if _, err := fmt.Sscanf(v, "%d-%d", &lo, &hi); err != nil || lo > hi {
			t.Fatalf("DBT_FAULT_CAMPAIGN_SEEDS=%q: want a range such as 1-50", v)
		}
		seeds = nil
		for s := lo; s <= hi; s++ {
			seeds = append(seeds, s)
		}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			runFaultCampaign(t, seed)
		})
	}
}

// campaignChaos is the weather of the campaign: 4% of requests meet each
// kind of fault, so about a quarter of all requests misbehave.
// DBT_FAULT_CAMPAIGN_RATE sets another rate per kind, to hunt for bugs.
func campaignChaos(t *testing.T, seed int64) emulator.Chaos {
	r := 0.04
	if v := os.Getenv("DBT_FAULT_CAMPAIGN_RATE"); v != "" {
		if _, err := fmt.Sscan(v, &r); err != nil || r < 0 || r > 1.0/7 {
			t.Fatalf("DBT_FAULT_CAMPAIGN_RATE=%q: want a rate per kind of fault, at most 1/7", v)
		}
	}
	return emulator.Chaos{
		Seed:    seed,
		Rate429: r, Rate500: r, Rate502: r, Rate503: r, RateResetBefore: r, RateDropAfter: r, RateSlow: r,
		RetryAfter: "1", SlowDelay: 300 * time.Millisecond,
	}
}

// campaignLostResponses are the lost responses every phase meets for sure,
// on top of chaos: those to the requests that create or change something.
var campaignLostResponses = map[string][]emulator.Fault{
	"create": {
		{Method: http.MethodPost, PathContains: "/scim-config/tokens", Times: 1, DropResponse: true},
		{Method: http.MethodPost, PathContains: "/scim/v2/Users", Times: 1, DropResponse: true},
		{Method: http.MethodPost, PathContains: "/scim/v2/Groups", Times: 1, DropResponse: true},
		{Method: http.MethodPatch, PathContains: "/scim/v2/Groups/", Times: 1, DropResponse: true},
	},
	"change": {
		{Method: http.MethodPost, PathContains: "/scim-config/tokens", Times: 1, DropResponse: true},
		{Method: http.MethodPost, PathContains: "/scim/v2/Users", Times: 1, DropResponse: true},
		{Method: http.MethodPost, PathContains: "/scim/v2/Groups", Times: 1, DropResponse: true},
		{Method: http.MethodPatch, PathContains: "/scim/v2/Users/", Times: 1, DropResponse: true},
		{Method: http.MethodPatch, PathContains: "/scim/v2/Groups/", Times: 1, DropResponse: true},
		{Method: http.MethodDelete, PathContains: "/scim-config/tokens/", Times: 1, DropResponse: true},
	},
	"destroy": {
		{Method: http.MethodDelete, PathContains: "/scim/v2/Users/", Times: 1, DropResponse: true},
		{Method: http.MethodDelete, PathContains: "/scim/v2/Groups/", Times: 1, DropResponse: true},
		{Method: http.MethodPatch, PathContains: "/scim/v2/Users/", Times: 1, DropResponse: true},
	},
}

// campaignMaxApplies bounds each phase. An apply fails mostly on creates
// answered 5xx or reset, which are not re-sent blindly: about one create
// in six fails, so ten applies leave a chance of about 1e-8 per resource of
// not converging. Forty seeds needed six at most.
const campaignMaxApplies = 10

func runFaultCampaign(t *testing.T, seed int64) {
	// Even seeds meet a stricter server, which RFC 7644 equally allows:
	// PATCH answers 204 without the resource, and removing a non-member
	// (as a PATCH re-sent after a lost response does) is 400 noTarget.
	strict := seed%2 == 0
	srv := acctest.Emulator(t, emulator.Config{PatchNoContent: strict, StrictMemberRemoval: strict})
	emu := srv.Emulator
	cli := acctest.NewInProcessCLI(t, provider.WithRetryWait(10*time.Millisecond, 200*time.Millisecond))
	scimToken := acctest.SCIMToken(srv)
	providerBlock := fmt.Sprintf(`
provider "dbt" {
  host_url    = %q
  account_id  = %d
  token       = %q
  scim_token  = %q
  max_retries = 4
}
`, srv.HostURL(), emu.AccountID(), acctest.AdminToken, scimToken)

	initial := campaignInitial()
	phases := []struct {
		name string
		spec campaignSpec
		cmd  string
	}{
		{"create", initial, "apply"},
		{"change", campaignChanged(initial), "apply"},
		{"destroy", campaignDestroyed(campaignChanged(initial)), "destroy"},
	}

	total := map[string]int{}
	requests := 0
	var summary []string
	for i, ph := range phases {
		if ph.cmd == "apply" {
			cli.SetConfig(providerBlock + ph.spec.hcl())
		}
		emu.ResetRequests()
		emu.SetChaos(campaignChaos(t, seed*10+int64(i)))
		// Chaos may or may not lose the response to a create; these make
		// sure every phase meets the cases that could leave an orphan.
		for _, f := range campaignLostResponses[ph.name] {
			emu.InjectFault(f)
		}
		applies, failures := 0, 0
		for {
			applies++
			res := cli.Run(5*time.Minute, ph.cmd, "-input=false", "-auto-approve", "-no-color")
			if res.Code == 0 {
				break
			}
			if res.Code < 0 {
				t.Fatalf("%s: terraform %s did not run: %v\n%s", ph.name, ph.cmd, res.Err, res.Output)
			}
			failures++
			t.Logf("%s: %s #%d failed, as faults may make it:\n  %s", ph.name, ph.cmd, applies,
				strings.Join(res.Diagnostics("Error"), "\n  "))
			if applies == campaignMaxApplies {
				emu.ClearChaos()
				t.Fatalf("%s: no %s succeeded in %d tries (faults %v)", ph.name, ph.cmd, applies, emu.ChaosStats())
			}
		}
		emu.ClearChaos()
		emu.ClearFaults()
		stats := emu.ChaosStats()
		for k, v := range stats {
			total[k] += v
		}
		log := emu.Requests()
		requests += len(log)
		for _, f := range campaignLostResponses[ph.name] {
			if !slices.ContainsFunc(log, func(r emulator.Request) bool {
				return r.Method == f.Method && strings.Contains(r.Path, f.PathContains) && r.Dropped && r.Status >= 200 && r.Status < 300
			}) {
				t.Errorf("%s: no %s %s succeeded with its response lost; the campaign did not test that case", ph.name, f.Method, f.PathContains)
			}
		}

		orphans, problems := campaignVerify(ph.spec, cli.State(t), emu, scimToken)
		for _, p := range problems {
			t.Errorf("%s (seed %d): %s", ph.name, seed, p)
		}
		plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
		if ph.cmd == "destroy" {
			plan = append(plan, "-destroy")
		}
		if res := cli.Run(5*time.Minute, plan...); res.Code != 0 {
			t.Errorf("%s: the plan after convergence is not empty (exit %d):\n%s", ph.name, res.Code, res.Output)
		}
		summary = append(summary, fmt.Sprintf("%s converged after %d %s (%d failed), orphans=%d",
			ph.name, applies, plural(applies, ph.cmd), failures, orphans))
	}

	server := "lenient server"
	if strict {
		server = "strict server"
	}
	planned := 0
	for _, fs := range campaignLostResponses {
		planned += len(fs)
	}
	line := fmt.Sprintf("fault campaign seed=%d (%s): injected %s and %d planned lost responses in %d requests; %s",
		seed, server, formatStats(total), planned, requests, strings.Join(summary, "; "))
	t.Log(line)
	reportCampaign(t, line)
}

func plural(n int, cmd string) string {
	switch {
	case n == 1:
		return cmd
	case cmd == "apply":
		return "applies"
	}
	return cmd + "s"
}

func formatStats(s map[string]int) string {
	var parts []string
	for _, k := range []string{
		emulator.ChaosKind429, emulator.ChaosKind500, emulator.ChaosKind502, emulator.ChaosKind503,
		emulator.ChaosKindReset, emulator.ChaosKindDrop, emulator.ChaosKindSlow,
	} {
		parts = append(parts, fmt.Sprintf("%s=%d", k, s[k]))
	}
	return strings.Join(parts, " ")
}

// reportCampaign appends line to the file named by DBT_FAULT_CAMPAIGN_REPORT,
// if set: go test shows a passing test's log only with -v, and a build may
// want the numbers anyway.
func reportCampaign(t *testing.T, line string) {
	path := os.Getenv("DBT_FAULT_CAMPAIGN_REPORT")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644) //nolint:gosec // the developer's own path
	if err != nil {
		t.Errorf("DBT_FAULT_CAMPAIGN_REPORT: %v", err)
		return
	}
	defer f.Close()
	if _, err := fmt.Fprintln(f, line); err != nil {
		t.Errorf("DBT_FAULT_CAMPAIGN_REPORT: %v", err)
	}
}

// --- what the campaign asks for -------------------------------------------

type campaignUser struct {
	key                                          string
	userName, given, family, externalID, license string
	active, deleteOnDestroy                      bool
}

type campaignGroup struct {
	key, displayName, externalID string
	members                      []string // user keys
	// memberResources manages the members with dbt_scim_group_member
	// resources and leaves the group's members attribute unset.
	memberResources bool
}

// campaignSpec is a configuration, and what dbt must hold once it is
// applied.
type campaignSpec struct {
	settings *emulator.SCIMConfig // nil: no dbt_scim_settings (destroyed: all false)
	tokens   []string             // names; the resource is named after the token
	users    []campaignUser
	groups   []campaignGroup
	// retired users were destroyed with delete_on_destroy = false: dbt
	// keeps them, deactivated.
	retired []campaignUser
}

// campaignInitial is 1 settings, 3 tokens, 50 users and 10 groups: eight
// with members set (overlapping, eight users each), two with five
// dbt_scim_group_member resources each.
func campaignInitial() campaignSpec {
	s := campaignSpec{
		settings: &emulator.SCIMConfig{Enabled: true, SCIMControlledLicenseType: true},
		tokens:   []string{"okta", "entra", "spare"},
	}
	licenses := []string{"developer", "read_only", "analyst", "it", "developer"}
	for i := range 50 {
		s.users = append(s.users, campaignUser{
			key:             fmt.Sprintf("user%02d", i),
			userName:        fmt.Sprintf("user%02d@example.com", i),
			given:           "User",
			family:          fmt.Sprintf("Number %d", i),
			externalID:      fmt.Sprintf("idp-%02d", i),
			license:         licenses[i%len(licenses)],
			active:          true,
			deleteOnDestroy: i%2 == 0,
		})
	}
	for g := range 10 {
		grp := campaignGroup{
			key:             fmt.Sprintf("group%02d", g),
			displayName:     fmt.Sprintf("Campaign Group %d", g),
			externalID:      fmt.Sprintf("idp-group-%d", g),
			memberResources: g >= 8,
		}
		n := 8
		if grp.memberResources {
			n = 5
		}
		for j := range n {
			grp.members = append(grp.members, fmt.Sprintf("user%02d", (g*5+j*3)%50))
		}
		s.groups = append(s.groups, grp)
	}
	return s
}

// campaignChanged changes a good part of prev: five users go (two are
// deleted, three deactivated, as their delete_on_destroy says), five are
// renamed, five deactivated, five change license, five are added; a group
// is renamed, one changes members, one is emptied, one goes, one is added,
// and the dbt_scim_group_member groups lose and gain members; a token is
// replaced by another; the settings change.
func campaignChanged(prev campaignSpec) campaignSpec {
	s := campaignSpec{
		settings: &emulator.SCIMConfig{Enabled: true, ManualUpdatesAllowed: true, SCIMControlledLicenseType: true},
		tokens:   []string{"okta", "entra", "rotated"},
	}
	gone := map[string]bool{}
	for i, u := range prev.users {
		switch {
		case i < 5:
			gone[u.key] = true
			if !u.deleteOnDestroy {
				s.retired = append(s.retired, u)
			}
			continue
		case i < 10:
			u.userName = fmt.Sprintf("renamed%02d@example.org", i)
		case i < 15:
			u.active = false
		case i < 20:
			u.license = "it"
		}
		s.users = append(s.users, u)
	}
	for i := 50; i < 55; i++ {
		s.users = append(s.users, campaignUser{
			key: fmt.Sprintf("user%02d", i), userName: fmt.Sprintf("user%02d@example.com", i),
			given: "New", family: fmt.Sprintf("Number %d", i), externalID: fmt.Sprintf("idp-%02d", i),
			license: "analyst", active: true, deleteOnDestroy: true,
		})
	}
	for i, g := range prev.groups {
		var kept []string
		for _, m := range g.members {
			if !gone[m] {
				kept = append(kept, m)
			}
		}
		g.members = kept
		switch i {
		case 0:
			g.displayName = "Campaign Group Zero"
		case 1:
			g.members = append(g.members[2:], "user50", "user51", "user30")
		case 2:
			g.members = []string{}
		case 3:
			continue
		case 8:
			g.members = append(g.members[2:], "user52", "user20")
		case 9:
			g.members = append(g.members, "user53")
		}
		s.groups = append(s.groups, g)
	}
	s.groups = append(s.groups, campaignGroup{
		key: "group10", displayName: "Campaign Group 10", members: []string{"user54", "user10", "user11"},
	})
	return s
}

// campaignDestroyed is what dbt holds after destroying prev: SCIM off, no
// token or group, and the users that deactivate on destroy kept,
// deactivated.
func campaignDestroyed(prev campaignSpec) campaignSpec {
	s := campaignSpec{retired: prev.retired}
	for _, u := range prev.users {
		if !u.deleteOnDestroy {
			s.retired = append(s.retired, u)
		}
	}
	return s
}

func (s campaignSpec) hcl() string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    dbt = { source = \"dbt-scim/dbt\" }\n  }\n}\n")
	if c := s.settings; c != nil {
		fmt.Fprintf(&b, `
resource "dbt_scim_settings" "this" {
  enabled                      = %t
  manual_updates_allowed       = %t
  scim_controlled_license_type = %t
}
`, c.Enabled, c.ManualUpdatesAllowed, c.SCIMControlledLicenseType)
	}
	for _, name := range s.tokens {
		fmt.Fprintf(&b, "\nresource \"dbt_scim_token\" %q {\n  name = %q\n}\n", name, "campaign-"+name)
	}
	for _, u := range s.users {
		fmt.Fprintf(&b, `
resource "dbt_scim_user" %q {
  user_name         = %q
  given_name        = %q
  family_name       = %q
  external_id       = %q
  license_type      = %q
  active            = %t
  delete_on_destroy = %t
  depends_on        = [dbt_scim_settings.this]
}
`, u.key, u.userName, u.given, u.family, u.externalID, u.license, u.active, u.deleteOnDestroy)
	}
	for _, g := range s.groups {
		fmt.Fprintf(&b, "\nresource \"dbt_scim_group\" %q {\n  display_name = %q\n", g.key, g.displayName)
		if g.externalID != "" {
			fmt.Fprintf(&b, "  external_id  = %q\n", g.externalID)
		}
		if !g.memberResources {
			refs := make([]string, len(g.members))
			for i, m := range g.members {
				refs[i] = "dbt_scim_user." + m + ".id"
			}
			fmt.Fprintf(&b, "  members      = [%s]\n", strings.Join(refs, ", "))
		}
		b.WriteString("  depends_on   = [dbt_scim_settings.this]\n}\n")
		if g.memberResources {
			for _, m := range g.members {
				fmt.Fprintf(&b, "\nresource \"dbt_scim_group_member\" %q {\n  group_id = dbt_scim_group.%s.id\n  user_id  = dbt_scim_user.%s.id\n}\n",
					g.key+"_"+m, g.key, m)
			}
		}
	}
	return b.String()
}

// --- proving convergence ---------------------------------------------------

// campaignVerify compares what dbt holds with the state and the spec. It
// returns the orphans, things in dbt that nothing accounts for, and every
// difference found (orphans included).
func campaignVerify(spec campaignSpec, st acctest.State, emu *emulator.Emulator, providerToken string) (int, []string) {
	var problems []string
	orphans := 0
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	orphan := func(format string, args ...any) { orphans++; fail("orphan: "+format, args...) }
	expected := map[string]bool{}
	// inState marks addr as expected and returns its attributes, failing
	// when the state does not hold it.
	inState := func(addr string) (map[string]any, bool) {
		expected[addr] = true
		a := st.Attrs(addr)
		if a == nil {
			fail("%s is not in the state", addr)
		}
		return a, a != nil
	}

	// Settings.
	wantCfg := emulator.SCIMConfig{}
	if spec.settings != nil {
		wantCfg = *spec.settings
		a := st.Attrs("dbt_scim_settings.this")
		expected["dbt_scim_settings.this"] = true
		if a == nil {
			fail("dbt_scim_settings.this is not in the state")
		} else if a["enabled"] != wantCfg.Enabled || a["manual_updates_allowed"] != wantCfg.ManualUpdatesAllowed ||
			a["scim_controlled_license_type"] != wantCfg.SCIMControlledLicenseType {
			fail("dbt_scim_settings.this in state is %v, want %+v", a, wantCfg)
		}
	}
	if got := emu.SCIMConfig(); got != wantCfg {
		fail("dbt's SCIM config is %+v, want %+v", got, wantCfg)
	}

	// Tokens: the state's, each live with the value in state, and the one
	// the provider itself uses; nothing else.
	accounted := map[int64]bool{}
	for _, name := range spec.tokens {
		addr := "dbt_scim_token." + name
		a, ok := inState(addr)
		if !ok {
			continue
		}
		var id int64
		if _, err := fmt.Sscan(str(a["id"]), &id); err != nil {
			fail("%s has id %v", addr, a["id"])
			continue
		}
		accounted[id] = true
		if !slices.ContainsFunc(emu.Tokens(), func(t emulator.Token) bool { return t.ID == id && t.Name == "campaign-"+name }) {
			fail("%s is token %d, which dbt does not have under the name %q", addr, id, "campaign-"+name)
		}
		if !emu.TokenValid(str(a["token"])) {
			fail("%s holds a token value dbt does not accept: the state kept the value of a token that is gone", addr)
		}
	}
	for _, tok := range emu.Tokens() {
		switch {
		case accounted[tok.ID]:
		case tok.Name == acctest.DirectoryTokenName && emu.TokenValid(providerToken):
			accounted[tok.ID] = true
			providerToken = "" // only one may be the provider's
		default:
			orphan("token %d %q is in dbt but in no state", tok.ID, tok.Name)
		}
	}

	// Users.
	userIDs := map[string]string{} // key -> id
	stateUsers := map[string]bool{}
	for _, u := range spec.users {
		addr := "dbt_scim_user." + u.key
		a, ok := inState(addr)
		if !ok {
			continue
		}
		id := str(a["id"])
		userIDs[u.key] = id
		stateUsers[id] = true
		for attr, want := range map[string]any{
			"user_name": u.userName, "given_name": u.given, "family_name": u.family, "external_id": u.externalID,
			"license_type": u.license, "active": u.active, "delete_on_destroy": u.deleteOnDestroy,
		} {
			if a[attr] != want {
				fail("%s.%s is %v in state, want %v", addr, attr, a[attr], want)
			}
		}
		eu, ok := emu.User(id)
		if !ok {
			fail("%s is user %s, which dbt does not have", addr, id)
			continue
		}
		if err := wantUser(eu, u.userName, u.given, u.family, u.externalID, u.license, u.active); err != nil {
			fail("%s: %v", addr, err)
		}
	}
	for _, u := range spec.retired {
		eu, ok := emu.UserByUserName(u.userName)
		switch {
		case !ok:
			fail("retired user %s (%s) is gone from dbt; destroy should have only deactivated it", u.key, u.userName)
		case eu.Active:
			fail("retired user %s (%s, id %s) is still active in dbt", u.key, u.userName, eu.ID)
		default:
			stateUsers[eu.ID] = true
		}
	}
	for _, eu := range emu.Users() {
		if !stateUsers[eu.ID] {
			orphan("user %s (%s, active %v) is in dbt but in no state", eu.ID, eu.UserName, eu.Active)
		}
	}

	// Groups and their members, whether set on the group or one resource
	// per membership.
	stateGroups := map[string]bool{}
	for _, g := range spec.groups {
		addr := "dbt_scim_group." + g.key
		a, ok := inState(addr)
		if !ok {
			continue
		}
		id := str(a["id"])
		stateGroups[id] = true
		want := make([]string, 0, len(g.members))
		for _, m := range g.members {
			want = append(want, userIDs[m])
		}
		sort.Strings(want)
		if a["display_name"] != g.displayName || str(a["external_id"]) != g.externalID {
			fail("%s is %q/%v in state, want %q/%q", addr, a["display_name"], a["external_id"], g.displayName, g.externalID)
		}
		if g.memberResources {
			if a["members"] != nil {
				fail("%s.members is %v in state, want null: its members are dbt_scim_group_member resources", addr, a["members"])
			}
			for _, m := range g.members {
				maddr := "dbt_scim_group_member." + g.key + "_" + m
				expected[maddr] = true
				ma := st.Attrs(maddr)
				if ma == nil || ma["group_id"] != id || ma["user_id"] != userIDs[m] || ma["id"] != id+"/"+userIDs[m] {
					fail("%s in state is %v, want group %s and user %s", maddr, ma, id, userIDs[m])
				}
			}
		} else if got := sortedStrings(a["members"]); !slices.Equal(got, want) {
			fail("%s.members is %v in state, want %v", addr, got, want)
		}
		eg, ok := emu.Group(id)
		if !ok {
			fail("%s is group %s, which dbt does not have", addr, id)
			continue
		}
		if eg.DisplayName != g.displayName || eg.ExternalID != g.externalID {
			fail("dbt's group %s is %q/%q, want %q/%q", id, eg.DisplayName, eg.ExternalID, g.displayName, g.externalID)
		}
		got := slices.Clone(eg.Members)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			extra, missing := setDiff(got, want)
			if len(extra) > 0 {
				orphan("dbt's group %s (%s) has members %v that no state has", id, addr, extra)
			}
			if len(missing) > 0 {
				fail("dbt's group %s (%s) lacks members %v", id, addr, missing)
			}
		}
	}
	for _, eg := range emu.Groups() {
		if !stateGroups[eg.ID] {
			orphan("group %s (%q, %d members) is in dbt but in no state", eg.ID, eg.DisplayName, len(eg.Members))
		}
	}

	for addr := range st {
		if !expected[addr] {
			fail("the state has %s, which the configuration does not", addr)
		}
	}
	return orphans, problems
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func sortedStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, str(x))
	}
	sort.Strings(out)
	return out
}

// setDiff returns what is in got but not want, and in want but not got.
func setDiff(got, want []string) (extra, missing []string) {
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	return extra, missing
}

// --- driving the Terraform CLI ----------------------------------------------

// cliProviderAddr is the provider's source address in these configurations:
// "dbt-scim/dbt" on the CLI's default registry, which is OpenTofu's own when
// the suite runs under OpenTofu (make test-tofu sets TF_ACC_PROVIDER_HOST).
// The campaign is only worth something if its verdict can be "no": here
// dbt holds one extra object of each kind, and each must be reported.
func TestCampaignVerifyFindsOrphans(t *testing.T) {
	emu := emulator.New(emulator.Config{})
	cfg := emulator.SCIMConfig{Enabled: true}
	emu.SetSCIMConfig(cfg)
	_, providerValue := emu.CreateToken(acctest.DirectoryTokenName)
	tok, tokValue := emu.CreateToken("campaign-okta")
	ann, err := emu.CreateUserDirect(emulator.User{
		UserName: "ann@example.com", GivenName: "Ann", FamilyName: "A", ExternalID: "idp-ann",
		Active: true, LicenseType: "developer",
	})
	if err != nil {
		t.Fatal(err)
	}
	grp, err := emu.CreateGroupDirect("Analysts", []string{ann.ID})
	if err != nil {
		t.Fatal(err)
	}
	spec := campaignSpec{
		settings: &cfg,
		tokens:   []string{"okta"},
		users: []campaignUser{{
			key: "ann", userName: "ann@example.com", given: "Ann", family: "A", externalID: "idp-ann",
			license: "developer", active: true,
		}},
		groups: []campaignGroup{{key: "analysts", displayName: "Analysts", members: []string{"ann"}}},
	}
	st := acctest.State{
		"dbt_scim_settings.this": {"enabled": true, "manual_updates_allowed": false, "scim_controlled_license_type": false},
		"dbt_scim_token.okta":    {"id": fmt.Sprint(tok.ID), "token": tokValue},
		"dbt_scim_user.ann": {
			"id": ann.ID, "user_name": "ann@example.com", "given_name": "Ann", "family_name": "A",
			"external_id": "idp-ann", "license_type": "developer", "active": true, "delete_on_destroy": false,
		},
		"dbt_scim_group.analysts": {"id": grp.ID, "display_name": "Analysts", "members": []any{ann.ID}},
	}
	if orphans, problems := campaignVerify(spec, st, emu, providerValue); orphans != 0 || len(problems) != 0 {
		t.Fatalf("a converged account: %d orphans, problems %v", orphans, problems)
	}

	emu.CreateToken("campaign-okta")
	bob, err := emu.CreateUserDirect(emulator.User{UserName: "bob@example.com", Active: true, LicenseType: "developer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emu.CreateGroupDirect("Analysts 2", nil); err != nil {
		t.Fatal(err)
	}
	if err := emu.AddGroupMember(grp.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	orphans, problems := campaignVerify(spec, st, emu, providerValue)
	if orphans != 4 {
		t.Errorf("%d orphans, want 4 (a token, a user, a group, a membership): %v", orphans, problems)
	}

	// And a difference that is no orphan: a value in dbt that is not the
	// state's.
	if _, err := emu.UpdateUserDirect(ann.ID, func(u *emulator.User) { u.GivenName = "Anne" }); err != nil {
		t.Fatal(err)
	}
	if _, problems := campaignVerify(spec, st, emu, providerValue); !slices.ContainsFunc(problems, func(p string) bool {
		return strings.Contains(p, "givenName")
	}) {
		t.Errorf("a changed given name went unnoticed: %v", problems)
	}
}
