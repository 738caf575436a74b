// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Report is everything one Run measured and judged; results.json is this,
// results.md is Markdown of it.
type Report struct {
	Generated    time.Time `json:"generated"`
	Mode         string    `json:"mode"`
	Machine      Machine   `json:"machine"`
	Sizes        Sizes     `json:"sizes"`
	TotalSeconds float64   `json:"total_seconds"`
	Results      []*Result `json:"results"`
	Budgets      []Budget  `json:"budgets"`
	Ratios       []Ratio   `json:"ratios"`
	Growth       []Fit     `json:"growth"`
	Errors       []string  `json:"errors,omitempty"`

	OutDir string `json:"-"` // where the run worked, and where results go by default
}

// Machine says where the numbers come from.
type Machine struct {
	OS          string `json:"os"`
	Kernel      string `json:"kernel,omitempty"`
	CPUModel    string `json:"cpu_model,omitempty"`
	CPUs        int    `json:"cpus"`
	MemoryBytes int64  `json:"memory_bytes,omitempty"`
	Go          string `json:"go"`
	Terraform   string `json:"terraform"`
	Commit      string `json:"commit,omitempty"` // git describe --dirty of the tree measured
}

// Sizes are the sizes the run used.
type Sizes struct {
	GroupSizes           []int `json:"group_sizes"`
	ProviderSizes        []int `json:"provider_sizes"`
	ProviderChangeSizes  []int `json:"provider_change_sizes"`
	Users                int   `json:"users"`
	Groups               int   `json:"groups"`
	MembersPerGroup      int   `json:"members_per_group"`
	DataSourceUsers      int   `json:"data_source_users"`
	AdoptUsers           int   `json:"adopt_users"`
	AdoptGroups          int   `json:"adopt_groups"`
	AdoptMembersPerGroup int   `json:"adopt_members_per_group"`
	Parallelism          int   `json:"parallelism"`
}

// Result is one measured Terraform command.
type Result struct {
	ID        string `json:"id"`
	Scenario  string `json:"scenario"`
	Command   string `json:"command"`
	Resources int    `json:"resources"`
	Members   int    `json:"members,omitempty"`
	// Baseline marks terraform_data runs: no API, no provider process.
	Baseline bool `json:"baseline,omitempty"`

	WallSeconds float64 `json:"wall_seconds"`
	// CPUSeconds is user+system time of terraform and of the providers it
	// started; the emulator's own work is not in it.
	CPUSeconds float64 `json:"cpu_seconds"`
	ExitCode   int     `json:"exit_code"`

	Requests         int            `json:"http_requests"`
	RequestsByMethod map[string]int `json:"http_requests_by_method,omitempty"`
	FailedRequests   int            `json:"http_failed_requests"`
	BytesSent        int64          `json:"bytes_sent"`     // request bodies
	BytesReceived    int64          `json:"bytes_received"` // response bodies
	Patch            *PatchSummary  `json:"patch,omitempty"`

	ProviderPeakBytes int64 `json:"provider_peak_rss_bytes"`
	// ProviderPeakLiveHeapBytes is, for the driver only, the most heap a
	// garbage collection found live in the provider's code.
	ProviderPeakLiveHeapBytes int64 `json:"provider_peak_live_heap_bytes,omitempty"`
	ProviderProcesses         int   `json:"provider_processes"`
	// ProviderCPUSeconds is the part of CPUSeconds spent in the provider.
	ProviderCPUSeconds float64 `json:"provider_cpu_seconds"`
	TerraformPeakBytes int64   `json:"terraform_peak_rss_bytes"`

	Budget string `json:"budget"` // PASS, MISS, or "" when no budget judges this command
}

// PatchSummary describes the PATCH requests of one command.
type PatchSummary struct {
	Requests      int   `json:"requests"`
	Ops           int   `json:"operations"`
	MemberValues  int   `json:"member_values"`
	RequestBytes  int64 `json:"request_bytes"`
	ResponseBytes int64 `json:"response_bytes"`
}

