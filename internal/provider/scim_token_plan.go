// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import "time"

// tokenFacts is what a plan of dbt_scim_token is decided from: the state,
// the configuration, and the time of the last refresh.
type tokenFacts struct {
	// Now is when the state was last refreshed, not when the plan runs: a
	// plan and the apply that follows it (which plans again) then judge
	// the same moment, and a token that falls due in between is rotated by
	// the next plan instead of failing the apply as an inconsistent plan.
	Now            time.Time
	CreatedAt      time.Time     // zero when unknown
	Period         time.Duration // rotation_period; 0 when unset
	TriggerChanged bool          // rotate_when_changed differs from state
	Retention      time.Duration // previous_token_retention; 0 when unset (no overlap)
	PreviousID     string        // previous_token_id; "" when none is live
	PreviousUntil  time.Time     // previous_token_expires_at
	HasValue       bool          // the state holds the token's value (false after import)
}

// tokenPlan is what the plan does.
type tokenPlan struct {
	Rotate  bool // mint a new token
	InPlace bool // ... keeping the current one alive as the previous token (overlap mode)
	// DropPrevious deletes the previous token in this apply: its retention
	// has passed, or a new rotation makes the current token the previous one.
	DropPrevious bool
	// NoValue: the state has no value to give dependents (an imported
	// token) and nothing mints one; the value plans as unknown, and the
	// apply refuses rather than hand a dependent nothing.
	NoValue bool
}

// due reports whether rotation_period has passed at f.Now.
func (f tokenFacts) due() bool {
	return f.Period > 0 && !f.CreatedAt.IsZero() && !f.Now.Before(f.CreatedAt.Add(f.Period))
}

// decideTokenPlan is the whole of dbt_scim_token's plan-time logic, kept pure
// so that every case is a unit test.
func decideTokenPlan(f tokenFacts) tokenPlan {
	var p tokenPlan
	p.Rotate = f.TriggerChanged || f.due()
	p.InPlace = p.Rotate && f.Retention > 0
	switch {
	case f.PreviousID == "":
	case p.InPlace:
		p.DropPrevious = true // only one previous token lives at a time
	case !f.PreviousUntil.IsZero() && !f.Now.Before(f.PreviousUntil):
		p.DropPrevious = true
	}
	p.NoValue = !f.HasValue && !p.Rotate
	return p
}
