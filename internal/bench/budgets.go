// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Budgets that compare measurements.
const (
	// maxBaselineRatio bounds our wall time over the terraform_data
	// baseline's for the same configuration shape.
	maxBaselineRatio = 1.5
	// maxGrowthExponent bounds p in "the cost above the smallest group's
	// grows as members^p" (see fitGrowth). Linear is 1, and n log n over
	// these sizes about 1.1; the garbage collector and a shared machine move
	// a measured p by about 0.1. Quadratic measures 1.8 to 1.9 over 1k to
	// 50k members and 1.8 over 250 to 5,000.
	maxGrowthExponent = 1.3
)

// judgeRatios compares each phase of c with the same phase of d.
func (r *runner) judgeRatios() {
	byID := map[string]*Result{}
	for _, res := range r.rep.Results {
		byID[res.ID] = res
	}
	for _, phase := range []string{"plan", "apply", "refresh"} {
		c, d := byID["c."+phase], byID["d."+phase]
		if c == nil || d == nil || d.WallSeconds <= 0 {
			continue
		}
		x := Ratio{Phase: phase, Ours: c.WallSeconds, Baseline: d.WallSeconds, Ratio: c.WallSeconds / d.WallSeconds, Max: maxBaselineRatio}
		if q := byID["c."+phase+".traced"]; q != nil {
			x.OursTraced, x.RatioTraced = q.WallSeconds, q.WallSeconds/d.WallSeconds
		}
		x.Pass = x.Ratio <= x.Max
		r.rep.Ratios = append(r.rep.Ratios, x)
		r.judgeTimed("wall time within 1.5× the terraform_data baseline",
			fmt.Sprintf("≤ %.1f", maxBaselineRatio),
			fmt.Sprintf("%.2f (%.2f s / %.2f s)", x.Ratio, x.Ours, x.Baseline), x.Pass, c.ID, d.ID)
	}
}

// growthTarget is the size the fits project to: the group.
const growthTarget = 50000

// judgeGrowth fits memory and time against members over the refreshes of
// a. Judged: the provider's peak memory and CPU time alone (the driver, up
// to the 50,000 members) and the end-to-end wall time; the rest is
// reported.
func (r *runner) judgeGrowth() {
	peakProvider := func(res *Result) float64 { return float64(res.ProviderPeakBytes) }
	fits := []struct {
		quantity, unit, prefix string
		value                  func(*Result) float64
		budget                 string // "" when only reported
	}{
		{"provider alone (driver): peak RSS (VmHWM)", "B", "a.provider/", peakProvider, "provider memory grows linearly with members"},
		{"provider alone (driver): CPU time", "s", "a.provider/", func(res *Result) float64 { return res.ProviderCPUSeconds }, "provider time grows linearly with members"},
		{"provider alone (driver): peak live heap", "B", "a.provider/", func(res *Result) float64 { return float64(res.ProviderPeakLiveHeapBytes) }, ""},
		{"end to end: wall time", "s", "a/", func(res *Result) float64 { return res.WallSeconds }, "refresh time grows linearly with members"},
		{"end to end: provider peak RSS (VmHWM)", "B", "a/", peakProvider, ""},
		{"end to end: provider CPU time", "s", "a/", func(res *Result) float64 { return res.ProviderCPUSeconds }, ""},
		{"end to end: terraform peak RSS (VmHWM)", "B", "a/", func(res *Result) float64 { return float64(res.TerraformPeakBytes) }, ""},
		{"end to end: terraform_data set baseline wall time", "s", "a.set/", func(res *Result) float64 { return res.WallSeconds }, ""},
		{"end to end: terraform_data list baseline wall time", "s", "a.list/", func(res *Result) float64 { return res.WallSeconds }, ""},
	}
	for _, spec := range fits {
		var pts []Point
		var rows []string
		for _, res := range r.rep.Results {
			if strings.HasPrefix(res.ID, spec.prefix) && spec.value(res) > 0 {
				pts = append(pts, Point{Members: res.Members, Value: spec.value(res)})
				rows = append(rows, res.ID)
			}
		}
		if len(pts) < 3 {
			continue
		}
		f := fitGrowth(spec.quantity, spec.unit, pts)
		f.Judged = spec.budget != ""
		r.rep.Growth = append(r.rep.Growth, f)
		if f.Judged {
			r.judgeTimed(spec.budget, fmt.Sprintf("growth exponent ≤ %.1f", maxGrowthExponent), f.describe(),
				f.Verdict == "linear" || f.Verdict == "flat", rows...)
		}
	}
}

// Point is one measurement of a quantity at a group size.
type Point struct {
	Members int     `json:"members"`
	Value   float64 `json:"value"`
}

