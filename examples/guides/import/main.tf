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
  # The identity provider's id for the group, as it is in dbt (see
  # `terraform state show` after the import). Left unset, the next apply
  # removes it from the group in dbt.
  external_id = "00g1a2b3c4d5e6f7g8h9"
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
