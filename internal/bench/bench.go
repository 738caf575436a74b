// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package bench is the proof at scale: it builds the provider, serves an
// emulated dbt account in process, drives the real Terraform CLI through the
// scenarios below, and checks the results against the provider's budgets.
//
//	a. refresh (terraform plan) of one dbt_scim_group with authoritative
//	   members, at several group sizes, beside terraform_data holding the
//	   same ids as a set and as a list;
//	b. at each size, an apply that adds one member and one that removes one;
//	c. plan, apply and a refresh plan of many dbt_scim_group (with members)
//	   and dbt_scim_user (1,000 and 2,000 in full);
//	d. the same configuration shape built from terraform_data, in the same
//	   run, as the baseline of Terraform's own cost;
//	e. the dbt_scim_users data source over many users (20,000 in full);
//	f. adoption of an IdP-populated directory with `terraform query
//	   -generate-config-out` on the newest Terraform, then plan, apply and
//	   a refresh plan (2,000 users and 200 groups in full).
//
// a and b run twice: end to end through Terraform at sizes it finishes in
// minutes (1,000 to 5,000 members in full), and at 10,000, 25,000 and
// 50,000 members through a driver that makes Terraform's RPCs to the
// provider's code in a process of its own (driver.go). Both Terraform 1.5.7
// and the plugin framework spend time in the square of a set's size, so a
// 50,000-member group end to end would take most of an hour per command;
// BENCHMARKS.md has the numbers and the causes.
//
// Per command it records wall time, CPU time, HTTP requests and body bytes
// (from the emulator's request log), PATCH bodies (kept by a handler in
// front of the emulator), and the peak resident memory and CPU time of the
// provider processes Terraform starts (polled from /proc).
//
// The budgets: one HTTP request per resource per refresh (and per create
// and import); one PATCH with one operation naming one member for a
// one-member change, whatever the group's size; c within 1.5 times d's wall
// time, and a refresh within 1.5 times that of terraform_data holding the
// same set; provider memory and time, and refresh time, that grow linearly
// with the group's members; and, as a guard on all of these, plans that are
// empty after apply and a dbt account that holds what was configured.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Config sizes a run. Full and Quick are the two used; tests build others.
type Config struct {
	Mode        string // "full" or "quick"; recorded in the report
	Root        string // the module root; found from the working directory when ""
	OutDir      string // results and work directories; <Root>/bench/out when ""
	Terraform   string // the terraform binary; see findTerraform when ""
	Parallelism int    // terraform -parallelism, the same for ours and the baseline

	// GroupSizes are the member counts of a and b end to end, through the
	// real Terraform CLI; ProviderSizes those of a and b through the driver
	// (the provider's share alone). Terraform's own cost for a set grows
	// with the square of its size, which keeps GroupSizes small; see
	// BENCHMARKS.md.
	GroupSizes    []int
	ProviderSizes []int
	// ProviderChangeSizes are the ProviderSizes at which b runs through the
	// driver too; the provider's apply costs twice its refresh.
	ProviderChangeSizes []int
	Users               int // c, d: dbt_scim_user resources
	Groups              int // c, d: dbt_scim_group resources
	MembersPerGroup     int // c, d: members of each group
	DataSourceUsers     int // e: users the data source lists

	// f: the directory adopted with terraform query, and the Terraform
	// (1.14 or later) that runs it; see latestCLI when "".
	AdoptUsers, AdoptGroups, AdoptMembersPerGroup int
	TerraformLatest                               string

	// Only, when not empty, names the scenario groups to run: "group"
	// (a, b end to end), "provider" (a, b through the driver), "fleet" (c,
	// d), "users" (e) and "adopt" (f).
	Only []string

	// Profile makes every driver process write a CPU profile next to its
	// spec in <OutDir>/work/provider.
	Profile bool

	Timeout  time.Duration // per terraform command
	Progress io.Writer     // progress lines; nil for none
}

// Full is `make bench`: the sizes of the "Proof at scale" issue.
func Full() Config {
	return Config{
		Mode:                 "full",
		Parallelism:          10,
		GroupSizes:           []int{250, 1000, 2500, 5000},
		ProviderSizes:        []int{1000, 10000, 25000, 50000},
		ProviderChangeSizes:  []int{10000},
		Users:                2000,
		Groups:               1000,
		MembersPerGroup:      20,
		DataSourceUsers:      20000,
		AdoptUsers:           2000,
		AdoptGroups:          200,
		AdoptMembersPerGroup: 10,
		Timeout:              15 * time.Minute,
	}
}

// Quick is the same scenarios at sizes that run in well under a minute.
func Quick() Config {
	return Config{
		Mode:                 "quick",
		Parallelism:          10,
		GroupSizes:           []int{100, 250, 500, 1000},
		ProviderSizes:        []int{250, 1000, 2500, 5000},
		ProviderChangeSizes:  []int{1000},
		Users:                100,
		Groups:               50,
		MembersPerGroup:      20,
		DataSourceUsers:      2000,
		AdoptUsers:           100,
		AdoptGroups:          20,
		AdoptMembersPerGroup: 5,
		Timeout:              3 * time.Minute,
	}
}

