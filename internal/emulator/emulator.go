// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package emulator is a local stand-in for the SCIM side of the dbt platform:
// the admin API that configures SCIM and mints SCIM tokens, and the SCIM 2.0
// protocol surface that identity providers (Okta, Entra ID) talk to.
//
// It exists so that the provider's acceptance tests and demo run without a dbt
// account, and so tests can do what a real account cannot: inspect server
// state, change it out of band (drift), and inject faults such as slow
// responses, 429s with Retry-After, or connections dropped after a write.
//
// The emulator is an http.Handler; Start wraps it in a real TCP server because
// the fault kinds that drop connections only make sense on a real socket.
//
// Behaviour worth knowing when writing tests against it:
//
//   - Paths: /api/v3/accounts/{id}/scim-config/[tokens/[{id}/]] (admin API,
//     dbt's envelope, "Token" or "Bearer" admin token) and
//     /api/v3/accounts/{id}/scim/v2/... (RFC 7644, Bearer SCIM token).
//     Trailing slashes are optional everywhere.
//   - Check order. Admin: 401 token, 404 account, 403 plan, 405 method.
//     SCIM: 404 account, 403 plan, 401 token, 403 SCIM disabled. Every
//     successful SCIM authentication stamps the token's last_used.
//   - User ids count from 1001 and group ids from 900001, so a user id used
//     as a group id is a 404 rather than a wrong object.
//   - Users: userName must contain "@" and equal any work email; it is
//     unique case-insensitively (409 uniqueness), as is a group's
//     displayName. licenseType defaults to "developer" on SCIM create and is
//     kept by a PUT that omits it; a licenseType sent over SCIM counts only
//     while scim_controlled_license_type is on (otherwise a new user gets
//     "developer" and an existing one keeps theirs), and "analyst" is refused
//     with Config.NoAnalystLicenses; a user with no license (set through
//     CreateUserDirect/UpdateUserDirect, or invited with
//     Config.InviteNewUsers and not yet AcceptInvitation) cannot join a
//     group ("All users must have licenses on the account", 400, naming no
//     one, as dbt's FAQ implies).
//   - dbt's SCIM FAQ: a SCIM create links a dbt user SCIM does not manage
//     yet (User.Unmanaged) when userName equals their email exactly,
//     including case (201, their id, licence and groups kept); differing
//     only in case is a 409. A group made in dbt (CreateDBTGroup) is linked
//     by exact name the same way.
//   - dbt's Set up SCIM page: Okta's Import Users brings back "previously
//     deleted users". A DELETEd user is gone by id and from filtered lists
//     (as Entra ID checks after a DELETE), but the plain listing keeps an
//     inactive record of them (User.Deleted, DeletedUsers), which a create
//     of exactly their userName brings back with its id.
//   - POST answers 201 with Location; PUT replaces (a group PUT without
//     members empties the group); PATCH is atomic and answers 200 with the
//     resource (Config.PatchNoContent: 204). Removing a non-member succeeds
//     unless Config.StrictMemberRemoval. Attributes dbt does not keep
//     (displayName, title, the enterprise extension, ...) are accepted and
//     dropped; unknown ones in a PATCH path are 400 invalidPath.
//   - Lists are in creation order; startIndex < 1 is 1; count is capped at
//     1000 (the advertised filter.maxResults) and defaults to 100.
//   - The request log is complete by the time the client has the response.
//   - Config.Spec checks every write against dbt's OpenAPI spec (the subset
//     embedded from spec/): no query string on a write, and a body the
//     operation's schema accepts. SpecEnforce answers 400 and records the
//     violation (SpecViolations); answers are checked too (a SCIM resource as
//     the envelope's data, a list's resources as the spec's list's data;
//     projections and discovery documents not) and only recorded; the provider's acceptance tests, the bench
//     and cmd/dbt-emulator run with it. The zero value checks nothing, for
//     tests of IdP quirks dbt's spec does not draw.
//   - Order of misbehaviour: the rate limit (SetRateLimit) first, then an
//     injected Fault, then chaos (SetChaos: random faults at set rates,
//     the same sequence for the same seed). Each request meets at most one.
package emulator

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Plans the emulator understands. SCIM is an Enterprise feature in dbt; on a
// Team plan every SCIM endpoint refuses with 403.
const (
	PlanEnterprise = "enterprise"
	PlanTeam       = "team"
)

// Defaults applied by New for zero Config fields.
const (
	DefaultAccountID  int64 = 1
	DefaultAdminToken       = "dbt-admin-token" //nolint:gosec // the emulator's well-known local default
)

// maxBodyBytes bounds request bodies. It is generous because a group push of
// 50,000 members is a few megabytes of JSON.
const maxBodyBytes = 64 << 20

