// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
)

const testToken = "dbtc_scim_s3cr3t_TOKEN_value"

// recorded is one request as the server saw it.
type recorded struct {
	Method, Path string
	Query        url.Values
	RawQuery     string
	Header       http.Header
	Body         []byte
}

// fakeSCIM is a small SCIM server for the client's tests: it records every
// request and answers through handle, which each test sets.
type fakeSCIM struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []recorded
	handle func(w http.ResponseWriter, r *http.Request, body []byte)
}

func newFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body []byte)) *fakeSCIM {
	t.Helper()
	f := &fakeSCIM{t: t, handle: handle}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), RawQuery: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: body,
		})
		f.mu.Unlock()
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			http.Error(w, "bad auth "+got, http.StatusUnauthorized)
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/api/v3/accounts/1/scim/v2/") {
			http.Error(w, "bad path", http.StatusTeapot)
			return
		}
		f.handle(w, r, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSCIM) client(t *testing.T, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:      f.srv.URL + "/api/v3/accounts/1/scim/v2/",
		Token:        testToken,
		MaxRetries:   0,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: time.Millisecond,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// count returns how many requests of method the server received.
func (f *fakeSCIM) count(method string) int {
	n := 0
	for _, r := range f.requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

func (f *fakeSCIM) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func resource(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/api/v3/accounts/1/scim/v2")
	return p
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func mkUsers(n int) []User {
	us := make([]User, n)
	for i := range us {
		us[i] = User{ID: strconv.Itoa(i + 1), UserName: fmt.Sprintf("user%d@example.com", i+1), Active: Bool(true)}
	}
	return us
}

func userNames(us []User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID + "=" + u.UserName
	}
	return out
}

// pageOf slices all the way RFC 7644 says, capped at maxPage when the server
// wants to return fewer than asked.
func pageOf[T any](r *http.Request, all []T, maxPage int) (page []T, start int) {
	start, _ = strconv.Atoi(r.URL.Query().Get("startIndex"))
	if start < 1 {
		start = 1
	}
	count, err := strconv.Atoi(r.URL.Query().Get("count"))
	if err != nil {
		count = len(all)
	}
	if maxPage > 0 && count > maxPage {
		count = maxPage
	}
	lo := min(start-1, len(all))
	hi := min(lo+count, len(all))
	return all[lo:hi], start
}

func TestNewClientValidates(t *testing.T) {
	for _, cfg := range []Config{
		{BaseURL: "", Token: "t"},
		{BaseURL: "cloud.getdbt.com/scim/v2", Token: "t"},
		{BaseURL: "ftp://x/scim/v2", Token: "t"},
		{BaseURL: "https://x/scim/v2?a=b", Token: "t"},
		{BaseURL: "https://x/scim/v2"},
		{BaseURL: "https://x/scim/v2", Token: "t", PageSize: -1},
	} {
		if _, err := NewClient(cfg); err == nil {
			t.Errorf("NewClient(%+v) accepted", cfg)
		}
	}
}

func TestHeadersAndGetUser(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, map[string]any{
			"schemas": []string{SchemaUser}, "id": "42", "userName": "a@example.com", "active": true,
		})
	})
	u, err := f.client(t).GetUser(context.Background(), "42")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "42" || u.UserName != "a@example.com" || u.Active == nil || !*u.Active {
		t.Errorf("user = %+v", u)
	}
	r := f.requests()[0]
	if r.Method != http.MethodGet || r.Path != "/api/v3/accounts/1/scim/v2/Users/42" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if got := r.Header.Get("Accept"); got != "application/scim+json, application/json" {
		t.Errorf("Accept = %q", got)
	}
	if got := r.Header.Get("Content-Type"); got != "" {
		t.Errorf("GET sent Content-Type %q", got)
	}
}

func TestCreateUserSendsSCIM(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == http.MethodGet { // the lookup before the create
			writeJSON(w, 200, ListResponse[User]{})
			return
		}
		var u User
		if err := json.Unmarshal(body, &u); err != nil {
			writeJSON(w, 400, NewError(400, ErrInvalidSyntax, err.Error()))
			return
		}
		u.ID = "u-1"
		// dbt's spec wraps the created user in its envelope.
		writeJSON(w, 200, map[string]any{"data": u, "status": map[string]any{"code": 200, "is_success": true}})
	})
	in := User{
		UserName: "new@example.com",
		Name:     &Name{GivenName: "N", FamilyName: "E"},
		Emails:   []Email{{Value: "new@example.com", Type: "work", Primary: true}},
		Active:   Bool(true),
		DBT:      &DBTUserExtension{LicenseType: LicenseDeveloper},
	}
	u, err := f.client(t).CreateUser(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "u-1" || u.DBT == nil || u.DBT.LicenseType != LicenseDeveloper {
		t.Errorf("created %+v", u)
	}
	r := f.requests()[1]
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/scim+json" {
		t.Errorf("request %s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
	}
	var sent map[string]any
	_ = json.Unmarshal(r.Body, &sent)
	if _, ok := sent[SchemaDBTUser]; !ok {
		t.Errorf("body lacks the dbt extension: %s", r.Body)
	}
	if !reflect.DeepEqual(sent["schemas"], []any{SchemaUser, SchemaDBTUser}) {
		t.Errorf("schemas = %v", sent["schemas"])
	}
}

func TestListUsersPaging(t *testing.T) {
	all := mkUsers(250)
	tests := []struct {
		name     string
		maxPage  int // server returns at most this many, whatever was asked
		pageSize int
		starts   []string
	}{
		{"full pages", 0, 100, []string{"1", "101", "201"}},
		{"server returns fewer than asked", 60, 100, []string{"1", "61", "121", "181", "241"}},
		{"exact multiple", 0, 125, []string{"1", "126"}},
		{"default size, server capped at 100", 100, 0, []string{"1", "101", "201"}},
		{"default size, one page", 0, 0, []string{"1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				page, start := pageOf(r, all, tt.maxPage)
				writeJSON(w, 200, ListResponse[User]{TotalResults: len(all), StartIndex: start, ItemsPerPage: len(page), Resources: page})
			})
			got, err := f.client(t, func(c *Config) { c.PageSize = tt.pageSize }).ListUsers(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(userNames(got), userNames(all)) {
				t.Errorf("got %d users, want %d in order", len(got), len(all))
			}
			var starts []string
			for _, r := range f.requests() {
				starts = append(starts, r.Query.Get("startIndex"))
				want := tt.pageSize
				if want == 0 {
					want = DefaultPageSize
				}
				if r.Query.Get("count") != strconv.Itoa(want) {
					t.Errorf("count = %q", r.Query.Get("count"))
				}
				if r.Query.Has("filter") {
					t.Errorf("empty filter was sent")
				}
			}
			if !reflect.DeepEqual(starts, tt.starts) {
				t.Errorf("startIndex sequence %v, want %v", starts, tt.starts)
			}
		})
	}
}

