package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

var (
	_ list.ListResource              = (*scimGroupList)(nil)
	_ list.ListResourceWithConfigure = (*scimGroupList)(nil)
)

// scimGroupList finds SCIM groups for `terraform query`.
type scimGroupList struct {
	data *providerData
}

// NewSCIMGroupListResource returns the dbt_scim_group list resource.
func NewSCIMGroupListResource() list.ListResource { return &scimGroupList{} }

func (l *scimGroupList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group"
}

func (l *scimGroupList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listFilterSchema("groups", "`displayName sw \"Finance\"`")
	resp.Schema.MarkdownDescription += " Each result is named by the group's `displayName`. Members are not " +
		"read, so a listing costs the same whatever the groups' sizes; with `include_resource` the state leaves " +
		"`members` out, so the generated configuration adopts each group without taking over its members, which " +
		"stay your identity provider's to manage unless you add `members`."
}

func (l *scimGroupList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *scimGroupList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg struct {
		Filter types.String `tfsdk:"filter"`
	}
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !requireSCIM(l.data, &diags) {
		stream.Results = listFailed(diags)
		return
	}
	groups, err := l.data.scim.ListGroups(ctx, cfg.Filter.ValueString(), false)
	if err != nil {
		addAPIError(&diags, listAction("list groups", cfg.Filter), err)
		stream.Results = listFailed(diags)
		return
	}
	acct := identityAccount(ctx, l.data, nil)
	stream.Results = streamListed(ctx, req, groups, func(g *scim.Group) listed {
		return listed{
			name:     g.DisplayName,
			identity: objectIdentity{AccountID: acct, ID: types.StringValue(g.ID)},
			resource: func() any {
				m := scimGroupModel{Members: memberIDsNull()}
				m.fill(g, false)
				return m
			},
		}
	})
}
