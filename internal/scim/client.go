// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
	"github.com/dbt-scim/terraform-provider-dbt/internal/transport"
)

// DefaultPageSize is how many resources a list asks for per page. A server
// with a lower maximum returns fewer (RFC 7644 §3.4.2.4: it MAY return fewer,
// MUST NOT return more), and listAll advances by what came back, so asking
// for many costs nothing there and saves round trips where more are allowed:
// listing 20,000 users is 20 requests rather than 200.
const DefaultPageSize = 1000

// acceptHeader prefers SCIM's media type but takes dbt's plain JSON too.
const acceptHeader = MediaType + ", application/json"

// Config configures a Client.
type Config struct {
	// BaseURL is the account's SCIM root, ending in /scim/v2 (a trailing
	// slash is dropped).
	BaseURL string
	// Token is a SCIM token, sent as a Bearer token. It is masked in every
	// log line and error.
	Token string

	MaxRetries     int
	RequestTimeout time.Duration
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration
	// MaxRetryAfter caps how long a server's Retry-After may make us wait.
	MaxRetryAfter time.Duration
	UserAgent     string

	// PageSize is the count asked for per list page (DefaultPageSize when 0).
	PageSize int
	// MaxPatchOps bounds the member changes per PATCH request
	// (DefaultMaxPatchOps when 0).
	MaxPatchOps int
}

// Client talks SCIM 2.0 to one dbt account. It is safe for concurrent use.
type Client struct {
	http        *transport.Client
	base        string // scheme://host/.../scim/v2
	basePath    string // /.../scim/v2, for errors
	token       string
	pageSize    int
	maxPatchOps int

	createAttempts int           // sends of one create, when lookups prove the earlier ones created nothing
	retryWait      time.Duration // pause before sending a create again

	// The outcome of the one discovery request that tells a 404 on an
	// object from a base URL that is not a SCIM endpoint (verifyEndpoint).
	endpointOnce sync.Once
	endpointErr  error

	// userNames maps the id of every user this client has read or written
	// to its userName: the display a group member is sent with (members.go).
	userNames    sync.Map
	listingUsers sync.Mutex // one listing of every user at a time (membersFor)
}

// NewClient checks cfg and returns a Client.
func NewClient(cfg Config) (*Client, error) {
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("scim: base URL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("scim: base URL %q must not carry a query or fragment", cfg.BaseURL)
	}
	if cfg.Token == "" {
		return nil, errors.New("scim: a SCIM token is required")
	}
	if cfg.PageSize < 0 || cfg.MaxPatchOps < 0 {
		return nil, errors.New("scim: page size and max PATCH operations must not be negative")
	}
	c := &Client{
		http: transport.New(transport.Config{
			MaxRetries:     cfg.MaxRetries,
			RequestTimeout: cfg.RequestTimeout,
			RetryWaitMin:   cfg.RetryWaitMin,
			RetryWaitMax:   cfg.RetryWaitMax,
			MaxRetryAfter:  cfg.MaxRetryAfter,
			UserAgent:      cfg.UserAgent,
			Subsystem:      "dbt_scim",
			Secrets:        []string{cfg.Token},
		}),
		base:        base,
		basePath:    u.EscapedPath(),
		token:       cfg.Token,
		pageSize:    cfg.PageSize,
		maxPatchOps: cfg.MaxPatchOps,

		createAttempts: 1 + max(cfg.MaxRetries, 0),
		retryWait:      cfg.RetryWaitMin,
	}
	if c.retryWait <= 0 {
		c.retryWait = time.Second
	}
	if c.pageSize == 0 {
		c.pageSize = DefaultPageSize
	}
	if c.maxPatchOps == 0 {
		c.maxPatchOps = DefaultMaxPatchOps
	}
	return c, nil
}

// --- users ---------------------------------------------------------------

// GetUser reads a user. A missing user is an *apierror.Error of KindNotFound.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	var u User
	if err := c.getResource(ctx, usersPath(id), nil, &u); err != nil {
		return nil, c.confirmGone(ctx, "user "+id, err)
	}
	if u.ID != id {
		return nil, fmt.Errorf("scim: GET %s%s answered with user %q, not the one asked for", c.basePath, usersPath(id), u.ID)
	}
	c.remember(&u)
	return &u, nil
}

// FindUserByUserName returns the user whose userName is userName (compared
// case-insensitively, as RFC 7643 defines userName), or nil, nil when there
// is none. Results are checked, not trusted, in case a server ignores the
// filter.
func (c *Client) FindUserByUserName(ctx context.Context, userName string) (*User, error) {
	users, err := c.ListUsers(ctx, FilterEq("userName", userName))
	if err != nil {
		return nil, err
	}
	var found *User
	for i := range users {
		if !strings.EqualFold(users[i].UserName, userName) {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("scim: more than one user has userName %q (ids %s and %s)", userName, found.ID, users[i].ID)
		}
		found = &users[i]
	}
	return found, nil
}

