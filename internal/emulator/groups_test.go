// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

func memberValues(g wireGroup) []string {
	if g.Members == nil {
		return nil
	}
	out := []string{}
	for _, m := range *g.Members {
		out = append(out, m.Value)
	}
	return out
}

func storedMembers(t *testing.T, e *emulator.Emulator, id string) []string {
	t.Helper()
	g, ok := e.Group(id)
	if !ok {
		t.Fatalf("group %s is gone", id)
	}
	return g.Members
}

func TestGroupCreateReadReplaceDelete(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)
	base := h.srv.URL + "/api/v3/accounts/1/scim/v2"

	body := fmt.Sprintf(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Analysts", "externalId": "okta-g1",
		"members": [{"value": %q, "display": "ignored"}, {"value": %q}]}`, ids["carol"], ids["alice"])
	r := h.scim(http.MethodPost, "Groups", tok, body)
	var g wireGroup
	scimOK(t, r, http.StatusCreated, &g)
	if r.Header.Get("Location") != base+"/Groups/"+g.ID {
		t.Errorf("Location = %q", r.Header.Get("Location"))
	}
	want := wireGroup{
		Schemas: []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, ID: g.ID, ExternalID: "okta-g1", DisplayName: "Analysts",
		Members: &[]wireRef{
			{Value: ids["carol"], Ref: base + "/Users/" + ids["carol"], Display: "carol@corp.example"},
			{Value: ids["alice"], Ref: base + "/Users/" + ids["alice"], Display: "alice@example.com"},
		},
		Meta: wireMeta{ResourceType: "Group", Created: g.Meta.Created, LastModified: g.Meta.Created, Location: base + "/Groups/" + g.ID},
	}
	if !reflect.DeepEqual(g, want) || g.Meta.Created == "" {
		t.Errorf("created group:\n got %+v\nwant %+v", g, want)
	}

	// The users' groups are computed from memberships, oldest group first.
	var alice wireUser
	scimOK(t, h.scim(http.MethodGet, "Users/"+ids["alice"], tok, nil), http.StatusOK, &alice)
	wantGroups := []wireRef{
		{Value: ids["engineering"], Ref: base + "/Groups/" + ids["engineering"], Display: "Engineering"},
		{Value: g.ID, Ref: base + "/Groups/" + g.ID, Display: "Analysts"},
	}
	if !reflect.DeepEqual(alice.Groups, wantGroups) {
		t.Errorf("alice.groups = %+v", alice.Groups)
	}
	if u, _ := h.emu.User(ids["alice"]); !slices.Equal(u.Groups, []string{ids["engineering"], g.ID}) {
		t.Errorf("User().Groups = %v", u.Groups)
	}

	// excludedAttributes=members leaves the key out; an empty group has [].
	r = h.scim(http.MethodGet, "Groups/"+g.ID+q("excludedAttributes", "members"), tok, nil)
	scimOK(t, r, http.StatusOK, nil)
	if strings.Contains(string(r.Body), "members") {
		t.Errorf("excluded members still present: %s", r.Body)
	}
	r = h.scim(http.MethodGet, "Groups/"+ids["empty"], tok, nil)
	scimOK(t, r, http.StatusOK, nil)
	if !strings.Contains(string(r.Body), `"members":[]`) {
		t.Errorf("empty group: %s", r.Body)
	}

	// PUT replaces everything: no members in the body empties the group.
	r = h.scim(http.MethodPut, "Groups/"+g.ID, tok, `{"displayName": "Analytics"}`)
	g = wireGroup{}
	scimOK(t, r, http.StatusOK, &g)
	if g.DisplayName != "Analytics" || g.ExternalID != "" || len(memberValues(g)) != 0 {
		t.Errorf("after PUT = %+v", g)
	}
	r = h.scim(http.MethodPut, "Groups/"+g.ID, tok, fmt.Sprintf(`{"displayName": "Analytics", "members": [{"value": %q}]}`, ids["bob"]))
	g = wireGroup{}
	scimOK(t, r, http.StatusOK, &g)
	if !slices.Equal(memberValues(g), []string{ids["bob"]}) {
		t.Errorf("PUT members = %v", memberValues(g))
	}

	r = h.scim(http.MethodDelete, "Groups/"+g.ID, tok, nil)
	if r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Errorf("DELETE: HTTP %d %q", r.Status, r.Body)
	}
	scimErrorOf(t, h.scim(http.MethodGet, "Groups/"+g.ID, tok, nil), http.StatusNotFound)
	scimErrorOf(t, h.scim(http.MethodDelete, "Groups/"+g.ID, tok, nil), http.StatusNotFound)
	if u, _ := h.emu.User(ids["bob"]); !slices.Equal(u.Groups, []string{ids["engineering"]}) {
		t.Errorf("bob's groups after the group's deletion = %v", u.Groups)
	}
	// A user id is never a group id.
	scimErrorOf(t, h.scim(http.MethodGet, "Groups/"+ids["alice"], tok, nil), http.StatusNotFound)
}

func TestGroupValidation(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)
	nolicense, err := h.emu.CreateUserDirect(emulator.User{UserName: "free@example.com", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, body string
		status     int
		scimType   string
		detail     string
	}{
		{"no displayName", `{"members": []}`, 400, "invalidValue", "displayName"},
		{"blank displayName", `{"displayName": "  "}`, 400, "invalidValue", "displayName"},
		{"duplicate", `{"displayName": "Engineering"}`, 409, "uniqueness", "Engineering"},
		{"duplicate, other case", `{"displayName": "engineering"}`, 409, "uniqueness", "Engineering"},
		{"unknown member", `{"displayName": "X", "members": [{"value": "424242"}]}`, 400, "invalidValue", "424242"},
		{"group as member", fmt.Sprintf(`{"displayName": "X", "members": [{"value": %q}]}`, ids["sales"]), 400, "invalidValue", ids["sales"]},
		{"unlicensed member", fmt.Sprintf(`{"displayName": "X", "members": [{"value": %q}]}`, nolicense.ID), 400, "invalidValue", "All users must have licenses on the account"},
		{"bad json", `{"displayName": [}`, 400, "invalidSyntax", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			scimType, detail := scimErrorOf(t, h.scim(http.MethodPost, "Groups", tok, c.body), c.status)
			if scimType != c.scimType || !strings.Contains(detail, c.detail) {
				t.Errorf("scimType %q detail %q", scimType, detail)
			}
		})
	}
	if n := len(h.emu.Groups()); n != 3 {
		t.Errorf("rejected requests stored groups: %d", n)
	}
	// Numeric member values are read as ids.
	body := fmt.Sprintf(`{"displayName": "Numeric", "members": [{"value": %s}]}`, ids["alice"])
	var g wireGroup
	scimOK(t, h.scim(http.MethodPost, "Groups", tok, body), http.StatusCreated, &g)
	if !slices.Equal(memberValues(g), []string{ids["alice"]}) {
		t.Errorf("members = %v", memberValues(g))
	}
}

func TestGroupFiltersAndPaging(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)
	cases := []struct {
		filter string
		want   []string
	}{
		{`displayName eq "engineering"`, []string{"Engineering"}},
		{`displayName eq "Nope"`, nil},
		{`displayName sw "e"`, []string{"Engineering", "Empty"}},
		{fmt.Sprintf(`members[value eq %q]`, ids["carol"]), []string{"Sales"}},
		{fmt.Sprintf(`members.value eq %q`, ids["alice"]), []string{"Engineering"}},
		// What Entra ID sends to check one membership.
		{fmt.Sprintf(`id eq %q and members[value eq %q]`, ids["engineering"], ids["bob"]), []string{"Engineering"}},
		{fmt.Sprintf(`id eq %q and members[value eq %q]`, ids["sales"], ids["bob"]), nil},
		{`members pr`, []string{"Engineering", "Sales"}},
		{`not (members pr)`, []string{"Empty"}},
		{`members[display co "example.com"]`, []string{"Engineering"}},
		{`externalId pr`, nil},
		{`meta.resourceType eq "Group"`, []string{"Engineering", "Sales", "Empty"}},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			var l wireList[wireGroup]
			scimOK(t, h.scim(http.MethodGet, "Groups"+q("filter", c.filter, "excludedAttributes", "members"), tok, nil), http.StatusOK, &l)
			var got []string
			for _, g := range l.Resources {
				got = append(got, g.DisplayName)
				if g.Members != nil {
					t.Errorf("%s listed with members despite excludedAttributes", g.DisplayName)
				}
			}
			if !reflect.DeepEqual(got, c.want) || l.TotalResults != len(c.want) {
				t.Errorf("got %v (total %d), want %v", got, l.TotalResults, c.want)
			}
		})
	}
	var l wireList[wireGroup]
	scimOK(t, h.scim(http.MethodGet, "Groups"+q("startIndex", "2", "count", "1"), tok, nil), http.StatusOK, &l)
	if l.TotalResults != 3 || l.ItemsPerPage != 1 || l.Resources[0].DisplayName != "Sales" || len(memberValues(l.Resources[0])) != 1 {
		t.Errorf("page = %+v", l)
	}
}

func patchBody(ops string) string {
	return `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [` + ops + `]}`
}

func TestUserPatch(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)
	alice := ids["alice"]

	steps := []struct {
		name  string
		ops   string
		check func(u emulator.User) bool
	}{
		{"okta deactivate", `{"op": "replace", "value": {"active": false}}`,
			func(u emulator.User) bool { return !u.Active }},
		{"entra reactivate with a string", `{"op": "Replace", "path": "active", "value": "True"}`,
			func(u emulator.User) bool { return u.Active }},
		{"dotted keys in a path-less value", `{"op": "replace", "value": {"name.givenName": "Ally", "name.familyName": "Arch", "externalId": "ext-B"}}`,
			func(u emulator.User) bool {
				return u.GivenName == "Ally" && u.FamilyName == "Arch" && u.ExternalID == "ext-B"
			}},
		{"complex value merges", `{"op": "replace", "value": {"name": {"familyName": "Archer"}}}`,
			func(u emulator.User) bool { return u.GivenName == "Ally" && u.FamilyName == "Archer" }},
		{"add a sub-attribute by path", `{"op": "Add", "path": "name.givenName", "value": "Alice"}`,
			func(u emulator.User) bool { return u.GivenName == "Alice" }},
		{"userName and work email together", `{"op": "Replace", "path": "userName", "value": "alice.archer@example.com"},
			{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "alice.archer@example.com"}`,
			func(u emulator.User) bool {
				return u.UserName == "alice.archer@example.com" && u.Emails[0] == (emulator.Email{Value: "alice.archer@example.com", Type: "work", Primary: true}) && len(u.Emails) == 2
			}},
		{"license by extension path", `{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User:licenseType", "value": "it"}`,
			func(u emulator.User) bool { return u.LicenseType == "it" }},
		{"license by extension object", `{"op": "replace", "value": {"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User": {"licenseType": "read_only"}}}`,
			func(u emulator.User) bool { return u.LicenseType == "read_only" }},
		{"license by full key in a value", `{"op": "replace", "value": {"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User:licenseType": "analyst"}}`,
			func(u emulator.User) bool { return u.LicenseType == "analyst" }},
		{"remove a home email by filter", `{"op": "remove", "path": "emails[type eq \"home\"]"}`,
			func(u emulator.User) bool { return len(u.Emails) == 1 && u.Emails[0].Type == "work" }},
		{"unsupported attributes are dropped", `{"op": "Add", "path": "title", "value": "CTO"}, {"op": "replace", "value": {"displayName": "A", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "R&D"}},
			{"op": "Replace", "path": "addresses[type eq \"work\"].formatted", "value": "x"}`,
			func(u emulator.User) bool { return u.UserName == "alice.archer@example.com" }},
		{"echoed id in a value is ignored", fmt.Sprintf(`{"op": "replace", "value": {"id": %q, "active": false}}`, alice),
			func(u emulator.User) bool { return !u.Active }},
		{"remove externalId", `{"op": "remove", "path": "externalId"}`,
			func(u emulator.User) bool { return u.ExternalID == "" }},
	}
	for _, s := range steps {
		var got wireUser
		scimOK(t, h.scim(http.MethodPatch, "Users/"+alice, tok, patchBody(s.ops)), http.StatusOK, &got)
		u, _ := h.emu.User(alice)
		if !s.check(u) {
			t.Errorf("%s: stored %+v", s.name, u)
		}
		// The answer is the full resource, as stored.
		if got.ID != alice || got.UserName != u.UserName || *got.Active != u.Active || got.Name.GivenName != u.GivenName {
			t.Errorf("%s: answered %+v", s.name, got)
		}
	}

	before, _ := h.emu.User(alice)
	bad := []struct {
		name, ops, scimType string
		status              int
	}{
		{"unknown op", `{"op": "merge", "path": "active", "value": true}`, "invalidSyntax", 400},
		{"no operations", ``, "invalidSyntax", 400},
		{"remove without path", `{"op": "remove"}`, "noTarget", 400},
		{"add without value", `{"op": "add", "path": "active"}`, "invalidValue", 400},
		{"bad boolean", `{"op": "replace", "path": "active", "value": "yes"}`, "invalidValue", 400},
		{"bad license", `{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User:licenseType", "value": "owner"}`, "invalidValue", 400},
		{"groups are read-only", `{"op": "add", "path": "groups", "value": [{"value": "1"}]}`, "mutability", 400},
		{"id is read-only", `{"op": "replace", "path": "id", "value": "7"}`, "mutability", 400},
		{"unknown attribute", `{"op": "replace", "path": "favouriteColour", "value": "red"}`, "invalidPath", 400},
		{"unknown extension", `{"op": "replace", "path": "urn:example:1.0:User:x", "value": "red"}`, "invalidPath", 400},
		{"unparsable path", `{"op": "replace", "path": "emails[type eq", "value": "x"}`, "invalidPath", 400},
		{"remove userName", `{"op": "remove", "path": "userName"}`, "invalidValue", 400},
		{"remove active", `{"op": "remove", "path": "active"}`, "invalidValue", 400},
		{"userName without the email", `{"op": "replace", "path": "userName", "value": "someone@example.com"}`, "invalidValue", 400},
		{"userName taken", `{"op": "replace", "value": {"userName": "carol@corp.example", "emails": [{"value": "carol@corp.example", "type": "work"}]}}`, "uniqueness", 409},
		// Atomic: the first operation is valid, the second is not, and
		// neither is applied.
		{"atomic", `{"op": "replace", "path": "name.givenName", "value": "Changed"}, {"op": "replace", "path": "active", "value": 3}`, "invalidValue", 400},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			scimType, detail := scimErrorOf(t, h.scim(http.MethodPatch, "Users/"+alice, tok, patchBody(b.ops)), b.status)
			if scimType != b.scimType {
				t.Errorf("scimType %q, want %q (%s)", scimType, b.scimType, detail)
			}
		})
	}
	if after, _ := h.emu.User(alice); !reflect.DeepEqual(after, before) {
		t.Errorf("rejected PATCHes changed the user:\n%+v\n%+v", before, after)
	}
	scimErrorOf(t, h.scim(http.MethodPatch, "Users/"+alice, tok, `{"Operations": "x"}`), http.StatusBadRequest)
}

