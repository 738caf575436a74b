// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Chaos injects faults at random, at set rates, into every request whose
// path matches Paths. Where a Fault is aimed at one request a test has in
// mind, Chaos is weather: it is for proving that a whole run converges
// whatever goes wrong along the way.
//
// The faults are drawn from a generator seeded with Seed, one draw per
// matching request in arrival order, so a given seed always yields the same
// sequence of faults. Which request meets which fault still depends on the
// order requests arrive in, which concurrent clients do not fix.
//
// Each request meets at most one fault. The rates are probabilities, each in
// [0, 1], and must not add up to more than 1.
type Chaos struct {
	Seed int64

	Rate429         float64 // 429 with RetryAfter, handler not run
	Rate500         float64 // 500, handler not run
	Rate502         float64 // 502, handler not run
	Rate503         float64 // 503 with RetryAfter, handler not run
	RateResetBefore float64 // connection reset, handler not run
	RateDropAfter   float64 // handler run (state changes), then connection reset
	RateSlow        float64 // SlowDelay before an otherwise normal answer

	RetryAfter string        // Retry-After sent with 429 and 503; "" sends none
	SlowDelay  time.Duration // default 200ms

	// Paths limits chaos to requests whose URL path contains one of these
	// substrings; empty means every request.
	Paths []string
}

// Keys of ChaosStats: one per kind of fault, and one for the 429s of the
// rate limiter, which are not chaos but are counted with it.
const (
	ChaosKind429         = "429"
	ChaosKind500         = "500"
	ChaosKind502         = "502"
	ChaosKind503         = "503"
	ChaosKindReset       = "reset"
	ChaosKindDrop        = "drop"
	ChaosKindSlow        = "slow"
	ChaosKindRateLimited = "rate_limited"
)

const defaultSlowDelay = 200 * time.Millisecond

// chaosState is the emulator's chaos and rate limiter. It has a lock of its
// own: it is consulted on every request, before any handler takes e.mu.
type chaosState struct {
	mu      sync.Mutex
	on      bool
	cfg     Chaos
	rng     *rand.Rand
	stats   map[string]int
	limiter *rate.Limiter
}

// SetChaos starts injecting faults as c describes, replacing any earlier
// chaos and zeroing the counters. Faults injected with InjectFault still
// take precedence. It panics on a rate outside [0, 1] or rates adding up to
// more than 1, which can only be a mistake in the calling test.
func (e *Emulator) SetChaos(c Chaos) {
	rates := []float64{c.Rate429, c.Rate500, c.Rate502, c.Rate503, c.RateResetBefore, c.RateDropAfter, c.RateSlow}
	sum := 0.0
	for _, r := range rates {
		if r < 0 || r > 1 || math.IsNaN(r) {
			panic(fmt.Sprintf("emulator: chaos rate %v is not a probability", r))
		}
		sum += r
	}
	if sum > 1+1e-9 {
		panic(fmt.Sprintf("emulator: chaos rates add up to %v, more than 1", sum))
	}
	if c.SlowDelay <= 0 {
		c.SlowDelay = defaultSlowDelay
	}
	c.Paths = append([]string(nil), c.Paths...)
	s := &e.chaos
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on = true
	s.cfg = c
	// The second PCG word is fixed: the seed alone picks the sequence.
	s.rng = rand.New(rand.NewPCG(uint64(c.Seed), 0x6462742d6368616f)) //nolint:gosec // deterministic on purpose
	s.stats = map[string]int{}
}

// ClearChaos stops injecting random faults. The counters keep their values,
// so a test can read them after turning chaos off.
func (e *Emulator) ClearChaos() {
	s := &e.chaos
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on = false
}

// ChaosStats counts the faults injected since the last SetChaos, by kind
// (the ChaosKind constants), and the requests the rate limiter refused.
// Kinds that never fired are absent.
func (e *Emulator) ChaosStats() map[string]int {
	s := &e.chaos
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.stats))
	for k, v := range s.stats {
		out[k] = v
	}
	return out
}

// SetRateLimit admits at most perSecond requests a second, with bursts of
// up to burst, and answers the rest 429 with Retry-After: the seconds until
// a request would be admitted, rounded up. Refused requests do not use up
// the allowance. perSecond <= 0 removes the limit.
func (e *Emulator) SetRateLimit(perSecond float64, burst int) {
	s := &e.chaos
	s.mu.Lock()
	defer s.mu.Unlock()
	if perSecond <= 0 {
		s.limiter = nil
		return
	}
	s.limiter = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
}

// rateLimited answers r with a 429 when the rate limit is exceeded and
// reports whether it did.
func (e *Emulator) rateLimited(w http.ResponseWriter, r *http.Request) bool {
	s := &e.chaos
	s.mu.Lock()
	lim := s.limiter
	s.mu.Unlock()
	if lim == nil {
		return false
	}
	now := time.Now()
	res := lim.ReserveN(now, 1)
	wait := res.DelayFrom(now)
	if wait == 0 {
		return false
	}
	// Give the token back: a refused request must not delay the next one.
	res.CancelAt(now)
	s.mu.Lock()
	s.count(ChaosKindRateLimited)
	s.mu.Unlock()
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	e.writeError(w, r, http.StatusTooManyRequests, faultMessage(http.StatusTooManyRequests), "rate limit exceeded")
	return true
}

// chaosFault draws the fault, if any, that chaos injects into r.
func (e *Emulator) chaosFault(r *http.Request) (Fault, bool) {
	s := &e.chaos
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.on || !s.matches(r.URL.Path) {
		return Fault{}, false
	}
	c := &s.cfg
	x := s.rng.Float64()
	for _, k := range []struct {
		rate  float64
		kind  string
		fault Fault
	}{
		{c.Rate429, ChaosKind429, Fault{Status: http.StatusTooManyRequests, RetryAfter: c.RetryAfter}},
		{c.Rate500, ChaosKind500, Fault{Status: http.StatusInternalServerError}},
		{c.Rate502, ChaosKind502, Fault{Status: http.StatusBadGateway}},
		{c.Rate503, ChaosKind503, Fault{Status: http.StatusServiceUnavailable, RetryAfter: c.RetryAfter}},
		{c.RateResetBefore, ChaosKindReset, Fault{ResetBefore: true}},
		{c.RateDropAfter, ChaosKindDrop, Fault{DropResponse: true}},
		{c.RateSlow, ChaosKindSlow, Fault{Delay: c.SlowDelay}},
	} {
		if x < k.rate {
			s.count(k.kind)
			return k.fault, true
		}
		x -= k.rate
	}
	return Fault{}, false
}

func (s *chaosState) matches(path string) bool {
	if len(s.cfg.Paths) == 0 {
		return true
	}
	for _, p := range s.cfg.Paths {
		if strings.Contains(path, p) {
			return true
		}
	}
	return false
}

// count records one fault of kind; s.mu must be held.
func (s *chaosState) count(kind string) {
	if s.stats == nil {
		s.stats = map[string]int{}
	}
	s.stats[kind]++
}