// ListUsers returns every user matching filter ("" for all), following
// pages until the server's totalResults.
func (c *Client) ListUsers(ctx context.Context, filter string) ([]User, error) {
	users, err := listAll[User](ctx, c, "/Users", filter, nil, func(u User) string { return u.ID })
	for i := range users {
		// An inactive user in a listing may be the record dbt keeps of a
		// deleted one, whose id no longer takes a member: membersFor reads
		// such an id on its own before it names it.
		if users[i].Active == nil || *users[i].Active {
			c.remember(&users[i])
		}
	}
	return users, err
}

// CreateUser creates u. First, as Okta does before it creates a user, it
// looks the userName up (prior): dbt links an existing user of that email
// instead of creating one (its SCIM FAQ), and knowing what was there before
// the request tells a linked user from a new one, and our lost create from
// someone else's user. A userName dbt refuses as
// taken is an *apierror.Error of KindConflict. When the request fails after
// it was sent, the user is looked up rather than sent again; see
// reconcileUser.
func (c *Client) CreateUser(ctx context.Context, u User) (*User, error) {
	before, lookedUp, err := c.priorUsers(ctx, u.UserName)
	if err != nil {
		return nil, err
	}
	out, _, err := createSettled(ctx, c,
		func() (*User, int, error) { return c.postUser(ctx, u) },
		func(err error) (*User, error) { return c.reconcileUser(ctx, u, before, err) })
	if out != nil {
		out.Linked = before.has(out.ID) || datedLongBefore(out.Meta, lookedUp)
	}
	return out, err
}

// priorUsers lists the users whose userName is userName, compared without
// regard to case, before a create.
func (c *Client) priorUsers(ctx context.Context, userName string) (prior, time.Time, error) {
	sink := &dateSink{}
	users, err := c.ListUsers(context.WithValue(ctx, dateSinkKey{}, sink), FilterEq("userName", userName))
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("scim: looking up user %q before creating it: %w", userName, err)
	}
	p := prior{}
	for _, u := range users {
		p.note(u.UserName, userName, u.ID, u.ExternalID)
	}
	return p, sink.at(), nil
}

func (c *Client) postUser(ctx context.Context, u User) (*User, int, error) {
	resp, err := c.do(ctx, http.MethodPost, "/Users", nil, u)
	if err != nil {
		return nil, 0, err
	}
	var out User
	if err := c.readCreate(resp, "/Users", SchemaUser, &out); err != nil {
		return nil, 0, err
	}
	c.remember(&out)
	return &out, resp.Attempts, nil
}

// PatchUser applies ops to a user and returns the user afterwards: from the
// response when the server sends it, else by reading it back (204).
func (c *Client) PatchUser(ctx context.Context, id string, ops []PatchOperation) (*User, error) {
	return c.writeUser(ctx, http.MethodPatch, id, NewPatchRequest(ops...))
}

// DeleteUser deletes a user. A missing user is an *apierror.Error of
// KindNotFound, for the caller to treat as done if it wishes.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodDelete, usersPath(id), nil, nil)
	return c.confirmGone(ctx, "deleting user "+id, err)
}

func (c *Client) writeUser(ctx context.Context, method, id string, body any) (*User, error) {
	resp, err := c.do(ctx, method, usersPath(id), nil, body)
	if err != nil {
		return nil, c.confirmGone(ctx, "user "+id, err)
	}
	if emptyBody(resp.Body) {
		return c.GetUser(ctx, id)
	}
	var out User
	if err := c.decodeResource(method, usersPath(id), resp.Body, &out); err != nil {
		return nil, err
	}
	c.remember(&out)
	return &out, nil
}

// reconcileUser settles a POST whose outcome is unknown by looking the
// userName up instead of sending it again, which could create the user
// twice or fail with a conflict against our own lost request. What the
// lookup finds is the create's result when it was not there before it
// (prior), or when dbt answered 2xx and it is the user of exactly that
// userName (dbt linked it), or when our request wrote its own externalId
// onto it. Anything else was there already, which is the conflict the
// server would have reported.
func (c *Client) reconcileUser(ctx context.Context, u User, before prior, sendErr error) (*User, error) {
	found, err := c.FindUserByUserName(ctx, u.UserName)
	if err != nil {
		return nil, fmt.Errorf("scim: creating user %q failed after it was sent, and looking it up to learn whether it was created failed too (%v): %w", u.UserName, err, sendErr) //nolint:errorlint // the send error is the one callers match
	}
	if found == nil {
		if accepted(sendErr) {
			return nil, fmt.Errorf("scim: the server accepted user %q but does not list it, so it is not sent again: %w", u.UserName, sendErr)
		}
		return nil, fmt.Errorf("scim: creating user %q failed after it was sent; %w: %w", u.UserName, ErrNotCreated, sendErr)
	}
	if found.UserName == u.UserName && before.madeOrLinked(found.ID, found.ExternalID, u.ExternalID, accepted(sendErr)) {
		return found, nil
	}
	return nil, &apierror.Error{
		Kind:       apierror.KindConflict,
		StatusCode: http.StatusConflict,
		Method:     http.MethodPost,
		Path:       c.basePath + "/Users",
		Message:    fmt.Sprintf("user %q already exists (id %s) and was not created by this request", u.UserName, found.ID),
		SCIMType:   ErrUniqueness,
		API:        apierror.APISCIM,
	}
}

