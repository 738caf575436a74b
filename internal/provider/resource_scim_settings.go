// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/dbtapi"
)

var (
	_ resource.Resource                = (*scimSettingsResource)(nil)
	_ resource.ResourceWithConfigure   = (*scimSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*scimSettingsResource)(nil)
	_ resource.ResourceWithIdentity    = (*scimSettingsResource)(nil)
	_ resource.ResourceWithMoveState   = (*scimSettingsResource)(nil)
)

// scimSettingsResource manages the account's one SCIM configuration.
type scimSettingsResource struct {
	resourceBase
}

// NewSCIMSettingsResource returns the dbt_scim_settings resource.
func NewSCIMSettingsResource() resource.Resource { return &scimSettingsResource{} }

func (r *scimSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_settings"
}

func (r *scimSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"account_id": identityschema.Int64Attribute{RequiredForImport: true,
				Description: "The dbt account ID. An import must name the account the provider is configured for."},
		},
	}
}

func (r *scimSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The SCIM configuration of the dbt account: whether SCIM is on, whether admins may " +
			"still change users and groups by hand, and whether SCIM controls license types. There is one per " +
			"account; declare it once.\n\n" +
			"Creating this resource writes the configuration; it does not fail when SCIM was already set up. " +
			"Changes made in dbt's UI show as drift in `terraform plan`.\n\n" +
			"**Destroy** turns SCIM off: it sets `enabled`, `manual_updates_allowed` and " +
			"`scim_controlled_license_type` all to `false`, dbt's values for an account that never used SCIM. " +
			"SCIM tokens, users and groups are left as they are.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The dbt account ID this configuration belongs to.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether SCIM is enabled on the account. With SCIM on, users are not added to " +
					"default groups and SSO group mappings give way to SCIM groups. Defaults to `true`. Changing " +
					"it updates the account in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"manual_updates_allowed": schema.BoolAttribute{
				MarkdownDescription: "Whether account admins may still invite users and edit group memberships by " +
					"hand while SCIM is on. Defaults to `false`. Changing it updates the account in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"scim_controlled_license_type": schema.BoolAttribute{
				MarkdownDescription: "Whether users' license types are set by the identity provider through SCIM " +
					"(the `licenseType` attribute) rather than in dbt. Defaults to `false`. Changing it updates " +
					"the account in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"scim_base_url": schema.StringAttribute{
				MarkdownDescription: "The SCIM 2.0 base URL to give your identity provider (Okta's SCIM connector " +
					"base URL, Entra ID's tenant URL): `<host_url>/v3/accounts/<account_id>/scim/v2`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *scimSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan scimSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireAdmin(r.data, &resp.Diagnostics) {
		return
	}
	r.write(ctx, plan, "write the SCIM settings", &resp.State, resp.Identity, &resp.Diagnostics)
}

// write upserts the settings (dbt's one POST serves create and update) and
// records what was applied.
func (r *scimSettingsResource) write(ctx context.Context, plan scimSettingsModel, what string, state *tfsdk.State,
	identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	got, err := r.data.admin.SetSCIMConfig(ctx, plan.toAPI())
	if err != nil {
		addAPIError(diags, what, err)
		return
	}
	diags.Append(state.Set(ctx, r.applied(plan, got, diags))...)
	setIdentity(ctx, identity, settingsIdentity{AccountID: types.Int64Value(r.data.accountID)}, diags)
}

