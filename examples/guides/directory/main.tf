terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

provider "dbt" {}

# SCIM on, and licenses set over SCIM.
resource "dbt_scim_settings" "this" {
  enabled                      = true
  scim_controlled_license_type = true
}

locals {
  # user_name is the email each person signs in to dbt with, exactly,
  # including case: that is how dbt links people it already knows.
  people = {
    "ada@example.com"   = { given = "Ada", family = "Lovelace", license = "developer", groups = ["Analysts"] }
    "grace@example.com" = { given = "Grace", family = "Hopper", license = "read_only", groups = ["Analysts", "Engineers"] }
  }
  groups = toset(["Analysts", "Engineers"])

  # One membership per person and group, so that a person who has not yet
  # accepted dbt's invitation holds back only their own memberships.
  memberships = merge([
    for email, p in local.people : {
      for g in p.groups : "${g}/${email}" => { group = g, email = email }
    }
  ]...)
}

resource "dbt_scim_user" "person" {
  for_each = local.people

  user_name    = each.key
  given_name   = each.value.given
  family_name  = each.value.family
  license_type = each.value.license

  depends_on = [dbt_scim_settings.this]
}

# Named as the dbt group whose permissions it carries: an existing dbt group
# of exactly this name is linked, not duplicated.
resource "dbt_scim_group" "team" {
  for_each = local.groups

  display_name = each.key

  depends_on = [dbt_scim_settings.this]
}

resource "dbt_scim_group_member" "membership" {
  for_each = local.memberships

  group_id = dbt_scim_group.team[each.value.group].id
  user_id  = dbt_scim_user.person[each.value.email].id
}
