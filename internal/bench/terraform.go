package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
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
const providerAddress = "dbt-scim/dbt"

func newCLI(terraform, provider, outDir string, parallelism int, timeout time.Duration) (*cli, error) {
	rc := filepath.Join(outDir, "dev.tfrc")
	conf := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		providerAddress, filepath.Dir(provider))
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	env := cleanEnv()
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return &cli{terraform: terraform, provider: provider, env: env, parallelism: parallelism, timeout: timeout}, nil
}

// cleanEnv is this process's environment without what would change the
// measurement or its target: Terraform reads many TF_* variables (TF_LOG,
// TF_CLI_ARGS_plan, TF_DATA_DIR...), and the provider falls back to DBT_*
// variables for what a configuration leaves unset, such as
// DBT_SCIM_BASE_URL, which would send the benchmark to a real account.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "CHECKPOINT_") && !strings.HasPrefix(kv, "DBT_") {
			env = append(env, kv)
		}
	}
	return env
}

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

// exec runs terraform with args in dir; env is added to the harness's
// cleaned environment.
func (c *cli) exec(ctx context.Context, dir, logName string, env []string, args ...string) (run, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	out, err := os.Create(filepath.Join(dir, logName+".log")) //nolint:gosec // in the harness's own work directory
	if err != nil {
		return run{}, err
	}
	defer func() { _ = out.Close() }()
	cmd := exec.CommandContext(ctx, c.terraform, args...) //nolint:gosec // the harness's own terraform and arguments
	cmd.Dir = dir
	cmd.Env = append(slices.Clone(c.env), env...)
	cmd.Stdout = out
	cmd.Stderr = out
	// Terraform stops its providers on SIGINT; a kill would leave them
	// running (and sampled by the next command).
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second

	began := time.Now()
	if err := cmd.Start(); err != nil {
		return run{}, fmt.Errorf("starting %s: %w", c.terraform, err)
	}
	s := startMemSampler(c.provider, c.terraform, cmd.Process.Pid)
	waitErr := cmd.Wait()
	r := run{Wall: time.Since(began), Peaks: s.Stop(), Output: out.Name()}
	if ps := cmd.ProcessState; ps != nil {
		r.CPU = ps.UserTime() + ps.SystemTime()
		r.ExitCode = ps.ExitCode()
	}
	if ctx.Err() != nil {
		return r, fmt.Errorf("terraform %s in %s: %w after %v", args[0], dir, ctx.Err(), c.timeout)
	}
	var ee *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &ee) {
		return r, fmt.Errorf("terraform %s in %s: %w", args[0], dir, waitErr)
	}
	return r, nil
}

// version is `terraform version`, e.g. "1.5.7".
func (c *cli) version(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, c.terraform, "version", "-json").Output() //nolint:gosec // as above
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
