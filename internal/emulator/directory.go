// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// licenseTypes are the values dbt accepts for the user extension's
// licenseType.
var licenseTypes = []string{"developer", "read_only", "analyst", "it"}

// defaultLicense is what dbt's spec gives a SCIM-created user that carries
// no license (the extension's default).
const defaultLicense = "developer"

// Id ranges. Users and groups count from different bases so that a client
// that puts a user id where a group id belongs gets a 404, not a wrong
// object.
const (
	firstUserID  = 1001
	firstGroupID = 900001
)

// Email is one of a user's email addresses.
type Email struct {
	Value   string
	Type    string // "work" for the address dbt signs in with
	Primary bool
}

// User is a SCIM user as the emulator stores it.
type User struct {
	ID          string // assigned by the emulator; ignored on create
	ExternalID  string
	UserName    string // the email; unique, compared case-insensitively
	GivenName   string
	FamilyName  string
	Emails      []Email // defaulted to the userName as work, primary address when empty
	Active      bool
	LicenseType string // developer | read_only | analyst | it; "" = no license
	// Invited marks a user provisioned over SCIM who was new to dbt: dbt
	// emailed an invitation, and until it is accepted (AcceptInvitation)
	// the user holds no license and cannot join a group. Not shown over
	// SCIM.
	Invited bool
	// Unmanaged marks a dbt user that SCIM has not linked, such as one
	// invited in dbt's UI before SCIM was on. A SCIM create whose userName
	// equals the user's email exactly, including case, links the user
	// instead of creating one. Not shown over SCIM.
	Unmanaged bool
	// Deleted marks the record dbt keeps of a user deleted over SCIM (or
	// in dbt): it is gone for GET, PUT, PATCH and DELETE by id, but a list
	// still returns it, inactive, as Okta's Import Users does ("including
	// previously deleted users, if you need to re-provision those users":
	// dbt's Set up SCIM page), and a create with exactly its userName
	// brings it back with its id. Users and UserByUserName leave such
	// records out; DeletedUsers lists them.
	Deleted bool
	// Groups lists the ids of the groups the user is a member of, oldest
	// group first. It is computed from memberships and ignored on input.
	Groups       []string
	Created      time.Time
	LastModified time.Time
}

// Group is a SCIM group as the emulator stores it.
type Group struct {
	ID          string // assigned by the emulator
	ExternalID  string
	DisplayName string   // unique, compared case-insensitively
	Members     []string // user ids, in the order they were added
	// Unmanaged marks a group made in dbt, not over SCIM: a SCIM create
	// with exactly its name links it instead of creating one.
	Unmanaged    bool
	Created      time.Time
	LastModified time.Time
}

// SeedResult lists what Seed created, in creation order.
type SeedResult struct {
	UserIDs  []string
	GroupIDs []string
}

// Error is a rule violation reported by the Go API, with the HTTP status and
// SCIM error type the same change would get over HTTP.
type Error struct {
	Status   int
	SCIMType string
	Detail   string
}

func (e *Error) Error() string {
	if e.SCIMType != "" {
		return fmt.Sprintf("emulator: %d %s: %s", e.Status, e.SCIMType, e.Detail)
	}
	return fmt.Sprintf("emulator: %d: %s", e.Status, e.Detail)
}

func errf(status int, scimType, format string, args ...any) *Error {
	return &Error{Status: status, SCIMType: scimType, Detail: fmt.Sprintf(format, args...)}
}

// --- store -----------------------------------------------------------------

type userRec struct {
	d     *directory // for computed attributes (groups) during filtering
	u     User       // Groups is left nil here; see groups
	lower string
	seq   int64 // creation order, for stable listing
	idx   int   // position in directory.userOrder
	// groups is the reverse membership index: rendering a user's groups
	// must not scan every group.
	groups map[*groupRec]struct{}
}

type groupRec struct {
	g       Group // Members is left nil here; see members
	lower   string
	seq     int64
	idx     int
	members memberSet
}

// memberSet is a set with insertion order. Removal leaves a hole that is
// compacted away lazily, so adding or removing one member of a 50,000-member
// group costs O(1) amortised, and listing the members is linear.
type memberSet struct {
	pos   map[*userRec]int
	order []*userRec // nil = removed
	holes int
}

