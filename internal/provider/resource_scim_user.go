// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

var (
	_ resource.Resource                = (*scimUserResource)(nil)
	_ resource.ResourceWithConfigure   = (*scimUserResource)(nil)
	_ resource.ResourceWithImportState = (*scimUserResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scimUserResource)(nil)
	_ resource.ResourceWithIdentity    = (*scimUserResource)(nil)
	_ resource.ResourceWithMoveState   = (*scimUserResource)(nil)
)

// SCIM attribute paths the resource patches (RFC 7643 §4.1, dbt's extension).
const (
	pathUserName    = "userName"
	pathWorkEmail   = `emails[type eq "work"].value`
	pathGivenName   = "name.givenName"
	pathFamilyName  = "name.familyName"
	pathExternalID  = "externalId"
	pathActive      = "active"
	pathLicenseType = scim.SchemaDBTUser + ":licenseType"
)

// importUserNamePrefix marks an import ID that is a userName, not a SCIM id.
const importUserNamePrefix = "userName="

// privateImported is the private-state key set by ImportState, so the Read
// that follows import records license_type, which Read otherwise leaves
// alone while the configuration does not set it.
const privateImported = "imported"

// emailPattern is a plausibility check, not RFC 5322: one @, no spaces, and
// a dot in the domain, which is what dbt needs to send the user mail.
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)

var licenseTypes = []string{scim.LicenseDeveloper, scim.LicenseReadOnly, scim.LicenseAnalyst, scim.LicenseIT}

// scimUserResource is one user, provisioned through SCIM as an identity
// provider would.
type scimUserResource struct {
	directoryResourceBase
}

// NewSCIMUserResource returns the dbt_scim_user resource.
func NewSCIMUserResource() resource.Resource { return &scimUserResource{} }

func (r *scimUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

func (r *scimUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = objectIdentitySchema("The user's SCIM id in dbt.")
}

func (r *scimUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A dbt user provisioned through SCIM 2.0, as an identity provider (Okta, Microsoft " +
			"Entra ID) would provision it. Needs the provider's `scim_token`.\n\n" +
			"Every attribute except `id` changes in place with a SCIM `PATCH` that carries only what changed; " +
			"nothing here replaces the user. Changes made in dbt (or by your IdP) show as drift on the next plan " +
			"and are put back by the next apply. A user deleted outside Terraform is removed from state with a " +
			"warning, and the next apply creates it again.\n\n" +
			"**Creating** follows dbt's SCIM FAQ: when `user_name` equals the email of a user dbt already has, " +
			"exactly and including case, dbt links that user (they become SCIM-managed) and the apply warns " +
			"that it did: the provider looks the `user_name` up before it creates the user, as Okta does. dbt documents the exact match, not how it answers a `user_name` that differs only in case; if " +
			"it refuses one as taken, the error gives the exact spelling. A " +
			"user new to dbt is emailed an invitation and holds no license until they accept it, so dbt refuses " +
			"to add them to a group before then (see the guide *Manage users and groups with Terraform*).\n\n" +
			"**Destroy** deprovisions the user the way an IdP does: by default it **deactivates** the user " +
			"(`active = false`): they can no longer sign in, and dbt keeps the user and their history. The user " +
			"stays in dbt. Set `delete_on_destroy = true` to **delete** the user instead.\n\n" +
			"**A user dbt already provisions through SCIM is not taken over.** When dbt answers that `user_name` " +
			"is taken (a user your IdP or another configuration provisioned, or one an earlier destroy " +
			"deactivated), the apply fails with the import command to run instead. A user dbt links, as above, " +
			"is taken into state, and destroy then deactivates or deletes it like any other. Import by " +
			"SCIM id or by user name: `terraform import dbt_scim_user.jane userName=jane@example.com`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user's SCIM id in dbt.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_name": schema.StringAttribute{
				MarkdownDescription: "The user's email address, which dbt uses as the SCIM `userName` and signs " +
					"the user in with. It is also sent as the user's primary work email, as dbt requires the two " +
					"to be equal. Unique in the account, compared without regard to case. Changing it updates " +
					"both in place.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(emailPattern, "must be an email address, such as jane@example.com"),
					// RFC 5321 §4.5.3.1.3: no address is longer; dbt's email fields hold no more.
					stringvalidator.LengthAtMost(254),
				},
			},
			"given_name": schema.StringAttribute{
				MarkdownDescription: "The user's first name (SCIM `name.givenName`). Unset means no first name: " +
					"one set in dbt shows as drift and is removed. Changes update in place.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"family_name": schema.StringAttribute{
				MarkdownDescription: "The user's last name (SCIM `name.familyName`). Unset means no last name: " +
					"one set in dbt shows as drift and is removed. Changes update in place.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"external_id": schema.StringAttribute{
				MarkdownDescription: "An identifier of the user in your own system (SCIM `externalId`), such as " +
					"the user's id in your identity provider. Unset means none. Changes update in place.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"active": schema.BoolAttribute{
				MarkdownDescription: "Whether the user can sign in to dbt. `false` deactivates the user in place " +
					"(SCIM `active`); the user and their history stay in dbt. Defaults to `true`, so a user " +
					"deactivated in dbt shows as drift and is reactivated by the next apply.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"license_type": schema.StringAttribute{
				MarkdownDescription: "The user's dbt license: `developer`, `read_only`, `analyst` or `it`. Sent " +
					"in dbt's SCIM extension (`" + scim.SchemaDBTUser + "`, `licenseType`), which dbt honours only " +
					"while `scim_controlled_license_type` is on in `dbt_scim_settings`; otherwise dbt keeps its own " +
					"license, the apply warns and the next plan shows the difference. `analyst` exists on select " +
					"plans only. Changes update in place. " +
					"Unset leaves the license to dbt: the extension is not sent at all, so other SCIM servers " +
					"work, and whatever license dbt reports is not shown as drift. Removing it from the " +
					"configuration leaves the user's license as it is.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(licenseTypes...)},
			},
			"delete_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "What destroying this resource does in dbt. `false` (the default) " +
					"deactivates the user (`active = false`) and keeps them in dbt, as identity providers " +
					"deprovision; `true` deletes the user with SCIM `DELETE`. Changing it only changes the " +
					"state; nothing is sent to dbt until destroy.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *scimUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan scimUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	userName := plan.UserName.ValueString()
	u, err := r.data.scim.CreateUser(ctx, plan.toSCIM())
	if apierror.IsKind(err, apierror.KindConflict) {
		r.addConflict(ctx, &resp.Diagnostics, userName, err)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("create user %q", userName), err)
		return
	}
	plan.ID = types.StringValue(u.ID)
	if u.Linked {
		resp.Diagnostics.AddAttributeWarning(path.Root("user_name"), fmt.Sprintf("dbt linked its existing user %q", userName),
			fmt.Sprintf("dbt already had a user who signs in as %q (SCIM id %s%s), or the record it keeps of "+
				"one deleted earlier, and linked them instead of creating one, as its SCIM FAQ describes: the user is "+
				"SCIM-managed now, and this resource manages them. Destroying it "+
				"deactivates them (or deletes them, with delete_on_destroy).",
				userName, u.ID, createdNote(u.Meta)))
	}
	warnIfDiffers(&resp.Diagnostics, plan, u)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setObjectIdentity(ctx, r.data, resp.Identity, plan.ID, &resp.Diagnostics)
}

