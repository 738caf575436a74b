// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
)

// newTestClient returns a client with millisecond waits whose computed waits
// are recorded and then shortened, so Retry-After values of seconds or
// minutes can be asserted without sleeping.
func newTestClient(t *testing.T, cfg Config) (*Client, *waits) {
	t.Helper()
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = time.Millisecond
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = 4 * time.Millisecond
	}
	c := New(cfg)
	w := &waits{}
	c.waitHook = func(d time.Duration) time.Duration {
		w.add(d)
		return min(d, 2*time.Millisecond)
	}
	return c, w
}

type waits struct {
	mu sync.Mutex
	ds []time.Duration
}

func (w *waits) add(d time.Duration) { w.mu.Lock(); w.ds = append(w.ds, d); w.mu.Unlock() }
func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.ds...)
}

// statusServer answers with the given statuses in turn, then 200 "ok".
func statusServer(t *testing.T, statuses []int, header http.Header) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			for k, vs := range header {
				w.Header()[k] = vs
			}
			w.WriteHeader(statuses[i])
			_, _ = io.WriteString(w, "status body")
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetriesIdempotentOnRetryableStatuses(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv, n := statusServer(t, []int{status, status}, nil)
			c, w := newTestClient(t, Config{MaxRetries: 3})
			resp, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/x"})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || string(resp.Body) != "ok" {
				t.Fatalf("got %d %q", resp.StatusCode, resp.Body)
			}
			if got := n.Load(); got != 3 {
				t.Fatalf("attempts = %d, want 3", got)
			}
			if got := len(w.all()); got != 2 {
				t.Fatalf("waits = %d, want 2", got)
			}
		})
	}
}

func TestDoesNotRetryClientErrors(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 501} {
		srv, n := statusServer(t, []int{status}, nil)
		c, _ := newTestClient(t, Config{MaxRetries: 3})
		resp, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != status || n.Load() != 1 {
			t.Fatalf("status %d: got %d after %d attempts", status, resp.StatusCode, n.Load())
		}
	}
}

func TestMaxRetriesBoundReturnsLastResponse(t *testing.T) {
	srv, n := statusServer(t, []int{503, 503, 503, 503, 503, 503}, nil)
	c, _ := newTestClient(t, Config{MaxRetries: 2})
	resp, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL})
	if err != nil {
		t.Fatalf("exhausted retries must return the last response, got error %v", err)
	}
	if resp.StatusCode != 503 || string(resp.Body) != "status body" {
		t.Fatalf("got %d %q", resp.StatusCode, resp.Body)
	}
	if got := n.Load(); got != 3 {
		t.Fatalf("attempts = %d, want 1 + MaxRetries = 3", got)
	}

	srv0, n0 := statusServer(t, []int{503}, nil)
	c0, _ := newTestClient(t, Config{MaxRetries: 0})
	if resp, err := c0.Do(context.Background(), Request{Method: "GET", URL: srv0.URL}); err != nil || resp.StatusCode != 503 || n0.Load() != 1 {
		t.Fatalf("MaxRetries 0: resp=%v err=%v attempts=%d", resp, err, n0.Load())
	}
}

func TestRetryAfterSecondsHonoured(t *testing.T) {
	srv, _ := statusServer(t, []int{429}, http.Header{"Retry-After": {"7"}})
	c, w := newTestClient(t, Config{MaxRetries: 1})
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if got := w.all(); len(got) != 1 || got[0] < 7*time.Second || got[0] > 12*time.Second {
		t.Fatalf("waits = %v, want one in [7s, 12s] (Retry-After beats RetryWaitMax, plus jitter)", got)
	}
}

func TestRetryAfterHTTPDateHonoured(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	date := now.Add(45 * time.Second).Format(http.TimeFormat)
	srv, _ := statusServer(t, []int{503}, http.Header{"Retry-After": {date}})
	c, w := newTestClient(t, Config{MaxRetries: 1})
	c.now = func() time.Time { return now }
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if got := w.all(); len(got) != 1 || got[0] < 45*time.Second || got[0] > 50*time.Second {
		t.Fatalf("waits = %v, want one in [45s, 50s]", got)
	}
}

