data "dbt_scim_settings" "this" {}

output "scim_enabled" {
  value = data.dbt_scim_settings.this.enabled
}

output "scim_base_url" {
  value = data.dbt_scim_settings.this.scim_base_url
}