// --- groups --------------------------------------------------------------

// GetGroup reads a group. With withMembers false the server is asked to
// leave members out (excludedAttributes=members), which matters for large
// groups; Members is then nil.
func (c *Client) GetGroup(ctx context.Context, id string, withMembers bool) (*Group, error) {
	var g Group
	if err := c.getResource(ctx, groupsPath(id), membersQuery(nil, withMembers), &g); err != nil {
		return nil, c.confirmGone(ctx, "group "+id, err)
	}
	if g.ID != id {
		return nil, fmt.Errorf("scim: GET %s%s answered with group %q, not the one asked for", c.basePath, groupsPath(id), g.ID)
	}
	if !withMembers {
		g.Members = nil
	}
	return &g, nil
}

// FindGroupByDisplayName returns the group named name, or nil, nil when
// there is none. An exact match wins; otherwise a single case-insensitive
// match is taken, since RFC 7643 defines displayName as case-insensitive.
func (c *Client) FindGroupByDisplayName(ctx context.Context, name string, withMembers bool) (*Group, error) {
	groups, err := c.ListGroups(ctx, FilterEq("displayName", name), withMembers)
	if err != nil {
		return nil, err
	}
	var exact, folded []*Group
	for i := range groups {
		switch {
		case groups[i].DisplayName == name:
			exact = append(exact, &groups[i])
		case strings.EqualFold(groups[i].DisplayName, name):
			folded = append(folded, &groups[i])
		}
	}
	for _, set := range [][]*Group{exact, folded} {
		switch len(set) {
		case 0:
			continue
		case 1:
			return set[0], nil
		default:
			return nil, fmt.Errorf("scim: more than one group is named %q (ids %s and %s)", name, set[0].ID, set[1].ID)
		}
	}
	return nil, nil
}

// ListGroups returns every group matching filter ("" for all), following
// pages until the server's totalResults.
func (c *Client) ListGroups(ctx context.Context, filter string, withMembers bool) ([]Group, error) {
	groups, err := listAll[Group](ctx, c, "/Groups", filter, membersQuery(nil, withMembers), func(g Group) string { return g.ID })
	if err != nil {
		return nil, err
	}
	if !withMembers {
		for i := range groups {
			groups[i].Members = nil
		}
	}
	return groups, nil
}

// CreateGroup creates g. Like CreateUser it first looks the displayName up
// (prior), so that it knows whether dbt linked an existing group (Linked)
// and whether the group is shown to be the create's own (New), the only kind
// that may be deleted again to undo a create: it did not exist before, the
// POST went through at its first attempt and dbt answered it (a retry after
// a 429, or a lost answer settled by a lookup, leaves time for someone else
// to make it), with no members and no meta.created from well before. When the
// request fails after it was sent, the group is looked up by displayName
// rather than sent again.
func (c *Client) CreateGroup(ctx context.Context, g Group) (*Group, error) {
	before, lookedUp, err := c.priorGroups(ctx, g.DisplayName)
	if err != nil {
		return nil, err
	}
	out, attempts, err := createSettled(ctx, c,
		func() (*Group, int, error) { return c.postGroup(ctx, g) },
		func(err error) (*Group, error) { return c.reconcileGroup(ctx, g, before, err) })
	if out != nil {
		out.Linked = before.has(out.ID) || datedLongBefore(out.Meta, lookedUp)
		out.New = !out.Linked && attempts == 1 && len(out.Members) == 0
	}
	return out, err
}

// priorGroups lists the groups named name, compared without regard to
// case, before a create.
func (c *Client) priorGroups(ctx context.Context, name string) (prior, time.Time, error) {
	sink := &dateSink{}
	groups, err := c.ListGroups(context.WithValue(ctx, dateSinkKey{}, sink), FilterEq("displayName", name), false)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("scim: looking up group %q before creating it: %w", name, err)
	}
	p := prior{}
	for _, g := range groups {
		p.note(g.DisplayName, name, g.ID, g.ExternalID)
	}
	return p, sink.at(), nil
}

