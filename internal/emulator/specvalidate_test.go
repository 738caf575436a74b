// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const specBase = "/api/v3/accounts/1"

// checkSpec judges requests by dbt's spec: what Okta and Entra ID send
// (and the provider sends) passes; the shapes the spec refuses do not.
func TestCheckSpec(t *testing.T) {
	user := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.io",` +
		`"name":{"givenName":"A","familyName":"B"},"emails":[{"primary":true,"value":"a@x.io","type":"work"}],"active":true}`
	tests := []struct {
		name, method, path, body string
		refused                  string // "" = accepted; else a piece of the problem
	}{
		{"Okta's user create", "POST", "/scim/v2/Users", user, ""},
		{"user create without name", "POST", "/scim/v2/Users",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.io","emails":[{"value":"a@x.io"}],"active":true}`, "name"},
		{"user create without emails", "POST", "/scim/v2/Users",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.io","name":{},"active":true}`, "emails"},
		{"Okta's deactivation", "PATCH", "/scim/v2/Users/1001",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`, ""},
		{"Entra's string replace", "PATCH", "/scim/v2/Users/1001",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"name.givenName","value":"Ada"}]}`, ""},
		{"active as a bare boolean value", "PATCH", "/scim/v2/Users/1001",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`, "value"},
		{"user remove without a value", "PATCH", "/scim/v2/Users/1001",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"externalId"}]}`, "value"},
		{"group create without members", "POST", "/scim/v2/Groups",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Analysts"}`, ""},
		{"group member with display", "POST", "/scim/v2/Groups",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"A","members":[{"value":"1001","display":"a@x.io"}]}`, ""},
		{"group member without display", "POST", "/scim/v2/Groups",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"A","members":[{"value":"1001"}]}`, "display"},
		{"Okta's member add", "PATCH", "/scim/v2/Groups/900001",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"1001","display":"a@x.io"}]}]}`, ""},
		{"member added by PATCH without display", "PATCH", "/scim/v2/Groups/900001",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"1001"}]}]}`, "display"},
		{"members replaced without a path, without display", "PATCH", "/scim/v2/Groups/900001",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"members":[{"value":"1001"}]}}]}`, "GroupMemberComponent"},
		{"member removed by filter", "PATCH", "/scim/v2/Groups/900001",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"1001\"]"}]}`, ""},
		{"PATCH with excludedAttributes", "PATCH", "/scim/v2/Groups/900001?excludedAttributes=members",
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"B"}]}`, "query"},
		{"DELETE with a query", "DELETE", "/scim/v2/Users/1001?force=1", ``, "query"},
		{"token create", "POST", "/scim-config/tokens/", `{"name":"okta"}`, ""},
		{"token create with an extra property", "POST", "/scim-config/tokens/", `{"name":"okta","expires":"never"}`, "expires"},
		{"SCIM settings", "POST", "/scim-config/", `{"enabled":true,"manual_updates_allowed":false,"scim_controlled_license_type":false}`, ""},
		{"SCIM settings without a slash", "POST", "/scim-config", `{"enabled":true}`, "manual_updates_allowed"},
		{"admin write as scim+json", "POST", "/scim-config/tokens/", `{"name":"okta"}`, "Content-Type"},
		{"reads are not checked", "GET", "/scim/v2/Users?filter=userName%20eq%20%22a%22&count=5", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, specBase+tt.path, strings.NewReader(tt.body))
			ct := "application/scim+json"
			if strings.HasPrefix(tt.path, "/scim-config") && !strings.Contains(tt.name, "scim+json") {
				ct = "application/json" // the only type the admin API's spec lists
			}
			r.Header.Set("Content-Type", ct)
			got := checkSpec(r, []byte(tt.body))
			switch {
			case tt.refused == "" && got != "":
				t.Fatalf("refused: %s", got)
			case tt.refused != "" && !strings.Contains(got, tt.refused):
				t.Fatalf("problem %q, want it to mention %q", got, tt.refused)
			}
		})
	}
}

// SpecEnforce answers 400 before anything else happens; SpecRecord serves
// the request; both record it; SpecOff does neither.
func TestSpecModes(t *testing.T) {
	bad := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.io","active":true}`
	for _, mode := range []SpecMode{SpecOff, SpecRecord, SpecEnforce} {
		e := New(Config{Spec: mode})
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", specBase+"/scim/v2/Users", strings.NewReader(bad))
		r.Header.Set("Content-Type", "application/scim+json")
		e.ServeHTTP(w, r)
		violations := e.SpecViolations()
		switch mode {
		case SpecOff:
			if len(violations) != 0 || w.Code == http.StatusBadRequest {
				t.Errorf("off: %d violations, status %d", len(violations), w.Code)
			}
		case SpecRecord:
			if len(violations) != 1 || w.Code == http.StatusBadRequest {
				t.Errorf("record: %d violations, status %d", len(violations), w.Code)
			}
		case SpecEnforce:
			if len(violations) != 1 || w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "dbt's API spec") {
				t.Errorf("enforce: %d violations, status %d, body %s", len(violations), w.Code, w.Body)
			}
		}
	}
}

