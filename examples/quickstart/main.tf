# Quickstart: turn SCIM on, mint the token your identity provider uses, and
# read back the SCIM base URL to give it. `make demo` applies this against the
# local dbt emulator; against dbt, set DBT_CLOUD_HOST_URL, DBT_CLOUD_ACCOUNT_ID
# and DBT_CLOUD_TOKEN (an account-admin API token).
terraform {
  required_version = ">= 1.5"
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

provider "dbt" {}

resource "dbt_scim_settings" "this" {
  enabled                = true
  manual_updates_allowed = false
}

# The token Okta uses. It is replaced every 90 days; create_before_destroy
# makes the new token exist, and reach whatever uses it, before the old one
# is deleted.
resource "dbt_scim_token" "okta" {
  name            = "okta"
  rotation_period = "2160h"

  depends_on = [dbt_scim_settings.this]

  lifecycle {
    create_before_destroy = true
  }
}

data "dbt_scim_tokens" "all" {
  depends_on = [dbt_scim_token.okta]
}

output "scim_base_url" {
  description = "Give this to your identity provider as the SCIM base URL."
  value       = dbt_scim_settings.this.scim_base_url
}

output "okta_token" {
  description = "The SCIM token for Okta. Read it with `terraform output -raw okta_token`."
  value       = dbt_scim_token.okta.token
  sensitive   = true
}

output "scim_tokens" {
  description = "Every SCIM token on the account (names and dates, never values)."
  value       = { for t in data.dbt_scim_tokens.all.tokens : t.id => t.name }
}
