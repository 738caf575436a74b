// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"
	"time"
)

func TestDecideTokenPlan(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		f    tokenFacts
		want tokenPlan
	}{
		{"nothing to do", tokenFacts{Now: t0.Add(day), CreatedAt: t0, Period: 30 * day, HasValue: true}, tokenPlan{}},
		{"no period never falls due", tokenFacts{Now: t0.Add(1000 * day), CreatedAt: t0, HasValue: true}, tokenPlan{}},
		{"due: replace", tokenFacts{Now: t0.Add(30 * day), CreatedAt: t0, Period: 30 * day, HasValue: true},
			tokenPlan{Rotate: true}},
		{"trigger: replace", tokenFacts{Now: t0, CreatedAt: t0, TriggerChanged: true, HasValue: true},
			tokenPlan{Rotate: true}},
		{"due with overlap: in place", tokenFacts{Now: t0.Add(31 * day), CreatedAt: t0, Period: 30 * day, Retention: 7 * day, HasValue: true},
			tokenPlan{Rotate: true, InPlace: true}},
		{"previous still live", tokenFacts{Now: t0.Add(6 * day), CreatedAt: t0, Retention: 7 * day, PreviousID: "9",
			PreviousUntil: t0.Add(7 * day), HasValue: true}, tokenPlan{}},
		{"previous expired: dropped", tokenFacts{Now: t0.Add(7 * day), CreatedAt: t0, Retention: 7 * day, PreviousID: "9",
			PreviousUntil: t0.Add(7 * day), HasValue: true}, tokenPlan{DropPrevious: true}},
		{"previous dropped even when overlap is turned off", tokenFacts{Now: t0.Add(8 * day), CreatedAt: t0, PreviousID: "9",
			PreviousUntil: t0.Add(7 * day), HasValue: true}, tokenPlan{DropPrevious: true}},
		{"rotating again drops the live previous", tokenFacts{Now: t0.Add(day), CreatedAt: t0, TriggerChanged: true,
			Retention: 7 * day, PreviousID: "9", PreviousUntil: t0.Add(7 * day), HasValue: true},
			tokenPlan{Rotate: true, InPlace: true, DropPrevious: true}},
		{"imported: no value", tokenFacts{Now: t0, CreatedAt: t0}, tokenPlan{NoValue: true}},
		{"imported and rotated: a value", tokenFacts{Now: t0, CreatedAt: t0, TriggerChanged: true}, tokenPlan{Rotate: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := decideTokenPlan(tc.f); got != tc.want {
				t.Errorf("decideTokenPlan(%+v) = %+v, want %+v", tc.f, got, tc.want)
			}
		})
	}
}
