# The import ID is the group's SCIM id and the user's SCIM id, joined by a
# slash (see the dbt_scim_group and dbt_scim_user data sources):
terraform import dbt_scim_group_member.contractor_engineering 900001/1042
