// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package scim

import (
	"encoding/json"
	"slices"
	"strings"
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
// operation per request, whose value lists the members. Every member counts
// towards the limit, whether it is its own operation or a value inside the
// shared add, so a request's size is bounded whichever way a server counts.
//
// Removals come first: if a later request fails, the group holds fewer
// members than wanted, never more, and access is not granted early.
// No changes yields no requests; one change yields one request with one
// operation, whatever the size of the group.
func MemberPatches(add, remove []string, maxOpsPerRequest int) []PatchRequest {
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

// memberValues encodes ids as [{"value":"id"},...] without reflection: this
// runs for every member added, and ids need only JSON string quoting.
func memberValues(ids []string) json.RawMessage {
	var b strings.Builder
	b.Grow(len(ids) * 32)
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"value":`)
		b.WriteString(Quote(id))
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return json.RawMessage(b.String())
}
