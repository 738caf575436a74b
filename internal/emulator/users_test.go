// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// Test-side views of the wire shapes, written from RFC 7643 rather than
// shared with the emulator, so the tests check the emulator against the RFC.

type wireName struct {
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

type wireEmail struct {
	Value   string `json:"value"`
	Type    string `json:"type"`
	Primary bool   `json:"primary"`
}

type wireRef struct {
	Value   string `json:"value"`
	Ref     string `json:"$ref"`
	Display string `json:"display"`
}

type wireMeta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
	Location     string `json:"location"`
}

type wireUser struct {
	Schemas    []string    `json:"schemas"`
	ID         string      `json:"id"`
	ExternalID string      `json:"externalId"`
	UserName   string      `json:"userName"`
	Name       wireName    `json:"name"`
	Emails     []wireEmail `json:"emails"`
	Active     *bool       `json:"active"`
	Groups     []wireRef   `json:"groups"`
	DBT        *struct {
		LicenseType string `json:"licenseType"`
	} `json:"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"`
	Meta wireMeta `json:"meta"`
}

type wireGroup struct {
	Schemas     []string   `json:"schemas"`
	ID          string     `json:"id"`
	ExternalID  string     `json:"externalId"`
	DisplayName string     `json:"displayName"`
	Members     *[]wireRef `json:"members"`
	Meta        wireMeta   `json:"meta"`
}

type wireList[T any] struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    []T      `json:"Resources"`
}