// Fit is how a quantity grows with members.
type Fit struct {
	Quantity string  `json:"quantity"`
	Unit     string  `json:"unit"` // B or s
	Points   []Point `json:"points"`
	// Exponent is p in value(n) - value(n0) ∝ (n - n0)^p, from the
	// smallest size n0, the second and the largest; 0 when undefined.
	Exponent    float64 `json:"growth_exponent"`
	MaxExponent float64 `json:"max_growth_exponent"`
	Verdict     string  `json:"verdict"` // linear | flat | superlinear | inconclusive
	// Projected is the value at ProjectedMembers: along the parabola
	// through the three largest sizes when growth is superlinear, else
	// along the least-squares line; the measured value when that size ran;
	// 0 when growth is flat or inconclusive.
	ProjectedMembers int     `json:"projected_members"`
	Projected        float64 `json:"projected"`
	Judged           bool    `json:"judged"`
}

// fitGrowth measures how the points (at least three) grow. The smallest
// size is the base: what any group costs (process start, schemas, the
// emulator's account) is in it, so the growth above it is the part the
// members cost, and its exponent says linear (1) or worse. The exponent is
// taken between the second size and the largest, the two farthest apart
// above the base, where the collector's noise matters least.
func fitGrowth(quantity, unit string, pts []Point) Fit {
	pts = slices.Clone(pts)
	slices.SortFunc(pts, func(a, b Point) int { return a.Members - b.Members })
	f := Fit{Quantity: quantity, Unit: unit, Points: pts, MaxExponent: maxGrowthExponent, ProjectedMembers: growthTarget}
	base, low, high := pts[0], pts[1], pts[len(pts)-1]
	measured := high.Members == growthTarget
	if measured {
		f.Projected = high.Value
	}
	rise := high.Value - base.Value
	if rise < max(noiseFloor(unit), base.Value*relativeNoise) {
		// Growth within what the garbage collector and a shared machine
		// move from run to run: no shape to judge, nothing to project, and
		// nothing to worry about.
		f.Verdict = "flat"
		return f
	}
	if low.Value <= base.Value {
		// Flat, then climbing: no exponent to speak of, and no proof of
		// linear growth either. Larger sizes settle it.
		f.Verdict = "inconclusive"
		return f
	}
	if !measured {
		f.Projected = linearAt(pts, growthTarget)
	}
	f.Exponent = math.Log(rise/(low.Value-base.Value)) /
		math.Log(float64(high.Members-base.Members)/float64(low.Members-base.Members))
	f.Verdict = "linear"
	if f.Exponent > maxGrowthExponent {
		f.Verdict = "superlinear"
		if !measured {
			// Both causes measured here are quadratic; a power law from
			// the base would understate them.
			f.Projected = parabolaAt(pts[len(pts)-3:], growthTarget)
		}
	}
	return f
}

// parabolaAt evaluates at x the parabola through three points (Lagrange).
func parabolaAt(p []Point, x float64) float64 {
	var y float64
	for i := range 3 {
		term := p[i].Value
		for j := range 3 {
			if j != i {
				term *= (x - float64(p[j].Members)) / float64(p[i].Members-p[j].Members)
			}
		}
		y += term
	}
	return y
}

// linearAt evaluates the least-squares line through pts at x.
func linearAt(pts []Point, x float64) float64 {
	n := float64(len(pts))
	var sx, sy, sxx, sxy float64
	for _, p := range pts {
		px := float64(p.Members)
		sx, sy, sxx, sxy = sx+px, sy+p.Value, sxx+px*px, sxy+px*p.Value
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return sy / n
	}
	slope := (n*sxy - sx*sy) / den
	return (sy-slope*sx)/n + slope*x
}

// relativeNoise is the part of the smallest size's value that a rise over
// all sizes must exceed not to be called flat: a Go process's peak RSS
// moves by that much with the collector's timing alone.
const relativeNoise = 0.15

// noiseFloor is the rise over all sizes below which a fit is called flat.
func noiseFloor(unit string) float64 {
	if unit == "B" {
		return 8 << 20
	}
	return 1 // second
}

// describe says what the fit found, for a budget's "got".
func (f Fit) describe() string {
	first, last := f.Points[0], f.Points[len(f.Points)-1]
	span := fmt.Sprintf("%s at %s members to %s at %s", f.format(first.Value), thousands(first.Members),
		f.format(last.Value), thousands(last.Members))
	switch f.Verdict {
	case "flat":
		return "flat: " + span + ", within the noise"
	case "inconclusive":
		return "inconclusive: " + span
	}
	return fmt.Sprintf("%.2f (%s)", f.Exponent, span)
}

// format renders a value of the fit's unit.
func (f Fit) format(v float64) string {
	if f.Unit == "B" {
		if v < 1<<10 && v > -(1<<10) {
			return fmt.Sprintf("%.0f B", v)
		}
		return humanBytes(int64(v))
	}
	switch {
	case v >= 120:
		return fmt.Sprintf("%.1f min", v/60)
	case v >= 0.1 || v == 0:
		return fmt.Sprintf("%.2f s", v)
	case v >= 1e-4:
		return fmt.Sprintf("%.3f ms", v*1e3)
	}
	return fmt.Sprintf("%.2f µs", v*1e6)
}
