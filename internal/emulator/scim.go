// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// SCIM schema URNs (RFC 7643, RFC 7644) and dbt's user extension.
const (
	schemaUser        = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaGroup       = "urn:ietf:params:scim:schemas:core:2.0:Group"
	schemaDBTUser     = "urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User"
	schemaListResp    = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	schemaError       = "urn:ietf:params:scim:api:messages:2.0:Error"
	schemaSPC         = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	schemaResType     = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	schemaSchema      = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	scimContentType   = "application/scim+json"
	defaultPageSize   = 100
	maxPageSize       = 1000
	msgSCIMDisabled   = "SCIM is disabled for this account. Enable it in the account's SCIM settings (scim-config enabled=true) before provisioning."
	msgSCIMBadToken   = "Invalid or missing SCIM token. Send a token minted under the account's SCIM settings as 'Authorization: Bearer <token>'."
	msgSCIMNotFound   = "Resource not found."
	scimTypeInvFilter = "invalidFilter"
	scimTypeUnique    = "uniqueness"
	scimTypeInvValue  = "invalidValue"
	scimTypeInvSyntax = "invalidSyntax"
	scimTypeNoTarget  = "noTarget"
	scimTypeInvPath   = "invalidPath"
	scimTypeMutab     = "mutability"
)

// scimError is the RFC 7644 §3.12 error body. status is a string on the
// wire, as the RFC's examples have it.
type scimError struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

func writeSCIMError(w http.ResponseWriter, status int, scimType, detail string) {
	writeJSON(w, status, scimContentType, scimError{
		Schemas:  []string{schemaError},
		Status:   strconv.Itoa(status),
		ScimType: scimType,
		Detail:   detail,
	})
}

func writeSCIM(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, scimContentType, v)
}

// bearer extracts the token of an "Authorization: Bearer <t>" header.
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// serveSCIM handles /api/v3/accounts/{acct}/scim/v2/... Unlike the admin
// API it authenticates with minted SCIM tokens, never the admin token. The
// plan is checked before the token so that a Team account answers 403 to
// every SCIM call, whatever credentials the IdP holds.
func (e *Emulator) serveSCIM(w http.ResponseWriter, r *http.Request, acct string, segs []string, body []byte) {
	if !e.knownAccount(acct) {
		writeSCIMError(w, http.StatusNotFound, "", "Unknown account "+acct+".")
		return
	}
	if e.Plan() != PlanEnterprise {
		writeSCIMError(w, http.StatusForbidden, "", msgEnterpriseOnly)
		return
	}
	hash, ok := e.tokenHashFor(bearer(r))
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scim"`)
		writeSCIMError(w, http.StatusUnauthorized, "", msgSCIMBadToken)
		return
	}
	if !e.SCIMConfig().Enabled {
		writeSCIMError(w, http.StatusForbidden, "", msgSCIMDisabled)
		return
	}
	e.touchToken(hash)

	base := scimBase(r, acct)
	if len(segs) == 0 {
		writeSCIMError(w, http.StatusNotFound, "", msgSCIMNotFound)
		return
	}
	switch segs[0] {
	case "ServiceProviderConfig":
		if len(segs) != 1 {
			writeSCIMError(w, http.StatusNotFound, "", msgSCIMNotFound)
			return
		}
		if !allowMethods(w, r, http.MethodGet) {
			return
		}
		writeSCIM(w, http.StatusOK, serviceProviderConfig(base, e.maxPageSize))
	case "Schemas":
		if !allowMethods(w, r, http.MethodGet) {
			return
		}
		e.serveSchemas(w, segs[1:], base)
	case "ResourceTypes":
		if !allowMethods(w, r, http.MethodGet) {
			return
		}
		e.serveResourceTypes(w, segs[1:], base)
	case "Users":
		serveResource(e, usersResource, w, r, segs[1:], base, body)
	case "Groups":
		serveResource(e, groupsResource, w, r, segs[1:], base, body)
	default:
		writeSCIMError(w, http.StatusNotFound, "", msgSCIMNotFound)
	}
}

func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeSCIMError(w, http.StatusMethodNotAllowed, "", fmt.Sprintf("Method %s is not allowed here.", r.Method))
	return false
}

// scimBase is the absolute SCIM base URL as the client addressed it, for
// meta.location.
func scimBase(r *http.Request, acct string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/api/v3/accounts/" + acct + "/scim/v2"
}