func (c *Client) postGroup(ctx context.Context, g Group) (*Group, int, error) {
	resp, err := c.do(ctx, http.MethodPost, "/Groups", nil, g)
	if err != nil {
		return nil, 0, err
	}
	var out Group
	if err := c.readCreate(resp, "/Groups", SchemaGroup, &out); err != nil {
		return nil, 0, err
	}
	return &out, resp.Attempts, nil
}

// readCreate decodes a create's 2xx answer into out. One that does not
// carry the resource with its id is an *unreadableCreate, settled by a
// lookup. It counts as dbt's answer (answered) only when it is a 201
// without a body or a SCIM resource of schema without its id: a 200 or 204
// without a body, or a page that is no SCIM resource, may come from a proxy
// that never passed the request on.
func (c *Client) readCreate(resp *transport.Response, path, schema string, out any) error {
	if emptyBody(resp.Body) {
		return &unreadableCreate{
			err:      fmt.Errorf("scim: POST %s%s answered %d without a body", c.basePath, path, resp.StatusCode),
			answered: resp.StatusCode == http.StatusCreated, attempts: resp.Attempts,
		}
	}
	if err := c.decodeResource(http.MethodPost, path, resp.Body, out); err != nil {
		return &unreadableCreate{err: err, answered: answersAs(resp.Body, schema), attempts: resp.Attempts}
	}
	return nil
}

// PatchGroup applies ops to a group. The server may answer 200 with the
// group or 204; either way the answer is not decoded, since a group's
// members can be many. No query string goes with it: dbt's spec declares
// none on any write, and a SCIM server that honoured excludedAttributes=members
// on a PATCH could take it as "the group has no members" (WIRE.md).
func (c *Client) PatchGroup(ctx context.Context, id string, ops []PatchOperation) error {
	_, err := c.do(ctx, http.MethodPatch, groupsPath(id), nil, NewPatchRequest(ops...))
	return c.confirmGone(ctx, "group "+id, err)
}

// UpdateGroupMembers adds and removes members (user ids) in as few PATCH
// requests as MemberPatches allows, in order. Each member added carries its
// userName as display (membersFor). If one fails, the ones before
// it stay applied; the error says how far it got, and reading the group
// back shows where it stands.
//
// A server may answer a removal of someone who is no longer a member with
// 400 noTarget, as RFC 7644 allows; that happens when a PATCH is re-sent
// after a lost response, or when someone else changed the group meanwhile.
// The client then reads the members once and sends only what is still
// needed, instead of failing on a change that is already made.
func (c *Client) UpdateGroupMembers(ctx context.Context, id string, add, remove []string) error {
	members, err := c.membersFor(ctx, add)
	if err != nil {
		return err
	}
	err = c.sendMemberPatches(ctx, id, members, remove)
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.Kind != apierror.KindBadRequest || ae.SCIMType != ErrNoTarget {
		return err
	}
	g, gerr := c.GetGroup(ctx, id, true)
	if gerr != nil {
		return fmt.Errorf("%w (re-reading the group's members after it failed: %v)", err, gerr) //nolint:errorlint // the PATCH error is the one callers match
	}
	have := make(map[string]struct{}, len(g.Members))
	for _, m := range g.Members {
		have[m.Value] = struct{}{}
	}
	var add2 []Member
	var remove2 []string
	for _, m := range members {
		if _, ok := have[m.Value]; !ok {
			add2 = append(add2, m)
		}
	}
	for _, m := range remove {
		if _, ok := have[m]; ok {
			remove2 = append(remove2, m)
		}
	}
	return c.sendMemberPatches(ctx, id, add2, remove2)
}

func (c *Client) sendMemberPatches(ctx context.Context, id string, add []Member, remove []string) error {
	reqs := MemberPatches(add, remove, c.maxPatchOps)
	for i, req := range reqs {
		if _, err := c.do(ctx, http.MethodPatch, groupsPath(id), nil, req); err != nil {
			err = c.confirmGone(ctx, "group "+id, err)
			if added := addedIn(req); added != "" && apierror.IsKind(err, apierror.KindBadRequest) {
				// dbt's refusal may not say which member it is about
				// ("All users must have licenses on the account").
				err = fmt.Errorf("%w\nThe users this request added: %s", err, added)
			}
			if len(reqs) == 1 {
				return err
			}
			return fmt.Errorf("scim: updating members of group %s: request %d of %d failed: %w", id, i+1, len(reqs), err)
		}
	}
	return nil
}

// addedIn lists the members a member PATCH adds, as "userName (id)", the
// first ten of them and how many more.
func addedIn(req PatchRequest) string {
	var names []string
	n := 0
	for _, op := range req.Operations {
		if op.Op != OpAdd {
			continue
		}
		var ms []Member
		if json.Unmarshal(op.Value, &ms) != nil {
			continue
		}
		for _, m := range ms {
			if n++; n <= 10 {
				names = append(names, fmt.Sprintf("%s (%s)", m.Display, m.Value))
			}
		}
	}
	if n > 10 {
		names = append(names, fmt.Sprintf("and %d more", n-10))
	}
	return strings.Join(names, ", ")
}

