# Rotated every 90 days, in one apply: the new token is created, the IdP's
# configuration is updated with it, and only then is the old token deleted.
resource "dbt_scim_token" "okta" {
  name            = "okta"
  rotation_period = "2160h"

  lifecycle {
    create_before_destroy = true
  }
}

# Or rotate on your own schedule, for example with the time provider.
resource "time_rotating" "entra" {
  rotation_days = 60
}

resource "dbt_scim_token" "entra" {
  name = "entra-id"
  rotate_when_changed = {
    rotation = time_rotating.entra.id
  }

  lifecycle {
    create_before_destroy = true
  }
}
