// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package transport is the one retrying HTTP transport behind the dbt admin
// and SCIM clients. It is a go-retryablehttp Client with our own retry and
// backoff policies:
//
//   - Idempotent methods (GET, HEAD, PUT, DELETE, PATCH, OPTIONS) retry on
//     429, 500, 502, 503, 504 and on transport errors.
//   - A POST is re-sent only when the server provably did not process it: a
//     429, or a connection that failed before any byte of the request was
//     written. A POST answered with a 5xx is returned to the caller, and one
//     that failed after it was written comes back as *apierror.AmbiguousError,
//     so the caller can reconcile instead of creating a duplicate.
//   - Waits back off exponentially with jitter and honour Retry-After on 429
//     and 503, and every wait and attempt honours the request context.
//   - Every log line goes through tflog with all known secrets masked; the
//     Authorization header is never logged and bodies only at TRACE.
package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
)

const (
	defaultRequestTimeout = 60 * time.Second
	defaultRetryWaitMin   = 1 * time.Second
	defaultRetryWaitMax   = 30 * time.Second
	defaultMaxRetryAfter  = 60 * time.Second
	// rateLimitRetryFactor: a request refused with 429 is retried up to this
	// many times MaxRetries.
	rateLimitRetryFactor = 3
	// warnWait is the wait above which a retry is logged at WARN: a user
	// watching a slow apply should learn why it is waiting.
	warnWait = 10 * time.Second
	// maxRetryAfterJitter bounds what is added to a Retry-After wait.
	maxRetryAfterJitter = 5 * time.Second
	defaultUserAgent    = "terraform-provider-dbt"
	defaultSubsystem    = "dbt_http"

	// maxResponseBytes bounds what a misbehaving server can make us buffer.
	maxResponseBytes = 32 << 20
	// maxLoggedBody bounds a TRACE body so one huge page does not flood logs.
	maxLoggedBody = 8 << 10

	masked = "***"
)

// Config configures a Client. Zero values select the documented defaults.
type Config struct {
	MaxRetries     int           // retries after the first attempt (0 = no retries); a 429 gets 3× as many
	RequestTimeout time.Duration // per attempt; 0 = 60s
	RetryWaitMin   time.Duration // default 1s
	RetryWaitMax   time.Duration // default 30s; Retry-After may exceed it up to MaxRetryAfter
	MaxRetryAfter  time.Duration // cap on an honoured Retry-After, default 60s
	UserAgent      string        // sent as User-Agent
	Subsystem      string        // tflog subsystem, e.g. "dbt_admin" / "dbt_scim"
	Secrets        []string      // masked in every log line from the start
}

// Client sends requests with retries. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client

	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is masked whole

	// Test seams: the clock used for HTTP-date Retry-After values, and a hook
	// that observes every computed wait and returns the wait actually used.
	now      func() time.Time
	waitHook func(wait time.Duration) time.Duration
}

// Request is one HTTP request. Body is re-sent as is on every attempt.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte

	// Idempotent marks a non-idempotent method (a POST) as safe to re-send,
	// e.g. an upsert that sets the same values every time.
	Idempotent bool
	// Sensitive keeps the request and response bodies out of the logs
	// entirely, for responses that carry a secret the caller has not yet
	// registered with AddSecret (a freshly minted token).
	Sensitive bool
}

// Response is a complete HTTP response with its body read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// Attempts is how many times the request was sent, retries included.
	Attempts int
}

// New returns a Client for cfg.
func New(cfg Config) *Client {
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = defaultRequestTimeout
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = defaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = defaultRetryWaitMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = defaultMaxRetryAfter
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent
	}
	if cfg.Subsystem == "" {
		cfg.Subsystem = defaultSubsystem
	}
	c := &Client{
		cfg: cfg,
		http: &http.Client{
			Transport: cleanhttp.DefaultPooledTransport(),
			// http.Client.Timeout covers one attempt, body included: that is
			// the per-attempt timeout, while ctx bounds the whole call.
			Timeout: cfg.RequestTimeout,
			// No redirect is followed: it could take the Authorization
			// header to another origin (or to cleartext), and a 301/302
			// turns a DELETE or PATCH into a GET that "succeeds". Do turns
			// the 3xx into an error naming where it pointed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		now: time.Now,
	}
	for _, s := range cfg.Secrets {
		c.AddSecret(s)
	}
	c.cfg.Secrets = nil
	return c
}

