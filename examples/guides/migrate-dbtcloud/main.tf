terraform {
  required_version = ">= 1.8"
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

# The same credentials dbtcloud used: DBT_CLOUD_HOST_URL, DBT_CLOUD_ACCOUNT_ID
# and DBT_CLOUD_TOKEN are read by both providers.
provider "dbt" {}

# Was: resource "dbtcloud_scim_config" "this" { ... }
moved {
  from = dbtcloud_scim_config.this
  to   = dbt_scim_settings.this
}

resource "dbt_scim_settings" "this" {
  enabled                      = true
  manual_updates_allowed       = false
  scim_controlled_license_type = false
}

# Was: resource "dbtcloud_scim_config_token" "okta" { name = "okta" }
# The token keeps its id and its value: the IdP goes on using it.
moved {
  from = dbtcloud_scim_config_token.okta
  to   = dbt_scim_token.okta
}

resource "dbt_scim_token" "okta" {
  name = "okta"
}
