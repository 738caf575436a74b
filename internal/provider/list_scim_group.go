// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

var _ list.ListResourceWithConfigure = (*directoryList[scim.Group])(nil)

// NewSCIMGroupListResource returns the dbt_scim_group list resource, which
// finds SCIM groups for `terraform query`.
func NewSCIMGroupListResource() list.ListResource {
	return &directoryList[scim.Group]{
		typeName: "_scim_group",
		schema: listFilterSchema("groups", "`displayName sw \"Finance\"`",
			"Each result is named by the group's `displayName`. Members are not read, so a listing costs the "+
				"same whatever the groups' sizes; with `include_resource` the state leaves `members` out, so the "+
				"generated configuration adopts each group without taking over its members, which stay your "+
				"identity provider's to manage unless you add `members`."),
		fetch: func(ctx context.Context, c *scim.Client, filter string) ([]scim.Group, error) {
			return c.ListGroups(ctx, filter, false)
		},
		describe: func(acct types.Int64, g *scim.Group) listed {
			return listed{
				name:     g.DisplayName,
				identity: objectIdentity{AccountID: acct, ID: types.StringValue(g.ID)},
				resource: func() any {
					m := scimGroupModel{Members: memberIDsNull()}
					m.fill(g, false)
					return m
				},
			}
		},
	}
}
