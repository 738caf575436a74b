// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Messages shared by several handlers, worded the way dbt words them.
const (
	msgNotFound       = "The requested resource was not found."
	msgUnauthorized   = "Invalid token."
	msgEnterpriseOnly = "SCIM is only available on the Enterprise plan. Upgrade this account to Enterprise to use SCIM."
)

// envelope is dbt's v3 response wrapper.
type envelope struct {
	Data   any            `json:"data"`
	Status envelopeStatus `json:"status"`
	Extra  any            `json:"extra"`
}

type envelopeStatus struct {
	Code             int    `json:"code"`
	IsSuccess        bool   `json:"is_success"`
	UserMessage      string `json:"user_message"`
	DeveloperMessage string `json:"developer_message"`
}

// listExtra is the "extra" of a list response.
type listExtra struct {
	Pagination pagination `json:"pagination"`
	Filters    struct{}   `json:"filters"`
	OrderBy    string     `json:"order_by"`
}

type pagination struct {
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only our own types are encoded here; failing is a bug.
		panic(fmt.Sprintf("emulator: encoding response: %v", err))
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeAdmin(w http.ResponseWriter, status int, data, extra any) {
	if extra == nil {
		extra = struct{}{}
	}
	writeJSON(w, status, "application/json", envelope{
		Data:   data,
		Status: envelopeStatus{Code: status, IsSuccess: true, UserMessage: "Success!"},
		Extra:  extra,
	})
}

func (e *Emulator) writeAdminError(w http.ResponseWriter, status int, userMsg, devMsg string) {
	writeJSON(w, status, "application/json", envelope{
		Status: envelopeStatus{Code: status, UserMessage: userMsg, DeveloperMessage: devMsg},
		Extra:  struct{}{},
	})
}

// adminAuthorized accepts the admin token in either scheme dbt accepts:
// "Token <t>" (service tokens in dbt's docs) or "Bearer <t>".
func (e *Emulator) adminAuthorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || (!strings.EqualFold(scheme, "Token") && !strings.EqualFold(scheme, "Bearer")) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(e.adminToken)) == 1
}

// serveAdmin handles /api/v3/accounts/{acct}/scim-config/... The checks run
// in the order dbt's API framework runs them: authentication, then the
// account, then the plan, then the method.
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request, acct string, segs []string, body []byte) {
	if !e.adminAuthorized(r) {
		w.Header().Set("WWW-Authenticate", `Token realm="api"`)
		e.writeAdminError(w, http.StatusUnauthorized, msgUnauthorized, "Authentication credentials were not provided or are invalid.")
		return
	}
	if !e.knownAccount(acct) {
		e.writeAdminError(w, http.StatusNotFound, msgNotFound, "unknown account "+acct)
		return
	}
	if e.Plan() != PlanEnterprise {
		e.writeAdminError(w, http.StatusForbidden, msgEnterpriseOnly, "account plan is "+e.Plan())
		return
	}
	switch {
	case len(segs) == 0:
		switch r.Method {
		case http.MethodGet:
			writeAdmin(w, http.StatusOK, scimConfigJSON(e.SCIMConfig()), nil)
		case http.MethodPost:
			e.postSCIMConfig(w, body)
		default:
			e.methodNotAllowed(w, r, "GET, POST")
		}
	case len(segs) == 1 && segs[0] == "tokens":
		switch r.Method {
		case http.MethodGet:
			e.listTokens(w)
		case http.MethodPost:
			e.postToken(w, body)
		default:
			e.methodNotAllowed(w, r, "GET, POST")
		}
	case len(segs) == 2 && segs[0] == "tokens":
		id, err := strconv.ParseInt(segs[1], 10, 64)
		if err != nil {
			e.writeAdminError(w, http.StatusNotFound, msgNotFound, "token id must be an integer")
			return
		}
		switch r.Method {
		case http.MethodGet:
			t, ok := e.token(id)
			if !ok {
				e.writeAdminError(w, http.StatusNotFound, msgNotFound, fmt.Sprintf("no SCIM token with id %d", id))
				return
			}
			writeAdmin(w, http.StatusOK, tokenJSON(t, ""), nil)
		case http.MethodDelete:
			if !e.DeleteToken(id) {
				e.writeAdminError(w, http.StatusNotFound, msgNotFound, fmt.Sprintf("no SCIM token with id %d", id))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			e.methodNotAllowed(w, r, "GET, DELETE")
		}
	default:
		e.writeAdminError(w, http.StatusNotFound, msgNotFound, "no route for "+r.URL.Path)
	}
}

func (e *Emulator) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	e.writeAdminError(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", r.Method), "allowed: "+allow)
}

// decodeStrictObject parses a JSON object body and rejects fields outside
// allowed, because dbt's request schemas say additionalProperties: false.
// On failure it returns the user message for a 400.
func decodeStrictObject(body []byte, allowed ...string) (map[string]json.RawMessage, string) {
	var m map[string]json.RawMessage
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, "The request body is empty; expected a JSON object."
	}
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, "The request body is not a valid JSON object."
	}
	var unknown []string
	for k := range m {
		if !contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Sprintf("Unknown field(s): %s. Allowed fields: %s.", strings.Join(unknown, ", "), strings.Join(allowed, ", "))
	}
	return m, ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// boolField reads a boolean field. present is false when the field is
