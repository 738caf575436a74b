// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package apierror holds the typed errors that the dbt admin API client and the
// SCIM client return, so that callers decide with errors.As on a Kind instead
// of matching message text. A 400 is a bad request and never "not found":
// treating it as "gone" would let Terraform silently drop a live resource.
package apierror

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Kind classifies an API error by what the caller can do about it.
type Kind string

const (
	KindBadRequest   Kind = "bad request"
	KindUnauthorized Kind = "unauthorized"
	KindForbidden    Kind = "forbidden"
	KindNotFound     Kind = "not found"
	KindConflict     Kind = "conflict"
	KindRateLimited  Kind = "rate limited"
	KindServer       Kind = "server error"
	KindUnknown      Kind = "unexpected status"
)

// API names the two dbt APIs, as used in Error.API.
const (
	APIAdmin = "admin"
	APISCIM  = "scim"
)

// Error is a non-2xx answer from a dbt API.
type Error struct {
	Kind       Kind
	StatusCode int
	Method     string
	Path       string // URL path only: never a query string or credentials
	Message    string // dbt's status.user_message, or the SCIM error "detail"
	SCIMType   string // SCIM scimType, when present
	API        string // APIAdmin or APISCIM
}

// Error reads like
// `dbt admin API: POST /api/v3/accounts/1/scim-config/tokens/: 403 forbidden: <message>`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(apiLabel(e.API))
	b.WriteString(": ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	kind := e.Kind
	if kind == "" {
		kind = KindFor(e.StatusCode)
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "%d ", e.StatusCode)
	}
	b.WriteString(string(kind))
	if e.SCIMType != "" {
		fmt.Fprintf(&b, " (scimType %s)", e.SCIMType)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// KindFor maps an HTTP status code to a Kind.
func KindFor(status int) Kind {
	switch {
	case status == http.StatusBadRequest:
		return KindBadRequest
	case status == http.StatusUnauthorized:
		return KindUnauthorized
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict:
		return KindConflict
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status >= 500 && status <= 599:
		return KindServer
	default:
		return KindUnknown
	}
}

// IsKind reports whether err, or any error it wraps, is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// IsNotFound reports whether err is an *Error of KindNotFound.
func IsNotFound(err error) bool { return IsKind(err, KindNotFound) }

// AmbiguousError is a transport failure after the request may have reached the
// server: a timeout after sending, a reset connection, an EOF, or a response
// whose body was cut off. The server may or may not have acted on it, so a
// non-idempotent request must be reconciled, not blindly re-sent.
type AmbiguousError struct {
	Method string
	Path   string // URL path only
	Err    error
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("dbt API: %s %s: the request may have reached the server but no complete response came back: %v",
		e.Method, e.Path, e.Err)
}

func (e *AmbiguousError) Unwrap() error { return e.Err }

// IsAmbiguous reports whether err is, or wraps, an *AmbiguousError.
func IsAmbiguous(err error) bool {
	var e *AmbiguousError
	return errors.As(err, &e)
}

func apiLabel(api string) string {
	switch api {
	case APIAdmin:
		return "dbt admin API"
	case APISCIM:
		return "dbt SCIM API"
	case "":
		return "dbt API"
	default:
		return "dbt " + api + " API"
	}
}