func (r *scimSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// The identity is the account in state (its id), recorded first:
	// Terraform wants one even when the settings are not refreshed now.
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if acct, err := strconv.ParseInt(id.ValueString(), 10, 64); err == nil {
		setIdentity(ctx, resp.Identity, settingsIdentity{AccountID: types.Int64Value(acct)}, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() || !refreshable(r.data, &resp.Diagnostics) || !requireAdmin(r.data, &resp.Diagnostics) ||
		!r.sameAccount(id, &resp.Diagnostics) {
		return
	}
	got, err := r.data.admin.GetSCIMConfig(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the SCIM settings", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, newSCIMSettingsModel(r.data, got))...)
}

func (r *scimSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state scimSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireAdmin(r.data, &resp.Diagnostics) || !r.sameAccount(state.ID, &resp.Diagnostics) {
		return
	}
	r.write(ctx, plan, "update the SCIM settings", &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *scimSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() || !requireAdmin(r.data, &resp.Diagnostics) || !r.sameAccount(id, &resp.Diagnostics) {
		return
	}
	if _, err := r.data.admin.SetSCIMConfig(ctx, dbtapi.SCIMConfig{}); err != nil {
		addAPIError(&resp.Diagnostics, "disable SCIM", err)
	}
}

func (r *scimSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !requireAdmin(r.data, &resp.Diagnostics) {
		return
	}
	want := strconv.FormatInt(r.data.accountID, 10)
	var ident settingsIdentity
	if importedIdentity(ctx, r.data, req.ID, req.Identity, &ident, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), want)...)
		return
	} else if resp.Diagnostics.HasError() {
		return
	}
	if req.ID != want {
		resp.Diagnostics.AddError("Wrong account ID to import",
			fmt.Sprintf("The import ID must be the dbt account ID the provider is configured for (%s); got %q.",
				want, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), want)...)
}

// sameAccount refuses to go on when the state holds another account's
// settings than the provider is configured for (account_id changed). The
// provider can reach only its configured account, so following the change
// would leave SCIM as it was on the old account and silently take over the
// new one's; replacing would "destroy" the wrong account's settings.
func (r *scimSettingsResource) sameAccount(stateID types.String, diags *diag.Diagnostics) bool {
	want := strconv.FormatInt(r.data.accountID, 10)
	if stateID.IsNull() || stateID.IsUnknown() || stateID.ValueString() == want {
		return true
	}
	diags.AddAttributeError(path.Root("id"), "dbt_scim_settings belongs to another account",
		fmt.Sprintf("The state holds the SCIM settings of dbt account %s, but the provider is configured for "+
			"account %s (account_id or %s changed). The provider can reach only the account it is configured for, "+
			"so it neither follows the change nor replaces the settings.\n\n"+
			"To leave account %s as it is and manage account %s instead:\n\n"+
			"  terraform state rm <address of this dbt_scim_settings>\n"+
			"  terraform import <address of this dbt_scim_settings> %s\n\n"+
			"To manage account %s again, set account_id back to %s.",
			stateID.ValueString(), want, envAccountID, stateID.ValueString(), want, want, stateID.ValueString(), stateID.ValueString()))
	return false
}

// applied is the state after a write: what was planned, as Terraform
// requires. Should dbt have stored something else (say it refuses one flag
// while SCIM is off), a warning says so and the next plan shows the drift,
// instead of Terraform failing the apply as "inconsistent".
func (r *scimSettingsResource) applied(plan scimSettingsModel, got dbtapi.SCIMConfig, diags *diag.Diagnostics) scimSettingsModel {
	if want := plan.toAPI(); got != want {
		diags.AddWarning("dbt stored different SCIM settings",
			fmt.Sprintf("Terraform asked for %+v and dbt answered with %+v. The next plan shows the difference.", want, got))
	}
	return newSCIMSettingsModel(r.data, plan.toAPI())
}

// scimSettingsModel is the resource's and the data source's state.
type scimSettingsModel struct {
	ID                        types.String `tfsdk:"id"`
	Enabled                   types.Bool   `tfsdk:"enabled"`
	ManualUpdatesAllowed      types.Bool   `tfsdk:"manual_updates_allowed"`
	SCIMControlledLicenseType types.Bool   `tfsdk:"scim_controlled_license_type"`
	SCIMBaseURL               types.String `tfsdk:"scim_base_url"`
}

func newSCIMSettingsModel(d *providerData, c dbtapi.SCIMConfig) scimSettingsModel {
	return scimSettingsModel{
		ID:                        types.StringValue(strconv.FormatInt(d.accountID, 10)),
		Enabled:                   types.BoolValue(c.Enabled),
		ManualUpdatesAllowed:      types.BoolValue(c.ManualUpdatesAllowed),
		SCIMControlledLicenseType: types.BoolValue(c.SCIMControlledLicenseType),
		SCIMBaseURL:               types.StringValue(d.admin.SCIMBaseURL()),
	}
}

func (m scimSettingsModel) toAPI() dbtapi.SCIMConfig {
	return dbtapi.SCIMConfig{
		Enabled:                   m.Enabled.ValueBool(),
		ManualUpdatesAllowed:      m.ManualUpdatesAllowed.ValueBool(),
		SCIMControlledLicenseType: m.SCIMControlledLicenseType.ValueBool(),
	}
}