// Budget is one check and its outcome.
type Budget struct {
	Rows []string `json:"rows"` // the results it judges
	Name string   `json:"name"`
	Want string   `json:"want"`
	Got  string   `json:"got"`
	Pass bool     `json:"pass"`
	// Advisory budgets are reported but not held: budgets on time and
	// memory in quick mode, and a ratio taken where fixed costs outweigh
	// what it is about.
	Advisory bool `json:"advisory,omitempty"`
}

// Ratio compares our wall time with the terraform_data baseline's.
type Ratio struct {
	Phase    string  `json:"phase"`
	Ours     float64 `json:"ours_seconds"`
	Baseline float64 `json:"baseline_seconds"`
	Ratio    float64 `json:"ratio"`
	Max      float64 `json:"max"`
	// OursTraced is our wall time with the provider's trace logging on
	// (Terraform still dropping it), and RatioTraced its ratio; 0 when not
	// measured.
	OursTraced  float64 `json:"ours_provider_trace_on_seconds,omitempty"`
	RatioTraced float64 `json:"ratio_provider_trace_on,omitempty"`
	Pass        bool    `json:"pass"`
}

// Misses lists the budgets missed, advisory ones aside.
func (r *Report) Misses() []Budget {
	var out []Budget
	for _, b := range r.Budgets {
		if !b.Pass && !b.Advisory {
			out = append(out, b)
		}
	}
	return out
}

// finish marks each result PASS or MISS from the budgets that judge it.
func (r *Report) finish() {
	verdict := map[string]string{}
	for _, b := range r.Budgets {
		if b.Advisory {
			continue
		}
		for _, id := range b.Rows {
			switch {
			case !b.Pass:
				verdict[id] = "MISS"
			case verdict[id] == "":
				verdict[id] = "PASS"
			}
		}
	}
	for _, res := range r.Results {
		res.Budget = verdict[res.ID]
	}
}

// Write puts results.json and results.md in dir.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(j, '\n'), 0o600); err != nil {
		return err
	}
	var md strings.Builder
	r.Markdown(&md)
	return os.WriteFile(filepath.Join(dir, "results.md"), []byte(md.String()), 0o600)
}

