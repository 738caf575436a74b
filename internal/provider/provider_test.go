// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// startEmulator is most tests' first line: skip unless acceptance tests
// run, then a dbt emulator of the test's own.
func startEmulator(t *testing.T) (*emulator.Server, *emulator.Emulator) {
	t.Helper()
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	return srv, srv.Emulator
}

// scimControlsLicenses turns on the account setting that lets SCIM set
// license types, for tests that set license_type: without it, dbt (and the
// emulator) ignore the licenseType a SCIM request carries.
func scimControlsLicenses(e *emulator.Emulator) {
	cfg := e.SCIMConfig()
	cfg.SCIMControlledLicenseType = true
	e.SetSCIMConfig(cfg)
}

// clearProviderEnv keeps the developer's own dbt environment out of these tests.
func clearProviderEnv(t *testing.T) {
	for _, k := range []string{"DBT_CLOUD_HOST_URL", "DBT_CLOUD_ACCOUNT_ID", "DBT_CLOUD_TOKEN", "DBT_SCIM_TOKEN", "DBT_SCIM_BASE_URL"} {
		t.Setenv(k, "")
	}
}

// The environment variables dbt's own provider uses configure this one too.
func TestAccProvider_environment(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{AccountID: 9})
	clearProviderEnv(t)
	t.Setenv("DBT_CLOUD_HOST_URL", srv.HostURL())
	t.Setenv("DBT_CLOUD_ACCOUNT_ID", "9")
	t.Setenv("DBT_CLOUD_TOKEN", acctest.AdminToken)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config: `data "dbt_scim_settings" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.dbt_scim_settings.this", tfjsonpath.New("id"), knownvalue.StringExact("9")),
			},
		}},
	})
}

func TestAccProvider_badConfiguration(t *testing.T) {
	srv, _ := startEmulator(t)
	clearProviderEnv(t)
	ds := `data "dbt_scim_settings" "this" {}`
	block := func(attrs string) string { return "provider \"dbt\" {\n" + attrs + "\n}\n" + ds }
	good := fmt.Sprintf("host_url = %q\naccount_id = 1\n", srv.HostURL())

	cases := []struct {
		name, config, want string
	}{
		{"missing token", block(good), `(?s)Missing dbt API token.*DBT_CLOUD_TOKEN`},
		{"missing account", block(fmt.Sprintf("host_url = %q\ntoken = \"x\"", srv.HostURL())), `(?s)Missing dbt account ID.*DBT_CLOUD_ACCOUNT_ID`},
		{"zero account", block(fmt.Sprintf("host_url = %q\naccount_id = 0\ntoken = \"x\"", srv.HostURL())), `(?s)account_id.*at least 1`},
		{"bad host", block("host_url = \"cloud.getdbt.com\"\naccount_id = 1\ntoken = \"x\""), `(?s)Invalid dbt host URL.*not an absolute https:// URL`},
		{"bad timeout", block(good + "token = \"x\"\nrequest_timeout = \"soon\""), `(?s)Invalid duration.*"soon" is not a duration`},
		{"negative retries", block(good + "token = \"x\"\nmax_retries = -1"), `(?s)max_retries.*between 0 and 20`},
		{"wrong token", block(good + "token = \"wrong\""), `(?s)401.*DBT_CLOUD_TOKEN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.Factories(),
				Steps:                    []resource.TestStep{{Config: c.config, ExpectError: regexp.MustCompile(c.want)}},
			})
		})
	}
}

func TestAccProvider_badAccountIDEnv(t *testing.T) {
	srv, _ := startEmulator(t)
	clearProviderEnv(t)
	t.Setenv("DBT_CLOUD_ACCOUNT_ID", "twelve")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"dbt\" {\n host_url = %q\n token = \"x\"\n}\ndata \"dbt_scim_settings\" \"this\" {}", srv.HostURL()),
			ExpectError: regexp.MustCompile(`(?s)Invalid dbt account ID.*DBT_CLOUD_ACCOUNT_ID`),
		}},
	})
}

// A provider block that depends on a value known only after apply must plan
// without crashing, and apply once the value is known.
func TestAccProvider_unknownAtPlan(t *testing.T) {
	srv, _ := startEmulator(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "token" {
  input = %q
}
provider "dbt" {
  host_url   = %q
  account_id = 1
  token      = terraform_data.token.output
}
resource "dbt_scim_settings" "this" {}
`, acctest.AdminToken, srv.HostURL()),
			Check: expectSCIMConfig(srv.Emulator, emulator.SCIMConfig{Enabled: true}),
		}},
	})
}

// Values from the environment meet the same URL rules as configured ones,
// and the diagnostic names the variable.
func TestAccProvider_insecureURLsFromEnvironment(t *testing.T) {
	acctest.PreCheck(t)
	clearProviderEnv(t)
	t.Setenv("DBT_CLOUD_HOST_URL", "http://dbt.example.com/api")
	t.Setenv("DBT_SCIM_BASE_URL", "https://ada:hunter2@dbt.example.com/api/v3/accounts/1/scim/v2")
	t.Setenv("DBT_SCIM_TOKEN", "scim")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: "provider \"dbt\" {\n account_id = 1\n token = \"x\"\n}\ndata \"dbt_scim_settings\" \"this\" {}",
				// The password is not repeated (validators' unit test checks it).
				ExpectError: regexp.MustCompile(`(?s)Invalid dbt host URL.*cleartext.*DBT_CLOUD_HOST_URL` +
					`.*Invalid SCIM base URL.*https://\*\*\*@dbt.example.com.*user\s+name\s+or\s+password.*DBT_SCIM_BASE_URL`),
			},
		},
	})
}

// A host that redirects is not followed: the plan fails naming the status
// and the Location, and the target (here the emulator itself) sees nothing,
// so no token travels to an address the configuration did not name.
func TestAccProvider_redirectRefused(t *testing.T) {
	srv, e := startEmulator(t)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirector.Close)
	e.ResetRequests()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"dbt\" {\n host_url = %q\n account_id = 1\n token = %q\n}\n"+
				"data \"dbt_scim_settings\" \"this\" {}", redirector.URL+"/api", acctest.AdminToken),
			ExpectError: regexp.MustCompile(`(?s)GET\s+` + regexp.QuoteMeta(redirector.URL+"/api/v3/accounts/1/") +
				`.*307 Temporary Redirect.*Location\s+` + regexp.QuoteMeta(srv.URL) +
				`.*does\s+not\s+follow\s+redirects.*host_url`),
		}},
	})
	if n := len(e.Requests()); n != 0 {
		t.Fatalf("the redirect target got %d requests", n)
	}
}
