# Every group in the account, all pages of them (members are not listed).
data "dbt_scim_groups" "all" {}

output "group_names" {
  value = [for g in data.dbt_scim_groups.all.groups : g.display_name]
}

# Only the groups a SCIM filter matches, applied by the server. A filter with
# a syntax error fails at plan time.
data "dbt_scim_groups" "analytics" {
  filter = "displayName sw \"analytics-\""
}

# Groups not pushed by an identity provider (no externalId).
output "groups_made_in_dbt" {
  value = [for g in data.dbt_scim_groups.all.groups : g.display_name if g.external_id == null]
}
