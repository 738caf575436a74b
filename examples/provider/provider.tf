terraform {
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

# Reads DBT_CLOUD_HOST_URL, DBT_CLOUD_ACCOUNT_ID and DBT_CLOUD_TOKEN (the same
# variables dbt's own provider reads), and DBT_SCIM_TOKEN for the directory
# resources.
provider "dbt" {}

# Or set everything explicitly:
provider "dbt" {
  alias           = "explicit"
  host_url        = "https://cloud.getdbt.com/api"
  account_id      = 12345
  token           = var.dbt_admin_token
  max_retries     = 5
  request_timeout = "30s"
}

variable "dbt_admin_token" {
  type      = string
  sensitive = true
}