// userObject is how users are imported and reported as already existing.
var userObject = namedObject{
	resource: "dbt_scim_user", noun: "user", prefix: importUserNamePrefix,
	byName: "by user name", placeholder: "<email>", example: "jane@example.com",
	missing: "dbt has no user with userName %q",
}

// addConflict explains a create that met an existing user, and how to import it.
func (r *scimUserResource) addConflict(ctx context.Context, diags *diag.Diagnostics, userName string, err error) {
	deactivated, otherCase := false, ""
	lookup := func(ctx context.Context) (*found, error) {
		u, err := r.data.scim.FindUserByUserName(ctx, userName)
		if err != nil || u == nil {
			return nil, err
		}
		f := &found{id: u.ID}
		if u.Active != nil && !*u.Active {
			deactivated, f.note = true, ", deactivated"
		}
		if u.UserName != userName {
			otherCase = u.UserName
			f.note += fmt.Sprintf(", user name %q", u.UserName)
		}
		return f, nil
	}
	extra := func() string {
		var b strings.Builder
		if otherCase != "" {
			fmt.Fprintf(&b, "\nThe existing user's name differs from user_name only in case. dbt matches a user "+
				"by email exactly, including case (https://docs.getdbt.com/docs/cloud/manage-access/scim-faq): if this "+
				"is the same person, set user_name = %q, which links a user dbt has not linked to SCIM yet and "+
				"otherwise needs the import above.\n", otherCase)
		}
		if !deactivated {
			return b.String()
		}
		return b.String() + "\nThe user is deactivated, for example by an earlier destroy of a dbt_scim_user (which " +
			"deactivates unless delete_on_destroy = true). A deactivated user still holds its user name. Import " +
			"it and keep active = true (the default) to reactivate it on the next apply.\n"
	}
	userObject.addConflict(ctx, diags, "user_name", fmt.Sprintf("dbt already has a user with user_name %q", userName),
		userName, lookup, func() string { return extra() + "\n" + err.Error() })
}