// scimOK checks a successful SCIM answer's status and media type and
// decodes it.
func scimOK(t *testing.T, r response, status int, v any) {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("request failed: %v", r.Err)
	}
	if r.Status != status {
		t.Fatalf("HTTP %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/scim+json" {
		t.Errorf("Content-Type = %q, want application/scim+json", ct)
	}
	if v != nil {
		mustJSON(t, r.Body, v)
	}
}

func rawKeys(t *testing.T, body []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	mustJSON(t, body, &m)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func q(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	return "?" + v.Encode()
}

const janeBody = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"],
  "externalId": "00u1",
  "userName": "jane@example.com",
  "name": {"givenName": "Jane", "familyName": "Doe"},
  "emails": [{"value": "jane@example.com", "type": "work", "primary": true}],
  "active": true,
  "displayName": "Jane Doe",
  "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User": {"licenseType": "analyst"}
}`

func TestUserCreateReadReplaceDelete(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()

	r := h.scim(http.MethodPost, "Users", tok, janeBody)
	var jane wireUser
	scimOK(t, r, http.StatusCreated, &jane)
	base := h.srv.URL + "/api/v3/accounts/1/scim/v2"
	if loc := r.Header.Get("Location"); loc != base+"/Users/"+jane.ID {
		t.Errorf("Location = %q", loc)
	}
	want := wireUser{
		Schemas:    []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"},
		ID:         jane.ID,
		ExternalID: "00u1",
		UserName:   "jane@example.com",
		Name:       wireName{"Jane", "Doe"},
		Emails:     []wireEmail{{"jane@example.com", "work", true}},
		Active:     ptr(true),
		DBT: &struct {
			LicenseType string `json:"licenseType"`
		}{"analyst"},
		Meta: wireMeta{ResourceType: "User", Created: "2026-01-02T03:04:05.678901+00:00", LastModified: "2026-01-02T03:04:05.678901+00:00", Location: base + "/Users/" + jane.ID},
	}
	if jane.ID == "" || !reflect.DeepEqual(jane, want) {
		t.Errorf("created user:\n got %+v\nwant %+v", jane, want)
	}
	// Unsupported attributes are accepted and dropped; no groups key for a
	// user in no group.
	if keys := rawKeys(t, r.Body); slices.Contains(keys, "displayName") || slices.Contains(keys, "groups") {
		t.Errorf("keys = %v", keys)
	}

	r = h.scim(http.MethodGet, "Users/"+jane.ID, tok, nil)
	var got wireUser
	scimOK(t, r, http.StatusOK, &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GET = %+v", got)
	}

	// PUT replaces: the externalId left out is cleared, the license kept.
	h.clock.Advance(time.Minute)
	r = h.scim(http.MethodPut, "Users/"+jane.ID, tok, `{"userName": "jane@example.com", "name": {"givenName": "Janet", "familyName": "Doe"}, "active": false}`)
	got = wireUser{}
	scimOK(t, r, http.StatusOK, &got)
	if got.Name.GivenName != "Janet" || got.ExternalID != "" || *got.Active || got.DBT == nil || got.DBT.LicenseType != "analyst" {
		t.Errorf("after PUT = %+v", got)
	}
	if got.Meta.Created != want.Meta.Created || got.Meta.LastModified != "2026-01-02T03:05:05.678901+00:00" {
		t.Errorf("meta after PUT = %+v", got.Meta)
	}
	if u, _ := h.emu.User(jane.ID); u.GivenName != "Janet" || u.Active || len(u.Emails) != 1 || u.Emails[0].Value != "jane@example.com" {
		t.Errorf("stored after PUT = %+v", u)
	}

	r = h.scim(http.MethodDelete, "Users/"+jane.ID, tok, nil)
	if r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Errorf("DELETE: HTTP %d %q", r.Status, r.Body)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete, http.MethodPut, http.MethodPatch} {
		body := `{"userName": "jane@example.com"}`
		if m == http.MethodPatch {
			body = `{"Operations": [{"op": "replace", "path": "active", "value": true}]}`
		}
		scimErrorOf(t, h.scim(m, "Users/"+jane.ID, tok, body), http.StatusNotFound)
	}
	if n := len(h.emu.Users()); n != 0 {
		t.Errorf("%d users left", n)
	}
}

func ptr[T any](v T) *T { return &v }

func TestUserDefaults(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	var u wireUser
	scimOK(t, h.scim(http.MethodPost, "Users", tok, `{"userName": "min@example.com"}`), http.StatusCreated, &u)
	// Active defaults to true, the work email to the userName, the license
	// to dbt's default.
	if u.Active == nil || !*u.Active || len(u.Emails) != 1 || u.Emails[0] != (wireEmail{"min@example.com", "work", true}) ||
		u.DBT == nil || u.DBT.LicenseType != "developer" {
		t.Errorf("defaults = %+v", u)
	}
	// Booleans as strings, as Entra ID sends them.
	scimOK(t, h.scim(http.MethodPost, "Users", tok, `{"userName": "str@example.com", "active": "False", "emails": [{"value": "str@example.com", "type": "work", "primary": "True"}]}`), http.StatusCreated, &u)
	if *u.Active || !u.Emails[0].Primary {
		t.Errorf("string booleans = %+v", u)
	}
}

func TestUserValidation(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	scimOK(t, h.scim(http.MethodPost, "Users", tok, janeBody), http.StatusCreated, nil)

	cases := []struct {
		name, body string
		status     int
		scimType   string
	}{
		{"empty body", ``, 400, "invalidSyntax"},
		{"not json", `{"userName": `, 400, "invalidSyntax"},
		{"userName a number", `{"userName": 5}`, 400, "invalidSyntax"},
		{"no userName", `{"name": {"givenName": "X"}}`, 400, "invalidValue"},
		{"userName not an email", `{"userName": "jane"}`, 400, "invalidValue"},
		{"work email differs", `{"userName": "a@example.com", "emails": [{"value": "b@example.com", "type": "work"}]}`, 400, "invalidValue"},
		{"bad license", `{"userName": "a@example.com", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User": {"licenseType": "admin"}}`, 400, "invalidValue"},
		{"empty license", `{"userName": "a@example.com", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User": {"licenseType": ""}}`, 400, "invalidValue"},
		{"bad active", `{"userName": "a@example.com", "active": "maybe"}`, 400, "invalidSyntax"},
		{"duplicate userName", `{"userName": "jane@example.com"}`, 409, "uniqueness"},
		{"duplicate userName, other case", `{"userName": "JANE@Example.com", "emails": [{"value": "JANE@Example.com", "type": "work"}]}`, 409, "uniqueness"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			scimType, detail := scimErrorOf(t, h.scim(http.MethodPost, "Users", tok, c.body), c.status)
			if scimType != c.scimType {
				t.Errorf("scimType = %q, want %q (%s)", scimType, c.scimType, detail)
			}
		})
	}
	if n := len(h.emu.Users()); n != 1 {
		t.Errorf("rejected requests stored users: %d", n)
	}
	// A non-work address may differ from the userName.
	scimOK(t, h.scim(http.MethodPost, "Users", tok, `{"userName": "c@example.com", "emails": [{"value": "c@example.com", "type": "work", "primary": true}, {"value": "c@home.example", "type": "home"}]}`), http.StatusCreated, nil)
	// PUT enforces the same rules.
	jane, _ := h.emu.UserByUserName("jane@example.com")
	scimType, _ := scimErrorOf(t, h.scim(http.MethodPut, "Users/"+jane.ID, tok, `{"userName": "c@example.com"}`), http.StatusConflict)
	if scimType != "uniqueness" {
		t.Errorf("PUT onto another userName: scimType %q", scimType)
	}
	// Renaming a user to another case of its own name is no conflict.
	scimOK(t, h.scim(http.MethodPut, "Users/"+jane.ID, tok, `{"userName": "Jane@example.com"}`), http.StatusOK, nil)
}

