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
