# Quickstart: turn SCIM on, mint the token your identity provider uses, read
# back the SCIM base URL to give it, and manage a few users and a group. `make demo` applies this against the
# local dbt emulator; against dbt, set DBT_CLOUD_HOST_URL, DBT_CLOUD_ACCOUNT_ID
# and DBT_CLOUD_TOKEN (an account-admin API token).
terraform {
  required_version = ">= 1.5"
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

provider "dbt" {}

resource "dbt_scim_settings" "this" {
  enabled                = true
  manual_updates_allowed = false
  # The users below set license_type: dbt takes licenses from SCIM only
  # while this is on, and adds only licensed users to groups.
  scim_controlled_license_type = true
}

# The token Okta uses. It is replaced every 90 days; create_before_destroy
# makes the new token exist, and reach whatever uses it, before the old one
# is deleted.
resource "dbt_scim_token" "okta" {
  name            = "okta"
  rotation_period = "2160h"

  depends_on = [dbt_scim_settings.this]

  lifecycle {
    create_before_destroy = true
  }
}

# Where no identity provider manages them, Terraform can: a token of its own
# for the SCIM API, then users and a group with authoritative members.
resource "dbt_scim_token" "terraform" {
  name = "terraform"

  depends_on = [dbt_scim_settings.this]

  lifecycle {
    create_before_destroy = true
  }
}

provider "dbt" {
  alias      = "directory"
  scim_token = dbt_scim_token.terraform.token
}

locals {
  people = {
    ada   = { given = "Ada", family = "Lovelace", license = "developer" }
    grace = { given = "Grace", family = "Hopper", license = "developer" }
    alan  = { given = "Alan", family = "Turing", license = "read_only" }
  }
}

resource "dbt_scim_user" "people" {
  for_each = local.people
  provider = dbt.directory

  user_name    = "${each.key}@example.com"
  given_name   = each.value.given
  family_name  = each.value.family
  license_type = each.value.license
}

# On a real account, people new to dbt are emailed an invitation and can
# join a group only once they have accepted it: until then this group's
# apply fails, names them and deletes the group again, and an apply after
# they accepted succeeds. People already in dbt are linked by their exact
# email and join at once. The guide "Manage users and groups with Terraform"
# shows a layout where a pending invitation holds back only its own
# membership. The local emulator behind `make demo` accepts invitations at
# once.
resource "dbt_scim_group" "analytics_engineers" {
  provider = dbt.directory

  display_name = "Analytics Engineers"
  members      = [dbt_scim_user.people["ada"].id, dbt_scim_user.people["grace"].id]
}

output "scim_base_url" {
  description = "Give this to your identity provider as the SCIM base URL."
  value       = dbt_scim_settings.this.scim_base_url
}

output "okta_token" {
  description = "The SCIM token for Okta. Read it with `terraform output -raw okta_token`."
  value       = dbt_scim_token.okta.token
  sensitive   = true
}

output "analytics_engineers" {
  description = "The SCIM group and its member count."
  value       = "${dbt_scim_group.analytics_engineers.display_name}: ${length(dbt_scim_group.analytics_engineers.members)} members"
}

output "scim_token_ids" {
  description = "The SCIM tokens this configuration owns, by name (IDs only: values are never shown)."
  value       = { (dbt_scim_token.okta.name) = dbt_scim_token.okta.id, (dbt_scim_token.terraform.name) = dbt_scim_token.terraform.id }
}