func TestUserPatchCreatesMissingWorkEmail(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	u, err := h.emu.CreateUserDirect(emulator.User{UserName: "x@example.com", Active: true, LicenseType: "developer",
		Emails: []emulator.Email{{Value: "x@home.example", Type: "home", Primary: true}}})
	if err != nil {
		t.Fatal(err)
	}
	scimOK(t, h.scim(http.MethodPatch, "Users/"+u.ID, tok, patchBody(`{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "x@example.com"}`)), http.StatusOK, nil)
	got, _ := h.emu.User(u.ID)
	want := []emulator.Email{{Value: "x@home.example", Type: "home", Primary: true}, {Value: "x@example.com", Type: "work"}}
	if !reflect.DeepEqual(got.Emails, want) {
		t.Errorf("emails = %+v", got.Emails)
	}
}

func TestGroupPatch(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)
	eng := ids["engineering"]
	alice, bob, carol, dave := ids["alice"], ids["bob"], ids["carol"], ids["dave\"quote"]

	steps := []struct {
		name, ops string
		members   []string
		display   string
	}{
		{"add members", fmt.Sprintf(`{"op": "add", "path": "members", "value": [{"value": %q, "display": "c"}, {"value": %q}]}`, carol, alice),
			[]string{alice, bob, carol}, "Engineering"},
		{"remove by filter path", fmt.Sprintf(`{"op": "remove", "path": "members[value eq \"%s\"]"}`, bob),
			[]string{alice, carol}, "Engineering"},
		{"remove a non-member is a no-op", fmt.Sprintf(`{"op": "remove", "path": "members[value eq \"%s\"]"}`, bob),
			[]string{alice, carol}, "Engineering"},
		{"entra remove with a value list", fmt.Sprintf(`{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": %q}, {"value": "999999"}]}`, alice),
			[]string{carol}, "Engineering"},
		{"entra add, op in capitals", fmt.Sprintf(`{"op": "Add", "path": "members", "value": [{"$ref": null, "value": %q}]}`, dave),
			[]string{carol, dave}, "Engineering"},
		{"okta rename with the id echoed", fmt.Sprintf(`{"op": "replace", "value": {"id": %q, "displayName": "Eng"}}`, eng),
			[]string{carol, dave}, "Eng"},
		{"rename by path", `{"op": "Replace", "path": "displayName", "value": "Engineering"}`,
			[]string{carol, dave}, "Engineering"},
		{"rename to another case of itself", `{"op": "replace", "path": "displayName", "value": "ENGINEERING"}`,
			[]string{carol, dave}, "ENGINEERING"},
		{"replace members", fmt.Sprintf(`{"op": "replace", "path": "members", "value": [{"value": %q}, {"value": %q}]}`, bob, alice),
			[]string{bob, alice}, "ENGINEERING"},
		{"path-less add of members", fmt.Sprintf(`{"op": "add", "value": {"members": [{"value": %q}]}}`, carol),
			[]string{bob, alice, carol}, "ENGINEERING"},
		{"remove by a general filter", `{"op": "remove", "path": "members[display sw \"b\"]"}`,
			[]string{alice, carol}, "ENGINEERING"},
		{"several operations in order", fmt.Sprintf(`{"op": "remove", "path": "members[value eq \"%s\"]"}, {"op": "add", "path": "members", "value": [{"value": %q}]}, {"op": "add", "path": "externalId", "value": "g-1"}`, alice, alice),
			[]string{carol, alice}, "ENGINEERING"},
		{"remove all members", `{"op": "remove", "path": "members"}`,
			[]string{}, "ENGINEERING"},
	}
	for _, s := range steps {
		var g wireGroup
		scimOK(t, h.scim(http.MethodPatch, "Groups/"+eng, tok, patchBody(s.ops)), http.StatusOK, &g)
		if got := storedMembers(t, h.emu, eng); !slices.Equal(got, s.members) {
			t.Errorf("%s: stored members %v, want %v", s.name, got, s.members)
		}
		if !slices.Equal(memberValues(g), s.members) || g.DisplayName != s.display {
			t.Errorf("%s: answered %q %v", s.name, g.DisplayName, memberValues(g))
		}
	}
	if g, _ := h.emu.Group(eng); g.ExternalID != "g-1" {
		t.Errorf("externalId = %q", g.ExternalID)
	}

	if err := h.emu.SetGroupMembers(eng, []string{alice}); err != nil {
		t.Fatal(err)
	}
	before, _ := h.emu.Group(eng)
	nolicense, err := h.emu.CreateUserDirect(emulator.User{UserName: "free@example.com", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name, ops, scimType string
		status              int
	}{
		{"rename onto another group", `{"op": "replace", "path": "displayName", "value": "sales"}`, "uniqueness", 409},
		{"remove displayName", `{"op": "remove", "path": "displayName"}`, "invalidValue", 400},
		{"add an unknown member", `{"op": "add", "path": "members", "value": [{"value": "31337"}]}`, "invalidValue", 400},
		{"add an unlicensed member", fmt.Sprintf(`{"op": "add", "path": "members", "value": [{"value": %q}]}`, nolicense.ID), "invalidValue", 400},
		{"add by filter path", fmt.Sprintf(`{"op": "add", "path": "members[value eq \"%s\"]", "value": {}}`, bob), "invalidPath", 400},
		{"change a member's display", `{"op": "replace", "path": "members.display", "value": "x"}`, "invalidPath", 400},
		{"member without value", `{"op": "add", "path": "members", "value": [{"display": "x"}]}`, "invalidValue", 400},
		{"unknown attribute", `{"op": "replace", "path": "owner", "value": "x"}`, "invalidPath", 400},
		{"id path", `{"op": "replace", "path": "id", "value": "x"}`, "mutability", 400},
		// Atomic: a rename followed by a bad member add changes nothing.
		{"atomic", `{"op": "replace", "path": "displayName", "value": "Renamed"}, {"op": "add", "path": "members", "value": [{"value": "31337"}]}`, "invalidValue", 400},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			scimType, detail := scimErrorOf(t, h.scim(http.MethodPatch, "Groups/"+eng, tok, patchBody(b.ops)), b.status)
			if scimType != b.scimType {
				t.Errorf("scimType %q, want %q (%s)", scimType, b.scimType, detail)
			}
		})
	}
	if after, _ := h.emu.Group(eng); !reflect.DeepEqual(after, before) {
		t.Errorf("rejected PATCHes changed the group:\n%+v\n%+v", before, after)
	}
	if _, ok := h.emu.GroupByDisplayName("Renamed"); ok {
		t.Error("the atomic case renamed the group")
	}
}

