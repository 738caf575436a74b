// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/validators"
)

var (
	_ datasource.DataSource              = (*scimUsersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*scimUsersDataSource)(nil)
)

// scimUsersDataSource lists SCIM users, every page of them.
type scimUsersDataSource struct {
	dataSourceBase
}

// NewSCIMUsersDataSource returns the dbt_scim_users data source.
func NewSCIMUsersDataSource() datasource.DataSource { return &scimUsersDataSource{} }

func (d *scimUsersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_users"
}

func (d *scimUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the dbt account's users through SCIM 2.0, all of them or those matching a " +
			"SCIM filter, reading every page. Needs the provider's `scim_token`. Deactivated users are listed " +
			"too, with `active = false`.",
		Attributes: map[string]schema.Attribute{
			"filter": schema.StringAttribute{
				MarkdownDescription: "A SCIM filter (RFC 7644 §3.4.2.2) that the server applies, such as " +
					"`userName sw \"j\"` or `active eq false`. Unset lists every user (an empty string is rejected). A filter with a syntax " +
					"error fails at plan time, saying where the error is; which attributes and operators work " +
					"is up to the server.",
				Optional:   true,
				Validators: []validator.String{validators.SCIMFilter()},
			},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The users, in the order the server lists them.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: scimUserDataAttributes()},
			},
		},
	}
}

func (d *scimUsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimUsersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireSCIM(d.data, &resp.Diagnostics) {
		return
	}
	users, err := d.data.scim.ListUsers(ctx, cfg.Filter.ValueString())
	if err != nil {
		action := "list users"
		if !cfg.Filter.IsNull() {
			action += " matching " + cfg.Filter.String()
		}
		addAPIError(&resp.Diagnostics, action, err)
		return
	}
	cfg.Users = make([]scimUserDataModel, len(users))
	for i := range users {
		cfg.Users[i] = newSCIMUserData(&users[i])
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

type scimUsersModel struct {
	Filter types.String        `tfsdk:"filter"`
	Users  []scimUserDataModel `tfsdk:"users"`
}
