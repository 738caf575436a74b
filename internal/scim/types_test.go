// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package scim

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestUserDecodeTolerant(t *testing.T) {
	// dbt's own example: primary as "True", groups in dbt's component shape,
	// an integer id, and an attribute we do not know.
	in := `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"],
		"id": 1111,
		"externalId": "okta-1",
		"userName": "john.smith@example.com",
		"active": "True",
		"name": {"givenName": "John", "familyName": "Smith"},
		"emails": [{"value": "john.smith@example.com", "primary": "True", "type": "work"}, {"value": "j@home", "primary": false}],
		"groups": [{"value": "1234", "display": "Example Group"}, {"id": 77, "displayName": "Other"}],
		"meta": {"resourceType": "User", "location": "/scim/v2/Users/1111", "created": "2024-01-01T00:00:00+00:00"},
		"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User": {"licenseType": "developer"},
		"somethingNew": {"x": 1}
	}`
	var u User
	if err := json.Unmarshal([]byte(in), &u); err != nil {
		t.Fatal(err)
	}
	want := User{
		Schemas:    []string{SchemaUser, SchemaDBTUser},
		ID:         "1111",
		ExternalID: "okta-1",
		UserName:   "john.smith@example.com",
		Active:     Bool(true),
		Name:       &Name{GivenName: "John", FamilyName: "Smith"},
		Emails:     []Email{{Value: "john.smith@example.com", Primary: true, Type: "work"}, {Value: "j@home"}},
		Groups:     []GroupRef{{Value: "1234", Display: "Example Group"}, {Value: "77", Display: "Other"}},
		DBT:        &DBTUserExtension{LicenseType: LicenseDeveloper},
		Meta:       &Meta{ResourceType: "User", Location: "/scim/v2/Users/1111", Created: "2024-01-01T00:00:00+00:00"},
	}
	if !reflect.DeepEqual(u, want) {
		t.Fatalf("decoded\n%#v\nwant\n%#v", u, want)
	}
	if got := u.PrimaryEmail(); got != "john.smith@example.com" {
		t.Errorf("PrimaryEmail = %q", got)
	}
}

func TestBoolDecode(t *testing.T) {
	for in, want := range map[string]*bool{
		`true`: Bool(true), `false`: Bool(false), `"True"`: Bool(true), `"false"`: Bool(false),
		`"FALSE"`: Bool(false), `null`: nil,
	} {
		var u User
		if err := json.Unmarshal([]byte(`{"active":`+in+`}`), &u); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(u.Active, want) {
			t.Errorf("%s: active = %v, want %v", in, u.Active, want)
		}
	}
	var u User
	if err := json.Unmarshal([]byte(`{"active":"maybe"}`), &u); err == nil {
		t.Error("active \"maybe\" decoded without error")
	}
}

func TestUserEncodePrecise(t *testing.T) {
	u := User{
		UserName: "a@example.com",
		Name:     &Name{GivenName: "A", FamilyName: "B"},
		Emails:   []Email{{Value: "a@example.com", Type: "work", Primary: true}},
		Active:   Bool(false),
		DBT:      &DBTUserExtension{LicenseType: LicenseReadOnly},
	}
	got, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"],` +
		`"userName":"a@example.com","name":{"givenName":"A","familyName":"B"},` +
		`"emails":[{"value":"a@example.com","type":"work","primary":true}],"active":false,` +
		`"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User":{"licenseType":"read_only"}}`
	if string(got) != want {
		t.Errorf("encoded\n%s\nwant\n%s", got, want)
	}

	// Without the extension, neither the key nor its schema appear.
	got, err = json.Marshal(User{UserName: "b@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b@example.com"}`; string(got) != want {
		t.Errorf("encoded %s, want %s", got, want)
	}
}

func TestGroupRoundTrip(t *testing.T) {
	in := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Eng",` +
		`"members":[{"value":"u1","display":"a@example.com","$ref":"/scim/v2/Users/u1"},{"value":2}],` +
		`"meta":{"resourceType":"Group","location":"/scim/v2/Groups/g1"}}`
	var g Group
	if err := json.Unmarshal([]byte(in), &g); err != nil {
		t.Fatal(err)
	}
	if got := g.MemberIDs(); !reflect.DeepEqual(got, []string{"u1", "2"}) {
		t.Errorf("members = %v", got)
	}
	if g.Members[0].Ref != "/scim/v2/Users/u1" {
		t.Errorf("$ref = %q", g.Members[0].Ref)
	}
	out, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Eng",` +
		`"members":[{"value":"u1","display":"a@example.com","$ref":"/scim/v2/Users/u1"},{"value":"2"}],` +
		`"meta":{"resourceType":"Group","location":"/scim/v2/Groups/g1"}}`
	if string(out) != want {
		t.Errorf("encoded\n%s\nwant\n%s", out, want)
	}
	out, _ = json.Marshal(Group{DisplayName: "x"})
	if want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"x"}`; string(out) != want {
		t.Errorf("encoded %s, want %s", out, want)
	}
}

func TestListResponse(t *testing.T) {
	out, err := json.Marshal(ListResponse[User]{TotalResults: 0})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`; string(out) != want {
		t.Errorf("encoded %s, want %s", out, want)
	}
	var l ListResponse[Group]
	// Attribute names are case-insensitive (RFC 7643 §2.1).
	if err := json.Unmarshal([]byte(`{"totalresults":3,"startIndex":2,"itemsPerPage":1,"resources":[{"id":"g","displayName":"G"}]}`), &l); err != nil {
		t.Fatal(err)
	}
	if l.TotalResults != 3 || l.StartIndex != 2 || l.ItemsPerPage != 1 || len(l.Resources) != 1 || l.Resources[0].ID != "g" {
		t.Errorf("decoded %+v", l)
	}
}