// missing or null; msg is non-empty when it is present but not a boolean.
func boolField(m map[string]json.RawMessage, name string) (v, present bool, msg string) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return false, false, ""
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, true, fmt.Sprintf("%s: must be a boolean.", name)
	}
	return v, true, ""
}

// scimConfigWire is the SCIMConfig schema of the spec.
type scimConfigWire struct {
	Enabled                   bool `json:"enabled"`
	ManualUpdatesAllowed      bool `json:"manual_updates_allowed"`
	SCIMControlledLicenseType bool `json:"scim_controlled_license_type"`
}

func scimConfigJSON(c SCIMConfig) scimConfigWire {
	return scimConfigWire(c)
}

// postSCIMConfig is an upsert: enabled and manual_updates_allowed are
// required; scim_controlled_license_type keeps its value when omitted.
func (e *Emulator) postSCIMConfig(w http.ResponseWriter, body []byte) {
	m, msg := decodeStrictObject(body, "enabled", "manual_updates_allowed", "scim_controlled_license_type")
	if msg != "" {
		e.writeAdminError(w, http.StatusBadRequest, msg, "invalid request body")
		return
	}
	var problems []string
	enabled, ok, bad := boolField(m, "enabled")
	if bad != "" {
		problems = append(problems, bad)
	} else if !ok {
		problems = append(problems, "enabled: This field is required.")
	}
	manual, ok, bad := boolField(m, "manual_updates_allowed")
	if bad != "" {
		problems = append(problems, bad)
	} else if !ok {
		problems = append(problems, "manual_updates_allowed: This field is required.")
	}
	license, licenseSet, bad := boolField(m, "scim_controlled_license_type")
	if bad != "" {
		problems = append(problems, bad)
	}
	if len(problems) > 0 {
		e.writeAdminError(w, http.StatusBadRequest, strings.Join(problems, " "), "invalid request body")
		return
	}
	e.mu.Lock()
	e.scimConfig.Enabled = enabled
	e.scimConfig.ManualUpdatesAllowed = manual
	if licenseSet {
		e.scimConfig.SCIMControlledLicenseType = license
	}
	c := e.scimConfig
	e.mu.Unlock()
	writeAdmin(w, http.StatusOK, scimConfigJSON(c), nil)
}

// tokenWire is the SCIMToken / CreateSCIMToken schema. TokenString is only
// ever set in the answer to the POST that minted it.
type tokenWire struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	CreatedAt   string  `json:"created_at"`
	LastUsed    *string `json:"last_used,omitempty"` // dbt's spec: a date-time, not nullable
	TokenString string  `json:"token_string,omitempty"`
}

// apiTime formats like dbt's Python backend (datetime.isoformat on an aware
// UTC value): microseconds and "+00:00", which exercises clients' parsing
// more than Go's "Z" would.
func apiTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

func tokenJSON(t Token, value string) tokenWire {
	out := tokenWire{ID: t.ID, Name: t.Name, CreatedAt: apiTime(t.CreatedAt), TokenString: value}
	if t.LastUsed != nil {
		s := apiTime(*t.LastUsed)
		out.LastUsed = &s
	}
	return out
}

func (e *Emulator) listTokens(w http.ResponseWriter) {
	toks := e.Tokens()
	data := make([]tokenWire, 0, len(toks))
	for _, t := range toks {
		data = append(data, tokenJSON(t, ""))
	}
	writeAdmin(w, http.StatusOK, data, listExtra{
		Pagination: pagination{Count: len(data), TotalCount: len(data)},
		OrderBy:    "id",
	})
}

func (e *Emulator) postToken(w http.ResponseWriter, body []byte) {
	m, msg := decodeStrictObject(body, "name")
	if msg != "" {
		e.writeAdminError(w, http.StatusBadRequest, msg, "invalid request body")
		return
	}
	raw, ok := m["name"]
	var name string
	if !ok || string(raw) == "null" {
		e.writeAdminError(w, http.StatusBadRequest, "name: This field is required.", "invalid request body")
		return
	}
	if err := json.Unmarshal(raw, &name); err != nil {
		e.writeAdminError(w, http.StatusBadRequest, "name: Must be a string.", "invalid request body")
		return
	}
	if n := len([]rune(name)); n < 1 || n > 255 {
		e.writeAdminError(w, http.StatusBadRequest, "name: Must be between 1 and 255 characters.", fmt.Sprintf("name has %d characters", n))
		return
	}
	t, value := e.CreateToken(name)
	writeAdmin(w, http.StatusOK, tokenJSON(t, value), nil)
}