func TestSCIMMethodsAndRoutes(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodDelete, "Users", 405},
		{http.MethodPut, "Groups", 405},
		{http.MethodPost, "Users/1001", 405},
		{http.MethodPost, "ServiceProviderConfig", 405},
		{http.MethodGet, "Users/1/x", 404},
		{http.MethodGet, "Nope", 404},
		{http.MethodGet, "", 404},
	} {
		r := h.scim(c.method, c.path, tok, nil)
		scimErrorOf(t, r, c.status)
		if c.status == 405 && r.Header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", c.method, c.path)
		}
	}
}

func TestDiscoveryEndpoints(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()

	var spc struct {
		Schemas []string `json:"schemas"`
		Patch   struct{ Supported bool }
		Bulk    struct{ Supported bool }
		Filter  struct {
			Supported  bool
			MaxResults int
		}
		Sort                  struct{ Supported bool }
		ETag                  struct{ Supported bool }
		ChangePassword        struct{ Supported bool }
		AuthenticationSchemes []struct{ Type string }
		Meta                  wireMeta
	}
	scimOK(t, h.scim(http.MethodGet, "ServiceProviderConfig", tok, nil), http.StatusOK, &spc)
	if !spc.Patch.Supported || !spc.Filter.Supported || spc.Filter.MaxResults != 1000 || spc.Bulk.Supported || spc.Sort.Supported ||
		len(spc.AuthenticationSchemes) != 1 || spc.AuthenticationSchemes[0].Type != "oauthbearertoken" ||
		spc.Schemas[0] != "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig" || spc.Meta.ResourceType != "ServiceProviderConfig" {
		t.Errorf("ServiceProviderConfig = %+v", spc)
	}

	var rts wireList[struct {
		ID, Name, Endpoint, Schema string
		SchemaExtensions           []struct {
			Schema   string
			Required bool
		}
	}]
	scimOK(t, h.scim(http.MethodGet, "ResourceTypes", tok, nil), http.StatusOK, &rts)
	if rts.TotalResults != 2 || rts.Resources[0].ID != "User" || rts.Resources[0].Endpoint != "/Users" ||
		rts.Resources[0].SchemaExtensions[0].Schema != "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User" ||
		rts.Resources[1].ID != "Group" {
		t.Errorf("ResourceTypes = %+v", rts)
	}
	var rt struct{ ID, Schema string }
	scimOK(t, h.scim(http.MethodGet, "ResourceTypes/Group", tok, nil), http.StatusOK, &rt)
	if rt.ID != "Group" || rt.Schema != "urn:ietf:params:scim:schemas:core:2.0:Group" {
		t.Errorf("ResourceTypes/Group = %+v", rt)
	}
	scimErrorOf(t, h.scim(http.MethodGet, "ResourceTypes/Device", tok, nil), http.StatusNotFound)

	var schemas wireList[struct {
		ID         string
		Attributes []struct {
			Name            string
			CanonicalValues []string
		}
	}]
	scimOK(t, h.scim(http.MethodGet, "Schemas", tok, nil), http.StatusOK, &schemas)
	ids := []string{}
	for _, s := range schemas.Resources {
		ids = append(ids, s.ID)
	}
	wantIDs := []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("Schemas ids = %v", ids)
	}
	if lt := schemas.Resources[1].Attributes[0]; lt.Name != "licenseType" || !reflect.DeepEqual(lt.CanonicalValues, []string{"developer", "read_only", "analyst", "it"}) {
		t.Errorf("licenseType attribute = %+v", lt)
	}
	var one struct{ ID string }
	scimOK(t, h.scim(http.MethodGet, "Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", tok, nil), http.StatusOK, &one)
	if one.ID != "urn:ietf:params:scim:schemas:core:2.0:Group" {
		t.Errorf("Schemas/Group = %+v", one)
	}
	scimErrorOf(t, h.scim(http.MethodGet, "Schemas/urn:nope", tok, nil), http.StatusNotFound)
}

