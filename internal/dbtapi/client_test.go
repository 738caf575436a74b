// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package dbtapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
)

func TestNewValidatesConfig(t *testing.T) {
	ok := Config{HostURL: "https://cloud.getdbt.com/api", AccountID: 1, Token: "t"}
	cases := []struct {
		name  string
		mut   func(*Config)
		field string
	}{
		{"relative host", func(c *Config) { c.HostURL = "cloud.getdbt.com/api" }, "HostURL"},
		{"ftp host", func(c *Config) { c.HostURL = "ftp://cloud.getdbt.com/api" }, "HostURL"},
		{"empty host", func(c *Config) { c.HostURL = "" }, "HostURL"},
		{"query", func(c *Config) { c.HostURL = "https://x/api?a=b" }, "HostURL"},
		{"zero account", func(c *Config) { c.AccountID = 0 }, "AccountID"},
		{"negative account", func(c *Config) { c.AccountID = -4 }, "AccountID"},
		{"empty token", func(c *Config) { c.Token = " " }, "Token"},
	}
	for _, tc := range cases {
		cfg := ok
		tc.mut(&cfg)
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %v should name %s", tc.name, err, tc.field)
		}
	}
	if _, err := New(Config{HostURL: "https://user:pw@x/api?q=1", AccountID: 1, Token: "t"}); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("error must not echo URL credentials: %v", err)
	}
	c, err := New(ok)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.SCIMBaseURL(), "https://cloud.getdbt.com/api/v3/accounts/1/scim/v2"; got != want {
		t.Errorf("SCIMBaseURL = %q, want %q", got, want)
	}
	c2, _ := New(Config{HostURL: "https://emea.dbt.com/api///", AccountID: 7, Token: "t"})
	if got, want := c2.SCIMBaseURL(), "https://emea.dbt.com/api/v3/accounts/7/scim/v2"; got != want {
		t.Errorf("trailing slashes: SCIMBaseURL = %q, want %q", got, want)
	}
}

func TestSCIMConfigRoundTrip(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	ctx := context.Background()
	got, err := c.GetSCIMConfig(ctx)
	if err != nil || got != (SCIMConfig{}) {
		t.Fatalf("initial: %+v %v", got, err)
	}
	want := SCIMConfig{Enabled: true, ManualUpdatesAllowed: false, SCIMControlledLicenseType: true}
	set, err := c.SetSCIMConfig(ctx, want)
	if err != nil || set != want {
		t.Fatalf("set: %+v %v", set, err)
	}
	f.mu.Lock()
	stored := f.config
	f.mu.Unlock()
	if stored.model() != want {
		t.Fatalf("server stored %+v", stored)
	}
	if got, err := c.GetSCIMConfig(ctx); err != nil || got != want {
		t.Fatalf("read back: %+v %v", got, err)
	}
}

func TestSetSCIMConfigSendsAllFieldsAndRetries5xx(t *testing.T) {
	f := newFake(t)
	var body string
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			body = string(b)
			if n == 1 {
				errorJSON(w, 502, "", "")
				return true
			}
		}
		return false
	}
	c := f.client(t)
	if _, err := c.SetSCIMConfig(context.Background(), SCIMConfig{}); err != nil {
		t.Fatalf("the upsert is idempotent and must be retried on 502: %v", err)
	}
	for _, field := range []string{`"enabled":false`, `"manual_updates_allowed":false`, `"scim_controlled_license_type":false`} {
		if !strings.Contains(body, field) {
			t.Errorf("body %s lacks %s: false values must be sent, not omitted", body, field)
		}
	}
}

