// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// Fault describes a misbehaviour to inject. The first matching fault with
// Times > 0 (or Times < 0, meaning forever) fires and decrements Times.
type Fault struct {
	Method       string        // "" = any; compared case-insensitively
	PathContains string        // "" = any; substring of the URL path
	Times        int           // how many requests it applies to; <0 = unlimited
	Delay        time.Duration // sleep before handling (respects the request context)
	Status       int           // if non-zero, answer this status WITHOUT running the handler
	RetryAfter   string        // Retry-After header value sent with Status, e.g. "1" or an HTTP date
	DropResponse bool          // run the real handler (state changes!), then close the connection without a response
	ResetBefore  bool          // close the connection WITHOUT running the handler
}

// Request is one entry of the request log.
type Request struct {
	Method        string
	Path          string
	Query         string // raw query string
	Status        int    // status written; 0 if none was (connection closed or client gone)
	Dropped       bool   // the connection was closed by a fault instead of answered
	BodyBytes     int
	ResponseBytes int
}

// InjectFault appends a fault. Faults are tried in the order injected.
func (e *Emulator) InjectFault(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, f)
}

// ClearFaults removes every fault, spent or not.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// takeFault finds the first live fault matching r and uses up one of its
// applications. Matching and decrementing happen under one lock so that
// parallel requests cannot both consume a Times: 1 fault.
func (e *Emulator) takeFault(r *http.Request) (Fault, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.faults {
		f := &e.faults[i]
		if f.Times == 0 {
			continue
		}
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.PathContains != "" && !strings.Contains(r.URL.Path, f.PathContains) {
			continue
		}
		if f.Times > 0 {
			f.Times--
		}
		return *f, true
	}
	return Fault{}, false
}

// Requests returns a copy of every request seen, in arrival order,
// including faulted ones.
func (e *Emulator) Requests() []Request {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return append([]Request(nil), e.requests...)
}

// ResetRequests empties the request log. Requests still in flight are not
// re-added when they finish.
func (e *Emulator) ResetRequests() {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	e.requests = nil
	e.logGeneration++
}

// logSlot identifies a request's entry in the log across ResetRequests.
type logSlot struct {
	index      int
	generation int
}

// logStart reserves the request's place in the log at arrival, so the log is
// in arrival order even when responses finish out of order.
func (e *Emulator) logStart(req Request) logSlot {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	e.requests = append(e.requests, req)
	return logSlot{index: len(e.requests) - 1, generation: e.logGeneration}
}

// logUpdate changes the entry of a request logged by logStart.
func (e *Emulator) logUpdate(s logSlot, fn func(*Request)) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	if s.generation != e.logGeneration || s.index >= len(e.requests) {
		return
	}
	fn(&e.requests[s.index])
}

// logDropped records that a fault closed the connection; status is what
// the handler would have answered, 0 if it did not run.
func (e *Emulator) logDropped(s logSlot, status int) {
	e.logUpdate(s, func(r *Request) { r.Status, r.Dropped = status, true })
}

// recordingWriter keeps the request log up to date with what is written.
// It updates the log before passing bytes on, so the entry is complete by
// the time the client has the whole response. With e nil it only counts.
type recordingWriter struct {
	http.ResponseWriter
	e      *Emulator
	slot   logSlot
	status int
	bytes  int
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		if w.e != nil {
			w.e.logUpdate(w.slot, func(r *Request) { r.Status = code })
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.bytes += len(p)
	if w.e != nil {
		n := w.bytes
		w.e.logUpdate(w.slot, func(r *Request) { r.ResponseBytes = n })
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// discardWriter is where a DropResponse fault sends the real handler's
// answer, which the client must never see.
type discardWriter struct{ h http.Header }

func newDiscardWriter() *discardWriter               { return &discardWriter{h: http.Header{}} }
func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// abortConnection closes the client's TCP connection without an HTTP
// response. Linger 0 makes the close a RST, so the client sees "connection
// reset by peer" just as it would from a crashing load balancer.
func abortConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not on a real HTTP/1 connection (e.g. httptest.ResponseRecorder):
		// ErrAbortHandler is how net/http itself aborts a response.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
