// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

// providerDataFrom turns the value Configure handed out into providerData, or
// explains why there is none. A nil value means Terraform has not configured
// the provider yet (plan-time validation), which is not an error by itself.
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	d, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", v))
		return nil
	}
	return d
}

// requireAdmin reports whether the admin client is ready, and says what to do when it is not.
func requireAdmin(d *providerData, diags *diag.Diagnostics) bool {
	if d != nil && d.admin == nil {
		diags.AddError("Missing dbt API token",
			"This resource uses dbt's admin API, which needs the provider's token attribute or the "+envToken+
				" environment variable (an account-admin API token), and account_id.")
		return false
	}
	if d == nil {
		diags.AddError("Provider not configured",
			"The dbt provider has no usable configuration yet. This happens when the provider block depends on "+
				"values known only after apply; apply those resources first (for example with -target), or "+
				"configure host_url, account_id and token with known values.")
		return false
	}
	return true
}

// refreshable says whether Read can reach dbt. A provider block that depends
// on values known only after apply (say scim_token = dbt_scim_token.x.token
// while that token is being rotated) is configured with unknowns during the
// plan; Read then keeps the prior state with a warning instead of failing the
// whole plan, and the apply, which configures the provider fully, proceeds.
func refreshable(d *providerData, diags *diag.Diagnostics) bool {
	if d != nil {
		return true
	}
	diags.AddWarning("Refresh skipped: provider configuration not known yet",
		"The dbt provider's configuration depends on values that are known only after apply, so this object "+
			"was not refreshed and its last known state is used for this plan. Changes made in dbt since the last "+
			"apply will show in the next plan.")
	return false
}

// refreshableSCIM is refreshable for the directory resources, whose client
// may be the only part of the configuration not known yet.
func refreshableSCIM(d *providerData, diags *diag.Diagnostics) bool {
	if d != nil && !d.scimDeferred {
		return true
	}
	diags.AddWarning("Refresh skipped: SCIM token not known yet",
		"The provider's scim_token (or scim_base_url) depends on values known only after apply, typically a "+
			"dbt_scim_token being created or rotated in this run, so this object was not refreshed and its last "+
			"known state is used for this plan. Changes made in dbt since the last apply will show in the next plan.")
	return false
}

// requireSCIM reports whether the SCIM client is ready, and says what to do when it is not.
func requireSCIM(d *providerData, diags *diag.Diagnostics) bool {
	if d == nil {
		return requireAdmin(d, diags)
	}
	if d.scimDeferred {
		diags.AddError("SCIM token not known yet",
			"The provider's scim_token (or scim_base_url) depends on values known only after apply, typically a "+
				"dbt_scim_token being created or rotated in this run, so nothing can be read over SCIM during this "+
				"plan. Apply the token first (terraform apply -target=<the dbt_scim_token>), or authenticate the "+
				"directory provider with a token managed outside this configuration.")
		return false
	}
	if d.scim == nil {
		diags.AddError("Missing SCIM token",
			"The directory resources talk SCIM 2.0 and need a SCIM token: set the provider's scim_token attribute "+
				"or the "+envSCIMToken+" environment variable, for example to a dbt_scim_token's token.")
		return false
	}
	return true
}

// requireSCIMToPlan fails the plan of a directory resource that would be
// created or changed with a provider configured without a SCIM token: the
// configuration alone shows that every request would be refused, so it
// should not take an apply to find out. A provider configuration not known
// yet (nil d) and a destroy (null plan) pass.
func requireSCIMToPlan(d *providerData, plan tfsdk.Plan, diags *diag.Diagnostics) {
	if d == nil || d.scimDeferred || d.scim != nil || plan.Raw.IsNull() {
		return
	}
	requireSCIM(d, diags)
}

// addAPIError turns a client error into a diagnostic that says what failed,
// why, and what the user can do. Errors are matched by type, never by text.
func addAPIError(diags *diag.Diagnostics, action string, err error) {
	diags.AddError("Cannot "+action, apiErrorDetail(err))
}