func (m *memberSet) has(u *userRec) bool {
	_, ok := m.pos[u]
	return ok
}

func (m *memberSet) add(u *userRec) bool {
	if m.pos == nil {
		m.pos = map[*userRec]int{}
	}
	if _, ok := m.pos[u]; ok {
		return false
	}
	m.pos[u] = len(m.order)
	m.order = append(m.order, u)
	return true
}

func (m *memberSet) remove(u *userRec) bool {
	i, ok := m.pos[u]
	if !ok {
		return false
	}
	delete(m.pos, u)
	m.order[i] = nil
	m.holes++
	if m.holes > 32 && m.holes > len(m.order)/2 {
		m.compact()
	}
	return true
}

func (m *memberSet) compact() {
	if m.holes == 0 {
		return
	}
	m.order = compactOrder(m.order, func(u *userRec, i int) { m.pos[u] = i })
	m.holes = 0
}

func (m *memberSet) len() int { return len(m.pos) }

// each calls fn for every member in insertion order.
func (m *memberSet) each(fn func(*userRec)) {
	for _, u := range m.order {
		if u != nil {
			fn(u)
		}
	}
}

type directory struct {
	users      map[string]*userRec
	userOrder  []*userRec // creation order; nil = deleted
	userHoles  int
	byUserName map[string]*userRec // lower-cased userName

	groups        map[string]*groupRec
	groupOrder    []*groupRec
	groupHoles    int
	byDisplayName map[string]*groupRec // lower-cased displayName

	nextUserID, nextGroupID int64
	seq                     int64
	seeded                  int // users made by Seed so far, to keep seeded names unique
	seededGroups            int
}

func newDirectory() *directory {
	return &directory{
		users:         map[string]*userRec{},
		byUserName:    map[string]*userRec{},
		groups:        map[string]*groupRec{},
		byDisplayName: map[string]*groupRec{},
		nextUserID:    firstUserID,
		nextGroupID:   firstGroupID,
	}
}

// liveUsers returns the users in creation order, compacting deleted slots
// first so that paging without a filter is a slice operation.
func (d *directory) liveUsers() []*userRec {
	if d.userHoles > 0 {
		d.userOrder = compactOrder(d.userOrder, func(u *userRec, i int) { u.idx = i })
		d.userHoles = 0
	}
	return d.userOrder
}

func (d *directory) liveGroups() []*groupRec {
	if d.groupHoles > 0 {
		d.groupOrder = compactOrder(d.groupOrder, func(g *groupRec, i int) { g.idx = i })
		d.groupHoles = 0
	}
	return d.groupOrder
}

// compactOrder drops the nil (deleted) slots of order in place, keeping the
// rest in order, and tells moved each record's new position.
func compactOrder[R any](order []*R, moved func(rec *R, i int)) []*R {
	out := order[:0]
	for _, rec := range order {
		if rec != nil {
			moved(rec, len(out))
			out = append(out, rec)
		}
	}
	clear(order[len(out):])
	return out
}

// checkUser enforces dbt's rules on a user about to be stored. self is the
// user being replaced, nil on create.
func (d *directory) checkUser(u *User, self *userRec) *Error {
	if strings.TrimSpace(u.UserName) == "" {
		return errf(http.StatusBadRequest, scimTypeInvValue, "userName is required.")
	}
	if !strings.Contains(u.UserName, "@") {
		return errf(http.StatusBadRequest, scimTypeInvValue, "userName %q must be the user's email address.", u.UserName)
	}
	for _, em := range u.Emails {
		if strings.EqualFold(em.Type, "work") && !strings.EqualFold(em.Value, u.UserName) {
			return errf(http.StatusBadRequest, scimTypeInvValue,
				"userName %q must equal emails[type eq \"work\"].value %q.", u.UserName, em.Value)
		}
	}
	if u.LicenseType != "" && !slices.Contains(licenseTypes, u.LicenseType) {
		return errf(http.StatusBadRequest, scimTypeInvValue,
			"licenseType %q is not one of %s.", u.LicenseType, strings.Join(licenseTypes, ", "))
	}
	if other, ok := d.byUserName[strings.ToLower(u.UserName)]; ok && other != self {
		return errf(http.StatusConflict, scimTypeUnique, "userName %q is taken by user %q (id %s); userNames are compared case-insensitively.", u.UserName, other.u.UserName, other.u.ID)
	}
	return nil
}

