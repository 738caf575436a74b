// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
)

// The discovery documents of RFC 7644 §4. They are static apart from
// meta.location, which follows the address the client used.

type meta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location"`
	Version      string `json:"version,omitempty"`
}

type supported struct {
	Supported bool `json:"supported"`
}

type spcBulk struct {
	Supported      bool `json:"supported"`
	MaxOperations  int  `json:"maxOperations"`
	MaxPayloadSize int  `json:"maxPayloadSize"`
}

type spcFilter struct {
	Supported  bool `json:"supported"`
	MaxResults int  `json:"maxResults"`
}

type authScheme struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Primary     bool   `json:"primary"`
}

type spcDoc struct {
	Schemas               []string     `json:"schemas"`
	DocumentationURI      string       `json:"documentationUri"`
	Patch                 supported    `json:"patch"`
	Bulk                  spcBulk      `json:"bulk"`
	Filter                spcFilter    `json:"filter"`
	ChangePassword        supported    `json:"changePassword"`
	Sort                  supported    `json:"sort"`
	ETag                  supported    `json:"etag"`
	AuthenticationSchemes []authScheme `json:"authenticationSchemes"`
	Meta                  meta         `json:"meta"`
}

func serviceProviderConfig(base string, maxResults int) spcDoc {
	return spcDoc{
		Schemas:          []string{schemaSPC},
		DocumentationURI: "https://docs.getdbt.com/docs/cloud/manage-access/scim",
		Patch:            supported{true},
		Bulk:             spcBulk{Supported: false},
		Filter:           spcFilter{Supported: true, MaxResults: maxResults},
		AuthenticationSchemes: []authScheme{{
			Type:        "oauthbearertoken",
			Name:        "OAuth Bearer Token",
			Description: "A SCIM token minted in the account's SCIM settings, sent as 'Authorization: Bearer <token>'.",
			Primary:     true,
		}},
		Meta: meta{ResourceType: "ServiceProviderConfig", Location: base + "/ServiceProviderConfig"},
	}
}

type schemaExtension struct {
	Schema   string `json:"schema"`
	Required bool   `json:"required"`
}

type resourceType struct {
	Schemas          []string          `json:"schemas"`
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Endpoint         string            `json:"endpoint"`
	Description      string            `json:"description"`
	Schema           string            `json:"schema"`
	SchemaExtensions []schemaExtension `json:"schemaExtensions,omitempty"`
	Meta             meta              `json:"meta"`
}

func resourceTypes(base string) []resourceType {
	return []resourceType{
		{
			Schemas: []string{schemaResType}, ID: "User", Name: "User", Endpoint: "/Users",
			Description: "dbt platform user", Schema: schemaUser,
			SchemaExtensions: []schemaExtension{{Schema: schemaDBTUser, Required: false}},
			Meta:             meta{ResourceType: "ResourceType", Location: base + "/ResourceTypes/User"},
		},
		{
			Schemas: []string{schemaResType}, ID: "Group", Name: "Group", Endpoint: "/Groups",
			Description: "dbt platform group", Schema: schemaGroup,
			Meta: meta{ResourceType: "ResourceType", Location: base + "/ResourceTypes/Group"},
		},
	}
}

// attribute is an RFC 7643 §7 attribute definition.
type attribute struct {
	Name            string      `json:"name"`
	Type            string      `json:"type"`
	MultiValued     bool        `json:"multiValued"`
	Description     string      `json:"description,omitempty"`
	Required        bool        `json:"required"`
	CaseExact       bool        `json:"caseExact"`
	Mutability      string      `json:"mutability"`
	Returned        string      `json:"returned"`
	Uniqueness      string      `json:"uniqueness"`
	CanonicalValues []string    `json:"canonicalValues,omitempty"`
	ReferenceTypes  []string    `json:"referenceTypes,omitempty"`
	SubAttributes   []attribute `json:"subAttributes,omitempty"`
}

type schemaDoc struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Attributes  []attribute `json:"attributes"`
	Meta        meta        `json:"meta"`
}

// attr builds the common case: a single-valued, optional, case-insensitive,
// read-write string returned by default.
func attr(name, desc string) attribute {
	return attribute{Name: name, Type: "string", Description: desc, Mutability: "readWrite", Returned: "default", Uniqueness: "none"}
}

