// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// These tests replay provisioning the way Okta and Entra ID run it, with
// the request bodies those IdPs send (taken from their SCIM guides and
// validators), and check every response's status and body.

// idp is one IdP's session against the emulator.
type idp struct {
	t         *testing.T
	h         *harness
	tok       string
	noContent bool
}

func newIdP(t *testing.T, noContent bool) *idp {
	h := start(t, emulator.Config{PatchNoContent: noContent})
	return &idp{t: t, h: h, tok: h.enableSCIM(), noContent: noContent}
}

func (p *idp) call(method, path, body string, status int, out any) response {
	p.t.Helper()
	r := p.h.scim(method, path, p.tok, body)
	if status == http.StatusNoContent {
		if r.Err != nil || r.Status != status || len(r.Body) != 0 {
			p.t.Fatalf("%s %s: HTTP %d %q, want 204 with no body", method, path, r.Status, r.Body)
		}
		return r
	}
	scimOK(p.t, r, status, out)
	return r
}

// patch sends a PATCH and, when the emulator answers with the resource,
// decodes it into out; with PatchNoContent it reads the resource back as
// an IdP that needs it would.
func (p *idp) patch(path, ops string, out any) {
	p.t.Helper()
	if p.noContent {
		p.call(http.MethodPatch, path, patchBody(ops), http.StatusNoContent, nil)
		if out != nil {
			p.call(http.MethodGet, path, "", http.StatusOK, out)
		}
		return
	}
	p.call(http.MethodPatch, path, patchBody(ops), http.StatusOK, out)
}

func (p *idp) search(resource, filter string, extra ...string) wireList[map[string]any] {
	p.t.Helper()
	var l wireList[map[string]any]
	p.call(http.MethodGet, resource+q(append([]string{"filter", filter}, extra...)...), "", http.StatusOK, &l)
	if l.ItemsPerPage != len(l.Resources) || l.StartIndex < 1 || l.Resources == nil {
		p.t.Errorf("malformed ListResponse for %s: %+v", filter, l)
	}
	return l
}