func TestTypedErrors(t *testing.T) {
	cases := []struct {
		status int
		kind   apierror.Kind
	}{
		{400, apierror.KindBadRequest},
		{401, apierror.KindUnauthorized},
		{403, apierror.KindForbidden},
		{404, apierror.KindNotFound},
		{409, apierror.KindConflict},
		{422, apierror.KindUnknown},
	}
	for _, tc := range cases {
		f := newFake(t)
		f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
			errorJSON(w, tc.status, fmt.Sprintf("user says %d", tc.status), "dev says")
			return true
		}
		// Delete, not Get: Get confirms a 404 by listing (tested on its own).
		err := f.client(t).DeleteSCIMToken(context.Background(), 5)
		var e *apierror.Error
		if !errors.As(err, &e) {
			t.Fatalf("%d: want *apierror.Error, got %T %v", tc.status, err, err)
		}
		if e.Kind != tc.kind || e.StatusCode != tc.status || e.API != apierror.APIAdmin ||
			e.Method != "DELETE" || e.Path != "/api/v3/accounts/42/scim-config/tokens/5/" ||
			e.Message != fmt.Sprintf("user says %d", tc.status) {
			t.Errorf("%d: %+v", tc.status, e)
		}
		if (tc.status == 404) != apierror.IsNotFound(err) {
			t.Errorf("%d: IsNotFound = %v", tc.status, apierror.IsNotFound(err))
		}
	}
}

func TestErrorMessageFallbacks(t *testing.T) {
	f := newFake(t)
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if strings.HasSuffix(r.URL.Path, "/1/") {
			errorJSON(w, 403, "", "developer detail")
		} else {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, "<html>\n  proxy says no: "+testToken+"\n</html>")
		}
		return true
	}
	c := f.client(t)
	_, err := c.GetSCIMToken(context.Background(), 1)
	var e *apierror.Error
	if !errors.As(err, &e) || e.Message != "developer detail" {
		t.Fatalf("want developer_message fallback, got %v", err)
	}
	_, err = c.GetSCIMToken(context.Background(), 2)
	if !errors.As(err, &e) || e.Kind != apierror.KindBadRequest || e.Message != "<html> proxy says no: *** </html>" {
		t.Fatalf("want a masked one-line body excerpt, got %q", e.Message)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatal("error leaks the admin token")
	}
}

func TestUndecodable2xxIsAnError(t *testing.T) {
	f := newFake(t)
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		switch {
		case strings.HasSuffix(r.URL.Path, "/1/"):
			_, _ = io.WriteString(w, "not json")
		case strings.HasSuffix(r.URL.Path, "/2/"):
			_, _ = io.WriteString(w, `{"status":{"code":200,"is_success":true}}`)
		default:
			_, _ = io.WriteString(w, `{"data":{"id":"seven"}}`)
		}
		return true
	}
	c := f.client(t)
	for id, want := range map[int64]string{1: "not a dbt API envelope", 2: `no "data"`, 3: `decoding "data"`} {
		_, err := c.GetSCIMToken(context.Background(), id)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "could not be decoded") {
			t.Errorf("id %d: error %v should say %q", id, err, want)
		}
	}
}

func TestEnvelopeFailureInside2xx(t *testing.T) {
	f := newFake(t)
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		_, _ = io.WriteString(w, `{"data":null,"status":{"code":404,"is_success":false,"user_message":"gone"}}`)
		return true
	}
	err := f.client(t).DeleteSCIMToken(context.Background(), 1)
	if !apierror.IsNotFound(err) {
		t.Fatalf("a 2xx whose envelope says 404 is not-found: %v", err)
	}
}

func TestGetSCIMTokenDecodesTimes(t *testing.T) {
	f := newFake(t)
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		_, _ = io.WriteString(w, `{"data":{"id":9,"name":"okta","created_at":"2026-01-02T03:04:05.123456+00:00","last_used":"2026-02-03T04:05:06"},"status":{"code":200,"is_success":true}}`)
		return true
	}
	tok, err := f.client(t).GetSCIMToken(context.Background(), 9)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID != 9 || tok.Name != "okta" || !tok.CreatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)) ||
		tok.LastUsed == nil || !tok.LastUsed.Equal(time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)) {
		t.Fatalf("%+v", tok)
	}
}

