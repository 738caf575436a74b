// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
	"github.com/dbt-scim/terraform-provider-dbt/internal/clock"
	"github.com/dbt-scim/terraform-provider-dbt/internal/dbtapi"
	"github.com/dbt-scim/terraform-provider-dbt/internal/validators"
)

var (
	_ resource.Resource                = (*scimTokenResource)(nil)
	_ resource.ResourceWithConfigure   = (*scimTokenResource)(nil)
	_ resource.ResourceWithImportState = (*scimTokenResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scimTokenResource)(nil)
	_ resource.ResourceWithIdentity    = (*scimTokenResource)(nil)
	_ resource.ResourceWithMoveState   = (*scimTokenResource)(nil)
)

// scimTokenResource is one named SCIM token. dbt shows a token's value only
// in the response that creates it, so the value lives only in Terraform state.
type scimTokenResource struct {
	resourceBase
}

// NewSCIMTokenResource returns the dbt_scim_token resource.
func NewSCIMTokenResource() resource.Resource { return &scimTokenResource{} }

func (r *scimTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_token"
	// In overlap mode a rotation mints the new token in place, so the id,
	// and the identity with it, changes without a replacement.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *scimTokenResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = objectIdentitySchema("The token's numeric ID in dbt, as listed by the `dbt_scim_tokens` data source.")
}

func (r *scimTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A named SCIM token, the bearer token your identity provider (Okta, Microsoft Entra ID) " +
			"uses to provision users and groups into dbt.\n\n" +
			"dbt shows a token's value once, when it is created, so `token` is known only to the Terraform state " +
			"that created it. Treat that state as a secret.\n\n" +
			"To rotate without a gap in provisioning, set `rotation_period` or `rotate_when_changed` and add " +
			"`lifecycle { create_before_destroy = true }`: one apply then creates the new token, updates whatever " +
			"uses `token` (your IdP's configuration), and only then deletes the old token. That needs the IdP's " +
			"configuration in the same Terraform run: an apply with `-target` on the token alone deletes the old " +
			"token before anything else has the new one, and every plan that replaces the token says so.\n\n" +
			"**Overlap mode**, for an IdP that Terraform does not configure (you paste the token into Okta's " +
			"Admin Console, say): set `previous_token_retention`. A rotation then mints the new token in place " +
			"and keeps the previous one working until the retention has passed, time to paste the new value; " +
			"the first apply after that deletes it, and the plan shows it. `previous_token_id` and " +
			"`previous_token_expires_at` say which token is still live and until when.\n\n" +
			"**Destroy** deletes the token in dbt; an IdP still using it stops provisioning. A token deleted " +
			"outside Terraform is removed from state with a warning, and the next apply creates a new one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The token's numeric ID in dbt.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The token's name, as dbt's SCIM settings page lists it; 1 to 255 " +
					"characters. dbt cannot rename a token, so changing it replaces the token.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be only white space"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The token's value, known only from creation: dbt never returns it again. " +
					"After `terraform import` it is not known: plans show it as known after apply, so that nothing " +
					"using it is handed an empty value, and an apply fails until the token is rotated (set " +
					"`rotate_when_changed` or `rotation_period`).",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When dbt created the token, in RFC 3339 format.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"last_used": schema.StringAttribute{
				MarkdownDescription: "When the token last authenticated a SCIM request, in RFC 3339 format; null " +
					"if never. Refreshed on every plan.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"rotation_period": schema.StringAttribute{
				MarkdownDescription: "Replace the token once this long has passed since `created_at`, as a " +
					"duration in hours, minutes or seconds, such as `\"2160h\"` for 90 days. The plan made after " +
					"that moment shows the replacement. Changing this value alone updates the state in place.",
				Optional:   true,
				Validators: []validator.String{validators.PositiveDuration()},
			},
			"ready_for_rotation": schema.BoolAttribute{
				MarkdownDescription: "Whether `rotation_period` has passed. It is `false` in state; a plan made " +
					"after the period has passed sets it to `true`, which replaces the token.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"rotate_when_changed": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings; any change to them rotates the token (replaces it, or " +
					"in overlap mode mints a new one in place). Feed it a `time_rotating` resource's ID or a " +
					"version number to rotate on your own schedule.",
				ElementType: types.StringType,
				Optional:    true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(replaceUnlessOverlap,
					"Replaces the token unless previous_token_retention is set.",
					"Replaces the token unless `previous_token_retention` is set.")},
			},
			"previous_token_retention": schema.StringAttribute{
				MarkdownDescription: "Turns on overlap mode: how long the previous token keeps working after a " +
					"rotation, as a duration such as `\"168h\"` (7 days). A rotation then updates this resource in " +
					"place, minting the new token and keeping the previous one, which the first apply after the " +
					"retention deletes. Unset (the default), a rotation replaces the token. Changing it updates " +
					"the state only; a previous token already kept expires as it was told.",
				Optional:   true,
				Validators: []validator.String{validators.PositiveDuration()},
			},
			"previous_token_id": schema.StringAttribute{
				MarkdownDescription: "In overlap mode, the ID of the previous token, still working until " +
					"`previous_token_expires_at`; null when none is kept.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"previous_token_expires_at": schema.StringAttribute{
				MarkdownDescription: "In overlap mode, when the previous token's retention ends, in RFC 3339 " +
					"format: the first apply after it deletes that token. Null when none is kept.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// privateRefreshedAt is the private-state key of the time of the last
// refresh, which rotation is judged at (see tokenFacts.Now).
const privateRefreshedAt = "refreshed_at"

// replaceUnlessOverlap replaces the token for a rotate_when_changed change,
// unless overlap mode rotates it in place.
func replaceUnlessOverlap(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	var retention types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("previous_token_retention"), &retention)...)
	resp.RequiresReplace = retention.IsNull()
}