func TestPatchEncodeDecode(t *testing.T) {
	op, err := NewPatchOperation(OpReplace, "active", false)
	if err != nil {
		t.Fatal(err)
	}
	rm, _ := NewPatchOperation(OpRemove, `members[value eq "u1"]`, nil)
	out, err := json.Marshal(NewPatchRequest(op, rm))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` +
		`{"op":"replace","path":"active","value":false},{"op":"remove","path":"members[value eq \"u1\"]"}]}`
	if string(out) != want {
		t.Errorf("encoded\n%s\nwant\n%s", out, want)
	}

	var p PatchRequest
	if err := json.Unmarshal([]byte(`{"schemas":["`+SchemaPatchOp+`"],"Operations":[{"op":"Add","path":"members","value":[{"value":"u2"}]},{"op":"Remove","path":"x","value":null}]}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.Operations[0].Op != OpAdd || string(p.Operations[0].Value) != `[{"value":"u2"}]` {
		t.Errorf("op 0 = %+v", p.Operations[0])
	}
	if p.Operations[1].Op != OpRemove || p.Operations[1].Value != nil {
		t.Errorf("op 1 = %+v", p.Operations[1])
	}
}

func TestErrorStatus(t *testing.T) {
	for _, in := range []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"taken"}`,
		`{"status":409,"scimType":"uniqueness","detail":"taken"}`,
	} {
		var e Error
		if err := json.Unmarshal([]byte(in), &e); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if e.StatusCode() != 409 || e.Status != "409" || e.SCIMType != ErrUniqueness || e.Detail != "taken" {
			t.Errorf("%s: decoded %+v", in, e)
		}
	}
	out, _ := json.Marshal(NewError(404, "", "no such user"))
	if want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"no such user"}`; string(out) != want {
		t.Errorf("encoded %s, want %s", out, want)
	}
}

func TestMemberValueForms(t *testing.T) {
	in := `{"displayName":"G","members":[{"value":"plain"},{"value":"esc\"aped\u00e9"},{"value":42},{"value":null,"display":"nobody"}]}`
	var g Group
	if err := json.Unmarshal([]byte(in), &g); err != nil {
		t.Fatal(err)
	}
	if got, want := g.MemberIDs(), []string{"plain", "esc\"apedé", "42", ""}; !reflect.DeepEqual(got, want) {
		t.Errorf("members = %q, want %q", got, want)
	}
	// A member decoded on its own (say, from a PATCH value) is as tolerant.
	var ms []Member
	if err := json.Unmarshal([]byte(`[{"value":7,"display":"x"}]`), &ms); err != nil || ms[0].Value != "7" || ms[0].Display != "x" {
		t.Errorf("members = %+v, err %v", ms, err)
	}
	var bad Group
	if err := json.Unmarshal([]byte(`{"members":[{"value":{}}]}`), &bad); err == nil {
		t.Error("object member value decoded without error")
	}
}
