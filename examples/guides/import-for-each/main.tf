terraform {
  # import blocks with for_each need Terraform 1.7 or OpenTofu 1.7.
  required_version = ">= 1.7"
  required_providers {
    dbt = {
      source = "dbt-scim/dbt"
    }
  }
}

# Every SCIM group that exists in dbt today.
data "dbt_scim_groups" "existing" {}

# Adopt each of them.
import {
  for_each = { for g in data.dbt_scim_groups.existing.groups : g.display_name => g.id }
  to       = dbt_scim_group.imported[each.key]
  id       = each.value
}

resource "dbt_scim_group" "imported" {
  for_each     = { for g in data.dbt_scim_groups.existing.groups : g.display_name => g }
  display_name = each.value.display_name
  external_id  = each.value.external_id
}

