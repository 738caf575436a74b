terraform {
  required_version = ">= 1.7"
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

provider "dbt" {}

# Forget dbtcloud's resources without destroying them: destroying
# dbtcloud_scim_config turns SCIM off, and destroying the token deletes it.
removed {
  from = dbtcloud_scim_config.this
  lifecycle {
    destroy = false
  }
}

removed {
  from = dbtcloud_scim_config_token.okta
  lifecycle {
    destroy = false
  }
}

# Adopt the same objects here.
import {
  to = dbt_scim_settings.this
  id = "12345" # your account ID
}

resource "dbt_scim_settings" "this" {}

import {
  to = dbt_scim_token.okta
  id = "42" # the token's ID, from dbtcloud's state or the dbt_scim_tokens data source
}

# An imported token's value is unknown to Terraform (dbt shows it only at
# creation). Rotate once, keeping the imported token working for a week while
# the IdP switches to the new value.
resource "dbt_scim_token" "okta" {
  name                     = "okta"
  rotate_when_changed      = { generation = "1" }
  previous_token_retention = "168h"
}