func TestRetryAfterCappedByMaxRetryAfter(t *testing.T) {
	srv, _ := statusServer(t, []int{429}, http.Header{"Retry-After": {"3600"}})
	c, w := newTestClient(t, Config{MaxRetries: 1, MaxRetryAfter: 10 * time.Second})
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if got := w.all(); len(got) != 1 || got[0] < 10*time.Second || got[0] > 15*time.Second {
		t.Fatalf("waits = %v, want one in [10s, 15s]", got)
	}
}

// By default a Retry-After is honoured up to 60 s (plus at most 5 s of
// jitter), and every wait over 10 s is logged at WARN with what and why.
func TestRetryAfterDefaultCapAndWarning(t *testing.T) {
	srv, _ := statusServer(t, []int{429}, http.Header{"Retry-After": {"300"}})
	c, w := newTestClient(t, Config{MaxRetries: 1})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	if _, err := c.Do(ctx, Request{Method: "DELETE", URL: srv.URL + "/Users/7"}); err != nil {
		t.Fatal(err)
	}
	if got := w.all(); len(got) != 1 || got[0] < 60*time.Second || got[0] > 65*time.Second {
		t.Fatalf("waits = %v, want one in [60s, 65s]", got)
	}
	var warned bool
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"@level":"warn"`) && strings.Contains(line, "DELETE "+srv.URL+"/Users/7") &&
			strings.Contains(line, "429 with Retry-After") && strings.Contains(line, `"status":429`) {
			warned = true
		}
	}
	if !warned {
		t.Fatalf("no WARN line naming the request and status for a 60 s wait:\n%s", logs.String())
	}

	// A short wait stays at DEBUG.
	srv2, _ := statusServer(t, []int{429}, http.Header{"Retry-After": {"1"}})
	logs.Reset()
	if _, err := c.Do(ctx, Request{Method: "GET", URL: srv2.URL}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), `"@level":"warn"`) {
		t.Fatalf("a wait of 1 to 2 s was logged at WARN:\n%s", logs.String())
	}
}

// No redirect is followed, for any method: the 3xx is an error naming the
// status and where it pointed, the target never sees a request (nor the
// Authorization header), and nothing is retried.
func TestRedirectsAreRefused(t *testing.T) {
	var reached atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.WriteHeader(200)
	}))
	t.Cleanup(target.Close)
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, method := range []string{"GET", "POST", "PATCH", "DELETE"} {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				http.Redirect(w, r, target.URL+"/elsewhere?sig=abc", status)
			}))
			c, _ := newTestClient(t, Config{MaxRetries: 3})
			_, err := c.Do(context.Background(), Request{Method: method, URL: srv.URL + "/api/x",
				Header: http.Header{"Authorization": {"Bearer s3cret"}}, Body: []byte("{}")})
			srv.Close()
			if err == nil {
				t.Fatalf("%s answered %d: no error", method, status)
			}
			msg := err.Error()
			for _, want := range []string{method, strconv.Itoa(status), "Location " + target.URL + "/elsewhere",
				"does not follow redirects", "host_url"} {
				if !strings.Contains(msg, want) {
					t.Errorf("%s %d: error %q lacks %q", method, status, msg, want)
				}
			}
			if strings.Contains(msg, "sig=abc") || strings.Contains(msg, "s3cret") {
				t.Errorf("%s %d: error leaks the query or the token: %q", method, status, msg)
			}
			if n.Load() != 1 {
				t.Errorf("%s %d: %d requests, want 1 (a redirect is not retried)", method, status, n.Load())
			}
		}
	}
	if reached.Load() != 0 {
		t.Fatalf("the redirect target got %d requests", reached.Load())
	}
}

// A server redirecting to itself gets one request, not a loop.
func TestRedirectLoopIsOneRequest(t *testing.T) {
	var n atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Redirect(w, r, srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, Config{MaxRetries: 3})
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/loop"}); err == nil ||
		!strings.Contains(err.Error(), "307") {
		t.Fatalf("err = %v, want the 307 named", err)
	}
	if n.Load() != 1 {
		t.Fatalf("%d requests, want 1", n.Load())
	}
}

// A short Retry-After is honoured with at most as long again of jitter on
// top, never less than the server asked.
func TestRetryAfterShortWaitJitter(t *testing.T) {
	for i := 0; i < 5; i++ {
		srv, _ := statusServer(t, []int{429}, http.Header{"Retry-After": {"2"}})
		c, w := newTestClient(t, Config{MaxRetries: 1})
		if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
			t.Fatal(err)
		}
		if got := w.all(); len(got) != 1 || got[0] < 2*time.Second || got[0] > 4*time.Second {
			t.Fatalf("waits = %v, want one in [2s, 4s]", got)
		}
	}
}

func TestRetryAfterJitterBounds(t *testing.T) {
	for _, tc := range []struct{ wait, most time.Duration }{
		{0, 0},
		{2 * time.Second, 2 * time.Second},
		{10 * time.Second, 5 * time.Second},
		{60 * time.Second, 5 * time.Second},
	} {
		for i := 0; i < 200; i++ {
			if j := retryAfterJitter(tc.wait); j < 0 || j > tc.most {
				t.Fatalf("retryAfterJitter(%v) = %v, want in [0, %v]", tc.wait, j, tc.most)
			}
		}
	}
}

// waitWarning decides the WARN line: only past 10 s, naming the method, the
// URL, the wait and the reason.
func TestWaitWarning(t *testing.T) {
	const u = "https://cloud.getdbt.com/api/v3/accounts/1/scim/v2/Users"
	if msg, ok := waitWarning("GET", u, 10*time.Second, 429, true); ok {
		t.Fatalf("a 10 s wait warned: %q", msg)
	}
	for _, tc := range []struct {
		status int
		ra     bool
		want   string
	}{
		{429, true, "dbt answered 429 with Retry-After"},
		{503, false, "dbt answered 503"},
		{0, false, "failed without a response"},
	} {
		msg, ok := waitWarning("PATCH", u, 60*time.Second+300*time.Millisecond, tc.status, tc.ra)
		if !ok {
			t.Fatalf("a 60 s wait did not warn (status %d)", tc.status)
		}
		for _, want := range []string{"PATCH " + u, "1m0.3s", tc.want} {
			if !strings.Contains(msg, want) {
				t.Errorf("warning %q lacks %q", msg, want)
			}
		}
	}
}

// The WARN line goes through the transport's masking: a secret in the URL
// is not logged.
func TestWaitWarningMasksSecrets(t *testing.T) {
	const secret = "s3cr3t-path-part"
	srv, _ := statusServer(t, []int{503}, http.Header{"Retry-After": {"30"}})
	c, _ := newTestClient(t, Config{MaxRetries: 1, Secrets: []string{secret}})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	if _, err := c.Do(ctx, Request{Method: "GET", URL: srv.URL + "/" + secret}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `"@level":"warn"`) || !strings.Contains(logs.String(), "GET "+srv.URL+"/***") {
		t.Fatalf("no masked WARN line:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), secret) {
		t.Fatalf("secret logged:\n%s", logs.String())
	}
}

// A 307 to another port on the same loopback address (another origin) gets
// nothing: not the request, and so never the Authorization header. The
// target is a bare listener so that even a connection would be seen.
func TestRedirectToOtherPortGetsNoAuthorization(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int32
	var sawAuth atomic.Bool
	target := &httptest.Server{Listener: ln, Config: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				sawAuth.Store(true)
			}
		}),
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				conns.Add(1)
			}
		},
	}}
	target.Start()
	t.Cleanup(target.Close)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Location", target.URL+r.URL.Path)
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)

	c, _ := newTestClient(t, Config{MaxRetries: 3, Secrets: []string{"tok-123"}})
	for _, method := range []string{"GET", "POST", "PATCH", "DELETE"} {
		_, err := c.Do(context.Background(), Request{Method: method, URL: srv.URL + "/api/v3/accounts/1/",
			Header: http.Header{"Authorization": {"Token tok-123"}}, Body: []byte(`{}`)})
		if err == nil || !strings.Contains(err.Error(), "307") ||
			!strings.Contains(err.Error(), method+" "+srv.URL+"/api/v3/accounts/1/") ||
			!strings.Contains(err.Error(), "Location "+target.URL+"/api/v3/accounts/1/") {
			t.Fatalf("%s: err = %v, want the 307 naming the request URL and the Location", method, err)
		}
		if strings.Contains(err.Error(), "tok-123") {
			t.Fatalf("%s: error carries the token: %v", method, err)
		}
	}
	if n.Load() != 4 {
		t.Fatalf("the configured server got %d requests, want 4 (one per call, none retried)", n.Load())
	}
	if conns.Load() != 0 || sawAuth.Load() {
		t.Fatalf("the other origin got %d connections (Authorization seen: %v)", conns.Load(), sawAuth.Load())
	}
}

func TestRetryAfterBeyondDeadlineReturnsResponseNow(t *testing.T) {
	srv, n := statusServer(t, []int{429, 429}, http.Header{"Retry-After": {"120"}})
	c, w := newTestClient(t, Config{MaxRetries: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := c.Do(ctx, Request{Method: "GET", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || n.Load() != 1 || len(w.all()) != 0 {
		t.Fatalf("got %d after %d attempts and waits %v; want the 429 at once", resp.StatusCode, n.Load(), w.all())
	}
}

// Jitter on a Retry-After wait is never negative and at most as long again
// as the wait, up to 5 s, and it does spread: twenty draws for one second
// are not all alike.
func TestRetryAfterJitterSpreads(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 20 {
		j := retryAfterJitter(time.Second)
		if j < 0 || j > time.Second {
			t.Fatalf("jitter %v for a 1s wait, want within [0, 1s]", j)
		}
		seen[j] = true
		if j := retryAfterJitter(time.Minute); j < 0 || j > 5*time.Second {
			t.Fatalf("jitter %v for a 60s wait, want within [0, 5s]", j)
		}
	}
	if len(seen) < 10 {
		t.Fatalf("20 draws gave %d distinct jitters: not spread", len(seen))
	}
	if retryAfterJitter(0) != 0 {
		t.Fatal("jitter for no wait")
	}
}

func TestBackoffIsExponentialWithJitterWithinBounds(t *testing.T) {
	lo, hi := 100*time.Millisecond, 2*time.Second
	for retry := 0; retry < 10; retry++ {
		ceiling := min(lo<<retry, hi)
		for i := 0; i < 50; i++ {
			d := jitteredBackoff(lo, hi, retry)
			if d < lo || d > ceiling || d < ceiling/2 {
				t.Fatalf("retry %d: %v outside [%v, %v]", retry, d, max(lo, ceiling/2), ceiling)
			}
		}
	}
	if d := jitteredBackoff(lo, hi, 200); d > hi || d < hi/2 {
		t.Fatalf("huge retry number: %v", d)
	}
}

func TestPostNotResentOn5xx(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		srv, n := statusServer(t, []int{status, status}, nil)
		c, _ := newTestClient(t, Config{MaxRetries: 3})
		resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != status || n.Load() != 1 {
			t.Fatalf("POST %d: got %d after %d attempts; a POST answered 5xx must not be re-sent", status, resp.StatusCode, n.Load())
		}
	}
}

func TestPostResentOn429WithSameBody(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		if n.Add(1) == 1 {
			w.WriteHeader(429)
			return
		}
		w.WriteHeader(201)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{MaxRetries: 2})
	resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte(`{"name":"a"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || len(bodies) != 2 || bodies[0] != bodies[1] || bodies[1] != `{"name":"a"}` {
		t.Fatalf("status %d, bodies %q", resp.StatusCode, bodies)
	}
}

func TestPostIdempotentFlagAllowsRetryOn5xx(t *testing.T) {
	srv, n := statusServer(t, []int{500}, nil)
	c, _ := newTestClient(t, Config{MaxRetries: 2})
	resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`), Idempotent: true})
	if err != nil || resp.StatusCode != 200 || n.Load() != 2 {
		t.Fatalf("resp %v err %v attempts %d", resp, err, n.Load())
	}
}

// dropServer reads each request and then closes the connection without
// answering, the first drops times.
func dropServer(t *testing.T, drops int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if n.Add(1) <= drops {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			_ = conn.Close()
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestPostDroppedResponseIsAmbiguousAndNotResent(t *testing.T) {
	srv, n := dropServer(t, 5)
	c, _ := newTestClient(t, Config{MaxRetries: 3})
	_, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL + "/api/v3/accounts/1/scim-config/tokens/", Body: []byte(`{}`)})
	var amb *apierror.AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("want *apierror.AmbiguousError, got %T %v", err, err)
	}
	if amb.Method != "POST" || amb.Path != "/api/v3/accounts/1/scim-config/tokens/" {
		t.Fatalf("ambiguous error names %s %s", amb.Method, amb.Path)
	}
	if got := n.Load(); got != 1 {
		t.Fatalf("POST sent %d times; must not be re-sent after a dropped response", got)
	}
}

func TestGetDroppedResponseRetried(t *testing.T) {
	srv, n := dropServer(t, 2)
	c, _ := newTestClient(t, Config{MaxRetries: 3})
	resp, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL})
	if err != nil || string(resp.Body) != "ok" {
		t.Fatalf("resp %v err %v", resp, err)
	}
	if got := n.Load(); got != 3 {
		t.Fatalf("attempts = %d, want 3", got)
	}
}

func TestDeleteDroppedExhaustedIsAmbiguous(t *testing.T) {
	srv, n := dropServer(t, 10)
	c, _ := newTestClient(t, Config{MaxRetries: 1})
	_, err := c.Do(context.Background(), Request{Method: "DELETE", URL: srv.URL + "/t/1/"})
	if !apierror.IsAmbiguous(err) {
		t.Fatalf("want ambiguous, got %v", err)
	}
	if n.Load() != 2 {
		t.Fatalf("attempts = %d, want 2", n.Load())
	}
}

// A read that fails after it was sent changed nothing: not ambiguous.
func TestGetDroppedExhaustedIsNotAmbiguous(t *testing.T) {
	srv, n := dropServer(t, 10)
	c, _ := newTestClient(t, Config{MaxRetries: 1})
	_, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/t/1/"})
	if err == nil || apierror.IsAmbiguous(err) {
		t.Fatalf("want a plain error, got %v", err)
	}
	if n.Load() != 2 {
		t.Fatalf("attempts = %d, want 2", n.Load())
	}
}

// refusedURL is an address nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr + "/api/v3/x"
}

func TestPostRetriedWhenConnectionRefused(t *testing.T) {
	c, w := newTestClient(t, Config{MaxRetries: 2})
	_, err := c.Do(context.Background(), Request{Method: "POST", URL: refusedURL(t), Body: []byte(`{}`)})
	if err == nil {
		t.Fatal("want an error")
	}
	if apierror.IsAmbiguous(err) {
		t.Fatalf("a refused connection never reached the server, so it is not ambiguous: %v", err)
	}
	if got := len(w.all()); got != 2 {
		t.Fatalf("waits = %d, want 2: a POST that was never sent is safe to retry", got)
	}
}

func TestPostRetriedAfterRefusedThenSucceeds(t *testing.T) {
	// Reserve a port, refuse on it first, then start serving on it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	var n atomic.Int32
	c, _ := newTestClient(t, Config{MaxRetries: 3})
	c.waitHook = func(time.Duration) time.Duration {
		if n.Add(1) == 1 {
			l2, err := net.Listen("tcp", addr)
			if err != nil {
				t.Errorf("re-listen: %v", err)
				return 0
			}
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) })}
			go func() { _ = srv.Serve(l2) }()
			t.Cleanup(func() { _ = srv.Close() })
		}
		return time.Millisecond
	}
	resp, err := c.Do(context.Background(), Request{Method: "POST", URL: "http://" + addr + "/", Body: []byte(`{}`)})
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("resp %v err %v", resp, err)
	}
}

func TestPerAttemptTimeoutOnPostIsAmbiguous(t *testing.T) {
	release := make(chan struct{})
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, _ := newTestClient(t, Config{MaxRetries: 3, RequestTimeout: 50 * time.Millisecond})
	_, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`)})
	if !apierror.IsAmbiguous(err) {
		t.Fatalf("want ambiguous after a timeout on a sent POST, got %v", err)
	}
	if n.Load() != 1 {
		t.Fatalf("POST sent %d times", n.Load())
	}
}