// AddSecret masks s in every log line and error message from now on. Call it
// as soon as a secret (a minted token value) is known, before logging it.
func (c *Client) AddSecret(s string) {
	if s == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, have := range c.secrets {
		if have == s {
			return
		}
	}
	c.secrets = append(c.secrets, s)
	sort.SliceStable(c.secrets, func(i, j int) bool { return len(c.secrets[i]) > len(c.secrets[j]) })
}

// Mask replaces every known secret in s with "***".
func (c *Client) Mask(s string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, secret := range c.secrets {
		s = strings.ReplaceAll(s, secret, masked)
	}
	return s
}

// Excerpt is a short, single-line piece of a body for an error message:
// masked first, so that no secret is cut in two and slips past the mask,
// then cut to at most n bytes on a character boundary.
func (c *Client) Excerpt(body []byte, n int) string {
	s := strings.Join(strings.Fields(c.Mask(string(body))), " ")
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func (c *Client) secretList() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]string(nil), c.secrets...)
}

// call is the state of one Do across its attempts.
type call struct {
	method     string
	path       string
	url        string // scheme://host/path, masked, without userinfo or query: for messages
	idempotent bool
	sensitive  bool

	attempt atomic.Int32 // 1-based number of the current attempt
	started time.Time
	// wrote is set as soon as any byte of the current attempt's request is
	// handed to the connection: from then on the server may have seen it.
	wrote atomic.Bool
	// sentThenFailed records that the latest attempt failed at the transport
	// level after writing: the outcome is unknown.
	sentThenFailed atomic.Bool

	readMu   sync.Mutex
	readResp *http.Response
	readBody []byte
	readErr  error
}

// Do sends req, retrying per the package policy. When retries are exhausted
// it returns the last response (not an error) if there was one, so callers can
// build typed errors; transport failures come back as errors, an
// *apierror.AmbiguousError when the request may have reached the server.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		// url.Parse echoes the URL, which could carry credentials.
		return nil, fmt.Errorf("%s: invalid request URL: %s", method, c.Mask(err.Error()))
	}
	cl := &call{
		method:     method,
		path:       c.Mask(u.Path),
		url:        c.Mask(redactURL(req.URL)),
		idempotent: req.Idempotent || isIdempotent(method),
		sensitive:  req.Sensitive,
	}
	ctx = c.logContext(ctx)

	trace := &httptrace.ClientTrace{
		WroteHeaderField: func(string, []string) { cl.wrote.Store(true) },
		WroteHeaders:     func() { cl.wrote.Store(true) },
		WroteRequest:     func(httptrace.WroteRequestInfo) { cl.wrote.Store(true) },
	}
	var body any
	if req.Body != nil {
		body = req.Body
	}
	rreq, err := retryablehttp.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, req.URL, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building request: %s", method, cl.path, c.Mask(err.Error()))
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			rreq.Header.Add(k, v)
		}
	}
	if rreq.Header.Get("User-Agent") == "" {
		rreq.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	rreq.SetResponseHandler(func(resp *http.Response) error { return c.readInto(cl, resp) })

	rc := &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		RetryMax:     c.cfg.MaxRetries * rateLimitRetryFactor, // checkRetry holds other failures to MaxRetries
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, retry int) {
			cl.attempt.Store(int32(retry + 1)) //nolint:gosec // retry is bounded by MaxRetries, at most 20
			cl.wrote.Store(false)
			cl.sentThenFailed.Store(false)
			cl.started = time.Now()
			c.logAttempt(ctx, cl, req.Body)
		},
		CheckRetry: func(rctx context.Context, resp *http.Response, err error) (bool, error) {
			return c.checkRetry(rctx, cl, resp, err)
		},
		Backoff: func(min, max time.Duration, retry int, resp *http.Response) time.Duration {
			return c.backoff(ctx, cl, min, max, retry, resp)
		},
		// Hand back the last response or error untouched: Do decides.
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) { return resp, err },
	}

	hresp, err := rc.Do(rreq) //nolint:bodyclose // bodyOf reads and closes it
	if hresp != nil {
		b, rerr := c.bodyOf(cl, hresp)
		if rerr == nil && ctx.Err() != nil && isRetryableStatus(hresp.StatusCode) {
			// Cancelled while we would have retried: report the cancellation.
			rerr = ctx.Err()
		}
		if rerr != nil {
			return nil, c.transportError(ctx, cl, rerr)
		}
		c.logBody(ctx, cl, "Response body", b)
		if hresp.StatusCode >= 300 && hresp.StatusCode < 400 {
			return nil, c.redirectError(cl, hresp)
		}
		return &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: b, Attempts: int(cl.attempt.Load())}, nil
	}
	if err == nil {
		err = errors.New("no response")
	}
	return nil, c.transportError(ctx, cl, err)
}

