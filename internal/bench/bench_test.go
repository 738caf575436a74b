// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestMain(m *testing.M) {
	MaybeRunDriver() // TestQuick's driver processes are this test binary
	os.Exit(m.Run())
}

// TestQuick runs every scenario end to end at small sizes, with the real
// Terraform CLI, and holds the budgets that do not depend on the machine:
// requests per refresh and per create, the shape of a one-member PATCH,
// empty plans after apply, and dbt's state. It runs wherever the acceptance
// tests run (TF_ACC=1, as `make test` sets), or with DBT_BENCH=1; it takes
// about 15 s on two cores.
//
// The budgets on time and memory (ratios to the terraform_data baseline,
// growth with members) are advisory in quick mode, so logged, not held: at
// sizes this small they measure the provider's start-up and the garbage
// collector, and on a machine shared with the rest of the suite they
// measure the neighbours. `make bench` holds them, at the sizes where they
// mean something.
func TestQuick(t *testing.T) {
	if os.Getenv("TF_ACC") == "" && os.Getenv("DBT_BENCH") == "" {
		t.Skip("runs the real Terraform CLI: set TF_ACC=1 (make test does) or DBT_BENCH=1")
	}
	cfg := Quick()
	cfg.GroupSizes = []int{50, 100, 200, 400}
	cfg.ProviderSizes = []int{100, 500, 1000, 2000}
	cfg.ProviderChangeSizes = []int{500}
	cfg.Users, cfg.Groups, cfg.MembersPerGroup = 40, 20, 5
	cfg.DataSourceUsers = 500
	cfg.AdoptUsers, cfg.AdoptGroups, cfg.AdoptMembersPerGroup = 60, 10, 5
	cfg.OutDir = t.TempDir()
	cfg.Progress = testWriter{t}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rep.Errors {
		t.Errorf("scenario failed: %s", e)
	}
	held := 0
	for _, b := range rep.Budgets {
		switch {
		case b.Advisory:
			t.Logf("%s (advisory) %s [%s]: want %s, got %s", passMiss(b.Pass), b.Name, strings.Join(b.Rows, ", "), b.Want, b.Got)
		case !b.Pass:
			held++
			t.Errorf("MISS %s [%s]: want %s, got %s", b.Name, strings.Join(b.Rows, ", "), b.Want, b.Got)
		default:
			held++
		}
	}
	if len(rep.Misses()) != held-countPassed(rep) {
		t.Errorf("Misses() disagrees with the budgets")
	}
	// 4 group sizes × 11 budgets, 1 change size × 6 + 4 refreshes, c/d 7, e 1, f 5.
	if want := 4*11 + 6 + 4 + 7 + 1 + 5; held != want {
		t.Errorf("held %d budgets, want %d: a scenario did not run all its checks", held, want)
	}
	if err := rep.Write(cfg.OutDir); err != nil {
		t.Fatal(err)
	}
	var back Report
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.Results) != len(rep.Results) {
		t.Errorf("results.json does not read back: %v, %d results", err, len(back.Results))
	}
}

