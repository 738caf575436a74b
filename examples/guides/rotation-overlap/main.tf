terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

provider "dbt" {}

# Overlap mode, for an identity provider Terraform does not configure (such as
# dbt's Okta app, whose provisioning settings only the Okta Admin Console can
# change). Every 90 days a new token is minted in place; the previous one keeps
# working for 7 more days, time to paste the new value into the IdP, and the
# first apply after that deletes it.
resource "dbt_scim_token" "okta" {
  name                     = "okta"
  rotation_period          = "2160h"
  previous_token_retention = "168h"
}

# terraform output -raw scim_token  (paste it into the IdP)
output "scim_token" {
  value     = dbt_scim_token.okta.token
  sensitive = true
}

# Which token is still live, and until when.
output "previous_token" {
  value = {
    id         = dbt_scim_token.okta.previous_token_id
    expires_at = dbt_scim_token.okta.previous_token_expires_at
  }
}