func TestGetAndDeleteSCIMToken(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	tok := f.addToken("okta", time.Now())
	got, err := c.GetSCIMToken(context.Background(), tok.ID)
	if err != nil || got.ID != tok.ID || got.Name != "okta" || got.LastUsed != nil {
		t.Fatalf("%+v %v", got, err)
	}
	if err := c.DeleteSCIMToken(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	if len(f.tokenList()) != 0 {
		t.Fatal("token not deleted on the server")
	}
	if err := c.DeleteSCIMToken(context.Background(), tok.ID); !apierror.IsNotFound(err) {
		t.Fatalf("deleting a gone token: want typed not-found, got %v", err)
	}
	if _, err := c.GetSCIMToken(context.Background(), tok.ID); !apierror.IsNotFound(err) {
		t.Fatalf("reading a gone token: want typed not-found, got %v", err)
	}
}

func TestListSCIMTokensPages(t *testing.T) {
	f := newFake(t)
	f.pageSize = 3
	for i := 0; i < 8; i++ {
		f.addToken(fmt.Sprintf("t%d", i), time.Now())
	}
	c := f.client(t)
	c.pageSize = 3
	got, err := c.ListSCIMTokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 {
		t.Fatalf("got %d tokens, want 8", len(got))
	}
	for i, tok := range got {
		if tok.Name != fmt.Sprintf("t%d", i) {
			t.Fatalf("token %d is %q", i, tok.Name)
		}
	}
	f.mu.Lock()
	reqs := append([]string(nil), f.requests...)
	f.mu.Unlock()
	if len(reqs) != 3 || !strings.Contains(reqs[2], "offset=6") {
		t.Fatalf("requests %v", reqs)
	}
}

func TestListSCIMTokensEmptyAndUnpaged(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	got, err := c.ListSCIMTokens(context.Background())
	if err != nil || len(got) != 0 {
		t.Fatalf("%v %v", got, err)
	}
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		_, _ = io.WriteString(w, `{"data":[{"id":1,"name":"a","created_at":"2026-01-01T00:00:00Z"}]}`)
		return true
	}
	got, err = c.ListSCIMTokens(context.Background())
	if err != nil || len(got) != 1 {
		t.Fatalf("no pagination block means one page: %v %v", got, err)
	}
}

func TestListSCIMTokensServerIgnoringOffsetFails(t *testing.T) {
	f := newFake(t)
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		_, _ = io.WriteString(w, `{"data":[{"id":1,"name":"a","created_at":"2026-01-01T00:00:00Z"}],"extra":{"pagination":{"count":1,"total_count":5}}}`)
		return true
	}
	_, err := f.client(t).ListSCIMTokens(context.Background())
	if err == nil || !strings.Contains(err.Error(), "repeated a page") {
		t.Fatalf("want a clear error instead of a partial list or a loop, got %v", err)
	}
}

func TestCreateSCIMToken(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	tok, value, err := c.CreateSCIMToken(context.Background(), "okta")
	if err != nil {
		t.Fatal(err)
	}
	stored := f.tokenList()
	if len(stored) != 1 || stored[0].ID != tok.ID || stored[0].Value != value || tok.Name != "okta" || tok.CreatedAt.IsZero() {
		t.Fatalf("token %+v value %q; server has %+v", tok, value, stored)
	}
	if c.Mask("x"+value+"x") != "x***x" {
		t.Fatal("a minted token value must be masked from then on")
	}
}

func TestCreateSCIMTokenRetriedOn429(t *testing.T) {
	f := newFake(t)
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodPost && n == 1 {
			w.Header().Set("Retry-After", "0")
			errorJSON(w, 429, "slow down", "")
			return true
		}
		return false
	}
	_, _, err := f.client(t).CreateSCIMToken(context.Background(), "okta")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.tokenList()); got != 1 {
		t.Fatalf("%d tokens on the server", got)
	}
}

