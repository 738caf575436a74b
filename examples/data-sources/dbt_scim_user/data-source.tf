# By user name (the email), compared without regard to case.
data "dbt_scim_user" "jane" {
  user_name = "jane@example.com"
}

# Or by SCIM id.
data "dbt_scim_user" "by_id" {
  id = "1042"
}

output "jane_license" {
  value = data.dbt_scim_user.jane.license_type
}
