# Every user your identity provider pushed into dbt. With Terraform 1.14 or
# later: terraform query -generate-config-out=users.tf
list "dbt_scim_user" "all" {
  provider         = dbt
  include_resource = true
  limit            = 10000 # Terraform's default is 100 results
}

# Only the deactivated ones.
list "dbt_scim_user" "deactivated" {
  provider = dbt
  config {
    filter = "active eq false"
  }
}
