package provider

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
)

// scimTokenResource is one named SCIM token. dbt shows a token's value only
// in the response that creates it, so the value lives only in Terraform state.
type scimTokenResource struct {
	data *providerData
}

// NewSCIMTokenResource returns the dbt_scim_token resource.
func NewSCIMTokenResource() resource.Resource { return &scimTokenResource{} }

func (r *scimTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_token"
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
			"uses `token` (your IdP's configuration), and only then deletes the old token.\n\n" +
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
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The token's value, known only from creation: dbt never returns it again. " +
					"It is null after `terraform import`.",
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
				MarkdownDescription: "Arbitrary strings; any change to them replaces the token. Feed it a " +
					"`time_rotating` resource's ID or a version number to rotate on your own schedule.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *scimTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans a replacement once the rotation period has passed. The
// replacement is planned rather than done in Read, so create_before_destroy
// applies: the new token exists before the old one is deleted. Terraform
// replaces only for a path whose value changes, hence ready_for_rotation
// going from false to true.
func (r *scimTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var state, plan scimTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.RotationPeriod.IsNull() || plan.RotationPeriod.IsUnknown() {
		return
	}
	period, err := time.ParseDuration(plan.RotationPeriod.ValueString())
	if err != nil || period <= 0 {
		return // the validator reports it
	}
	created, err := time.Parse(time.RFC3339, state.CreatedAt.ValueString())
	if err != nil {
		return // an imported token always has created_at; nothing sensible to decide without it
	}
	var now time.Time
	if r.data != nil {
		now = r.data.clock.Now()
	} else {
		now = clock.Real{}.Now()
	}
	if due := created.Add(period); !now.Before(due) {
		tflog.Info(ctx, "SCIM token is due for rotation", map[string]any{"id": state.ID.ValueString(), "due": due})
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ready_for_rotation"), true)...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ready_for_rotation"))
	}
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
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only records a new rotation_period; everything else replaces the token.
func (r *scimTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state scimTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.RotationPeriod = plan.RotationPeriod
	state.RotateWhenChanged = plan.RotateWhenChanged
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	setObjectIdentity(ctx, r.data, resp.Identity, state.ID, &resp.Diagnostics)
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
}

func timeOrNull(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