// ModifyPlan decides rotation (decideTokenPlan) and writes it into the plan.
// A replacement is planned rather than done in Read, so that
// create_before_destroy applies: the new token exists before the old one is
// deleted. Terraform replaces only for a path whose value changes, hence
// ready_for_rotation going from false to true.
func (r *scimTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() && !req.Plan.Raw.IsNull() {
		r.warnSameName(ctx, req, resp)
		return
	}
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var state, plan scimTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.RotationPeriod.IsUnknown() || plan.PreviousTokenRetention.IsUnknown() ||
		plan.RotateWhenChanged.IsUnknown() {
		return
	}
	f := tokenFacts{
		Now:            r.decisionTime(ctx, req),
		CreatedAt:      parseTimeOrZero(state.CreatedAt),
		Period:         parseDurationOrZero(plan.RotationPeriod),
		TriggerChanged: !plan.RotateWhenChanged.Equal(state.RotateWhenChanged),
		Retention:      parseDurationOrZero(plan.PreviousTokenRetention),
		PreviousID:     state.PreviousTokenID.ValueString(),
		PreviousUntil:  parseTimeOrZero(state.PreviousTokenExpiresAt),
		HasValue:       !state.Token.IsNull(),
	}
	d := decideTokenPlan(f)
	name := state.Name.ValueString()
	set := func(attr string, v any) { resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), v)...) }
	switch {
	case d.InPlace:
		tflog.Info(ctx, "SCIM token rotates in place", map[string]any{"id": state.ID.ValueString()})
		for _, attr := range []string{"id", "token", "created_at", "last_used", "ready_for_rotation", "previous_token_expires_at"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), unknownOf(attr))...)
		}
		set("previous_token_id", state.ID)
		if d.DropPrevious {
			resp.Diagnostics.AddAttributeWarning(path.Root("previous_token_id"), "Rotating deletes a token still within its retention",
				fmt.Sprintf("SCIM token %q rotates again while its previous token %s is kept until %s. Only one previous "+
					"token is kept: this apply deletes %s, and token %s becomes the previous one. An IdP still "+
					"using %s stops provisioning.", name, f.PreviousID, state.PreviousTokenExpiresAt.ValueString(),
					f.PreviousID, state.ID.ValueString(), f.PreviousID))
		}
	case d.Rotate:
		if f.due() {
			tflog.Info(ctx, "SCIM token is due for rotation", map[string]any{"id": state.ID.ValueString()})
			set("ready_for_rotation", true)
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ready_for_rotation"))
		}
		resp.Diagnostics.AddWarning("SCIM token "+name+" is replaced: apply the whole configuration",
			fmt.Sprintf("This plan replaces SCIM token %q (id %s): a new token is minted, whatever uses its value is "+
				"updated, and then the old token is deleted. Only resources in this same apply get the new value: an "+
				"apply with -target on the token alone, or an identity provider configured outside Terraform, keeps "+
				"the old value, which stops working when the old token is deleted. For an IdP Terraform does not "+
				"configure, set previous_token_retention to keep the old token working for a while.",
				name, state.ID.ValueString()))
	case d.DropPrevious:
		set("previous_token_id", types.StringNull())
		set("previous_token_expires_at", types.StringNull())
	}
	if d.NoValue {
		set("token", types.StringUnknown())
		resp.Diagnostics.AddAttributeWarning(path.Root("token"), "SCIM token "+name+" has no value in Terraform",
			fmt.Sprintf("SCIM token %q (id %s) was imported, and dbt shows a token's value only when it is "+
				"created, so Terraform does not know it. Nothing that uses its value can be given one: this plan "+
				"shows the value as known after apply, and the apply fails. Set rotate_when_changed (or "+
				"rotation_period) on it so that Terraform mints a new token whose value it knows; with "+
				"previous_token_retention the imported token keeps working meanwhile.", name, state.ID.ValueString()))
	}
}

