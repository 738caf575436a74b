resource "dbt_scim_settings" "this" {
  enabled                      = true
  manual_updates_allowed       = false
  scim_controlled_license_type = true
}

# Give this to your identity provider as the SCIM base URL.
output "scim_base_url" {
  value = dbt_scim_settings.this.scim_base_url
}