func TestListShapes(t *testing.T) {
	all := mkUsers(5)
	shapes := map[string]func(page []User, start int) any{
		"RFC 7644 ListResponse": func(page []User, start int) any {
			return ListResponse[User]{TotalResults: len(all), StartIndex: start, ItemsPerPage: len(page), Resources: page}
		},
		"dbt envelope with array": func(page []User, start int) any {
			return map[string]any{
				"data":   page,
				"extra":  map[string]any{"pagination": map[string]any{"count": len(page), "total_count": len(all)}},
				"status": map[string]any{"code": 200, "is_success": true},
			}
		},
		"dbt envelope around ListResponse": func(page []User, start int) any {
			return map[string]any{"data": ListResponse[User]{TotalResults: len(all), StartIndex: start, ItemsPerPage: len(page), Resources: page}}
		},
	}
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				page, start := pageOf(r, all, 0)
				writeJSON(w, 200, shape(page, start))
			})
			got, err := f.client(t, func(c *Config) { c.PageSize = 2 }).ListUsers(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(userNames(got), userNames(all)) {
				t.Errorf("got %v", userNames(got))
			}
			if n := len(f.requests()); n != 3 {
				t.Errorf("%d requests, want 3", n)
			}
		})
	}
}

func TestListWithoutTotalReadsUntilEmptyPage(t *testing.T) {
	all := mkUsers(3)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		page, _ := pageOf(r, all, 0)
		writeJSON(w, 200, map[string]any{"Resources": page})
	})
	got, err := f.client(t, func(c *Config) { c.PageSize = 2 }).ListUsers(context.Background(), "")
	if err != nil || len(got) != 3 {
		t.Fatalf("got %d users, err %v", len(got), err)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests, want 3 (two pages and an empty one)", n)
	}
}

func TestListServerIgnoringStartIndexFails(t *testing.T) {
	all := mkUsers(10)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, ListResponse[User]{TotalResults: len(all), StartIndex: 1, Resources: all[:2]})
	})
	_, err := f.client(t, func(c *Config) { c.PageSize = 2 }).ListUsers(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "does not page") {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestFindUserByUserName(t *testing.T) {
	const tricky = `o"brien\admin@example.com`
	users := []User{
		{ID: "1", UserName: "other@example.com"},
		{ID: "2", UserName: strings.ToUpper(tricky)},
	}
	var filterOnWire string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		filterOnWire = r.URL.RawQuery
		want := `userName eq "o\"brien\\admin@example.com"`
		if got := r.URL.Query().Get("filter"); got != want {
			writeJSON(w, 400, NewError(400, ErrInvalidFilter, "got filter "+got))
			return
		}
		// This server ignores the filter: the client must pick the match.
		writeJSON(w, 200, ListResponse[User]{TotalResults: len(users), Resources: users})
	})
	c := f.client(t)
	u, err := c.FindUserByUserName(context.Background(), tricky)
	if err != nil {
		t.Fatal(err)
	}
	if u == nil || u.ID != "2" {
		t.Fatalf("found %+v", u)
	}
	if strings.Contains(filterOnWire, "+") {
		t.Errorf("spaces sent as '+': %s", filterOnWire)
	}

	users = users[:1]
	u, err = c.FindUserByUserName(context.Background(), tricky)
	if err != nil || u != nil {
		t.Errorf("no match: got %+v, %v", u, err)
	}
}

func TestPatchUserReadBack(t *testing.T) {
	for _, status := range []int{http.StatusNoContent, http.StatusOK} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				switch r.Method {
				case http.MethodPatch:
					if status == http.StatusNoContent {
						w.WriteHeader(status)
						return
					}
					writeJSON(w, 200, User{ID: "7", UserName: "p@example.com", Active: Bool(false)})
				case http.MethodGet:
					writeJSON(w, 200, User{ID: "7", UserName: "p@example.com", Active: Bool(false)})
				}
			})
			op, _ := NewPatchOperation(OpReplace, "active", false)
			u, err := f.client(t).PatchUser(context.Background(), "7", []PatchOperation{op})
			if err != nil {
				t.Fatal(err)
			}
			if u.Active == nil || *u.Active {
				t.Errorf("user = %+v", u)
			}
			reqs := f.requests()
			var methods []string
			for _, r := range reqs {
				methods = append(methods, r.Method)
			}
			want := []string{"PATCH"}
			if status == http.StatusNoContent {
				want = append(want, "GET")
			}
			if !reflect.DeepEqual(methods, want) {
				t.Errorf("methods %v, want %v", methods, want)
			}
			if got := string(reqs[0].Body); got != `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}` {
				t.Errorf("PATCH body %s", got)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		kind     apierror.Kind
		message  string
		scimType string
	}{
		{"SCIM error, string status", 409, `{"schemas":["` + SchemaError + `"],"status":"409","scimType":"uniqueness","detail":"userName taken"}`,
			apierror.KindConflict, "userName taken", "uniqueness"},
		{"SCIM error, numeric status", 400, `{"status":400,"scimType":"invalidFilter","detail":"bad filter"}`,
			apierror.KindBadRequest, "bad filter", "invalidFilter"},
		{"dbt envelope", 400, `{"data":null,"status":{"code":400,"is_success":false,"user_message":"All users must have licenses on the account","developer_message":"x"}}`,
			apierror.KindBadRequest, "All users must have licenses on the account", ""},
		{"dbt envelope, developer message only", 403, `{"status":{"code":403,"is_success":false,"user_message":"","developer_message":"SCIM is disabled"}}`,
			apierror.KindForbidden, "SCIM is disabled", ""},
		{"SCIM error inside envelope", 404, `{"data":{"status":"404","detail":"User 9 not found"}}`,
			apierror.KindNotFound, "User 9 not found", ""},
		{"HTML", 502, `<html>Bad gateway</html>`, apierror.KindServer, "<html>Bad gateway</html>", ""},
		{"empty", 500, ``, apierror.KindServer, "Internal Server Error", ""},
		{"rate limited", 429, `{"detail":"slow down"}`, apierror.KindRateLimited, "slow down", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig") {
					writeJSON(w, 200, serviceProviderConfig)
					return
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			err := f.client(t).DeleteUser(context.Background(), "9")
			var ae *apierror.Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %#v, want *apierror.Error", err)
			}
			want := apierror.Error{
				Kind: tt.kind, StatusCode: tt.status, Method: "DELETE", Path: "/api/v3/accounts/1/scim/v2/Users/9",
				Message: tt.message, SCIMType: tt.scimType, API: "scim",
			}
			if *ae != want {
				t.Errorf("error\n%+v\nwant\n%+v", *ae, want)
			}
		})
	}
}

// serviceProviderConfig is the discovery answer of a SCIM endpoint.
var serviceProviderConfig = map[string]any{
	"schemas": []string{SchemaServiceProviderConfig},
	"patch":   map[string]bool{"supported": true},
}