// apiErrorDetail is addAPIError's detail, for diagnostics that add to it.
func apiErrorDetail(err error) string {
	var apiErr *apierror.Error
	var ambiguous *apierror.AmbiguousError
	switch {
	case errors.Is(err, context.Canceled):
		return "The operation was cancelled before dbt answered."
	case errors.Is(err, context.DeadlineExceeded):
		return "The operation timed out before dbt answered. Raise the provider's request_timeout or try again.\n\n" +
			err.Error()
	case errors.Is(err, scim.ErrNotCreated):
		return "The request failed on its way through, and dbt was checked afterwards: it holds nothing from " +
			"it. Running terraform apply again is safe.\n\n" + err.Error()
	case errors.As(err, &ambiguous):
		return "The connection to dbt failed after the request was sent, so it is not known whether dbt carried " +
			"it out. Run terraform apply again: the provider reconciles with what dbt has.\n\n" + err.Error()
	case errors.As(err, &apiErr):
		// err, not apiErr: what the client added around dbt's answer
		// (which batch failed, which users it added) is part of the story.
		return err.Error() + "\n\n" + hintFor(apiErr)
	default:
		return err.Error()
	}
}

// unlicensedMemberHint explains dbt's refusal of a group change that
// includes a user without a license, which is what every user provisioned
// over SCIM is until they accept dbt's email invitation.
const unlicensedMemberHint = "dbt adds only licensed users to groups, and a user new to dbt who was provisioned over " +
	"SCIM holds no license until they accept dbt's email invitation and sign in " +
	"(https://docs.getdbt.com/docs/cloud/manage-access/scim-faq, \"All users must have licenses on the account\"). " +
	"Have the users above accept their invitations, then apply again. To keep one pending invitation from holding " +
	"back a whole group, add new users with dbt_scim_group_member resources rather than in the group's members. " +
	"A user whose license was removed in dbt is refused too: assign one in dbt, or set license_type on the " +
	"dbt_scim_user with scim_controlled_license_type on."

// hintFor says what a user can do about an API error.
func hintFor(e *apierror.Error) string {
	switch e.Kind {
	case apierror.KindUnauthorized:
		if e.API == "scim" {
			return "dbt did not accept the SCIM token. Check the provider's scim_token attribute or the " +
				envSCIMToken + " environment variable: the token may have been deleted or rotated."
		}
		return "dbt did not accept the API token. Check the provider's token attribute or the " + envToken +
			" environment variable, and that the token belongs to this account."
	case apierror.KindForbidden:
		if e.API == apierror.APISCIM {
			// The SCIM token is account-wide, so a refusal is about the
			// account: its plan, or SCIM being off.
			return "dbt refuses SCIM requests unless the account is on a dbt Enterprise plan and SCIM is " +
				"enabled on it. If SCIM is disabled, enable SCIM with a dbt_scim_settings resource " +
				"(enabled = true) and make the directory resources depend on it."
		}
		return "SCIM needs a dbt Enterprise plan, and the API token needs account-admin rights on this account."
	case apierror.KindNotFound:
		if e.API != apierror.APISCIM {
			return "dbt has no such object. Check the account_id and the IDs in your configuration, and that host_url " +
				"is dbt's API URL, ending in /api (such as https://cloud.getdbt.com/api)."
		}
		return "dbt has no such object. Check the account_id and the IDs in your configuration."
	case apierror.KindConflict:
		return "An object with the same unique name already exists in dbt."
	case apierror.KindRateLimited:
		return "dbt kept rate limiting the provider after every retry. Raise the provider's max_retries or run " +
			"terraform with a lower -parallelism."
	case apierror.KindServer:
		return "dbt had a server error that did not clear after retrying. Try again later."
	case apierror.KindBadRequest:
		if strings.Contains(e.Message, "must have licenses") {
			return unlicensedMemberHint
		}
		if strings.Contains(e.Message, "analyst") && strings.Contains(e.Message, "not available") {
			return "Analyst licenses exist on select dbt plans only. Use license_type = \"developer\" or " +
				"\"read_only\", or check the account's plan " +
				"(https://docs.getdbt.com/docs/cloud/manage-access/scim-manage-user-licenses)."
		}
		return "dbt rejected the request as invalid; its message above says which value."
	default:
		return "This response was not expected; please report it with the TF_LOG=DEBUG output."
	}
}
