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
	_ list.ListResource              = (*scimUserList)(nil)
	_ list.ListResourceWithConfigure = (*scimUserList)(nil)
)

// scimUserList finds SCIM users for `terraform query`.
type scimUserList struct {
	data *providerData
}

// NewSCIMUserListResource returns the dbt_scim_user list resource.
func NewSCIMUserListResource() list.ListResource { return &scimUserList{} }

func (l *scimUserList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

func (l *scimUserList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listFilterSchema("users", "`userName ew \"@example.com\"` or `active eq true`")
	resp.Schema.MarkdownDescription += " Each result is named by the user's `userName`. With `include_resource`, " +
		"the state leaves `license_type` out, as the import guide recommends: the license stays your identity " +
		"provider's (or dbt's) to manage unless you add it to the generated configuration."
}

func (l *scimUserList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *scimUserList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg struct {
		Filter types.String `tfsdk:"filter"`
	}
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !requireSCIM(l.data, &diags) {
		stream.Results = listFailed(diags)
		return
	}
	users, err := l.data.scim.ListUsers(ctx, cfg.Filter.ValueString())
	if err != nil {
		addAPIError(&diags, listAction("list users", cfg.Filter), err)
		stream.Results = listFailed(diags)
		return
	}
	acct := identityAccount(ctx, l.data, nil)
	stream.Results = streamListed(ctx, req, users, func(u *scim.User) listed {
		return listed{
			name:     u.UserName,
			identity: objectIdentity{AccountID: acct, ID: types.StringValue(u.ID)},
			resource: func() any {
				m := scimUserModel{LicenseType: types.StringNull(), DeleteOnDestroy: types.BoolValue(false)}
				m.fill(u, false)
				return m
			},
		}
	})
}

// listAction names a list request in an error, with its filter if any.
func listAction(action string, filter types.String) string {
	if !filter.IsNull() {
		action += " matching " + filter.String()
	}
	return action
}
