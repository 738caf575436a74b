// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// PATCH (RFC 7644 §3.5.2) as Okta and Entra ID send it: op names in any
// case, path-less "replace" with an object whose keys may be dotted paths,
// booleans as "True"/"False", member removal both by filter path and by a
// value list. A PATCH is atomic: every operation is checked before any is
// applied.

type patchIn struct {
	Operations []opIn `json:"Operations"`
}

type opIn struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// decodePatch parses and sanity-checks a PatchOp body, answering 400
// itself when it cannot be used.
func decodePatch(w http.ResponseWriter, body []byte) ([]opIn, bool) {
	var in patchIn
	if !decodeBody(w, body, &in) {
		return nil, false
	}
	if len(in.Operations) == 0 {
		writeSCIMError(w, http.StatusBadRequest, scimTypeInvSyntax, "Operations must hold at least one operation.")
		return nil, false
	}
	for i := range in.Operations {
		op := &in.Operations[i]
		op.Op = strings.ToLower(strings.TrimSpace(op.Op))
		op.Path = strings.TrimSpace(op.Path)
		if bytes.Equal(bytes.TrimSpace(op.Value), []byte("null")) {
			op.Value = nil
		}
		switch op.Op {
		case "add", "replace":
			if op.Value == nil {
				writeSCIMError(w, http.StatusBadRequest, scimTypeInvValue, "Operation "+strconv.Itoa(i)+" ("+op.Op+") has no value.")
				return nil, false
			}
		case "remove":
			if op.Path == "" {
				writeSCIMError(w, http.StatusBadRequest, scimTypeNoTarget, "Operation "+strconv.Itoa(i)+" (remove) has no path.")
				return nil, false
			}
		default:
			writeSCIMError(w, http.StatusBadRequest, scimTypeInvSyntax, "Operation "+strconv.Itoa(i)+" has op "+strconv.Quote(op.Op)+"; want add, remove or replace.")
			return nil, false
		}
	}
	return in.Operations, true
}

// target is a parsed PATCH path, lower-cased.
type target struct {
	uri    string // extension URN, or "" for the core schema
	attr   string
	sub    string
	filter filter.Expression // value selection, as in members[value eq "x"]
	// fromObject is set for the keys of a path-less value object, where
	// read-only attributes (id, meta) are tolerated and skipped.
	fromObject bool
}

func parseTarget(path, core string) (target, *Error) {
	p, err := filter.ParsePath([]byte(path))
	if err != nil {
		return target{}, errf(http.StatusBadRequest, scimTypeInvPath, "Cannot parse path %q: %v", path, err)
	}
	t := target{
		uri:    strings.ToLower(p.AttributePath.URI()),
		attr:   strings.ToLower(p.AttributePath.AttributeName),
		sub:    strings.ToLower(p.AttributePath.SubAttributeName()),
		filter: p.ValueExpression,
	}
	if s := p.SubAttributeName(); s != "" {
		t.sub = strings.ToLower(s)
	}
	switch {
	case t.uri == strings.ToLower(core):
		t.uri = ""
	case t.uri != "" && t.uri+":"+t.attr == dbtExtKey:
		// The parser reads the bare extension URN as prefix "...:2.0"
		// and attribute "User"; it names the whole extension object.
		t.uri, t.attr = "", dbtExtKey
	}
	return t, nil
}

// objectTargets expands a path-less value object into one target per key.
func objectTargets(raw json.RawMessage, core string) ([]target, []json.RawMessage, *Error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, nil, errf(http.StatusBadRequest, scimTypeInvValue, "An operation without a path needs an object value: %v", err)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	// Sorted, so that the outcome does not depend on map order when two
	// keys touch the same attribute ("name" and "name.givenName").
	slices.Sort(keys)
	ts := make([]target, 0, len(keys))
	vs := make([]json.RawMessage, 0, len(keys))
	for _, k := range keys {
		t, err := parseTarget(k, core)
		if err != nil {
			return nil, nil, err
		}
		t.fromObject = true
		v := obj[k]
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			v = nil
		}
		ts = append(ts, t)
		vs = append(vs, v)
	}
	return ts, vs, nil
}