// A 404 on an object is trusted once the base URL has shown itself a SCIM
// endpoint: one discovery request for the client, and no filter needed.
func TestNotFoundIsTyped(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig") {
			writeJSON(w, 200, serviceProviderConfig)
			return
		}
		writeJSON(w, 404, NewError(404, "", "no such resource"))
	})
	c := f.client(t)
	ctx := context.Background()
	if _, err := c.GetGroup(ctx, "g", false); !apierror.IsNotFound(err) {
		t.Errorf("GetGroup: %v", err)
	}
	if _, err := c.GetUser(ctx, "u"); !apierror.IsNotFound(err) {
		t.Errorf("GetUser: %v", err)
	}
	if err := c.DeleteUser(ctx, "u"); !apierror.IsNotFound(err) {
		t.Errorf("DeleteUser: %v", err)
	}
	if err := c.DeleteGroup(ctx, "g"); !apierror.IsNotFound(err) {
		t.Errorf("DeleteGroup: %v", err)
	}
	discovery := 0
	for _, r := range f.requests() {
		if r.Query.Get("filter") != "" {
			t.Errorf("a 404 was confirmed with a filter: %s %s?%s", r.Method, r.Path, r.Query.Encode())
		}
		if strings.HasSuffix(r.Path, "/ServiceProviderConfig") {
			discovery++
		}
	}
	if discovery != 1 {
		t.Errorf("%d discovery requests, want 1 for the client", discovery)
	}
}

func TestTokenIsMasked(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		// A careless server echoing the credential back.
		writeJSON(w, 401, NewError(401, "", "token "+r.Header.Get("Authorization")+" is not valid"))
	})
	_, err := f.client(t).GetUser(context.Background(), "1")
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), testToken) {
		t.Errorf("token leaked: %v", err)
	}
	if !apierror.IsKind(err, apierror.KindUnauthorized) {
		t.Errorf("kind: %v", err)
	}
}

func TestGroupMembersQuery(t *testing.T) {
	g := Group{ID: "g1", DisplayName: "Eng", Members: []Member{{Value: "u1"}}}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if resource(r) == "/Groups" {
			writeJSON(w, 200, ListResponse[Group]{TotalResults: 1, Resources: []Group{g}})
			return
		}
		writeJSON(w, 200, map[string]any{"data": g})
	})
	c := f.client(t)
	ctx := context.Background()
	got, err := c.GetGroup(ctx, "g1", true)
	if err != nil || !reflect.DeepEqual(got.MemberIDs(), []string{"u1"}) {
		t.Fatalf("with members: %+v, %v", got, err)
	}
	got, err = c.GetGroup(ctx, "g1", false)
	if err != nil || got.Members != nil || got.DisplayName != "Eng" {
		t.Fatalf("without members: %+v, %v", got, err)
	}
	found, err := c.FindGroupByDisplayName(ctx, "Eng", false)
	if err != nil || found == nil || found.ID != "g1" {
		t.Fatalf("find: %+v, %v", found, err)
	}
	reqs := f.requests()
	if reqs[0].Query.Has("excludedAttributes") {
		t.Errorf("withMembers=true sent %s", reqs[0].RawQuery)
	}
	for _, r := range reqs[1:] {
		if r.Query.Get("excludedAttributes") != "members" {
			t.Errorf("withMembers=false sent %s", r.RawQuery)
		}
	}
	if got := reqs[2].Query.Get("filter"); got != `displayName eq "Eng"` {
		t.Errorf("filter %q", got)
	}
}

func TestFindGroupByDisplayNamePrefersExact(t *testing.T) {
	groups := []Group{{ID: "1", DisplayName: "eng"}, {ID: "2", DisplayName: "Eng"}, {ID: "3", DisplayName: "Engineering"}}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, ListResponse[Group]{TotalResults: len(groups), Resources: groups})
	})
	c := f.client(t)
	for name, want := range map[string]string{"Eng": "2", "eng": "1", "ENGINEERING": "3", "Ops": ""} {
		g, err := c.FindGroupByDisplayName(context.Background(), name, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if (g == nil && want != "") || (g != nil && g.ID != want) {
			t.Errorf("%s: got %+v, want id %q", name, g, want)
		}
	}
	if _, err := c.FindGroupByDisplayName(context.Background(), "ENG", false); err == nil {
		t.Error("two case-insensitive matches were not an error")
	}
}

// servesUsers answers reads of users as a directory in which the user with
// id X has userName X@example.com and the listing holds listed, and hands
// every other request to next.
func servesUsers(listed []string, next func(w http.ResponseWriter, r *http.Request, body []byte)) func(w http.ResponseWriter, r *http.Request, body []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		rest, isUsers := strings.CutPrefix(r.URL.Path, "/api/v3/accounts/1/scim/v2/Users")
		if r.Method != http.MethodGet || !isUsers {
			next(w, r, body)
			return
		}
		if id := strings.Trim(rest, "/"); id != "" {
			writeJSON(w, 200, User{ID: id, UserName: id + "@example.com"})
			return
		}
		l := ListResponse[User]{TotalResults: len(listed), StartIndex: 1, ItemsPerPage: len(listed)}
		for _, id := range listed {
			l.Resources = append(l.Resources, User{ID: id, UserName: id + "@example.com"})
		}
		writeJSON(w, 200, l)
	}
}

