// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator_test

import (
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// outcome is what one request met, as the client and the request log see it.
func outcome(r response, logged emulator.Request) string {
	switch {
	case r.Err != nil && logged.Dropped && logged.Status == 0:
		return "reset"
	case r.Err != nil && logged.Dropped:
		return "drop"
	case r.Err != nil:
		return "error: " + r.Err.Error()
	}
	return fmt.Sprint(r.Status)
}

// chaosRun sends n user creations through chaos c, one at a time, and
// returns what each met.
func chaosRun(t *testing.T, c emulator.Chaos, n int) (*harness, []string) {
	t.Helper()
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	h.emu.SetChaos(c)
	out := make([]string, n)
	for i := range n {
		r := h.scim(http.MethodPost, "Users", tok, map[string]any{"userName": fmt.Sprintf("u%d@example.com", i)})
		reqs := h.emu.Requests()
		out[i] = outcome(r, reqs[len(reqs)-1])
	}
	return h, out
}

var everyKind = emulator.Chaos{
	Rate429: 0.05, Rate500: 0.05, Rate502: 0.05, Rate503: 0.05,
	RateResetBefore: 0.05, RateDropAfter: 0.05, RateSlow: 0.05,
	RetryAfter: "3", SlowDelay: time.Millisecond,
}

func TestChaosSameSeedSameFaults(t *testing.T) {
	c := everyKind
	c.Seed = 7
	_, a := chaosRun(t, c, 300)
	_, b := chaosRun(t, c, 300)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("seed 7 gave two different sequences:\n%v\n%v", a, b)
	}
	c.Seed = 8
	_, other := chaosRun(t, c, 300)
	if reflect.DeepEqual(a, other) {
		t.Fatal("seeds 7 and 8 gave the same sequence of faults")
	}
}

// Over many requests each kind fires at about its rate, and each does what
// it says: statuses skip the handler, a reset skips it, a drop runs it.
func TestChaosRatesAndSemantics(t *testing.T) {
	const n = 3000
	c := everyKind
	c.Seed = 1
	h, outs := chaosRun(t, c, n)

	got := map[string]int{}
	for _, o := range outs {
		got[o]++
	}
	stats := h.emu.ChaosStats()
	for kind, seen := range map[string]int{
		emulator.ChaosKind429: got["429"], emulator.ChaosKind500: got["500"], emulator.ChaosKind502: got["502"],
		emulator.ChaosKind503: got["503"], emulator.ChaosKindReset: got["reset"], emulator.ChaosKindDrop: got["drop"],
	} {
		if stats[kind] != seen {
			t.Errorf("ChaosStats()[%q] = %d, the client met it %d times", kind, stats[kind], seen)
		}
	}
	// 5% of 3000 is 150 with a standard deviation of about 12: a third
	// either way is more than four deviations.
	for _, kind := range []string{"429", "500", "502", "503", "reset", "drop", "slow"} {
		want := 0.05 * n
		if d := math.Abs(float64(stats[kind]) - want); d > want/3 {
			t.Errorf("%s fired %d times in %d requests, want about %.0f (stats %v)", kind, stats[kind], n, want, stats)
		}
	}
	t.Logf("outcomes %v; stats %v", got, stats)
	for o := range got {
		if strings.HasPrefix(o, "error") {
			t.Errorf("unexpected outcome %q", o)
		}
	}
	// Slow requests are answered normally, so every user that exists came
	// from a 201 or a dropped response, and from nothing else.
	if created, want := len(h.emu.Users()), got["201"]+got["drop"]; created != want {
		t.Errorf("%d users exist; want %d (201s %d + drops %d)", created, want, got["201"], got["drop"])
	}
	if got["201"] < n/2 {
		t.Errorf("only %d of %d requests succeeded", got["201"], n)
	}
}

func TestChaosRetryAfterAndPaths(t *testing.T) {
	h := start(t, emulator.Config{})
	tok := h.enableSCIM()
	h.emu.SetChaos(emulator.Chaos{Seed: 1, Rate429: 0.5, Rate503: 0.5, RetryAfter: "3", Paths: []string{"/Groups"}})

	for range 5 {
		if r := h.scim(http.MethodGet, "Users", tok, nil); r.Status != http.StatusOK {
			t.Fatalf("GET /Users is outside Paths but got HTTP %d", r.Status)
		}
	}
	for range 20 {
		r := h.scim(http.MethodGet, "Groups", tok, nil)
		if r.Status != http.StatusTooManyRequests && r.Status != http.StatusServiceUnavailable {
			t.Fatalf("GET /Groups with rates adding up to 1: HTTP %d", r.Status)
		}
		if ra := r.Header.Get("Retry-After"); ra != "3" {
			t.Errorf("HTTP %d with Retry-After %q, want 3", r.Status, ra)
		}
		scimErrorOf(t, r, r.Status)
	}

	h.emu.ClearChaos()
	if r := h.scim(http.MethodGet, "Groups", tok, nil); r.Status != http.StatusOK {
		t.Errorf("after ClearChaos: HTTP %d", r.Status)
	}
	stats := h.emu.ChaosStats()
	if stats[emulator.ChaosKind429]+stats[emulator.ChaosKind503] != 20 {
		t.Errorf("ClearChaos must keep the counters: %v", stats)
	}
	h.emu.SetChaos(emulator.Chaos{})
	if s := h.emu.ChaosStats(); len(s) != 0 {
		t.Errorf("SetChaos must zero the counters: %v", s)
	}
}