// TestCreateSCIMTokenReconcilesDroppedResponse is the lost-response case:
// the server stores the token and then drops the connection. The client must
// delete that orphan and create again, leaving exactly one token whose value
// it returns.
func TestCreateSCIMTokenReconcilesDroppedResponse(t *testing.T) {
	f := newFake(t)
	existing := f.addToken("okta", time.Now().Add(-time.Hour)) // same name, pre-existing: must survive
	f.afterStore = func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool {
		if attempt == 1 {
			dropConnection(t, w)
			return true
		}
		return false
	}
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := f.client(t)
	tok, value, err := c.CreateSCIMToken(ctx, "okta")
	if err != nil {
		t.Fatalf("a lost response that a retry fixes must not fail the apply: %v", err)
	}
	stored := f.tokenList()
	if len(stored) != 2 || stored[0].ID != existing.ID {
		t.Fatalf("server tokens %+v: want the pre-existing one and exactly one new one", stored)
	}
	if stored[1].ID != tok.ID || stored[1].Value != value {
		t.Fatalf("returned token %d/%q but the server holds %d/%q", tok.ID, value, stored[1].ID, stored[1].Value)
	}
	if f.creates != 2 {
		t.Fatalf("creates = %d, want 2", f.creates)
	}
	if logs := buf.String(); strings.Contains(logs, value) || strings.Contains(logs, testToken) {
		t.Fatalf("secret in logs:\n%s", logs)
	}
}

func TestCreateSCIMTokenReconciles5xxAfterStore(t *testing.T) {
	f := newFake(t)
	f.afterStore = func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool {
		if attempt <= 2 {
			errorJSON(w, 500, "internal error", "")
			return true
		}
		return false
	}
	_, value, err := f.client(t).CreateSCIMToken(context.Background(), "okta")
	if err != nil {
		t.Fatal(err)
	}
	stored := f.tokenList()
	if len(stored) != 1 || stored[0].Value != value {
		t.Fatalf("server tokens %+v, value %q", stored, value)
	}
}

func TestCreateSCIMTokenGivesUpCleanly(t *testing.T) {
	f := newFake(t)
	f.afterStore = func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool {
		dropConnection(t, w)
		return true
	}
	c := f.client(t, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, _, err := c.CreateSCIMToken(context.Background(), "okta")
	if err == nil {
		t.Fatal("want an error")
	}
	if !apierror.IsAmbiguous(err) {
		t.Errorf("the cause should stay matchable: %v", err)
	}
	if !strings.Contains(err.Error(), "nothing was left behind") || !strings.Contains(err.Error(), "3 attempt") {
		t.Errorf("error should say what happened: %v", err)
	}
	if got := f.tokenList(); len(got) != 0 {
		t.Fatalf("orphans left on the server: %+v", got)
	}
	if f.creates != 3 {
		t.Fatalf("creates = %d, want 1 + MaxRetries = 3", f.creates)
	}
}

func TestCreateSCIMTokenNotRetriedOnClientError(t *testing.T) {
	f := newFake(t)
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodPost {
			errorJSON(w, 403, "You do not have permission", "")
			return true
		}
		return false
	}
	_, _, err := f.client(t).CreateSCIMToken(context.Background(), "okta")
	if !apierror.IsKind(err, apierror.KindForbidden) {
		t.Fatalf("want typed forbidden, got %v", err)
	}
	if f.counts["POST /api/v3/accounts/42/scim-config/tokens/"] != 1 {
		t.Fatalf("POST counts %v", f.counts)
	}
}

func TestCreateSCIMTokenWithoutValueIsDeleted(t *testing.T) {
	f := newFake(t)
	f.afterStore = func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool {
		m := tokenJSON(tok, false)
		envelopeJSON(w, 201, m, nil)
		return true
	}
	_, _, err := f.client(t).CreateSCIMToken(context.Background(), "okta")
	if err == nil || !strings.Contains(err.Error(), "no token_string") {
		t.Fatalf("got %v", err)
	}
	if got := f.tokenList(); len(got) != 0 {
		t.Fatalf("a token without a value must not be left behind: %+v", got)
	}
}