// patchServer accepts group PATCHes and records their operations.
func patchServer(t *testing.T) *fakeSCIM {
	return newFake(t, servesUsers(nil, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method != http.MethodPatch {
			writeJSON(w, 405, NewError(405, "", "only PATCH here"))
			return
		}
		var p PatchRequest
		if err := json.Unmarshal(body, &p); err != nil {
			writeJSON(w, 400, NewError(400, ErrInvalidSyntax, err.Error()))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
}

func patchedOps(t *testing.T, f *fakeSCIM) [][]PatchOperation {
	var out [][]PatchOperation
	for _, r := range f.requests() {
		if r.Method != http.MethodPatch {
			continue
		}
		var p PatchRequest
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatal(err)
		}
		if r.Path != "/api/v3/accounts/1/scim/v2/Groups/g%201" && r.Path != "/api/v3/accounts/1/scim/v2/Groups/g 1" {
			t.Errorf("path %s", r.Path)
		}
		out = append(out, p.Operations)
	}
	return out
}

func TestUpdateGroupMembersBatches(t *testing.T) {
	f := patchServer(t)
	if err := f.client(t).UpdateGroupMembers(context.Background(), "g 1", nil, ids("u", 250)); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, ops := range patchedOps(t, f) {
		sizes = append(sizes, len(ops))
	}
	if !reflect.DeepEqual(sizes, []int{100, 100, 50}) {
		t.Errorf("requests carried %v operations, want [100 100 50]", sizes)
	}
}

func TestUpdateGroupMembersOneChange(t *testing.T) {
	f := patchServer(t)
	current := ids("u", 50000)
	add, remove := DiffMembers(current, append([]string{"new"}, current...))
	if err := f.client(t).UpdateGroupMembers(context.Background(), "g 1", add, remove); err != nil {
		t.Fatal(err)
	}
	reqs := patchedOps(t, f)
	if len(reqs) != 1 || len(reqs[0]) != 1 {
		t.Fatalf("got %d requests: %+v", len(reqs), reqs)
	}
	op := reqs[0][0]
	if op.Op != OpAdd || op.Path != "members" || string(op.Value) != `[{"value":"new","display":"new@example.com"}]` {
		t.Errorf("op %+v value %s", op, op.Value)
	}
	// dbt's spec declares no query parameter on a write: none is sent.
	for _, r := range f.requests() {
		if r.Method == http.MethodPatch && len(r.Query) != 0 {
			t.Errorf("PATCH %s carried the query %v", r.Path, r.Query)
		}
	}
}

func TestUpdateGroupMembersHonoursMaxPatchOps(t *testing.T) {
	f := patchServer(t)
	c := f.client(t, func(c *Config) { c.MaxPatchOps = 10 })
	if err := c.UpdateGroupMembers(context.Background(), "g 1", ids("a", 15), ids("r", 3)); err != nil {
		t.Fatal(err)
	}
	if n := len(patchedOps(t, f)); n != 2 {
		t.Errorf("%d PATCH requests, want 2", n)
	}
	if err := c.UpdateGroupMembers(context.Background(), "g 1", nil, nil); err != nil || len(patchedOps(t, f)) != 2 {
		t.Errorf("no change sent a request (err %v)", err)
	}
}

func TestUpdateGroupMembersReportsProgress(t *testing.T) {
	n := 0
	f := newFake(t, servesUsers(ids("a", 250), func(w http.ResponseWriter, r *http.Request, body []byte) {
		n++
		if n == 2 {
			writeJSON(w, 400, NewError(400, ErrInvalidValue, "All users must have licenses on the account"))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	err := f.client(t).UpdateGroupMembers(context.Background(), "g", ids("a", 250), nil)
	if !apierror.IsKind(err, apierror.KindBadRequest) || !strings.Contains(err.Error(), "request 2 of 3") {
		t.Fatalf("err = %v", err)
	}
	// One listing named the 250 members, then two PATCHes: the second failed.
	if got := len(f.requests()); got != 3 {
		t.Errorf("%d requests, want a listing and two PATCHes", got)
	}
}

// dropAfter makes a handler that does its work and then cuts the connection
// before answering, so the client cannot tell whether the POST took effect.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Fatal("cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()
}

// A create whose answer was lost is settled by a lookup, never by sending it
// again blindly. What the lookup finds is taken by what the lookup before the
// create saw: a user that was not there is the create's; one that was is
// taken only if the create wrote its own externalId onto it (dbt linked it).
func TestCreateUserAmbiguous(t *testing.T) {
	in := User{UserName: "amb@example.com", ExternalID: "okta-9", Active: Bool(true)}
	tests := []struct {
		name     string
		existing *User // on the server before the POST
		input    *User // what is created; in when nil
		commit   bool  // whether the lost POST created (or linked) the user
		wantID   string
		wantErr  func(error) bool
	}{
		{
			name: "created by the lost request", commit: true, wantID: "new",
		},
		{
			name: "not created", commit: false,
			wantErr: func(err error) bool {
				var amb *apierror.AmbiguousError
				return errors.As(err, &amb) && errors.Is(err, ErrNotCreated)
			},
		},
		{
			name:     "someone else's user with another externalId",
			existing: &User{ID: "old", UserName: "AMB@example.com", ExternalID: "other"},
			wantErr:  func(err error) bool { return apierror.IsKind(err, apierror.KindConflict) },
		},
		{
			// It carried the request's externalId before the request: nothing
			// shows the request did anything to it.
			name:     "there before, with the request's externalId already",
			existing: &User{ID: "old", UserName: "amb@example.com", ExternalID: "okta-9"},
			commit:   true,
			wantErr:  func(err error) bool { return apierror.IsKind(err, apierror.KindConflict) },
		},
		{
			// dbt linked an existing user, or brought back a deleted one's
			// record, in answer to the lost request, and took its externalId.
			name:     "there before, linked by the lost request",
			existing: &User{ID: "old", UserName: "amb@example.com"},
			commit:   true,
			wantID:   "old",
		},
		{
			// Without an externalId, nothing tells a link from no request.
			name:     "there before, no externalId to tell",
			existing: &User{ID: "old", UserName: "amb@example.com"},
			input:    &User{UserName: "amb@example.com", Active: Bool(true)},
			commit:   true,
			wantErr:  func(err error) bool { return apierror.IsKind(err, apierror.KindConflict) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var users []User
			if tt.existing != nil {
				users = append(users, *tt.existing)
			}
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				mu.Lock()
				defer mu.Unlock()
				switch r.Method {
				case http.MethodPost:
					if tt.commit {
						var u User
						_ = json.Unmarshal(body, &u)
						if len(users) > 0 { // dbt links the user of that email
							users[0].ExternalID = u.ExternalID
						} else {
							u.ID = "new"
							users = append(users, u)
						}
					}
					dropConnection(t, w)
				case http.MethodGet:
					writeJSON(w, 200, ListResponse[User]{TotalResults: len(users), Resources: users})
				}
			})
			c := f.client(t)
			req := in
			if tt.input != nil {
				req = *tt.input
			}
			u, err := c.CreateUser(context.Background(), req)
			if posts := f.count(http.MethodPost); posts != 1 {
				t.Errorf("%d POSTs sent, want 1", posts)
			}
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Errorf("err = %v (user %+v)", err, u)
				}
				return
			}
			if err != nil || u == nil || u.ID != tt.wantID || u.Linked != (tt.existing != nil) {
				t.Errorf("got %+v, %v", u, err)
			}
		})
	}
}

func TestCreateGroupAmbiguous(t *testing.T) {
	var groups []Group
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.Method {
		case http.MethodPost:
			var g Group
			_ = json.Unmarshal(body, &g)
			g.ID = "g-new"
			groups = append(groups, g)
			dropConnection(t, w)
		case http.MethodGet:
			if r.URL.Query().Get("filter") != `displayName eq "Data Eng"` {
				writeJSON(w, 400, NewError(400, ErrInvalidFilter, "unexpected filter"))
				return
			}
			writeJSON(w, 200, ListResponse[Group]{TotalResults: len(groups), Resources: groups})
		}
	})
	g, err := f.client(t).CreateGroup(context.Background(), Group{DisplayName: "Data Eng", ExternalID: "x"})
	if err != nil || g == nil || g.ID != "g-new" {
		t.Fatalf("got %+v, %v", g, err)
	}
}

// A group dbt linked in answer to a lost create (there before, and now
// carrying the create's externalId) is taken as the create's result, and
// marked Linked; one the create left as it was is a conflict.
func TestCreateGroupAmbiguousLinked(t *testing.T) {
	for _, tc := range []struct {
		name   string
		linked bool
	}{
		{"linked by the lost request", true},
		{"untouched", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			existing := Group{ID: "old", DisplayName: "Finance"}
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				mu.Lock()
				defer mu.Unlock()
				if r.Method == http.MethodPost {
					if tc.linked {
						existing.ExternalID = "x"
					}
					dropConnection(t, w)
					return
				}
				writeJSON(w, 200, ListResponse[Group]{TotalResults: 1, Resources: []Group{existing}})
			})
			g, err := f.client(t).CreateGroup(context.Background(), Group{DisplayName: "Finance", ExternalID: "x"})
			if tc.linked {
				if err != nil || g == nil || g.ID != "old" || !g.Linked || g.New {
					t.Fatalf("got %+v, %v; want the linked group, not new", g, err)
				}
				return
			}
			if !apierror.IsKind(err, apierror.KindConflict) {
				t.Fatalf("err = %v, want a conflict", err)
			}
		})
	}
}

