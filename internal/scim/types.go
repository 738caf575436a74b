// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package scim holds the SCIM 2.0 protocol (RFC 7643, RFC 7644) as dbt speaks
// it: the client's wire types, filter and PATCH builders, and a client for
// the account's /scim/v2 endpoint. The emulator keeps types of its own, on
// purpose: a model of dbt that shared the client's types would accept
// whatever the client sends.
//
// The types decode tolerantly, because identity providers and dbt itself
// drift from the RFC (a "True" string for a boolean, a numeric status, a
// numeric id), and encode precisely, so what we send is always RFC-shaped.
package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Schema URNs (RFC 7643 §8.7, RFC 7644 §3.4.2, §3.5.2, §3.12) and dbt's user extension.
const (
	SchemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaDBTUser      = "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"
	SchemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SchemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaError        = "urn:ietf:params:scim:api:messages:2.0:Error"

	SchemaServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
)

// MediaType is the SCIM media type (RFC 7644 §8.1).
const MediaType = "application/scim+json"

// License types accepted in the dbt user extension.
const (
	LicenseDeveloper = "developer"
	LicenseReadOnly  = "read_only"
	LicenseAnalyst   = "analyst"
	LicenseIT        = "it"
)

// PATCH operation names (RFC 7644 §3.5.2). Decoding lower-cases them, because
// Entra ID sends "Add" and "Replace".
const (
	OpAdd     = "add"
	OpRemove  = "remove"
	OpReplace = "replace"
)

// scimType values of an Error (RFC 7644 §3.12, table 9).
const (
	ErrInvalidFilter = "invalidFilter"
	ErrTooMany       = "tooMany"
	ErrUniqueness    = "uniqueness"
	ErrMutability    = "mutability"
	ErrInvalidSyntax = "invalidSyntax"
	ErrInvalidPath   = "invalidPath"
	ErrNoTarget      = "noTarget"
	ErrInvalidValue  = "invalidValue"
	ErrInvalidVers   = "invalidVers"
	ErrSensitive     = "sensitive"
)

// Meta is the common "meta" attribute (RFC 7643 §3.1). Times stay strings:
// they are only shown and compared, and servers format them differently.
type Meta struct {
	ResourceType string `json:"resourceType,omitempty"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location,omitempty"`
	Version      string `json:"version,omitempty"`
}

// Name is the user's name (RFC 7643 §4.1.1). Both parts are always sent,
// as empty strings when unset: dbt's spec requires name on a user create and
// gives "" as the default of each part.
type Name struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

// Email is one of the user's email addresses (RFC 7643 §4.1.2).
type Email struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// DBTUserExtension is dbt's user extension, keyed by SchemaDBTUser.
type DBTUserExtension struct {
	LicenseType string `json:"licenseType"`
}

// GroupRef is a group the user belongs to, as listed in User.Groups. The
// attribute is read-only: membership is changed on the group.
type GroupRef struct {
	Value   string `json:"value"`
	Ref     string `json:"$ref,omitempty"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
}

// User is a SCIM user resource. Active is a pointer so that "not sent" and
// "false" stay different; use Bool to fill it.
type User struct {
	Schemas    []string          `json:"schemas"`
	ID         string            `json:"id,omitempty"`
	ExternalID string            `json:"externalId,omitempty"`
	UserName   string            `json:"userName"`
	Name       *Name             `json:"name,omitempty"`
	Emails     []Email           `json:"emails,omitempty"`
	Active     *bool             `json:"active,omitempty"`
	Groups     []GroupRef        `json:"groups,omitempty"`
	DBT        *DBTUserExtension `json:"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User,omitempty"`
	Meta       *Meta             `json:"meta,omitempty"`

	// Linked is set by CreateUser when dbt answered with a user that the
	// lookup before the request found, or one created well before it (the
	// record of a deleted user): an existing dbt user it linked.
	Linked bool `json:"-"`
}

// Member is a member of a group (RFC 7643 §4.2).
type Member struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Ref     string `json:"$ref,omitempty"`
	Type    string `json:"type,omitempty"`
}

// Group is a SCIM group resource. Members is nil when the server was asked to
// leave them out (excludedAttributes=members).
type Group struct {
	Schemas     []string `json:"schemas"`
	ID          string   `json:"id,omitempty"`
	ExternalID  string   `json:"externalId,omitempty"`
	DisplayName string   `json:"displayName"`
	Members     []Member `json:"members,omitempty"`
	Meta        *Meta    `json:"meta,omitempty"`

	// Linked is set by CreateGroup when dbt answered with a group that the
	// lookup before the request found, or one created well before it.
	Linked bool `json:"-"`
	// New is set by CreateGroup only when the group is shown to be that
	// create's own: no group of its name was there before, the POST was
	// sent once, and dbt answered without members and without a
	// meta.created from well before. Nothing else may be deleted to undo a
	// create. (A group someone made between the lookup and the POST cannot
	// be told apart.)
	New bool `json:"-"`
}

// ListResponse is a page of a query (RFC 7644 §3.4.2).
type ListResponse[T any] struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex,omitempty"`
	ItemsPerPage int      `json:"itemsPerPage,omitempty"`
	Resources    []T      `json:"Resources"`
}