// warnSameName warns when another dbt_scim_token of this configuration is
// planned with the same name: dbt allows it, but its settings page, and
// whoever pastes a token into an IdP, cannot tell the two apart.
func (r *scimTokenResource) warnSameName(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if r.data == nil || name.IsNull() || name.IsUnknown() {
		return
	}
	if _, taken := r.data.plannedTokenNames.LoadOrStore(name.ValueString(), true); taken {
		resp.Diagnostics.AddAttributeWarning(path.Root("name"), "Two SCIM tokens with one name",
			fmt.Sprintf("Another dbt_scim_token in this configuration is also named %q. dbt allows it, but its SCIM "+
				"settings page lists tokens by name, so nobody can tell which one an identity provider holds. "+
				"Give each token the name of the IdP that uses it.", name.ValueString()))
	}
}

// decisionTime is the time of the last refresh, as Read recorded it, or the
// clock's time for a state never refreshed by this version.
func (r *scimTokenResource) decisionTime(ctx context.Context, req resource.ModifyPlanRequest) time.Time {
	if b, diags := req.Private.GetKey(ctx, privateRefreshedAt); !diags.HasError() && len(b) > 0 {
		var s string
		if json.Unmarshal(b, &s) == nil {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t
			}
		}
	}
	return r.now()
}

func (r *scimTokenResource) now() time.Time {
	if r.data != nil {
		return r.data.clock.Now()
	}
	return clock.Real{}.Now()
}

// unknownOf is the unknown value of one of the token's computed attributes.
func unknownOf(attr string) attr.Value {
	if attr == "ready_for_rotation" {
		return types.BoolUnknown()
	}
	return types.StringUnknown()
}

func parseTimeOrZero(s types.String) time.Time {
	t, err := time.Parse(time.RFC3339, s.ValueString())
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseDurationOrZero(s types.String) time.Duration {
	d, err := time.ParseDuration(s.ValueString())
	if err != nil || d <= 0 {
		return 0 // the validator reports it
	}
	return d
}

func (r *scimTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan scimTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireAdmin(r.data, &resp.Diagnostics) {
		return
	}
	tok, value, err := r.data.admin.CreateSCIMToken(ctx, plan.Name.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("create SCIM token %q", plan.Name.ValueString()), err)
		return
	}
	plan.fill(tok)
	plan.Token = types.StringValue(value)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setObjectIdentity(ctx, r.data, resp.Identity, plan.ID, &resp.Diagnostics)
}