func TestCreateGroupConflict(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == http.MethodGet { // the lookup before the create
			writeJSON(w, 200, ListResponse[Group]{})
			return
		}
		writeJSON(w, 409, NewError(409, ErrUniqueness, "Group with name Eng already exists"))
	})
	_, err := f.client(t).CreateGroup(context.Background(), Group{DisplayName: "Eng"})
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.Kind != apierror.KindConflict || ae.SCIMType != ErrUniqueness || ae.Method != "POST" {
		t.Fatalf("err = %#v", err)
	}
	if n := f.count(http.MethodPost); n != 1 {
		t.Errorf("%d POSTs after a conflict, want 1", n)
	}
}

func TestListGroupsEnvelopeDecode(t *testing.T) {
	body := `{"data":[{"id":12,"displayName":"A","members":[{"value":1,"display":"a"}],"meta":{"resourceType":"Group","location":"/x"}}],` +
		`"extra":{"filters":{},"order_by":"id","pagination":{"count":1,"total_count":1}},"status":{"code":200,"is_success":true}}`
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})
	gs, err := f.client(t).ListGroups(context.Background(), "", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 || gs[0].ID != "12" || !reflect.DeepEqual(gs[0].MemberIDs(), []string{"1"}) {
		t.Errorf("groups %+v", gs)
	}
}

func BenchmarkListGroupPage50kMembers(b *testing.B) {
	g := Group{ID: "g1", DisplayName: "big"}
	for _, id := range ids("", 50000) {
		g.Members = append(g.Members, Member{Value: id, Display: id + "@example.com"})
	}
	data, _ := json.Marshal(ListResponse[Group]{TotalResults: 1, Resources: []Group{g}})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := decodeList[Group](data); err != nil {
			b.Fatal(err)
		}
	}
}

// A server that rejects removing a non-member with noTarget: the client
// re-reads the group once and sends only what is still needed.
func TestUpdateGroupMembersRecoversFromNoTarget(t *testing.T) {
	var mu sync.Mutex
	members := map[string]bool{"keep": true, "gone1": true, "already-added": true}
	f := newFake(t, servesUsers(nil, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodGet {
			g := Group{ID: "g", DisplayName: "G"}
			for m := range members {
				g.Members = append(g.Members, Member{Value: m})
			}
			writeJSON(w, 200, g)
			return
		}
		var p PatchRequest
		_ = json.Unmarshal(body, &p)
		// Check every op first: a failed PATCH changes nothing (RFC 7644 §3.5.2).
		for _, op := range p.Operations {
			if op.Op == OpRemove {
				id := strings.TrimSuffix(strings.TrimPrefix(op.Path, `members[value eq "`), `"]`)
				if !members[id] {
					writeJSON(w, 400, NewError(400, ErrNoTarget, "no member "+id))
					return
				}
			}
		}
		for _, op := range p.Operations {
			switch op.Op {
			case OpRemove:
				delete(members, strings.TrimSuffix(strings.TrimPrefix(op.Path, `members[value eq "`), `"]`))
			case OpAdd:
				var vs []Member
				_ = json.Unmarshal(op.Value, &vs)
				for _, v := range vs {
					members[v.Value] = true
				}
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	err := f.client(t).UpdateGroupMembers(context.Background(), "g",
		[]string{"already-added", "new"}, []string{"gone1", "gone2"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"keep": true, "already-added": true, "new": true}
	if !reflect.DeepEqual(members, want) {
		t.Errorf("members %v, want %v", members, want)
	}
	var methods []string
	for _, r := range f.requests() {
		methods = append(methods, r.Method)
	}
	// Two reads name the members being added, then PATCH, re-read, PATCH.
	if !reflect.DeepEqual(methods, []string{"GET", "GET", "PATCH", "GET", "PATCH"}) {
		t.Errorf("requests %v", methods)
	}
	if got := string(f.requests()[4].Body); !strings.Contains(got, `members[value eq \"gone1\"]`) || strings.Contains(got, "gone2") || strings.Contains(got, "already-added") {
		t.Errorf("second PATCH %s", got)
	}

	// A second noTarget is reported, not chased.
	f2 := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, Group{ID: "g", DisplayName: "G", Members: []Member{{Value: "x"}}})
			return
		}
		writeJSON(w, 400, NewError(400, ErrNoTarget, "nope"))
	})
	err = f2.client(t).UpdateGroupMembers(context.Background(), "g", nil, []string{"x"})
	if !apierror.IsKind(err, apierror.KindBadRequest) || len(f2.requests()) != 3 {
		t.Errorf("err %v after %d requests", err, len(f2.requests()))
	}
}

// A server that answers a create with an empty 201: the client reads the
// user back by userName instead of failing to decode nothing.
func TestCreateUserEmptyBody(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			return
		}
		writeJSON(w, 200, ListResponse[User]{TotalResults: 1, Resources: []User{{ID: "9", UserName: "e@example.com"}}})
	})
	u, err := f.client(t).CreateUser(context.Background(), User{UserName: "e@example.com"})
	if err != nil || u.ID != "9" {
		t.Fatalf("got %+v, %v", u, err)
	}
}

// A create that failed in a way that may have written (a dropped connection,
// a 5xx) is sent again only once a lookup proves the failed one created
// nothing, and then an apply that a retry would fix does not fail.
func TestCreateResentOnlyWhenProvenNotCreated(t *testing.T) {
	for _, fault := range []string{"drop", "500"} {
		t.Run(fault, func(t *testing.T) {
			var mu sync.Mutex
			var users []User
			var groups []Group
			posts := 0
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				mu.Lock()
				defer mu.Unlock()
				switch r.Method {
				case http.MethodPost:
					posts++
					if posts%2 == 1 { // every first attempt fails without creating anything
						if fault == "drop" {
							dropConnection(t, w)
						} else {
							writeJSON(w, http.StatusInternalServerError, NewError(500, "", "boom"))
						}
						return
					}
					if strings.HasSuffix(r.URL.Path, "/Users") {
						var u User
						_ = json.Unmarshal(body, &u)
						u.ID = "u1"
						users = append(users, u)
						writeJSON(w, http.StatusCreated, u)
					} else {
						var g Group
						_ = json.Unmarshal(body, &g)
						g.ID = "g1"
						groups = append(groups, g)
						writeJSON(w, http.StatusCreated, g)
					}
				case http.MethodGet:
					if strings.HasSuffix(r.URL.Path, "/Users") {
						writeJSON(w, 200, ListResponse[User]{TotalResults: len(users), Resources: users})
					} else {
						writeJSON(w, 200, ListResponse[Group]{TotalResults: len(groups), Resources: groups})
					}
				}
			})
			c := f.client(t, func(cfg *Config) { cfg.MaxRetries = 2 })
			u, err := c.CreateUser(context.Background(), User{UserName: "ada@example.com"})
			if err != nil || u == nil || u.ID != "u1" {
				t.Fatalf("CreateUser = %+v, %v", u, err)
			}
			g, err := c.CreateGroup(context.Background(), Group{DisplayName: "Analysts"})
			if err != nil || g == nil || g.ID != "g1" {
				t.Fatalf("CreateGroup = %+v, %v", g, err)
			}
			if posts != 4 || len(users) != 1 || len(groups) != 1 {
				t.Fatalf("%d POSTs, %d users, %d groups; want 4, 1, 1", posts, len(users), len(groups))
			}
		})
	}
}