// PatchRequest is the body of a PATCH (RFC 7644 §3.5.2).
type PatchRequest struct {
	Schemas    []string         `json:"schemas"`
	Operations []PatchOperation `json:"Operations"`
}

// PatchOperation is one operation of a PatchRequest. Value is kept raw so a
// server can decode it according to Path; NewPatchOperation encodes one.
type PatchOperation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

// Error is a SCIM error response (RFC 7644 §3.12). Status is the HTTP status
// as a string, as the RFC says; decoding also accepts a number.
type Error struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	SCIMType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

// Bool returns a pointer to b, for User.Active.
func Bool(b bool) *bool { return &b }

// NewUser returns a user with the core and dbt schemas set.
func NewUser() User {
	return User{Schemas: []string{SchemaUser, SchemaDBTUser}}
}

// NewPatchRequest wraps ops in a PatchRequest with the PatchOp schema.
func NewPatchRequest(ops ...PatchOperation) PatchRequest {
	return PatchRequest{Schemas: []string{SchemaPatchOp}, Operations: ops}
}

// NewPatchOperation builds an operation, encoding value as JSON. A nil value
// leaves Value empty, as "remove" needs.
func NewPatchOperation(op, path string, value any) (PatchOperation, error) {
	o := PatchOperation{Op: op, Path: path}
	if value == nil {
		return o, nil
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return PatchOperation{}, fmt.Errorf("scim: encoding value of %s %q: %w", op, path, err)
	}
	o.Value = raw
	return o, nil
}

// NewError builds an Error for an HTTP status.
func NewError(status int, scimType, detail string) Error {
	return Error{Schemas: []string{SchemaError}, Status: strconv.Itoa(status), SCIMType: scimType, Detail: detail}
}

// StatusCode returns Status as a number, or 0 when it is not one.
func (e Error) StatusCode() int {
	n, err := strconv.Atoi(strings.TrimSpace(e.Status))
	if err != nil {
		return 0
	}
	return n
}

// PrimaryEmail returns the primary email, else the "work" one, else the first.
func (u User) PrimaryEmail() string {
	for _, e := range u.Emails {
		if e.Primary {
			return e.Value
		}
	}
	for _, e := range u.Emails {
		if strings.EqualFold(e.Type, "work") {
			return e.Value
		}
	}
	if len(u.Emails) > 0 {
		return u.Emails[0].Value
	}
	return ""
}

// MemberIDs returns the member values of g, in server order.
func (g Group) MemberIDs() []string {
	ids := make([]string, len(g.Members))
	for i, m := range g.Members {
		ids[i] = m.Value
	}
	return ids
}

// --- tolerant decoding ---------------------------------------------------

// flexBool decodes a JSON boolean, or a string such as "True" or "false".
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		return nil
	}
	s := string(data)
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
	}
	v, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		return fmt.Errorf("scim: %s is not a boolean", data)
	}
	*b = flexBool(v)
	return nil
}

// flexString decodes a JSON string, or a number kept in its literal form
// (dbt's ids are integers underneath and sometimes travel as such).
type flexString string

func (s *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		return nil
	case len(data) >= 2 && data[0] == '"' && bytes.IndexByte(data, '\\') < 0:
		// No escapes: the common case, worth skipping a decoder for in
		// groups of many thousand members.
		*s = flexString(data[1 : len(data)-1])
		return nil
	case len(data) > 0 && data[0] == '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	default:
		var n json.Number
		if err := json.Unmarshal(data, &n); err != nil {
			return fmt.Errorf("scim: %s is not a string or number", data)
		}
		*s = flexString(n.String())
		return nil
	}
}

