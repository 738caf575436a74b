// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// What dbt's SCIM FAQ (docs.getdbt.com/docs/cloud/manage-access/scim-faq)
// says happens, as the emulator models it.

func userBody(userName string) map[string]any {
	return map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": userName, "active": true,
		"name":   map[string]string{"givenName": "A", "familyName": "B"},
		"emails": []map[string]any{{"value": userName, "type": "work", "primary": true}},
	}
}

func addMember(id, userName string) map[string]any {
	return map[string]any{
		"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "add", "path": "members",
			"value": []map[string]string{{"value": id, "display": userName}}}},
	}
}

// A user new to dbt is invited and holds no license until they accept: a
// group push with them fails with dbt's message, which names no one, and
// succeeds once they have accepted.
func TestInvitedUserCannotJoinAGroupUntilAccepted(t *testing.T) {
	h := start(t, emulator.Config{InviteNewUsers: true})
	tok := h.enableSCIM()
	r := h.scim("POST", "Users", tok, userBody("new@example.com"))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var u struct{ ID string }
	mustJSON(t, r.Body, &u)
	g, err := h.emu.CreateGroupDirect("Analysts", nil)
	if err != nil {
		t.Fatal(err)
	}
	r = h.scim("PATCH", "Groups/"+g.ID, tok, addMember(u.ID, "new@example.com"))
	if _, detail := scimErrorOf(t, r, 400); detail != "All users must have licenses on the account" {
		t.Errorf("detail %q", detail)
	}
	if got, _ := h.emu.GroupByDisplayName("Analysts"); len(got.Members) != 0 {
		t.Errorf("members %v after a refused push", got.Members)
	}
	// Changing the user over SCIM does not accept the invitation.
	put := userBody("new@example.com")
	put["name"] = map[string]string{"givenName": "New", "familyName": "Name"}
	if r = h.scim("PUT", "Users/"+u.ID, tok, put); r.Status != 200 {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
	r = h.scim("PATCH", "Users/"+u.ID, tok, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "name.givenName", "value": "Newer"}},
	})
	if r.Status != 200 {
		t.Fatalf("PATCH: %d %s", r.Status, r.Body)
	}
	if got, _ := h.emu.User(u.ID); !got.Invited {
		t.Fatal("a PUT or PATCH accepted the invitation")
	}
	if err := h.emu.AcceptInvitation(u.ID); err != nil {
		t.Fatal(err)
	}
	if r = h.scim("PATCH", "Groups/"+g.ID, tok, addMember(u.ID, "new@example.com")); r.Status != 200 {
		t.Fatalf("after accepting: %d %s", r.Status, r.Body)
	}
}

// A dbt user SCIM does not manage yet is linked by a create whose userName
// equals their email exactly: same id, groups and license, no invitation.
// Differing only in case is a conflict that says so.
func TestCreateLinksAnExistingDBTUserByExactEmail(t *testing.T) {
	h := start(t, emulator.Config{InviteNewUsers: true})
	tok := h.enableSCIM()
	old, err := h.emu.CreateUserDirect(emulator.User{UserName: "Jane.Doe@example.com", Active: true,
		LicenseType: "read_only", Unmanaged: true})
	if err != nil {
		t.Fatal(err)
	}
	g, err := h.emu.CreateGroupDirect("Finance", []string{old.ID})
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(24 * time.Hour)

	r := h.scim("POST", "Users", tok, userBody("jane.doe@example.com"))
	if _, detail := scimErrorOf(t, r, 409); !strings.Contains(detail, "including case") || !strings.Contains(detail, "Jane.Doe@example.com") {
		t.Errorf("case-differing create: %q", detail)
	}

	r = h.scim("POST", "Users", tok, userBody("Jane.Doe@example.com"))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var got struct {
		ID   string
		Meta struct{ Created string }
	}
	mustJSON(t, r.Body, &got)
	if got.ID != old.ID {
		t.Errorf("id %s, want the existing user's %s", got.ID, old.ID)
	}
	if created, _ := time.Parse(time.RFC3339, got.Meta.Created); !created.Equal(old.Created) {
		t.Errorf("meta.created %s, want the existing user's %s", got.Meta.Created, old.Created)
	}
	now, _ := h.emu.User(old.ID)
	if now.Unmanaged || now.Invited || now.LicenseType != "read_only" || len(now.Groups) != 1 || now.Groups[0] != g.ID {
		t.Errorf("linked user %+v", now)
	}
	if r = h.scim("POST", "Users", tok, userBody("Jane.Doe@example.com")); r.Status != 409 {
		t.Errorf("a second create of a linked user: %d, want 409", r.Status)
	}
}

