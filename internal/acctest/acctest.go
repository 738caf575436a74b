// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package acctest runs acceptance tests the way users run the provider: the
// real Terraform (or OpenTofu) CLI, talking to the provider in process, with
// a local dbt emulator in process so each test can check dbt's side as well.
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
	"github.com/dbt-scim/terraform-provider-dbt/internal/provider"
)

// AdminToken is the emulator's admin token in tests.
const AdminToken = "acc-admin-token-0123456789" //nolint:gosec // the local emulator's test token

// PreCheck fails the test early, with a useful message, when no Terraform
// CLI can be found: the plugin-testing fallback downloads one, which this
// project's machines cannot do.
func PreCheck(t *testing.T) {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil { //nolint:gosec // the developer's own CLI path
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", p, err)
		}
		return
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("no Terraform CLI: run the suite with `make test`, which installs one, or set TF_ACC_TERRAFORM_PATH")
	}
}

// Emulator starts a dbt emulator for one test and stops it when the test ends.
func Emulator(t *testing.T, cfg emulator.Config) *emulator.Server {
	t.Helper()
	if cfg.AdminToken == "" {
		cfg.AdminToken = AdminToken
	}
	if cfg.AccountID == 0 {
		cfg.AccountID = 1
	}
	// Every request the provider sends must be one dbt's spec accepts: the
	// emulator refuses the others, so the test that sent one fails.
	if cfg.Spec == emulator.SpecOff {
		cfg.Spec = emulator.SpecEnforce
	}
	srv, err := emulator.Start(cfg)
	if err != nil {
		t.Fatalf("starting the dbt emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	// Responses are checked against dbt's spec too; they cannot be refused,
	// so a violation fails the test here.
	t.Cleanup(func() {
		for _, v := range srv.Emulator.SpecViolations() {
			t.Errorf("the emulator broke dbt's spec: %s", v.Problem)
		}
	})
	return srv
}

// ProviderBlock is the provider configuration that points at srv. Retries
// are kept but fast, so fault tests run in seconds.
func ProviderBlock(srv *emulator.Server) string {
	return fmt.Sprintf(`
provider "dbt" {
  host_url    = %q
  account_id  = %d
  token       = %q
  max_retries = 4
}
`, srv.HostURL(), srv.Emulator.AccountID(), AdminToken)
}

// Factories serves the provider in process, built with opts (a fake clock,
// short retry waits).
func Factories(opts ...provider.Option) map[string]func() (tfprotov6.ProviderServer, error) {
	opts = append([]provider.Option{provider.WithRetryWait(10*time.Millisecond, 200*time.Millisecond)}, opts...)
	return map[string]func() (tfprotov6.ProviderServer, error){
		"dbt": providerserver.NewProtocol6WithError(provider.New("test", opts...)()),
	}
}
