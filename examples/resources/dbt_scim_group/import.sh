# Import by name, as dbt_scim_group's create error suggests when the group
# already exists (quote it: names may hold spaces):
terraform import dbt_scim_group.analysts 'displayName=Analysts'

# Or by SCIM id (see the dbt_scim_group and dbt_scim_groups data sources):
terraform import dbt_scim_group.analysts 900001

# Either way, members is read from dbt into the state, so a configuration
# that sets members takes them over without a surprise diff. A configuration
# that leaves members unset shows a one-time update that only drops members
# from the state (nothing is sent to dbt); members then stay unmanaged.