// DeleteGroup deletes a group. A missing group is an *apierror.Error of
// KindNotFound.
func (c *Client) DeleteGroup(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodDelete, groupsPath(id), nil, nil)
	return c.confirmGone(ctx, "deleting group "+id, err)
}

// reconcileGroup is reconcileUser for groups, matched by exact displayName:
// a group dbt linked in answer to the lost request is ours too.
func (c *Client) reconcileGroup(ctx context.Context, g Group, before prior, sendErr error) (*Group, error) {
	found, err := c.FindGroupByDisplayName(ctx, g.DisplayName, true)
	if err != nil {
		return nil, fmt.Errorf("scim: creating group %q failed after it was sent, and looking it up to learn whether it was created failed too (%v): %w", g.DisplayName, err, sendErr) //nolint:errorlint // the send error is the one callers match
	}
	if found == nil {
		if accepted(sendErr) {
			return nil, fmt.Errorf("scim: the server accepted group %q but does not list it, so it is not sent again: %w", g.DisplayName, sendErr)
		}
		return nil, fmt.Errorf("scim: creating group %q failed after it was sent; %w: %w", g.DisplayName, ErrNotCreated, sendErr)
	}
	if found.DisplayName == g.DisplayName && before.madeOrLinked(found.ID, found.ExternalID, g.ExternalID, accepted(sendErr)) {
		return found, nil
	}
	return nil, &apierror.Error{
		Kind:       apierror.KindConflict,
		StatusCode: http.StatusConflict,
		Method:     http.MethodPost,
		Path:       c.basePath + "/Groups",
		Message:    fmt.Sprintf("group %q already exists (id %s) and was not created by this request", g.DisplayName, found.ID),
		SCIMType:   ErrUniqueness,
		API:        apierror.APISCIM,
	}
}

// dateSinkKey carries a *dateSink in a request's context: do stores in it
// the Date (RFC 9110 §6.6.1) of that request's successful answers, and of no
// other's.
type dateSinkKey struct{}

// dateSink is the Date of the lookup before a create, dbt's time when it
// answered, so that meta.created, which dbt's clock wrote, is compared on
// the same clock (datedLongBefore).
type dateSink struct{ unix atomic.Int64 }

// at is the Date stored, or this machine's time when the answer had none.
func (d *dateSink) at() time.Time {
	if u := d.unix.Load(); u != 0 {
		return time.Unix(u, 0)
	}
	return time.Now()
}

// linkedSkew is how long before the lookup an object's meta.created must lie
// for datedLongBefore: more than clocks are likely to disagree by.
const linkedSkew = 5 * time.Minute

// datedLongBefore reports whether meta shows the object created well before
// t, dbt's time at the lookup before its create (dateSink). It only ever adds to what
// counts as linked (never deleted again): it keeps a dbt group safe should
// dbt's filtered list leave out one it would link (dbt does not document
// which objects its filters return), and it names the record dbt keeps of
// a deleted user, which filtered lists leave out, as linked. An absent or
// unreadable meta.created says nothing.
func datedLongBefore(m *Meta, t time.Time) bool {
	if m == nil || m.Created == "" {
		return false
	}
	created, err := time.Parse(time.RFC3339Nano, m.Created)
	return err == nil && created.Before(t.Add(-linkedSkew))
}

// prior is what a lookup before a create found of the name it creates: the
// ids of the users or groups, each with its externalId then.
type prior map[string]string

// note records an object the lookup listed when its name is the one looked
// up, compared without regard to case (a server may ignore the filter).
func (p prior) note(name, lookedUp, id, externalID string) {
	if strings.EqualFold(name, lookedUp) {
		p[id] = externalID
	}
}

// has reports whether id was there before the create.
func (p prior) has(id string) bool {
	_, ok := p[id]
	return ok
}

// madeOrLinked reports whether an object found after a create whose answer
// was lost (or unreadable) is that create's result: it was not there before
// the create, so the create made it (or someone else did in the moments
// between, which nothing can tell apart); or dbt answered the create with a
// 2xx (answered) and this is the object of that name it linked; or it was
// there, and now carries the create's own externalId, not empty, which it
// did not before: the create linked it and wrote that. An object that was
// there already and shows nothing of the create is not taken.
func (p prior) madeOrLinked(id, foundExternalID, sentExternalID string, answered bool) bool {
	was, existed := p[id]
	switch {
	case !existed:
		return true
	case answered:
		return true
	default:
		return sentExternalID != "" && foundExternalID == sentExternalID && was != sentExternalID
	}
}

// --- plumbing ------------------------------------------------------------