func (d *directory) checkGroupName(name string, self *groupRec) *Error {
	if strings.TrimSpace(name) == "" {
		return errf(http.StatusBadRequest, scimTypeInvValue, "displayName is required.")
	}
	if other, ok := d.byDisplayName[strings.ToLower(name)]; ok && other != self {
		return errf(http.StatusConflict, scimTypeUnique, "displayName %q is taken by group %q (id %s); names are compared case-insensitively.", name, other.g.DisplayName, other.g.ID)
	}
	return nil
}

// resolveMembers maps member ids to users, enforcing that they exist and
// dbt's rule that every member of a pushed group holds a license.
func (d *directory) resolveMembers(ids []string) ([]*userRec, *Error) {
	out := make([]*userRec, 0, len(ids))
	for _, id := range ids {
		u, ok := d.users[id]
		if !ok {
			return nil, errf(http.StatusBadRequest, scimTypeInvValue, "Member %q is not a user of this account.", id)
		}
		if u.u.LicenseType == "" || u.u.Invited {
			// dbt's message names no one (its FAQ has admins find the
			// users in their IdP's provisioning logs).
			return nil, errf(http.StatusBadRequest, scimTypeInvValue, "All users must have licenses on the account")
		}
		out = append(out, u)
	}
	return out, nil
}

func normalizeUser(u *User) {
	if len(u.Emails) == 0 && u.UserName != "" {
		u.Emails = []Email{{Value: u.UserName, Type: "work", Primary: true}}
	}
	u.Groups = nil
}

func (d *directory) insertUser(u User, now time.Time) *userRec {
	u.ID = strconv.FormatInt(d.nextUserID, 10)
	d.nextUserID++
	d.seq++
	u.Created, u.LastModified = now, now
	r := &userRec{d: d, u: u, lower: strings.ToLower(u.UserName), seq: d.seq, idx: len(d.userOrder), groups: map[*groupRec]struct{}{}}
	d.users[u.ID] = r
	d.byUserName[r.lower] = r
	d.userOrder = append(d.userOrder, r)
	return r
}

// replaceUser stores u (already checked) as the new state of r.
func (d *directory) replaceUser(r *userRec, u User, now time.Time) {
	u.ID, u.Created, u.LastModified, u.Groups = r.u.ID, r.u.Created, now, nil
	if l := strings.ToLower(u.UserName); l != r.lower {
		delete(d.byUserName, r.lower)
		r.lower = l
		d.byUserName[l] = r
	}
	r.u = u
}

func (d *directory) deleteUser(r *userRec, now time.Time) {
	for g := range r.groups {
		g.members.remove(r)
		g.g.LastModified = now
	}
	r.groups = map[*groupRec]struct{}{}
	delete(d.users, r.u.ID)
	r.u.Deleted, r.u.Active, r.u.LastModified = true, false, now
}

func (d *directory) insertGroup(g Group, members []*userRec, now time.Time) *groupRec {
	g.ID = strconv.FormatInt(d.nextGroupID, 10)
	d.nextGroupID++
	d.seq++
	g.Created, g.LastModified, g.Members = now, now, nil
	r := &groupRec{g: g, lower: strings.ToLower(g.DisplayName), seq: d.seq, idx: len(d.groupOrder)}
	d.groups[g.ID] = r
	d.byDisplayName[r.lower] = r
	d.groupOrder = append(d.groupOrder, r)
	for _, u := range members {
		d.addMember(r, u)
	}
	return r
}

func (d *directory) renameGroup(r *groupRec, name string) {
	if l := strings.ToLower(name); l != r.lower {
		delete(d.byDisplayName, r.lower)
		r.lower = l
		d.byDisplayName[l] = r
	}
	r.g.DisplayName = name
}

func (d *directory) addMember(g *groupRec, u *userRec) {
	if g.members.add(u) {
		u.groups[g] = struct{}{}
	}
}

