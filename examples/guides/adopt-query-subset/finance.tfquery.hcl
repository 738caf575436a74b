# Only the Finance department's groups: the filter is sent to dbt, which
# returns just those.
list "dbt_scim_group" "finance" {
  provider         = dbt
  include_resource = true
  config {
    filter = "displayName sw \"Finance\""
  }
}
