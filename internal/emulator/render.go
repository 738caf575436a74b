// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/url"
	"strings"
	"time"
)

// Wire shapes of SCIM resources as the emulator writes them. They are the
// emulator's own rather than internal/scim's so that the emulator stays an
// independent check on the client: a shape both sides got wrong the same
// way would pass unnoticed.

type nameOut struct {
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

type emailOut struct {
	Value   string `json:"value,omitempty"`
	Type    string `json:"type,omitempty"`
	Primary *bool  `json:"primary,omitempty"`
}

type refOut struct {
	Value   string `json:"value"`
	Ref     string `json:"$ref,omitempty"`
	Display string `json:"display,omitempty"`
}

// userGroupOut is a group in a user's groups: RFC 7644's value, $ref and
// display, and what dbt's spec requires of it (UserGroupComponent: id,
// displayName, meta).
type userGroupOut struct {
	Value       string `json:"value"`
	Ref         string `json:"$ref,omitempty"`
	Display     string `json:"display,omitempty"`
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Meta        *meta  `json:"meta,omitempty"`
}

type dbtOut struct {
	LicenseType string `json:"licenseType,omitempty"`
}

type userOut struct {
	Schemas    []string       `json:"schemas"`
	ID         string         `json:"id"`
	ExternalID string         `json:"externalId,omitempty"`
	UserName   string         `json:"userName,omitempty"`
	Name       *nameOut       `json:"name,omitempty"`
	Emails     []emailOut     `json:"emails,omitempty"`
	Active     *bool          `json:"active,omitempty"`
	Groups     []userGroupOut `json:"groups,omitempty"`
	DBT        *dbtOut        `json:"urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User,omitempty"`
	Meta       *meta          `json:"meta,omitempty"`
}

type groupOut struct {
	Schemas     []string `json:"schemas"`
	ID          string   `json:"id"`
	ExternalID  string   `json:"externalId,omitempty"`
	DisplayName string   `json:"displayName,omitempty"`
	// Members is a pointer so that an empty group shows "members": [] while
	// a group read with excludedAttributes=members shows no key at all.
	Members *[]refOut `json:"members,omitempty"`
	Meta    *meta     `json:"meta,omitempty"`
}

// scimTime formats meta timestamps like dbt's Python backend does.
func scimTime(t time.Time) string { return apiTime(t) }

// projection implements the attributes and excludedAttributes query
// parameters (RFC 7644 §3.4.2.5) over canonical lower-case paths such as
// "username", "name.givenname" and "<extension urn>.licensetype".
type projection struct {
	attrs    map[string]bool
	excluded map[string]bool
}

func parseProjection(q url.Values, rs *resourceSchema) projection {
	return projection{
		attrs:    projectionSet(q.Get("attributes"), rs),
		excluded: projectionSet(q.Get("excludedAttributes"), rs),
	}
}

func projectionSet(raw string, rs *resourceSchema) map[string]bool {
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	set := map[string]bool{}
	for _, a := range strings.Split(raw, ",") {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(a, strings.ToLower(rs.core)+":"); ok {
			a = rest
		} else {
			for ext := range rs.extensions {
				if a == ext {
					break
				}
				if rest, ok := strings.CutPrefix(a, ext+":"); ok {
					a = ext + "." + rest
					break
				}
			}
		}
		set[a] = true
	}
	return set
}

// keep reports whether the attribute at path goes into the response. id
// and schemas are always returned (RFC 7643 §7, returned "always").
func (p projection) keep(path string) bool {
	if path == "id" || path == "schemas" {
		return true
	}
	parent, _, isSub := cutLast(path)
	if len(p.attrs) > 0 {
		ok := p.attrs[path] || (isSub && p.attrs[parent])
		if !ok {
			// A container is kept when one of its sub-attributes is asked for.
			for a := range p.attrs {
				if strings.HasPrefix(a, path+".") {
					ok = true
					break
				}
			}
		}
		if !ok {
			return false
		}
	}
	return !p.excluded[path] && !(isSub && p.excluded[parent])
}

// cutLast splits "a.b" into "a" and "b". Extension URNs contain dots
// ("...:2.0:User"), so the split is at the last dot after the last colon.
func cutLast(path string) (parent, leaf string, ok bool) {
	start := strings.LastIndex(path, ":") + 1
	i := strings.LastIndex(path[start:], ".")
	if i < 0 {
		return path, "", false
	}
	return path[:start+i], path[start+i+1:], true
}

var dbtExtKey = strings.ToLower(schemaDBTUser)

func (e *Emulator) renderUser(r *userRec, base string, p projection) userOut {
	u := &r.u
	out := userOut{Schemas: []string{schemaUser}, ID: u.ID}
	if p.keep("externalid") {
		out.ExternalID = u.ExternalID
	}
	if p.keep("username") {
		out.UserName = u.UserName
	}
	if p.keep("name") {
		n := &nameOut{}
		if p.keep("name.givenname") {
			n.GivenName = u.GivenName
		}
		if p.keep("name.familyname") {
			n.FamilyName = u.FamilyName
		}
		out.Name = n
	}
	if p.keep("emails") {
		for _, em := range u.Emails {
			o := emailOut{}
			if p.keep("emails.value") {
				o.Value = em.Value
			}
			if p.keep("emails.type") {
				o.Type = em.Type
			}
			if p.keep("emails.primary") {
				o.Primary = boolPtr(em.Primary)
			}
			out.Emails = append(out.Emails, o)
		}
	}
	if p.keep("active") {
		out.Active = boolPtr(u.Active)
	}
	if p.keep("groups") {
		for _, g := range e.dir.userGroups(r) {
			ref := userGroupOut{Value: g.g.ID, ID: g.g.ID, DisplayName: g.g.DisplayName,
				Meta: &meta{ResourceType: "Group", Location: base + "/Groups/" + g.g.ID}}
			if p.keep("groups.$ref") {
				ref.Ref = base + "/Groups/" + g.g.ID
			}
			if p.keep("groups.display") {
				ref.Display = g.g.DisplayName
			}
			out.Groups = append(out.Groups, ref)
		}
	}
	if u.LicenseType != "" && p.keep(dbtExtKey) && p.keep(dbtExtKey+".licensetype") {
		out.DBT = &dbtOut{LicenseType: u.LicenseType}
		out.Schemas = append(out.Schemas, schemaDBTUser)
	}
	if p.keep("meta") {
		out.Meta = renderMeta("User", u.Created, u.LastModified, base+"/Users/"+u.ID, p)
	}
	return out
}

func renderMeta(resourceType string, created, modified time.Time, location string, p projection) *meta {
	m := &meta{}
	if p.keep("meta.resourcetype") {
		m.ResourceType = resourceType
	}
	if p.keep("meta.created") {
		m.Created = scimTime(created)
	}
	if p.keep("meta.lastmodified") {
		m.LastModified = scimTime(modified)
	}
	if p.keep("meta.location") {
		m.Location = location
	}
	return m
}

func (e *Emulator) renderGroup(r *groupRec, base string, p projection) groupOut {
	g := &r.g
	out := groupOut{Schemas: []string{schemaGroup}, ID: g.ID}
	if p.keep("externalid") {
		out.ExternalID = g.ExternalID
	}
	if p.keep("displayname") {
		out.DisplayName = g.DisplayName
	}
	// Members are by far the largest part of a group; skipping them when
	// excluded is what makes excludedAttributes=members cheap.
	if p.keep("members") {
		ms := make([]refOut, 0, r.members.len())
		withRef, withDisplay := p.keep("members.$ref"), p.keep("members.display")
		r.members.each(func(u *userRec) {
			ref := refOut{Value: u.u.ID}
			if withRef {
				ref.Ref = base + "/Users/" + u.u.ID
			}
			if withDisplay {
				ref.Display = u.u.UserName
			}
			ms = append(ms, ref)
		})
		out.Members = &ms
	}
	if p.keep("meta") {
		out.Meta = renderMeta("Group", g.Created, g.LastModified, base+"/Groups/"+g.ID, p)
	}
	return out
}

func boolPtr(b bool) *bool { return &b }