// A group made in dbt is linked by a create with exactly its name.
func TestCreateLinksAGroupMadeInDBT(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	u, err := h.emu.CreateUserDirect(emulator.User{UserName: "a@example.com", Active: true, LicenseType: "developer"})
	if err != nil {
		t.Fatal(err)
	}
	old, err := h.emu.CreateDBTGroup("Finance", []string{u.ID}, h.clock.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	body := func(name string) map[string]any {
		return map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": name, "externalId": "okta-1"}
	}
	if r := h.scim("POST", "Groups", tok, body("finance")); r.Status != 409 {
		t.Errorf("case-differing create: %d, want 409", r.Status)
	}
	r := h.scim("POST", "Groups", tok, body("Finance"))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var got struct {
		ID      string
		Members []struct{ Value string }
	}
	if err := json.Unmarshal(r.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != old.ID || len(got.Members) != 1 || got.Members[0].Value != u.ID {
		t.Errorf("linked group %+v, want id %s with member %s", got, old.ID, u.ID)
	}
	if g, _ := h.emu.Group(old.ID); g.Unmanaged || g.ExternalID != "okta-1" {
		t.Errorf("group after linking %+v", g)
	}
	if r = h.scim("POST", "Groups", tok, body("Finance")); r.Status != 409 {
		t.Errorf("a second create: %d, want 409", r.Status)
	}
}

// dbt keeps a record of a deleted user (its Set up SCIM page: Okta's Import
// Users brings back "previously deleted users"): gone by id and from
// filtered lists, listed inactive without a filter, and brought back with
// its id by a create of exactly its userName.
func TestDeletedUserRecordIsKept(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	r := h.scim("POST", "Users", tok, userBody("gone@example.com"))
	var u struct {
		ID     string
		Active bool
	}
	mustJSON(t, r.Body, &u)
	if r = h.scim("DELETE", "Users/"+u.ID, tok, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r = h.scim("GET", "Users/"+u.ID, tok, nil); r.Status != 404 {
		t.Errorf("GET after DELETE: %d, want 404", r.Status)
	}
	var l struct {
		TotalResults int
		Resources    []struct {
			ID     string
			Active bool
		}
	}
	mustJSON(t, h.scim("GET", "Users?filter=userName%20eq%20%22gone%40example.com%22", tok, nil).Body, &l)
	if l.TotalResults != 0 {
		t.Errorf("a filter found the deleted user: %+v", l)
	}
	mustJSON(t, h.scim("GET", "Users", tok, nil).Body, &l)
	if l.TotalResults != 1 || l.Resources[0].ID != u.ID || l.Resources[0].Active {
		t.Errorf("the plain listing: %+v, want the deleted user, inactive", l)
	}
	if _, ok := h.emu.User(u.ID); ok || len(h.emu.Users()) != 0 || len(h.emu.DeletedUsers()) != 1 {
		t.Errorf("Go API: User found %v, %d users, %d deleted", ok, len(h.emu.Users()), len(h.emu.DeletedUsers()))
	}
	oldID := u.ID
	r = h.scim("POST", "Users", tok, userBody("gone@example.com"))
	var back struct {
		ID     string
		Active bool
	}
	mustJSON(t, r.Body, &back)
	if r.Status != 201 || !back.Active || back.ID != oldID {
		t.Fatalf("create again: %d %s", r.Status, r.Body)
	}
	if got, ok := h.emu.User(back.ID); !ok || got.Deleted || len(h.emu.DeletedUsers()) != 0 {
		t.Errorf("after the create, user %+v (found %v)", got, ok)
	}
}