// A wrong base URL answers 404 everywhere; that must not read as "deleted".
func TestNotFoundEverywhereIsNotDeleted(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		http.NotFound(w, r)
	})
	c := f.client(t)
	if _, err := c.GetUser(context.Background(), "u"); err == nil || apierror.IsNotFound(err) {
		t.Errorf("GetUser: err = %v, want an error that is not 'not found'", err)
	}
	if _, err := c.GetGroup(context.Background(), "g", true); err == nil || apierror.IsNotFound(err) {
		t.Errorf("GetGroup: err = %v, want an error that is not 'not found'", err)
	}
	// Destroy too: with -refresh=false and a wrong scim_base_url, a 404 on
	// DELETE (or on the deactivating PATCH) must not read as "already gone".
	if err := c.DeleteUser(context.Background(), "u"); err == nil || apierror.IsNotFound(err) ||
		!strings.Contains(err.Error(), "scim_base_url") {
		t.Errorf("DeleteUser: err = %v, want an error naming scim_base_url that is not 'not found'", err)
	}
	if err := c.DeleteGroup(context.Background(), "g"); err == nil || apierror.IsNotFound(err) {
		t.Errorf("DeleteGroup: err = %v, want an error that is not 'not found'", err)
	}
	op, _ := NewPatchOperation(OpReplace, "", map[string]bool{"active": false})
	if _, err := c.PatchUser(context.Background(), "u", []PatchOperation{op}); err == nil || apierror.IsNotFound(err) {
		t.Errorf("PatchUser: err = %v, want an error that is not 'not found'", err)
	}
}