func TestCreateSCIMTokenCleansUpEvenWhenCancelled(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.afterStore = func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool {
		cancel() // the user interrupts while the request is in flight
		dropConnection(t, w)
		return true
	}
	_, _, err := f.client(t).CreateSCIMToken(ctx, "okta")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if got := f.tokenList(); len(got) != 0 {
		t.Fatalf("orphan left after cancellation: %+v", got)
	}
}

func TestTransportRetriesThroughClient(t *testing.T) {
	f := newFake(t)
	var calls atomic.Int32
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			errorJSON(w, 503, "maintenance", "")
			return true
		}
		return false
	}
	if _, err := f.client(t).GetSCIMConfig(context.Background()); err != nil {
		t.Fatal(err)
	}
	f2 := newFake(t)
	f2.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		errorJSON(w, 503, "maintenance", "")
		return true
	}
	_, err := f2.client(t, func(c *Config) { c.MaxRetries = 1 }).GetSCIMConfig(context.Background())
	if !apierror.IsKind(err, apierror.KindServer) || !strings.Contains(err.Error(), "maintenance") {
		t.Fatalf("exhausted retries: want typed server error with dbt's message, got %v", err)
	}
}

func TestLogsNeverContainAdminOrMintedToken(t *testing.T) {
	f := newFake(t)
	// The server echoes the token value in a field whose name looks harmless,
	// on a non-sensitive call, after it is minted: masking must catch it.
	var minted atomic.Value
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/scim-config/") {
			v, _ := minted.Load().(string)
			envelopeJSON(w, 200, map[string]any{"enabled": true, "note": v + " " + testToken}, nil)
			return true
		}
		if r.Method == http.MethodGet && n == 1 {
			errorJSON(w, 500, "oops "+testToken, "")
			return true
		}
		return false
	}
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := f.client(t)
	_, value, err := c.CreateSCIMToken(ctx, "okta")
	if err != nil {
		t.Fatal(err)
	}
	minted.Store(value)
	if _, err := c.GetSCIMConfig(ctx); err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	if !strings.Contains(logs, "Response body") || !strings.Contains(logs, `"@module":"provider.dbt_admin"`) {
		t.Fatalf("expected TRACE logs from the dbt_admin subsystem, got:\n%s", logs)
	}
	for _, secret := range []string{testToken, value} {
		if strings.Contains(logs, secret) {
			t.Fatalf("secret %q in logs:\n%s", secret, logs)
		}
	}
}

// Someone else mints a token of the same name while our request's response
// is lost: two new tokens, at most one ours, and nothing to tell them apart.
// The client deletes neither and says which they are.
func TestCreateSCIMTokenNeverDeletesATokenItCannotProveItMinted(t *testing.T) {
	f := newFake(t)
	var theirs *fakeToken
	f.afterStore = func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool {
		if attempt == 1 {
			theirs = f.addToken("okta", time.Now())
			dropConnection(t, w)
			return true
		}
		return false
	}
	_, _, err := f.client(t).CreateSCIMToken(context.Background(), "okta")
	if err == nil {
		t.Fatal("want an error: two candidates for one lost request")
	}
	stored := f.tokenList()
	if len(stored) != 2 {
		t.Fatalf("server tokens %+v: want both candidates kept", stored)
	}
	for _, tok := range stored {
		if !strings.Contains(err.Error(), fmt.Sprintf("id %d", tok.ID)) {
			t.Errorf("the error does not list token %d: %v", tok.ID, err)
		}
	}
	if !strings.Contains(err.Error(), "none was deleted") || theirs == nil {
		t.Errorf("the error must say nothing was deleted: %v", err)
	}
	if f.creates != 1 {
		t.Errorf("creates = %d: nothing may be re-sent while it is unknown which token is ours", f.creates)
	}
}

