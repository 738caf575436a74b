// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// runner runs the scenarios of one Run and collects the report.
type runner struct {
	cfg  Config
	cli  *cli
	work string
	root string // the module root
	rep  *Report
}

// step is one measured Terraform command.
type step struct {
	id, scenario, command string // command: "plan" or "apply"
	resources, members    int
	env                   []string // added to Terraform's environment
}

// measure runs one Terraform command in dir against acct (nil for the
// baseline, which talks to no API) and records it as a result.
func (r *runner) measure(ctx context.Context, acct *account, dir string, s step) (*Result, error) {
	fmt.Fprintf(r.cfg.Progress, "==> %-22s %s\n", s.id, s.scenario)
	if acct != nil {
		acct.reset()
	}
	var (
		run run
		err error
	)
	logName := strings.NewReplacer("/", "-", ".", "-").Replace(s.id)
	switch s.command {
	case "plan":
		run, err = r.cli.plan(ctx, dir, logName, s.env)
	case "apply":
		run, err = r.cli.apply(ctx, dir, logName, s.env)
	case "query":
		run, err = r.cli.query(ctx, dir, logName, s.env)
	default:
		return nil, fmt.Errorf("unknown command %q", s.command)
	}
	res := &Result{
		ID: s.id, Scenario: s.scenario, Command: s.command, Resources: s.resources, Members: s.members, Baseline: acct == nil,
		WallSeconds: seconds(run.Wall), CPUSeconds: seconds(run.CPU), ExitCode: run.ExitCode,
		ProviderPeakBytes: run.Peaks.Provider, ProviderProcesses: run.Peaks.ProviderProcesses,
		TerraformPeakBytes: run.Peaks.Terraform, ProviderCPUSeconds: seconds(run.Peaks.ProviderCPU),
	}
	if acct != nil {
		t, terr := acct.traffic()
		if terr != nil && err == nil {
			err = terr
		}
		res.fillTraffic(t)
	}
	r.rep.Results = append(r.rep.Results, res)
	r.progress(res)
	return res, err
}

func (res *Result) fillTraffic(t traffic) {
	res.Requests, res.RequestsByMethod, res.FailedRequests = t.Requests, t.ByMethod, t.Failed
	res.BytesSent, res.BytesReceived = t.BytesSent, t.BytesReceived
	if t.Patch.Requests > 0 {
		p := PatchSummary(t.Patch)
		res.Patch = &p
	}
}

func (r *runner) progress(res *Result) {
	fmt.Fprintf(r.cfg.Progress, "    %.2f s (CPU %.2f s, provider %.2f s), %d requests, %s sent, %s received, provider peak %s, terraform peak %s\n",
		res.WallSeconds, res.CPUSeconds, res.ProviderCPUSeconds, res.Requests, humanBytes(res.BytesSent),
		humanBytes(res.BytesReceived), humanBytes(res.ProviderPeakBytes), humanBytes(res.TerraformPeakBytes))
}

// judge records a budget over the given results.
func (r *runner) judge(name, want, got string, pass bool, rows ...string) {
	r.record(Budget{Rows: rows, Name: name, Want: want, Got: got, Pass: pass})
}

// judgeTimed records a budget on time or memory. In quick mode it is
// advisory: at small sizes such budgets measure the provider's start-up,
// the garbage collector and the neighbours on the machine, not growth.
func (r *runner) judgeTimed(name, want, got string, pass bool, rows ...string) {
	r.record(Budget{Rows: rows, Name: name, Want: want, Got: got, Pass: pass, Advisory: r.cfg.Mode == "quick"})
}

func (r *runner) record(b Budget) {
	r.rep.Budgets = append(r.rep.Budgets, b)
	if !b.Pass {
		note := ""
		if b.Advisory {
			note = " (advisory)"
		}
		fmt.Fprintf(r.cfg.Progress, "    MISS%s %s: want %s, got %s\n", note, b.Name, b.Want, b.Got)
	}
}

// judgeEmptyPlan: a refresh right after apply must find nothing to change;
// otherwise the provider reports drift that is not there.
func (r *runner) judgeEmptyPlan(res *Result) {
	got := "no changes"
	if res.ExitCode != 0 {
		got = fmt.Sprintf("changes (exit %d; see the plan log)", res.ExitCode)
	}
	r.judge("plan after apply is empty", "no changes", got, res.ExitCode == 0, res.ID)
}

// judgeRequests: exactly want requests, all answered with success.
func (r *runner) judgeRequests(name string, res *Result, want int) {
	got := fmt.Sprintf("%d (%s)", res.Requests, methods(res.RequestsByMethod))
	if res.FailedRequests > 0 {
		got += fmt.Sprintf(", %d failed", res.FailedRequests)
	}
	r.judge(name, fmt.Sprint(want), got, res.Requests == want && res.FailedRequests == 0, res.ID)
}

func (r *runner) workdir(name string) (string, error) {
	dir := filepath.Join(r.work, name)
	return dir, os.MkdirAll(dir, 0o750)
}
