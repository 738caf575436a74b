# A developer, provisioned through SCIM as Okta or Entra ID would. Destroying
# this resource deactivates the user in dbt (active = false); the user and
# their history stay. license_type takes effect while the account's
# dbt_scim_settings has scim_controlled_license_type = true.
resource "dbt_scim_user" "jane" {
  user_name    = "jane@example.com" # also sent as her primary work email
  given_name   = "Jane"
  family_name  = "Doe"
  external_id  = "00u1abcd2EFGH3ijk4l5" # her id in your identity provider
  license_type = "developer"
}

# A contractor whose license dbt decides (license_type unset: dbt's SCIM
# extension is not sent), deleted outright when removed from the
# configuration.
resource "dbt_scim_user" "contractor" {
  user_name         = "sam@contractor.example"
  given_name        = "Sam"
  family_name       = "Lee"
  delete_on_destroy = true
}

# Someone who left: keep the user, but they can no longer sign in.
resource "dbt_scim_user" "former" {
  user_name    = "alex@example.com"
  active       = false
  license_type = "read_only"
}

# A user that already exists in dbt, taken over by Terraform 1.5 or later.
import {
  to = dbt_scim_user.existing
  id = "userName=pat@example.com"
}

resource "dbt_scim_user" "existing" {
  user_name    = "pat@example.com"
  given_name   = "Pat"
  family_name  = "Kim"
  license_type = "analyst"
}
