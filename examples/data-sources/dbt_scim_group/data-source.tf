# A group your identity provider pushed, found by name.
data "dbt_scim_group" "engineering" {
  display_name = "Engineering"
}

# By SCIM id, with its members (read only when asked: a group may have tens
# of thousands).
data "dbt_scim_group" "analysts" {
  id              = "900001"
  include_members = true
}

output "analyst_count" {
  value = length(data.dbt_scim_group.analysts.members)
}