func (d *directory) removeMember(g *groupRec, u *userRec) {
	if g.members.remove(u) {
		delete(u.groups, g)
	}
}

func (d *directory) setMembers(g *groupRec, members []*userRec) {
	g.members.each(func(u *userRec) { delete(u.groups, g) })
	g.members = memberSet{}
	for _, u := range members {
		d.addMember(g, u)
	}
}

func (d *directory) deleteGroup(g *groupRec) {
	g.members.each(func(u *userRec) { delete(u.groups, g) })
	delete(d.groups, g.g.ID)
	delete(d.byDisplayName, g.lower)
	d.groupOrder[g.idx] = nil
	d.groupHoles++
}

// userGroups returns a user's groups, oldest first.
func (d *directory) userGroups(u *userRec) []*groupRec {
	gs := make([]*groupRec, 0, len(u.groups))
	for g := range u.groups {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b *groupRec) int { return int(a.seq - b.seq) })
	return gs
}

func (d *directory) snapshotUser(r *userRec) User {
	u := r.u
	u.Emails = slices.Clone(r.u.Emails)
	gs := d.userGroups(r)
	if len(gs) > 0 {
		u.Groups = make([]string, len(gs))
		for i, g := range gs {
			u.Groups[i] = g.g.ID
		}
	}
	return u
}

func snapshotGroup(r *groupRec) Group {
	g := r.g
	g.Members = make([]string, 0, r.members.len())
	r.members.each(func(u *userRec) { g.Members = append(g.Members, u.u.ID) })
	return g
}

// --- Go API: inspection and out-of-band changes ----------------------------

// Users returns every user in creation order.
func (e *Emulator) Users() []User {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []User
	for _, r := range e.dir.liveUsers() {
		if !r.u.Deleted {
			out = append(out, e.dir.snapshotUser(r))
		}
	}
	return out
}

// DeletedUsers returns the records dbt keeps of deleted users, in creation
// order.
func (e *Emulator) DeletedUsers() []User {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []User
	for _, r := range e.dir.liveUsers() {
		if r.u.Deleted {
			out = append(out, e.dir.snapshotUser(r))
		}
	}
	return out
}

// Groups returns every group, with members, in creation order.
func (e *Emulator) Groups() []Group {
	e.mu.Lock()
	defer e.mu.Unlock()
	live := e.dir.liveGroups()
	out := make([]Group, len(live))
	for i, r := range live {
		out[i] = snapshotGroup(r)
	}
	return out
}

// User returns the user with the given id.
func (e *Emulator) User(id string) (User, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.dir.users[id]
	if !ok {
		return User{}, false
	}
	return e.dir.snapshotUser(r), true
}

// UserByUserName finds a user by userName, case-insensitively.
func (e *Emulator) UserByUserName(userName string) (User, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.dir.byUserName[strings.ToLower(userName)]
	if !ok || r.u.Deleted {
		return User{}, false
	}
	return e.dir.snapshotUser(r), true
}

// Group returns the group with the given id.
func (e *Emulator) Group(id string) (Group, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.dir.groups[id]
	if !ok {
		return Group{}, false
	}
	return snapshotGroup(r), true
}

// GroupByDisplayName finds a group by displayName, case-insensitively.
func (e *Emulator) GroupByDisplayName(name string) (Group, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.dir.byDisplayName[strings.ToLower(name)]
	if !ok {
		return Group{}, false
	}
	return snapshotGroup(r), true
}

// CreateUserDirect adds a user as dbt's UI or an earlier sync would. u is
// stored as given (set Active yourself); ID and Groups are assigned, and so
// are the timestamps unless u.Created is set (a user made long ago). An empty LicenseType means the user holds no license, which is
// how to set up dbt's "All users must have licenses" refusal.
func (e *Emulator) CreateUserDirect(u User) (User, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	normalizeUser(&u)
	if err := e.dir.checkUser(&u, nil); err != nil {
		return User{}, err
	}
	at := e.now()
	if !u.Created.IsZero() {
		at = u.Created
	}
	return e.dir.snapshotUser(e.dir.insertUser(u, at)), nil
}