// Markdown writes the result table, the budgets and the memory fit.
func (r *Report) Markdown(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	m := r.Machine
	p("## dbt-bench, %s mode\n\n", r.Mode)
	p("Terraform %s, %s, %s, %d CPUs (%s), %s RAM, tree %s; -parallelism=%d; %.0f s in all.\n\n",
		m.Terraform, m.Go, m.OS, m.CPUs, orDash(m.CPUModel), humanBytes(m.MemoryBytes), orDash(m.Commit),
		r.Sizes.Parallelism, r.TotalSeconds)

	p("Wall is the command's; CPU is Terraform's and its providers' (the emulator's is not in it). Sent and received are HTTP bodies. Provider peak is the largest VmHWM of the provider processes, with their CPU time.\n\n")
	p("| id | scenario | cmd | wall | CPU | HTTP requests | sent | received | provider peak (CPU) | terraform peak | budget |\n")
	p("|---|---|---|--:|--:|--:|--:|--:|--:|--:|:-:|\n")
	for _, res := range r.Results {
		reqs := strconv.Itoa(res.Requests)
		if len(res.RequestsByMethod) > 0 {
			reqs += " (" + methods(res.RequestsByMethod) + ")"
		}
		sent, recv := humanBytes(res.BytesSent), humanBytes(res.BytesReceived)
		prov := fmt.Sprintf("%s (%.2f s)", humanBytes(res.ProviderPeakBytes), res.ProviderCPUSeconds)
		if res.Baseline { // terraform_data: no API, no provider process
			reqs, sent, recv, prov = "—", "—", "—", "—"
		}
		tf := "—" // the driver runs no Terraform
		if res.TerraformPeakBytes > 0 {
			tf = humanBytes(res.TerraformPeakBytes)
		}
		p("| %s | %s | %s | %.2f s | %.2f s | %s | %s | %s | %s | %s | %s |\n",
			res.ID, res.Scenario, res.Command, res.WallSeconds, res.CPUSeconds, reqs, sent, recv, prov, tf, orDash(res.Budget))
	}

	p("\n### Budgets\n\n| budget | rows | want | got | |\n|---|---|---|---|:-:|\n")
	for _, b := range r.Budgets {
		verdict := passMiss(b.Pass)
		if b.Advisory {
			verdict += " (advisory)"
		}
		p("| %s | %s | %s | %s | %s |\n", b.Name, strings.Join(b.Rows, ", "), b.Want, b.Got, verdict)
	}

	if len(r.Ratios) > 0 {
		p("\n### Ours against the terraform_data baseline (wall time)\n\n| phase | ours | baseline | ratio | max | | ours, provider trace logging on | its ratio |\n|---|--:|--:|--:|--:|:-:|--:|--:|\n")
		for _, x := range r.Ratios {
			traced, tratio := "—", "—"
			if x.OursTraced > 0 {
				traced, tratio = fmt.Sprintf("%.2f s", x.OursTraced), fmt.Sprintf("%.2f", x.RatioTraced)
			}
			p("| %s | %.2f s | %.2f s | %.2f | %.1f | %s | %s | %s |\n", x.Phase, x.Ours, x.Baseline, x.Ratio, x.Max, passMiss(x.Pass), traced, tratio)
		}
	}

	if len(r.Growth) > 0 {
		p("\n### Growth with the group's members (refresh of one group)\n\n")
		p("Growth exponent p: the cost above the smallest group's grows as (members − smallest)^p, taken between the second size and the largest; 1 is linear, 2 quadratic; above %.1f is superlinear. At %s members: measured when that size ran, else projected along the parabola through the three largest sizes (superlinear) or the least-squares line.\n\n", maxGrowthExponent, thousands(growthTarget))
		p("| quantity | points | exponent | verdict | at %s members | judged |\n|---|---|--:|---|--:|:-:|\n", thousands(growthTarget))
		for _, f := range r.Growth {
			pts := make([]string, len(f.Points))
			for i, pt := range f.Points {
				pts[i] = thousands(pt.Members) + ": " + f.format(pt.Value)
			}
			ratio := fmt.Sprintf("%.2f", f.Exponent)
			if f.Exponent == 0 {
				ratio = "—"
			}
			judged := ""
			if f.Judged {
				judged = "yes"
			}
			at := "—"
			if f.Projected != 0 {
				at = f.format(f.Projected)
			}
			p("| %s | %s | %s | %s | %s | %s |\n", f.Quantity, strings.Join(pts, "; "), ratio, f.Verdict, at, judged)
		}
	}

	if len(r.Errors) > 0 {
		p("\n### Errors\n\n")
		for _, e := range r.Errors {
			p("- %s\n", strings.ReplaceAll(e, "\n", " "))
		}
	}
	misses := r.Misses()
	held := 0
	for _, b := range r.Budgets {
		if !b.Advisory {
			held++
		}
	}
	p("\n%d of %d budgets met", held-len(misses), held)
	if advisory := len(r.Budgets) - held; advisory > 0 {
		p(" (and %d on time and memory reported as advisory: at the sizes they were taken, they measure start-up and noise more than growth)", advisory)
	}
	if len(misses) > 0 {
		names := map[string]bool{}
		for _, b := range misses {
			names[b.Name] = true
		}
		p("; missed: %s", strings.Join(slices.Sorted(maps.Keys(names)), "; "))
	}
	p(".\n")
}

func passMiss(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// methods renders {"GET": 2, "PATCH": 1} as "2 GET, 1 PATCH".
func methods(m map[string]int) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

// humanBytes renders a size in binary units: 12.3 MiB.
func humanBytes(n int64) string {
	switch {
	case n <= 0:
		return "0 B"
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
}

// thousands renders 50000 as 50,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