// seedFixture is a small directory with known shapes for filter tests.
func seedFixture(t *testing.T, e *emulator.Emulator, clock *fakeClock) (ids map[string]string) {
	t.Helper()
	ids = map[string]string{}
	for _, u := range []emulator.User{
		{UserName: "alice@example.com", GivenName: "Alice", FamilyName: "Archer", ExternalID: "ext-A", Active: true, LicenseType: "developer",
			Emails: []emulator.Email{{Value: "alice@example.com", Type: "work", Primary: true}, {Value: "alice@home.example", Type: "home"}}},
		{UserName: "Bob@Example.com", GivenName: "Bob", FamilyName: "Baker", Active: false, LicenseType: "analyst"},
		{UserName: "carol@corp.example", GivenName: "Carol", Active: true, LicenseType: "it"},
		{UserName: `dave"quote@example.com`, FamilyName: "Dunn", Active: true, LicenseType: "read_only"},
	} {
		clock.Advance(time.Hour)
		got, err := e.CreateUserDirect(u)
		if err != nil {
			t.Fatal(err)
		}
		ids[strings.ToLower(strings.SplitN(u.UserName, "@", 2)[0])] = got.ID
	}
	g, err := e.CreateGroupDirect("Engineering", []string{ids["alice"], ids["bob"]})
	if err != nil {
		t.Fatal(err)
	}
	ids["engineering"] = g.ID
	g, err = e.CreateGroupDirect("Sales", []string{ids["carol"]})
	if err != nil {
		t.Fatal(err)
	}
	ids["sales"] = g.ID
	g, err = e.CreateGroupDirect("Empty", nil)
	if err != nil {
		t.Fatal(err)
	}
	ids["empty"] = g.ID
	return ids
}