// confirmGone checks a 404 on one resource before it is reported as not
// found: a wrong scim_base_url answers 404 for every path, and reading that
// as "deleted outside Terraform" (or, on destroy, as "already gone") would
// drop every user and group from state while they stay in dbt. A 404 is
// trusted only once the base URL is known to be a SCIM service provider,
// which one discovery request per client establishes (verifyEndpoint). It
// needs no filter support from the server.
func (c *Client) confirmGone(ctx context.Context, what string, err error) error {
	if !apierror.IsNotFound(err) {
		return err
	}
	if verr := c.verifyEndpoint(ctx); verr != nil {
		// Not typed as not-found: nothing proves the object is gone.
		return fmt.Errorf("scim: %s answered 404, but %w; not treating it as deleted", what, verr)
	}
	return err
}

// verifyEndpoint asks the base URL for its ServiceProviderConfig (RFC 7644
// §4, in dbt's spec), once per client, and remembers the outcome: success
// when the answer is a ServiceProviderConfig, in RFC 7644's form or inside
// dbt's envelope.
func (c *Client) verifyEndpoint(ctx context.Context) error {
	c.endpointOnce.Do(func() {
		resp, err := c.do(ctx, http.MethodGet, "/ServiceProviderConfig", nil, nil)
		switch {
		case apierror.IsNotFound(err):
			c.endpointErr = fmt.Errorf("%s/ServiceProviderConfig answered 404 too, so it is not a SCIM endpoint: "+
				"check the provider's scim_base_url (or host_url and account_id)", c.http.Mask(c.base))
		case err != nil:
			c.endpointErr = fmt.Errorf("confirming that %s is a SCIM endpoint failed: %w", c.http.Mask(c.base), err)
		case !isServiceProviderConfig(resp.Body):
			c.endpointErr = fmt.Errorf("%s/ServiceProviderConfig did not answer with a SCIM ServiceProviderConfig, "+
				"so it is not a SCIM endpoint: check the provider's scim_base_url (or host_url and account_id)",
				c.http.Mask(c.base))
		}
	})
	return c.endpointErr
}

// isServiceProviderConfig reports whether body is a SCIM
// ServiceProviderConfig: its schema URN, or the patch capability every one
// declares, at the top level or in dbt's "data" envelope.
func isServiceProviderConfig(body []byte) bool {
	data, _, _ := unwrap(body)
	var spc struct {
		Schemas []string        `json:"schemas"`
		Patch   json.RawMessage `json:"patch"`
	}
	if json.Unmarshal(data, &spc) != nil {
		return false
	}
	return slices.Contains(spc.Schemas, SchemaServiceProviderConfig) || len(spc.Patch) > 0
}

// ErrNotCreated marks a create whose outcome was unknown until a lookup
// showed nothing was created: sending it again cannot duplicate anything.
var ErrNotCreated = errors.New("nothing was created, so it is safe to send again")

// createSettled sends a create and, when the server may have carried it out
// without our hearing so (a connection lost after sending, or a 5xx), asks
// reconcile what happened instead of re-sending blindly. Only when the lookup
// proves nothing was created is the create sent again, up to 1+MaxRetries
// times, so a transient fault does not fail an apply that a retry fixes.
//
// attempts is how many times the transport sent the create that settled it
// (retries after a 429 included); 0 when not known, when the create had to
// be sent again, or when a lookup settled a lost answer.
func createSettled[T any](ctx context.Context, c *Client, send func() (*T, int, error), reconcile func(err error) (*T, error)) (out *T, attempts int, err error) {
	for attempt := 1; ; attempt++ {
		out, attempts, err := send()
		if attempt > 1 {
			// An earlier send was lost: the time it took, and the lookup
			// after it, left room for someone else to make the object.
			attempts = 0
		}
		if err == nil || !mayHaveWritten(err) {
			return out, attempts, err
		}
		found, rerr := reconcile(err)
		if !errors.Is(rerr, ErrNotCreated) || attempt >= c.createAttempts {
			// Settled by a lookup, the result counts as sent only when dbt
			// answered this first send (a 2xx without the id): otherwise
			// what the lookup found may have been made by someone else
			// while the answer was being lost.
			var unread *unreadableCreate
			if attempt == 1 && errors.As(err, &unread) && unread.answered {
				return found, unread.attempts, rerr
			}
			return found, 0, rerr
		}
		select {
		case <-ctx.Done():
			return nil, 0, rerr
		case <-time.After(c.retryWait):
		}
	}
}

// mayHaveWritten says whether a failed request may still have been carried
// out: its connection failed after sending, the server failed (5xx), or it
// succeeded with an answer that does not say what it made.
func mayHaveWritten(err error) bool {
	if apierror.IsAmbiguous(err) || unreadable(err) {
		return true
	}
	var apiErr *apierror.Error
	return errors.As(err, &apiErr) && apiErr.Kind == apierror.KindServer
}

