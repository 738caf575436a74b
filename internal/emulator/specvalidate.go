// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// SpecMode says what the emulator does with a request dbt's OpenAPI spec
// (spec/dbt-scim-openapi.yaml) rejects.
type SpecMode int

const (
	// SpecOff checks nothing: the emulator's own tests of IdP quirks that
	// dbt's spec does not draw (Entra ID's "Replace", "True") use it.
	SpecOff SpecMode = iota
	// SpecRecord serves the request and records the violation.
	SpecRecord
	// SpecEnforce answers 400 and records the violation: what the
	// provider's acceptance tests, the bench and the demo run with.
	SpecEnforce
)

// SpecViolation is one request dbt's spec rejects.
type SpecViolation struct {
	Method, Path, Query string
	Problem             string
}

//go:embed spec/dbt-scim-openapi.yaml
var specYAML []byte

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// loadSpec parses the embedded spec once. The router matches any host: the
// spec's servers are dbt's, the emulator's are local.
func loadSpec() (routers.Router, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(specYAML)
		if err != nil {
			specErr = fmt.Errorf("loading dbt's OpenAPI spec: %w", err)
			return
		}
		doc.Servers = openapi3.Servers{{URL: "/"}}
		specDoc = doc
		// dbt's own examples do not all match its schemas (an email's
		// "primary": "True"); the schemas are what requests are held to.
		specRouter, specErr = legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	})
	return specRouter, specErr
}

func init() {
	// The spec lists application/scim+json for SCIM bodies; it is JSON.
	openapi3filter.RegisterBodyDecoder("application/scim+json", openapi3filter.JSONBodyDecoder)
}

// checkSpec returns what dbt's spec rejects in a write, or "" when nothing:
// any query string (the spec declares none on a write), and a body that does
// not match the operation's request schema. Reads and paths the spec does
// not describe are not checked.
func checkSpec(r *http.Request, body []byte) string {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return ""
	}
	if r.URL.RawQuery != "" {
		return fmt.Sprintf("dbt's spec declares no query parameter on %s %s, but the request carries %q",
			r.Method, r.URL.Path, r.URL.RawQuery)
	}
	router, err := loadSpec()
	if err != nil {
		return err.Error()
	}
	route, params, ok := findRoute(router, r)
	if !ok || r.Method == http.MethodDelete {
		return ""
	}
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	if ct := req.Header.Get("Content-Type"); ct == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:        openapi3filter.NoopAuthenticationFunc,
			ExcludeRequestQueryParams: true,
			MultiError:                true,
		},
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return fmt.Sprintf("%s %s does not match dbt's spec (%s): %s", r.Method, r.URL.Path,
			route.Operation.OperationID, oneLine(err))
	}
	if route.Operation.OperationID == "Patch SCIM Group" {
		return checkPatchedMembers(r, body)
	}
	return ""
}

// checkPatchedMembers holds the members a group PATCH adds or replaces to
// the spec's shape of a member, GroupMemberComponent (value and display
// required): the spec's PatchOperation leaves its value open, so the
// operation's own schema cannot, and Okta sends members in that shape.
// Removals by path filter carry no member object and are not checked.
func checkPatchedMembers(r *http.Request, body []byte) string {
	member := specDoc.Components.Schemas["GroupMemberComponent"]
	if member == nil || member.Value == nil {
		return "dbt's spec has no GroupMemberComponent"
	}
	var req patchIn
	if json.Unmarshal(body, &req) != nil {
		return "" // the operation's schema has already judged the body
	}
	for i, op := range req.Operations {
		if strings.EqualFold(op.Op, "remove") || len(op.Value) == 0 {
			continue
		}
		var members []any
		switch {
		case strings.EqualFold(op.Path, "members"):
			if json.Unmarshal(op.Value, &members) != nil {
				continue
			}
		case op.Path == "":
			var v struct {
				Members []any `json:"members"`
			}
			if json.Unmarshal(op.Value, &v) != nil {
				continue
			}
			members = v.Members
		}
		for j, m := range members {
			if err := member.Value.VisitJSON(m); err != nil {
				return fmt.Sprintf("%s %s: Operations[%d] member %d does not match dbt's spec (GroupMemberComponent): %s",
					r.Method, r.URL.Path, i, j, oneLine(err))
			}
		}
	}
	return ""
}

// findRoute matches the path as sent, and with its trailing slash toggled:
// the emulator, like dbt, serves both.
func findRoute(router routers.Router, r *http.Request) (*routers.Route, map[string]string, bool) {
	for _, p := range []string{r.URL.Path, toggleSlash(r.URL.Path)} {
		u := url.URL{Path: p}
		probe, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), nil)
		if err != nil {
			continue
		}
		route, params, err := router.FindRoute(probe)
		if err == nil {
			return route, params, true
		}
		if !errors.Is(err, routers.ErrPathNotFound) && !errors.Is(err, routers.ErrMethodNotAllowed) {
			continue
		}
	}
	return nil, nil, false
}

