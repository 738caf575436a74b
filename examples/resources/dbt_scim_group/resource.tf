# A group whose members Terraform owns: anyone added or removed in dbt (or
# by your IdP) shows as drift and is put back. A change sends only the
# difference, so adding one person to a group of thousands is one small
# PATCH. Destroying it deletes the group in dbt; its users stay.
resource "dbt_scim_group" "analysts" {
  display_name = "Analysts" # dbt maps it to its permission group by this name
  external_id  = "00g1abcd2EFGH3ijk4l5"
  members = [
    dbt_scim_user.jane.id,
    dbt_scim_user.sam.id,
  ]
}

resource "dbt_scim_user" "jane" {
  user_name = "jane@example.com"
}

resource "dbt_scim_user" "sam" {
  user_name = "sam@example.com"
}

# A group whose members someone else manages (your IdP, dbt's UI, or
# dbt_scim_group_member resources): with members unset, Terraform never
# reads or writes them. Removing members from a configuration that had it
# has the same effect: Terraform stops managing them and leaves them as
# they are.
resource "dbt_scim_group" "engineering" {
  display_name = "Engineering"
}

# A group that already exists in dbt, taken over by Terraform 1.5 or later.
# After import, members holds its current members; keep them in the
# configuration to manage them, or leave members unset.
import {
  to = dbt_scim_group.finance
  id = "displayName=Finance"
}

resource "dbt_scim_group" "finance" {
  display_name = "Finance"
}

# Many groups drawn from one set of users: read the ids once through a local
# and index that. A group that refers to dbt_scim_user.staff itself makes
# Terraform build every one of its instances again for that group, which
# with hundreds of groups and thousands of users is minutes of plan.
locals {
  staff_ids = { for email, u in dbt_scim_user.staff : email => u.id }
  teams = {
    "Team A" = ["ana@example.com"]
    "Team B" = ["ana@example.com", "bo@example.com"]
  }
}

resource "dbt_scim_user" "staff" {
  for_each  = toset(["ana@example.com", "bo@example.com"])
  user_name = each.key
}

resource "dbt_scim_group" "teams" {
  for_each     = local.teams
  display_name = each.key
  members      = [for email in each.value : local.staff_ids[email]]
}
