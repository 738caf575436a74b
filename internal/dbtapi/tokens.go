// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package dbtapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
)

const (
	// defaultPageSize is dbt's default page size for v3 lists.
	defaultPageSize = 100
	// maxPages stops a server that keeps claiming more items from looping us forever.
	maxPages = 1000
	// createdSkew allows for the server's clock running behind ours when
	// deciding whether a token could have been created by our lost request.
	createdSkew = 2 * time.Minute
	// cleanupTimeout bounds deleting an orphan after the caller's context
	// was cancelled: leaving a live, unknowable token behind is worse.
	cleanupTimeout = 30 * time.Second
)

// tokenBody is the wire form of a SCIM token.
type tokenBody struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	CreatedAt   apiTime `json:"created_at"`
	LastUsed    apiTime `json:"last_used"`
	TokenString string  `json:"token_string,omitempty"`
}

func (b tokenBody) model() SCIMToken {
	t := SCIMToken{ID: b.ID, Name: b.Name, CreatedAt: b.CreatedAt.Time}
	if !b.LastUsed.IsZero() {
		lu := b.LastUsed.Time
		t.LastUsed = &lu
	}
	return t
}

// apiTime reads the timestamps dbt writes: RFC 3339 with or without a zone
// (a zone-less time is UTC), with or without the "T". null and "" are zero.
type apiTime struct{ time.Time }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

func (t *apiTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("timestamp %q is not RFC 3339", s)
}

// ListSCIMTokens lists every SCIM token, reading all pages.
func (c *Client) ListSCIMTokens(ctx context.Context) ([]SCIMToken, error) {
	var all []SCIMToken
	seen := map[int64]bool{}
	for page := 0; ; page++ {
		if page == maxPages {
			return nil, fmt.Errorf("dbt admin API: listing SCIM tokens: gave up after %d pages", maxPages)
		}
		var data []tokenBody
		env, err := c.do(ctx, call{
			method: http.MethodGet,
			path:   "/scim-config/tokens/",
			query: map[string][]string{
				"offset": {strconv.Itoa(len(all))},
				"limit":  {strconv.Itoa(c.pageSize)},
			},
		}, &data)
		if err != nil {
			return nil, err
		}
		added := 0
		for _, t := range data {
			if !seen[t.ID] {
				seen[t.ID] = true
				all = append(all, t.model())
				added++
			}
		}
		p := env.pagination()
		if p == nil || len(all) >= p.TotalCount || len(data) == 0 {
			// No pagination means the server returned everything at once.
			if p != nil && len(all) < p.TotalCount {
				return nil, fmt.Errorf("dbt admin API: listing SCIM tokens: the server reported %d tokens but returned only %d", p.TotalCount, len(all))
			}
			return all, nil
		}
		if added == 0 {
			return nil, fmt.Errorf("dbt admin API: listing SCIM tokens: the server repeated a page (read %d of %d); it may be ignoring offset", len(all), p.TotalCount)
		}
	}
}

// GetSCIMToken reads one token. A deleted token is an *apierror.Error of
// KindNotFound.
//
// A 404 alone does not prove the token is gone: a wrong host_url or
// account_id answers 404 for every path, and reading that as "deleted" would
// drop every token from state. So a 404 is confirmed by listing the account's
// tokens; only when that list works and lacks the id is the token gone.
func (c *Client) GetSCIMToken(ctx context.Context, id int64) (SCIMToken, error) {
	var out tokenBody
	_, err := c.do(ctx, call{method: http.MethodGet, path: idPath(id)}, &out)
	if err == nil {
		return out.model(), nil
	}
	if !apierror.IsNotFound(err) {
		return SCIMToken{}, err
	}
	all, lerr := c.ListSCIMTokens(ctx)
	switch {
	case apierror.IsNotFound(lerr):
		// Not typed as not-found: nothing proves the token is gone.
		return SCIMToken{}, fmt.Errorf("SCIM token %d answered 404, and so did the list of the account's tokens: "+
			"check the provider's host_url and account_id (%s)", id, c.Mask(lerr.Error()))
	case lerr != nil:
		return SCIMToken{}, fmt.Errorf("SCIM token %d answered 404, and listing the account's tokens to confirm "+
			"it is gone failed: %w", id, lerr)
	}
	for _, t := range all {
		if t.ID == id {
			return SCIMToken{}, fmt.Errorf("SCIM token %d answered 404 but is still listed: %w", id, &apierror.Error{
				Kind: apierror.KindUnknown, StatusCode: http.StatusNotFound, Method: http.MethodGet,
				Path: idPath(id), Message: "inconsistent answers", API: apierror.APIAdmin,
			})
		}
	}
	return SCIMToken{}, err
}

