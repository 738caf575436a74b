terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
    azuread = {
      source  = "hashicorp/azuread"
      version = "~> 3.9"
    }
  }
}

resource "dbt_scim_settings" "this" {
  enabled = true
  # dbt maps licenses from SCIM only for Okta; with Entra ID, licenses are
  # managed in dbt. Leave SCIM-controlled license types off.
  scim_controlled_license_type = false
}

resource "dbt_scim_token" "entra" {
  name            = "entra-id"
  rotation_period = "2160h"

  depends_on = [dbt_scim_settings.this]

  lifecycle {
    create_before_destroy = true
  }
}

# The dbt enterprise application: a non-gallery app, made from Microsoft's
# non-gallery application template. Its service_principal_id is in the form
# azuread's synchronization resources require: /servicePrincipals/<object id>.
# If you set up SSO by hand already, use data.azuread_service_principal's `id`
# (not `object_id`) instead.
resource "azuread_application_from_template" "dbt" {
  display_name = "dbt"
  template_id  = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"
}

# The provisioning credentials Entra ID uses: the tenant URL (BaseAddress)
# and the secret token (SecretToken). A rotation rewrites them in the same
# apply, before the old token is deleted.
resource "azuread_synchronization_secret" "dbt" {
  service_principal_id = azuread_application_from_template.dbt.service_principal_id

  credential {
    key   = "BaseAddress"
    value = dbt_scim_settings.this.scim_base_url
  }
  credential {
    key   = "SecretToken"
    value = dbt_scim_token.entra.token
  }
}

# The provisioning job, started. "scim" is the synchronization template of a
# non-gallery app (GET /servicePrincipals/{id}/synchronization/templates lists
# an app's templates).
resource "azuread_synchronization_job" "dbt" {
  service_principal_id = azuread_application_from_template.dbt.service_principal_id
  template_id          = "scim"
  enabled              = true

  depends_on = [azuread_synchronization_secret.dbt]
}