// UpdateUserDirect changes a user out of band: fn edits a copy, which is
// checked by the same rules as the HTTP API and stored. ID, Groups and
// Created cannot be changed this way.
func (e *Emulator) UpdateUserDirect(id string, fn func(*User)) (User, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.dir.users[id]
	if !ok {
		return User{}, errf(http.StatusNotFound, "", "User %q not found.", id)
	}
	u := e.dir.snapshotUser(r)
	fn(&u)
	normalizeUser(&u)
	if err := e.dir.checkUser(&u, r); err != nil {
		return User{}, err
	}
	e.dir.replaceUser(r, u, e.now())
	return e.dir.snapshotUser(r), nil
}

// DeleteUserDirect deletes a user as SCIM's DELETE does: its memberships
// go, and dbt keeps an inactive record (User.Deleted). It reports whether
// the user existed.
func (e *Emulator) DeleteUserDirect(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.dir.users[id]
	if ok {
		e.dir.deleteUser(r, e.now())
	}
	return ok
}

// CreateGroupDirect adds a group with the given members.
func (e *Emulator) CreateGroupDirect(displayName string, memberIDs []string) (Group, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.dir.checkGroupName(displayName, nil); err != nil {
		return Group{}, err
	}
	members, err := e.dir.resolveMembers(memberIDs)
	if err != nil {
		return Group{}, err
	}
	return snapshotGroup(e.dir.insertGroup(Group{DisplayName: displayName}, members, e.now())), nil
}

// UpdateGroupDirect changes a group's displayName and externalId out of
// band; fn edits a copy. Members are changed with the member methods.
func (e *Emulator) UpdateGroupDirect(id string, fn func(*Group)) (Group, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.dir.groups[id]
	if !ok {
		return Group{}, errf(http.StatusNotFound, "", "Group %q not found.", id)
	}
	g := r.g
	fn(&g)
	if err := e.dir.checkGroupName(g.DisplayName, r); err != nil {
		return Group{}, err
	}
	e.dir.renameGroup(r, g.DisplayName)
	r.g.ExternalID = g.ExternalID
	r.g.LastModified = e.now()
	return snapshotGroup(r), nil
}

// SetGroupMembers replaces a group's members.
func (e *Emulator) SetGroupMembers(groupID string, memberIDs []string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.dir.groups[groupID]
	if !ok {
		return errf(http.StatusNotFound, "", "Group %q not found.", groupID)
	}
	members, err := e.dir.resolveMembers(memberIDs)
	if err != nil {
		return err
	}
	e.dir.setMembers(g, members)
	g.g.LastModified = e.now()
	return nil
}

// AddGroupMember adds one member; adding a member twice is a no-op.
func (e *Emulator) AddGroupMember(groupID, userID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.dir.groups[groupID]
	if !ok {
		return errf(http.StatusNotFound, "", "Group %q not found.", groupID)
	}
	members, err := e.dir.resolveMembers([]string{userID})
	if err != nil {
		return err
	}
	e.dir.addMember(g, members[0])
	g.g.LastModified = e.now()
	return nil
}

// RemoveGroupMember removes one member; removing a non-member is a no-op.
func (e *Emulator) RemoveGroupMember(groupID, userID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.dir.groups[groupID]
	if !ok {
		return errf(http.StatusNotFound, "", "Group %q not found.", groupID)
	}
	if u, ok := e.dir.users[userID]; ok {
		e.dir.removeMember(g, u)
		g.g.LastModified = e.now()
	}
	return nil
}

// DeleteGroupDirect removes a group; it reports whether it existed.
func (e *Emulator) DeleteGroupDirect(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.dir.groups[id]
	if ok {
		e.dir.deleteGroup(g)
	}
	return ok
}

