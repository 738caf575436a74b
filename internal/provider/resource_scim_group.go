// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

var (
	_ resource.Resource                = (*scimGroupResource)(nil)
	_ resource.ResourceWithConfigure   = (*scimGroupResource)(nil)
	_ resource.ResourceWithImportState = (*scimGroupResource)(nil)
	_ resource.ResourceWithIdentity    = (*scimGroupResource)(nil)
	_ resource.ResourceWithMoveState   = (*scimGroupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scimGroupResource)(nil)
)

// SCIM attribute paths the group resource patches (RFC 7643 §4.2).
const (
	pathDisplayName = "displayName"
	pathGroupExtID  = "externalId"
)

// importDisplayNamePrefix marks an import ID that is a group's displayName,
// not its SCIM id.
const importDisplayNamePrefix = "displayName="

// privateGroupImported is the private-state key ImportState sets, so that the
// Read after import records the members, which Read otherwise reads only
// while members is set in state.
const privateGroupImported = "imported"

// scimGroupResource is one group, provisioned through SCIM as an identity
// provider would push it.
type scimGroupResource struct {
	directoryResourceBase
}

// NewSCIMGroupResource returns the dbt_scim_group resource.
func NewSCIMGroupResource() resource.Resource { return &scimGroupResource{} }

func (r *scimGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group"
}

func (r *scimGroupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = objectIdentitySchema("The group's SCIM id in dbt.")
}

func (r *scimGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A dbt group provisioned through SCIM 2.0, as an identity provider (Okta, Microsoft " +
			"Entra ID) pushes it. Needs the provider's `scim_token`. dbt matches SCIM groups to its permission " +
			"groups by name, so `display_name` is what connects this group to access in dbt: creating a group " +
			"whose name equals an existing dbt group's links that group, with its permissions, and the apply " +
			"warns that it did: the provider looks the name up before it creates the group. A " +
			"group is deleted again after its members fail only when it is shown to be the apply's own: that " +
			"lookup found none of its name, and the create was sent once and answered.\n\n" +
			"Every attribute except `id` changes in place with a SCIM `PATCH`; nothing here replaces the group.\n\n" +
			"**Members.** With `members` set, this resource is authoritative for the group's membership: members " +
			"added or removed outside Terraform (in dbt, or by your IdP) show as drift on the next plan and are put " +
			"back by the next apply. A change sends only the difference, as `add` and `remove` operations batched " +
			"by the provider's `scim_patch_batch_size`, never the whole list, so changing one member of a large " +
			"group is one small request. With `members` unset, this resource never reads or writes members: the " +
			"IdP, dbt's UI or `dbt_scim_group_member` resources manage them. Removing `members` from the " +
			"configuration stops managing them and leaves the group's members as they are. Do not combine " +
			"`members` with `dbt_scim_group_member` on the same group: each would undo the other.\n\n" +
			"**Large groups.** Only the difference ever goes to dbt, but Terraform itself slows down as a set " +
			"grows: every plan compares the whole of `members`, which takes seconds for a few thousand members " +
			"and minutes for ten thousand. For groups of tens of thousands, leave `members` unset and let your " +
			"IdP manage them, or manage the memberships you care about with `dbt_scim_group_member`. In a " +
			"configuration with many groups drawn from one `count` or `for_each` of users, read the ids once " +
			"through a local (`locals { user_ids = dbt_scim_user.all[*].id }`, or a `for` expression over a " +
			"`for_each`) and index that in each group: a group that refers to `dbt_scim_user.all` itself makes " +
			"Terraform build the value of every user instance again for that group, which for a thousand groups " +
			"and a few thousand users is minutes of plan and gigabytes of memory.\n\n" +
			"A group deleted outside Terraform is removed from state with a warning, and the next apply creates " +
			"it again.\n\n" +
			"**Destroy** deletes the group in dbt. Its memberships go with it; the users stay in dbt, and lose " +
			"whatever access they had through this group only.\n\n" +
			"**A group dbt already provisions through SCIM is not taken over.** When dbt answers that " +
			"`display_name` is taken, the apply fails with the import command to run instead. A dbt group it " +
			"links, as above, is taken into state with its permissions, and destroy deletes it: choose another " +
			"name if that group must outlive this configuration. Import by SCIM id or by name: " +
			"`terraform import dbt_scim_group.analysts displayName=Analysts`. After import, `members` holds the " +
			"group's current members, so the configuration can take them over.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The group's SCIM id in dbt.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "The group's name (SCIM `displayName`). dbt maps SCIM groups to its " +
					"permission groups by this name. Unique in the account, compared without regard to case. " +
					"Changing it renames the group in place; the id and the members stay.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"external_id": schema.StringAttribute{
				MarkdownDescription: "An identifier of the group in your own system (SCIM `externalId`), such as " +
					"the group's id in your identity provider. Unset means none: one set in dbt shows as drift " +
					"and is removed. Changes update in place.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"members": schema.SetAttribute{
				MarkdownDescription: "The SCIM ids of the group's members (users' `id`, for example " +
					"`dbt_scim_user.jane.id`). When set, the group has exactly these members: anyone added or " +
					"removed outside Terraform shows as drift and is put back, with only the difference sent. " +
					"An empty set means no members. Unset (the default) leaves membership alone entirely: it is " +
					"neither read nor written. Changing from set to unset stops managing members and leaves " +
					"the current ones in place.",
				ElementType: types.StringType,
				CustomType:  newMemberIDsType(),
				Optional:    true,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
		},
	}
}

func (r *scimGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan scimGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	name := plan.DisplayName.ValueString()
	if ids := plan.Members.IDs(); !plan.Members.IsNull() && len(ids) > 0 {
		// Each member is named (read, unless this run already read it)
		// before the group exists, so an id that is no user stops the
		// create with nothing made in dbt.
		if err := r.data.scim.CheckMembers(ctx, ids); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("members"), fmt.Sprintf("Cannot create group %q", name),
				"Nothing was created: "+apiErrorDetail(err)+"\n\nEvery id in members must be the SCIM id of a user "+
					"of this account, such as dbt_scim_user.jane.id.")
			return
		}
	}
	// The group is created without members, which are then PATCHed in, as
	// Okta and Entra ID push groups (WIRE.md).
	g := scim.Group{DisplayName: name, ExternalID: plan.ExternalID.ValueString()}
	created, err := r.data.scim.CreateGroup(ctx, g)
	if apierror.IsKind(err, apierror.KindConflict) {
		r.addConflict(ctx, &resp.Diagnostics, name, err)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot create group %q", name), apiErrorDetail(err))
		return
	}
	plan.ID = types.StringValue(created.ID)
	if created.Linked {
		resp.Diagnostics.AddAttributeWarning(path.Root("display_name"), fmt.Sprintf("dbt linked its existing group %q", name),
			fmt.Sprintf("dbt already had a group named %q (SCIM id %s%s) and linked it instead of creating "+
				"one, as its SCIM FAQ describes: it keeps its permissions, is SCIM-managed now, and this resource "+
				"manages it. With members set, members not listed there are removed on the next apply; destroying "+
				"the resource deletes the group.", name, created.ID, createdNote(created.Meta)))
	}
	if ids := plan.Members.IDs(); !plan.Members.IsNull() && len(ids) > 0 {
		if err := r.data.scim.UpdateGroupMembers(ctx, created.ID, ids, nil); err != nil {
			if !created.New {
				r.keepLinked(resp, plan, created.Linked, err)
				return
			}
			r.undoCreate(ctx, resp, plan, err)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setObjectIdentity(ctx, r.data, resp.Identity, plan.ID, &resp.Diagnostics)
}

// undoCreate handles a group that was created but whose members could not
// all be added: the group this apply just made is deleted again, so a failed
// create leaves nothing behind, as it would had it been one request. If the
// delete fails too, the group stays in the state with the members it is
// known to have (none), so the next apply adds the rest instead of creating
// it again.
func (r *scimGroupResource) undoCreate(ctx context.Context, resp *resource.CreateResponse, plan scimGroupModel, err error) {
	name, id := plan.DisplayName.ValueString(), plan.ID.ValueString()
	detail := apiErrorDetail(err)
	if apierror.IsKind(err, apierror.KindBadRequest) && !strings.Contains(detail, unlicensedMemberHint) {
		detail += "\n\nIf dbt's message is about a member: every id in members must be the SCIM id of a user " +
			"of this account that holds a license, such as dbt_scim_user.jane.id."
	}
	delErr := r.data.scim.DeleteGroup(ctx, id)
	if delErr == nil || apierror.IsNotFound(delErr) {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot create group %q", name), "Adding its members failed, "+
			"so the group created a moment before was deleted again: dbt holds nothing from this apply.\n\n"+detail)
		return
	}
	kept := plan
	kept.Members = newMemberIDs(nil)
	resp.Diagnostics.Append(resp.State.Set(ctx, kept)...)
	setObjectIdentity(ctx, r.data, resp.Identity, plan.ID, &resp.Diagnostics)
	resp.Diagnostics.AddError(fmt.Sprintf("Group %q was created, but adding its members failed", name),
		detail+"\n\nDeleting the group again failed too ("+apiErrorDetail(delErr)+"). The group (SCIM id "+id+
			") is in the state; the next apply adds the members it is missing.")
}

// keepLinked handles a group whose members could not all be added and
// that is not shown to be the create's own (scim.Group.New): dbt linked it, or
// dbt answered with members, or the request was sent more than once, or its
// answer was lost and a lookup found the group. It may
// be dbt's own, with its permissions, so it is not
// deleted. Nor does it go into the state: Terraform taints an object whose
// create failed, and replacing a tainted group would delete it. Importing
// it, as the message says, makes it this resource's.
func (r *scimGroupResource) keepLinked(resp *resource.CreateResponse, plan scimGroupModel, linked bool, err error) {
	name, id := plan.DisplayName.ValueString(), plan.ID.ValueString()
	summary := fmt.Sprintf("Group %q was linked, but adding its members failed", name)
	if !linked {
		summary = fmt.Sprintf("Group %q may have existed already, and adding its members failed", name)
	}
	resp.Diagnostics.AddError(summary,
		apiErrorDetail(err)+"\n\nThe group (SCIM id "+id+") may have existed in dbt before this apply: dbt linked "+
			"it, or the create cannot be shown to have made it (dbt answered with members, or the request had to "+
			"be sent again after a refusal or a lost answer, or its answer was lost and a lookup found the group, "+
			"leaving time for someone else to make it). So nothing was deleted; "+
			"members added before the failure stay. Import it and apply again:\n\n"+
			"  terraform import dbt_scim_group.<name> "+id+"\n")
}

// createdNote is ", created <time>" when dbt's answer says when the object
// was made (its spec does not require meta.created), else nothing.
func createdNote(m *scim.Meta) string {
	if m == nil || m.Created == "" {
		return ""
	}
	return ", created " + m.Created
}

// groupObject is how groups are imported and reported as already existing.
var groupObject = namedObject{
	resource: "dbt_scim_group", noun: "group", prefix: importDisplayNamePrefix,
	byName: "by name", placeholder: "<name>", example: "Analysts",
	missing: "dbt has no group named %q", quoteCLI: true,
}

// addConflict explains a create that met an existing group of the same
// name (compared without regard to case), and how to import it.
func (r *scimGroupResource) addConflict(ctx context.Context, diags *diag.Diagnostics, name string, err error) {
	groupObject.addConflict(ctx, diags, "display_name", fmt.Sprintf("dbt already has a group named %q", name), name,
		func(ctx context.Context) (*found, error) {
			g, err := r.data.scim.FindGroupByDisplayName(ctx, name, false)
			if err != nil || g == nil {
				return nil, err
			}
			f := &found{id: g.ID}
			if g.DisplayName != name {
				f.note = fmt.Sprintf(", named %q: names are compared without regard to case", g.DisplayName)
			}
			return f, nil
		},
		func() string {
			return "\nAfter import, members holds the group's current members; set members in the configuration " +
				"to manage them, or leave it unset to leave them alone.\n\n" + err.Error()
		})
}

func (r *scimGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scimGroupModel
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
	imported, diags := req.Private.GetKey(ctx, privateGroupImported)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Members are read only while they are managed (or just after import):
	// an unmanaged group may be huge, and its members are none of our business.
	withMembers := !state.Members.IsNull() || len(imported) > 0

	id := state.ID.ValueString()
	g, err := r.data.scim.GetGroup(ctx, id, withMembers)
	if apierror.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Group no longer exists in dbt",
			fmt.Sprintf("Group %s (%q) was deleted outside Terraform. It has been removed from the state; the "+
				"next apply creates it again.", id, state.DisplayName.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("read group %s", id), err)
		return
	}
	if len(imported) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateGroupImported, nil)...)
	}
	state.fill(g, withMembers)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *scimGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state scimGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	plan.ID = state.ID
	id := state.ID.ValueString()

	ops, err := groupPatchOps(state, plan)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the SCIM PATCH for group "+id, err.Error())
		return
	}
	if len(ops) > 0 {
		if err := r.data.scim.PatchGroup(ctx, id, ops); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("update group %s (%q)", id, state.DisplayName.ValueString()), err)
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
			setObjectIdentity(ctx, r.data, resp.Identity, state.ID, &resp.Diagnostics)
			return
		}
	}

	// A null plan stops managing members: nothing is sent, and they stay.
	if !plan.Members.IsNull() {
		current := state.Members.IDs()
		if state.Members.IsNull() {
			// Taking over members that were not managed: the state knows
			// nothing about them, dbt does.
			g, err := r.data.scim.GetGroup(ctx, id, true)
			if err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("read the members of group %s", id), err)
				r.keepPartialUpdate(ctx, resp, plan, state, nil)
				return
			}
			current = g.MemberIDs()
		}
		add, remove := scim.DiffMembers(current, plan.Members.IDs())
		tflog.Debug(ctx, "updating group members", map[string]any{"id": id, "add": len(add), "remove": len(remove)})
		if err := r.data.scim.UpdateGroupMembers(ctx, id, add, remove); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("update the members of group %s (%q)", id, plan.DisplayName.ValueString()), err)
			r.keepPartialUpdate(ctx, resp, plan, state, current)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setObjectIdentity(ctx, r.data, resp.Identity, plan.ID, &resp.Diagnostics)
}

// keepPartialUpdate records a rename that went through before the member
// update failed. The members stay as the prior state had them; the next
// refresh reads where dbt actually stands, since some batches may have
// been applied. Members being taken over are recorded as dbt had them
// (current, or none when they could not be read), never as planned: a plan
// made with -refresh=false must still see what is left to do.
func (r *scimGroupResource) keepPartialUpdate(ctx context.Context, resp *resource.UpdateResponse, plan, state scimGroupModel, current []string) {
	partial := plan
	partial.Members = state.Members
	if partial.Members.IsNull() {
		partial.Members = newMemberIDs(current)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, partial)...)
	setObjectIdentity(ctx, r.data, resp.Identity, partial.ID, &resp.Diagnostics)
}

func (r *scimGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	if err := r.data.scim.DeleteGroup(ctx, id); err != nil && !apierror.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("delete group %s (%q)", id, state.DisplayName.ValueString()), err)
	}
}

// ImportState adopts a group by SCIM id, or by name as "displayName=<name>".
func (r *scimGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ident objectIdentity
	if importedIdentity(ctx, r.data, req.ID, req.Identity, &ident, &resp.Diagnostics) {
		// An identity import (what terraform query generates) adopts the group
		// as configured: members are read only when set in configuration.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ident.ID)...)
		return
	} else if resp.Diagnostics.HasError() {
		return
	}
	id, ok := groupObject.importID(ctx, r.data, req.ID, &resp.Diagnostics, func(ctx context.Context, name string) (string, error) {
		g, err := r.data.scim.FindGroupByDisplayName(ctx, name, false)
		if err != nil || g == nil {
			return "", err
		}
		return g.ID, nil
	})
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateGroupImported, []byte("true"))...)
}

// groupPatchOps lists the operations that take the group's name and
// externalId from state to plan; members are patched separately, in batches.
func groupPatchOps(state, plan scimGroupModel) ([]scim.PatchOperation, error) {
	var ops []scim.PatchOperation
	if !plan.DisplayName.Equal(state.DisplayName) {
		op, err := scim.NewPatchOperation(scim.OpReplace, pathDisplayName, plan.DisplayName.ValueString())
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	switch {
	case plan.ExternalID.Equal(state.ExternalID):
	case plan.ExternalID.IsNull():
		ops = append(ops, scim.PatchOperation{Op: scim.OpRemove, Path: pathGroupExtID})
	default:
		op, err := scim.NewPatchOperation(scim.OpReplace, pathGroupExtID, plan.ExternalID.ValueString())
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// scimGroupModel is the resource's state.
type scimGroupModel struct {
	ID          types.String   `tfsdk:"id"`
	DisplayName types.String   `tfsdk:"display_name"`
	ExternalID  types.String   `tfsdk:"external_id"`
	Members     memberIDsValue `tfsdk:"members"`
}

// fill copies what dbt reports about g. Members are copied only when they
// were read (withMembers); otherwise the state's stay, null or not.
func (m *scimGroupModel) fill(g *scim.Group, withMembers bool) {
	m.ID = types.StringValue(g.ID)
	// displayName is case-insensitive: a server that folds case is no drift.
	if m.DisplayName.IsNull() || !strings.EqualFold(m.DisplayName.ValueString(), g.DisplayName) {
		m.DisplayName = types.StringValue(g.DisplayName)
	}
	m.ExternalID = stringOrNull(g.ExternalID)
	if withMembers {
		read := newMemberIDs(g.MemberIDs())
		// Keep the state's value when the members are the same, so an
		// unchanged large group costs no more than comparing two sets.
		if !m.Members.Equal(read) {
			m.Members = read
		}
	}
}

// --- member ids: a set of strings that scales --------------------------------