func TestPatchNoContent(t *testing.T) {
	h := start(t, emulator.Config{PatchNoContent: true})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)
	for _, p := range []string{"Users/" + ids["alice"], "Groups/" + ids["engineering"]} {
		ops := `{"op": "replace", "path": "externalId", "value": "x"}`
		r := h.scim(http.MethodPatch, p, tok, patchBody(ops))
		if r.Status != http.StatusNoContent || len(r.Body) != 0 {
			t.Errorf("PATCH %s: HTTP %d %q", p, r.Status, r.Body)
		}
	}
	if u, _ := h.emu.User(ids["alice"]); u.ExternalID != "x" {
		t.Errorf("204 PATCH not applied: %+v", u)
	}
	if g, _ := h.emu.Group(ids["engineering"]); g.ExternalID != "x" {
		t.Errorf("204 PATCH not applied: %+v", g)
	}
}

func TestPatchResponseHonoursAttributes(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)
	r := h.scim(http.MethodPatch, "Groups/"+ids["engineering"]+q("excludedAttributes", "members"), tok,
		patchBody(fmt.Sprintf(`{"op": "add", "path": "members", "value": [{"value": %q}]}`, ids["carol"])))
	scimOK(t, r, http.StatusOK, nil)
	if strings.Contains(string(r.Body), "members") {
		t.Errorf("members returned despite excludedAttributes: %s", r.Body)
	}
	if got := storedMembers(t, h.emu, ids["engineering"]); len(got) != 3 {
		t.Errorf("members = %v", got)
	}
}