// unreadableCreate is a 2xx to a create whose body is not the resource
// with its id. Something may now exist in dbt that state would not hold, so
// the create is settled by looking it up (createSettled), never taken for a
// success unread. answered says the body is dbt's own answer about the
// resource (no body, or a SCIM resource of that type without its id): dbt
// then carried this create out, and it is not sent again. Any other body (a
// proxy's page, unrelated JSON) may not come from dbt at all, and is
// treated as a lost answer.
type unreadableCreate struct {
	err      error
	answered bool
	attempts int
}

func (e *unreadableCreate) Error() string { return e.err.Error() }
func (e *unreadableCreate) Unwrap() error { return e.err }

// accepted reports whether err is a create dbt answered with a 2xx that
// says it carried it out, though not what it made.
func accepted(err error) bool {
	var u *unreadableCreate
	return errors.As(err, &u) && u.answered
}

// unreadable reports whether err is any 2xx to a create that could not be
// read.
func unreadable(err error) bool {
	var u *unreadableCreate
	return errors.As(err, &u)
}

// answersAs reports whether a create's 2xx body is a SCIM resource of
// schema, bare or in dbt's envelope, though it lacks the id.
func answersAs(body []byte, schema string) bool {
	data, _, _ := unwrap(body)
	var r struct {
		Schemas []string `json:"schemas"`
	}
	return json.Unmarshal(data, &r) == nil && slices.Contains(r.Schemas, schema)
}

func usersPath(id string) string  { return "/Users/" + url.PathEscape(id) }
func groupsPath(id string) string { return "/Groups/" + url.PathEscape(id) }

func membersQuery(q url.Values, withMembers bool) url.Values {
	if withMembers {
		return q
	}
	if q == nil {
		q = url.Values{}
	}
	q.Set("excludedAttributes", "members")
	return q
}

func emptyBody(b []byte) bool { return len(strings.TrimSpace(string(b))) == 0 }

// do sends one request and turns a non-2xx answer into an *apierror.Error.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body any) (*transport.Response, error) {
	target := c.base + path
	if len(query) > 0 && method != http.MethodGet {
		// dbt's spec declares no query parameter on any write.
		return nil, fmt.Errorf("scim: refusing to send %s %s with a query string (%s): writes carry none", method, path, query.Encode())
	}
	if len(query) > 0 {
		// Encode spaces as %20: some SCIM servers do not read '+' as one.
		target += "?" + strings.ReplaceAll(query.Encode(), "+", "%20")
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.token)
	h.Set("Accept", acceptHeader)
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("scim: encoding %s %s: %w", method, path, err)
		}
		h.Set("Content-Type", MediaType)
	}
	// The transport returns the last response, not an error, when retries
	// run out on a status; its errors are transport failures, ambiguous
	// ones as *apierror.AmbiguousError.
	resp, err := c.http.Do(ctx, transport.Request{Method: method, URL: target, Header: h, Body: raw})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.apiError(method, path, resp)
	}
	if sink, ok := ctx.Value(dateSinkKey{}).(*dateSink); ok {
		if date, derr := http.ParseTime(resp.Header.Get("Date")); derr == nil {
			sink.unix.Store(date.Unix())
		}
	}
	return resp, nil
}

func (c *Client) getResource(ctx context.Context, path string, query url.Values, out any) error {
	resp, err := c.do(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return err
	}
	return c.decodeResource(http.MethodGet, path, resp.Body, out)
}

// envelope is dbt's wrapper, {"data": ..., "status": {...}, "extra":
// {"pagination": {...}}}, as far as the SCIM client needs it.
type envelope struct {
	Data  json.RawMessage `json:"data"`
	Extra struct {
		Pagination *struct {
			Count      int `json:"count"`
			TotalCount int `json:"total_count"`
		} `json:"pagination"`
	} `json:"extra"`
}

// unwrap returns the envelope's data when body is one, else body itself.
func unwrap(body []byte) (data []byte, env envelope, wrapped bool) {
	if err := json.Unmarshal(body, &env); err == nil && len(env.Data) > 0 && string(env.Data) != "null" {
		return env.Data, env, true
	}
	return body, env, false
}

// decodeResource reads a single resource, bare or inside dbt's envelope.
func (c *Client) decodeResource(method, path string, body []byte, out any) error {
	data, _, _ := unwrap(body)
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("scim: decoding the response to %s %s%s: %w", method, c.basePath, path, err)
	}
	// A success that does not carry the resource (a proxy's page, an
	// empty object) is not taken for one: an id is what state records.
	if r, ok := out.(interface{ resourceID() string }); ok && r.resourceID() == "" {
		return fmt.Errorf("scim: %s %s%s succeeded but its answer is not a SCIM resource with an id: %s",
			method, c.basePath, path, c.http.Excerpt(body, 200))
	}
	return nil
}

