terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

# Rotation by age: the first plan after 90 days replaces the token.
resource "dbt_scim_token" "by_age" {
  name            = "entra-id"
  rotation_period = "2160h"

  lifecycle {
    create_before_destroy = true
  }
}

# Rotation on demand: bump the generation to rotate at the next apply.
variable "token_generation" {
  type    = number
  default = 1
}

resource "dbt_scim_token" "on_demand" {
  name = "entra-id"
  rotate_when_changed = {
    generation = tostring(var.token_generation)
  }

  lifecycle {
    create_before_destroy = true
  }
}
