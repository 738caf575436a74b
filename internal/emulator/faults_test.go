// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

func TestFaultStatusSkipsHandler(t *testing.T) {
	h := start(t, emulator.Config{})
	h.emu.InjectFault(emulator.Fault{Method: "post", PathContains: "/tokens", Times: 1, Status: http.StatusTooManyRequests, RetryAfter: "2"})

	// Non-matching requests pass untouched.
	if r := h.admin(http.MethodGet, "scim-config/tokens/", nil); r.Status != http.StatusOK {
		t.Fatalf("GET (method does not match): HTTP %d", r.Status)
	}
	if r := h.admin(http.MethodPost, "scim-config/", `{"enabled": false, "manual_updates_allowed": false}`); r.Status != http.StatusOK {
		t.Fatalf("POST scim-config (path does not match): HTTP %d", r.Status)
	}

	r := h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": "x"})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("HTTP %d, want 429", r.Status)
	}
	if got := r.Header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q", got)
	}
	envelopeOf(t, r)
	if n := len(h.emu.Tokens()); n != 0 {
		t.Errorf("faulted POST created %d tokens", n)
	}

	// Times: 1 is spent; the retry goes through.
	r = h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": "x"})
	if r.Status != http.StatusOK {
		t.Errorf("second POST: HTTP %d", r.Status)
	}
}

