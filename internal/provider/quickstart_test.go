// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// quickstartRun is what one pass over examples/quickstart left behind.
type quickstartRun struct {
	outputs []string          // every command's output
	secrets map[string]string // every token value seen in state, by what it was
}

// runQuickstart applies examples/quickstart with the real CLI and the built
// provider, as `make demo` does, then rotates the token that Terraform itself
// uses for SCIM (the directory provider depends on it), and destroys. extraEnv
// goes to every command.
func runQuickstart(t *testing.T, srv *emulator.Server, extraEnv map[string]string) quickstartRun {
	t.Helper()
	quickstart, err := os.ReadFile(filepath.Join("..", "..", "examples", "quickstart", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"DBT_CLOUD_HOST_URL":   srv.HostURL(),
		"DBT_CLOUD_ACCOUNT_ID": "1",
		"DBT_CLOUD_TOKEN":      acctest.AdminToken,
	}
	for k, v := range extraEnv {
		env[k] = v
	}
	cli := acctest.NewCLI(t, env)
	cli.Write(string(quickstart))
	run := quickstartRun{secrets: map[string]string{"admin token": acctest.AdminToken}}
	collect := func() {
		for addr, r := range cli.Resources() {
			if v, ok := r.Values["token"].(string); ok && v != "" {
				run.secrets[addr+" "+r.Values["id"].(string)] = v
			}
		}
	}
	e := srv.Emulator

	run.outputs = append(run.outputs, cli.MustRun("apply", "-input=false", "-auto-approve"))
	collect()
	if n := len(e.Users()); n != 3 {
		t.Fatalf("dbt has %d users after the quickstart, want 3", n)
	}
	g, ok := e.GroupByDisplayName("Analytics Engineers")
	if !ok || len(g.Members) != 2 {
		t.Fatalf("group after the quickstart: %+v (exists %v), want 2 members", g, ok)
	}
	if n := len(e.Tokens()); n != 2 {
		t.Fatalf("dbt has %d tokens after the quickstart, want 2", n)
	}
	cli.ExpectEmptyPlan()

	// Rotate the token the directory provider authenticates with: the plan
	// must not fail while that provider's configuration is unknown, and the
	// users and group must come through untouched.
	oldTokens := e.Tokens()
	out := cli.MustRun("apply", "-input=false", "-auto-approve", "-replace=dbt_scim_token.terraform")
	run.outputs = append(run.outputs, out)
	if !strings.Contains(out, "1 added, 0 changed, 1 destroyed") {
		t.Fatalf("rotation did more or less than replace one token:\n%s", out)
	}
	// Only the directory objects, whose provider waits for the new token,
	// skip their refresh; the admin side stays refreshed.
	if !strings.Contains(out, "Refresh skipped: SCIM token not known yet") ||
		strings.Contains(out, "provider configuration not known yet") {
		t.Fatalf("rotation plan refreshed the wrong objects:\n%s", out)
	}
	collect()
	for _, old := range oldTokens {
		if old.Name == "terraform" {
			if _, still := tokenByID(e, old.ID); still {
				t.Fatalf("the rotated token %d is still live", old.ID)
			}
		}
	}
	if n := len(e.Users()); n != 3 {
		t.Fatalf("dbt has %d users after rotation, want 3", n)
	}
	cli.ExpectEmptyPlan()

	run.outputs = append(run.outputs, cli.MustRun("destroy", "-input=false", "-auto-approve"))
	if n := len(e.Tokens()); n != 0 {
		t.Fatalf("%d tokens left after destroy", n)
	}
	for _, u := range e.Users() {
		if u.Active {
			t.Fatalf("user %s still active after destroy (destroy deactivates)", u.UserName)
		}
	}
	if _, ok := e.GroupByDisplayName("Analytics Engineers"); ok {
		t.Fatal("group left after destroy")
	}
	if e.SCIMConfig().Enabled {
		t.Fatal("SCIM still enabled after destroy")
	}
	return run
}

func tokenByID(e *emulator.Emulator, id int64) (emulator.Token, bool) {
	for _, tok := range e.Tokens() {
		if tok.ID == id {
			return tok, true
		}
	}
	return emulator.Token{}, false
}

func TestAccQuickstart_endToEnd(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	runQuickstart(t, acctest.Emulator(t, emulator.Config{}), nil)
}

// The quickstart under TF_LOG=TRACE: no admin token, SCIM token or minted
// token value may appear in any log line, Terraform's or the provider's, nor
// in any command's output.
func TestAccSecrets_notInTraceLogs(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	logPath := filepath.Join(t.TempDir(), "trace.log")
	run := runQuickstart(t, acctest.Emulator(t, emulator.Config{}), map[string]string{
		"TF_LOG": "TRACE", "TF_LOG_PATH": logPath,
	})
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// Worth something only if the log is the detailed one, with our requests.
	for _, want := range []string{"[TRACE]", "/scim-config/tokens", "/scim/v2/Users"} {
		if !strings.Contains(string(logs), want) {
			t.Fatalf("trace log (%d bytes) lacks %q", len(logs), want)
		}
	}
	if len(run.secrets) < 4 { // admin token, okta, terraform, rotated terraform
		t.Fatalf("only %d secrets collected", len(run.secrets))
	}
	haystacks := append([]string{string(logs)}, run.outputs...)
	for what, v := range run.secrets {
		for i, h := range haystacks {
			if strings.Contains(h, v) {
				t.Errorf("the %s appears in %s", what, map[bool]string{true: "the TRACE log", false: "a command's output"}[i == 0])
			}
		}
	}
}
