// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package dbtapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAccount = 42
	testToken   = "admin-token-7f3c9a1e5b"
)

// fakeDBT is a minimal in-test dbt admin API: scim-config and SCIM tokens,
// enveloped and paged like dbt, with hooks to inject faults per request.
// It deliberately does not use internal/emulator, so the client is tested
// against this package's own reading of the contract.
type fakeDBT struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	config   scimConfigBody
	tokens   map[int64]*fakeToken
	nextID   int64
	pageSize int // 0: never page
	requests []string
	// fault, when set, may handle a request itself (returning true) before
	// the normal handler. n counts requests to the same method+path.
	fault  func(w http.ResponseWriter, r *http.Request, n int) bool
	counts map[string]int
	// afterStore runs after a token is stored, before answering; returning
	// true means the answer was handled (e.g. the connection dropped).
	afterStore func(w http.ResponseWriter, r *http.Request, tok *fakeToken, attempt int) bool
	// storeDelay makes the n-th create wait before storing, whether or not
	// the client is still there: a backend that outlives a client timeout.
	storeDelay func(attempt int) time.Duration
	posts      int
	creates    int
}

type fakeToken struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	Value     string
}

func newFake(t *testing.T) *fakeDBT {
	t.Helper()
	f := &fakeDBT{t: t, tokens: map[int64]*fakeToken{}, nextID: 100, counts: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDBT) client(t *testing.T, mut ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		HostURL:      f.srv.URL + "/api/",
		AccountID:    testAccount,
		Token:        testToken,
		MaxRetries:   3,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		UserAgent:    "terraform-provider-dbt/test",
	}
	for _, m := range mut {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeDBT) tokenList() []*fakeToken {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*fakeToken
	for _, t := range f.tokens {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (f *fakeDBT) addToken(name string, created time.Time) *fakeToken {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	tok := &fakeToken{ID: f.nextID, Name: name, CreatedAt: created, Value: fmt.Sprintf("dbtc_scim_value_%d", f.nextID)}
	f.tokens[tok.ID] = tok
	return tok
}

func envelopeJSON(w http.ResponseWriter, code int, data any, extra any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	body := map[string]any{
		"data":   data,
		"status": map[string]any{"code": code, "is_success": code < 300, "user_message": "", "developer_message": ""},
	}
	if extra != nil {
		body["extra"] = extra
	}
	_ = json.NewEncoder(w).Encode(body)
}

func errorJSON(w http.ResponseWriter, code int, user, dev string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"data":   nil,
		"status": map[string]any{"code": code, "is_success": false, "user_message": user, "developer_message": dev},
	})
}

func tokenJSON(t *fakeToken, withValue bool) map[string]any {
	m := map[string]any{
		"id":         t.ID,
		"name":       t.Name,
		"created_at": t.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000-07:00"),
		"last_used":  nil,
	}
	if withValue {
		m["token_string"] = t.Value
	}
	return m
}

func (f *fakeDBT) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	key := r.Method + " " + r.URL.Path
	f.counts[key]++
	n := f.counts[key]
	f.requests = append(f.requests, r.Method+" "+r.URL.RequestURI())
	fault := f.fault
	f.mu.Unlock()

	if got := r.Header.Get("Authorization"); got != "Token "+testToken {
		errorJSON(w, 401, "Invalid token.", "")
		return
	}
	if fault != nil && fault(w, r, n) {
		return
	}
	prefix := fmt.Sprintf("/api/v3/accounts/%d/scim-config/", testAccount)
	if !strings.HasPrefix(r.URL.Path, prefix) {
		errorJSON(w, 404, "Not found.", "")
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, prefix)
	switch {
	case rest == "" && r.Method == http.MethodGet:
		f.mu.Lock()
		cfg := f.config
		f.mu.Unlock()
		envelopeJSON(w, 200, cfg, map[string]any{})
	case rest == "" && r.Method == http.MethodPost:
		var in scimConfigBody
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			errorJSON(w, 400, "bad body", err.Error())
			return
		}
		f.mu.Lock()
		f.config = in
		f.mu.Unlock()
		envelopeJSON(w, 200, in, map[string]any{})
	case rest == "tokens/" && r.Method == http.MethodGet:
		f.listTokens(w, r)
	case rest == "tokens/" && r.Method == http.MethodPost:
		var in struct {
			Name string `json:"name"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Name == "" {
			errorJSON(w, 400, "name is required", "")
			return
		}
		f.mu.Lock()
		f.posts++
		post, delay := f.posts, f.storeDelay
		f.mu.Unlock()
		if delay != nil {
			time.Sleep(delay(post))
		}
		tok := f.addToken(in.Name, time.Now())
		f.mu.Lock()
		f.creates++
		attempt := f.creates
		after := f.afterStore
		f.mu.Unlock()
		if after != nil && after(w, r, tok, attempt) {
			return
		}
		envelopeJSON(w, 201, tokenJSON(tok, true), map[string]any{})
	case strings.HasPrefix(rest, "tokens/"):
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(rest, "tokens/"), "/"), 10, 64)
		if err != nil {
			errorJSON(w, 400, "bad id", "")
			return
		}
		f.mu.Lock()
		tok, ok := f.tokens[id]
		if ok && r.Method == http.MethodDelete {
			delete(f.tokens, id)
		}
		f.mu.Unlock()
		switch {
		case !ok:
			errorJSON(w, 404, "SCIM token not found.", "")
		case r.Method == http.MethodGet:
			envelopeJSON(w, 200, tokenJSON(tok, false), map[string]any{})
		case r.Method == http.MethodDelete:
			w.WriteHeader(204)
		default:
			errorJSON(w, 405, "method not allowed", "")
		}
	default:
		errorJSON(w, 404, "Not found.", "")
	}
}

func (f *fakeDBT) listTokens(w http.ResponseWriter, r *http.Request) {
	all := f.tokenList()
	f.mu.Lock()
	size := f.pageSize
	f.mu.Unlock()
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if size > 0 && (limit == 0 || limit > size) {
		limit = size
	}
	page := all
	if size > 0 {
		page = nil
		for i := offset; i < len(all) && i < offset+limit; i++ {
			page = append(page, all[i])
		}
	}
	data := []any{}
	for _, t := range page {
		data = append(data, tokenJSON(t, false))
	}
	envelopeJSON(w, 200, data, map[string]any{"pagination": map[string]any{"count": len(data), "total_count": len(all)}})
}

// dropConnection closes the connection without answering: the request was
// processed, the response lost.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}