func countPassed(rep *Report) int {
	n := 0
	for _, b := range rep.Budgets {
		if b.Pass && !b.Advisory {
			n++
		}
	}
	return n
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestCountPatch(t *testing.T) {
	for _, tc := range []struct {
		name        string
		body        string
		ops, values int
		wantErr     bool
	}{
		{"add one", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"1001"}]}]}`, 1, 1, false},
		{"remove one by filter", `{"Operations":[{"op":"remove","path":"members[value eq \"1001\"]"}]}`, 1, 1, false},
		{"Entra casing", `{"Operations":[{"op":"Add","path":"Members","value":[{"value":"1"},{"value":"2"}]}]}`, 1, 2, false},
		{"value object without path", `{"Operations":[{"op":"add","value":{"members":[{"value":"1"}],"displayName":"x"}}]}`, 1, 1, false},
		{"rename", `{"Operations":[{"op":"replace","path":"displayName","value":"x"}]}`, 1, 0, false},
		{"two operations", `{"Operations":[{"op":"remove","path":"members[value eq \"1\"]"},{"op":"add","path":"members","value":[{"value":"2"}]}]}`, 2, 2, false},
		{"no operations", `{"Operations":[]}`, 0, 0, true},
		{"not JSON", `add one member`, 0, 0, true},
		{"members not a list", `{"Operations":[{"op":"add","path":"members","value":{"value":"1"}}]}`, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops, values, err := countPatch([]byte(tc.body))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if ops != tc.ops || values != tc.values {
				t.Errorf("got %d ops, %d values; want %d, %d", ops, values, tc.ops, tc.values)
			}
		})
	}
}

func TestFitGrowth(t *testing.T) {
	points := func(sizes []int, f func(n float64) float64) []Point {
		var pts []Point
		for _, n := range sizes {
			pts = append(pts, Point{Members: n, Value: f(float64(n))})
		}
		return pts
	}
	full := []int{1000, 10000, 25000, 50000}
	endToEnd := []int{250, 1000, 2500, 5000}
	for _, tc := range []struct {
		name      string
		sizes     []int
		unit      string
		f         func(n float64) float64
		verdict   string
		exponent  float64 // 0: not checked
		projected float64 // 0: not checked
	}{
		{"linear memory", full, "B", func(n float64) float64 { return 30<<20 + 2000*n }, "linear", 1, 30<<20 + 2000*50000},
		{"quadratic time", full, "s", func(n float64) float64 { return 0.5 + 1e-7*n*n }, "superlinear", 1.905, 0.5 + 1e-7*50000*50000},
		{"quadratic time, end to end sizes", endToEnd, "s", func(n float64) float64 { return 1e-6 * n * n }, "superlinear", 1.777, 1e-6 * 50000 * 50000},
		{"n log n time", full, "s", func(n float64) float64 { return 1e-4 * n * math.Log(n) }, "linear", 1.08, 0},
		{"flat memory", full, "B", func(n float64) float64 { return 30<<20 + 10*n }, "flat", 0, 0},
		{"dips before it climbs", full, "B", func(n float64) float64 {
			if n == 10000 {
				return 20 << 20
			}
			return 30<<20 + 2000*n
		}, "inconclusive", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fitGrowth(tc.name, tc.unit, points(tc.sizes, tc.f))
			if f.Verdict != tc.verdict {
				t.Errorf("verdict %q, want %q (exponent %.3f)", f.Verdict, tc.verdict, f.Exponent)
			}
			if tc.exponent != 0 && math.Abs(f.Exponent-tc.exponent) > 0.005 {
				t.Errorf("exponent %.4f, want %.4f", f.Exponent, tc.exponent)
			}
			if tc.projected != 0 && math.Abs(f.Projected-tc.projected) > 1e-6*tc.projected {
				t.Errorf("at 50,000: %.4g, want %.4g", f.Projected, tc.projected)
			}
		})
	}
}

func TestParseProc(t *testing.T) {
	status := "Name:\tterraform-provi\nVmPeak:\t 1000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\nThreads:\t9\n"
	if got, want := parseStatusPeak(strings.NewReader(status)), int64(51200*1024); got != want {
		t.Errorf("peak %d, want %d", got, want)
	}
	if got := parseStatusPeak(strings.NewReader("Name:\tzombie\n")); got != 0 {
		t.Errorf("peak of a process without memory: %d", got)
	}
	// The command name may hold spaces and parentheses; fields count from the last ')'.
	stat := "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 100 0 0"
	cpu, ok := parseStatCPU(stat)
	if !ok || cpu != 3*time.Second {
		t.Errorf("cpu %v (%v), want 3s", cpu, ok)
	}
	if _, ok := parseStatCPU("4242 (cut"); ok {
		t.Error("a truncated stat line parsed")
	}
}

func TestReportMarksRows(t *testing.T) {
	rep := &Report{
		Results: []*Result{{ID: "a/1"}, {ID: "b/1"}, {ID: "c/1"}},
		Budgets: []Budget{
			{Rows: []string{"a/1"}, Name: "x", Pass: true},
			{Rows: []string{"b/1"}, Name: "x", Pass: true},
			{Rows: []string{"b/1"}, Name: "y", Pass: false, Want: "1", Got: "2"},
		},
	}
	rep.finish()
	for i, want := range []string{"PASS", "MISS", ""} {
		if got := rep.Results[i].Budget; got != want {
			t.Errorf("%s: %q, want %q", rep.Results[i].ID, got, want)
		}
	}
	var md strings.Builder
	rep.Markdown(&md)
	if !strings.Contains(md.String(), "| y | b/1 | 1 | 2 | MISS |") || !strings.Contains(md.String(), "2 of 3 budgets met; missed: y.") {
		t.Errorf("markdown does not report the miss:\n%s", md.String())
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 50000: "50,000", 1234567: "1,234,567", -2500: "-2,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int64]string{0: "0 B", 512: "512 B", 1536: "1.5 KiB", 3 << 20: "3.0 MiB", 3 << 30: "3.00 GiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
	if got := methods(map[string]int{"PATCH": 1, "GET": 2}); got != "2 GET, 1 PATCH" {
		t.Errorf("methods: %q", got)
	}
}

func TestDiff(t *testing.T) {
	missing, extra := diff([]string{"1", "2", "3"}, []string{"2", "3", "4"})
	if fmt.Sprint(missing, extra) != "[4] [1]" {
		t.Errorf("missing %v, extra %v", missing, extra)
	}
}

// BenchmarkStateEqual measures tftypes.Value.Equal on two equal group
// states, the comparison terraform-plugin-framework makes of the whole
// state in ReadResource, PlanResourceChange, CreateResource and
// UpdateResource, with members as a set (as the schema has them) and as a
// list. Resolving a set element's path scans the other set, so the set's
// cost grows with the square of the members; the list's does not.
//
//	go test -run '^$' -bench StateEqual ./internal/bench
func BenchmarkStateEqual(b *testing.B) {
	for _, kind := range []string{"set", "list"} {
		for _, n := range []int{1000, 2000, 4000} {
			b.Run(fmt.Sprintf("%s/%d", kind, n), func(b *testing.B) {
				var coll tftypes.Type = tftypes.Set{ElementType: tftypes.String}
				if kind == "list" {
					coll = tftypes.List{ElementType: tftypes.String}
				}
				typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String, "members": coll}}
				state := func() tftypes.Value {
					elems := make([]tftypes.Value, n)
					for i := range elems {
						elems[i] = tftypes.NewValue(tftypes.String, fmt.Sprint(1001+i))
					}
					return tftypes.NewValue(typ, map[string]tftypes.Value{
						"id":      tftypes.NewValue(tftypes.String, "900001"),
						"members": tftypes.NewValue(coll, elems),
					})
				}
				x, y := state(), state()
				b.ResetTimer()
				for b.Loop() {
					if !x.Equal(y) {
						b.Fatal("equal states compare unequal")
					}
				}
			})
		}
	}
}
