data "dbt_scim_tokens" "all" {}

# Tokens that were never used are candidates for deletion.
output "unused_scim_tokens" {
  value = [for t in data.dbt_scim_tokens.all.tokens : t.name if t.last_used == null]
}

data "dbt_scim_tokens" "okta" {
  name = "okta"
}
