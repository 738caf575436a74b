terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

# The directory resources need a SCIM token; the token list needs the admin
# token and account_id. Both come from the environment here:
# DBT_CLOUD_HOST_URL, DBT_CLOUD_ACCOUNT_ID, DBT_CLOUD_TOKEN, DBT_SCIM_TOKEN.
provider "dbt" {}