// An injected Fault is aimed at one request a test has in mind: it wins over
// chaos.
func TestChaosYieldsToInjectedFaults(t *testing.T) {
	h := start(t, emulator.Config{})
	h.emu.SetChaos(emulator.Chaos{Seed: 1, Rate500: 1})
	h.emu.InjectFault(emulator.Fault{Times: 1, Status: http.StatusTeapot})
	if r := h.admin(http.MethodGet, "scim-config/", nil); r.Status != http.StatusTeapot {
		t.Errorf("HTTP %d, want the injected 418", r.Status)
	}
	if r := h.admin(http.MethodGet, "scim-config/", nil); r.Status != http.StatusInternalServerError {
		t.Errorf("HTTP %d, want chaos's 500 once the fault is spent", r.Status)
	}
}

func TestChaosRejectsBadRates(t *testing.T) {
	for _, c := range []emulator.Chaos{
		{Rate500: -0.1},
		{Rate500: 1.5},
		{Rate500: 0.6, RateDropAfter: 0.6},
		{RateSlow: math.NaN()},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetChaos(%+v) did not panic", c)
				}
			}()
			emulator.New(emulator.Config{}).SetChaos(c)
		}()
	}
}

func TestRateLimitBurstThen429(t *testing.T) {
	h := start(t, emulator.Config{})
	// One request every four seconds: nothing refills during the test.
	h.emu.SetRateLimit(0.25, 3)
	var statuses []int
	for range 6 {
		r := h.admin(http.MethodGet, "scim-config/", nil)
		statuses = append(statuses, r.Status)
		if r.Status == http.StatusTooManyRequests {
			envelopeOf(t, r)
			// The next token is up to 4s away: 4 once rounded up.
			if ra := r.Header.Get("Retry-After"); ra != "4" {
				t.Errorf("Retry-After = %q, want 4", ra)
			}
		}
	}
	if want := []int{200, 200, 200, 429, 429, 429}; !reflect.DeepEqual(statuses, want) {
		t.Fatalf("statuses = %v, want %v (a burst of 3, then refused)", statuses, want)
	}
	if got := h.emu.ChaosStats()[emulator.ChaosKindRateLimited]; got != 3 {
		t.Errorf("rate_limited = %d, want 3", got)
	}
	// Refused requests are logged as 429s, like any other answer.
	n429 := 0
	for _, r := range h.emu.Requests() {
		if r.Status == http.StatusTooManyRequests {
			n429++
		}
	}
	if n429 != 3 {
		t.Errorf("the log holds %d 429s, want 3", n429)
	}

	h.emu.SetRateLimit(0, 0)
	if r := h.admin(http.MethodGet, "scim-config/", nil); r.Status != http.StatusOK {
		t.Errorf("after removing the limit: HTTP %d", r.Status)
	}
}

// Under load from several clients, no more requests get through than the
// limit allows, and those refused say to come back in a second.
func TestRateLimitHonouredUnderLoad(t *testing.T) {
	h := start(t, emulator.Config{})
	const perSecond, burst = 100.0, 5
	h.emu.SetRateLimit(perSecond, burst)

	began := time.Now()
	deadline := began.Add(500 * time.Millisecond)
	var mu sync.Mutex
	admitted, refused := 0, 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				r := h.admin(http.MethodGet, "scim-config/", nil)
				mu.Lock()
				switch r.Status {
				case http.StatusOK:
					admitted++
				case http.StatusTooManyRequests:
					refused++
					if ra := r.Header.Get("Retry-After"); ra != "1" {
						t.Errorf("Retry-After = %q, want 1 (a 10ms wait, rounded up)", ra)
					}
				default:
					t.Errorf("HTTP %d", r.Status)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	// The bucket starts full and refills at perSecond: that is the most
	// that can get through, however fast the clients are.
	if most := burst + int(perSecond*elapsed.Seconds()) + 1; admitted > most {
		t.Errorf("%d requests admitted in %v; the limit allows at most %d", admitted, elapsed, most)
	}
	if admitted < burst {
		t.Errorf("only %d requests admitted; the burst alone is %d", admitted, burst)
	}
	if refused == 0 {
		t.Error("four clients in a loop were never refused")
	}
	t.Logf("admitted %d, refused %d in %v", admitted, refused, elapsed)
}
