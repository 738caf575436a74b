package provider_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// The quickstart, applied with TF_LOG=TRACE: no admin token, SCIM token or
// minted token value may appear in any log line, Terraform's or ours.
func TestAccSecrets_notInTraceLogs(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	quickstart, err := os.ReadFile(filepath.Join("..", "..", "examples", "quickstart", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "trace.log")
	clearProviderEnv(t)
	t.Setenv("DBT_CLOUD_HOST_URL", srv.HostURL())
	t.Setenv("DBT_CLOUD_ACCOUNT_ID", "1")
	t.Setenv("DBT_CLOUD_TOKEN", acctest.AdminToken)
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "dbt-scim") // the quickstart's source address
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)

	secrets := map[string]string{"admin token": acctest.AdminToken}
	collect := func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if v := rs.Primary.Attributes["token"]; v != "" {
				secrets[addr+".token"] = v
			}
		}
		return nil
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{Config: string(quickstart), Check: collect},
			{Config: string(quickstart), Check: collect}, // a refresh and a plan over the minted token
		},
	})

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// The test is only worth something if the logs are the detailed ones.
	for _, want := range []string{"[TRACE]", "/scim-config/tokens"} {
		if !bytes.Contains(logs, []byte(want)) {
			t.Fatalf("trace log (%d bytes) lacks %q: not a TRACE log of the provider's requests", len(logs), want)
		}
	}
	if len(secrets) < 2 {
		t.Fatalf("no minted token found in state: %v", keys(secrets))
	}
	for what, v := range secrets {
		if i := bytes.Index(logs, []byte(v)); i >= 0 {
			t.Errorf("the %s appears in the TRACE log at byte %d", what, i)
		}
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, fmt.Sprint(k))
	}
	return out
}
