// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest/tfcli"
)

// cli runs the real Terraform CLI against the provider binary the harness
// built, through a dev_overrides CLI configuration: no init, no registry,
// and the binary Terraform starts is exactly the one whose memory is sampled.
type cli struct {
	terraform   string // absolute path of the terraform binary
	provider    string // absolute path of the provider binary
	env         []string
	parallelism int
	timeout     time.Duration
}

// providerAddress is the provider's source address in configurations.
const providerAddress = tfcli.ProviderSource

func newCLI(terraform, provider, outDir string, parallelism int, timeout time.Duration) (*cli, error) {
	rc := filepath.Join(outDir, "dev.tfrc")
	if err := tfcli.WriteConfig(rc, filepath.Dir(provider)); err != nil {
		return nil, err
	}
	env := tfcli.CleanEnv("TF_CLI_CONFIG_FILE=" + rc)
	return &cli{terraform: terraform, provider: provider, env: env, parallelism: parallelism, timeout: timeout}, nil
}

// cleanEnv is this process's environment without TF_*, CHECKPOINT_* and
// DBT_* variables, which would change the measurement or send it to a real
// account (tfcli.CleanEnv).
func cleanEnv() []string { return tfcli.CleanEnv() }

// run is one Terraform command as measured.
type run struct {
	Wall     time.Duration
	CPU      time.Duration // user+system of terraform and the children it waited for (the provider)
	ExitCode int
	Peaks    peaks
	Output   string // path of the file holding stdout and stderr
}

// plan runs `terraform plan -detailed-exitcode`: exit 0 means no changes,
// 2 means changes, anything else is a failure.
func (c *cli) plan(ctx context.Context, dir, logName string, env []string) (run, error) {
	r, err := c.exec(ctx, dir, logName, env, "plan", "-input=false", "-no-color", "-detailed-exitcode",
		"-parallelism="+strconv.Itoa(c.parallelism))
	if err == nil && r.ExitCode != 0 && r.ExitCode != 2 {
		err = c.failed(r, "plan")
	}
	return r, err
}

// apply runs `terraform apply -auto-approve`.
func (c *cli) apply(ctx context.Context, dir, logName string, env []string) (run, error) {
	r, err := c.exec(ctx, dir, logName, env, "apply", "-input=false", "-no-color", "-auto-approve",
		"-parallelism="+strconv.Itoa(c.parallelism))
	if err == nil && r.ExitCode != 0 {
		err = c.failed(r, "apply")
	}
	return r, err
}

// query runs `terraform query -generate-config-out=adopted.tf` (Terraform 1.14+).
func (c *cli) query(ctx context.Context, dir, logName string, env []string) (run, error) {
	r, err := c.exec(ctx, dir, logName, env, "query", "-no-color", "-generate-config-out=adopted.tf")
	if err == nil && r.ExitCode != 0 {
		err = c.failed(r, "query")
	}
	return r, err
}

func (c *cli) failed(r run, what string) error {
	out, _ := os.ReadFile(r.Output)
	tail := string(out)
	if len(tail) > 3000 {
		tail = "…" + tail[len(tail)-3000:]
	}
	return fmt.Errorf("terraform %s exited %d (output in %s):\n%s", what, r.ExitCode, r.Output, tail)
}

// exec runs terraform with args in dir, its output in dir/logName.log,
// sampling the memory of terraform and the provider; env is added to the
// harness's cleaned environment.
func (c *cli) exec(ctx context.Context, dir, logName string, env []string, args ...string) (run, error) {
	out, err := os.Create(filepath.Join(dir, logName+".log")) //nolint:gosec // in the harness's own work directory
	if err != nil {
		return run{}, err
	}
	defer func() { _ = out.Close() }()
	var s *memSampler
	res := tfcli.Run(ctx, tfcli.Command{
		Bin: c.terraform, Dir: dir, Args: args, Env: append(slices.Clone(c.env), env...), Timeout: c.timeout,
		Output:  out,
		Started: func(pid int) { s = startMemSampler(c.provider, c.terraform, pid) },
	})
	r := run{Wall: res.Elapsed, CPU: res.CPU, ExitCode: res.Code, Output: out.Name()}
	if s != nil {
		r.Peaks = s.Stop()
	}
	if res.Err != nil {
		return r, fmt.Errorf("terraform %s in %s: %w", args[0], dir, res.Err)
	}
	return r, nil
}

// version is `terraform version`, e.g. "1.5.7".
func (c *cli) version(ctx context.Context) string { return tfcli.Version(ctx, c.terraform) }