func schemas(base string) []schemaDoc {
	userName := attr("userName", "The user's email address; unique, compared case-insensitively.")
	userName.Required, userName.Uniqueness = true, "server"
	id := attr("id", "Identifier assigned by dbt.")
	id.Mutability, id.Returned, id.CaseExact, id.Uniqueness = "readOnly", "always", true, "server"
	externalID := attr("externalId", "Identifier assigned by the identity provider.")
	externalID.CaseExact = true
	active := attribute{Name: "active", Type: "boolean", Description: "Whether the user can sign in.", Mutability: "readWrite", Returned: "default", Uniqueness: "none"}
	name := attribute{Name: "name", Type: "complex", Mutability: "readWrite", Returned: "default", Uniqueness: "none",
		SubAttributes: []attribute{attr("givenName", "Given name."), attr("familyName", "Family name.")}}
	primary := attribute{Name: "primary", Type: "boolean", Mutability: "readWrite", Returned: "default", Uniqueness: "none"}
	emailType := attr("type", "Kind of address.")
	emailType.CanonicalValues = []string{"work"}
	emails := attribute{Name: "emails", Type: "complex", MultiValued: true, Mutability: "readWrite", Returned: "default", Uniqueness: "none",
		SubAttributes: []attribute{attr("value", "Email address; the work address must equal userName."), emailType, primary}}
	groupRef := func(desc string) attribute {
		a := attr("value", desc)
		a.Mutability = "readOnly"
		return a
	}
	userGroups := attribute{Name: "groups", Type: "complex", MultiValued: true, Mutability: "readOnly", Returned: "default", Uniqueness: "none",
		SubAttributes: []attribute{groupRef("Group id."), groupRef("Group displayName.")}}
	userGroups.SubAttributes[1].Name = "display"
	license := attr("licenseType", "The dbt license of the user.")
	license.CanonicalValues = licenseTypes
	displayName := attr("displayName", "The group's name; unique.")
	displayName.Required, displayName.Uniqueness = true, "server"
	memberValue := attr("value", "User id of the member.")
	memberValue.Mutability = "immutable"
	members := attribute{Name: "members", Type: "complex", MultiValued: true, Mutability: "readWrite", Returned: "default", Uniqueness: "none",
		SubAttributes: []attribute{memberValue, groupRef("Member's userName.")}}
	members.SubAttributes[1].Name = "display"

	return []schemaDoc{
		{
			Schemas: []string{schemaSchema}, ID: schemaUser, Name: "User", Description: "User Account",
			Attributes: []attribute{id, externalID, userName, name, emails, active, userGroups},
			Meta:       meta{ResourceType: "Schema", Location: base + "/Schemas/" + schemaUser},
		},
		{
			Schemas: []string{schemaSchema}, ID: schemaDBTUser, Name: "dbtLabsUser", Description: "dbt Labs user extension",
			Attributes: []attribute{license},
			Meta:       meta{ResourceType: "Schema", Location: base + "/Schemas/" + schemaDBTUser},
		},
		{
			Schemas: []string{schemaSchema}, ID: schemaGroup, Name: "Group", Description: "Group",
			Attributes: []attribute{id, externalID, displayName, members},
			Meta:       meta{ResourceType: "Schema", Location: base + "/Schemas/" + schemaGroup},
		},
	}
}

// listResponse is RFC 7644 §3.4.2's ListResponse. Resources is always an
// array, empty when nothing matched or count=0 asked only for totalResults.
type listResponse struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    any      `json:"Resources"`
}

func (e *Emulator) serveSchemas(w http.ResponseWriter, rest []string, base string) {
	serveDiscovery(w, rest, schemas(base), func(s schemaDoc) string { return s.ID }, "Unknown schema.")
}

func (e *Emulator) serveResourceTypes(w http.ResponseWriter, rest []string, base string) {
	serveDiscovery(w, rest, resourceTypes(base), func(rt resourceType) string { return rt.ID }, "Unknown resource type.")
}

// serveDiscovery answers a fixed discovery list: all of it, or the one entry
// whose id the path names.
func serveDiscovery[T any](w http.ResponseWriter, rest []string, all []T, id func(T) string, unknown string) {
	if len(rest) == 0 {
		writeSCIM(w, http.StatusOK, listResponse{Schemas: []string{schemaListResp}, TotalResults: len(all), StartIndex: 1, ItemsPerPage: len(all), Resources: all})
		return
	}
	if len(rest) == 1 {
		for _, x := range all {
			if id(x) == rest[0] {
				writeSCIM(w, http.StatusOK, x)
				return
			}
		}
	}
	writeSCIMError(w, http.StatusNotFound, "", unknown)
}
