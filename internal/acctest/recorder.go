// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// RecordedRequest is one request as the recording proxy saw it.
type RecordedRequest struct {
	Method, Path string
	Body         []byte
}

// Recorder sits between the provider and the emulator's SCIM API and keeps
// every request body, which the emulator's log does not.
type Recorder struct {
	mu   sync.Mutex
	reqs []RecordedRequest
}

// Requests are the recorded requests of method whose path ends in pathSuffix.
func (r *Recorder) Requests(method, pathSuffix string) []RecordedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []RecordedRequest
	for _, q := range r.reqs {
		if q.Method == method && strings.HasSuffix(q.Path, pathSuffix) {
			out = append(out, q)
		}
	}
	return out
}

// Reset forgets what was recorded, as a step's PreConfig.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = nil
}

// OneBody decodes the body of the only request of method to pathSuffix.
func (r *Recorder) OneBody(method, pathSuffix string) (map[string]any, error) {
	reqs := r.Requests(method, pathSuffix)
	if len(reqs) != 1 {
		return nil, fmt.Errorf("want 1 %s %s request, saw %d", method, pathSuffix, len(reqs))
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		return nil, fmt.Errorf("%s %s body %s: %w", method, pathSuffix, reqs[0].Body, err)
	}
	return body, nil
}

// RecordSCIM starts the recording proxy in front of srv and returns it with
// the SCIM base URL that goes through it.
func RecordSCIM(t *testing.T, srv *emulator.Server) (*Recorder, string) {
	t.Helper()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	rec := &Recorder{}
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, RecordedRequest{Method: r.Method, Path: r.URL.Path, Body: body})
		rec.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return rec, fmt.Sprintf("%s/api/v3/accounts/%d/scim/v2", ps.URL, srv.Emulator.AccountID())
}

// ExpectPriorValue checks a string attribute of the refreshed state a plan
// starts from.
type ExpectPriorValue struct {
	Addr, Attr, Want string
}

func (c ExpectPriorValue) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == c.Addr {
			before, _ := rc.Change.Before.(map[string]any)
			if got, _ := before[c.Attr].(string); got != c.Want {
				resp.Error = fmt.Errorf("%s.%s before the change is %q, want %q", c.Addr, c.Attr, got, c.Want)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s not in the plan", c.Addr)
}