func TestFaultStatusOnSCIMPathHasSCIMBody(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	h.emu.InjectFault(emulator.Fault{PathContains: "/scim/v2/", Times: 1, Status: http.StatusServiceUnavailable, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"})
	r := h.scim(http.MethodGet, "ServiceProviderConfig", tok, nil)
	scimErrorOf(t, r, http.StatusServiceUnavailable)
	if r.Header.Get("Retry-After") != "Wed, 21 Oct 2026 07:28:00 GMT" {
		t.Errorf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
}

func TestFaultTimes(t *testing.T) {
	h := start(t, emulator.Config{})
	h.emu.InjectFault(emulator.Fault{Times: 2, Status: http.StatusBadGateway})
	h.emu.InjectFault(emulator.Fault{Times: -1, Status: http.StatusInternalServerError})

	var got []int
	for range 5 {
		got = append(got, h.admin(http.MethodGet, "scim-config/", nil).Status)
	}
	want := []int{502, 502, 500, 500, 500}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses = %v, want %v (first match wins; spent faults are skipped; <0 is forever)", got, want)
		}
	}
	h.emu.ClearFaults()
	if r := h.admin(http.MethodGet, "scim-config/", nil); r.Status != http.StatusOK {
		t.Errorf("after ClearFaults: HTTP %d", r.Status)
	}

	// Times: 0 never fires.
	h.emu.InjectFault(emulator.Fault{Times: 0, Status: http.StatusTeapot})
	if r := h.admin(http.MethodGet, "scim-config/", nil); r.Status != http.StatusOK {
		t.Errorf("Times 0 fired: HTTP %d", r.Status)
	}
}

func TestFaultDelay(t *testing.T) {
	h := start(t, emulator.Config{})
	h.emu.InjectFault(emulator.Fault{Times: 1, Delay: 150 * time.Millisecond})
	began := time.Now()
	r := h.admin(http.MethodGet, "scim-config/", nil)
	if elapsed := time.Since(began); elapsed < 150*time.Millisecond {
		t.Errorf("answered after %v, want at least the delay", elapsed)
	}
	if r.Status != http.StatusOK {
		t.Errorf("delayed request: HTTP %d (a delay alone must still run the handler)", r.Status)
	}
}

func TestFaultDelayRespectsClientTimeout(t *testing.T) {
	h := start(t, emulator.Config{})
	h.emu.InjectFault(emulator.Fault{Times: 1, Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.srv.URL+"/api/v3/accounts/1/scim-config/tokens/", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Authorization", adminAuth)
	began := time.Now()
	_, err := h.client.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	// The handler must notice the client left rather than sleep a minute
	// and then act on a request nobody waits for.
	deadline := time.Now().Add(2 * time.Second)
	for {
		reqs := h.emu.Requests()
		if len(reqs) == 1 && reqs[0].Status == 0 && time.Since(began) < 5*time.Second {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests = %+v", reqs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(h.emu.Tokens()); n != 0 {
		t.Errorf("abandoned request created %d tokens", n)
	}
}

func TestFaultResetBefore(t *testing.T) {
	h := start(t, emulator.Config{})
	h.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Times: 1, ResetBefore: true})
	r := h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": "x"})
	if r.Err == nil {
		t.Fatalf("got HTTP %d, want a connection error", r.Status)
	}
	if n := len(h.emu.Tokens()); n != 0 {
		t.Errorf("ResetBefore ran the handler: %d tokens", n)
	}
	reqs := h.emu.Requests()
	if len(reqs) != 1 || !reqs[0].Dropped || reqs[0].Status != 0 {
		t.Errorf("log = %+v", reqs)
	}
}

func TestFaultDropResponseKeepsStateChange(t *testing.T) {
	h := start(t, emulator.Config{})
	h.emu.InjectFault(emulator.Fault{Method: http.MethodPost, PathContains: "tokens", Times: 1, DropResponse: true})
	r := h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": "x"})
	if r.Err == nil {
		t.Fatalf("got HTTP %d, want a connection error", r.Status)
	}
	// The token exists even though the client never heard of it: exactly
	// the trap a blind retry of a POST falls into.
	if toks := h.emu.Tokens(); len(toks) != 1 || toks[0].Name != "x" {
		t.Errorf("tokens = %+v", toks)
	}
	reqs := h.emu.Requests()
	if len(reqs) != 1 || !reqs[0].Dropped || reqs[0].Status != http.StatusOK || reqs[0].ResponseBytes != 0 {
		t.Errorf("log = %+v", reqs)
	}
	// The connection fault does not outlive its Times.
	if r := h.admin(http.MethodPost, "scim-config/tokens/", map[string]string{"name": "y"}); r.Status != http.StatusOK {
		t.Errorf("next POST: HTTP %d err %v", r.Status, r.Err)
	}
}

func TestRequestLog(t *testing.T) {
	h := start(t, emulator.Config{})
	body := `{"name":"abc"}`
	h.admin(http.MethodPost, "scim-config/tokens/", body)
	h.do(http.MethodGet, "/api/v3/accounts/1/scim-config/tokens/?limit=5", "", nil)

	reqs := h.emu.Requests()
	if len(reqs) != 2 {
		t.Fatalf("log = %+v", reqs)
	}
	if r := reqs[0]; r.Method != http.MethodPost || r.Path != "/api/v3/accounts/1/scim-config/tokens/" || r.BodyBytes != len(body) || r.Status != 200 || r.ResponseBytes == 0 || r.Dropped {
		t.Errorf("first = %+v", r)
	}
	if r := reqs[1]; r.Method != http.MethodGet || r.Query != "limit=5" || r.Status != 401 || r.BodyBytes != 0 {
		t.Errorf("second = %+v", r)
	}
	h.emu.ResetRequests()
	if n := len(h.emu.Requests()); n != 0 {
		t.Errorf("after reset: %d entries", n)
	}
	h.admin(http.MethodGet, "scim-config/", nil)
	if reqs := h.emu.Requests(); len(reqs) != 1 || reqs[0].Path != "/api/v3/accounts/1/scim-config/" {
		t.Errorf("after reset and one call: %+v", reqs)
	}
}

// The emulator must also work as a plain handler (httptest.ResponseRecorder)
// for tests that need no socket.
func TestHandlerWithoutServer(t *testing.T) {
	e := emulator.New(emulator.Config{})
	req, _ := http.NewRequest(http.MethodGet, "/api/v3/accounts/1/scim-config/", nil)
	req.Header.Set("Authorization", adminAuth)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"enabled":false`) {
		t.Errorf("HTTP %d: %s", rec.Code, rec.Body.String())
	}
}

func TestNewRejectsUnknownPlan(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted plan \"free\"")
		}
	}()
	emulator.New(emulator.Config{Plan: "free"})
}

func TestServerURLs(t *testing.T) {
	h := start(t, emulator.Config{})
	if !strings.HasPrefix(h.srv.URL, "http://127.0.0.1:") || strings.HasSuffix(h.srv.URL, "/") {
		t.Errorf("URL = %q", h.srv.URL)
	}
	if h.srv.HostURL() != h.srv.URL+"/api" {
		t.Errorf("HostURL = %q", h.srv.HostURL())
	}
}