func TestOktaProvisioning(t *testing.T) {
	for _, noContent := range []bool{false, true} {
		t.Run(fmt.Sprintf("PatchNoContent=%v", noContent), func(t *testing.T) {
			p := newIdP(t, noContent)

			// Test connection: the first page of users.
			var page wireList[wireUser]
			p.call(http.MethodGet, "Users?count=1&startIndex=1", "", http.StatusOK, &page)
			if page.TotalResults != 0 || page.Resources == nil {
				t.Errorf("empty directory page = %+v", page)
			}

			// Existence check before create.
			if l := p.search("Users", `userName eq "test.user@okta.local"`, "startIndex", "1", "count", "100"); l.TotalResults != 0 || len(l.Resources) != 0 {
				t.Fatalf("user exists before create: %+v", l)
			}

			var u wireUser
			p.call(http.MethodPost, "Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
				"userName": "test.user@okta.local",
				"name": {"givenName": "Test", "familyName": "User"},
				"emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
				"displayName": "Test User", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
				"groups": [], "password": "1mz050nq", "active": true}`, http.StatusCreated, &u)
			if u.ID == "" || u.UserName != "test.user@okta.local" || !*u.Active || u.ExternalID != "00ujl29u0le5T6Aj10h7" {
				t.Fatalf("created = %+v", u)
			}
			if l := p.search("Users", `userName eq "TEST.USER@okta.local"`); l.TotalResults != 1 || l.Resources[0]["id"] != u.ID {
				t.Errorf("lookup after create = %+v", l)
			}
			// A second create of the same person is a conflict, not a duplicate.
			_, detail := scimErrorOf(t, p.h.scim(http.MethodPost, "Users", p.tok, `{"userName": "test.user@okta.local"}`), http.StatusConflict)
			if !strings.Contains(detail, u.ID) {
				t.Errorf("conflict detail %q does not name the existing user", detail)
			}

			var got wireUser
			p.call(http.MethodGet, "Users/"+u.ID, "", http.StatusOK, &got)
			if got.ID != u.ID || got.Name.GivenName != "Test" {
				t.Errorf("GET = %+v", got)
			}

			// Profile update: Okta PUTs the whole user, id and meta included.
			got = wireUser{}
			p.call(http.MethodPut, "Users/"+u.ID, fmt.Sprintf(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": %q,
				"userName": "test.user@okta.local", "name": {"givenName": "Another", "familyName": "User"},
				"emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
				"displayName": "Another User", "externalId": "00ujl29u0le5T6Aj10h7", "active": true,
				"meta": {"resourceType": "User"}, "groups": [{"value": "ignored"}]}`, u.ID), http.StatusOK, &got)
			if got.Name.GivenName != "Another" || got.ID != u.ID {
				t.Errorf("after PUT = %+v", got)
			}

			// Deactivate, then reactivate.
			got = wireUser{}
			p.patch("Users/"+u.ID, `{"op": "replace", "value": {"active": false}}`, &got)
			if got.Active == nil || *got.Active {
				t.Errorf("after deactivate = %+v", got)
			}
			if l := p.search("Users", `userName eq "test.user@okta.local"`); l.TotalResults != 1 || l.Resources[0]["active"] != false {
				t.Errorf("deactivated user lookup = %+v", l)
			}
			got = wireUser{}
			p.patch("Users/"+u.ID, `{"op": "replace", "value": {"active": true}}`, &got)
			if !*got.Active {
				t.Errorf("after reactivate = %+v", got)
			}

			// A second user for the group.
			var u2 wireUser
			p.call(http.MethodPost, "Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "second@okta.local",
				"name": {"givenName": "Second", "familyName": "User"}, "emails": [{"primary": true, "value": "second@okta.local", "type": "work"}],
				"active": true}`, http.StatusCreated, &u2)

			// Group push.
			if l := p.search("Groups", `displayName eq "Test SCIMv2"`, "startIndex", "1", "count", "100"); l.TotalResults != 0 {
				t.Fatalf("group exists before push: %+v", l)
			}
			var g wireGroup
			p.call(http.MethodPost, "Groups", fmt.Sprintf(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Test SCIMv2",
				"members": [{"value": %q, "display": "test.user@okta.local"}]}`, u.ID), http.StatusCreated, &g)
			if g.DisplayName != "Test SCIMv2" || !slices.Equal(memberValues(g), []string{u.ID}) {
				t.Fatalf("pushed group = %+v", g)
			}
			if l := p.search("Groups", `displayName eq "Test SCIMv2"`); l.TotalResults != 1 || l.Resources[0]["id"] != g.ID {
				t.Fatalf("pushed group not found by name: %+v", l)
			}
			var read wireGroup
			p.call(http.MethodGet, "Groups/"+g.ID, "", http.StatusOK, &read)
			if !slices.Equal(memberValues(read), []string{u.ID}) || (*read.Members)[0].Display != "test.user@okta.local" {
				t.Errorf("GET pushed group = %+v", read)
			}

			// Rename: Okta echoes the id in the value.
			g2 := wireGroup{}
			p.patch("Groups/"+g.ID, fmt.Sprintf(`{"op": "replace", "value": {"id": %q, "displayName": "Test SCIMv2 Renamed"}}`, g.ID), &g2)
			if g2.DisplayName != "Test SCIMv2 Renamed" {
				t.Errorf("after rename = %+v", g2)
			}

			// Membership changes: add one, remove the other by filter path.
			g2 = wireGroup{}
			p.patch("Groups/"+g.ID, fmt.Sprintf(`{"op": "add", "path": "members", "value": [{"value": %q, "display": "second@okta.local"}]}`, u2.ID), &g2)
			if !slices.Equal(memberValues(g2), []string{u.ID, u2.ID}) {
				t.Errorf("after add = %v", memberValues(g2))
			}
			g2 = wireGroup{}
			p.patch("Groups/"+g.ID, fmt.Sprintf(`{"op": "remove", "path": "members[value eq \"%s\"]"}`, u.ID), &g2)
			if !slices.Equal(memberValues(g2), []string{u2.ID}) {
				t.Errorf("after remove = %v", memberValues(g2))
			}
			var first wireUser
			p.call(http.MethodGet, "Users/"+u.ID, "", http.StatusOK, &first)
			if len(first.Groups) != 0 {
				t.Errorf("removed member still lists groups %+v", first.Groups)
			}

			p.call(http.MethodDelete, "Groups/"+g.ID, "", http.StatusNoContent, nil)
			scimErrorOf(t, p.h.scim(http.MethodGet, "Groups/"+g.ID, p.tok, ""), http.StatusNotFound)
			if len(p.h.emu.Groups()) != 0 || len(p.h.emu.Users()) != 2 {
				t.Errorf("final state: %d groups, %d users", len(p.h.emu.Groups()), len(p.h.emu.Users()))
			}
			checkLog(t, p.h)
		})
	}
}

// checkLog checks that the request log saw every request with its status.
func checkLog(t *testing.T, h *harness) {
	t.Helper()
	for _, r := range h.emu.Requests() {
		if r.Status == 0 || r.Dropped {
			t.Errorf("request logged without an answer: %+v", r)
		}
		if r.Status >= 200 && r.Status < 300 && r.Status != http.StatusNoContent && r.ResponseBytes == 0 {
			t.Errorf("successful request logged with no body: %+v", r)
		}
	}
}

