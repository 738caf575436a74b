# The account's SCIM tokens: which exist, and when each was last used.
list "dbt_scim_token" "all" {
  provider         = dbt
  include_resource = true
}
