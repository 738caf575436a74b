terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

# One import block per object: the group by its SCIM ID (or
# "displayName=<name>"), the user by the email that is their userName.
import {
  to = dbt_scim_group.analysts
  id = "displayName=Analysts"
}

resource "dbt_scim_group" "analysts" {
  display_name = "Analysts"
}

# A single user, by the email that is their SCIM userName.
import {
  to = dbt_scim_user.ada
  id = "userName=ada@example.com"
}

resource "dbt_scim_user" "ada" {
  user_name   = "ada@example.com"
  given_name  = "Ada"
  family_name = "Lovelace"
}
