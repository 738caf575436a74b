# One department's groups, to adopt them with
# terraform query -generate-config-out=finance.tf (Terraform 1.14 or later).
list "dbt_scim_group" "finance" {
  provider         = dbt
  include_resource = true
  config {
    filter = "displayName sw \"Finance\""
  }
}