// TestCreateSCIMTokenSparesOlderTokens guards the time bound: a same-named
// token missing from the snapshot (say, the first list was stale) but created
// well before the request cannot be the lost request's, and must survive.
func TestCreateSCIMTokenSparesOlderTokens(t *testing.T) {
	f := newFake(t)
	old := f.addToken("okta", time.Now().Add(-time.Hour))
	f.fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/tokens/") && n == 1 {
			envelopeJSON(w, 200, []any{}, map[string]any{"pagination": map[string]any{"count": 0, "total_count": 0}})
			return true
		}
		return false
	}
	f.afterStore = func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool {
		if attempt == 1 {
			dropConnection(t, w)
			return true
		}
		return false
	}
	tok, value, err := f.client(t).CreateSCIMToken(context.Background(), "okta")
	if err != nil {
		t.Fatal(err)
	}
	stored := f.tokenList()
	if len(stored) != 2 || stored[0].ID != old.ID || stored[1].ID != tok.ID || stored[1].Value != value {
		t.Fatalf("server tokens %+v; want the old token kept and exactly one new one", stored)
	}
}

// dbt may store a token after the client gave up waiting (a timeout while the
// backend still works). The retry succeeds; the late token must not survive.
func TestCreateSCIMTokenSweepsTokenStoredAfterTimeout(t *testing.T) {
	f := newFake(t)
	f.storeDelay = func(post int) time.Duration {
		if post == 1 {
			return 300 * time.Millisecond
		}
		return 0
	}
	c := f.client(t, func(cfg *Config) {
		cfg.RequestTimeout = 100 * time.Millisecond
		cfg.RetryWaitMin = 400 * time.Millisecond // the retry lands after the slow store
	})
	tok, value, err := c.CreateSCIMToken(context.Background(), "okta")
	if err != nil {
		t.Fatal(err)
	}
	stored := f.tokenList()
	if len(stored) != 1 || stored[0].ID != tok.ID || stored[0].Value != value {
		t.Fatalf("server holds %+v, want only the returned token %d", stored, tok.ID)
	}
}

// Two creates of one name at once: a lost response on one must not make it
// delete the other's fresh token.
func TestCreateSCIMTokenConcurrentSameNameKeepsBoth(t *testing.T) {
	f := newFake(t)
	f.afterStore = func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool {
		if attempt == 1 {
			dropConnection(t, w)
			return true
		}
		return false
	}
	c := f.client(t)
	type result struct {
		tok SCIMToken
		err error
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			tok, _, err := c.CreateSCIMToken(context.Background(), "okta")
			results <- result{tok, err}
		}()
	}
	got := map[int64]bool{}
	for range 2 {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		got[r.tok.ID] = true
	}
	stored := f.tokenList()
	if len(stored) != 2 {
		t.Fatalf("server holds %d tokens, want 2", len(stored))
	}
	for _, s := range stored {
		if !got[s.ID] {
			t.Fatalf("server token %d was returned to no caller; returned %v", s.ID, got)
		}
	}
}

// A 404 from a wrong host or account must not read as "token deleted".
func TestGetSCIMToken404ConfirmedByListing(t *testing.T) {
	f := newFake(t)
	tok := f.addToken("okta", time.Now())
	c := f.client(t)
	if _, err := c.GetSCIMToken(context.Background(), tok.ID+1); !apierror.IsNotFound(err) {
		t.Fatalf("a token missing from a working account: err = %v, want not found", err)
	}
	wrong := f.client(t, func(cfg *Config) { cfg.AccountID = testAccount + 1 })
	_, err := wrong.GetSCIMToken(context.Background(), tok.ID)
	if err == nil || apierror.IsNotFound(err) {
		t.Fatalf("wrong account: err = %v, want an error that is not 'not found'", err)
	}
}