// eachTarget calls fn with the target of op and its value: the one its path
// names, or one per key of a path-less value object, stopping at the first
// error.
func eachTarget(op opIn, core string, fn func(t target, raw json.RawMessage) *Error) *Error {
	if op.Path == "" {
		ts, vs, err := objectTargets(op.Value, core)
		if err != nil {
			return err
		}
		for i := range ts {
			if err := fn(ts[i], vs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	t, err := parseTarget(op.Path, core)
	if err != nil {
		return err
	}
	return fn(t, op.Value)
}

func decodeString(raw json.RawMessage, what string) (string, *Error) {
	var s string
	if raw == nil {
		return "", nil
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errf(http.StatusBadRequest, scimTypeInvValue, "%s must be a string, not %s.", what, raw)
	}
	return s, nil
}

// --- users -----------------------------------------------------------------

func (e *Emulator) patchUser(w http.ResponseWriter, r *http.Request, base, id string, body []byte) {
	ops, ok := decodePatch(w, body)
	if !ok {
		return
	}
	proj := parseProjection(r.URL.Query(), userSchema)
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, found := e.dir.users[id]
	if !found {
		notFound(w, "User", id)
		return
	}
	u := rec.u
	u.Emails = slices.Clone(u.Emails)
	for _, op := range ops {
		if err := applyUserOp(&u, op); err != nil {
			writeErr(w, err)
			return
		}
	}
	if err := e.licensePolicy(&u, &rec.u); err != nil {
		writeErr(w, err)
		return
	}
	if err := e.dir.checkUser(&u, rec); err != nil {
		writeErr(w, err)
		return
	}
	e.dir.replaceUser(rec, u, e.now())
	if e.patchNoContent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeSCIM(w, http.StatusOK, e.renderUser(rec, base, proj))
}

func applyUserOp(u *User, op opIn) *Error {
	return eachTarget(op, schemaUser, func(t target, raw json.RawMessage) *Error {
		return applyUserTarget(u, op.Op, t, raw)
	})
}

func applyUserTarget(u *User, op string, t target, raw json.RawMessage) *Error {
	remove := op == "remove" || raw == nil
	if t.uri != "" {
		if t.uri == dbtExtKey && t.attr == "licensetype" && t.sub == "" && t.filter == nil {
			return setLicense(u, remove, raw)
		}
		if isIgnoredUserAttr(t.uri, t.attr, t.sub) {
			return nil
		}
		return errf(http.StatusBadRequest, scimTypeInvPath, "Unknown attribute %s:%s.", t.uri, t.attr)
	}
	if t.filter != nil && t.attr != "emails" {
		if isIgnoredUserAttr("", t.attr, t.sub) {
			return nil
		}
		return errf(http.StatusBadRequest, scimTypeInvPath, "%s does not take a [filter].", t.attr)
	}
	switch t.attr {
	case dbtExtKey:
		if t.sub != "" {
			if t.sub != "licensetype" {
				return errf(http.StatusBadRequest, scimTypeInvPath, "Unknown attribute %s.%s.", schemaDBTUser, t.sub)
			}
			return setLicense(u, remove, raw)
		}
		if remove {
			u.LicenseType = ""
			return nil
		}
		var in dbtIn
		if err := json.Unmarshal(raw, &in); err != nil {
			return errf(http.StatusBadRequest, scimTypeInvValue, "%s must be an object: %v", schemaDBTUser, err)
		}
		if in.LicenseType != nil {
			return setLicense(u, false, mustMarshal(*in.LicenseType))
		}
		return nil
	case "id", "meta", "schemas", "groups":
		if t.fromObject && t.attr != "groups" {
			return nil // Okta echoes the id in a rename's value object
		}
		return errf(http.StatusBadRequest, scimTypeMutab, "%s is read-only.", t.attr)
	case "username":
		if remove {
			u.UserName = "" // refused by checkUser: userName is required
			return nil
		}
		s, err := decodeString(raw, "userName")
		u.UserName = strings.TrimSpace(s)
		return err
	case "externalid":
		if remove {
			u.ExternalID = ""
			return nil
		}
		s, err := decodeString(raw, "externalId")
		u.ExternalID = s
		return err
	case "active":
		if remove {
			return errf(http.StatusBadRequest, scimTypeInvValue, "active cannot be removed; replace it with true or false.")
		}
		var b flexBool
		if err := json.Unmarshal(raw, &b); err != nil {
			return errf(http.StatusBadRequest, scimTypeInvValue, "active must be a boolean, not %s.", raw)
		}
		u.Active = bool(b)
		return nil
	case "name":
		return applyName(u, t, remove, raw)
	case "emails":
		return applyEmails(u, op, t, raw)
	}
	if isIgnoredUserAttr("", t.attr, t.sub) {
		return nil
	}
	return errf(http.StatusBadRequest, scimTypeInvPath, "Unknown attribute %q.", t.attr)
}

func mustMarshal(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

func setLicense(u *User, remove bool, raw json.RawMessage) *Error {
	if remove {
		u.LicenseType = ""
		return nil
	}
	s, err := decodeString(raw, "licenseType")
	if err != nil {
		return err
	}
	if !slices.Contains(licenseTypes, s) {
		return errf(http.StatusBadRequest, scimTypeInvValue, "licenseType %q is not one of %s.", s, strings.Join(licenseTypes, ", "))
	}
	u.LicenseType = s
	return nil
}

func applyName(u *User, t target, remove bool, raw json.RawMessage) *Error {
	switch t.sub {
	case "":
		if remove {
			u.GivenName, u.FamilyName = "", ""
			return nil
		}
		// Sub-attributes not in the value are left alone (RFC 7644
		// §3.5.2.3, replace of a complex attribute).
		var in nameIn
		if err := json.Unmarshal(raw, &in); err != nil {
			return errf(http.StatusBadRequest, scimTypeInvValue, "name must be an object: %v", err)
		}
		if in.GivenName != nil {
			u.GivenName = *in.GivenName
		}
		if in.FamilyName != nil {
			u.FamilyName = *in.FamilyName
		}
		return nil
	case "givenname", "familyname":
		s, err := decodeString(raw, "name."+t.sub)
		if err != nil {
			return err
		}
		if remove {
			s = ""
		}
		if t.sub == "givenname" {
			u.GivenName = s
		} else {
			u.FamilyName = s
		}
		return nil
	}
	if isIgnoredUserAttr("", "name", t.sub) {
		return nil
	}
	return errf(http.StatusBadRequest, scimTypeInvPath, "Unknown attribute name.%s.", t.sub)
}

// decodeEmails reads an emails value: an array, or a single object.
func decodeEmails(raw json.RawMessage) ([]Email, *Error) {
	var list []emailIn
	if err := json.Unmarshal(raw, &list); err != nil {
		var one emailIn
		if err2 := json.Unmarshal(raw, &one); err2 != nil {
			return nil, errf(http.StatusBadRequest, scimTypeInvValue, "emails must be an array of objects: %v", err)
		}
		list = []emailIn{one}
	}
	return emailsFrom(list), nil
}

func setEmailSub(em *Email, sub string, raw json.RawMessage, remove bool) *Error {
	switch sub {
	case "value", "type":
		s, err := decodeString(raw, "emails."+sub)
		if err != nil {
			return err
		}
		if remove {
			s = ""
		}
		if sub == "value" {
			em.Value = s
		} else {
			em.Type = s
		}
	case "primary":
		var b flexBool
		if !remove {
			if err := json.Unmarshal(raw, &b); err != nil {
				return errf(http.StatusBadRequest, scimTypeInvValue, "emails.primary must be a boolean, not %s.", raw)
			}
		}
		em.Primary = bool(b)
	default:
		return errf(http.StatusBadRequest, scimTypeInvPath, "Unknown attribute emails.%s.", sub)
	}
	return nil
}

func applyEmails(u *User, op string, t target, raw json.RawMessage) *Error {
	remove := op == "remove"
	if t.filter == nil {
		switch {
		case t.sub != "":
			for i := range u.Emails {
				if err := setEmailSub(&u.Emails[i], t.sub, raw, remove); err != nil {
					return err
				}
			}
		case remove:
			u.Emails = nil
		case op == "replace":
			ems, err := decodeEmails(raw)
			if err != nil {
				return err
			}
			u.Emails = ems
		default: // add: merge by value
			ems, err := decodeEmails(raw)
			if err != nil {
				return err
			}
			for _, n := range ems {
				if n.Primary {
					for i := range u.Emails {
						u.Emails[i].Primary = false
					}
				}
				i := slices.IndexFunc(u.Emails, func(o Email) bool { return strings.EqualFold(o.Value, n.Value) })
				if i >= 0 {
					u.Emails[i] = n
				} else {
					u.Emails = append(u.Emails, n)
				}
			}
		}
		return nil
	}

	m, err := compileExpr(t.filter, subResolver(userAttrs["emails"]))
	if err != nil {
		return errf(http.StatusBadRequest, scimTypeInvPath, "Bad filter in path: %v", err)
	}
	if remove {
		kept := u.Emails[:0]
		for i := range u.Emails {
			em := u.Emails[i]
			if !m.match(&em) {
				kept = append(kept, em)
				continue
			}
			if t.sub != "" {
				if err := setEmailSub(&em, t.sub, nil, true); err != nil {
					return err
				}
				kept = append(kept, em)
			}
		}
		u.Emails = kept
		return nil
	}
	matched := false
	for i := range u.Emails {
		if !m.match(&u.Emails[i]) {
			continue
		}
		matched = true
		if err := setEmail(&u.Emails[i], t.sub, raw); err != nil {
			return err
		}
	}
	if !matched {
		// Entra ID adds emails[type eq "work"].value to a user with no work
		// address, and replaces it the same way; both create the address.
		em := Email{Type: eqValueOf(t.filter, "type"), Value: eqValueOf(t.filter, "value")}
		if err := setEmail(&em, t.sub, raw); err != nil {
			return err
		}
		if len(u.Emails) == 0 {
			em.Primary = true
		}
		u.Emails = append(u.Emails, em)
	}
	return nil
}

func setEmail(em *Email, sub string, raw json.RawMessage) *Error {
	if sub != "" {
		return setEmailSub(em, sub, raw, false)
	}
	var in emailIn
	if err := json.Unmarshal(raw, &in); err != nil {
		return errf(http.StatusBadRequest, scimTypeInvValue, "An email must be an object: %v", err)
	}
	*em = Email{Value: in.Value, Type: in.Type, Primary: bool(in.Primary)}
	return nil
}

// eqValueOf returns v when f is `attr eq "v"` (or an and of such), so that
// a path such as emails[type eq "work"].value can create what it selects.
func eqValueOf(f filter.Expression, attr string) string {
	switch x := f.(type) {
	case *filter.AttributeExpression:
		if x.Operator == filter.EQ && x.AttributePath.URIPrefix == nil && x.AttributePath.SubAttribute == nil &&
			strings.EqualFold(x.AttributePath.AttributeName, attr) {
			if s, ok := x.CompareValue.(string); ok {
				return unescape(s)
			}
		}
	case *filter.LogicalExpression:
		if x.Operator == filter.AND {
			if v := eqValueOf(x.Left, attr); v != "" {
				return v
			}
			return eqValueOf(x.Right, attr)
		}
	}
	return ""
}

// subResolver resolves the attributes inside def[...] to def's
// sub-attributes.
func subResolver(def *attrDef) resolver {
	return func(p filter.AttributePath) (*attrDef, error) {
		if p.URIPrefix != nil || p.SubAttribute != nil {
			return nil, errf(http.StatusBadRequest, scimTypeInvPath, "inside %s[...] only sub-attributes of %s may be used", def.name, def.name)
		}
		sub, ok := def.sub[strings.ToLower(p.AttributeName)]
		if !ok {
			return nil, errf(http.StatusBadRequest, scimTypeInvPath, "attribute %q has no sub-attribute %q", def.name, p.AttributeName)
		}
		return sub, nil
	}
}

// --- groups ----------------------------------------------------------------

type groupActionKind int

const (
	actAdd groupActionKind = iota
	actRemove
	actReplace
)

// groupAction is one checked change to a group's members.
type groupAction struct {
	kind    groupActionKind
	members []*userRec
}

// groupPlan is a checked PATCH, ready to apply.
type groupPlan struct {
	name, externalID *string
	actions          []groupAction
	// overlay and replaced track membership as the earlier operations of
	// the same PATCH leave it, for StrictMemberRemoval.
	overlay  map[*userRec]bool
	replaced bool
}

func (p *groupPlan) isMember(g *groupRec, u *userRec) bool {
	if v, ok := p.overlay[u]; ok {
		return v
	}
	return !p.replaced && g.members.has(u)
}

func (p *groupPlan) add(kind groupActionKind, users []*userRec) {
	if p.overlay == nil {
		p.overlay = map[*userRec]bool{}
	}
	if kind == actReplace {
		clear(p.overlay)
		p.replaced = true
	}
	for _, u := range users {
		p.overlay[u] = kind != actRemove
	}
	p.actions = append(p.actions, groupAction{kind: kind, members: users})
}

// noTarget is the answer to removing a non-member under StrictMemberRemoval.
func noTarget(what string) *Error {
	return errf(http.StatusBadRequest, scimTypeNoTarget, "%s is not a member of the group; nothing to remove.", what)
}

func (e *Emulator) patchGroup(w http.ResponseWriter, r *http.Request, base, id string, body []byte) {
	ops, ok := decodePatch(w, body)
	if !ok {
		return
	}
	proj := parseProjection(r.URL.Query(), groupSchema)
	e.mu.Lock()
	defer e.mu.Unlock()
	g, found := e.dir.groups[id]
	if !found {
		notFound(w, "Group", id)
		return
	}
	var plan groupPlan
	for _, op := range ops {
		if err := e.planGroupOp(g, op, &plan); err != nil {
			writeErr(w, err)
			return
		}
	}
	if plan.name != nil {
		if err := e.dir.checkGroupName(*plan.name, g); err != nil {
			writeErr(w, err)
			return
		}
		e.dir.renameGroup(g, *plan.name)
	}
	if plan.externalID != nil {
		g.g.ExternalID = *plan.externalID
	}
	for _, a := range plan.actions {
		switch a.kind {
		case actAdd:
			for _, u := range a.members {
				e.dir.addMember(g, u)
			}
		case actRemove:
			for _, u := range a.members {
				e.dir.removeMember(g, u)
			}
		case actReplace:
			e.dir.setMembers(g, a.members)
		}
	}
	g.g.LastModified = e.now()
	if e.patchNoContent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeSCIM(w, http.StatusOK, e.renderGroup(g, base, proj))
}

func (e *Emulator) planGroupOp(g *groupRec, op opIn, plan *groupPlan) *Error {
	return eachTarget(op, schemaGroup, func(t target, raw json.RawMessage) *Error {
		return e.planGroupTarget(g, op.Op, t, raw, plan)
	})
}

func (e *Emulator) planGroupTarget(g *groupRec, op string, t target, raw json.RawMessage, plan *groupPlan) *Error {
	if t.uri != "" {
		return errf(http.StatusBadRequest, scimTypeInvPath, "Unknown attribute %s:%s.", t.uri, t.attr)
	}
	if t.attr != "members" && (t.filter != nil || t.sub != "") {
		return errf(http.StatusBadRequest, scimTypeInvPath, "%s has no sub-attributes.", t.attr)
	}
	switch t.attr {
	case "displayname":
		if op == "remove" || raw == nil {
			return errf(http.StatusBadRequest, scimTypeInvValue, "displayName is required and cannot be removed.")
		}
		s, err := decodeString(raw, "displayName")
		if err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		plan.name = &s
		return nil
	case "externalid":
		s, err := decodeString(raw, "externalId")
		if err != nil {
			return err
		}
		if op == "remove" {
			s = ""
		}
		plan.externalID = &s
		return nil
	case "id", "meta", "schemas":
		if t.fromObject {
			return nil // Okta sends {"id": ..., "displayName": ...} to rename
		}
		return errf(http.StatusBadRequest, scimTypeMutab, "%s is read-only.", t.attr)
	case "members":
		return e.planMembers(g, op, t, raw, plan)
	}
	return errf(http.StatusBadRequest, scimTypeInvPath, "Unknown attribute %q.", t.attr)
}

func (e *Emulator) planMembers(g *groupRec, op string, t target, raw json.RawMessage, plan *groupPlan) *Error {
	if t.sub != "" {
		return errf(http.StatusBadRequest, scimTypeInvPath, "members.%s cannot be changed; add or remove members instead.", t.sub)
	}
	if t.filter != nil {
		if op != "remove" {
			return errf(http.StatusBadRequest, scimTypeInvPath, "members[...] paths can only be removed; add members with path \"members\".")
		}
		users, err := e.membersMatching(g, t.filter, plan)
		if err != nil {
			return err
		}
		if len(users) == 0 && e.strictRemoval {
			return noTarget(fmt.Sprintf("No user matching %v", t.filter))
		}
		plan.add(actRemove, users)
		return nil
	}
	if op == "remove" {
		if raw == nil {
			plan.add(actReplace, nil)
			return nil
		}
		// Entra ID style: path "members" with the members to drop as value.
		// Ids that are not members are skipped: removing is idempotent, so
		// a retried request succeeds (unless StrictMemberRemoval).
		ids, err := decodeMemberIDs(raw)
		if err != nil {
			return err
		}
		var users []*userRec
		for _, id := range ids {
			u, ok := e.dir.users[id]
			if ok && plan.isMember(g, u) {
				users = append(users, u)
			} else if e.strictRemoval {
				return noTarget("User " + strconv.Quote(id))
			}
		}
		plan.add(actRemove, users)
		return nil
	}
	var ids []string
	if raw != nil {
		var err *Error
		if ids, err = decodeMemberIDs(raw); err != nil {
			return err
		}
	}
	users, err := e.dir.resolveMembers(ids)
	if err != nil {
		return err
	}
	kind := actAdd
	if op == "replace" {
		kind = actReplace
	}
	plan.add(kind, users)
	return nil
}

// membersMatching evaluates a members[...] filter. The common
// `value eq "id"` is a map lookup, so removing one member of a huge group
// does not scan it.
func (e *Emulator) membersMatching(g *groupRec, f filter.Expression, plan *groupPlan) ([]*userRec, *Error) {
	if x, ok := f.(*filter.AttributeExpression); ok && x.Operator == filter.EQ &&
		x.AttributePath.URIPrefix == nil && x.AttributePath.SubAttribute == nil &&
		strings.EqualFold(x.AttributePath.AttributeName, "value") {
		if s, ok := x.CompareValue.(string); ok {
			if u, ok := e.dir.users[unescape(s)]; ok && plan.isMember(g, u) {
				return []*userRec{u}, nil
			}
			return nil, nil
		}
	}
	m, err := compileExpr(f, subResolver(groupAttrs["members"]))
	if err != nil {
		return nil, errf(http.StatusBadRequest, scimTypeInvPath, "Bad filter in path: %v", err)
	}
	var out []*userRec
	g.members.each(func(u *userRec) {
		if plan.isMember(g, u) && m.match(u) {
			out = append(out, u)
		}
	})
	// Members added earlier in the same PATCH are candidates too.
	for u, member := range plan.overlay {
		if member && !g.members.has(u) && m.match(u) {
			out = append(out, u)
		}
	}
	return out, nil
}

// decodeMemberIDs reads a members value: an array of {"value": id}, or a
// single such object.
func decodeMemberIDs(raw json.RawMessage) ([]string, *Error) {
	var list []memberIn
	if err := json.Unmarshal(raw, &list); err != nil {
		var one memberIn
		if err2 := json.Unmarshal(raw, &one); err2 != nil {
			return nil, errf(http.StatusBadRequest, scimTypeInvValue, "members must be an array of {\"value\": id}: %v", err)
		}
		list = []memberIn{one}
	}
	ids := memberIDs(list)
	for _, id := range ids {
		if id == "" {
			return nil, errf(http.StatusBadRequest, scimTypeInvValue, "A member has no value.")
		}
	}
	return ids, nil
}
