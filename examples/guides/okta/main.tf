terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
    okta = {
      source  = "okta/okta"
      version = "~> 6.12"
    }
  }
}

variable "okta_dbt_app_label" {
  description = "The label of the SAML 2.0 app you created in Okta for dbt's SSO (dbt's \"Set up SSO with Okta\")."
  type        = string
  default     = "dbt"
}

variable "okta_provisioning_configured" {
  description = "Set to true once the SCIM base URL and token are saved in the app's Provisioning tab (see the guide)."
  type        = bool
  default     = false
}

resource "dbt_scim_settings" "this" {
  enabled = true
  # dbt maps licenses from SCIM only for Okta: add a licenseType attribute to
  # the app's profile and map it (see the guide).
  scim_controlled_license_type = true
}

# Overlap mode: Terraform cannot write this token into Okta, so a rotation
# keeps the previous token working for 7 days while someone pastes the new
# one into the Okta Admin Console. The first apply after that deletes it.
resource "dbt_scim_token" "okta" {
  name                     = "okta"
  rotation_period          = "2160h"
  previous_token_retention = "168h"

  depends_on = [dbt_scim_settings.this]
}

# Paste these into the app's Provisioning > Integration settings:
#   terraform output -raw scim_base_url
#   terraform output -raw scim_token
output "scim_base_url" {
  value = dbt_scim_settings.this.scim_base_url
}

output "scim_token" {
  value     = dbt_scim_token.okta.token
  sensitive = true
}

# Which token is still live after a rotation, and until when.
output "previous_scim_token" {
  value = {
    id         = dbt_scim_token.okta.previous_token_id
    expires_at = dbt_scim_token.okta.previous_token_expires_at
  }
}

# What Terraform can do in Okta: decide who is provisioned, and which groups
# are pushed to dbt.
data "okta_app_saml" "dbt" {
  label = var.okta_dbt_app_label
}

resource "okta_group" "dbt_analysts" {
  name        = "dbt Analysts"
  description = "Provisioned into dbt over SCIM."
}

# Members of an assigned group are provisioned into dbt.
resource "okta_app_group_assignment" "dbt_analysts" {
  app_id   = data.okta_app_saml.dbt.id
  group_id = okta_group.dbt_analysts.id
}

# Push the group to dbt, where it becomes a SCIM group. Okta can push groups
# only once provisioning is configured, hence the switch.
resource "okta_push_group" "dbt_analysts" {
  count = var.okta_provisioning_configured ? 1 : 0

  app_id          = data.okta_app_saml.dbt.id
  source_group_id = okta_group.dbt_analysts.id
  status          = "ACTIVE"
  # The default (true) deletes the group in dbt when this mapping is destroyed.
  delete_target_group_on_destroy = false

  depends_on = [okta_app_group_assignment.dbt_analysts]
}