func (e *Email) UnmarshalJSON(data []byte) error {
	type plain Email
	aux := struct {
		*plain
		Primary *flexBool `json:"primary"`
	}{plain: (*plain)(e)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	if aux.Primary != nil {
		e.Primary = bool(*aux.Primary)
	}
	return nil
}

func (u *User) UnmarshalJSON(data []byte) error {
	type plain User
	aux := struct {
		*plain
		ID     *flexString `json:"id"`
		Active *flexBool   `json:"active"`
	}{plain: (*plain)(u)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	if aux.ID != nil {
		u.ID = string(*aux.ID)
	}
	if aux.Active != nil {
		u.Active = Bool(bool(*aux.Active))
	}
	return nil
}

// memberWire is Member with a tolerant value. Group decodes its members
// through it rather than through Member.UnmarshalJSON, which would parse each
// of a large group's members twice.
type memberWire struct {
	Value   flexString `json:"value"`
	Display string     `json:"display"`
	Ref     string     `json:"$ref"`
	Type    string     `json:"type"`
}

func (g *Group) UnmarshalJSON(data []byte) error {
	type plain Group
	aux := struct {
		*plain
		ID      *flexString   `json:"id"`
		Members *[]memberWire `json:"members"`
	}{plain: (*plain)(g)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	if aux.ID != nil {
		g.ID = string(*aux.ID)
	}
	if aux.Members != nil && *aux.Members != nil {
		ms := *aux.Members
		g.Members = make([]Member, len(ms))
		for i, m := range ms {
			g.Members[i] = Member{Value: string(m.Value), Display: m.Display, Ref: m.Ref, Type: m.Type}
		}
	}
	return nil
}

func (m *Member) UnmarshalJSON(data []byte) error {
	type plain Member
	aux := struct {
		*plain
		Value *flexString `json:"value"`
	}{plain: (*plain)(m)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	if aux.Value != nil {
		m.Value = string(*aux.Value)
	}
	return nil
}

// UnmarshalJSON also reads dbt's shape of a user's group, which carries id and
// displayName beside (or instead of) value and display.
func (r *GroupRef) UnmarshalJSON(data []byte) error {
	type plain GroupRef
	aux := struct {
		*plain
		Value       *flexString `json:"value"`
		ID          *flexString `json:"id"`
		DisplayName string      `json:"displayName"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	switch {
	case aux.Value != nil && *aux.Value != "":
		r.Value = string(*aux.Value)
	case aux.ID != nil:
		r.Value = string(*aux.ID)
	}
	if r.Display == "" {
		r.Display = aux.DisplayName
	}
	return nil
}

func (o *PatchOperation) UnmarshalJSON(data []byte) error {
	type plain PatchOperation
	if err := json.Unmarshal(data, (*plain)(o)); err != nil {
		return err
	}
	o.Op = strings.ToLower(o.Op)
	if bytes.Equal(bytes.TrimSpace(o.Value), []byte("null")) {
		o.Value = nil
	}
	return nil
}

func (e *Error) UnmarshalJSON(data []byte) error {
	type plain Error
	aux := struct {
		*plain
		Status *flexString `json:"status"`
	}{plain: (*plain)(e)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	if aux.Status != nil {
		e.Status = string(*aux.Status)
	}
	return nil
}

// --- precise encoding ----------------------------------------------------

// MarshalJSON fills in the ListResponse schema and writes an empty
// Resources array rather than null.
func (l ListResponse[T]) MarshalJSON() ([]byte, error) {
	type plain ListResponse[T]
	if len(l.Schemas) == 0 {
		l.Schemas = []string{SchemaListResponse}
	}
	if l.Resources == nil {
		l.Resources = []T{}
	}
	return json.Marshal(plain(l))
}

// MarshalJSON fills in the schemas when they are unset: the core User
// schema, and dbt's extension when the user carries it.
func (u User) MarshalJSON() ([]byte, error) {
	type plain User
	if len(u.Schemas) == 0 {
		u.Schemas = []string{SchemaUser}
		if u.DBT != nil {
			u.Schemas = append(u.Schemas, SchemaDBTUser)
		}
	}
	return json.Marshal(plain(u))
}

// MarshalJSON fills in the Group schema when it is unset.
func (g Group) MarshalJSON() ([]byte, error) {
	type plain Group
	if len(g.Schemas) == 0 {
		g.Schemas = []string{SchemaGroup}
	}
	return json.Marshal(plain(g))
}

// MarshalJSON fills in the PatchOp schema when it is unset.
func (p PatchRequest) MarshalJSON() ([]byte, error) {
	type plain PatchRequest
	if len(p.Schemas) == 0 {
		p.Schemas = []string{SchemaPatchOp}
	}
	if p.Operations == nil {
		p.Operations = []PatchOperation{}
	}
	return json.Marshal(plain(p))
}

// MarshalJSON fills in the Error schema when it is unset.
func (e Error) MarshalJSON() ([]byte, error) {
	type plain Error
	if len(e.Schemas) == 0 {
		e.Schemas = []string{SchemaError}
	}
	return json.Marshal(plain(e))
}

func (u *User) resourceID() string  { return u.ID }
func (g *Group) resourceID() string { return g.ID }
