// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

var (
	_ datasource.DataSource                     = (*scimUserDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*scimUserDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*scimUserDataSource)(nil)
)

// scimUserDataSource reads one SCIM user, by id or by user name.
type scimUserDataSource struct {
	dataSourceBase
}

// NewSCIMUserDataSource returns the dbt_scim_user data source.
func NewSCIMUserDataSource() datasource.DataSource { return &scimUserDataSource{} }

func (d *scimUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

func (d *scimUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := scimUserDataAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The user's SCIM id. Set exactly one of `id` and `user_name`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["user_name"] = schema.StringAttribute{
		MarkdownDescription: "The user's email address (SCIM `userName`), compared without regard to case. Set " +
			"exactly one of `id` and `user_name`.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one dbt user through SCIM 2.0, by SCIM id or by user name, for example to " +
			"find the id of a user your identity provider created. Needs the provider's `scim_token`. Fails " +
			"when there is no such user.",
		Attributes: attrs,
	}
}

func (d *scimUserDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("user_name")),
	}
}

func (d *scimUserDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimUserDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireSCIM(d.data, &resp.Diagnostics) {
		return
	}
	u := lookup(ctx, userObject, &resp.Diagnostics, cfg.ID, "user_name", cfg.UserName.ValueString(), "dbt_scim_users",
		d.data.scim.GetUser, d.data.scim.FindUserByUserName)
	if u == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, newSCIMUserData(u))...)
}

// scimUserDataAttributes are the attributes shared by dbt_scim_user and the
// items of dbt_scim_users, all computed.
func scimUserDataAttributes() map[string]schema.Attribute {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return map[string]schema.Attribute{
		"id":          computed("The user's SCIM id."),
		"user_name":   computed("The user's email address (SCIM `userName`)."),
		"given_name":  computed("The user's first name (SCIM `name.givenName`); null if none."),
		"family_name": computed("The user's last name (SCIM `name.familyName`); null if none."),
		"external_id": computed("The user's `externalId`, their id in an identity provider; null if none."),
		"active": schema.BoolAttribute{
			MarkdownDescription: "Whether the user can sign in; `false` for deactivated users.",
			Computed:            true,
		},
		"license_type": computed("The user's dbt license (`developer`, `read_only`, `analyst` or `it`) from " +
			"dbt's SCIM extension; null when the server does not report one."),
	}
}

// scimUserDataModel is one user as the data sources show it.
type scimUserDataModel struct {
	ID          types.String `tfsdk:"id"`
	UserName    types.String `tfsdk:"user_name"`
	GivenName   types.String `tfsdk:"given_name"`
	FamilyName  types.String `tfsdk:"family_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	Active      types.Bool   `tfsdk:"active"`
	LicenseType types.String `tfsdk:"license_type"`
}

func newSCIMUserData(u *scim.User) scimUserDataModel {
	var name scim.Name
	if u.Name != nil {
		name = *u.Name
	}
	license := ""
	if u.DBT != nil {
		license = u.DBT.LicenseType
	}
	active := true // RFC 7643: a server without deactivation may leave it out
	if u.Active != nil {
		active = *u.Active
	}
	return scimUserDataModel{
		ID:          types.StringValue(u.ID),
		UserName:    types.StringValue(u.UserName),
		GivenName:   stringOrNull(name.GivenName),
		FamilyName:  stringOrNull(name.FamilyName),
		ExternalID:  stringOrNull(u.ExternalID),
		Active:      types.BoolValue(active),
		LicenseType: stringOrNull(license),
	}
}

var (
	_ datasource.DataSource                     = (*scimGroupDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*scimGroupDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*scimGroupDataSource)(nil)
)

// scimGroupDataSource reads one SCIM group, by id or by name.
type scimGroupDataSource struct {
	dataSourceBase
}

// NewSCIMGroupDataSource returns the dbt_scim_group data source.
func NewSCIMGroupDataSource() datasource.DataSource { return &scimGroupDataSource{} }

func (d *scimGroupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group"
}

func (d *scimGroupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one dbt group through SCIM 2.0, by SCIM id or by name, for example to find the " +
			"id of a group your identity provider pushed, for `dbt_scim_group_member`. Needs the provider's " +
			"`scim_token`. Fails when there is no such group. Members are read only when `include_members` is " +
			"`true`, since a group may have tens of thousands.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The group's SCIM id. Set exactly one of `id` and `display_name`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "The group's name (SCIM `displayName`). An exact match wins; otherwise " +
					"the one group whose name matches without regard to case. Set exactly one of `id` and " +
					"`display_name`.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"include_members": schema.BoolAttribute{
				MarkdownDescription: "Whether to read the group's members into `members`. Defaults to `false`: " +
					"the group is read without its members, which stays fast however large the group is.",
				Optional: true,
			},
			"external_id": schema.StringAttribute{
				MarkdownDescription: "The group's `externalId`, its id in an identity provider; null if none.",
				Computed:            true,
			},
			"members": schema.SetAttribute{
				MarkdownDescription: "The SCIM user ids of the group's members when `include_members` is " +
					"`true`; null otherwise.",
				ElementType: types.StringType,
				CustomType:  newMemberIDsType(),
				Computed:    true,
			},
		},
	}
}

func (d *scimGroupDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("display_name")),
	}
}

func (d *scimGroupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimGroupDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireSCIM(d.data, &resp.Diagnostics) {
		return
	}
	withMembers := cfg.IncludeMembers.ValueBool()
	g := lookup(ctx, groupObject, &resp.Diagnostics, cfg.ID, "display_name", cfg.DisplayName.ValueString(), "dbt_scim_groups",
		func(ctx context.Context, id string) (*scim.Group, error) {
			return d.data.scim.GetGroup(ctx, id, withMembers)
		},
		func(ctx context.Context, name string) (*scim.Group, error) {
			return d.data.scim.FindGroupByDisplayName(ctx, name, withMembers)
		})
	if g == nil {
		return
	}
	cfg.ID = types.StringValue(g.ID)
	cfg.DisplayName = types.StringValue(g.DisplayName)
	cfg.ExternalID = stringOrNull(g.ExternalID)
	cfg.Members = memberIDsNull()
	if withMembers {
		cfg.Members = newMemberIDs(g.MemberIDs())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

type scimGroupDataModel struct {
	ID             types.String   `tfsdk:"id"`
	DisplayName    types.String   `tfsdk:"display_name"`
	IncludeMembers types.Bool     `tfsdk:"include_members"`
	ExternalID     types.String   `tfsdk:"external_id"`
	Members        memberIDsValue `tfsdk:"members"`
}