// decodeList reads a page as an RFC 7644 ListResponse, a ListResponse
// inside dbt's envelope, or dbt's envelope with a plain array and
// extra.pagination.total_count. total is -1 when the server does not say.
func decodeList[T any](body []byte) (items []T, total int, err error) {
	data, env, wrapped := unwrap(body)
	if wrapped && firstByte(data) == '[' {
		if err := json.Unmarshal(data, &items); err != nil {
			return nil, 0, err
		}
		if p := env.Extra.Pagination; p != nil {
			return items, p.TotalCount, nil
		}
		return items, -1, nil
	}
	var l struct {
		ListResponse[T]
		TotalResults *int `json:"totalResults"`
	}
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, 0, err
	}
	total = -1
	if l.TotalResults != nil {
		total = *l.TotalResults
	}
	return l.Resources, total, nil
}

func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// listAll follows pages (RFC 7644 §3.4.2.4) from startIndex 1 until it holds
// totalResults resources. It advances by what each page returned, not by
// what it asked for, since a server may return fewer. A server that does
// not say its total is read until it returns an empty page; one that
// repeats a page (say, by ignoring startIndex) is an error rather than a
// loop without end.
func listAll[T any](ctx context.Context, c *Client, path, filter string, query url.Values, id func(T) string) ([]T, error) {
	var all []T
	seen := map[string]struct{}{}
	start := 1
	for {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		if filter != "" {
			q.Set("filter", filter)
		}
		q.Set("startIndex", strconv.Itoa(start))
		q.Set("count", strconv.Itoa(c.pageSize))
		resp, err := c.do(ctx, http.MethodGet, path, q, nil)
		if err != nil {
			return nil, err
		}
		items, total, err := decodeList[T](resp.Body)
		if err != nil {
			return nil, fmt.Errorf("scim: decoding the page at startIndex %d of GET %s%s: %w", start, c.basePath, path, err)
		}
		fresh := 0
		for _, it := range items {
			k := id(it)
			if _, dup := seen[k]; dup && k != "" {
				continue
			}
			seen[k] = struct{}{}
			all = append(all, it)
			fresh++
		}
		switch {
		case len(items) == 0:
			if total > len(all) {
				return nil, fmt.Errorf("scim: GET %s%s returned an empty page at startIndex %d with %d of %d resources read", c.basePath, path, start, len(all), total)
			}
			return all, nil
		case fresh == 0:
			return nil, fmt.Errorf("scim: GET %s%s returned the same resources again at startIndex %d; the server does not page", c.basePath, path, start)
		case total >= 0 && len(all) >= total:
			return all, nil
		}
		start += len(items)
	}
}

// apiError turns a non-2xx response into an *apierror.Error, reading a SCIM
// Error or dbt's envelope. Everything taken from the body is masked.
func (c *Client) apiError(method, path string, resp *transport.Response) error {
	e := &apierror.Error{
		Kind:       apierror.KindFor(resp.StatusCode),
		StatusCode: resp.StatusCode,
		Method:     method,
		Path:       c.basePath + path,
		API:        apierror.APISCIM,
	}
	detail, scimType, raw := errorText(resp.Body)
	switch {
	case detail == "":
		e.Message = http.StatusText(resp.StatusCode)
	case raw:
		e.Message = c.http.Excerpt([]byte(detail), 300)
	default:
		e.Message = c.http.Mask(detail)
	}
	e.SCIMType = scimType
	return e
}

// errorText finds the message in an error body: a SCIM Error's detail,
// bare or wrapped in data, dbt's status.user_message (or
// developer_message), or, with raw set, a body that is not JSON (for the
// caller to mask and shorten).
func errorText(body []byte) (detail, scimType string, raw bool) {
	var probe struct {
		Detail   string          `json:"detail"`
		SCIMType string          `json:"scimType"`
		Status   json.RawMessage `json:"status"`
		Data     json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return strings.TrimSpace(string(body)), "", true
	}
	if probe.Detail != "" || probe.SCIMType != "" {
		return probe.Detail, probe.SCIMType, false
	}
	if firstByte(probe.Data) == '{' {
		var inner Error
		if json.Unmarshal(probe.Data, &inner) == nil && (inner.Detail != "" || inner.SCIMType != "") {
			return inner.Detail, inner.SCIMType, false
		}
	}
	if firstByte(probe.Status) == '{' {
		var st struct {
			UserMessage      string `json:"user_message"`
			DeveloperMessage string `json:"developer_message"`
		}
		if json.Unmarshal(probe.Status, &st) == nil {
			if st.UserMessage != "" {
				return st.UserMessage, "", false
			}
			return st.DeveloperMessage, "", false
		}
	}
	return "", "", false
}
