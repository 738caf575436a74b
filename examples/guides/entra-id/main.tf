terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
    azuread = {
      source = "hashicorp/azuread"
    }
  }
}

variable "dbt_service_principal_id" {
  description = "The object ID of the dbt enterprise application's service principal in Entra ID."
  type        = string
}

resource "dbt_scim_settings" "this" {
  enabled                      = true
  scim_controlled_license_type = true
}

resource "dbt_scim_token" "entra" {
  name            = "entra-id"
  rotation_period = "2160h"

  depends_on = [dbt_scim_settings.this]

  lifecycle {
    create_before_destroy = true
  }
}

# The provisioning credentials Entra ID uses: the tenant URL (BaseAddress)
# and the secret token (SecretToken).
resource "azuread_synchronization_secret" "dbt" {
  service_principal_id = var.dbt_service_principal_id

  credential {
    key   = "BaseAddress"
    value = dbt_scim_settings.this.scim_base_url
  }
  credential {
    key   = "SecretToken"
    value = dbt_scim_token.entra.token
  }
}

# The provisioning job. "scim" is the template of a non-gallery application;
# list a gallery app's templates with Microsoft Graph
# (GET /servicePrincipals/{id}/synchronization/templates).
resource "azuread_synchronization_job" "dbt" {
  service_principal_id = var.dbt_service_principal_id
  template_id          = "scim"
  enabled              = true

  depends_on = [azuread_synchronization_secret.dbt]
}