// Every member added carries the user's userName as display: known from a
// user this client wrote or read without asking again, read one GET each
// when a few are unknown, and from one listing when many are. An id that is
// no user is refused before anything is sent to the group.
func TestUpdateGroupMembersNamesEachMember(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case r.Method == http.MethodPost:
			var u User
			_ = json.Unmarshal(body, &u)
			u.ID = "made"
			writeJSON(w, 201, u)
		case r.Method == http.MethodGet && r.URL.Query().Get("filter") != "": // the lookup before the create
			writeJSON(w, 200, ListResponse[User]{})
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Users/ghost"):
			writeJSON(w, 404, NewError(404, "", "no such user"))
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig"):
			writeJSON(w, 200, map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}})
		default:
			servesUsers(ids("m", 30), func(w http.ResponseWriter, r *http.Request, body []byte) {
				w.WriteHeader(http.StatusNoContent)
			})(w, r, body)
		}
	})
	c := f.client(t)
	if _, err := c.CreateUser(ctx, User{UserName: "Made@Example.com"}); err != nil {
		t.Fatal(err)
	}
	displays := func(from int) map[string]string {
		out := map[string]string{}
		for _, r := range f.requests()[from:] {
			var p PatchRequest
			if r.Method != http.MethodPatch || json.Unmarshal(r.Body, &p) != nil {
				continue
			}
			for _, op := range p.Operations {
				var ms []Member
				_ = json.Unmarshal(op.Value, &ms)
				for _, m := range ms {
					out[m.Value] = m.Display
				}
			}
		}
		return out
	}
	methods := func(from int) (out []string) {
		for _, r := range f.requests()[from:] {
			out = append(out, r.Method)
		}
		return out
	}

	// A user this client created: no read.
	start := len(f.requests())
	if err := c.UpdateGroupMembers(ctx, "g", []string{"made"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := methods(start); !reflect.DeepEqual(got, []string{"PATCH"}) {
		t.Errorf("requests %v, want one PATCH", got)
	}
	if got := displays(start); got["made"] != "Made@Example.com" {
		t.Errorf("display %q, want the userName as created", got["made"])
	}

	// Two unknown users: a GET each.
	start = len(f.requests())
	if err := c.UpdateGroupMembers(ctx, "g", []string{"x1", "x2"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := methods(start); !reflect.DeepEqual(got, []string{"GET", "GET", "PATCH"}) {
		t.Errorf("requests %v, want a GET per member and a PATCH", got)
	}
	if got := displays(start); got["x1"] != "x1@example.com" || got["x2"] != "x2@example.com" {
		t.Errorf("displays %v", got)
	}

	// Thirty unknown users: one listing.
	start = len(f.requests())
	if err := c.UpdateGroupMembers(ctx, "g", ids("m", 30), nil); err != nil {
		t.Fatal(err)
	}
	if got := methods(start); !reflect.DeepEqual(got, []string{"GET", "PATCH"}) {
		t.Errorf("requests %v, want one listing and a PATCH", got)
	}
	if got := displays(start); len(got) != 30 || got["m000029"] != "m000029@example.com" {
		t.Errorf("displays %v", got)
	}

	// No such user: a bad request naming it, and the group is not touched.
	start = len(f.requests())
	err := c.UpdateGroupMembers(ctx, "g", []string{"ghost"}, nil)
	if !apierror.IsKind(err, apierror.KindBadRequest) || !strings.Contains(err.Error(), `member "ghost" is not a user`) {
		t.Errorf("err = %v", err)
	}
	for _, m := range methods(start) {
		if m == http.MethodPatch {
			t.Error("the group was PATCHed with a member that is no user")
		}
	}
}

// A 2xx that does not carry the resource asked for is an error, never a
// success: an empty object from a create, a proxy's page, another user.
func TestSuccessWithoutTheResourceIsAnError(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request)
		call   func(c *Client) error
		want   string
	}{
		{"create answered with an empty object", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 201, map[string]any{}) },
			func(c *Client) error { _, err := c.CreateUser(ctx, User{UserName: "a@example.com"}); return err },
			"not a SCIM resource with an id"},
		{"group create answered with HTML", func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				writeJSON(w, 200, ListResponse[Group]{})
				return
			}
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(200)
			_, _ = w.Write([]byte("<html>Welcome</html>"))
		}, func(c *Client) error { _, err := c.CreateGroup(ctx, Group{DisplayName: "G"}); return err }, "decoding the response"},
		{"read answered with another user", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, User{ID: "other", UserName: "b@example.com"})
		}, func(c *Client) error { _, err := c.GetUser(ctx, "1001"); return err }, `answered with user "other"`},
		{"read answered with another group", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, Group{ID: "other", DisplayName: "G"})
		}, func(c *Client) error { _, err := c.GetGroup(ctx, "900001", false); return err }, `answered with group "other"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { tc.answer(w, r) })
			err := tc.call(f.client(t))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

// Groups created in parallel whose many members are unknown list the users
// once between them, not once each.
func TestMembersListedOnceForParallelGroups(t *testing.T) {
	var listings atomic.Int32
	f := newFake(t, servesUsers(ids("m", 50), func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.WriteHeader(http.StatusNoContent)
	}))
	inner := f.handle
	f.handle = func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Users") {
			listings.Add(1)
			time.Sleep(20 * time.Millisecond) // long enough for the others to queue
		}
		inner(w, r, body)
	}
	c := f.client(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.UpdateGroupMembers(context.Background(), fmt.Sprintf("g%d", g), ids("m", 50), nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := listings.Load(); n != 1 {
		t.Errorf("%d listings of users, want 1", n)
	}
}

// Only a group certainly made by the create is New, the only kind deleted
// again to undo a create: none of its name was there before, the POST was
// sent once, and dbt answered without members. Ages in meta play no part.
func TestCreateGroupNewOnlyWhenShown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before []Group // listed by the lookup before the create
		answer Group
		refuse int // 429s before the POST goes through
		isNew  bool
		linked bool
	}{
		{"none before", nil, Group{ID: "g", DisplayName: "G"}, 0, true, false},
		// dbt does not document that its filters list the groups it would
		// link: a group dated long before is taken as linked all the same.
		{"none listed before, but dated long ago", nil, Group{ID: "g", DisplayName: "G", Meta: &Meta{Created: "2025-01-01T00:00:00Z"}}, 0, false, true},
		{"none before, dated now", nil, Group{ID: "g", DisplayName: "G", Meta: &Meta{Created: time.Now().UTC().Format(time.RFC3339)}}, 0, true, false},
		{"linked: there before", []Group{{ID: "g", DisplayName: "g"}}, Group{ID: "g", DisplayName: "G"}, 0, false, true},
		{"answered with members", nil, Group{ID: "g", DisplayName: "G", Members: []Member{{Value: "1"}}}, 0, false, false},
		{"sent again after a 429", nil, Group{ID: "g", DisplayName: "G"}, 1, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var refused atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				if r.Method == http.MethodGet {
					writeJSON(w, 200, ListResponse[Group]{TotalResults: len(tc.before), Resources: tc.before})
					return
				}
				if int(refused.Add(1)) <= tc.refuse {
					w.Header().Set("Retry-After", "0")
					writeJSON(w, 429, NewError(429, "", "slow down"))
					return
				}
				writeJSON(w, 201, tc.answer)
			})
			g, err := f.client(t, func(c *Config) { c.MaxRetries = 1 }).CreateGroup(context.Background(), Group{DisplayName: "G"})
			if err != nil {
				t.Fatal(err)
			}
			if g.New != tc.isNew || g.Linked != tc.linked {
				t.Errorf("New = %v, Linked = %v; want %v, %v", g.New, g.Linked, tc.isNew, tc.linked)
			}
		})
	}
}

// A create answered 2xx without the resource's id may still have made it:
// it is looked up, not left behind in dbt nor sent again.
func TestCreateAnsweredWithoutIDIsLookedUp(t *testing.T) {
	for _, tc := range []struct {
		name    string
		before  []User // listed before the POST
		after   []User // listed after it
		wantID  string
		linked  bool
		wantErr string
	}{
		{"made by the request", nil, []User{{ID: "7", UserName: "n@example.com", ExternalID: "e"}}, "7", false, ""},
		{"listed nowhere", nil, nil, "", false, "accepted user \"n@example.com\" but does not list it"},
		// dbt said it made or linked n@example.com, and this is the user of
		// that name, there before: the user dbt linked.
		{"a user there before, linked", []User{{ID: "8", UserName: "n@example.com"}},
			[]User{{ID: "8", UserName: "n@example.com", ExternalID: "e"}}, "8", true, ""},
		{"a user of another spelling", []User{{ID: "9", UserName: "N@example.com"}},
			[]User{{ID: "9", UserName: "N@example.com"}}, "", false, "already exists (id 9)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var posted atomic.Bool
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				if r.Method == http.MethodPost {
					posted.Store(true)
					writeJSON(w, 201, map[string]any{"schemas": []string{SchemaUser}})
					return
				}
				listed := tc.before
				if posted.Load() {
					listed = tc.after
				}
				writeJSON(w, 200, ListResponse[User]{TotalResults: len(listed), Resources: listed})
			})
			u, err := f.client(t).CreateUser(context.Background(), User{UserName: "n@example.com", ExternalID: "e"})
			if posts := f.count(http.MethodPost); posts != 1 {
				t.Errorf("%d POSTs, want 1: a create dbt said it carried out is never sent again", posts)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || errors.Is(err, ErrNotCreated) {
					t.Fatalf("err = %v, want it to say %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || u.ID != tc.wantID || u.Linked != tc.linked {
				t.Fatalf("got %+v, %v", u, err)
			}
		})
	}

	// The same for a group, which is then known to be new.
	var posted atomic.Bool
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.Method == http.MethodPost {
			posted.Store(true)
			writeJSON(w, 201, map[string]any{"schemas": []string{SchemaGroup}})
			return
		}
		var listed []Group
		if posted.Load() {
			listed = []Group{{ID: "g9", DisplayName: "G"}}
		}
		writeJSON(w, 200, ListResponse[Group]{TotalResults: len(listed), Resources: listed})
	})
	g, err := f.client(t).CreateGroup(context.Background(), Group{DisplayName: "G"})
	if err != nil || g.ID != "g9" || !g.New {
		t.Fatalf("got %+v, %v", g, err)
	}
}

// An inactive user in a plain listing may be the record dbt keeps of a
// deleted user: its id is read on its own before it is taken as a member,
// and one dbt answers 404 for stops the change before the group is touched.
func TestMemberListedInactiveIsReadFirst(t *testing.T) {
	members := ids("m", 25)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Users"):
			l := ListResponse[User]{TotalResults: len(members)}
			for _, id := range members {
				l.Resources = append(l.Resources, User{ID: id, UserName: id + "@example.com", Active: Bool(id != "m000007")})
			}
			writeJSON(w, 200, l)
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Users/m000007"):
			writeJSON(w, 404, NewError(404, "", "no such user"))
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig"):
			writeJSON(w, 200, map[string]any{"schemas": []string{SchemaServiceProviderConfig}})
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	c := f.client(t)
	err := c.UpdateGroupMembers(context.Background(), "g", members, nil)
	var notUser *NotAUserError
	if !errors.As(err, &notUser) || notUser.ID != "m000007" || !apierror.IsKind(err, apierror.KindBadRequest) {
		t.Fatalf("err = %v, want m000007 refused as no user", err)
	}
	for _, r := range f.requests() {
		if r.Method == http.MethodPatch {
			t.Error("the group was PATCHed although a member is no user")
		}
	}
}

// A 2xx whose body is not dbt's answer about the resource (a proxy's page)
// may not come from dbt: what a lookup then finds is taken only on proof,
// like after a lost answer. One that is dbt's answer takes the group of
// exactly the name sent, and no other spelling.
func TestCreateAnsweredByAnotherPeer(t *testing.T) {
	oktas := User{ID: "okta-user", UserName: "n@example.com", ExternalID: "00u-okta",
		Meta: &Meta{Created: "2025-01-01T00:00:00Z", LastModified: "2025-01-01T00:00:00Z"}}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(200)
			_, _ = w.Write([]byte("<html>Request blocked</html>"))
			return
		}
		writeJSON(w, 200, ListResponse[User]{TotalResults: 1, Resources: []User{oktas}})
	})
	c := f.client(t)
	u, err := c.CreateUser(context.Background(), User{UserName: "n@example.com"})
	if !apierror.IsKind(err, apierror.KindConflict) || u != nil {
		t.Fatalf("got %+v, %v; want a conflict, not Okta's user taken over", u, err)
	}
	if n := f.count(http.MethodPost); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}

	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter)
		listed Group
		wantID string
	}{
		{"201 without a body, the group of that name", func(w http.ResponseWriter) { w.WriteHeader(201) },
			Group{ID: "g1", DisplayName: "Analysts"}, "g1"},
		// A 200 or 204 without a body may be a proxy's: no proof.
		{"204 without a body", func(w http.ResponseWriter) { w.WriteHeader(204) },
			Group{ID: "g1", DisplayName: "Analysts"}, ""},
		{"a group without id, another spelling listed", func(w http.ResponseWriter) {
			writeJSON(w, 201, map[string]any{"schemas": []string{SchemaGroup}})
		}, Group{ID: "g2", DisplayName: "analysts"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				if r.Method == http.MethodPost {
					tc.answer(w)
					return
				}
				writeJSON(w, 200, ListResponse[Group]{TotalResults: 1, Resources: []Group{tc.listed}})
			})
			g, err := f.client(t).CreateGroup(context.Background(), Group{DisplayName: "Analysts"})
			if tc.wantID == "" {
				if !apierror.IsKind(err, apierror.KindConflict) {
					t.Fatalf("got %+v, %v; want a conflict", g, err)
				}
				return
			}
			if err != nil || g.ID != tc.wantID || g.New {
				t.Fatalf("got %+v, %v; want %s, not shown new", g, err, tc.wantID)
			}
		})
	}
}

// A create sent again after a lost answer is never New: the lost request
// and the lookup after it left time for someone else (an admin) to make the
// group that the second POST then links.
func TestCreateGroupSentAgainIsNotNew(t *testing.T) {
	var mu sync.Mutex
	var groups []Group
	posts := 0
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, ListResponse[Group]{TotalResults: len(groups), Resources: groups})
			if posts == 1 && len(groups) == 0 {
				groups = append(groups, Group{ID: "admin", DisplayName: "G"}) // made in dbt meanwhile
			}
		case http.MethodPost:
			posts++
			if posts == 1 {
				dropConnection(t, w) // lost, and nothing was made
				return
			}
			writeJSON(w, 201, groups[0]) // dbt links the admin's group
		}
	})
	g, err := f.client(t, func(c *Config) { c.MaxRetries = 1 }).CreateGroup(context.Background(), Group{DisplayName: "G"})
	if err != nil {
		t.Fatal(err)
	}
	if posts != 2 || g.ID != "admin" || g.New {
		t.Fatalf("posts %d, got %+v: a group linked by a create sent again must not be New", posts, g)
	}
}

// After a lost answer, a user whose userName differs in case was made by
// someone else, not by this create: a conflict, never taken over.
func TestCreateUserLostAnswerOtherSpelling(t *testing.T) {
	f := lostCreate(t, User{ID: "other", UserName: "Alice@example.com"})
	u, err := f.client(t).CreateUser(context.Background(), User{UserName: "alice@example.com"})
	if !apierror.IsKind(err, apierror.KindConflict) {
		t.Fatalf("got %+v, %v; want a conflict", u, err)
	}
}

// A create whose only answer was lost, settled by a lookup, is never New:
// the group the lookup finds may be one an admin made while the answer was
// being lost.
func TestCreateGroupLostAnswerIsNotNew(t *testing.T) {
	f := lostCreate(t, Group{ID: "admin", DisplayName: "G"})
	g, err := f.client(t).CreateGroup(context.Background(), Group{DisplayName: "G"})
	if err != nil || g.ID != "admin" || g.New {
		t.Fatalf("got %+v, %v; want the group found, not New", g, err)
	}
}

// meta.created is compared with dbt's own time, from the Date of its
// answers: with dbt's clock far behind this machine's, a group made by the
// request is not taken for an old, linked one.
func TestCreateGroupDatedOnDBTClock(t *testing.T) {
	dbtNow := time.Now().Add(-time.Hour).UTC()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Date", dbtNow.Format(http.TimeFormat))
		if r.Method == http.MethodGet {
			writeJSON(w, 200, ListResponse[Group]{})
			return
		}
		writeJSON(w, 201, Group{ID: "g", DisplayName: "G", Meta: &Meta{Created: dbtNow.Format(time.RFC3339)}})
	})
	g, err := f.client(t).CreateGroup(context.Background(), Group{DisplayName: "G"})
	if err != nil || g.Linked || !g.New {
		t.Fatalf("got %+v, %v; want a new group, not linked", g, err)
	}
}

// The time meta.created is compared with is the Date of the lookup's own
// answer, never another request's: an earlier answer dated an hour behind
// (a proxy's clock, say) does not make a group dated forty minutes before
// the lookup look new.
func TestCreateGroupDatedOnTheLookupOnly(t *testing.T) {
	now := time.Now().UTC()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch {
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Users/u1"):
			w.Header().Set("Date", now.Add(-time.Hour).Format(http.TimeFormat))
			writeJSON(w, 200, User{ID: "u1", UserName: "u1@example.com"})
		case r.Method == http.MethodGet:
			w.Header()["Date"] = nil // the lookup's answer is not dated
			writeJSON(w, 200, ListResponse[Group]{})
		default:
			writeJSON(w, 201, Group{ID: "g", DisplayName: "G", Meta: &Meta{Created: now.Add(-40 * time.Minute).Format(time.RFC3339)}})
		}
	})
	c := f.client(t)
	if _, err := c.GetUser(context.Background(), "u1"); err != nil {
		t.Fatal(err)
	}
	g, err := c.CreateGroup(context.Background(), Group{DisplayName: "G"})
	if err != nil || !g.Linked || g.New {
		t.Fatalf("got %+v, %v; want the group dated long before linked, not new", g, err)
	}
}

// lostCreate is a server whose every create loses its answer (the
// connection drops) while made appears in its listings: dbt made it, or
// someone else did meanwhile.
func lostCreate[T any](t *testing.T, made T) *fakeSCIM {
	var mu sync.Mutex
	var listed []T
	return newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodPost {
			listed = append(listed, made)
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, ListResponse[T]{TotalResults: len(listed), Resources: listed})
	})
}
