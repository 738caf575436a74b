# Add one person to a group your identity provider manages, without touching
# the members it pushes. Destroying it removes only this user from the group.
# Do not use it on a dbt_scim_group that sets members: that list is
# authoritative and would remove this user again.
data "dbt_scim_group" "engineering" {
  display_name = "Engineering"
}

resource "dbt_scim_user" "contractor" {
  user_name         = "sam@contractor.example"
  delete_on_destroy = true
}

resource "dbt_scim_group_member" "contractor_engineering" {
  group_id = data.dbt_scim_group.engineering.id
  user_id  = dbt_scim_user.contractor.id
}

# Several memberships of one user.
resource "dbt_scim_group_member" "contractor" {
  for_each = toset(["Analysts", "Reviewers"])

  group_id = data.dbt_scim_group.by_name[each.key].id
  user_id  = dbt_scim_user.contractor.id
}

data "dbt_scim_group" "by_name" {
  for_each     = toset(["Analysts", "Reviewers"])
  display_name = each.key
}
