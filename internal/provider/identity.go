// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later) names each object the way
// `import` blocks with `identity = {…}` and `terraform query` results do. Every
// identity carries the dbt account, so an identity copied from one account's
// state can never adopt an object of another; the rest is the object's own id.
// Older CLIs and OpenTofu ignore identities: nothing changes for them.

// identityAccountDescription is the account_id attribute's text, shared by every identity.
const identityAccountDescription = "The dbt account ID. Optional when importing: it defaults to the provider's " +
	"`account_id`, and an import naming another account fails. Null when the provider is configured with only a " +
	"`scim_base_url` and `scim_token` (no account)."

// objectIdentity is the identity of a token, user or group: the account and the object's id.
type objectIdentity struct {
	AccountID types.Int64  `tfsdk:"account_id"`
	ID        types.String `tfsdk:"id"`
}

// objectIdentitySchema is objectIdentity's schema; idText describes the id.
func objectIdentitySchema(idText string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"account_id": identityschema.Int64Attribute{OptionalForImport: true, Description: identityAccountDescription},
			"id":         identityschema.StringAttribute{RequiredForImport: true, Description: idText},
		},
	}
}

// settingsIdentity is the identity of an account's SCIM settings: the account.
type settingsIdentity struct {
	AccountID types.Int64 `tfsdk:"account_id"`
}

// memberIdentity is the identity of one membership.
type memberIdentity struct {
	AccountID types.Int64  `tfsdk:"account_id"`
	GroupID   types.String `tfsdk:"group_id"`
	UserID    types.String `tfsdk:"user_id"`
}

// identityAccount is the account an identity records: the provider's, or,
// when the provider has none (a SCIM-only configuration), whatever the prior
// identity held, so that a refresh never changes an identity.
func identityAccount(ctx context.Context, d *providerData, prior *tfsdk.ResourceIdentity) types.Int64 {
	if d != nil && d.accountID > 0 {
		return types.Int64Value(d.accountID)
	}
	acct := types.Int64Null()
	if prior != nil && !prior.Raw.IsNull() {
		_ = prior.GetAttribute(ctx, path.Root("account_id"), &acct)
	}
	return acct
}

// setIdentity records v as the identity. A nil target means the resource is
// served without identity support; there is nothing to record then.
func setIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, v any, diags *diag.Diagnostics) {
	if target != nil {
		diags.Append(target.Set(ctx, v)...)
	}
}

// setObjectIdentity records the account and id of a token, user or group.
// The framework fills target with the identity before the call (the prior
// one on Read and Update), which identityAccount falls back on.
func setObjectIdentity(ctx context.Context, d *providerData, target *tfsdk.ResourceIdentity, id types.String, diags *diag.Diagnostics) {
	setIdentity(ctx, target, objectIdentity{AccountID: identityAccount(ctx, d, target), ID: id}, diags)
}

// importedIdentity reads an import block's identity into v and checks that
// the account it names, if any, is the provider's. It reports false when the
// import is by ID (no identity), or when the identity is unusable (with an
// error in diags).
func importedIdentity(ctx context.Context, d *providerData, id string, identity *tfsdk.ResourceIdentity, v any, diags *diag.Diagnostics) bool {
	if id != "" || identity == nil || identity.Raw.IsNull() {
		return false
	}
	diags.Append(identity.Get(ctx, v)...)
	var acct types.Int64
	diags.Append(identity.GetAttribute(ctx, path.Root("account_id"), &acct)...)
	if diags.HasError() {
		return false
	}
	if !acct.IsNull() && !acct.IsUnknown() && d != nil && d.accountID > 0 && acct.ValueInt64() != d.accountID {
		diags.AddAttributeError(path.Root("account_id"), "Identity names another dbt account",
			fmt.Sprintf("The import identity's account_id is %d, but the provider is configured for account %d. "+
				"Import with a provider configured for account %d, or correct the identity.",
				acct.ValueInt64(), d.accountID, acct.ValueInt64()))
		return false
	}
	return true
}