// Answers are held to dbt's spec too: a SCIM resource as the envelope's
// data, a list's resources as the data of the spec's list, admin answers
// whole. Projections and discovery documents are not checked.
func TestCheckSpecResponse(t *testing.T) {
	user := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1001","userName":"a@x.io",` +
		`"name":{"givenName":"A","familyName":"B"},"emails":[{"value":"a@x.io","type":"work","primary":true}],"active":true,` +
		`"meta":{"resourceType":"User","created":"2026-01-01T00:00:00Z","lastModified":"2026-01-01T00:00:00Z","location":"x"}}`
	tests := []struct {
		name, method, path, body string
		status                   int
		refused                  string
	}{
		{"a user", "GET", "/scim/v2/Users/1001", user, 200, ""},
		{"a created user, 201", "POST", "/scim/v2/Users", user, 201, ""},
		{"a user without meta", "GET", "/scim/v2/Users/1001", strings.Replace(user, `,"meta":{"resourceType":"User","created":"2026-01-01T00:00:00Z","lastModified":"2026-01-01T00:00:00Z","location":"x"}`, "", 1), 200, "meta"},
		{"a list", "GET", "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[` + user + `]}`, 200, ""},
		{"an empty list", "GET", "/scim/v2/Users?filter=userName%20eq%20%22b%40x.io%22", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`, 200, ""},
		{"a list of a user without meta", "GET", "/scim/v2/Users", `{"totalResults":1,"Resources":[` + strings.Replace(user, `,"meta":{"resourceType":"User","created":"2026-01-01T00:00:00Z","lastModified":"2026-01-01T00:00:00Z","location":"x"}`, "", 1) + `]}`, 200, "meta"},
		{"a list that is not a ListResponse", "GET", "/scim/v2/Groups", `[]`, 200, "ListResponse"},
		{"a discovery document is not checked", "GET", "/scim/v2/ServiceProviderConfig", `{"patch":{"supported":true}}`, 200, ""},
		{"a projection is not checked", "GET", "/scim/v2/Users/1001?attributes=id", `{"id":"1001"}`, 200, ""},
		{"a token", "GET", "/scim-config/tokens/1/", `{"data":{"id":1,"name":"okta","created_at":"2026-01-01T00:00:00Z"}}`, 200, ""},
		{"a token with a null last_used", "GET", "/scim-config/tokens/1/", `{"data":{"id":1,"name":"okta","created_at":"2026-01-01T00:00:00Z","last_used":null}}`, 200, "last_used"},
		{"an error is not checked", "GET", "/scim/v2/Users/1001", `{"detail":"no"}`, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, specBase+tt.path, nil)
			h := http.Header{"Content-Type": {"application/scim+json"}}
			if strings.HasPrefix(tt.path, "/scim-config") {
				h.Set("Content-Type", "application/json")
			}
			got := checkSpecResponse(r, tt.status, h, []byte(tt.body))
			switch {
			case tt.refused == "" && got != "":
				t.Fatalf("refused: %s", got)
			case tt.refused != "" && !strings.Contains(got, tt.refused):
				t.Fatalf("problem %q, want it to mention %q", got, tt.refused)
			}
		})
	}
}
