// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// fakeClock is a settable clock so timestamps are predictable.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a running emulator plus a client that talks to it.
type harness struct {
	t     *testing.T
	srv   *emulator.Server
	emu   *emulator.Emulator
	clock *fakeClock
	// client never reuses connections: Go's transport silently retries an
	// idempotent request whose reused connection dies, which would hide
	// injected connection faults.
	client *http.Client
}

func start(t *testing.T, cfg emulator.Config) *harness {
	t.Helper()
	clock := newFakeClock()
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	srv, err := emulator.Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(srv.Close)
	return &harness{
		t: t, srv: srv, emu: srv.Emulator, clock: clock,
		client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second},
	}
}

// response is what a test looks at: status, headers and the raw body.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	Err    error
}

func (h *harness) do(method, path, auth string, body any) response {
	h.t.Helper()
	var rdr io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rdr = strings.NewReader(b)
	case []byte:
		rdr = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			h.t.Fatalf("marshal: %v", err)
		}
		rdr = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rdr)
	if err != nil {
		h.t.Fatalf("NewRequest: %v", err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rdr != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return response{Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b, Err: err}
}

const adminAuth = "Token " + emulator.DefaultAdminToken

// admin calls the admin API of account 1 with the default admin token.
func (h *harness) admin(method, rel string, body any) response {
	h.t.Helper()
	return h.do(method, "/api/v3/accounts/1/"+rel, adminAuth, body)
}

// scim calls the SCIM API of account 1 with a bearer token.
func (h *harness) scim(method, rel, token string, body any) response {
	h.t.Helper()
	auth := ""
	if token != "" {
		auth = "Bearer " + token
	}
	return h.do(method, "/api/v3/accounts/1/scim/v2/"+rel, auth, body)
}

// enableSCIM turns SCIM on, with licenses set over SCIM, and mints a token:
// the state every SCIM test starts from.
func (h *harness) enableSCIM() string {
	h.t.Helper()
	h.emu.SetSCIMConfig(emulator.SCIMConfig{Enabled: true, SCIMControlledLicenseType: true})
	_, v := h.emu.CreateToken("test")
	return v
}

// envelopeOf decodes a dbt envelope and checks its invariant parts: status
// mirrors the HTTP status and is_success tells 2xx from the rest.
func envelopeOf(t *testing.T, r response) (data json.RawMessage, status map[string]any, extra map[string]any) {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("request failed: %v", r.Err)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &env); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	for _, k := range []string{"data", "status", "extra"} {
		if _, ok := env[k]; !ok {
			t.Errorf("envelope lacks %q: %s", k, r.Body)
		}
	}
	if err := json.Unmarshal(env["status"], &status); err != nil {
		t.Fatalf("status: %v", err)
	}
	if err := json.Unmarshal(env["extra"], &extra); err != nil {
		t.Fatalf("extra: %v", err)
	}
	if got := status["code"]; got != float64(r.Status) {
		t.Errorf("status.code = %v, HTTP status %d", got, r.Status)
	}
	wantSuccess := r.Status >= 200 && r.Status < 300
	if got := status["is_success"]; got != wantSuccess {
		t.Errorf("status.is_success = %v for HTTP %d", got, r.Status)
	}
	for _, k := range []string{"user_message", "developer_message"} {
		if _, ok := status[k].(string); !ok {
			t.Errorf("status.%s missing or not a string: %s", k, r.Body)
		}
	}
	if !wantSuccess && status["user_message"] == "" {
		t.Errorf("error without user_message: %s", r.Body)
	}
	return env["data"], status, extra
}

// scimErrorOf decodes an RFC 7644 error body and checks its shape.
func scimErrorOf(t *testing.T, r response, wantStatus int) (scimType, detail string) {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("request failed: %v", r.Err)
	}
	if r.Status != wantStatus {
		t.Fatalf("HTTP %d, want %d: %s", r.Status, wantStatus, r.Body)
	}
	var e struct {
		Schemas  []string `json:"schemas"`
		Status   string   `json:"status"`
		ScimType string   `json:"scimType"`
		Detail   string   `json:"detail"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("SCIM error body: %v\n%s", err, r.Body)
	}
	if len(e.Schemas) != 1 || e.Schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
		t.Errorf("schemas = %v", e.Schemas)
	}
	if e.Status != strconv.Itoa(wantStatus) {
		t.Errorf("status = %q, want %q", e.Status, strconv.Itoa(wantStatus))
	}
	if e.Detail == "" {
		t.Errorf("error without detail: %s", r.Body)
	}
	return e.ScimType, e.Detail
}

func mustJSON(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode: %v\n%s", err, raw)
	}
}