func TestContextCancelStopsWaitPromptly(t *testing.T) {
	srv, n := statusServer(t, []int{503, 503, 503}, http.Header{"Retry-After": {"60"}})
	c := New(Config{MaxRetries: 5, RetryWaitMin: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, Request{Method: "GET", URL: srv.URL})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled wrapped, got %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("took %v to notice cancellation during a 60s Retry-After", el)
	}
	if n.Load() != 1 {
		t.Fatalf("attempts = %d", n.Load())
	}
}

func TestContextCancelStopsAttemptPromptly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{MaxRetries: 5})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, Request{Method: "GET", URL: srv.URL})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled wrapped, got %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("took %v", el)
	}
}

func TestSendsUserAgentAndHeaders(t *testing.T) {
	var ua, custom string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua, custom = r.Header.Get("User-Agent"), r.Header.Get("X-Custom")
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{UserAgent: "terraform-provider-dbt/1.2.3"})
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Header: http.Header{"X-Custom": {"v"}}}); err != nil {
		t.Fatal(err)
	}
	if ua != "terraform-provider-dbt/1.2.3" || custom != "v" {
		t.Fatalf("User-Agent %q, X-Custom %q", ua, custom)
	}
}

func TestMask(t *testing.T) {
	c := New(Config{Secrets: []string{"abc", "", "abcdef"}})
	c.AddSecret("xyz")
	c.AddSecret("")
	if got := c.Mask("token abcdef and abc and xyz and ab"); got != "token *** and *** and *** and ab" {
		t.Fatalf("got %q", got)
	}
}