func TestEntraProvisioning(t *testing.T) {
	for _, noContent := range []bool{false, true} {
		t.Run(fmt.Sprintf("PatchNoContent=%v", noContent), func(t *testing.T) {
			p := newIdP(t, noContent)
			const userName = "Test_User_ab6490ee@contoso.com"
			const externalID = "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"

			if l := p.search("Users", fmt.Sprintf("userName eq %q", userName)); l.TotalResults != 0 {
				t.Fatalf("user exists before create: %+v", l)
			}
			var u wireUser
			p.call(http.MethodPost, "Users", fmt.Sprintf(`{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"externalId": %q, "userName": %q, "active": true,
				"emails": [{"primary": true, "type": "work", "value": %q}],
				"meta": {"resourceType": "User"},
				"name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
				"roles": [],
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Eng"}}`, externalID, userName, userName), http.StatusCreated, &u)
			if u.UserName != userName || u.Name != (wireName{"givenName", "familyName"}) || u.DBT == nil {
				t.Fatalf("created = %+v", u)
			}
			if l := p.search("Users", fmt.Sprintf("userName eq %q", userName)); l.TotalResults != 1 || l.Resources[0]["id"] != u.ID {
				t.Errorf("lookup by userName = %+v", l)
			}
			if l := p.search("Users", fmt.Sprintf("externalId eq %q", externalID)); l.TotalResults != 1 {
				t.Errorf("lookup by externalId = %+v", l)
			}

			// Attribute updates, each with its own path and Entra's casing.
			const newName = "Updated_User_ab6490ee@contoso.com"
			var got wireUser
			p.patch("Users/"+u.ID, fmt.Sprintf(`
				{"op": "Replace", "path": "userName", "value": %q},
				{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": %q},
				{"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
				{"op": "Add", "path": "name.givenName", "value": "updatedGivenName"},
				{"op": "Replace", "path": "displayName", "value": "updatedDisplayName"},
				{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"},
				{"op": "Replace", "path": "externalId", "value": "updated-external"}`, newName, newName), &got)
			if got.UserName != newName || got.Emails[0].Value != newName || got.Name != (wireName{"updatedGivenName", "updatedFamilyName"}) || got.ExternalID != "updated-external" {
				t.Errorf("after update = %+v", got)
			}
			if l := p.search("Users", fmt.Sprintf("userName eq %q", userName)); l.TotalResults != 0 {
				t.Errorf("old userName still found: %+v", l)
			}

			// Disable with a string boolean.
			got = wireUser{}
			p.patch("Users/"+u.ID, `{"op": "Replace", "path": "active", "value": "False"}`, &got)
			if got.Active == nil || *got.Active {
				t.Errorf("after disable = %+v", got)
			}
			if stored, _ := p.h.emu.User(u.ID); stored.Active {
				t.Error("stored user still active")
			}
			got = wireUser{}
			p.patch("Users/"+u.ID, `{"op": "Replace", "path": "active", "value": "True"}`, &got)

			// Groups: Entra always asks without members.
			const groupName = "1879db59-3bdf-4490-ad68-ab880a269474"
			if l := p.search("Groups", fmt.Sprintf("displayName eq %q", groupName), "excludedAttributes", "members"); l.TotalResults != 0 {
				t.Fatalf("group exists before create: %+v", l)
			}
			var g wireGroup
			p.call(http.MethodPost, "Groups", fmt.Sprintf(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": %q, "meta": {"resourceType": "Group"}}`, groupName), http.StatusCreated, &g)
			if g.DisplayName != groupName || g.Members == nil || len(*g.Members) != 0 {
				t.Fatalf("created group = %+v", g)
			}
			r := p.call(http.MethodGet, "Groups/"+g.ID+"?excludedAttributes=members", "", http.StatusOK, nil)
			if strings.Contains(string(r.Body), `"members"`) {
				t.Errorf("members not excluded: %s", r.Body)
			}

			// Add a member, check membership the way Entra does, remove it
			// with Entra's value-list form, check again.
			p.patch("Groups/"+g.ID, fmt.Sprintf(`{"op": "Add", "path": "members", "value": [{"$ref": null, "value": %q}]}`, u.ID), nil)
			membership := fmt.Sprintf(`id eq %q and members[value eq %q]`, g.ID, u.ID)
			if l := p.search("Groups", membership, "excludedAttributes", "members"); l.TotalResults != 1 || l.Resources[0]["members"] != nil {
				t.Errorf("membership after add = %+v", l)
			}
			p.patch("Groups/"+g.ID, fmt.Sprintf(`{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": %q}]}`, u.ID), nil)
			if l := p.search("Groups", membership, "excludedAttributes", "members"); l.TotalResults != 0 {
				t.Errorf("membership after remove = %+v", l)
			}
			// Entra retries a removal it did not see succeed: still fine.
			p.patch("Groups/"+g.ID, fmt.Sprintf(`{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": %q}]}`, u.ID), nil)

			// Rename.
			var renamed wireGroup
			p.patch("Groups/"+g.ID, `{"op": "Replace", "path": "displayName", "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}`, &renamed)
			if renamed.DisplayName != groupName+"updatedDisplayName" {
				t.Errorf("after rename = %+v", renamed)
			}

			p.call(http.MethodDelete, "Groups/"+g.ID, "", http.StatusNoContent, nil)
			p.call(http.MethodDelete, "Users/"+u.ID, "", http.StatusNoContent, nil)
			scimErrorOf(t, p.h.scim(http.MethodGet, "Users/"+u.ID, p.tok, ""), http.StatusNotFound)
			if l := p.search("Users", fmt.Sprintf("userName eq %q", newName)); l.TotalResults != 0 {
				t.Errorf("deleted user still found: %+v", l)
			}
			checkLog(t, p.h)
		})
	}
}