func toggleSlash(p string) string {
	if strings.HasSuffix(p, "/") {
		return strings.TrimSuffix(p, "/")
	}
	return p + "/"
}

func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// specGate applies the emulator's SpecMode to a request; it reports whether
// the request was refused (and answered).
func (e *Emulator) specGate(w http.ResponseWriter, r *http.Request, body []byte) bool {
	if e.spec == SpecOff {
		return false
	}
	problem := checkSpec(r, body)
	if problem == "" {
		return false
	}
	e.mu.Lock()
	e.specViolations = append(e.specViolations, SpecViolation{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Problem: problem})
	e.mu.Unlock()
	if e.spec != SpecEnforce {
		return false
	}
	e.writeError(w, r, http.StatusBadRequest, "The request does not match dbt's API spec: "+problem, "spec violation")
	return true
}

// SpecViolations lists the requests dbt's spec rejects that the emulator
// has seen (SpecRecord and SpecEnforce), oldest first.
func (e *Emulator) SpecViolations() []SpecViolation {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]SpecViolation(nil), e.specViolations...)
}

// capturingWriter keeps a copy of the response, for checkSpecResponse.
type capturingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *capturingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *capturingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// specCheckResponse records a response dbt's spec would not give (the
// request was already answered: it can only be recorded, and the
// acceptance harness fails the test that saw it).
func (e *Emulator) specCheckResponse(r *http.Request, w *capturingWriter) {
	if problem := checkSpecResponse(r, w.status, w.Header(), w.body.Bytes()); problem != "" {
		e.mu.Lock()
		e.specViolations = append(e.specViolations, SpecViolation{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Problem: problem})
		e.mu.Unlock()
	}
}

// checkSpecResponse returns what dbt's spec rejects in a successful response
// with a body, or "". The spec draws every response inside dbt's envelope
// ({"data": ...}); the emulator answers SCIM requests as RFC 7644 says and
// IdPs expect, unwrapped, so a SCIM resource is checked as the envelope's
// data, and a SCIM list's resources as the data of the spec's list (RFC
// 7644's ListResponse is not the envelope's). Discovery documents and
// projections are not checked, and a 201 is checked as the 200 the spec
// lists.
func checkSpecResponse(r *http.Request, status int, header http.Header, body []byte) string {
	if status < 200 || status > 299 || len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	router, err := loadSpec()
	if err != nil {
		return err.Error()
	}
	route, params, ok := findRoute(router, r)
	if !ok {
		return ""
	}
	scimPath := isSCIMPath(r.URL.Path)
	isList := false
	if scimPath && r.Method == http.MethodGet && !strings.HasSuffix(route.Path, "}") {
		p := strings.TrimSuffix(route.Path, "/")
		if !strings.HasSuffix(p, "/Users") && !strings.HasSuffix(p, "/Groups") {
			return "" // a discovery document
		}
		isList = true
	}
	if q := r.URL.Query(); q.Has("attributes") || q.Has("excludedAttributes") {
		return "" // RFC 7644 projections leave out what the spec's schemas require
	}
	switch {
	case isList:
		// The spec's list is the envelope with the resources as data; the
		// emulator's is RFC 7644's ListResponse. Each resource is held to
		// the spec's item schema, the paging to its pagination.
		var l struct {
			TotalResults *int             `json:"totalResults"`
			Resources    *json.RawMessage `json:"Resources"`
		}
		if err := json.Unmarshal(body, &l); err != nil || l.TotalResults == nil {
			return fmt.Sprintf("the answer to %s %s is not an RFC 7644 ListResponse", r.Method, r.URL.Path)
		}
		resources := json.RawMessage("[]")
		if l.Resources != nil {
			resources = *l.Resources
		}
		var items []json.RawMessage
		_ = json.Unmarshal(resources, &items)
		body = fmt.Appendf(nil, `{"data":%s,"extra":{"pagination":{"count":%d,"total_count":%d}}}`,
			resources, len(items), *l.TotalResults)
	case scimPath:
		body = append(append([]byte(`{"data":`), body...), '}')
	}
	if status == http.StatusCreated {
		status = http.StatusOK
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		return fmt.Sprintf("the answer to %s %s does not match dbt's spec (%s): %s", r.Method, r.URL.Path,
			route.Operation.OperationID, oneLine(err))
	}
	return ""
}