func TestLogsNeverContainSecrets(t *testing.T) {
	const admin = "admin-secret-0123456789"
	const minted = "dbtc_scim_minted_abcdef"
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(503)
			_, _ = io.WriteString(w, `{"detail":"bad token `+admin+`"}`)
			return
		}
		_, _ = io.WriteString(w, `{"data":{"id":1,"token_string":"`+minted+`","nested":[{"password":"`+minted+`"}]}}`)
	}))
	defer srv.Close()

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c, _ := newTestClient(t, Config{MaxRetries: 2, Subsystem: "dbt_test", Secrets: []string{admin}})
	resp, err := c.Do(ctx, Request{
		Method: "POST", URL: srv.URL + "/tokens/", Idempotent: true,
		Header: http.Header{"Authorization": {"Token " + admin}},
		Body:   []byte(`{"name":"x","echo":"` + admin + `"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Body), minted) {
		t.Fatal("the caller must still get the unmasked body")
	}
	logs := buf.String()
	if !strings.Contains(logs, "Response body") || !strings.Contains(logs, `"attempt":2`) {
		t.Fatalf("expected TRACE body and per-attempt logs, got:\n%s", logs)
	}
	for _, secret := range []string{admin, minted} {
		if strings.Contains(logs, secret) {
			t.Fatalf("secret %q leaked into logs:\n%s", secret, logs)
		}
	}
	if strings.Contains(strings.ToLower(logs), "authorization") {
		t.Fatalf("the Authorization header must never be logged:\n%s", logs)
	}
}

func TestSensitiveRequestBodiesNotLogged(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"value":"unregistered-secret"}`)
	}))
	defer srv.Close()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c, _ := newTestClient(t, Config{})
	if _, err := c.Do(ctx, Request{Method: "POST", URL: srv.URL, Body: []byte(`{"name":"n"}`), Sensitive: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "unregistered-secret") || strings.Contains(buf.String(), "Response body") {
		t.Fatalf("sensitive bodies logged:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "dbt API response") {
		t.Fatalf("the request itself should still be logged:\n%s", buf.String())
	}
}

func TestErrorsDoNotContainSecrets(t *testing.T) {
	const secret = "s3cr3t-in-url"
	c, _ := newTestClient(t, Config{Secrets: []string{secret}})
	_, err := c.Do(context.Background(), Request{Method: "GET", URL: strings.Replace(refusedURL(t), "/api", "/"+secret, 1)})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error leaks secret or is nil: %v", err)
	}
}