// Seed bulk-loads active, licensed users named seed-user-N@example.com and
// groups named seed-group-N, and gives each group membersPerGroup members,
// taken round-robin so that groups overlap. Numbering continues across
// calls. It bypasses HTTP and per-item checks, so it loads 50,000 users in
// a few tens of milliseconds.
func (e *Emulator) Seed(users, groups, membersPerGroup int) (SeedResult, error) {
	if users < 0 || groups < 0 || membersPerGroup < 0 {
		return SeedResult{}, errf(http.StatusBadRequest, "", "Seed counts must not be negative.")
	}
	if groups > 0 && membersPerGroup > users {
		return SeedResult{}, errf(http.StatusBadRequest, "", "membersPerGroup (%d) exceeds the seeded users (%d).", membersPerGroup, users)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.dir
	now := e.now()

	names := make([]string, users)
	for i := range names {
		names[i] = fmt.Sprintf("seed-user-%d@example.com", d.seeded+i+1)
		if _, ok := d.byUserName[names[i]]; ok {
			return SeedResult{}, errf(http.StatusConflict, scimTypeUnique, "userName %q already exists.", names[i])
		}
	}
	gnames := make([]string, groups)
	for i := range gnames {
		gnames[i] = fmt.Sprintf("seed-group-%d", d.seededGroups+i+1)
		if _, ok := d.byDisplayName[gnames[i]]; ok {
			return SeedResult{}, errf(http.StatusConflict, scimTypeUnique, "displayName %q already exists.", gnames[i])
		}
	}

	res := SeedResult{UserIDs: make([]string, users), GroupIDs: make([]string, groups)}
	recs := make([]*userRec, users)
	for i, name := range names {
		n := d.seeded + i + 1
		r := d.insertUser(User{
			ExternalID:  "seed-" + strconv.Itoa(n),
			UserName:    name,
			GivenName:   "Seed",
			FamilyName:  "User " + strconv.Itoa(n),
			Emails:      []Email{{Value: name, Type: "work", Primary: true}},
			Active:      true,
			LicenseType: defaultLicense,
		}, now)
		recs[i] = r
		res.UserIDs[i] = r.u.ID
	}
	d.seeded += users
	next := 0
	for i, name := range gnames {
		members := make([]*userRec, membersPerGroup)
		for j := range members {
			members[j] = recs[next%users]
			next++
		}
		r := d.insertGroup(Group{DisplayName: name}, members, now)
		res.GroupIDs[i] = r.g.ID
	}
	d.seededGroups += groups
	return res, nil
}

// linkable returns the unmanaged user a SCIM create of userName links
// (dbt's SCIM FAQ: "If a user with that email already exists in dbt
// platform, they will be linked and become SCIM-managed"), or nil. Matching
// is exact, including case, as the FAQ's troubleshooting says; a match that
// differs only in case is refused with a conflict saying so.
func (d *directory) linkable(userName string) (*userRec, *Error) {
	r, ok := d.byUserName[strings.ToLower(userName)]
	if !ok || (!r.u.Unmanaged && !r.u.Deleted) {
		return nil, nil
	}
	if r.u.UserName != userName {
		return nil, errf(http.StatusConflict, scimTypeUnique,
			"userName %q matches dbt user %q (id %s) only when case is ignored; a user is linked only when userName "+
				"equals their email exactly, including case.", userName, r.u.UserName, r.u.ID)
	}
	return r, nil
}

// linkableGroup is linkable for groups, matched by exact name.
func (d *directory) linkableGroup(name string) *groupRec {
	r, ok := d.byDisplayName[strings.ToLower(name)]
	if !ok || !r.g.Unmanaged || r.g.DisplayName != name {
		return nil
	}
	return r
}

// AcceptInvitation stands for a user accepting dbt's email invitation and
// signing in: from then on they hold their license and can join groups.
func (e *Emulator) AcceptInvitation(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.dir.users[id]
	if !ok {
		return errf(http.StatusNotFound, "", "User %q not found.", id)
	}
	r.u.Invited = false
	return nil
}

// CreateDBTGroup adds a group as dbt's UI would at created, before SCIM
// manages it: a SCIM create with exactly its name links it.
func (e *Emulator) CreateDBTGroup(displayName string, memberIDs []string, created time.Time) (Group, error) {
	g, err := e.CreateGroupDirect(displayName, memberIDs)
	if err != nil {
		return g, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.dir.groups[g.ID]
	r.g.Unmanaged = true
	r.g.Created, r.g.LastModified = created, created
	return snapshotGroup(r), nil
}
