// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest/tfcli"
)

// CLI runs the real Terraform CLI against the provider binary built from this
// source tree, the way a user's machine runs it: Terraform starts one provider
// process per provider configuration. terraform-plugin-testing serves the
// provider in process instead, where every alias shares one server and so one
// configuration; tests of provider aliases, and of whole example
// configurations, use CLI.
type CLI struct {
	t   *testing.T
	Dir string
	bin string
	env []string
}

var (
	buildOnce sync.Once
	builtDir  string
	buildErr  error
)

// providerBinaryDir builds the provider once per test process.
func providerBinaryDir() (string, error) {
	buildOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		builtDir, buildErr = os.MkdirTemp("", "dbt-provider-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(builtDir, "terraform-provider-dbt"), ".") //nolint:gosec,noctx // a fixed build of this module
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %w\n%s", err, out)
		}
	})
	return builtDir, buildErr
}

// NewCLI prepares a working directory and a CLI configuration whose
// dev_overrides point at the freshly built provider. env is added to the
// environment of every command (provider settings such as DBT_CLOUD_TOKEN).
func NewCLI(t *testing.T, env map[string]string) *CLI {
	t.Helper()
	bin, err := tfcli.Binary()
	if err != nil {
		t.Fatal(err)
	}
	provDir, err := providerBinaryDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	if err := tfcli.WriteConfig(rc, provDir); err != nil {
		t.Fatal(err)
	}
	c := &CLI{t: t, Dir: dir, bin: bin, env: tfcli.CleanEnv("TF_CLI_CONFIG_FILE=" + rc)}
	for k, v := range env {
		c.env = append(c.env, k+"="+v)
	}
	return c
}

// Write puts one configuration file, main.tf, in the working directory.
func (c *CLI) Write(config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, "main.tf"), []byte(config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Run runs one Terraform command and returns its combined output and exit code.
func (c *CLI) Run(env []string, args ...string) (string, int) {
	c.t.Helper()
	res := tfcli.Run(c.t.Context(), tfcli.Command{
		Bin: c.bin, Dir: c.Dir, Args: append(args, "-no-color"), Env: append(slices.Clone(c.env), env...),
	})
	if res.Err != nil {
		c.t.Fatalf("running terraform %v: %v", args, res.Err)
	}
	return res.Output, res.Code
}

// MustRun runs a command that has to succeed.
func (c *CLI) MustRun(args ...string) string {
	c.t.Helper()
	out, code := c.Run(nil, args...)
	if code != 0 {
		c.t.Fatalf("terraform %s failed (exit %d):\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// ExpectEmptyPlan fails the test unless a plan has nothing to do.
func (c *CLI) ExpectEmptyPlan() {
	c.t.Helper()
	out, code := c.Run(nil, "plan", "-input=false", "-detailed-exitcode")
	if code != 0 {
		c.t.Fatalf("plan is not empty (exit %d):\n%s", code, out)
	}
}

// StateResource is one resource instance of `terraform show -json`.
type StateResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

// Resources returns the state's root module resources by address.
func (c *CLI) Resources() map[string]StateResource {
	c.t.Helper()
	out, code := c.Run(nil, "show", "-json")
	if code != 0 {
		c.t.Fatalf("terraform show -json failed:\n%s", out)
	}
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []StateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		c.t.Fatalf("decoding terraform show -json: %v", err)
	}
	res := map[string]StateResource{}
	for _, r := range doc.Values.RootModule.Resources {
		res[r.Address] = r
	}
	return res
}

// WriteFile puts one more file in the working directory, such as a
// .tfquery.hcl file for `terraform query`.
func (c *CLI) WriteFile(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// ReadFile returns a file of the working directory, such as configuration
// Terraform generated.
func (c *CLI) ReadFile(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.Dir, name)) //nolint:gosec // a file of the test's own working directory
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// SkipBelow skips the test, saying why, when the CLI is older than min
// (such as "1.14.0" for `terraform query`).
func (c *CLI) SkipBelow(minVersion, why string) {
	c.t.Helper()
	out, code := c.Run(nil, "version", "-json")
	var v struct {
		Version string `json:"terraform_version"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
		c.t.Fatalf("terraform version -json failed:\n%s", out)
	}
	have, err := version.NewVersion(v.Version)
	if err != nil {
		c.t.Fatalf("terraform version %q: %v", v.Version, err)
	}
	if have.LessThan(version.Must(version.NewVersion(minVersion))) {
		c.t.Skipf("%s needs Terraform %s or later; this CLI is %s (make test-latest runs it on the newest)", why, minVersion, have)
	}
}