// redirectError describes a 3xx, which is never followed.
func (c *Client) redirectError(cl *call, resp *http.Response) error {
	where := "no Location"
	if loc := resp.Header.Get("Location"); loc != "" {
		where = "Location " + redactURL(loc)
	}
	// The whole request URL (host included) is named: the fix is to
	// change the configured address, so the user must see which one.
	return fmt.Errorf("dbt API: %s %s answered %s (%s). The provider does not follow redirects: one could "+
		"carry its credentials to another address or turn a write into a read. Set host_url (or scim_base_url) "+
		"to the address that answers directly", cl.method, cl.url, resp.Status, c.Mask(where))
}

// redactURL drops the userinfo, query and fragment of a URL for an error
// message: a redirect's target is someone else's to fill.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// transportError turns a failure without a usable response into the error Do
// returns: context cancellation stays matchable with errors.Is, and anything
// that may have reached the server is an *apierror.AmbiguousError.
func (c *Client) transportError(ctx context.Context, cl *call, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%v)", ctxErr, err) //nolint:errorlint // cancellation is what callers match
	}
	err = &maskedError{msg: c.Mask(err.Error()), err: err}
	// A read changes nothing, so its failure is never ambiguous: callers
	// (and users) are told to reconcile only where a write may have happened.
	if cl.sentThenFailed.Load() && cl.method != http.MethodGet && cl.method != http.MethodHead {
		return &apierror.AmbiguousError{Method: cl.method, Path: cl.path, Err: err}
	}
	return fmt.Errorf("dbt API: %s %s: %w", cl.method, cl.path, err)
}

// checkRetry is the retry policy. It also logs each attempt's outcome.
func (c *Client) checkRetry(ctx context.Context, cl *call, resp *http.Response, err error) (bool, error) {
	attempt := int(cl.attempt.Load())
	if err != nil {
		sent := cl.wrote.Load() || resp != nil
		cl.sentThenFailed.Store(sent)
		c.debug(ctx, "dbt API request failed", map[string]any{
			"method": cl.method, "path": cl.path, "attempt": attempt,
			"sent": sent, "error": c.Mask(err.Error()),
		})
	} else if resp != nil {
		cl.sentThenFailed.Store(false)
		c.debug(ctx, "dbt API response", map[string]any{
			"method": cl.method, "path": cl.path, "attempt": attempt,
			"status": resp.StatusCode, "duration_ms": time.Since(cl.started).Milliseconds(),
		})
	}

	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	// A 429 was not processed, so it may be retried more often than other
	// failures: under a rate limit shared by many parallel requests, a few
	// are refused several times in a row before their turn comes.
	if attempt > c.cfg.MaxRetries && (resp == nil || resp.StatusCode != http.StatusTooManyRequests) {
		return false, nil
	}
	if err != nil {
		if cl.sentThenFailed.Load() && !cl.idempotent {
			return false, nil
		}
		// Reuse retryablehttp's judgement of which transport errors are
		// permanent (bad scheme, TLS verification, redirect loops).
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		if !retry {
			return false, nil
		}
		return true, nil
	}
	if resp == nil {
		return false, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		// A 429 means the request was not processed: safe for any method.
		return c.retryAfterFits(ctx, resp), nil
	case http.StatusServiceUnavailable:
		return cl.idempotent && c.retryAfterFits(ctx, resp), nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return cl.idempotent, nil
	}
	return false, nil
}

