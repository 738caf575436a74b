// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// Scale: a 50,000-user account with a 50,000-member group, the size the
// provider's member diffing is built for.

const bigN = 50000

// inProcess sends one request straight to the handler: benchmarks measure
// the emulator, not the loopback TCP stack.
func inProcess(e *emulator.Emulator, token, method, path, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func bigAccount(tb testing.TB, groups, members int) (*emulator.Emulator, string, emulator.SeedResult) {
	tb.Helper()
	e := emulator.New(emulator.Config{})
	e.SetSCIMConfig(emulator.SCIMConfig{Enabled: true})
	_, tok := e.CreateToken("bench")
	res, err := e.Seed(bigN, groups, members)
	if err != nil {
		tb.Fatal(err)
	}
	return e, tok, res
}

func TestSeedIsFast(t *testing.T) {
	e := emulator.New(emulator.Config{})
	began := time.Now()
	res, err := e.Seed(bigN, 1, bigN)
	elapsed := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Seed(%d users, 1 group of %d) took %v", bigN, bigN, elapsed)
	if !raceEnabled && elapsed > time.Second {
		t.Errorf("Seed took %v, want well under a second", elapsed)
	}
	if len(res.UserIDs) != bigN || len(e.Users()) != bigN {
		t.Errorf("seeded %d users", len(e.Users()))
	}
}

func TestLargeGroupPatch(t *testing.T) {
	e, tok, res := bigAccount(t, 1, bigN)
	gid := res.GroupIDs[0]
	path := "/api/v3/accounts/1/scim/v2/Groups/" + gid

	// Removing one member and adding it back, without reading the
	// members back, must not cost time proportional to the group.
	victim := res.UserIDs[bigN/2]
	began := time.Now()
	for range 100 {
		rec := inProcess(e, tok, http.MethodPatch, path+"?excludedAttributes=members",
			patchBody(fmt.Sprintf(`{"op": "remove", "path": "members[value eq \"%s\"]"}`, victim)))
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "members") {
			t.Fatalf("remove: HTTP %d %s", rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
		}
		rec = inProcess(e, tok, http.MethodPatch, path+"?excludedAttributes=members",
			patchBody(fmt.Sprintf(`{"op": "add", "path": "members", "value": [{"value": %q}]}`, victim)))
		if rec.Code != http.StatusOK {
			t.Fatalf("add: HTTP %d", rec.Code)
		}
	}
	if elapsed := time.Since(began); !raceEnabled && elapsed > time.Second {
		t.Errorf("200 single-member PATCHes of a %d-member group took %v", bigN, elapsed)
	}

	g, _ := e.Group(gid)
	if len(g.Members) != bigN || g.Members[bigN-1] != victim || g.Members[0] != res.UserIDs[0] {
		t.Errorf("members: %d, last %s", len(g.Members), g.Members[len(g.Members)-1])
	}

	// The full GET lists every member, in insertion order.
	var got wireGroup
	rec := inProcess(e, tok, http.MethodGet, path, "")
	mustJSON(t, rec.Body.Bytes(), &got)
	if vals := memberValues(got); len(vals) != bigN || vals[0] != res.UserIDs[0] || vals[bigN-1] != victim {
		t.Errorf("GET: %d members", len(vals))
	}
}

func BenchmarkSeed50k(b *testing.B) {
	for b.Loop() {
		e := emulator.New(emulator.Config{})
		if _, err := e.Seed(bigN, 0, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUserFilter50k(b *testing.B) {
	e, tok, _ := bigAccount(b, 10, 1000)
	for _, f := range []string{
		`userName eq "seed-user-49999@example.com"`, // index lookup
		`userName eq "SEED-USER-49999@example.com" and active eq true`,
		`userName co "user-4999"`,
		`name.familyName sw "User 4999"`,
		`emails[type eq "work" and value ew "49999@example.com"]`,
		`emails[type eq "work"].value eq "seed-user-49999@example.com"`,
		`externalId eq "seed-49999"`,
		`meta.created gt "2020-01-01T00:00:00Z" and not (active eq false)`,
		`groups.display eq "seed-group-1"`,
	} {
		path := "/api/v3/accounts/1/scim/v2/Users?" + url.Values{"filter": {f}, "count": {"10"}}.Encode()
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if rec := inProcess(e, tok, http.MethodGet, path, ""); rec.Code != http.StatusOK {
					b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

func BenchmarkUserPaging50k(b *testing.B) {
	e, tok, _ := bigAccount(b, 0, 0)
	b.Run("one page of 100 at 25001", func(b *testing.B) {
		for b.Loop() {
			if rec := inProcess(e, tok, http.MethodGet, "/api/v3/accounts/1/scim/v2/Users?startIndex=25001&count=100", ""); rec.Code != http.StatusOK {
				b.Fatal(rec.Code)
			}
		}
	})
	b.Run("every page of 1000", func(b *testing.B) {
		for b.Loop() {
			for start := 1; start <= bigN; start += 1000 {
				path := fmt.Sprintf("/api/v3/accounts/1/scim/v2/Users?startIndex=%d&count=1000&attributes=id,userName", start)
				if rec := inProcess(e, tok, http.MethodGet, path, ""); rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		}
	})
	b.Run("filtered page, 50000 matches", func(b *testing.B) {
		path := "/api/v3/accounts/1/scim/v2/Users?" + url.Values{"filter": {`userName sw "seed"`}, "startIndex": {"40001"}, "count": {"100"}}.Encode()
		for b.Loop() {
			if rec := inProcess(e, tok, http.MethodGet, path, ""); rec.Code != http.StatusOK {
				b.Fatal(rec.Code)
			}
		}
	})
}

func BenchmarkLargeGroup50k(b *testing.B) {
	e, tok, res := bigAccount(b, 1, bigN)
	path := "/api/v3/accounts/1/scim/v2/Groups/" + res.GroupIDs[0]
	victim := res.UserIDs[bigN/2]
	b.Run("PATCH remove and add one member", func(b *testing.B) {
		remove := patchBody(fmt.Sprintf(`{"op": "remove", "path": "members[value eq \"%s\"]"}`, victim))
		add := patchBody(fmt.Sprintf(`{"op": "add", "path": "members", "value": [{"value": %q}]}`, victim))
		for b.Loop() {
			inProcess(e, tok, http.MethodPatch, path+"?excludedAttributes=members", remove)
			inProcess(e, tok, http.MethodPatch, path+"?excludedAttributes=members", add)
		}
	})
	b.Run("GET without members", func(b *testing.B) {
		for b.Loop() {
			inProcess(e, tok, http.MethodGet, path+"?excludedAttributes=members", "")
		}
	})
	b.Run("GET with members", func(b *testing.B) {
		for b.Loop() {
			inProcess(e, tok, http.MethodGet, path, "")
		}
	})
}