func TestDirectChangesAreVisible(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)

	// Rules hold for direct changes too.
	if _, err := h.emu.CreateUserDirect(emulator.User{UserName: "ALICE@example.com"}); !isStatus(err, 409) {
		t.Errorf("duplicate direct user: %v", err)
	}
	if _, err := h.emu.CreateUserDirect(emulator.User{UserName: "x@example.com", LicenseType: "gold"}); !isStatus(err, 400) {
		t.Errorf("bad license: %v", err)
	}
	if _, err := h.emu.CreateGroupDirect("engineering", nil); !isStatus(err, 409) {
		t.Errorf("duplicate direct group: %v", err)
	}
	if _, err := h.emu.CreateGroupDirect("X", []string{"nope"}); !isStatus(err, 400) {
		t.Errorf("unknown member: %v", err)
	}
	if _, err := h.emu.UpdateUserDirect("nope", func(*emulator.User) {}); !isStatus(err, 404) {
		t.Errorf("update of unknown user: %v", err)
	}

	// A change in dbt's UI shows through SCIM.
	h.clock.Advance(3600e9)
	u, err := h.emu.UpdateUserDirect(ids["carol"], func(u *emulator.User) {
		u.FamilyName, u.Active, u.ID = "Cole", false, "ignored"
	})
	if err != nil || u.ID != ids["carol"] {
		t.Fatalf("UpdateUserDirect = %+v, %v", u, err)
	}
	var got wireUser
	scimOK(t, h.scim(http.MethodGet, "Users/"+ids["carol"], tok, nil), http.StatusOK, &got)
	if got.Name.FamilyName != "Cole" || *got.Active || got.Meta.LastModified == got.Meta.Created {
		t.Errorf("drifted user over SCIM = %+v", got)
	}

	g, err := h.emu.UpdateGroupDirect(ids["sales"], func(g *emulator.Group) { g.DisplayName = "Revenue" })
	if err != nil || g.DisplayName != "Revenue" {
		t.Fatalf("UpdateGroupDirect = %+v, %v", g, err)
	}
	if err := h.emu.AddGroupMember(ids["sales"], ids["alice"]); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.AddGroupMember(ids["sales"], ids["alice"]); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.RemoveGroupMember(ids["sales"], ids["carol"]); err != nil {
		t.Fatal(err)
	}
	var sales wireGroup
	scimOK(t, h.scim(http.MethodGet, "Groups/"+ids["sales"], tok, nil), http.StatusOK, &sales)
	if sales.DisplayName != "Revenue" || !slices.Equal(memberValues(sales), []string{ids["alice"]}) {
		t.Errorf("drifted group = %+v", sales)
	}
	if err := h.emu.AddGroupMember("nope", ids["alice"]); !isStatus(err, 404) {
		t.Errorf("AddGroupMember to unknown group: %v", err)
	}

	// Deleting a user removes its memberships.
	if !h.emu.DeleteUserDirect(ids["alice"]) || h.emu.DeleteUserDirect(ids["alice"]) {
		t.Error("DeleteUserDirect did not report existence")
	}
	if m := storedMembers(t, h.emu, ids["engineering"]); !slices.Equal(m, []string{ids["bob"]}) {
		t.Errorf("engineering members = %v", m)
	}
	if m := storedMembers(t, h.emu, ids["sales"]); len(m) != 0 {
		t.Errorf("sales members = %v", m)
	}
	if !h.emu.DeleteGroupDirect(ids["engineering"]) || h.emu.DeleteGroupDirect(ids["engineering"]) {
		t.Error("DeleteGroupDirect did not report existence")
	}
	if u, _ := h.emu.User(ids["bob"]); len(u.Groups) != 0 {
		t.Errorf("bob's groups = %v", u.Groups)
	}
	// Snapshots are copies.
	users := h.emu.Users()
	users[0].Emails[0].Value = "mutated"
	if again := h.emu.Users(); again[0].Emails[0].Value == "mutated" {
		t.Error("Users() shares memory with the store")
	}
}

