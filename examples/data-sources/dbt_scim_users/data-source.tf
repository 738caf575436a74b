# Every user in the account, all pages.
data "dbt_scim_users" "all" {}

output "user_count" {
  value = length(data.dbt_scim_users.all.users)
}

# Only deactivated users: candidates for clean-up.
data "dbt_scim_users" "inactive" {
  filter = "active eq false"
}

output "inactive_users" {
  value = [for u in data.dbt_scim_users.inactive.users : u.user_name]
}

# Users at one email domain, with a developer license.
data "dbt_scim_users" "example_developers" {
  filter = "userName ew \"@example.com\" and urn:ietf:params:scim:schemas:extension:dbtLabs:2.0:User:licenseType eq \"developer\""
}
