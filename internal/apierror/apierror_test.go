// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package apierror

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestKindFor(t *testing.T) {
	cases := map[int]Kind{
		400: KindBadRequest,
		401: KindUnauthorized,
		403: KindForbidden,
		404: KindNotFound,
		409: KindConflict,
		429: KindRateLimited,
		500: KindServer,
		502: KindServer,
		503: KindServer,
		599: KindServer,
		302: KindUnknown,
		418: KindUnknown,
		422: KindUnknown,
		600: KindUnknown,
		0:   KindUnknown,
	}
	for status, want := range cases {
		if got := KindFor(status); got != want {
			t.Errorf("KindFor(%d) = %q, want %q", status, got, want)
		}
	}
}

func TestBadRequestIsNeverNotFound(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &Error{Kind: KindFor(400), StatusCode: 400, Message: "token not found"})
	if IsNotFound(err) {
		t.Fatal("a 400 whose message says 'not found' must not be KindNotFound")
	}
	if !IsKind(err, KindBadRequest) {
		t.Fatal("want KindBadRequest through wrapping")
	}
}

func TestIsKindThroughWrapping(t *testing.T) {
	err := fmt.Errorf("reading token: %w", &Error{Kind: KindNotFound, StatusCode: 404})
	if !IsNotFound(err) {
		t.Fatal("IsNotFound must see through fmt.Errorf wrapping")
	}
	if IsNotFound(errors.New("404 not found")) {
		t.Fatal("a plain error mentioning 404 is not a typed not-found")
	}
	if IsNotFound(nil) {
		t.Fatal("nil is not not-found")
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{
		Kind: KindForbidden, StatusCode: 403, Method: "POST",
		Path: "/api/v3/accounts/1/scim-config/tokens/", Message: "You do not have permission", API: APIAdmin,
	}
	want := "dbt admin API: POST /api/v3/accounts/1/scim-config/tokens/: 403 forbidden: You do not have permission"
	if got := e.Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	s := &Error{Kind: KindConflict, StatusCode: 409, Method: "POST", Path: "/scim/v2/Users", SCIMType: "uniqueness", Message: "exists", API: APISCIM}
	want = "dbt SCIM API: POST /scim/v2/Users: 409 conflict (scimType uniqueness): exists"
	if got := s.Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	bare := &Error{StatusCode: 500}
	if got, want := bare.Error(), "dbt API: 500 server error"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAmbiguousError(t *testing.T) {
	err := fmt.Errorf("create: %w", &AmbiguousError{Method: "POST", Path: "/x", Err: io.ErrUnexpectedEOF})
	if !IsAmbiguous(err) {
		t.Fatal("IsAmbiguous must see through wrapping")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatal("AmbiguousError must unwrap to its cause")
	}
	var a *AmbiguousError
	if !errors.As(err, &a) || a.Method != "POST" || a.Path != "/x" {
		t.Fatalf("errors.As: %+v", a)
	}
	if IsAmbiguous(&Error{Kind: KindServer}) {
		t.Fatal("a typed 5xx is not ambiguous at this level")
	}
}
