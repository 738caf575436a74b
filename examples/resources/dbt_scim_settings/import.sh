# The import ID is the dbt account ID the provider is configured for.
terraform import dbt_scim_settings.this 12345