func (r *scimUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scimUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is the state's ids, recorded first: Terraform wants one
	// even when the object turns out to be gone, or is not refreshed now.
	setObjectIdentity(ctx, r.data, resp.Identity, state.ID, &resp.Diagnostics)
	if !refreshableSCIM(r.data, &resp.Diagnostics) || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	u, err := r.data.scim.GetUser(ctx, state.ID.ValueString())
	if apierror.IsNotFound(err) {
		resp.Diagnostics.AddWarning("User no longer exists in dbt",
			fmt.Sprintf("User %s (%q) was deleted outside Terraform. It has been removed from the state; the "+
				"next apply creates it again.", state.ID.ValueString(), state.UserName.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("read user %s", state.ID.ValueString()), err)
		return
	}
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	if len(imported) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	}
	state.fill(u, len(imported) > 0)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *scimUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state scimUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	plan.ID = state.ID
	id := state.ID.ValueString()

	ops, err := userPatchOps(state, plan)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the SCIM PATCH for user "+id, err.Error())
		return
	}
	if len(ops) == 0 { // delete_on_destroy, or license_type becoming unset: state only
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		setObjectIdentity(ctx, r.data, resp.Identity, plan.ID, &resp.Diagnostics)
		return
	}
	u, err := r.data.scim.PatchUser(ctx, id, ops)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("update user %s (%q)", id, plan.UserName.ValueString()), err)
		return
	}
	warnIfDiffers(&resp.Diagnostics, plan, u)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setObjectIdentity(ctx, r.data, resp.Identity, plan.ID, &resp.Diagnostics)
}

func (r *scimUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	if state.DeleteOnDestroy.ValueBool() {
		if err := r.data.scim.DeleteUser(ctx, id); err != nil && !apierror.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("delete user %s (%q)", id, state.UserName.ValueString()), err)
		}
		return
	}
	op, err := activeOp(false)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the SCIM PATCH for user "+id, err.Error())
		return
	}
	if _, err := r.data.scim.PatchUser(ctx, id, []scim.PatchOperation{op}); err != nil && !apierror.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("deactivate user %s (%q)", id, state.UserName.ValueString()), err)
	}
}

