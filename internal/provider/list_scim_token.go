// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/dbtapi"
)

var (
	_ list.ListResource              = (*scimTokenList)(nil)
	_ list.ListResourceWithConfigure = (*scimTokenList)(nil)
)

// scimTokenList finds the account's SCIM tokens for `terraform query`.
type scimTokenList struct {
	data *providerData
}

// NewSCIMTokenListResource returns the dbt_scim_token list resource.
func NewSCIMTokenListResource() list.ListResource { return &scimTokenList{} }

func (l *scimTokenList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_token"
}

func (l *scimTokenList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the dbt account's SCIM tokens for `terraform query`, through dbt's admin API " +
			"(the provider's `token` and `account_id`). Each result is named by the token's name. A token's value " +
			"is shown by dbt only when it is created, so an adopted token's `token` is null until it is rotated: " +
			"set `rotation_period` or `rotate_when_changed` on it before wiring it into your identity provider.",
	}
}

func (l *scimTokenList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *scimTokenList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if !requireAdmin(l.data, &diags) {
		stream.Results = listFailed(diags)
		return
	}
	toks, err := l.data.admin.ListSCIMTokens(ctx)
	if err != nil {
		addAPIError(&diags, "list SCIM tokens", err)
		stream.Results = listFailed(diags)
		return
	}
	acct := identityAccount(ctx, l.data, nil)
	stream.Results = streamListed(ctx, req, toks, func(t *dbtapi.SCIMToken) listed {
		return listed{
			name:     t.Name,
			identity: objectIdentity{AccountID: acct, ID: types.StringValue(strconv.FormatInt(t.ID, 10))},
			resource: func() any {
				m := scimTokenModel{
					Token: types.StringNull(), RotationPeriod: types.StringNull(),
					RotateWhenChanged: types.MapNull(types.StringType),
				}
				m.fill(*t)
				return m
			},
		}
	})
}