// DeleteSCIMToken deletes one token. A token that is already gone is an
// *apierror.Error of KindNotFound: the caller decides whether that matters.
func (c *Client) DeleteSCIMToken(ctx context.Context, id int64) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: idPath(id)}, nil)
	return err
}

// CreateSCIMToken mints a token named name and returns it with its value,
// which dbt never shows again.
//
// A lost response (the POST reached dbt but its answer did not reach us: a
// dropped connection, a timeout, a 5xx) would otherwise leave a live token
// whose value nobody knows. So the tokens are listed before the POST, and after
// an ambiguous failure listed again: a token of the same name that was not
// there before is the lost request's; it is deleted and the POST tried again,
// up to MaxRetries more times. Whatever the outcome, no orphan is left behind
// unless the error says so.
func (c *Client) CreateSCIMToken(ctx context.Context, name string) (SCIMToken, string, error) {
	// Creates of one name are serialised: another create's reconciliation
	// would otherwise take our fresh token for its own lost one.
	unlock := c.lockName(name)
	defer unlock()

	start := c.now()
	before, err := c.ListSCIMTokens(ctx)
	if err != nil {
		return SCIMToken{}, "", fmt.Errorf("creating SCIM token %q: listing existing tokens first, so a lost response can be reconciled: %w", name, err)
	}
	known := make(map[int64]bool, len(before))
	for _, t := range before {
		known[t.ID] = true
	}

	attempts := c.maxRetries + 1
	var deleted []int64
	// unaccounted counts the lost requests whose token has not been found:
	// each may have minted at most one, so no more than that many tokens of
	// this name can be ours.
	unaccounted := 0
	for attempt := 1; ; attempt++ {
		tok, value, err := c.postToken(ctx, name)
		if err == nil {
			if unaccounted > 0 {
				// A lost request may still have been running on dbt's side
				// when its orphan was looked for: look once more now.
				known[tok.ID] = true
				if orphans, rerr := c.reconcile(ctx, name, known, start, unaccounted); rerr != nil {
					tflog.Warn(ctx, "Could not check for a token a lost creation request stored late", map[string]any{
						"name": name, "error": c.Mask(rerr.Error()),
					})
				} else if len(orphans) > 0 {
					tflog.Warn(ctx, "Deleted SCIM tokens a lost creation request stored after it was checked for",
						map[string]any{"name": name, "token_ids": orphans})
				}
			}
			return tok, value, nil
		}
		if !lostResponse(err) {
			return SCIMToken{}, "", fmt.Errorf("creating SCIM token %q: %w", name, err)
		}
		tflog.Warn(ctx, "SCIM token creation lost its response; checking for a token it may have created", map[string]any{
			"name": name, "attempt": attempt, "error": c.Mask(err.Error()),
		})

		unaccounted++
		orphans, rerr := c.reconcile(ctx, name, known, start, unaccounted)
		deleted = append(deleted, orphans...)
		unaccounted -= len(orphans)
		if rerr != nil {
			return SCIMToken{}, "", fmt.Errorf("creating SCIM token %q: the response was lost (%w) and cleaning up after it failed: %w", name, err, rerr)
		}
		if attempt >= attempts || ctx.Err() != nil {
			return SCIMToken{}, "", fmt.Errorf("creating SCIM token %q: gave up after %d attempt(s), each response lost; %s; last error: %w",
				name, attempt, leftBehind(deleted), err)
		}
		if err := sleep(ctx, c.retryWait); err != nil {
			return SCIMToken{}, "", fmt.Errorf("creating SCIM token %q: %s; stopped waiting to retry: %w", name, leftBehind(deleted), err)
		}
	}
}

// reconcileListTries bounds the listings that look for a lost create's token.
const reconcileListTries = 5

