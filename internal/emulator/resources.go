// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// HTTP handlers for /Users and /Groups (RFC 7644 §3).

// flexBool decodes a JSON boolean or the strings "True"/"False" that Entra
// ID sends.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v bool
	if err := json.Unmarshal(data, &v); err == nil {
		*b = flexBool(v)
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		if v, ok := parseBoolString(s); ok {
			*b = flexBool(v)
			return nil
		}
	}
	return fmt.Errorf("%s is not a boolean", data)
}

// flexString decodes a JSON string or number; member values are ids that
// some clients send as numbers.
type flexString string

func (s *flexString) UnmarshalJSON(data []byte) error {
	var v string
	if err := json.Unmarshal(data, &v); err == nil {
		*s = flexString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return err
	}
	*s = flexString(n.String())
	return nil
}

type nameIn struct {
	GivenName  *string `json:"givenName"`
	FamilyName *string `json:"familyName"`
}

type emailIn struct {
	Value   string   `json:"value"`
	Type    string   `json:"type"`
	Primary flexBool `json:"primary"`
}

type dbtIn struct {
	LicenseType *string `json:"licenseType"`
}

// userIn is a POST or PUT body. Attributes dbt does not keep (displayName,
// title, addresses, ...) are ignored, as dbt ignores them, and so are the
// read-only ones (id, groups, meta), as RFC 7644 §3.5.1 asks, so that a
// client may PUT back what it read.
type userIn struct {
	ExternalID *string   `json:"externalId"`
	UserName   *string   `json:"userName"`
	Name       *nameIn   `json:"name"`
	Emails     []emailIn `json:"emails"`
	Active     *flexBool `json:"active"`
	DBT        *dbtIn    `json:"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"`
}

type memberIn struct {
	Value flexString `json:"value"`
}

type groupIn struct {
	ExternalID  *string     `json:"externalId"`
	DisplayName *string     `json:"displayName"`
	Members     *[]memberIn `json:"members"`
}

func emailsFrom(in []emailIn) []Email {
	if in == nil {
		return nil
	}
	out := make([]Email, len(in))
	for i, e := range in {
		out[i] = Email{Value: e.Value, Type: e.Type, Primary: bool(e.Primary)}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// decodeBody parses a JSON object body, answering 400 invalidSyntax itself
// when it cannot.
func decodeBody(w http.ResponseWriter, body []byte, v any) bool {
	if len(bytes.TrimSpace(body)) == 0 {
		writeSCIMError(w, http.StatusBadRequest, scimTypeInvSyntax, "The request body is empty; expected a JSON object.")
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeSCIMError(w, http.StatusBadRequest, scimTypeInvSyntax, "The request body is not valid: "+err.Error())
		return false
	}
	return true
}

func writeErr(w http.ResponseWriter, err *Error) {
	writeSCIMError(w, err.Status, err.SCIMType, err.Detail)
}

// paging reads startIndex and count (RFC 7644 §3.4.2.4). A startIndex
// below 1 is taken as 1 and a count above limit is capped, as the RFC asks;
// a count of 0 asks only for totalResults.
func paging(q url.Values, limit int) (start, count int, err *Error) {
	start, count = 1, min(defaultPageSize, limit)
	if v := strings.TrimSpace(q.Get("startIndex")); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil {
			return 0, 0, errf(http.StatusBadRequest, scimTypeInvValue, "startIndex %q is not an integer.", v)
		}
		start = max(n, 1)
	}
	if v := strings.TrimSpace(q.Get("count")); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil {
			return 0, 0, errf(http.StatusBadRequest, scimTypeInvValue, "count %q is not an integer.", v)
		}
		count = min(max(n, 0), limit)
	}
	return start, count, nil
}

// window collects the records numbered start..start+count-1 (1-based)
// while counting all of them.
type window[T any] struct {
	start, count, total int
	page                []T
}

