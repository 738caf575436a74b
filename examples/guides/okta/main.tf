terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
    okta = {
      source = "okta/okta"
    }
  }
}

variable "okta_dbt_app_id" {
  description = "The ID of the dbt app integration in Okta (from the Okta Integration Network)."
  type        = string
}

resource "dbt_scim_settings" "this" {
  enabled = true
  # Let Okta own license types through the licenseType attribute.
  scim_controlled_license_type = true
}

resource "dbt_scim_token" "okta" {
  name            = "okta"
  rotation_period = "2160h"

  depends_on = [dbt_scim_settings.this]

  lifecycle {
    create_before_destroy = true
  }
}

# Okta's provisioning connection for the dbt app: the SCIM connector base URL
# and the bearer token. When the token rotates, this is updated in the same
# apply, before the old token is deleted.
resource "okta_app_connection" "dbt" {
  id       = var.okta_dbt_app_id
  base_url = dbt_scim_settings.this.scim_base_url
  action   = "activate"

  profile {
    auth_scheme = "TOKEN"
    token       = dbt_scim_token.okta.token
  }
}