// ImportState adopts a user by SCIM id, or by user name as
// "userName=<email>".
func (r *scimUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ident objectIdentity
	if importedIdentity(ctx, r.data, req.ID, req.Identity, &ident, &resp.Diagnostics) {
		// An identity import (what terraform query generates) adopts the user
		// as configured: license_type is recorded only when set in configuration.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ident.ID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("delete_on_destroy"), false)...)
		return
	} else if resp.Diagnostics.HasError() {
		return
	}
	id, ok := userObject.importID(ctx, r.data, req.ID, &resp.Diagnostics, func(ctx context.Context, name string) (string, error) {
		u, err := r.data.scim.FindUserByUserName(ctx, name)
		if err != nil || u == nil {
			return "", err
		}
		return u.ID, nil
	})
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("delete_on_destroy"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// userPatchOps lists the operations that take a user from state to plan:
// only what changed, so a PATCH never overwrites a value someone else set on
// an attribute this configuration did not change. Every operation has the
// shape dbt's spec gives a user PATCH (UserOperationComponent: a string
// value, or {"active": bool} without a path) and an IdP sends: see
// WIRE.md.
func userPatchOps(state, plan scimUserModel) ([]scim.PatchOperation, error) {
	var ops []scim.PatchOperation
	replace := func(path, value string) error {
		o, err := scim.NewPatchOperation(scim.OpReplace, path, value)
		if err == nil {
			ops = append(ops, o)
		}
		return err
	}
	// An optional attribute that becomes unset is replaced with "", the
	// spec's default for it: a remove would need a value the spec cannot
	// give it.
	optional := func(path string, from, to types.String) error {
		if from.Equal(to) {
			return nil
		}
		return replace(path, to.ValueString())
	}
	if !plan.UserName.Equal(state.UserName) {
		if err := replace(pathUserName, plan.UserName.ValueString()); err != nil {
			return nil, err
		}
		// The work email follows the user name; the user's other addresses stay.
		if err := replace(pathWorkEmail, plan.UserName.ValueString()); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		path     string
		from, to types.String
	}{
		{pathGivenName, state.GivenName, plan.GivenName},
		{pathFamilyName, state.FamilyName, plan.FamilyName},
		{pathExternalID, state.ExternalID, plan.ExternalID},
	} {
		if err := optional(f.path, f.from, f.to); err != nil {
			return nil, err
		}
	}
	if !plan.Active.Equal(state.Active) {
		o, err := activeOp(plan.Active.ValueBool())
		if err != nil {
			return nil, err
		}
		ops = append(ops, o)
	}
	// An unset license_type is left to dbt: never sent, never removed.
	if !plan.LicenseType.IsNull() && !plan.LicenseType.Equal(state.LicenseType) {
		if err := replace(pathLicenseType, plan.LicenseType.ValueString()); err != nil {
			return nil, err
		}
	}
	return ops, nil
}

// activeOp (de)activates a user the way Okta does and dbt's spec draws it:
// {"op":"replace","value":{"active":false}}, with no path.
func activeOp(active bool) (scim.PatchOperation, error) {
	return scim.NewPatchOperation(scim.OpReplace, "", map[string]bool{"active": active})
}

func workEmail(userName string) scim.Email {
	return scim.Email{Value: userName, Type: "work", Primary: true}
}

// warnIfDiffers warns when dbt accepted a write but reports values other
// than the ones sent. The state keeps what was planned, which Terraform
// requires; the next plan shows the difference.
func warnIfDiffers(diags *diag.Diagnostics, plan scimUserModel, u *scim.User) {
	got := plan
	got.fill(u, false)
	var diffs []string
	check := func(attr string, want, have types.String) {
		if !want.Equal(have) {
			diffs = append(diffs, fmt.Sprintf("%s: sent %s, dbt reports %s", attr, want, have))
		}
	}
	check("user_name", plan.UserName, got.UserName)
	check("given_name", plan.GivenName, got.GivenName)
	check("family_name", plan.FamilyName, got.FamilyName)
	check("external_id", plan.ExternalID, got.ExternalID)
	check("license_type", plan.LicenseType, got.LicenseType)
	if !plan.Active.Equal(got.Active) {
		diffs = append(diffs, fmt.Sprintf("active: sent %s, dbt reports %s", plan.Active, got.Active))
	}
	if len(diffs) > 0 {
		diags.AddWarning("dbt did not take every change to user "+plan.ID.ValueString(),
			"dbt accepted the request but reports other values:\n  "+strings.Join(diffs, "\n  ")+
				"\n\nThe next plan shows the difference. dbt may ignore license_type unless the account's SCIM "+
				"settings let SCIM control license types.")
	}
}

// scimUserModel is the resource's state.
type scimUserModel struct {
	ID              types.String `tfsdk:"id"`
	UserName        types.String `tfsdk:"user_name"`
	GivenName       types.String `tfsdk:"given_name"`
	FamilyName      types.String `tfsdk:"family_name"`
	ExternalID      types.String `tfsdk:"external_id"`
	Active          types.Bool   `tfsdk:"active"`
	LicenseType     types.String `tfsdk:"license_type"`
	DeleteOnDestroy types.Bool   `tfsdk:"delete_on_destroy"`
}

// toSCIM is the user to create. The dbt extension goes only when a license
// type is set, so servers without it are not sent a schema they reject.
func (m scimUserModel) toSCIM() scim.User {
	// Everything dbt's spec requires of a create (CreateUserSCIMRequest:
	// schemas, userName, name, emails, active) is always sent; unset names
	// as "", the spec's default.
	u := scim.User{
		UserName:   m.UserName.ValueString(),
		ExternalID: m.ExternalID.ValueString(),
		Name:       &scim.Name{GivenName: m.GivenName.ValueString(), FamilyName: m.FamilyName.ValueString()},
		Emails:     []scim.Email{workEmail(m.UserName.ValueString())},
		Active:     scim.Bool(m.Active.ValueBool()),
	}
	if !m.LicenseType.IsNull() {
		u.DBT = &scim.DBTUserExtension{LicenseType: m.LicenseType.ValueString()}
	}
	return u
}

// fill copies what dbt reports about u. license_type is refreshed only while
// it is managed (set in state), or when withLicense says to record it (just
// after import).
func (m *scimUserModel) fill(u *scim.User, withLicense bool) {
	m.ID = types.StringValue(u.ID)
	// userName is case-insensitive: a server that folds case is no drift.
	if !strings.EqualFold(m.UserName.ValueString(), u.UserName) || m.UserName.IsNull() {
		m.UserName = types.StringValue(u.UserName)
	}
	var name scim.Name
	if u.Name != nil {
		name = *u.Name
	}
	m.GivenName = stringOrNull(name.GivenName)
	m.FamilyName = stringOrNull(name.FamilyName)
	m.ExternalID = stringOrNull(u.ExternalID)
	switch {
	case u.Active != nil:
		m.Active = types.BoolValue(*u.Active)
	case m.Active.IsNull() || m.Active.IsUnknown():
		m.Active = types.BoolValue(true) // RFC 7643 leaves it out for servers without deactivation
	}
	if !m.LicenseType.IsNull() || withLicense {
		license := ""
		if u.DBT != nil {
			license = u.DBT.LicenseType
		}
		m.LicenseType = stringOrNull(license)
	}
	if m.DeleteOnDestroy.IsNull() || m.DeleteOnDestroy.IsUnknown() {
		m.DeleteOnDestroy = types.BoolValue(false)
	}
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