func TestUserFilters(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)
	// Users were created at 04:04:05, 05:04:05, 06:04:05, 07:04:05 on 2026-01-02.
	cases := []struct {
		filter string
		want   []string
	}{
		{`userName eq "alice@example.com"`, []string{"alice"}},
		{`userName eq "ALICE@EXAMPLE.COM"`, []string{"alice"}},
		{`UserName Eq "bob@example.com"`, []string{"bob"}},
		{`userName eq "nobody@example.com"`, nil},
		{`userName ne "alice@example.com"`, []string{"bob", "carol", "dave\"quote"}},
		{`userName co "EXAMPLE"`, []string{"alice", "bob", "carol", "dave\"quote"}},
		{`userName co "@EXAMPLE"`, []string{"alice", "bob", "dave\"quote"}},
		{`userName sw "c"`, []string{"carol"}},
		{`userName ew ".example"`, []string{"carol"}},
		{`userName gt "c"`, []string{"carol", "dave\"quote"}},
		{`userName le "bob@example.com"`, []string{"alice", "bob"}},
		{`userName eq "dave\"quote@example.com"`, []string{"dave\"quote"}},
		{`externalId eq "ext-A"`, []string{"alice"}},
		{`externalId eq "EXT-A"`, nil}, // externalId is caseExact
		{`externalId pr`, []string{"alice"}},
		{`not (externalId pr)`, []string{"bob", "carol", "dave\"quote"}},
		{`name.givenName pr`, []string{"alice", "bob", "carol"}},
		{`name.familyName sw "b" or name.givenName eq "carol"`, []string{"bob", "carol"}},
		{`active eq true`, []string{"alice", "carol", "dave\"quote"}},
		{`active eq false`, []string{"bob"}},
		{`active eq "False"`, []string{"bob"}},
		{`active eq true and userName co "example.com"`, []string{"alice", "dave\"quote"}},
		{`active eq false or (userName sw "a" and name.familyName eq "archer")`, []string{"alice", "bob"}},
		{`emails[type eq "home"]`, []string{"alice"}},
		{`emails[type eq "work" and value co "corp"]`, []string{"carol"}},
		{`emails[type eq "work"].value eq "carol@corp.example"`, []string{"carol"}},
		{`emails[type eq "home"].value co "HOME"`, []string{"alice"}},
		{`emails[type eq "home"].value pr and active eq true`, []string{"alice"}},
		{`emails.value eq "alice@home.example"`, []string{"alice"}},
		{`emails co "home"`, []string{"alice"}},
		{`emails.primary eq true and emails.type eq "work"`, []string{"alice", "bob", "carol", "dave\"quote"}},
		{`urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User:licenseType eq "analyst"`, []string{"bob"}},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "alice"`, []string{"alice"}},
		{fmt.Sprintf(`groups.value eq %q`, ids["engineering"]), []string{"alice", "bob"}},
		{`groups[display eq "sales"]`, []string{"carol"}},
		{`groups pr`, []string{"alice", "bob", "carol"}},
		{fmt.Sprintf(`id eq %q`, ids["carol"]), []string{"carol"}},
		{`meta.created gt "2026-01-02T05:04:05Z"`, []string{"bob", "carol", "dave\"quote"}},
		{`meta.created gt "2026-01-02T05:04:05.678901Z"`, []string{"carol", "dave\"quote"}},
		{`meta.created le "2026-01-02T05:04:05.678901+00:00"`, []string{"alice", "bob"}},
		{`meta.resourceType eq "User"`, []string{"alice", "bob", "carol", "dave\"quote"}},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			var list wireList[wireUser]
			scimOK(t, h.scim(http.MethodGet, "Users"+q("filter", c.filter), tok, nil), http.StatusOK, &list)
			var got []string
			for _, u := range list.Resources {
				got = append(got, strings.ToLower(strings.SplitN(u.UserName, "@", 2)[0]))
			}
			if !reflect.DeepEqual(got, c.want) || list.TotalResults != len(c.want) || list.ItemsPerPage != len(c.want) {
				t.Errorf("got %v (total %d), want %v", got, list.TotalResults, c.want)
			}
		})
	}
}

func TestBadFilters(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	for _, f := range []string{
		`userName eq`,
		`userName eq "x" and`,
		`userName xx "x"`,
		`(userName eq "x"`,
		`nickName eq "x"`,
		`name.middleName eq "x"`,
		`urn:example:ext:1.0:User:foo eq "x"`,
		`active gt true`,
		`active co "t"`,
		`active eq "perhaps"`,
		`userName eq 5`,
		`meta.created gt "yesterday"`,
		`meta.created co "2026"`,
		`name eq "x"`,
		`emails[nope eq "x"]`,
		`userName[value eq "x"]`,
		`emails[type eq "work" or type eq "home"].value eq "x"`,
	} {
		t.Run(f, func(t *testing.T) {
			scimType, detail := scimErrorOf(t, h.scim(http.MethodGet, "Users"+q("filter", f), tok, nil), http.StatusBadRequest)
			if scimType != "invalidFilter" {
				t.Errorf("scimType = %q (%s)", scimType, detail)
			}
		})
	}
	scimType, _ := scimErrorOf(t, h.scim(http.MethodGet, "Groups"+q("filter", `userName eq "x"`), tok, nil), http.StatusBadRequest)
	if scimType != "invalidFilter" {
		t.Errorf("user attribute on groups: scimType %q", scimType)
	}
}

func TestPaging(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	seed, err := h.emu.Seed(250, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	page := func(query string) (wireList[wireUser], []string) {
		t.Helper()
		var l wireList[wireUser]
		scimOK(t, h.scim(http.MethodGet, "Users"+query, tok, nil), http.StatusOK, &l)
		var got []string
		for _, u := range l.Resources {
			got = append(got, u.ID)
		}
		return l, got
	}
	cases := []struct {
		query              string
		start, items, from int // from: index into seed.UserIDs of the first result
	}{
		{"", 1, 100, 0},
		{q("startIndex", "1", "count", "10"), 1, 10, 0},
		{q("startIndex", "11", "count", "10"), 11, 10, 10},
		{q("startIndex", "245", "count", "10"), 245, 6, 244},
		{q("startIndex", "251"), 251, 0, 250},
		{q("startIndex", "0", "count", "3"), 1, 3, 0},
		{q("startIndex", "-5", "count", "3"), 1, 3, 0},
		{q("count", "5000"), 1, 250, 0},
		{q("count", "-1"), 1, 0, 0},
		{q("count", "0"), 1, 0, 0},
		{q("filter", `userName sw "seed-user-1"`, "startIndex", "2", "count", "5"), 2, 5, -1},
	}
	for _, c := range cases {
		l, got := page(c.query)
		wantTotal := 250
		if c.from < 0 {
			wantTotal = 1 + 10 + 100 + 1 // seed-user-1, -10..19, -100..199, nothing else below 250 ... plus
		}
		if l.StartIndex != c.start || l.ItemsPerPage != c.items || len(got) != c.items || l.Resources == nil {
			t.Errorf("%s: startIndex %d itemsPerPage %d resources %d (nil=%v)", c.query, l.StartIndex, l.ItemsPerPage, len(got), l.Resources == nil)
		}
		if c.from >= 0 {
			if l.TotalResults != wantTotal || !reflect.DeepEqual(got, seed.UserIDs[c.from:c.from+c.items]) && c.items > 0 {
				t.Errorf("%s: total %d, ids %v", c.query, l.TotalResults, got)
			}
		}
		if !slices.Equal(l.Schemas, []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"}) {
			t.Errorf("schemas = %v", l.Schemas)
		}
	}
	// A filtered page is in creation order too, and totalResults counts
	// every match, not the page.
	l, got := page(q("filter", `userName sw "seed-user-1"`, "startIndex", "2", "count", "5"))
	// seed-user-1, 10..19, 100..199: 111 matches in creation order.
	wantIDs := []string{seed.UserIDs[9], seed.UserIDs[10], seed.UserIDs[11], seed.UserIDs[12], seed.UserIDs[13]}
	if l.TotalResults != 111 || !reflect.DeepEqual(got, wantIDs) {
		t.Errorf("filtered page: total %d ids %v, want 111 %v", l.TotalResults, got, wantIDs)
	}
	// count=0 answers only totalResults.
	r := h.scim(http.MethodGet, "Users"+q("count", "0"), tok, nil)
	if !strings.Contains(string(r.Body), `"totalResults":250`) || !strings.Contains(string(r.Body), `"Resources":[]`) {
		t.Errorf("count=0: %s", r.Body)
	}
	for _, bad := range []string{q("startIndex", "x"), q("count", "1.5")} {
		scimErrorOf(t, h.scim(http.MethodGet, "Users"+bad, tok, nil), http.StatusBadRequest)
	}
	// dbt keeps a deleted user's record: the plain listing (Okta's Import
	// Users) still has it, in its place; a filter leaves it out.
	h.emu.DeleteUserDirect(seed.UserIDs[0])
	h.emu.DeleteUserDirect(seed.UserIDs[2])
	l, got = page(q("count", "3"))
	if l.TotalResults != 250 || !reflect.DeepEqual(got, []string{seed.UserIDs[0], seed.UserIDs[1], seed.UserIDs[2]}) {
		t.Errorf("after deletes: total %d ids %v", l.TotalResults, got)
	}
	l, got = page(q("filter", `userName sw "seed-user-"`, "count", "3"))
	if l.TotalResults != 248 || !reflect.DeepEqual(got, []string{seed.UserIDs[1], seed.UserIDs[3], seed.UserIDs[4]}) {
		t.Errorf("filtered, after deletes: total %d ids %v", l.TotalResults, got)
	}
}

func TestAttributeProjection(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	ids := seedFixture(t, h.emu, h.clock)

	cases := []struct {
		query string
		keys  []string
	}{
		{q("attributes", "id,userName"), []string{"id", "schemas", "userName"}},
		{q("attributes", "USERNAME"), []string{"id", "schemas", "userName"}},
		{q("attributes", "name.givenName"), []string{"id", "name", "schemas"}},
		{q("attributes", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User:licenseType"), []string{"id", "schemas", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"}},
		{q("attributes", "urn:ietf:params:scim:schemas:core:2.0:User:active"), []string{"active", "id", "schemas"}},
		{q("excludedAttributes", "emails,groups,meta"), []string{"active", "externalId", "id", "name", "schemas", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User", "userName"}},
		{q("excludedAttributes", "id,schemas,urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"), []string{"active", "emails", "externalId", "groups", "id", "meta", "name", "schemas", "userName"}},
	}
	for _, c := range cases {
		r := h.scim(http.MethodGet, "Users/"+ids["alice"]+c.query, tok, nil)
		scimOK(t, r, http.StatusOK, nil)
		if got := rawKeys(t, r.Body); !reflect.DeepEqual(got, c.keys) {
			t.Errorf("%s: keys %v, want %v", c.query, got, c.keys)
		}
	}
	r := h.scim(http.MethodGet, "Users/"+ids["alice"]+q("attributes", "name.givenName"), tok, nil)
	if !strings.Contains(string(r.Body), `"name":{"givenName":"Alice"}`) {
		t.Errorf("sub-attribute projection: %s", r.Body)
	}
	// Lists project every resource.
	var l wireList[map[string]any]
	scimOK(t, h.scim(http.MethodGet, "Users"+q("attributes", "id,userName"), tok, nil), http.StatusOK, &l)
	for _, u := range l.Resources {
		if len(u) != 3 {
			t.Errorf("projected list item = %v", u)
		}
	}
}

// A lower MaxPageSize caps every page whatever count asks, and is what
// ServiceProviderConfig advertises.
func TestMaxPageSize(t *testing.T) {
	h := start(t, emulator.Config{MaxPageSize: 40})
	tok := h.enableSCIM()
	if _, err := h.emu.Seed(100, 0, 0); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]int{"": 40, q("count", "1000"): 40, q("count", "25"): 25, q("startIndex", "81", "count", "1000"): 20} {
		var l wireList[wireUser]
		scimOK(t, h.scim(http.MethodGet, "Users"+query, tok, nil), http.StatusOK, &l)
		if l.ItemsPerPage != want || len(l.Resources) != want || l.TotalResults != 100 {
			t.Errorf("%q: itemsPerPage %d, %d resources, total %d; want %d of 100", query, l.ItemsPerPage, len(l.Resources), l.TotalResults, want)
		}
	}
	var spc struct{ Filter struct{ MaxResults int } }
	scimOK(t, h.scim(http.MethodGet, "ServiceProviderConfig", tok, nil), http.StatusOK, &spc)
	if spc.Filter.MaxResults != 40 {
		t.Errorf("filter.maxResults = %d, want 40", spc.Filter.MaxResults)
	}
}

// dbt's license rules: a licenseType sent over SCIM counts only while SCIM
// controls license types, and Analyst licenses exist on select plans only.
func TestUserLicensePolicy(t *testing.T) {
	h := start(t, emulator.Config{NoAnalystLicenses: true})
	tok := h.enableSCIM()
	withLicense := func(userName, license string) string {
		return `{"userName": "` + userName + `", "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User": {"licenseType": "` + license + `"}}`
	}
	license := func(userName string) string {
		for _, u := range h.emu.Users() {
			if u.UserName == userName {
				return u.LicenseType
			}
		}
		t.Fatalf("no user %s", userName)
		return ""
	}

	// SCIM controls licenses: the licenseType sent is stored; analyst is refused.
	scimOK(t, h.scim(http.MethodPost, "Users", tok, withLicense("a@example.com", "read_only")), http.StatusCreated, nil)
	if got := license("a@example.com"); got != "read_only" {
		t.Fatalf("license %q, want read_only", got)
	}
	if scimType, detail := scimErrorOf(t, h.scim(http.MethodPost, "Users", tok, withLicense("b@example.com", "analyst")), 400); scimType != "invalidValue" || !strings.Contains(detail, "analyst") {
		t.Fatalf("analyst on a plan without it: %s %s", scimType, detail)
	}

	// SCIM does not control licenses: what is sent is ignored, on create and on update.
	h.emu.SetSCIMConfig(emulator.SCIMConfig{Enabled: true})
	scimOK(t, h.scim(http.MethodPost, "Users", tok, withLicense("c@example.com", "it")), http.StatusCreated, nil)
	if got := license("c@example.com"); got != "developer" {
		t.Fatalf("license %q, want the default, developer: SCIM does not control licenses", got)
	}
	var id string
	for _, u := range h.emu.Users() {
		if u.UserName == "a@example.com" {
			id = u.ID
		}
	}
	patch := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User:licenseType","value":"it"}]}`
	scimOK(t, h.scim(http.MethodPatch, "Users/"+id, tok, patch), http.StatusOK, nil)
	if got := license("a@example.com"); got != "read_only" {
		t.Fatalf("license %q after a PATCH, want read_only kept", got)
	}
	// An invalid value is refused either way.
	if scimType, _ := scimErrorOf(t, h.scim(http.MethodPost, "Users", tok, withLicense("d@example.com", "admin")), 400); scimType != "invalidValue" {
		t.Fatalf("licenseType admin: %s", scimType)
	}
}
