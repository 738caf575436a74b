# Everything your identity provider has pushed into dbt.
list "dbt_scim_user" "all" {
  provider         = dbt
  include_resource = true
  limit            = 10000 # Terraform's default is 100 results
}

list "dbt_scim_group" "all" {
  provider         = dbt
  include_resource = true
  limit            = 10000
}