func isStatus(err error, status int) bool {
	var e *emulator.Error
	return errors.As(err, &e) && e.Status == status
}

func TestSeed(t *testing.T) {
	h := start(t, emulator.Config{})
	res, err := h.emu.Seed(10, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.UserIDs) != 10 || len(res.GroupIDs) != 3 {
		t.Fatalf("result = %+v", res)
	}
	gs := h.emu.Groups()
	want := [][]string{res.UserIDs[0:4], res.UserIDs[4:8], {res.UserIDs[8], res.UserIDs[9], res.UserIDs[0], res.UserIDs[1]}}
	for i, g := range gs {
		if g.DisplayName != fmt.Sprintf("seed-group-%d", i+1) || !slices.Equal(g.Members, want[i]) {
			t.Errorf("group %d = %+v", i, g)
		}
	}
	u, _ := h.emu.User(res.UserIDs[0])
	if u.UserName != "seed-user-1@example.com" || !u.Active || u.LicenseType != "developer" || len(u.Groups) != 2 {
		t.Errorf("first user = %+v", u)
	}
	// Numbering continues across calls.
	res2, err := h.emu.Seed(1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := h.emu.User(res2.UserIDs[0]); u.UserName != "seed-user-11@example.com" {
		t.Errorf("second seed user = %q", u.UserName)
	}
	if _, err := h.emu.Seed(1, 1, 2); err == nil {
		t.Error("Seed accepted more members per group than users")
	}
}

func TestStrictMemberRemoval(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%v", strict), func(t *testing.T) {
			h := start(t, emulator.Config{StrictMemberRemoval: strict})
			tok := h.enableSCIM()
			ids := seedFixture(t, h.emu, h.clock)
			eng, alice, carol := ids["engineering"], ids["alice"], ids["carol"]
			removals := []string{
				fmt.Sprintf(`{"op": "remove", "path": "members[value eq \"%s\"]"}`, carol),
				fmt.Sprintf(`{"op": "Remove", "path": "members", "value": [{"value": %q}]}`, carol),
				`{"op": "remove", "path": "members[display eq \"nobody@example.com\"]"}`,
				`{"op": "remove", "path": "members[value eq \"31337\"]"}`,
			}
			for _, ops := range removals {
				r := h.scim(http.MethodPatch, "Groups/"+eng, tok, patchBody(ops))
				if !strict {
					scimOK(t, r, http.StatusOK, nil)
					continue
				}
				if scimType, detail := scimErrorOf(t, r, http.StatusBadRequest); scimType != "noTarget" {
					t.Errorf("%s: scimType %q (%s)", ops, scimType, detail)
				}
			}
			// Membership is judged as the earlier operations of the same
			// PATCH leave it: add then remove is fine either way.
			ops := fmt.Sprintf(`{"op": "add", "path": "members", "value": [{"value": %q}]}, {"op": "remove", "path": "members[value eq \"%s\"]"},
				{"op": "remove", "path": "members[value eq \"%s\"]"}`, carol, carol, alice)
			scimOK(t, h.scim(http.MethodPatch, "Groups/"+eng, tok, patchBody(ops)), http.StatusOK, nil)
			if got := storedMembers(t, h.emu, eng); !slices.Equal(got, []string{ids["bob"]}) {
				t.Errorf("members = %v", got)
			}
			// ... and remove after remove is not.
			ops = fmt.Sprintf(`{"op": "remove", "path": "members[value eq \"%s\"]"}, {"op": "remove", "path": "members[value eq \"%s\"]"}`, ids["bob"], ids["bob"])
			r := h.scim(http.MethodPatch, "Groups/"+eng, tok, patchBody(ops))
			if strict {
				scimErrorOf(t, r, http.StatusBadRequest)
				if got := storedMembers(t, h.emu, eng); len(got) != 1 {
					t.Errorf("a refused PATCH changed members: %v", got)
				}
			} else {
				scimOK(t, r, http.StatusOK, nil)
			}
		})
	}
}