func (c *Config) validate() error {
	if len(c.GroupSizes) == 0 || len(c.ProviderSizes) == 0 || c.Users < 1 || c.Groups < 1 || c.MembersPerGroup < 1 || c.DataSourceUsers < 1 ||
		c.AdoptUsers < 1 || c.AdoptGroups < 1 || c.AdoptMembersPerGroup > c.AdoptUsers {
		return errors.New("bench: every size must be positive, with at least one group size")
	}
	if c.MembersPerGroup > c.Users {
		return fmt.Errorf("bench: %d members per group from %d users", c.MembersPerGroup, c.Users)
	}
	for _, n := range slices.Concat(c.GroupSizes, c.ProviderSizes) {
		if n < 2 {
			return fmt.Errorf("bench: group size %d is too small to add and remove a member", n)
		}
	}
	if c.Parallelism < 1 {
		return errors.New("bench: parallelism must be at least 1")
	}
	if c.Timeout <= 0 {
		c.Timeout = 15 * time.Minute
	}
	return nil
}

// Run builds the provider, runs every scenario and evaluates the budgets. A
// scenario that fails is recorded in Report.Errors and the others still
// run; the error returned is for what stops the whole run (no build, no
// Terraform).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.GroupSizes = slices.Sorted(slices.Values(cfg.GroupSizes))
	cfg.ProviderSizes = slices.Sorted(slices.Values(cfg.ProviderSizes))
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	root := cfg.Root
	if root == "" {
		var err error
		if root, err = moduleRoot(); err != nil {
			return nil, err
		}
	}
	out := cfg.OutDir
	if out == "" {
		out = filepath.Join(root, "bench", "out")
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	work := filepath.Join(out, "work")
	if err := os.RemoveAll(work); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(out, "bin"), 0o750); err != nil {
		return nil, err
	}

	tf, err := findTerraform(ctx, root, cfg.Terraform)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Progress, "==> building the provider\n")
	provider := filepath.Join(out, "bin", "terraform-provider-dbt")
	build := exec.CommandContext(ctx, "go", "build", //nolint:gosec // go build of this module into our own directory
		"-trimpath", "-ldflags", "-X main.version=bench", "-o", provider, ".")
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %w\n%s", err, b)
	}
	c, err := newCLI(tf, provider, out, cfg.Parallelism, cfg.Timeout)
	if err != nil {
		return nil, err
	}

	r := &runner{cfg: cfg, cli: c, work: work, root: root, rep: &Report{
		Generated: time.Now().UTC().Truncate(time.Second),
		Mode:      cfg.Mode,
		OutDir:    out,
		Machine:   machine(ctx, c, root),
		Sizes: Sizes{
			GroupSizes: cfg.GroupSizes, ProviderSizes: cfg.ProviderSizes, ProviderChangeSizes: cfg.ProviderChangeSizes, Users: cfg.Users, Groups: cfg.Groups,
			MembersPerGroup: cfg.MembersPerGroup, DataSourceUsers: cfg.DataSourceUsers,
			AdoptUsers: cfg.AdoptUsers, AdoptGroups: cfg.AdoptGroups, AdoptMembersPerGroup: cfg.AdoptMembersPerGroup,
			Parallelism: cfg.Parallelism,
		},
	}}
	began := time.Now()
	for _, s := range []struct {
		key, name string
		fn        func(context.Context) error
	}{
		{"group", "a, b: one large group, end to end", r.largeGroup},
		{"provider", "a, b: one large group, the provider's share", r.providerGroup},
		{"fleet", "c, d: many resources, and the terraform_data baseline", r.fleet},
		{"users", "e: the dbt_scim_users data source", r.dataSource},
		{"adopt", "f: adopting a directory with terraform query", r.adopt},
	} {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, s.key) {
			continue
		}
		if err := s.fn(ctx); err != nil {
			r.rep.Errors = append(r.rep.Errors, fmt.Sprintf("%s: %v", s.name, err))
			fmt.Fprintf(cfg.Progress, "    FAILED: %v\n", err)
		}
		if cause := context.Cause(ctx); cause != nil {
			// Interrupted: what ran so far is still worth writing out.
			r.rep.Errors = append(r.rep.Errors, "interrupted: "+cause.Error())
			break
		}
	}
	r.judgeRatios()
	r.judgeGrowth()
	r.rep.finish()
	r.rep.TotalSeconds = seconds(time.Since(began))
	return r.rep, nil
}

// moduleRoot walks up from the working directory to go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("bench: no go.mod above the working directory; run from the repository or pass -root")
		}
		dir = parent
	}
}

// findTerraform is the binary given, else $TERRAFORM or
// $TF_ACC_TERRAFORM_PATH, else the project's pinned one (scripts/tool.sh
// installs it on first use), else terraform on PATH.
func findTerraform(ctx context.Context, root, given string) (string, error) {
	for _, p := range []string{given, os.Getenv("TERRAFORM"), os.Getenv("TF_ACC_TERRAFORM_PATH")} {
		if p != "" {
			return filepath.Abs(p)
		}
	}
	if out, err := exec.CommandContext(ctx, filepath.Join(root, "scripts", "tool.sh"), "terraform").Output(); err == nil { //nolint:gosec // the project's own script
		if p := strings.TrimSpace(string(out)); p != "" {
			return p, nil
		}
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("bench: no Terraform CLI: pass -terraform, or run `scripts/tool.sh terraform` once")
	}
	return filepath.Abs(p)
}

// machine describes where the numbers come from.
func machine(ctx context.Context, c *cli, root string) Machine {
	m := Machine{
		OS:        runtime.GOOS + "/" + runtime.GOARCH,
		CPUs:      runtime.NumCPU(),
		Go:        runtime.Version(),
		Terraform: c.version(ctx),
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Fscanf(f, "MemTotal: %d kB", &kb); err == nil {
			m.MemoryBytes = kb * 1024
		}
		_ = f.Close()
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	git := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	git.Dir = root
	if out, err := git.Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

func seconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}