func (w *window[T]) offer(x T) {
	w.total++
	if w.total >= w.start && len(w.page) < w.count {
		w.page = append(w.page, x)
	}
}

// scimResource is what the /Users and /Groups handlers need to know about
// one resource type. Routing, listing (paging, filter, attributes), reading
// and deleting are the same for both and are written once, over it; each
// type brings its own create, replace (PUT) and PATCH, which differ.
type scimResource[R, O any] struct {
	name   string // "User" or "Group", as in error messages
	schema *resourceSchema
	// The directory's views of the type; the caller holds e.mu.
	byID func(*directory) map[string]R
	live func(*directory) []R
	// indexed is the attribute whose "eq" filter is answered from byName
	// rather than by a scan.
	indexed string
	byName  func(*directory) map[string]R
	render  func(e *Emulator, rec R, base string, p projection) O

	create         func(e *Emulator, w http.ResponseWriter, r *http.Request, base string, body []byte)
	replace, patch func(e *Emulator, w http.ResponseWriter, r *http.Request, base, id string, body []byte)
	remove         func(e *Emulator, id string) bool
	// deleted tells the record dbt keeps of a deleted resource, listed
	// without a filter only (see User.Deleted); nil when none is kept.
	deleted func(R) bool
}

// listed reports whether a filtered list may return rec: a deleted
// resource's record is left out, so that a lookup before a create (Okta's
// and Entra ID's userName query) and Entra ID's check after a DELETE find
// nothing.
func (res *scimResource[R, O]) listed(rec R) bool { return res.deleted == nil || !res.deleted(rec) }

var usersResource = &scimResource[*userRec, userOut]{
	name:    "User",
	schema:  userSchema,
	byID:    func(d *directory) map[string]*userRec { return d.users },
	live:    (*directory).liveUsers,
	indexed: "userName",
	byName:  func(d *directory) map[string]*userRec { return d.byUserName },
	render:  (*Emulator).renderUser,
	create:  (*Emulator).createUser,
	replace: (*Emulator).replaceUser,
	patch:   (*Emulator).patchUser,
	remove:  (*Emulator).DeleteUserDirect,
	deleted: func(r *userRec) bool { return r.u.Deleted },
}

var groupsResource = &scimResource[*groupRec, groupOut]{
	name:    "Group",
	schema:  groupSchema,
	byID:    func(d *directory) map[string]*groupRec { return d.groups },
	live:    (*directory).liveGroups,
	indexed: "displayName",
	byName:  func(d *directory) map[string]*groupRec { return d.byDisplayName },
	render:  (*Emulator).renderGroup,
	create:  (*Emulator).createGroup,
	replace: (*Emulator).replaceGroup,
	patch:   (*Emulator).patchGroup,
	remove:  (*Emulator).DeleteGroupDirect,
}

