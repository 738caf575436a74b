// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package tfcli is the project's one driver of the Terraform (or OpenTofu)
// command line: the acceptance tests' CLI helpers, the fault campaign and the
// bench all run commands through it. It knows nothing of testing, so the
// bench binary can use it.
package tfcli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ProviderSource is the provider's source address in configurations.
const ProviderSource = "dbt-scim/dbt"

// Binary is the CLI the suite runs: TF_ACC_TERRAFORM_PATH, else terraform
// on PATH.
func Binary() (string, error) {
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin, nil
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("no Terraform CLI: set TF_ACC_TERRAFORM_PATH or run `make test`")
	}
	return bin, nil
}

// CleanEnv is this process's environment without what would change what is
// run or where it goes: Terraform reads many TF_* variables (TF_LOG,
// TF_CLI_ARGS_plan, TF_DATA_DIR, TF_CLI_CONFIG_FILE...), and the provider
// falls back to DBT_* variables, such as DBT_SCIM_BASE_URL, for what a
// configuration leaves unset. extra is appended, with the settings every run
// wants (no checkpoint calls, automation output).
func CleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "CHECKPOINT_") && !strings.HasPrefix(kv, "DBT_") {
			env = append(env, kv)
		}
	}
	env = append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return append(env, extra...)
}

// WriteConfig writes a CLI configuration file. With providerDir set, its
// dev_overrides point this provider's address (under both registries) at
// that directory; without, it is empty, so nothing from the machine (a
// plugin cache, credentials, overrides) changes what runs.
func WriteConfig(path, providerDir string) error {
	var conf string
	if providerDir != "" {
		conf = "provider_installation {\n  dev_overrides {\n"
		for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
			conf += fmt.Sprintf("    %q = %q\n", host+"/"+ProviderSource, providerDir)
		}
		conf += "  }\n  direct {}\n}\n"
	}
	return os.WriteFile(path, []byte(conf), 0o600)
}

// Command is one CLI run.
type Command struct {
	Bin     string
	Dir     string
	Env     []string // the whole environment of the command
	Args    []string
	Timeout time.Duration // 0: only ctx bounds it
	// Output, when set, receives stdout and stderr as they are written
	// (the bench's log file); Result.Output then stays empty.
	Output io.Writer
	// Started, when set, is called with the process id once it runs.
	Started func(pid int)
}

// Result is how a command ended.
type Result struct {
	Code    int    // exit code; -1 when it did not exit
	Output  string // stdout and stderr, interleaved
	Elapsed time.Duration
	CPU     time.Duration // user+system of the CLI and the children it waited for
	// Err is a failure to run or finish the command (not a non-zero exit).
	Err error
}

// Run runs c. Cancelling sends an interrupt, as a user's Ctrl-C would:
// Terraform then stops its providers instead of leaving them running.
func Run(ctx context.Context, c Command) Result {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, c.Bin, c.Args...) //nolint:gosec // the suite's own CLI and arguments
	cmd.Dir = c.Dir
	cmd.Env = c.Env
	var buf bytes.Buffer
	out := io.Writer(&buf)
	if c.Output != nil {
		out = c.Output
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second

	began := time.Now()
	if err := cmd.Start(); err != nil {
		return Result{Code: -1, Err: fmt.Errorf("starting %s: %w", c.Bin, err)}
	}
	if c.Started != nil {
		c.Started(cmd.Process.Pid)
	}
	waitErr := cmd.Wait()
	r := Result{Code: -1, Output: buf.String(), Elapsed: time.Since(began)}
	if ps := cmd.ProcessState; ps != nil {
		r.Code = ps.ExitCode()
		r.CPU = ps.UserTime() + ps.SystemTime()
	}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.Err = fmt.Errorf("%s %s: %w", c.Bin, firstArg(c.Args), ctx.Err())
	case waitErr != nil && !errors.As(waitErr, &exit):
		r.Err = fmt.Errorf("%s %s: %w", c.Bin, firstArg(c.Args), waitErr)
	}
	return r
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// Diagnostics lists the summaries of the diagnostics of a severity
// ("Error", "Warning") in the output, each with the first line of its detail.
func (r Result) Diagnostics(severity string) []string {
	var out []string
	lines := strings.Split(r.Output, "\n")
	for i, l := range lines {
		l = strings.TrimLeft(l, "│╷ ")
		if s, ok := strings.CutPrefix(l, severity+": "); ok {
			// The first line of the detail, past the "with", "on" and
			// source lines that locate the diagnostic.
			for _, next := range lines[i+1:] {
				next = strings.TrimSpace(strings.TrimLeft(next, "│╷╵ "))
				if next == "" || strings.HasPrefix(next, "with ") || strings.HasPrefix(next, "on ") ||
					(next[0] >= '0' && next[0] <= '9' && strings.Contains(next, ": ")) {
					continue
				}
				s += " — " + next
				break
			}
			out = append(out, s)
		}
	}
	return out
}

// Version is the CLI's version, such as "1.5.7", or "unknown".
func Version(ctx context.Context, bin string) string {
	out, err := exec.CommandContext(ctx, bin, "version", "-json").Output() //nolint:gosec // as above
	if err != nil {
		return "unknown"
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if json.Unmarshal(out, &v) != nil || v.Version == "" {
		return "unknown"
	}
	return v.Version
}
