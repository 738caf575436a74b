// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"iter"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
	"github.com/dbt-scim/terraform-provider-dbt/internal/validators"
)

// The list resources serve `terraform query` (Terraform 1.14 and later): they
// find objects that exist in dbt, with the identity an `import` block needs
// and, with include_resource, the state the import would produce, so that
// `terraform query -generate-config-out` writes configuration that plans as
// imports and nothing else. They page with the data sources' clients: a
// thousand objects a request, never one request per object.

// listed is one object found by a list resource: its display name, its
// identity and, when asked for, its resource state.
type listed struct {
	name     string
	identity any
	resource func() any
}

// streamListed turns objects into list results, stopping at the request's
// limit or when Terraform stops reading.
func streamListed[T any](ctx context.Context, req list.ListRequest, items []T, describe func(*T) listed) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		for i := range items {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			obj := describe(&items[i])
			result := req.NewListResult(ctx)
			result.DisplayName = obj.name
			result.Diagnostics.Append(result.Identity.Set(ctx, obj.identity)...)
			if req.IncludeResource {
				result.Diagnostics.Append(result.Resource.Set(ctx, obj.resource())...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// directoryList is a SCIM list resource (users or groups): an optional
// filter, every page of the objects matching it, one result each.
type directoryList[T any] struct {
	data     *providerData
	typeName string // after the provider's name, such as "_scim_user"
	schema   schema.Schema
	fetch    func(ctx context.Context, c *scim.Client, filter string) ([]T, error)
	describe func(acct types.Int64, item *T) listed
}

func (l *directoryList[T]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.typeName
}

func (l *directoryList[T]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = l.schema
}

func (l *directoryList[T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *directoryList[T]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg struct {
		Filter types.String `tfsdk:"filter"`
	}
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !requireSCIM(l.data, &diags) {
		stream.Results = listFailed(diags)
		return
	}
	items, err := l.fetch(ctx, l.data.scim, cfg.Filter.ValueString())
	if err != nil {
		action := "find" + strings.ReplaceAll(l.typeName, "_", " ") + "s"
		if !cfg.Filter.IsNull() {
			action += " matching " + cfg.Filter.String()
		}
		addAPIError(&diags, action, err)
		stream.Results = listFailed(diags)
		return
	}
	acct := identityAccount(ctx, l.data, nil)
	stream.Results = streamListed(ctx, req, items, func(item *T) listed { return l.describe(acct, item) })
}

// listFailed is a stream of one result that carries only diagnostics.
func listFailed(diags diag.Diagnostics) iter.Seq[list.ListResult] {
	return list.ListResultsStreamDiagnostics(diags)
}

// listFilterSchema is the config schema of the directory list resources: an
// optional SCIM filter, checked at plan time as the data sources check theirs.
func listFilterSchema(what, example, note string) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Finds the dbt account's " + what + " through SCIM 2.0 for `terraform query`, all of " +
			"them or those matching a SCIM filter, reading every page (1,000 a request). Needs the provider's " +
			"`scim_token`. Terraform returns at most `limit` results per list block, 100 unless set. " + note,
		Attributes: map[string]schema.Attribute{
			"filter": schema.StringAttribute{
				MarkdownDescription: "A SCIM filter (RFC 7644 §3.4.2.2) that the server applies, such as " + example +
					". Unset finds every one. A filter with a syntax error fails before any request, saying where " +
					"the error is; which attributes and operators work is up to the server.",
				Optional:   true,
				Validators: []validator.String{validators.SCIMFilter()},
			},
		},
	}
}
