// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

type scimConfigWire struct {
	Enabled                   bool `json:"enabled"`
	ManualUpdatesAllowed      bool `json:"manual_updates_allowed"`
	SCIMControlledLicenseType bool `json:"scim_controlled_license_type"`
}

func TestSCIMConfigStartsDisabled(t *testing.T) {
	h := start(t, emulator.Config{})
	r := h.admin(http.MethodGet, "scim-config/", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", r.Status, r.Body)
	}
	data, _, _ := envelopeOf(t, r)
	// All three keys must be present, not just decode to false.
	var raw map[string]any
	mustJSON(t, data, &raw)
	want := map[string]any{"enabled": false, "manual_updates_allowed": false, "scim_controlled_license_type": false}
	if !reflect.DeepEqual(raw, want) {
		t.Errorf("data = %v, want %v", raw, want)
	}
}

func TestSCIMConfigUpsert(t *testing.T) {
	h := start(t, emulator.Config{})

	r := h.admin(http.MethodPost, "scim-config/", map[string]any{"enabled": true, "manual_updates_allowed": true, "scim_controlled_license_type": true})
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", r.Status, r.Body)
	}
	data, _, _ := envelopeOf(t, r)
	var got scimConfigWire
	mustJSON(t, data, &got)
	if got != (scimConfigWire{true, true, true}) {
		t.Errorf("response data = %+v", got)
	}
	if c := h.emu.SCIMConfig(); c != (emulator.SCIMConfig{Enabled: true, ManualUpdatesAllowed: true, SCIMControlledLicenseType: true}) {
		t.Errorf("stored = %+v", c)
	}

	// Omitting the optional field keeps its value: POST is an upsert of what is sent.
	r = h.admin(http.MethodPost, "scim-config", map[string]any{"enabled": false, "manual_updates_allowed": true})
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", r.Status, r.Body)
	}
	if c := h.emu.SCIMConfig(); c != (emulator.SCIMConfig{Enabled: false, ManualUpdatesAllowed: true, SCIMControlledLicenseType: true}) {
		t.Errorf("stored after partial upsert = %+v", c)
	}

	// An out-of-band change (dbt's UI) shows in the next GET.
	h.emu.SetSCIMConfig(emulator.SCIMConfig{Enabled: true})
	data, _, _ = envelopeOf(t, h.admin(http.MethodGet, "scim-config", nil))
	mustJSON(t, data, &got)
	if got != (scimConfigWire{Enabled: true}) {
		t.Errorf("GET after SetSCIMConfig = %+v", got)
	}
}

