terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

provider "dbt" {}

# SCIM on, and licenses set over SCIM: a group takes only licensed users.
resource "dbt_scim_settings" "this" {
  enabled                      = true
  scim_controlled_license_type = true
}

# userName is the email the person signs in to dbt with, exactly.
resource "dbt_scim_user" "ada" {
  user_name    = "ada@example.com"
  given_name   = "Ada"
  family_name  = "Lovelace"
  license_type = "developer"

  depends_on = [dbt_scim_settings.this]
}

resource "dbt_scim_user" "grace" {
  user_name    = "grace@example.com"
  given_name   = "Grace"
  family_name  = "Hopper"
  license_type = "read_only"

  depends_on = [dbt_scim_settings.this]
}

# The group is created, then its members are added; it is named as the dbt
# group whose permissions it carries.
resource "dbt_scim_group" "analysts" {
  display_name = "Analysts"
  members = [
    dbt_scim_user.ada.id,
    dbt_scim_user.grace.id,
  ]
}
