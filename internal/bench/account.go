// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// account is an emulated dbt account on a real socket, with SCIM enabled and
// a SCIM token minted. In front of the emulator sits a handler that keeps
// the body of every PATCH, because the budgets are about what a PATCH says,
// and the emulator's own log keeps only sizes.
type account struct {
	emu   *emulator.Emulator
	url   string // host_url for the provider: http://127.0.0.1:port/api
	token string // SCIM token

	srv  *http.Server
	done chan struct{}

	mu      sync.Mutex
	patches [][]byte
}

func startAccount(ctx context.Context) (*account, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	e := emulator.New(emulator.Config{Spec: emulator.SpecEnforce})
	e.SetSCIMConfig(emulator.SCIMConfig{Enabled: true})
	_, token := e.CreateToken("dbt-bench")
	a := &account{
		emu:   e,
		url:   "http://" + ln.Addr().String() + "/api",
		token: token,
		done:  make(chan struct{}),
	}
	a.srv = &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(a.done)
		_ = a.srv.Serve(ln) // ErrServerClosed on Close
	}()
	return a, nil
}

func (a *account) Close() {
	_ = a.srv.Close()
	<-a.done
}

// ServeHTTP keeps a copy of PATCH bodies and hands every request to the
// emulator, which logs it.
func (a *account) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPatch && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		a.patches = append(a.patches, body)
		a.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	a.emu.ServeHTTP(w, r)
}

// reset forgets the traffic so far, before a measured command.
func (a *account) reset() {
	a.emu.ResetRequests()
	a.mu.Lock()
	a.patches = nil
	a.mu.Unlock()
}

// traffic is what one command sent to the account.
type traffic struct {
	Requests      int
	ByMethod      map[string]int
	Failed        int   // answered with a status outside 2xx, or not answered
	BytesSent     int64 // request bodies
	BytesReceived int64 // response bodies
	Patch         patchStats
}

// traffic sums the emulator's request log since the last reset.
func (a *account) traffic() (traffic, error) {
	t := traffic{ByMethod: map[string]int{}}
	for _, r := range a.emu.Requests() {
		t.Requests++
		t.ByMethod[r.Method]++
		t.BytesSent += int64(r.BodyBytes)
		t.BytesReceived += int64(r.ResponseBytes)
		if r.Status < 200 || r.Status > 299 || r.Dropped {
			t.Failed++
		}
		if r.Method == http.MethodPatch {
			t.Patch.ResponseBytes += int64(r.ResponseBytes)
		}
	}
	a.mu.Lock()
	bodies := a.patches
	a.mu.Unlock()
	for _, b := range bodies {
		ops, values, err := countPatch(b)
		if err != nil {
			return t, err
		}
		t.Patch.Requests++
		t.Patch.Ops += ops
		t.Patch.MemberValues += values
		t.Patch.RequestBytes += int64(len(b))
	}
	return t, nil
}

// patchStats describes the PATCH requests of one command.
type patchStats struct {
	Requests      int
	Ops           int   // operations, over all requests
	MemberValues  int   // members added or removed, over all operations
	RequestBytes  int64 // PATCH bodies sent
	ResponseBytes int64 // PATCH responses received
}

// countPatch counts the operations of a SCIM PATCH body (RFC 7644 §3.5.2)
// and the member values they carry. It decodes the body itself rather than
// with the provider's types, so a bug there cannot hide here.
func countPatch(body []byte) (ops, values int, err error) {
	var req struct {
		Operations []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		} `json:"Operations"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, 0, fmt.Errorf("decoding a PATCH body: %w", err)
	}
	if len(req.Operations) == 0 {
		return 0, 0, errors.New("a PATCH body without Operations")
	}
	for _, op := range req.Operations {
		ops++
		path := strings.ToLower(strings.TrimSpace(op.Path))
		switch {
		case strings.HasPrefix(path, "members["):
			// remove members[value eq "id"]: one member, named in the path.
			values++
		case path == "members":
			n, err := countArray(op.Value)
			if err != nil {
				return 0, 0, err
			}
			values += n
		case path == "":
			// A value object, {"members": [...], ...}.
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(op.Value, &obj); err != nil {
				return 0, 0, fmt.Errorf("decoding a PATCH value without path: %w", err)
			}
			for k, v := range obj {
				if strings.EqualFold(k, "members") {
					n, err := countArray(v)
					if err != nil {
						return 0, 0, err
					}
					values += n
				}
			}
		}
	}
	return ops, values, nil
}

func countArray(raw json.RawMessage) (int, error) {
	if len(raw) == 0 {
		return 0, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return 0, fmt.Errorf("decoding a PATCH members value: %w", err)
	}
	return len(items), nil
}
