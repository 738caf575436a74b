// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
			"filter": filterAttribute("user", "`userName sw \"j\"` or `active eq false`"),
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
		addListError(&resp.Diagnostics, "users", cfg.Filter, err)
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

// filterAttribute is the optional SCIM filter of a list data source.
func filterAttribute(noun, examples string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "A SCIM filter (RFC 7644 §3.4.2.2) that the server applies, such as " + examples +
			". Unset lists every " + noun + " (an empty string is rejected). A filter with a syntax error fails at " +
			"plan time, saying where the error is; which attributes and operators work is up to the server.",
		Optional:   true,
		Validators: []validator.String{validators.SCIMFilter()},
	}
}

// addListError reports a list that failed, with the filter it used.
func addListError(diags *diag.Diagnostics, what string, filter types.String, err error) {
	action := "list " + what
	if !filter.IsNull() {
		action += " matching " + filter.String()
	}
	addAPIError(diags, action, err)
}

var (
	_ datasource.DataSource              = (*scimGroupsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*scimGroupsDataSource)(nil)
)

// scimGroupsDataSource lists SCIM groups, every page of them, without members.
type scimGroupsDataSource struct {
	dataSourceBase
}

// NewSCIMGroupsDataSource returns the dbt_scim_groups data source.
func NewSCIMGroupsDataSource() datasource.DataSource { return &scimGroupsDataSource{} }

func (d *scimGroupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_groups"
}

func (d *scimGroupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the dbt account's groups through SCIM 2.0, all of them or those matching a " +
			"SCIM filter, reading every page. Needs the provider's `scim_token`. Members are not listed, so the " +
			"list stays small however large the groups are; read one group's members with the `dbt_scim_group` " +
			"data source and `include_members = true`.",
		Attributes: map[string]schema.Attribute{
			"filter": filterAttribute("group", "`displayName sw \"analytics-\"` or `externalId pr`"),
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "The groups, in the order the server lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{MarkdownDescription: "The group's SCIM id.", Computed: true},
						"display_name": schema.StringAttribute{
							MarkdownDescription: "The group's name (SCIM `displayName`).",
							Computed:            true,
						},
						"external_id": schema.StringAttribute{
							MarkdownDescription: "The group's `externalId`, its id in an identity provider; null if none.",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *scimGroupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimGroupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireSCIM(d.data, &resp.Diagnostics) {
		return
	}
	groups, err := d.data.scim.ListGroups(ctx, cfg.Filter.ValueString(), false)
	if err != nil {
		addListError(&resp.Diagnostics, "groups", cfg.Filter, err)
		return
	}
	cfg.Groups = make([]scimGroupInfoModel, len(groups))
	for i, g := range groups {
		cfg.Groups[i] = scimGroupInfoModel{
			ID:          types.StringValue(g.ID),
			DisplayName: types.StringValue(g.DisplayName),
			ExternalID:  stringOrNull(g.ExternalID),
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

type scimGroupsModel struct {
	Filter types.String         `tfsdk:"filter"`
	Groups []scimGroupInfoModel `tfsdk:"groups"`
}

type scimGroupInfoModel struct {
	ID          types.String `tfsdk:"id"`
	DisplayName types.String `tfsdk:"display_name"`
	ExternalID  types.String `tfsdk:"external_id"`
}