func serveResource[R, O any](e *Emulator, res *scimResource[R, O], w http.ResponseWriter, r *http.Request, rest []string, base string, body []byte) {
	switch {
	case len(rest) == 0:
		switch r.Method {
		case http.MethodGet:
			listResources(e, res, w, r, base)
		case http.MethodPost:
			res.create(e, w, r, base, body)
		default:
			allowMethods(w, r, http.MethodGet, http.MethodPost)
		}
	case len(rest) == 1:
		id := rest[0]
		switch r.Method {
		case http.MethodGet:
			getResource(e, res, w, r, base, id)
		case http.MethodPut:
			res.replace(e, w, r, base, id, body)
		case http.MethodPatch:
			res.patch(e, w, r, base, id, body)
		case http.MethodDelete:
			if !res.remove(e, id) {
				notFound(w, res.name, id)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			allowMethods(w, r, http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete)
		}
	default:
		writeSCIMError(w, http.StatusNotFound, "", msgSCIMNotFound)
	}
}

// notFound answers 404 for a User or Group id.
func notFound(w http.ResponseWriter, name, id string) {
	writeSCIMError(w, http.StatusNotFound, "", name+" "+strconv.Quote(id)+" not found.")
}

func listResources[R, O any](e *Emulator, res *scimResource[R, O], w http.ResponseWriter, r *http.Request, base string) {
	q := r.URL.Query()
	start, count, perr := paging(q, e.maxPageSize)
	if perr != nil {
		writeErr(w, perr)
		return
	}
	var f *compiledFilter
	if raw := q.Get("filter"); strings.TrimSpace(raw) != "" {
		var err error
		if f, err = compileFilter(raw, res.schema); err != nil {
			writeSCIMError(w, http.StatusBadRequest, scimTypeInvFilter, err.Error())
			return
		}
	}
	proj := parseProjection(q, res.schema)

	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.dir
	win := window[R]{start: start, count: count}
	switch {
	case f == nil:
		all := res.live(d)
		win.total = len(all)
		lo := min(start-1, len(all))
		win.page = all[lo:min(lo+count, len(all))]
	case f.eqIndexed == res.indexed:
		if rec, ok := res.byName(d)[f.eqValue]; ok && res.listed(rec) && f.m.match(rec) {
			win.offer(rec)
		}
	case f.eqIndexed == "id":
		if rec, ok := res.byID(d)[f.eqValue]; ok && f.m.match(rec) {
			win.offer(rec)
		}
	default:
		for _, rec := range res.live(d) {
			if res.listed(rec) && f.m.match(rec) {
				win.offer(rec)
			}
		}
	}
	out := make([]O, len(win.page))
	for i, rec := range win.page {
		out[i] = res.render(e, rec, base, proj)
	}
	writeSCIM(w, http.StatusOK, listResponse{Schemas: []string{schemaListResp}, TotalResults: win.total, StartIndex: start, ItemsPerPage: len(out), Resources: out})
}

func getResource[R, O any](e *Emulator, res *scimResource[R, O], w http.ResponseWriter, r *http.Request, base, id string) {
	proj := parseProjection(r.URL.Query(), res.schema)
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := res.byID(e.dir)[id]
	if !ok {
		notFound(w, res.name, id)
		return
	}
	writeSCIM(w, http.StatusOK, res.render(e, rec, base, proj))
}

// licensePolicy applies dbt's license rules to a user about to be stored
// (prev is the stored user, nil on create), under e.mu
// (docs.getdbt.com/docs/cloud/manage-access/scim-manage-user-licenses):
//   - licenseType over SCIM takes effect only while the account's SCIM
//     settings let SCIM control license types; otherwise a new user gets the
//     default license and an existing one keeps theirs;
//   - Analyst licenses exist only on select plans: assigning one elsewhere
//     is an error.
func (e *Emulator) licensePolicy(u *User, prev *User) *Error {
	if u.LicenseType != "" && !slices.Contains(licenseTypes, u.LicenseType) {
		return errf(http.StatusBadRequest, scimTypeInvValue,
			"licenseType %q is not one of %s.", u.LicenseType, strings.Join(licenseTypes, ", "))
	}
	switch {
	case !e.scimConfig.SCIMControlledLicenseType && prev == nil:
		u.LicenseType = defaultLicense
	case !e.scimConfig.SCIMControlledLicenseType:
		u.LicenseType = prev.LicenseType
	case u.LicenseType == "analyst" && e.noAnalyst && (prev == nil || prev.LicenseType != "analyst"):
		return errf(http.StatusBadRequest, scimTypeInvValue,
			"The analyst license type is not available for this account's plan.")
	}
	return nil
}

// userFromInput builds the stored form of a POST or PUT body. prev is the
// user a PUT replaces, nil for POST.
func userFromInput(in *userIn, prev *User) (User, *Error) {
	u := User{
		ExternalID: deref(in.ExternalID),
		UserName:   strings.TrimSpace(deref(in.UserName)),
		Emails:     emailsFrom(in.Emails),
		Active:     in.Active == nil || bool(*in.Active),
	}
	if in.Name != nil {
		u.GivenName, u.FamilyName = deref(in.Name.GivenName), deref(in.Name.FamilyName)
	}
	switch {
	case in.DBT != nil && in.DBT.LicenseType != nil:
		u.LicenseType = *in.DBT.LicenseType
		if u.LicenseType == "" {
			return User{}, errf(http.StatusBadRequest, scimTypeInvValue, "licenseType must be one of %s.", strings.Join(licenseTypes, ", "))
		}
	case prev != nil:
		// dbt has no "no license" state over SCIM: a PUT that leaves the
		// extension out keeps the license.
		u.LicenseType = prev.LicenseType
	default:
		u.LicenseType = defaultLicense
	}
	normalizeUser(&u)
	return u, nil
}

func (e *Emulator) createUser(w http.ResponseWriter, r *http.Request, base string, body []byte) {
	var in userIn
	if !decodeBody(w, body, &in) {
		return
	}
	u, err := userFromInput(&in, nil)
	if err != nil {
		writeErr(w, err)
		return
	}
	proj := parseProjection(r.URL.Query(), userSchema)
	e.mu.Lock()
	defer e.mu.Unlock()
	existing, lerr := e.dir.linkable(u.UserName)
	if lerr != nil {
		writeErr(w, lerr)
		return
	}
	var prev *User
	if existing != nil {
		// A linked user keeps the license dbt gave them unless the request
		// sets one.
		prev = &existing.u
		var err *Error
		if u, err = userFromInput(&in, prev); err != nil {
			writeErr(w, err)
			return
		}
	}
	if err := e.licensePolicy(&u, prev); err != nil {
		writeErr(w, err)
		return
	}
	if err := e.dir.checkUser(&u, existing); err != nil {
		writeErr(w, err)
		return
	}
	var rec *userRec
	if existing != nil {
		// Linked, or a deleted user's record brought back: the user is
		// SCIM-managed, with its id, and takes the IdP's profile; an
		// invitation they have not accepted stays pending.
		u.Invited = existing.u.Invited
		e.dir.replaceUser(existing, u, e.now())
		e.dir.users[existing.u.ID] = existing
		rec = existing
	} else {
		u.Invited = e.inviteNewUsers
		rec = e.dir.insertUser(u, e.now())
	}
	w.Header().Set("Location", base+"/Users/"+rec.u.ID)
	writeSCIM(w, http.StatusCreated, e.renderUser(rec, base, proj))
}

func (e *Emulator) replaceUser(w http.ResponseWriter, r *http.Request, base, id string, body []byte) {
	var in userIn
	if !decodeBody(w, body, &in) {
		return
	}
	proj := parseProjection(r.URL.Query(), userSchema)
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := e.dir.users[id]
	if !ok {
		notFound(w, "User", id)
		return
	}
	u, err := userFromInput(&in, &rec.u)
	if err == nil {
		err = e.licensePolicy(&u, &rec.u)
	}
	if err == nil {
		err = e.dir.checkUser(&u, rec)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	u.Invited = rec.u.Invited // a PUT does not accept an invitation
	e.dir.replaceUser(rec, u, e.now())
	writeSCIM(w, http.StatusOK, e.renderUser(rec, base, proj))
}

func memberIDs(in []memberIn) []string {
	ids := make([]string, 0, len(in))
	for _, m := range in {
		ids = append(ids, string(m.Value))
	}
	return ids
}

// membersIn resolves the members of a POST or PUT body; a body without
// members has none.
func (d *directory) membersIn(in *groupIn) ([]*userRec, *Error) {
	if in.Members == nil {
		return nil, nil
	}
	return d.resolveMembers(memberIDs(*in.Members))
}

func (e *Emulator) createGroup(w http.ResponseWriter, r *http.Request, base string, body []byte) {
	var in groupIn
	if !decodeBody(w, body, &in) {
		return
	}
	proj := parseProjection(r.URL.Query(), groupSchema)
	name := strings.TrimSpace(deref(in.DisplayName))
	e.mu.Lock()
	defer e.mu.Unlock()
	if linked := e.dir.linkableGroup(name); linked != nil {
		e.linkGroup(w, linked, &in, base, proj)
		return
	}
	if err := e.dir.checkGroupName(name, nil); err != nil {
		writeErr(w, err)
		return
	}
	members, err := e.dir.membersIn(&in)
	if err != nil {
		writeErr(w, err)
		return
	}
	g := e.dir.insertGroup(Group{DisplayName: name, ExternalID: deref(in.ExternalID)}, members, e.now())
	w.Header().Set("Location", base+"/Groups/"+g.g.ID)
	writeSCIM(w, http.StatusCreated, e.renderGroup(g, base, proj))
}

// linkGroup answers a SCIM create that names a group made in dbt: the
// group becomes SCIM-managed, keeps its id and members, and takes the
// request's externalId and any members it lists (dbt's SCIM FAQ: "If a
// group with the same name exists in dbt platform, it will be linked and
// become SCIM-managed"). Called with e.mu held.
func (e *Emulator) linkGroup(w http.ResponseWriter, g *groupRec, in *groupIn, base string, proj projection) {
	members, err := e.dir.membersIn(in)
	if err != nil {
		writeErr(w, err)
		return
	}
	g.g.Unmanaged = false
	if in.ExternalID != nil {
		g.g.ExternalID = *in.ExternalID
	}
	for _, u := range members {
		e.dir.addMember(g, u)
	}
	g.g.LastModified = e.now()
	w.Header().Set("Location", base+"/Groups/"+g.g.ID)
	writeSCIM(w, http.StatusCreated, e.renderGroup(g, base, proj))
}

// replaceGroup is PUT: every attribute is replaced, so a body without
// members empties the group (RFC 7644 §3.5.1).
func (e *Emulator) replaceGroup(w http.ResponseWriter, r *http.Request, base, id string, body []byte) {
	var in groupIn
	if !decodeBody(w, body, &in) {
		return
	}
	proj := parseProjection(r.URL.Query(), groupSchema)
	name := strings.TrimSpace(deref(in.DisplayName))
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.dir.groups[id]
	if !ok {
		notFound(w, "Group", id)
		return
	}
	if err := e.dir.checkGroupName(name, g); err != nil {
		writeErr(w, err)
		return
	}
	members, err := e.dir.membersIn(&in)
	if err != nil {
		writeErr(w, err)
		return
	}
	e.dir.renameGroup(g, name)
	g.g.ExternalID = deref(in.ExternalID)
	e.dir.setMembers(g, members)
	g.g.LastModified = e.now()
	writeSCIM(w, http.StatusOK, e.renderGroup(g, base, proj))
}

// ignoredUserAttrs are core and enterprise User attributes that dbt does
// not keep. IdPs send them with their default mappings (Entra ID sends
// displayName, title, addresses, ...), and dbt accepts and drops them.
var ignoredUserAttrs = []string{
	"displayname", "nickname", "profileurl", "title", "usertype", "preferredlanguage", "locale", "timezone",
	"password", "phonenumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509certificates",
	"name.formatted", "name.middlename", "name.honorificprefix", "name.honorificsuffix",
}

const schemaEnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"

func isIgnoredUserAttr(uri, name, sub string) bool {
	if strings.EqualFold(uri, schemaEnterpriseUser) {
		return true
	}
	if uri == "" && strings.EqualFold(name, schemaEnterpriseUser) {
		return true
	}
	full := strings.ToLower(name)
	if sub != "" {
		full += "." + strings.ToLower(sub)
	}
	return slices.Contains(ignoredUserAttrs, strings.ToLower(name)) || slices.Contains(ignoredUserAttrs, full)
}