func (r *scimTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scimTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is the state's ids, recorded first: Terraform wants one
	// even when the object turns out to be gone, or is not refreshed now.
	setObjectIdentity(ctx, r.data, resp.Identity, state.ID, &resp.Diagnostics)
	if !refreshable(r.data, &resp.Diagnostics) || !requireAdmin(r.data, &resp.Diagnostics) {
		return
	}
	id, ok := parseTokenID(state.ID.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	refreshedAt := r.now()
	tok, err := r.data.admin.GetSCIMToken(ctx, id)
	if apierror.IsNotFound(err) {
		resp.Diagnostics.AddWarning("SCIM token no longer exists",
			fmt.Sprintf("SCIM token %s (%q) was deleted outside Terraform. It has been removed from the state; "+
				"the next apply creates a new token, and whatever uses its value is updated with it.",
				state.ID.ValueString(), state.Name.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read SCIM token "+state.ID.ValueString(), err)
		return
	}
	state.fill(tok)
	r.refreshPrevious(ctx, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	stamp, _ := json.Marshal(refreshedAt.UTC().Format(time.RFC3339Nano))
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateRefreshedAt, stamp)...)
}

// refreshPrevious forgets a previous token that was deleted outside
// Terraform, so that the plan does not promise to delete it again.
func (r *scimTokenResource) refreshPrevious(ctx context.Context, state *scimTokenModel, diags *diag.Diagnostics) {
	if state.PreviousTokenID.IsNull() {
		return
	}
	id, err := strconv.ParseInt(state.PreviousTokenID.ValueString(), 10, 64)
	if err == nil {
		_, err = r.data.admin.GetSCIMToken(ctx, id)
	}
	switch {
	case err == nil:
	case apierror.IsNotFound(err):
		diags.AddWarning("Previous SCIM token no longer exists",
			fmt.Sprintf("SCIM token %s, kept as the previous token of %q until %s, was deleted outside Terraform.",
				state.PreviousTokenID.ValueString(), state.Name.ValueString(), state.PreviousTokenExpiresAt.ValueString()))
		state.PreviousTokenID, state.PreviousTokenExpiresAt = types.StringNull(), types.StringNull()
	default:
		addAPIError(diags, "read previous SCIM token "+state.PreviousTokenID.ValueString(), err)
	}
}

// Update rotates in place (overlap mode), deletes a previous token whose
// retention has passed, and records the settings that change nothing in dbt.
// Everything else replaces the token.
func (r *scimTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state scimTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	next := state
	next.RotationPeriod, next.RotateWhenChanged = plan.RotationPeriod, plan.RotateWhenChanged
	next.PreviousTokenRetention = plan.PreviousTokenRetention
	switch {
	case plan.ID.IsUnknown():
		if !r.rotateInPlace(ctx, plan, &next, &resp.Diagnostics) {
			return
		}
	case plan.Token.IsUnknown():
		resp.Diagnostics.AddAttributeError(path.Root("token"), "SCIM token "+state.Name.ValueString()+" has no value",
			fmt.Sprintf("SCIM token %q (id %s) was imported, and dbt shows a token's value only when it is created, "+
				"so Terraform has none to give what uses it. Nothing was changed. Set rotate_when_changed (or "+
				"rotation_period) on it so that Terraform mints a new token whose value it knows; with "+
				"previous_token_retention the imported token keeps working meanwhile.",
				state.Name.ValueString(), state.ID.ValueString()))
		return
	case !state.PreviousTokenID.IsNull() && plan.PreviousTokenID.IsNull():
		if !r.deletePrevious(ctx, state, &resp.Diagnostics) {
			return
		}
		next.PreviousTokenID, next.PreviousTokenExpiresAt = types.StringNull(), types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
	setObjectIdentity(ctx, r.data, resp.Identity, next.ID, &resp.Diagnostics)
}

// rotateInPlace mints the new token and keeps the current one as the
// previous token; a token already kept as previous is deleted, after the new
// one exists. On an error after the mint, next records the new token anyway,
// since its value exists nowhere else.
func (r *scimTokenResource) rotateInPlace(ctx context.Context, plan scimTokenModel, next *scimTokenModel, diags *diag.Diagnostics) bool {
	if !requireAdmin(r.data, diags) {
		return false
	}
	old := *next
	tok, value, err := r.data.admin.CreateSCIMToken(ctx, plan.Name.ValueString())
	if err != nil {
		addAPIError(diags, fmt.Sprintf("create the new SCIM token %q", plan.Name.ValueString()), err)
		return false
	}
	next.fill(tok)
	next.Token = types.StringValue(value)
	next.PreviousTokenID = old.ID
	next.PreviousTokenExpiresAt = types.StringValue(r.now().Add(parseDurationOrZero(plan.PreviousTokenRetention)).UTC().Format(time.RFC3339))
	if !old.PreviousTokenID.IsNull() && !r.deletePrevious(ctx, old, diags) {
		// The new token exists and the older one could not be deleted:
		// keep the new one in state, and say which is left behind.
		diags.AddWarning("An older SCIM token was left in dbt",
			fmt.Sprintf("SCIM token %s could not be deleted; delete it in dbt's SCIM settings.", old.PreviousTokenID.ValueString()))
	}
	return true
}

// deletePrevious deletes state's previous token; one already gone is fine.
func (r *scimTokenResource) deletePrevious(ctx context.Context, state scimTokenModel, diags *diag.Diagnostics) bool {
	if !requireAdmin(r.data, diags) {
		return false
	}
	id, ok := parseTokenID(state.PreviousTokenID.ValueString(), diags)
	if !ok {
		return false
	}
	if err := r.data.admin.DeleteSCIMToken(ctx, id); err != nil && !apierror.IsNotFound(err) {
		addAPIError(diags, fmt.Sprintf("delete the previous SCIM token %d of %q", id, state.Name.ValueString()), err)
		return false
	}
	return true
}

func (r *scimTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireAdmin(r.data, &resp.Diagnostics) {
		return
	}
	id, ok := parseTokenID(state.ID.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	if !state.PreviousTokenID.IsNull() && !r.deletePrevious(ctx, state, &resp.Diagnostics) {
		return
	}
	if err := r.data.admin.DeleteSCIMToken(ctx, id); err != nil && !apierror.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "delete SCIM token "+state.ID.ValueString(), err)
	}
}

// ImportState adopts an existing token by ID, or by identity. Its value
// cannot be recovered: dbt returns it only at creation, so token stays null.
func (r *scimTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	var ident objectIdentity
	if importedIdentity(ctx, r.data, req.ID, req.Identity, &ident, &resp.Diagnostics) {
		id = ident.ID.ValueString()
	} else if resp.Diagnostics.HasError() {
		return
	}
	if _, ok := parseTokenID(id, &resp.Diagnostics); !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

func parseTokenID(s string, diags interface {
	AddAttributeError(path.Path, string, string)
}) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		diags.AddAttributeError(path.Root("id"), "Invalid SCIM token ID",
			fmt.Sprintf("A SCIM token ID is a positive whole number, as listed by the dbt_scim_tokens data "+
				"source; got %q.", s))
		return 0, false
	}
	return id, true
}

// scimTokenModel is the resource's state.
type scimTokenModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Token             types.String `tfsdk:"token"`
	CreatedAt         types.String `tfsdk:"created_at"`
	LastUsed          types.String `tfsdk:"last_used"`
	RotationPeriod    types.String `tfsdk:"rotation_period"`
	RotateWhenChanged types.Map    `tfsdk:"rotate_when_changed"`
	ReadyForRotation  types.Bool   `tfsdk:"ready_for_rotation"`

	PreviousTokenRetention types.String `tfsdk:"previous_token_retention"`
	PreviousTokenID        types.String `tfsdk:"previous_token_id"`
	PreviousTokenExpiresAt types.String `tfsdk:"previous_token_expires_at"`
}

// fill copies what dbt reports about a token; the value is not among it.
func (m *scimTokenModel) fill(t dbtapi.SCIMToken) {
	m.ID = types.StringValue(strconv.FormatInt(t.ID, 10))
	m.Name = types.StringValue(t.Name)
	m.CreatedAt = types.StringValue(t.CreatedAt.UTC().Format(time.RFC3339))
	m.LastUsed = timeOrNull(t.LastUsed)
	if m.Token.IsUnknown() {
		m.Token = types.StringNull()
	}
	if m.RotateWhenChanged.IsUnknown() {
		m.RotateWhenChanged = types.MapNull(types.StringType)
	}
	// A token in state is never due: due-ness is decided at plan time.
	m.ReadyForRotation = types.BoolValue(false)
	if m.PreviousTokenID.IsUnknown() || m.PreviousTokenID.IsNull() {
		m.PreviousTokenID, m.PreviousTokenExpiresAt = types.StringNull(), types.StringNull()
	}
}

func timeOrNull(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
