# Rotated every 90 days, in one apply: the new token is created, the IdP's
# configuration in this Terraform run (such as azuread_synchronization_secret)
# is updated with it, and only then is the old token deleted.
resource "dbt_scim_token" "entra" {
  name            = "entra-id"
  rotation_period = "2160h"

  lifecycle {
    create_before_destroy = true
  }
}

# Or rotate on your own schedule, for example with the time provider.
resource "time_rotating" "scim" {
  rotation_days = 60
}

resource "dbt_scim_token" "scheduled" {
  name = "scheduled"
  rotate_when_changed = {
    rotation = time_rotating.scim.id
  }

  lifecycle {
    create_before_destroy = true
  }
}

# For an IdP you update by hand (dbt's Okta app): overlap mode. A rotation
# mints the new token in place and keeps the previous one working for 7 days.
resource "dbt_scim_token" "okta" {
  name                     = "okta"
  rotation_period          = "2160h"
  previous_token_retention = "168h"
}
