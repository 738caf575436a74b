# The import ID is the token's numeric ID (see the dbt_scim_tokens data
# source). dbt never returns a token's value after creation, so `token` stays
# null in the imported state; rotate the token to get a value Terraform knows.
terraform import dbt_scim_token.okta 42
