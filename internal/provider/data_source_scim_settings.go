// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

var (
	_ datasource.DataSource              = (*scimSettingsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*scimSettingsDataSource)(nil)
)

// scimSettingsDataSource reads the SCIM configuration without managing it,
// for configurations that only need the SCIM base URL.
type scimSettingsDataSource struct {
	dataSourceBase
}

// NewSCIMSettingsDataSource returns the dbt_scim_settings data source.
func NewSCIMSettingsDataSource() datasource.DataSource { return &scimSettingsDataSource{} }

func (d *scimSettingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_settings"
}

func (d *scimSettingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the dbt account's SCIM configuration and its SCIM base URL, without managing them.",
		Attributes: map[string]schema.Attribute{
			"id":      schema.StringAttribute{MarkdownDescription: "The dbt account ID.", Computed: true},
			"enabled": schema.BoolAttribute{MarkdownDescription: "Whether SCIM is enabled on the account.", Computed: true},
			"manual_updates_allowed": schema.BoolAttribute{
				MarkdownDescription: "Whether account admins may still change users and group memberships by hand.",
				Computed:            true,
			},
			"scim_controlled_license_type": schema.BoolAttribute{
				MarkdownDescription: "Whether license types are set through SCIM.",
				Computed:            true,
			},
			"scim_base_url": schema.StringAttribute{
				MarkdownDescription: "The SCIM 2.0 base URL to give your identity provider.",
				Computed:            true,
			},
		},
	}
}

func (d *scimSettingsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireAdmin(d.data, &resp.Diagnostics) {
		return
	}
	got, err := d.data.admin.GetSCIMConfig(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the SCIM settings", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, newSCIMSettingsModel(d.data, got))...)
}