// Config configures an Emulator. The zero value is a usable Enterprise
// account 1 with admin token DefaultAdminToken.
type Config struct {
	AccountID  int64            // default 1
	AdminToken string           // default "dbt-admin-token"
	Plan       string           // "enterprise" (default) | "team"
	Now        func() time.Time // optional; the source of created_at, last_used and meta timestamps

	// PatchNoContent makes SCIM PATCH answer 204 with no body instead of 200
	// with the resource. RFC 7644 §3.5.2 allows both, so clients must not
	// depend on the body; this flag lets tests prove they don't.
	PatchNoContent bool

	// StrictMemberRemoval makes a PATCH that removes a user who is not a
	// member answer 400 noTarget, as RFC 7644 §3.5.2 permits, instead of
	// treating the removal as already done. Clients that re-send a PATCH
	// after a lost response must cope with servers that do this.
	StrictMemberRemoval bool

	// MaxPageSize is the most resources a SCIM list returns in one page,
	// whatever count asks for, and the filter.maxResults it advertises
	// (default 1000). A lower one stands in for a server stricter than the
	// emulator, which clients must page through all the same.
	MaxPageSize int

	// NoAnalystLicenses stands for a plan without Analyst licenses: SCIM
	// refuses licenseType "analyst" (400), as dbt documents.
	NoAnalystLicenses bool

	// InviteNewUsers models dbt's invitations: a user created over SCIM
	// who is new to dbt gets an email invitation and holds no license, so
	// cannot join a group ("All users must have licenses on the account"),
	// until AcceptInvitation (dbt's SCIM FAQ). Off, new users stand for
	// users who accept at once.
	InviteNewUsers bool

	// Spec says whether writes are checked against dbt's OpenAPI spec
	// (specvalidate.go): off (the zero value), recorded, or refused with 400.
	Spec SpecMode
}

// Emulator is the in-memory dbt account. All methods are safe for concurrent
// use: Terraform runs up to ten requests in parallel.
type Emulator struct {
	accountID      int64
	adminToken     string
	now            func() time.Time
	patchNoContent bool
	strictRemoval  bool
	maxPageSize    int
	spec           SpecMode
	noAnalyst      bool
	inviteNewUsers bool

	mu             sync.Mutex
	specViolations []SpecViolation
	plan           string
	scimConfig     SCIMConfig
	tokens         map[int64]*Token
	tokenByHash    map[string]int64
	nextTokenID    int64
	faults         []Fault

	// chaos holds the random faults and the rate limiter (chaos.go).
	chaos chaosState

	// The request log has a lock of its own because it is written while
	// handlers hold mu, as their responses go out.
	logMu    sync.Mutex
	requests []Request
	// logGeneration invalidates in-flight log slots across ResetRequests.
	logGeneration int
	dir           *directory
}

