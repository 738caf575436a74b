// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*scimTokensDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*scimTokensDataSource)(nil)
)

// scimTokensDataSource lists the account's SCIM tokens: metadata only, since
// dbt never returns a token's value after creation.
type scimTokensDataSource struct {
	dataSourceBase
}

// NewSCIMTokensDataSource returns the dbt_scim_tokens data source.
func NewSCIMTokensDataSource() datasource.DataSource { return &scimTokensDataSource{} }

func (d *scimTokensDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_tokens"
}

func (d *scimTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the dbt account's SCIM tokens: IDs, names and dates, never their values " +
			"(dbt shows a value only once, when the token is created). Useful to find stale tokens, or the ID " +
			"to `terraform import` a token created by hand.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Only list tokens with exactly this name.",
				Optional:            true,
				// A token's name is 1 to 255 characters: any other matches nothing, which is a mistake.
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"tokens": schema.ListNestedAttribute{
				MarkdownDescription: "The tokens, oldest first (by ID).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":         schema.StringAttribute{MarkdownDescription: "The token's ID.", Computed: true},
						"name":       schema.StringAttribute{MarkdownDescription: "The token's name.", Computed: true},
						"created_at": schema.StringAttribute{MarkdownDescription: "When the token was created (RFC 3339).", Computed: true},
						"last_used": schema.StringAttribute{
							MarkdownDescription: "When the token last authenticated a SCIM request (RFC 3339); null if never.",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *scimTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimTokensModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireAdmin(d.data, &resp.Diagnostics) {
		return
	}
	toks, err := d.data.admin.ListSCIMTokens(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "list SCIM tokens", err)
		return
	}
	// IDs grow with creation: a stable, oldest-first order whatever dbt's.
	sort.Slice(toks, func(i, j int) bool { return toks[i].ID < toks[j].ID })
	cfg.Tokens = []scimTokenInfoModel{}
	for _, t := range toks {
		if !cfg.Name.IsNull() && t.Name != cfg.Name.ValueString() {
			continue
		}
		cfg.Tokens = append(cfg.Tokens, scimTokenInfoModel{
			ID:        types.StringValue(strconv.FormatInt(t.ID, 10)),
			Name:      types.StringValue(t.Name),
			CreatedAt: types.StringValue(t.CreatedAt.UTC().Format(time.RFC3339)),
			LastUsed:  timeOrNull(t.LastUsed),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

type scimTokensModel struct {
	Name   types.String         `tfsdk:"name"`
	Tokens []scimTokenInfoModel `tfsdk:"tokens"`
}

type scimTokenInfoModel struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	CreatedAt types.String `tfsdk:"created_at"`
	LastUsed  types.String `tfsdk:"last_used"`
}
