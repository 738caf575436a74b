// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
)

// DefaultMaxPatchOps is how many member changes one PATCH request carries
// when the caller does not say.
const DefaultMaxPatchOps = 100

// DiffMembers returns the ids to add to current to reach desired and the ids
// to remove from it, each sorted and without duplicates. It runs in time
// linear in the inputs plus sorting the changes.
func DiffMembers(current, desired []string) (add, remove []string) {
	have := make(map[string]struct{}, len(current))
	for _, id := range current {
		have[id] = struct{}{}
	}
	want := make(map[string]struct{}, len(desired))
	for _, id := range desired {
		if _, dup := want[id]; dup {
			continue
		}
		want[id] = struct{}{}
		if _, ok := have[id]; !ok {
			add = append(add, id)
		}
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			remove = append(remove, id)
		}
	}
	slices.Sort(add)
	slices.Sort(remove)
	return add, remove
}

// MemberPatches turns member changes into PATCH requests of at most
// maxOpsPerRequest changes each (DefaultMaxPatchOps when <= 0).
//
// Removals are one operation each, `remove members[value eq "id"]`, the only
// form RFC 7644 defines for removing one value. Additions share one `add`
// operation per request, whose value lists the members, each with its value
// and display as dbt's spec draws a member (GroupMemberComponent) and Okta
// sends one. Every member counts
// towards the limit, whether it is its own operation or a value inside the
// shared add, so a request's size is bounded whichever way a server counts.
//
// Removals come first: if a later request fails, the group holds fewer
// members than wanted, never more, and access is not granted early.
// No changes yields no requests; one change yields one request with one
// operation, whatever the size of the group.
func MemberPatches(add []Member, remove []string, maxOpsPerRequest int) []PatchRequest {
	n := maxOpsPerRequest
	if n <= 0 {
		n = DefaultMaxPatchOps
	}
	total := len(add) + len(remove)
	if total == 0 {
		return nil
	}
	reqs := make([]PatchRequest, 0, (total+n-1)/n)
	var ops []PatchOperation
	used := 0
	flush := func() {
		reqs = append(reqs, NewPatchRequest(ops...))
		ops, used = nil, 0
	}
	for _, id := range remove {
		if used == n {
			flush()
		}
		ops = append(ops, PatchOperation{Op: OpRemove, Path: MemberPath(id)})
		used++
	}
	for len(add) > 0 {
		if used == n {
			flush()
		}
		k := min(n-used, len(add))
		ops = append(ops, PatchOperation{Op: OpAdd, Path: "members", Value: memberValues(add[:k])})
		add = add[k:]
		used += k
	}
	flush()
	return reqs
}

// memberValues encodes members as [{"value":"id","display":"name"},...]
// without reflection: this runs for every member added, and both need only
// JSON string quoting.
func memberValues(ms []Member) json.RawMessage {
	var b strings.Builder
	b.Grow(len(ms) * 64)
	b.WriteByte('[')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"value":`)
		b.WriteString(Quote(m.Value))
		b.WriteString(`,"display":`)
		b.WriteString(Quote(m.Display))
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return json.RawMessage(b.String())
}

// memberLookupsBeforeList is how many members of unknown userName are read
// one GET each. With more, the client lists every user once instead: a page
// per DefaultPageSize users rather than a request per member.
const memberLookupsBeforeList = 20

// NotAUserError is the client's own refusal of a member id that dbt
// answers 404 for, made before anything is sent to the group. It is a bad
// request (it wraps an *apierror.Error of KindBadRequest), but not dbt's.
type NotAUserError struct {
	ID  string
	Err *apierror.Error
}

func (e *NotAUserError) Error() string { return e.Err.Error() }
func (e *NotAUserError) Unwrap() error { return e.Err }

// remember notes a user's userName for membersFor.
func (c *Client) remember(u *User) {
	if u != nil && u.ID != "" && u.UserName != "" {
		c.userNames.Store(u.ID, u.UserName)
	}
}

// CheckMembers reads (or recalls) every id as membersFor does, so that a
// caller can learn that one is no user before it creates anything; the
// PATCH that later adds them asks nothing again.
func (c *Client) CheckMembers(ctx context.Context, ids []string) error {
	_, err := c.membersFor(ctx, ids)
	return err
}

// membersFor returns ids as the members a PATCH adds: each with the display
// dbt's spec requires of a member (GroupMemberComponent: value and display),
// the user's userName, as Okta sends it. A userName this client has not seen
// (a user created or read in the same run has been) is read first: one GET
// per user, or one listing of every user when many are unknown. An id that
// is no user of the account is a bad request naming it, before anything is
// sent to the group.
func (c *Client) membersFor(ctx context.Context, ids []string) ([]Member, error) {
	out := make([]Member, len(ids))
	var unknown []int
	for i, id := range ids {
		out[i].Value = id
		if name, ok := c.userNames.Load(id); ok {
			out[i].Display = name.(string)
		} else {
			unknown = append(unknown, i)
		}
	}
	if len(unknown) > memberLookupsBeforeList {
		// One listing at a time: groups created in parallel that wait here
		// find their members named by the listing before them.
		c.listingUsers.Lock()
		still := 0
		for _, i := range unknown {
			if _, ok := c.userNames.Load(ids[i]); !ok {
				still++
			}
		}
		var err error
		if still > memberLookupsBeforeList {
			_, err = c.ListUsers(ctx, "")
		}
		c.listingUsers.Unlock()
		if err != nil {
			return nil, fmt.Errorf("scim: listing users to name the %d members being added: %w", len(unknown), err)
		}
	}
	for _, i := range unknown {
		if name, ok := c.userNames.Load(ids[i]); ok {
			out[i].Display = name.(string)
			continue
		}
		u, err := c.GetUser(ctx, ids[i])
		if apierror.IsNotFound(err) {
			return nil, &NotAUserError{ID: ids[i], Err: &apierror.Error{
				Kind:    apierror.KindBadRequest,
				Method:  http.MethodGet,
				Path:    c.basePath + usersPath(ids[i]),
				Message: fmt.Sprintf("member %q is not a user of this account (reading it answered 404), so it was not added", ids[i]),
				API:     apierror.APISCIM,
			}}
		}
		if err != nil {
			return nil, fmt.Errorf("scim: reading member %q to name it: %w", ids[i], err)
		}
		out[i].Display = u.UserName
	}
	return out, nil
}