func TestRetryPolicyByMethod(t *testing.T) {
	for method, retried := range map[string]bool{
		"GET": true, "HEAD": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true, "POST": false,
	} {
		srv, n := statusServer(t, []int{500}, nil)
		c, _ := newTestClient(t, Config{MaxRetries: 2})
		resp, err := c.Do(context.Background(), Request{Method: method, URL: srv.URL})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		wantAttempts, wantStatus := int32(1), 500
		if retried {
			wantAttempts, wantStatus = 2, 200
		}
		if n.Load() != wantAttempts || resp.StatusCode != wantStatus {
			t.Errorf("%s on 500: %d attempts, final %d; want %d, %d", method, n.Load(), resp.StatusCode, wantAttempts, wantStatus)
		}
	}
}

// truncatingServer promises a longer body than it sends, then closes, the
// first cuts times: the status arrived but the response did not.
func truncatingServer(t *testing.T, cuts int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if n.Add(1) <= cuts {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"data\":")
			_ = buf.Flush()
			_ = conn.Close()
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestTruncatedBody(t *testing.T) {
	srv, n := truncatingServer(t, 1)
	c, _ := newTestClient(t, Config{MaxRetries: 2})
	resp, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL})
	if err != nil || string(resp.Body) != "ok" || n.Load() != 2 {
		t.Fatalf("GET with a cut-off body should be retried: resp %v err %v attempts %d", resp, err, n.Load())
	}

	srv, n = truncatingServer(t, 1)
	_, err = c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`)})
	if !apierror.IsAmbiguous(err) || n.Load() != 1 {
		t.Fatalf("POST with a cut-off body: want ambiguous after 1 attempt, got %v after %d", err, n.Load())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{" 12 ", 12 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"1.5", 0, false},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{now.Add(time.Minute).Format(http.TimeFormat), time.Minute, true},
		{"Sunday, 01-Mar-26 12:00:30 GMT", 30 * time.Second, true}, // RFC 850
		{"Sun Mar  1 12:00:45 2026", 45 * time.Second, true},       // asctime
		{"99999999999999", 24 * time.Hour, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRetryAfterIgnoredOnOtherStatuses(t *testing.T) {
	srv, _ := statusServer(t, []int{500}, http.Header{"Retry-After": {"60"}})
	c, w := newTestClient(t, Config{MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 3 * time.Millisecond})
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if got := w.all(); len(got) != 1 || got[0] > 3*time.Millisecond {
		t.Fatalf("waits %v: Retry-After is for 429/503 only", got)
	}
}

func TestRedactJSON(t *testing.T) {
	in := `{"data":{"id":1,"token_string":"v1","name":"okta","list":[{"password":"p"},{"Authorization":"Token x"}],"refresh_token":""}}`
	out := string(redactJSON([]byte(in)))
	for _, leaked := range []string{`"v1"`, `"p"`, `Token x`} {
		if strings.Contains(out, leaked) {
			t.Fatalf("%s leaked in %s", leaked, out)
		}
	}
	if !strings.Contains(out, `"name":"okta"`) || !strings.Contains(out, `"id":1`) {
		t.Fatalf("harmless fields must stay: %s", out)
	}
	if got := string(redactJSON([]byte("plain text"))); got != "plain text" {
		t.Fatalf("non-JSON body changed: %q", got)
	}
}

func TestDefaults(t *testing.T) {
	c := New(Config{MaxRetries: -3, RetryWaitMin: time.Minute, RetryWaitMax: time.Second})
	if c.cfg.MaxRetries != 0 || c.cfg.RequestTimeout != defaultRequestTimeout || c.cfg.RetryWaitMax != time.Minute ||
		c.cfg.MaxRetryAfter != defaultMaxRetryAfter || c.cfg.UserAgent == "" || c.cfg.Subsystem == "" || c.http.Timeout != defaultRequestTimeout {
		t.Fatalf("%+v", c.cfg)
	}
}

// A 429 was not processed, so it is retried up to three times MaxRetries;
// every other failure only MaxRetries times.
func TestRateLimitGetsMoreRetries(t *testing.T) {
	rep := func(status, n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = status
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		statuses []int
		method   string
		wantCode int
		attempts int32
	}{
		{"429 six times, then through", rep(429, 6), "POST", 200, 7},
		{"429 seven times: given up", rep(429, 7), "POST", 429, 7},
		{"503 twice, then through", rep(503, 2), "GET", 200, 3},
		{"503 three times: given up", rep(503, 3), "GET", 503, 3},
		{"429 then 503 past MaxRetries: given up", append(rep(429, 2), 503, 503), "GET", 503, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n := statusServer(t, tc.statuses, nil)
			c, _ := newTestClient(t, Config{MaxRetries: 2})
			resp, err := c.Do(context.Background(), Request{Method: tc.method, URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.wantCode || n.Load() != tc.attempts {
				t.Fatalf("status %d after %d attempts, want %d after %d", resp.StatusCode, n.Load(), tc.wantCode, tc.attempts)
			}
		})
	}
}

// An excerpt is masked before it is cut: a secret that straddles the cut
// leaves no piece of itself behind, and the cut never splits a character.
func TestExcerptMasksBeforeCutting(t *testing.T) {
	const secret = "scimtoken-0123456789abcdef"
	c := New(Config{Secrets: []string{secret}})
	body := []byte(strings.Repeat("é", 95) + " " + secret + " and more")
	got := c.Excerpt(body, 200)
	if strings.Contains(got, "scimtoken") || strings.Contains(got, "0123") {
		t.Errorf("excerpt leaks part of the secret: %q", got)
	}
	if !utf8.ValidString(got) {
		t.Errorf("excerpt split a character: %q", got)
	}
	if got := c.Excerpt([]byte("a\n  b"), 200); got != "a b" {
		t.Errorf("short body: %q", got)
	}
}
