# Import by user name (the email), as dbt_scim_user's create error suggests
# when the user already exists:
terraform import dbt_scim_user.jane userName=jane@example.com

# Or by SCIM id (see the dbt_scim_user and dbt_scim_users data sources):
terraform import dbt_scim_user.jane 1042

# license_type is read from dbt into the state: a configuration that leaves it
# unset shows a one-time update that only drops it from the state (nothing is
# sent to dbt).
#
# A deactivated user (for example one an earlier destroy deactivated) is
# imported the same way; keep active = true (the default) in the
# configuration and the next apply reactivates it.
