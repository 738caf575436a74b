// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

var _ list.ListResourceWithConfigure = (*directoryList[scim.User])(nil)

// NewSCIMUserListResource returns the dbt_scim_user list resource, which
// finds SCIM users for `terraform query`.
func NewSCIMUserListResource() list.ListResource {
	return &directoryList[scim.User]{
		typeName: "_scim_user",
		schema: listFilterSchema("users", "`userName ew \"@example.com\"` or `active eq true`",
			"Each result is named by the user's `userName`. With `include_resource`, the state leaves "+
				"`license_type` out, as the import guide recommends: the license stays your identity provider's "+
				"(or dbt's) to manage unless you add it to the generated configuration."),
		fetch: func(ctx context.Context, c *scim.Client, filter string) ([]scim.User, error) {
			return c.ListUsers(ctx, filter)
		},
		describe: func(acct types.Int64, u *scim.User) listed {
			return listed{
				name:     u.UserName,
				identity: objectIdentity{AccountID: acct, ID: types.StringValue(u.ID)},
				resource: func() any {
					m := scimUserModel{LicenseType: types.StringNull(), DeleteOnDestroy: types.BoolValue(false)}
					m.fill(u, false)
					return m
				},
			}
		},
	}
}
