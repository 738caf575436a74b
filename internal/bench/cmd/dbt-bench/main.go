// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Command dbt-bench measures the provider at scale with the real Terraform
// CLI against an in-process dbt emulator, and checks the budgets.
//
//	go run ./internal/bench/cmd/dbt-bench           # the full sizes (make bench)
//	go run ./internal/bench/cmd/dbt-bench -quick    # small sizes, under a minute
//
// It writes results.md (also printed) and results.json into -out. It exits 0
// when every budget is met, 1 when one is missed, 2 when a scenario could
// not run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/bench"
)

func main() {
	bench.MaybeRunDriver() // when started by the harness as its provider driver
	os.Exit(run())
}

func run() int {
	quick := flag.Bool("quick", false, "small sizes: the same scenarios in under a minute")
	out := flag.String("out", "", "directory for results.md, results.json and the work directories (default <repo>/bench/out)")
	root := flag.String("root", "", "the repository root (default: found from the working directory)")
	terraform := flag.String("terraform", "", "the terraform binary (default $TERRAFORM, $TF_ACC_TERRAFORM_PATH, scripts/tool.sh terraform, PATH)")
	parallelism := flag.Int("parallelism", 0, "terraform -parallelism, for ours and the baseline alike (default 10)")
	sizes := flag.String("group-sizes", "", "comma-separated member counts for a and b end to end through Terraform, e.g. 1000,2500,5000")
	providerSizes := flag.String("provider-sizes", "", "comma-separated member counts for a through the provider driver, e.g. 10000,25000,50000")
	changeSizes := flag.String("provider-change-sizes", "", "comma-separated member counts, among -provider-sizes, for b through the provider driver")
	users := flag.Int("users", 0, "c, d: dbt_scim_user resources")
	groups := flag.Int("groups", 0, "c, d: dbt_scim_group resources")
	members := flag.Int("members-per-group", 0, "c, d: members of each group")
	dsUsers := flag.Int("data-source-users", 0, "e: users listed by the dbt_scim_users data source")
	adoptUsers := flag.Int("adopt-users", 0, "f: users adopted with terraform query")
	adoptGroups := flag.Int("adopt-groups", 0, "f: groups adopted with terraform query")
	latest := flag.String("terraform-latest", "", "the Terraform (1.14 or later) that runs f (default $TERRAFORM_LATEST, scripts/tool.sh terraform-latest)")
	only := flag.String("only", "", "comma-separated scenario groups to run: group (a, b end to end), provider (a, b through the driver), fleet (c, d), users (e), adopt (f); default all")
	profile := flag.Bool("profile", false, "write a CPU profile of each provider driver process into <out>/work/provider")
	timeout := flag.Duration("timeout", 0, "limit for one terraform command (default 15m, 3m with -quick)")
	flag.Parse()

	cfg := bench.Full()
	if *quick {
		cfg = bench.Quick()
	}
	cfg.Root, cfg.OutDir, cfg.Terraform, cfg.Progress, cfg.Profile = *root, *out, *terraform, os.Stderr, *profile
	cfg.TerraformLatest = *latest
	for _, o := range []struct {
		flag int
		dst  *int
	}{{*parallelism, &cfg.Parallelism}, {*users, &cfg.Users}, {*groups, &cfg.Groups}, {*members, &cfg.MembersPerGroup}, {*dsUsers, &cfg.DataSourceUsers}, {*adoptUsers, &cfg.AdoptUsers}, {*adoptGroups, &cfg.AdoptGroups}} {
		if o.flag != 0 {
			*o.dst = o.flag
		}
	}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	if *timeout != 0 {
		cfg.Timeout = *timeout
	}
	for _, o := range []struct {
		name, flag string
		dst        *[]int
	}{{"group-sizes", *sizes, &cfg.GroupSizes}, {"provider-sizes", *providerSizes, &cfg.ProviderSizes}, {"provider-change-sizes", *changeSizes, &cfg.ProviderChangeSizes}} {
		if o.flag == "" {
			continue
		}
		*o.dst = nil
		for _, s := range strings.Split(o.flag, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				fmt.Fprintf(os.Stderr, "dbt-bench: -%s: %q is not a number\n", o.name, s)
				return 2
			}
			*o.dst = append(*o.dst, n)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	began := time.Now()
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbt-bench: %v\n", err)
		return 2
	}
	dir := *out
	if dir == "" {
		dir = rep.OutDir
	}
	if err := rep.Write(dir); err != nil {
		fmt.Fprintf(os.Stderr, "dbt-bench: writing the results: %v\n", err)
		return 2
	}
	fmt.Println()
	rep.Markdown(os.Stdout)
	fmt.Fprintf(os.Stderr, "\nwrote %s/results.md and results.json in %v\n", dir, time.Since(began).Round(time.Second))
	switch {
	case len(rep.Errors) > 0:
		return 2
	case len(rep.Misses()) > 0:
		return 1
	}
	return 0
}