// New returns an emulator for one account. It panics on an unknown plan,
// which can only be a mistake in the calling test or flag validation.
func New(cfg Config) *Emulator {
	if cfg.AccountID == 0 {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.AdminToken == "" {
		cfg.AdminToken = DefaultAdminToken
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxPageSize <= 0 {
		cfg.MaxPageSize = maxPageSize
	}
	e := &Emulator{
		accountID:      cfg.AccountID,
		adminToken:     cfg.AdminToken,
		now:            cfg.Now,
		patchNoContent: cfg.PatchNoContent,
		strictRemoval:  cfg.StrictMemberRemoval,
		maxPageSize:    cfg.MaxPageSize,
		spec:           cfg.Spec,
		noAnalyst:      cfg.NoAnalystLicenses,
		inviteNewUsers: cfg.InviteNewUsers,
		plan:           mustPlan(cfg.Plan),
		tokens:         map[int64]*Token{},
		tokenByHash:    map[string]int64{},
		nextTokenID:    1,
		dir:            newDirectory(),
	}
	return e
}

func mustPlan(plan string) string {
	switch plan {
	case "", PlanEnterprise:
		return PlanEnterprise
	case PlanTeam:
		return PlanTeam
	}
	panic(fmt.Sprintf("emulator: unknown plan %q (want %q or %q)", plan, PlanEnterprise, PlanTeam))
}

// AccountID is the one account this emulator serves; any other account id in
// a path is a 404.
func (e *Emulator) AccountID() int64 { return e.accountID }

// AdminToken is the token the admin API accepts.
func (e *Emulator) AdminToken() string { return e.adminToken }

// SetPlan switches the account between "enterprise" and "team", e.g. to test
// how the provider reports a downgrade. It panics on any other value.
func (e *Emulator) SetPlan(plan string) {
	p := mustPlan(plan)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.plan = p
}

// Plan reports the current plan.
func (e *Emulator) Plan() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.plan
}

// ServeHTTP logs the request, refuses it when over the rate limit, applies
// the first matching fault or else a chaos fault, and otherwise routes it to
// the admin or SCIM handlers.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Date on the emulator's own clock, the one it dates its objects with,
	// as a server does (net/http would otherwise set the machine's).
	w.Header().Set("Date", e.now().UTC().Format(http.TimeFormat))
	// Read the whole body up front: the request log needs its size even when
	// a fault means no handler reads it, and handlers get it as bytes.
	if r.Body == nil { // possible when called as a plain handler
		r.Body = http.NoBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	r.Body = io.NopCloser(bytes.NewReader(body))

	// The log entry is filled in as the response is written, before the
	// bytes reach the client, so a test that reads Requests() right after
	// its call returns (or fails) sees the complete entry.
	slot := e.logStart(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, BodyBytes: len(body)})
	rw := &recordingWriter{ResponseWriter: w, e: e, slot: slot}

	if err != nil {
		e.writeError(rw, r, http.StatusRequestEntityTooLarge, "The request body is too large.", err.Error())
		return
	}

	if e.rateLimited(rw, r) || e.specGate(rw, r, body) {
		return
	}
	f, ok := e.takeFault(r)
	if !ok {
		f, ok = e.chaosFault(r)
	}
	if ok {
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				// The client gave up (its own timeout); there is nobody to answer.
				t.Stop()
				return
			}
		}
		switch {
		case f.ResetBefore:
			e.logDropped(slot, 0)
			abortConnection(w)
			return
		case f.Status != 0:
			if f.RetryAfter != "" {
				rw.Header().Set("Retry-After", f.RetryAfter)
			}
			e.writeError(rw, r, f.Status, faultMessage(f.Status), "injected fault")
			return
		case f.DropResponse:
			// The handler runs for real, so the state change happens, but
			// the client never learns of it: the case that makes retried
			// POSTs create duplicates.
			discard := &recordingWriter{ResponseWriter: newDiscardWriter()}
			e.route(discard, r, body)
			e.logDropped(slot, discard.status)
			abortConnection(w)
			return
		}
	}
	if e.spec == SpecOff {
		e.route(rw, r, body)
		return
	}
	cw := &capturingWriter{ResponseWriter: rw}
	e.route(cw, r, body)
	e.specCheckResponse(r, cw)
}

func faultMessage(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "Too many requests. Please slow down and retry later."
	case http.StatusServiceUnavailable:
		return "The service is temporarily unavailable. Please retry later."
	}
	if t := http.StatusText(status); t != "" {
		return t + "."
	}
	return "Injected error."
}

// route dispatches on the path. Every path lives under
// /api/v3/accounts/{account_id}/; the account is checked by each surface
// because the admin API and SCIM order their checks differently.
func (e *Emulator) route(w http.ResponseWriter, r *http.Request, body []byte) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v3/accounts/")
	if !ok {
		e.writeAdminError(w, http.StatusNotFound, msgNotFound, "no route for "+r.URL.Path)
		return
	}
	acct, rest, _ := strings.Cut(rest, "/")
	segs := splitPath(rest)
	switch {
	case len(segs) >= 1 && segs[0] == "scim-config":
		e.serveAdmin(w, r, acct, segs[1:], body)
	case len(segs) >= 2 && segs[0] == "scim" && segs[1] == "v2":
		e.serveSCIM(w, r, acct, segs[2:], body)
	default:
		e.writeAdminError(w, http.StatusNotFound, msgNotFound, "no route for "+r.URL.Path)
	}
}

// splitPath splits a path remainder into segments, ignoring the trailing
// slash so that both ".../tokens" and ".../tokens/" route the same.
func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// knownAccount reports whether the account segment of a path names this
// emulator's account.
func (e *Emulator) knownAccount(seg string) bool {
	id, err := strconv.ParseInt(seg, 10, 64)
	return err == nil && id == e.accountID
}

// isSCIMPath tells which error body a path gets: SCIM clients expect the
// RFC 7644 error schema, admin clients expect dbt's envelope.
func isSCIMPath(p string) bool {
	return strings.Contains(p, "/scim/v2/") || strings.HasSuffix(p, "/scim/v2")
}

// writeError answers in whichever error format the path calls for.
func (e *Emulator) writeError(w http.ResponseWriter, r *http.Request, status int, userMsg, devMsg string) {
	if isSCIMPath(r.URL.Path) {
		writeSCIMError(w, status, "", userMsg)
		return
	}
	e.writeAdminError(w, status, userMsg, devMsg)
}