// retryAfterFits reports false when the server asks us to wait past the
// context deadline: returning its answer now beats failing at the deadline.
func (c *Client) retryAfterFits(ctx context.Context, resp *http.Response) bool {
	wait, ok := c.retryAfter(resp)
	if !ok {
		return true
	}
	deadline, has := ctx.Deadline()
	return !has || time.Now().Add(wait).Before(deadline)
}

// retryAfter is the honoured Retry-After of a 429 or 503, capped.
func (c *Client) retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
	if !ok {
		return 0, false
	}
	return min(d, c.cfg.MaxRetryAfter), true
}

// parseRetryAfter reads delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// backoff computes the wait before retry number retry+1.
func (c *Client) backoff(ctx context.Context, cl *call, lo, hi time.Duration, retry int, resp *http.Response) time.Duration {
	wait, fromHeader := c.retryAfter(resp)
	if fromHeader {
		// Never sooner than asked; a little later, so that clients told
		// the same second do not all come back in it.
		wait += retryAfterJitter(wait)
	} else {
		wait = jitteredBackoff(lo, hi, retry)
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	fields := map[string]any{
		"method": cl.method, "path": cl.path, "url": cl.url, "attempt": int(cl.attempt.Load()),
		"wait_ms": wait.Milliseconds(), "retry_after": fromHeader, "reason": waitReason(status, fromHeader),
	}
	if resp != nil {
		fields["status"] = status
	}
	if msg, warn := waitWarning(cl.method, cl.url, wait, status, fromHeader); warn {
		tflog.SubsystemWarn(ctx, c.cfg.Subsystem, c.Mask(msg), fields)
	} else {
		c.debug(ctx, "Retrying dbt API request", fields)
	}
	if c.waitHook != nil {
		wait = c.waitHook(wait)
	}
	return wait
}

// waitWarning returns the WARN line for a retry wait longer than warnWait,
// naming the request, the wait and why; ok is false for shorter waits, which
// are logged at DEBUG. url must already be masked.
func waitWarning(method, url string, wait time.Duration, status int, fromRetryAfter bool) (msg string, ok bool) {
	if wait <= warnWait {
		return "", false
	}
	return fmt.Sprintf("Waiting %s before retrying %s %s: %s", wait.Round(100*time.Millisecond), method, url,
		waitReason(status, fromRetryAfter)), true
}

// waitReason says why a retry waits: the status, and whether the server set
// the wait with Retry-After.
func waitReason(status int, fromRetryAfter bool) string {
	switch {
	case status == 0:
		return "the request failed without a response"
	case fromRetryAfter:
		return fmt.Sprintf("dbt answered %d with Retry-After", status)
	default:
		return fmt.Sprintf("dbt answered %d", status)
	}
}

// retryAfterJitter spreads clients told the same Retry-After over as long
// again, up to maxRetryAfterJitter: Retry-After is whole seconds, and twenty
// requests refused in one second that all came back exactly one second
// later would mostly be refused again (TestAccConcurrency_rateLimitedApply
// failed that way). It is never negative: no retry comes sooner than asked.
func retryAfterJitter(wait time.Duration) time.Duration {
	j := min(wait, maxRetryAfterJitter)
	if j <= 0 {
		return 0
	}
	return rand.N(j + 1)
}

// jitteredBackoff doubles from lo up to hi, then picks uniformly in the upper
// half so that concurrent clients do not retry in lockstep.
func jitteredBackoff(lo, hi time.Duration, retry int) time.Duration {
	d := lo
	for i := 0; i < retry && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	half := d / 2
	if half <= 0 {
		return d
	}
	return max(half+rand.N(half+1), lo)
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodPatch:
		return true
	}
	return false
}

func isRetryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// readInto reads a final response's body during the attempt, so that a body
// cut off mid-read counts as a failure of that attempt and is retried like
// any other for idempotent requests.
func (c *Client) readInto(cl *call, resp *http.Response) error {
	b, err := readAll(resp)
	cl.readMu.Lock()
	cl.readResp, cl.readBody, cl.readErr = resp, b, err
	cl.readMu.Unlock()
	return err
}

func (c *Client) bodyOf(cl *call, resp *http.Response) ([]byte, error) {
	cl.readMu.Lock()
	if cl.readResp == resp {
		b, err := cl.readBody, cl.readErr
		cl.readMu.Unlock()
		return b, err
	}
	cl.readMu.Unlock()
	// The retries ran out on a retryable status: its body was not read yet.
	return readAll(resp)
}

func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading response body: %w", err)
	}
	if len(b) > maxResponseBytes {
		return nil, fmt.Errorf("response body larger than %d bytes", maxResponseBytes)
	}
	return b, nil
}

// logContext registers the subsystem on ctx (lazily, per call) with every
// known secret masked, at the root too, for anything logged further down.
func (c *Client) logContext(ctx context.Context) context.Context {
	sub := c.cfg.Subsystem
	ctx = tflog.NewSubsystem(ctx, sub, tflog.WithLevelFromEnv("TF_LOG_PROVIDER", sub), tflog.WithRootFields())
	if secrets := c.secretList(); len(secrets) > 0 {
		ctx = tflog.SubsystemMaskLogStrings(ctx, sub, secrets...)
		ctx = tflog.MaskLogStrings(ctx, secrets...)
	}
	return ctx
}

func (c *Client) debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(ctx, c.cfg.Subsystem, c.Mask(msg), fields)
}

func (c *Client) logAttempt(ctx context.Context, cl *call, body []byte) {
	c.debug(ctx, "Sending dbt API request", map[string]any{
		"method": cl.method, "path": cl.path, "attempt": int(cl.attempt.Load()),
	})
	c.logBody(ctx, cl, "Request body", body)
}

// logBody logs a body at TRACE: masked with the known secrets and, for JSON,
// with the values of secret-looking fields replaced, since a response can
// carry a secret the caller has not registered yet.
func (c *Client) logBody(ctx context.Context, cl *call, msg string, body []byte) {
	if cl.sensitive || len(body) == 0 || !tflog.SubsystemIsTrace(ctx, c.cfg.Subsystem) {
		return
	}
	text := c.Mask(string(redactJSON(body)))
	if len(text) > maxLoggedBody {
		text = text[:maxLoggedBody] + "…(truncated)"
	}
	tflog.SubsystemTrace(ctx, c.cfg.Subsystem, msg, map[string]any{
		"method": cl.method, "path": cl.path, "body": text,
	})
}

var secretKey = regexp.MustCompile(`(?i)token|secret|password|authorization|credential`)

// redactJSON replaces string values of secret-looking keys. Non-JSON bodies
// come back unchanged (they are still masked with the known secrets).
func redactJSON(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body
	}
	if !redactValue(v) {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

func redactValue(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if s, ok := val.(string); ok && s != "" && secretKey.MatchString(k) {
				t[k] = masked
				changed = true
				continue
			}
			changed = redactValue(val) || changed
		}
	case []any:
		for _, val := range t {
			changed = redactValue(val) || changed
		}
	}
	return changed
}

// maskedError carries a masked message while keeping the original error
// reachable for errors.Is / errors.As.
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }
