// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

var (
	_ resource.Resource                = (*scimGroupMemberResource)(nil)
	_ resource.ResourceWithConfigure   = (*scimGroupMemberResource)(nil)
	_ resource.ResourceWithImportState = (*scimGroupMemberResource)(nil)
	_ resource.ResourceWithIdentity    = (*scimGroupMemberResource)(nil)
	_ resource.ResourceWithMoveState   = (*scimGroupMemberResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scimGroupMemberResource)(nil)
)

// scimGroupMemberResource is one user's membership of one group. It is
// additive: it touches only its own member, so it coexists with members
// pushed by an IdP and with other dbt_scim_group_member resources.
type scimGroupMemberResource struct {
	directoryResourceBase
}

// NewSCIMGroupMemberResource returns the dbt_scim_group_member resource.
func NewSCIMGroupMemberResource() resource.Resource { return &scimGroupMemberResource{} }

func (r *scimGroupMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group_member"
}

func (r *scimGroupMemberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"account_id": identityschema.Int64Attribute{OptionalForImport: true, Description: identityAccountDescription},
			"group_id":   identityschema.StringAttribute{RequiredForImport: true, Description: "The group's SCIM id in dbt."},
			"user_id":    identityschema.StringAttribute{RequiredForImport: true, Description: "The user's SCIM id in dbt."},
		},
	}
}

// setIdentity records the membership's identity in target.
func (r *scimGroupMemberResource) setIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, m scimGroupMemberModel, diags *diag.Diagnostics) {
	setIdentity(ctx, target, memberIdentity{
		AccountID: identityAccount(ctx, r.data, target), GroupID: m.GroupID, UserID: m.UserID,
	}, diags)
}

func (r *scimGroupMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One user's membership of one SCIM group in dbt. Needs the provider's `scim_token`.\n\n" +
			"This resource is additive: it adds and removes only its own member, with one small SCIM `PATCH`, and " +
			"leaves every other member alone, whether your IdP pushed it, someone added it in dbt, or another " +
			"`dbt_scim_group_member` manages it. Use it for groups whose membership is mostly managed elsewhere, " +
			"or whose `dbt_scim_group` leaves `members` unset, and for people new to dbt: dbt adds a user to a " +
			"group only once they have accepted its email invitation, and a membership of its own fails alone " +
			"until then, while the next apply after they accepted adds it. **Do not use it on a group whose `dbt_scim_group` " +
			"sets `members`**: that list is authoritative, so each resource would keep undoing the other.\n\n" +
			"A membership removed outside Terraform is removed from state with a warning, and the next apply " +
			"adds it again. So is one whose group was deleted.\n\n" +
			"**Destroy** removes only this user from the group; the user and the group stay in dbt. A membership " +
			"that already existed when this resource was created (say your IdP pushed it) is adopted, so destroy " +
			"removes it too.\n\n" +
			"Import with `<group_id>/<user_id>`, for example `terraform import dbt_scim_group_member.jane " +
			"900001/1001`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<group_id>/<user_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"group_id": schema.StringAttribute{
				MarkdownDescription: "The group's SCIM id, for example `dbt_scim_group.analysts.id`. Changing it " +
					"removes the user from the old group and adds them to the new one.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), noSlash()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The member's SCIM user id, for example `dbt_scim_user.jane.id`. Changing it " +
					"removes the old user from the group and adds the new one.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), noSlash()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *scimGroupMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan scimGroupMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	gid, uid := plan.GroupID.ValueString(), plan.UserID.ValueString()
	// SCIM's add is idempotent: a user already in the group stays, and this
	// resource takes the membership over.
	if err := r.data.scim.UpdateGroupMembers(ctx, gid, []string{uid}, nil); err != nil {
		summary := fmt.Sprintf("Cannot add user %s to group %s", uid, gid)
		// The PATCH addresses the group, so a 404 is the group; the one
		// value it carries is the user, so a 400 is about the user.
		var notUser *scim.NotAUserError
		switch {
		case errors.As(err, &notUser):
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), summary,
				fmt.Sprintf("dbt has no user with SCIM id %q (reading it answered 404), so nothing was sent to the "+
					"group. Check user_id: it takes the SCIM id of a user of this account, such as "+
					"dbt_scim_user.jane.id.\n\n%s", uid, err))
		case apierror.IsNotFound(err):
			resp.Diagnostics.AddAttributeError(path.Root("group_id"), summary,
				fmt.Sprintf("dbt has no group with SCIM id %q. Check group_id: it takes a group's SCIM id, such as "+
					"dbt_scim_group.analysts.id.\n\n%s", gid, err))
		case apierror.IsKind(err, apierror.KindBadRequest):
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), summary,
				fmt.Sprintf("dbt refused user %q as a member; its message below says why. Check user_id: it takes "+
					"the SCIM id of a user of this account that holds a license, such as dbt_scim_user.jane.id."+
					"\n\n%s", uid, apiErrorDetail(err)))
		default:
			addAPIError(&resp.Diagnostics, fmt.Sprintf("add user %s to group %s", uid, gid), err)
		}
		return
	}
	plan.ID = types.StringValue(memberResourceID(gid, uid))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	r.setIdentity(ctx, resp.Identity, plan, &resp.Diagnostics)
}

func (r *scimGroupMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scimGroupMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is the state's ids, recorded first: Terraform wants one
	// even when the object turns out to be gone, or is not refreshed now.
	r.setIdentity(ctx, resp.Identity, state, &resp.Diagnostics)
	if !refreshableSCIM(r.data, &resp.Diagnostics) || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	gid, uid := state.GroupID.ValueString(), state.UserID.ValueString()
	member, err := isGroupMember(ctx, r.data.scim, gid, uid)
	if apierror.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Group no longer exists in dbt",
			fmt.Sprintf("Group %s was deleted outside Terraform, and with it user %s's membership. The "+
				"membership has been removed from the state; the next apply adds it again, which fails until "+
				"the group exists.", gid, uid))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("check whether user %s is in group %s", uid, gid), err)
		return
	}
	if !member {
		resp.Diagnostics.AddWarning("Group membership no longer exists in dbt",
			fmt.Sprintf("User %s was removed from group %s outside Terraform (in dbt, or by your identity "+
				"provider). The membership has been removed from the state; the next apply adds it again.", uid, gid))
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(memberResourceID(gid, uid))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update is never called: both attributes replace the resource. Should
// Terraform call it anyway, saying so beats recording a membership that was
// never made.
func (r *scimGroupMemberResource) Update(_ context.Context, _ resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Unexpected update of a group membership",
		"Every attribute of dbt_scim_group_member replaces it, so Terraform should never update one in place. "+
			"Nothing was changed in dbt. This is a bug in the provider; please report it.")
}

func (r *scimGroupMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimGroupMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireSCIM(r.data, &resp.Diagnostics) {
		return
	}
	gid, uid := state.GroupID.ValueString(), state.UserID.ValueString()
	err := r.data.scim.UpdateGroupMembers(ctx, gid, nil, []string{uid})
	var apiErr *apierror.Error
	switch {
	case err == nil, apierror.IsNotFound(err):
		// Gone with its group: nothing left to remove.
	case errors.As(err, &apiErr) && apiErr.SCIMType == scim.ErrNoTarget:
		// RFC 7644 §3.5.2.2: removing a member who is not there may be
		// answered with noTarget. The membership is gone, as wanted.
		tflog.Debug(ctx, "member was already gone", map[string]any{"group_id": gid, "user_id": uid})
	default:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("remove user %s from group %s", uid, gid), err)
	}
}

// ImportState adopts a membership from "<group_id>/<user_id>". Read then
// checks that it exists.
func (r *scimGroupMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	gid, uid, ok := parseMemberResourceID(req.ID)
	var ident memberIdentity
	if importedIdentity(ctx, r.data, req.ID, req.Identity, &ident, &resp.Diagnostics) {
		gid, uid, ok = parseMemberResourceID(memberResourceID(ident.GroupID.ValueString(), ident.UserID.ValueString()))
	} else if resp.Diagnostics.HasError() {
		return
	}
	if !ok {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a dbt_scim_group_member as <group_id>/<user_id>, the group's and the user's SCIM "+
				"ids joined by a slash, for example 900001/1001; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), memberResourceID(gid, uid))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), gid)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), uid)...)
}

// isGroupMember reports whether user uid is a member of group gid. A
// missing group is an *apierror.Error of KindNotFound.
//
// It first asks the server to do the work, with a filter that matches the
// group only if the user is in it, and members left out of the answer:
//
//	GET /Groups?filter=id eq "<gid>" and members[value eq "<uid>"]&excludedAttributes=members
//
// That is one small response whatever the size of the group, and plain RFC
// 7644 (§3.4.2.2 value paths). Not every server implements filtering on
// members, so when the filter is refused (400 or 501), or answered with
// groups it does not match, which is a server ignoring it, this falls back to
// reading the group with its members and looking for the user: always
// correct, but it transfers every member, megabytes for a large group on
// every refresh. The one server this cannot detect is one that honours
// `id eq` but silently drops the member clause; RFC 7644 §3.4.2.2 has a
// server reject a filter it cannot evaluate (invalidFilter) instead.
func isGroupMember(ctx context.Context, c *scim.Client, gid, uid string) (bool, error) {
	filter := scim.FilterAnd(scim.FilterEq("id", gid), scim.MemberPath(uid))
	groups, err := c.ListGroups(ctx, filter, false)
	var apiErr *apierror.Error
	switch {
	case err == nil:
		answered := true
		for _, g := range groups {
			if g.ID != gid {
				answered = false // the filter was ignored: these are not the matches
				break
			}
		}
		if answered && len(groups) > 0 {
			return true, nil
		}
		if answered {
			// No match: the user is not in the group, or there is no group.
			// Telling the two apart costs one small read.
			_, err := c.GetGroup(ctx, gid, false)
			return false, err
		}
	case errors.As(err, &apiErr) && (apiErr.Kind == apierror.KindBadRequest || apiErr.StatusCode == http.StatusNotImplemented):
		tflog.Debug(ctx, "the server does not filter groups by member; reading the group's members instead",
			map[string]any{"group_id": gid, "error": err.Error()})
	default:
		return false, err
	}
	g, err := c.GetGroup(ctx, gid, true)
	if err != nil {
		return false, err
	}
	for _, m := range g.Members {
		if m.Value == uid {
			return true, nil
		}
	}
	return false, nil
}

func memberResourceID(gid, uid string) string { return gid + "/" + uid }

// parseMemberResourceID splits "<group_id>/<user_id>". SCIM ids are opaque,
// but neither part may hold a slash, or the split would be ambiguous.
func parseMemberResourceID(s string) (gid, uid string, ok bool) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// noSlash rejects ids with a slash, which "<group_id>/<user_id>" could not
// carry unambiguously.
func noSlash() validator.String {
	return stringvalidator.RegexMatches(regexp.MustCompile(`^[^/]*$`), "must not contain a slash")
}

// scimGroupMemberModel is the resource's state.
type scimGroupMemberModel struct {
	ID      types.String `tfsdk:"id"`
	GroupID types.String `tfsdk:"group_id"`
	UserID  types.String `tfsdk:"user_id"`
}