// lockName serialises token creation per name within this client.
func (c *Client) lockName(name string) func() {
	m, _ := c.nameLocks.LoadOrStore(name, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// leftBehind tells the user, in words, that the server holds no orphan.
func leftBehind(deleted []int64) string {
	if len(deleted) == 0 {
		return "no token was created on the server, so nothing was left behind"
	}
	ids := make([]string, len(deleted))
	for i, id := range deleted {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return fmt.Sprintf("the token(s) the lost requests created (id %s) were deleted, so nothing was left behind", strings.Join(ids, ", "))
}

// lostResponse reports whether the POST may have created a token we never
// heard about.
func lostResponse(err error) bool {
	var undecodable *decodeError
	return apierror.IsAmbiguous(err) || apierror.IsKind(err, apierror.KindServer) || errors.As(err, &undecodable)
}

// postToken sends one creation request.
func (c *Client) postToken(ctx context.Context, name string) (SCIMToken, string, error) {
	var out tokenBody
	_, err := c.do(ctx, call{
		method:    http.MethodPost,
		path:      "/scim-config/tokens/",
		body:      map[string]string{"name": name},
		sensitive: true,
	}, &out)
	if out.TokenString != "" {
		// Register the value before anything can log it, even on error.
		c.http.AddSecret(out.TokenString)
	}
	if err != nil {
		return SCIMToken{}, "", err
	}
	if out.TokenString == "" {
		// A token without a value is unusable and unknowable: remove it.
		msg := fmt.Sprintf("dbt created SCIM token %d but returned no token_string", out.ID)
		if out.ID != 0 {
			if derr := c.deleteDetached(ctx, out.ID); derr != nil && !apierror.IsNotFound(derr) {
				return SCIMToken{}, "", fmt.Errorf("%s, and deleting it failed (delete it in dbt's UI): %w", msg, derr)
			}
			msg += "; it was deleted"
		}
		return SCIMToken{}, "", errors.New(msg)
	}
	return out.model(), out.TokenString, nil
}

// reconcile deletes the tokens the lost requests may have created: same
// name, absent from the snapshot, not created before the first request. At
// most max of them can be ours (one per lost request); when more than that
// appeared, someone else is minting tokens of this name too, nothing proves
// which are ours, and none is deleted: the error lists them all for a person
// to decide. It returns the ids it deleted.
func (c *Client) reconcile(ctx context.Context, name string, known map[int64]bool, start time.Time, max int) ([]int64, error) {
	lctx, cancel := detached(ctx)
	defer cancel()
	// An orphan is never found again once this gives up (its value is
	// unknowable and nothing records it), so the list is tried harder than
	// a plain read: each try already retries inside the transport.
	var now []SCIMToken
	var err error
	for try := 1; try <= reconcileListTries; try++ {
		if now, err = c.ListSCIMTokens(lctx); err == nil || lctx.Err() != nil {
			break
		}
		if sleep(lctx, c.retryWait) != nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("listing tokens to find one the lost request may have created: %w; check dbt for a token named %q and delete it", err, name)
	}
	var candidates []SCIMToken
	for _, t := range now {
		if t.Name != name || known[t.ID] {
			continue
		}
		if !t.CreatedAt.IsZero() && t.CreatedAt.Before(start.Add(-createdSkew)) {
			continue
		}
		candidates = append(candidates, t)
	}
	if len(candidates) > max {
		list := make([]string, len(candidates))
		for i, t := range candidates {
			list[i] = fmt.Sprintf("id %d (created %s)", t.ID, t.CreatedAt.UTC().Format(time.RFC3339))
		}
		return nil, fmt.Errorf("%d SCIM tokens named %q appeared while the provider's %d lost request(s) ran: %s. "+
			"At most %d can be the provider's, and nothing shows which, so none was deleted. Something else is "+
			"creating tokens of this name: check them in dbt (Account settings, SSO & SCIM) and delete the ones "+
			"nobody uses; their values are unknowable", len(candidates), name, max, strings.Join(list, ", "), max)
	}
	var deleted []int64
	for _, t := range candidates {
		tflog.Warn(ctx, "Deleting the SCIM token a lost creation request left behind, as its value is unknowable", map[string]any{
			"name": name, "token_id": t.ID,
		})
		if err := c.DeleteSCIMToken(lctx, t.ID); err != nil && !apierror.IsNotFound(err) {
			return deleted, fmt.Errorf("deleting token %d that the lost request created: %w; delete it in dbt", t.ID, err)
		}
		deleted = append(deleted, t.ID)
	}
	return deleted, nil
}

func (c *Client) deleteDetached(ctx context.Context, id int64) error {
	dctx, cancel := detached(ctx)
	defer cancel()
	return c.DeleteSCIMToken(dctx, id)
}

// detached keeps ctx's values (loggers) but not its cancellation: cleaning
// up an orphan token must still happen when the user interrupts an apply,
// within a bound of its own.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