func TestSCIMConfigRejectsBadBodies(t *testing.T) {
	cases := map[string]string{
		"empty":                   ``,
		"not json":                `{enabled: true`,
		"array":                   `[true]`,
		"missing enabled":         `{"manual_updates_allowed": true}`,
		"missing manual":          `{"enabled": true}`,
		"null enabled":            `{"enabled": null, "manual_updates_allowed": true}`,
		"string enabled":          `{"enabled": "true", "manual_updates_allowed": true}`,
		"number manual":           `{"enabled": true, "manual_updates_allowed": 1}`,
		"string license type":     `{"enabled": true, "manual_updates_allowed": true, "scim_controlled_license_type": "yes"}`,
		"unknown field":           `{"enabled": true, "manual_updates_allowed": true, "sso": true}`,
		"misspelled field (typo)": `{"enabled": true, "manual_update_allowed": true}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			h := start(t, emulator.Config{})
			r := h.admin(http.MethodPost, "scim-config/", body)
			if r.Status != http.StatusBadRequest {
				t.Fatalf("HTTP %d, want 400: %s", r.Status, r.Body)
			}
			data, status, _ := envelopeOf(t, r)
			if string(data) != "null" {
				t.Errorf("error data = %s, want null", data)
			}
			t.Logf("user_message: %v", status["user_message"])
			if c := h.emu.SCIMConfig(); c != (emulator.SCIMConfig{}) {
				t.Errorf("a rejected request changed state: %+v", c)
			}
		})
	}
}

func TestSCIMConfigUnknownFieldIsNamed(t *testing.T) {
	h := start(t, emulator.Config{})
	r := h.admin(http.MethodPost, "scim-config/", `{"enabled": true, "manual_updates_allowed": true, "sso": true}`)
	_, status, _ := envelopeOf(t, r)
	if msg, _ := status["user_message"].(string); !strings.Contains(msg, "sso") {
		t.Errorf("user_message %q does not name the unknown field", msg)
	}
}

func TestAdminAuthentication(t *testing.T) {
	cases := []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Token wrong", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Basic " + emulator.DefaultAdminToken, http.StatusUnauthorized},
		{emulator.DefaultAdminToken, http.StatusUnauthorized},
		{"Token " + emulator.DefaultAdminToken, http.StatusOK},
		{"Bearer " + emulator.DefaultAdminToken, http.StatusOK},
		{"token " + emulator.DefaultAdminToken, http.StatusOK},
	}
	h := start(t, emulator.Config{})
	for _, c := range cases {
		for _, path := range []string{"scim-config/", "scim-config/tokens/", "scim-config/tokens/1/"} {
			r := h.do(http.MethodGet, "/api/v3/accounts/1/"+path, c.auth, nil)
			want := c.want
			if want == http.StatusOK && strings.HasSuffix(path, "/1/") {
				want = http.StatusNotFound // authenticated, but no token 1 exists
			}
			if r.Status != want {
				t.Errorf("%s with %q: HTTP %d, want %d", path, c.auth, r.Status, want)
			}
			envelopeOf(t, r)
		}
	}
}

func TestAdminTokenIsConfigurable(t *testing.T) {
	h := start(t, emulator.Config{AdminToken: "s3cret", AccountID: 42})
	if r := h.do(http.MethodGet, "/api/v3/accounts/42/scim-config/", "Token s3cret", nil); r.Status != http.StatusOK {
		t.Errorf("custom token and account: HTTP %d: %s", r.Status, r.Body)
	}
	if r := h.do(http.MethodGet, "/api/v3/accounts/42/scim-config/", adminAuth, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("default token on custom emulator: HTTP %d", r.Status)
	}
}

func TestAdminNotFoundAndMethodNotAllowed(t *testing.T) {
	h := start(t, emulator.Config{})
	cases := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/api/v3/accounts/2/scim-config/", http.StatusNotFound},
		{http.MethodGet, "/api/v3/accounts/abc/scim-config/", http.StatusNotFound},
		{http.MethodGet, "/api/v3/accounts/1/scim-config/tokens/abc/", http.StatusNotFound},
		{http.MethodGet, "/api/v3/accounts/1/scim-config/nope/", http.StatusNotFound},
		{http.MethodGet, "/api/v2/accounts/1/", http.StatusNotFound},
		{http.MethodPut, "/api/v3/accounts/1/scim-config/", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/api/v3/accounts/1/scim-config/", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/api/v3/accounts/1/scim-config/tokens/", http.StatusMethodNotAllowed},
		{http.MethodPatch, "/api/v3/accounts/1/scim-config/tokens/1/", http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		r := h.do(c.method, c.path, adminAuth, nil)
		if r.Status != c.want {
			t.Errorf("%s %s: HTTP %d, want %d: %s", c.method, c.path, r.Status, c.want, r.Body)
			continue
		}
		envelopeOf(t, r)
		if c.want == http.StatusMethodNotAllowed && r.Header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", c.method, c.path)
		}
	}
}

type tokenWire struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	CreatedAt   string  `json:"created_at"`
	LastUsed    *string `json:"last_used"`
	TokenString string  `json:"token_string"`
}

var tokenValueRE = regexp.MustCompile(`^dbtc_scim_[A-Za-z0-9_-]{40}$`)

func TestTokenLifecycle(t *testing.T) {
	h := start(t, emulator.Config{})

	r := h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": "okta"})
	if r.Status != http.StatusOK {
		t.Fatalf("create: HTTP %d: %s", r.Status, r.Body)
	}
	data, _, _ := envelopeOf(t, r)
	var created tokenWire
	mustJSON(t, data, &created)
	if created.ID != 1 || created.Name != "okta" || created.LastUsed != nil {
		t.Errorf("created = %+v", created)
	}
	if !tokenValueRE.MatchString(created.TokenString) {
		t.Errorf("token_string %q does not look like a SCIM token", created.TokenString)
	}
	if want := "2026-01-02T03:04:05.678901+00:00"; created.CreatedAt != want {
		t.Errorf("created_at = %q, want %q (from the injected clock)", created.CreatedAt, want)
	}
	var rawCreated map[string]any
	mustJSON(t, data, &rawCreated)
	// dbt's spec draws last_used as a date-time that is not nullable, so a
	// token never used has none (dbt's own provider reads it as optional).
	if v, ok := rawCreated["last_used"]; ok {
		t.Errorf("last_used = %v before first use, want it left out: %s", v, data)
	}

	// Ids increase and are never reused.
	r = h.admin(http.MethodPost, "scim-config/tokens", map[string]string{"name": "entra"})
	data, _, _ = envelopeOf(t, r)
	var second tokenWire
	mustJSON(t, data, &second)
	if second.ID != 2 || second.TokenString == created.TokenString {
		t.Errorf("second token = %+v", second)
	}

	// List and GET never reveal the value.
	r = h.admin(http.MethodGet, "scim-config/tokens/", nil)
	data, _, extra := envelopeOf(t, r)
	if strings.Contains(string(r.Body), "token_string") || strings.Contains(string(r.Body), created.TokenString) {
		t.Errorf("list reveals token values: %s", r.Body)
	}
	var list []tokenWire
	mustJSON(t, data, &list)
	if len(list) != 2 || list[0].ID != 1 || list[1].ID != 2 {
		t.Errorf("list = %+v", list)
	}
	pag, _ := extra["pagination"].(map[string]any)
	if pag["count"] != float64(2) || pag["total_count"] != float64(2) {
		t.Errorf("extra.pagination = %v", extra["pagination"])
	}
	if _, ok := extra["filters"]; !ok {
		t.Errorf("extra lacks filters: %v", extra)
	}
	if _, ok := extra["order_by"]; !ok {
		t.Errorf("extra lacks order_by: %v", extra)
	}

	for _, p := range []string{"scim-config/tokens/1/", "scim-config/tokens/1"} {
		r = h.admin(http.MethodGet, p, nil)
		if r.Status != http.StatusOK || strings.Contains(string(r.Body), "token_string") {
			t.Errorf("GET %s: HTTP %d: %s", p, r.Status, r.Body)
		}
		data, _, _ = envelopeOf(t, r)
		var got tokenWire
		mustJSON(t, data, &got)
		if got.ID != 1 || got.Name != "okta" || got.CreatedAt != created.CreatedAt {
			t.Errorf("GET %s = %+v", p, got)
		}
	}

	// DELETE answers 204 with no body, then the token is gone.
	r = h.admin(http.MethodDelete, "scim-config/tokens/1/", nil)
	if r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Errorf("DELETE: HTTP %d body %q", r.Status, r.Body)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		r = h.admin(m, "scim-config/tokens/1", nil)
		if r.Status != http.StatusNotFound {
			t.Errorf("%s deleted token: HTTP %d", m, r.Status)
		}
		envelopeOf(t, r)
	}
	if toks := h.emu.Tokens(); len(toks) != 1 || toks[0].ID != 2 {
		t.Errorf("Tokens() = %+v", toks)
	}

	// A new token does not reuse the deleted id.
	r = h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": "third"})
	data, _, _ = envelopeOf(t, r)
	var third tokenWire
	mustJSON(t, data, &third)
	if third.ID != 3 {
		t.Errorf("third id = %d, want 3", third.ID)
	}
}

func TestTokenNameValidation(t *testing.T) {
	cases := map[string]struct {
		body string
		want int
	}{
		"missing":     {`{}`, http.StatusBadRequest},
		"null":        {`{"name": null}`, http.StatusBadRequest},
		"empty":       {`{"name": ""}`, http.StatusBadRequest},
		"number":      {`{"name": 7}`, http.StatusBadRequest},
		"too long":    {fmt.Sprintf(`{"name": %q}`, strings.Repeat("a", 256)), http.StatusBadRequest},
		"extra field": {`{"name": "x", "expires": 3}`, http.StatusBadRequest},
		"not json":    {`name=x`, http.StatusBadRequest},
		"max length":  {fmt.Sprintf(`{"name": %q}`, strings.Repeat("é", 255)), http.StatusOK},
		"single char": {`{"name": "x"}`, http.StatusOK},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h := start(t, emulator.Config{})
			r := h.admin(http.MethodPost, "scim-config/tokens/", c.body)
			if r.Status != c.want {
				t.Fatalf("HTTP %d, want %d: %s", r.Status, c.want, r.Body)
			}
			envelopeOf(t, r)
			wantTokens := 0
			if c.want == http.StatusOK {
				wantTokens = 1
			}
			if n := len(h.emu.Tokens()); n != wantTokens {
				t.Errorf("%d tokens stored, want %d", n, wantTokens)
			}
		})
	}
}

func TestTokensAreStoredOnlyAsHashes(t *testing.T) {
	h := start(t, emulator.Config{})
	r := h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": "okta"})
	data, _, _ := envelopeOf(t, r)
	var created tokenWire
	mustJSON(t, data, &created)
	_, direct := h.emu.CreateToken("direct")

	for _, value := range []string{created.TokenString, direct} {
		sum := sha256.Sum256([]byte(value))
		if path := findString(reflect.ValueOf(h.emu), value, "Emulator", map[uintptr]bool{}); path != "" {
			t.Errorf("plaintext token value found in the store at %s", path)
		}
		if !h.emu.TokenValid(value) {
			t.Errorf("TokenValid(minted value) = false")
		}
		found := false
		for _, tok := range h.emu.Tokens() {
			if tok.Hash == hex.EncodeToString(sum[:]) {
				found = true
			}
		}
		if !found {
			t.Errorf("no stored token has the SHA-256 of the value")
		}
	}
	if h.emu.TokenValid("dbtc_scim_" + strings.Repeat("x", 40)) {
		t.Error("TokenValid accepted a value never minted")
	}
	h.emu.DeleteToken(1)
	if h.emu.TokenValid(created.TokenString) {
		t.Error("TokenValid accepted a deleted token")
	}
}

// findString walks every reachable value (unexported fields included) and
// returns the path of the first string containing needle.
func findString(v reflect.Value, needle, path string, seen map[uintptr]bool) string {
	switch v.Kind() {
	case reflect.String:
		if strings.Contains(v.String(), needle) {
			return path
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.Pointer()] {
				return ""
			}
			seen[v.Pointer()] = true
		}
		return findString(v.Elem(), needle, path, seen)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if p := findString(v.Field(i), needle, path+"."+v.Type().Field(i).Name, seen); p != "" {
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if p := findString(v.Index(i), needle, fmt.Sprintf("%s[%d]", path, i), seen); p != "" {
				return p
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if p := findString(it.Key(), needle, path+"{key}", seen); p != "" {
				return p
			}
			if p := findString(it.Value(), needle, fmt.Sprintf("%s[%v]", path, it.Key()), seen); p != "" {
				return p
			}
		}
	}
	return ""
}

func TestTeamPlanRefusesSCIM(t *testing.T) {
	check := func(t *testing.T, h *harness, token string) {
		t.Helper()
		for _, c := range []struct{ method, path string }{
			{http.MethodGet, "scim-config/"},
			{http.MethodPost, "scim-config/"},
			{http.MethodGet, "scim-config/tokens/"},
			{http.MethodPost, "scim-config/tokens/"},
			{http.MethodGet, "scim-config/tokens/1/"},
			{http.MethodDelete, "scim-config/tokens/1/"},
		} {
			r := h.admin(c.method, c.path, `{"name": "x", "enabled": true, "manual_updates_allowed": true}`)
			if r.Status != http.StatusForbidden {
				t.Errorf("%s %s on team plan: HTTP %d", c.method, c.path, r.Status)
				continue
			}
			_, status, _ := envelopeOf(t, r)
			if msg, _ := status["user_message"].(string); !strings.Contains(msg, "Enterprise") {
				t.Errorf("user_message %q does not mention the Enterprise plan", msg)
			}
		}
		for _, auth := range []string{token, ""} {
			_, detail := scimErrorOf(t, h.scim(http.MethodGet, "ServiceProviderConfig", auth, nil), http.StatusForbidden)
			if !strings.Contains(detail, "Enterprise") {
				t.Errorf("SCIM detail %q does not mention the Enterprise plan", detail)
			}
		}
		if n := len(h.emu.Tokens()); n != 1 {
			t.Errorf("team plan minted or deleted tokens: %d left", n)
		}
	}

	t.Run("configured", func(t *testing.T) {
		h := start(t, emulator.Config{Plan: emulator.PlanTeam})
		_, tok := h.emu.CreateToken("before")
		check(t, h, tok)
	})
	t.Run("downgraded", func(t *testing.T) {
		h := start(t, emulator.Config{})
		tok := h.enableSCIM()
		if r := h.scim(http.MethodGet, "ServiceProviderConfig", tok, nil); r.Status != http.StatusOK {
			t.Fatalf("enterprise: HTTP %d", r.Status)
		}
		h.emu.SetPlan(emulator.PlanTeam)
		check(t, h, tok)
		h.emu.SetPlan(emulator.PlanEnterprise)
		if r := h.scim(http.MethodGet, "ServiceProviderConfig", tok, nil); r.Status != http.StatusOK {
			t.Errorf("upgraded again: HTTP %d", r.Status)
		}
	})
}

func TestSCIMAuthenticationAndLastUsed(t *testing.T) {
	h := start(t, emulator.Config{})
	_, tok := h.emu.CreateToken("idp")
	_, other := h.emu.CreateToken("unused")

	// Wrong credentials: 401 with a SCIM error body, whatever SCIM's state.
	for _, auth := range []string{"", "Bearer nope", "Token " + tok, "Bearer " + emulator.DefaultAdminToken, "Token " + emulator.DefaultAdminToken} {
		r := h.do(http.MethodGet, "/api/v3/accounts/1/scim/v2/ServiceProviderConfig", auth, nil)
		scimErrorOf(t, r, http.StatusUnauthorized)
		if ct := r.Header.Get("Content-Type"); ct != "application/scim+json" {
			t.Errorf("Content-Type = %q", ct)
		}
	}

	// A good token while SCIM is disabled: 403 saying so, and not a "use".
	_, detail := scimErrorOf(t, h.scim(http.MethodGet, "ServiceProviderConfig", tok, nil), http.StatusForbidden)
	if !strings.Contains(strings.ToLower(detail), "disabled") {
		t.Errorf("detail %q does not say SCIM is disabled", detail)
	}
	if tk := h.emu.Tokens()[0]; tk.LastUsed != nil {
		t.Errorf("a refused request set last_used to %v", tk.LastUsed)
	}

	h.emu.SetSCIMConfig(emulator.SCIMConfig{Enabled: true})
	h.clock.Advance(time.Hour)
	r := h.scim(http.MethodGet, "ServiceProviderConfig", tok, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", r.Status, r.Body)
	}
	var spc map[string]any
	mustJSON(t, r.Body, &spc)
	if p, _ := spc["patch"].(map[string]any); p["supported"] != true {
		t.Errorf("ServiceProviderConfig.patch = %v", spc["patch"])
	}
	if f, _ := spc["filter"].(map[string]any); f["supported"] != true || f["maxResults"] == nil {
		t.Errorf("ServiceProviderConfig.filter = %v", spc["filter"])
	}

	toks := h.emu.Tokens()
	if toks[0].LastUsed == nil || !toks[0].LastUsed.Equal(h.clock.Now()) {
		t.Errorf("last_used = %v, want %v", toks[0].LastUsed, h.clock.Now())
	}
	if toks[1].LastUsed != nil {
		t.Errorf("an unused token got last_used %v", toks[1].LastUsed)
	}
	// The admin API shows the same.
	data, _, _ := envelopeOf(t, h.admin(http.MethodGet, "scim-config/tokens/1/", nil))
	var got tokenWire
	mustJSON(t, data, &got)
	if got.LastUsed == nil || *got.LastUsed != "2026-01-02T04:04:05.678901+00:00" {
		t.Errorf("admin last_used = %v", got.LastUsed)
	}

	// A revoked token stops working at once; the other still works.
	h.emu.DeleteToken(toks[0].ID)
	scimErrorOf(t, h.scim(http.MethodGet, "ServiceProviderConfig", tok, nil), http.StatusUnauthorized)
	if r := h.scim(http.MethodGet, "ServiceProviderConfig", other, nil); r.Status != http.StatusOK {
		t.Errorf("other token: HTTP %d", r.Status)
	}

	// The admin token opens the admin API but never SCIM (checked above),
	// and a SCIM token never opens the admin API.
	if r := h.do(http.MethodGet, "/api/v3/accounts/1/scim-config/", "Bearer "+other, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("SCIM token on admin API: HTTP %d", r.Status)
	}
}

func TestSCIMUnknownAccount(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	r := h.do(http.MethodGet, "/api/v3/accounts/9/scim/v2/ServiceProviderConfig", "Bearer "+tok, nil)
	scimErrorOf(t, r, http.StatusNotFound)
}

func TestConcurrentTokenCreation(t *testing.T) {
	h := start(t, emulator.Config{})
	const n = 40
	var wg sync.WaitGroup
	ids := make([]int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": fmt.Sprint("t", i)})
			var env struct {
				Data tokenWire `json:"data"`
			}
			if err := json.Unmarshal(r.Body, &env); err != nil {
				t.Errorf("token %d: %v", i, err)
				return
			}
			ids[i] = env.Data.ID
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, id := range ids {
		if id < 1 || id > n || seen[id] {
			t.Errorf("ids not a permutation of 1..%d: %v", n, ids)
			break
		}
		seen[id] = true
	}
	if got := len(h.emu.Requests()); got != n {
		t.Errorf("request log has %d entries, want %d", got, n)
	}
}
