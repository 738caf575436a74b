// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// Every resource has an identity (Terraform 1.12+): the account and the
// object's ids, recorded on create, and enough for an `import` block with
// `identity = {…}` to adopt the object again. Older CLIs are covered by the
// rest of the suite, which runs unchanged on Terraform 1.5.7 and OpenTofu.
func TestAccIdentity_everyResource(t *testing.T) {
	acctest.PreCheck(t)
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
	acct := knownvalue.Int64Exact(e.AccountID())
	config := acctest.DirectoryProviderBlock(srv) + `
resource "dbt_scim_settings" "this" {}

resource "dbt_scim_token" "okta" {
  name = "okta"
}

# Settings are destroyed last: turning SCIM off first would refuse the rest.
resource "dbt_scim_user" "ada" {
  user_name  = "ada@example.com"
  given_name = "Ada"
  depends_on = [dbt_scim_settings.this]
}

resource "dbt_scim_group" "analysts" {
  display_name = "Analysts"
  external_id  = "okta-analysts"
  depends_on   = [dbt_scim_settings.this]
}

resource "dbt_scim_group_member" "ada" {
  group_id = dbt_scim_group.analysts.id
  user_id  = dbt_scim_user.ada.id
}
`
	ids := func(addr string) statecheck.StateCheck {
		return statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id"))
	}
	importStep := func(addr string) resource.TestStep {
		return resource.TestStep{
			Config:          config,
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("dbt_scim_settings.this", map[string]knownvalue.Check{"account_id": acct}),
					statecheck.ExpectIdentity("dbt_scim_token.okta", map[string]knownvalue.Check{
						"account_id": acct, "id": knownvalue.StringRegexp(regexp.MustCompile(`^[0-9]+$`)),
					}),
					ids("dbt_scim_token.okta"),
					ids("dbt_scim_user.ada"),
					ids("dbt_scim_group.analysts"),
					statecheck.ExpectIdentity("dbt_scim_user.ada", map[string]knownvalue.Check{
						"account_id": acct, "id": knownvalue.NotNull(),
					}),
					statecheck.ExpectIdentityValueMatchesStateAtPath("dbt_scim_group_member.ada",
						tfjsonpath.New("group_id"), tfjsonpath.New("group_id")),
					statecheck.ExpectIdentityValueMatchesStateAtPath("dbt_scim_group_member.ada",
						tfjsonpath.New("user_id"), tfjsonpath.New("user_id")),
				},
			},
			importStep("dbt_scim_settings.this"),
			// The token's identity import plans an update (its value is unknown
			// after any import): TestAccSCIMToken_importHasNoValue covers it.
			importStep("dbt_scim_user.ada"),
			importStep("dbt_scim_group.analysts"),
			importStep("dbt_scim_group_member.ada"),
			{
				// An identity copied from another account's state adopts nothing.
				Config: config + fmt.Sprintf(`
import {
  to       = dbt_scim_user.elsewhere
  identity = { account_id = %d, id = "1" }
}

resource "dbt_scim_user" "elsewhere" {
  user_name = "someone@example.com"
}
`, e.AccountID()+1),
				ExpectError: regexp.MustCompile(`Identity names another dbt account`),
			},
		},
	})
}
