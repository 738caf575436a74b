// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Moves (`moved` blocks across resource types: Terraform 1.8+, OpenTofu
// 1.10+). Two kinds are accepted:
//
//   - from dbt's own provider, dbt-labs/dbtcloud: dbtcloud_scim_config to
//     dbt_scim_settings and dbtcloud_scim_config_token to dbt_scim_token,
//     keeping the token's value, so that teams can switch without minting a
//     token or turning SCIM off (which removing dbtcloud's resources does);
//   - from this provider's own type under another address (a registry host
//     switch), which some OpenTofu releases (1.11.12, 1.12.4) pass through
//     MoveResourceState too: the state passes unchanged.
//
// A move only rewrites state. The refresh that follows reads dbt; nothing is
// written to it.

// dbtcloudType is the provider type name of dbt-labs/dbtcloud.
const dbtcloudType = "dbtcloud"

// fromProvider reports whether addr names the provider of type typ:
// host/namespace/type as Terraform passes it, or the bare type as OpenTofu
// does, with any host and namespace.
func fromProvider(addr, typ string) bool {
	parts := strings.Split(addr, "/")
	if len(parts) > 3 || parts[len(parts)-1] != typ {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
	}
	return true
}

// dbtcloudScimConfigSchema is dbtcloud_scim_config's schema as
// dbt-labs/terraform-provider-dbtcloud v1.12.5 stores it (schema version 0,
// pkg/framework/objects/scim_config/schema.go).
var dbtcloudScimConfigSchema = schema.Schema{
	Attributes: map[string]schema.Attribute{
		"id":                           schema.StringAttribute{Computed: true},
		"enabled":                      schema.BoolAttribute{Required: true},
		"manual_updates_allowed":       schema.BoolAttribute{Required: true},
		"scim_controlled_license_type": schema.BoolAttribute{Required: true},
	},
}

// dbtcloudScimConfigTokenSchema is dbtcloud_scim_config_token's, v1.12.5
// (pkg/framework/objects/scim_config_token/schema.go).
var dbtcloudScimConfigTokenSchema = schema.Schema{
	Attributes: map[string]schema.Attribute{
		"id":           schema.Int64Attribute{Computed: true},
		"name":         schema.StringAttribute{Required: true},
		"token_string": schema.StringAttribute{Computed: true, Sensitive: true},
		"created_at":   schema.StringAttribute{Computed: true},
		"last_used":    schema.StringAttribute{Computed: true},
	},
}

// fromDBTCloud reads the state of dbtcloud's sourceType into src. It reports
// false, leaving resp alone, for any other source (another mover may take
// it), and false with an error for a dbtcloud state it cannot read.
func fromDBTCloud(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse, sourceType, otherwise string, src any) bool {
	if req.SourceTypeName != sourceType || !fromProvider(req.SourceProviderAddress, dbtcloudType) {
		return false
	}
	if req.SourceState == nil || req.SourceSchemaVersion != 0 {
		resp.Diagnostics.AddError("Cannot move "+sourceType,
			fmt.Sprintf("The state of %s (schema version %d) is not the one dbt-labs/dbtcloud v1.12 stores. Move it "+
				"with a dbtcloud release of that line, or %s.", sourceType, req.SourceSchemaVersion, otherwise))
		return false
	}
	resp.Diagnostics.Append(req.SourceState.Get(ctx, src)...)
	return !resp.Diagnostics.HasError()
}

// sameTypeMover passes this provider's own state of typeName through
// unchanged, from any registry host or namespace.
func sameTypeMover(self schema.Schema, typeName string) resource.StateMover {
	return resource.StateMover{
		SourceSchema: &self,
		StateMover: func(_ context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			if req.SourceTypeName != typeName || !fromProvider(req.SourceProviderAddress, "dbt") ||
				req.SourceState == nil || req.SourceSchemaVersion != 0 {
				return
			}
			resp.TargetState.Raw = req.SourceState.Raw.Copy()
		},
	}
}

// ownSchema is r's schema, for its same-type mover.
func ownSchema(ctx context.Context, r resource.Resource) schema.Schema {
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	return resp.Schema
}

// MoveState moves dbtcloud_scim_config (or this type) into dbt_scim_settings.
func (r *scimSettingsResource) MoveState(ctx context.Context) []resource.StateMover {
	return []resource.StateMover{
		{
			SourceSchema: &dbtcloudScimConfigSchema,
			StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
				var src struct {
					ID                        types.String `tfsdk:"id"`
					Enabled                   types.Bool   `tfsdk:"enabled"`
					ManualUpdatesAllowed      types.Bool   `tfsdk:"manual_updates_allowed"`
					SCIMControlledLicenseType types.Bool   `tfsdk:"scim_controlled_license_type"`
				}
				if !fromDBTCloud(ctx, req, resp, "dbtcloud_scim_config", "import dbt_scim_settings instead", &src) {
					return
				}
				m := scimSettingsModel{
					ID: src.ID, Enabled: src.Enabled, ManualUpdatesAllowed: src.ManualUpdatesAllowed,
					SCIMControlledLicenseType: src.SCIMControlledLicenseType, SCIMBaseURL: types.StringNull(),
				}
				if r.data != nil && r.data.admin != nil {
					m.SCIMBaseURL = types.StringValue(r.data.admin.SCIMBaseURL())
				}
				resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
				if acct, err := strconv.ParseInt(src.ID.ValueString(), 10, 64); err == nil {
					setIdentity(ctx, resp.TargetIdentity, settingsIdentity{AccountID: types.Int64Value(acct)}, &resp.Diagnostics)
				}
			},
		},
		sameTypeMover(ownSchema(ctx, r), "dbt_scim_settings"),
	}
}

// MoveState moves dbtcloud_scim_config_token (or this type) into
// dbt_scim_token, keeping its id and value: no token is minted or deleted.
func (r *scimTokenResource) MoveState(ctx context.Context) []resource.StateMover {
	return []resource.StateMover{
		{
			SourceSchema: &dbtcloudScimConfigTokenSchema,
			StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
				var src struct {
					ID          types.Int64  `tfsdk:"id"`
					Name        types.String `tfsdk:"name"`
					TokenString types.String `tfsdk:"token_string"`
					CreatedAt   types.String `tfsdk:"created_at"`
					LastUsed    types.String `tfsdk:"last_used"`
				}
				if !fromDBTCloud(ctx, req, resp, "dbtcloud_scim_config_token",
					"import dbt_scim_token instead (which loses the token's value)", &src) {
					return
				}
				m := scimTokenModel{
					ID:                     types.StringValue(strconv.FormatInt(src.ID.ValueInt64(), 10)),
					Name:                   src.Name,
					Token:                  src.TokenString,
					CreatedAt:              rfc3339(src.CreatedAt),
					LastUsed:               rfc3339(src.LastUsed),
					RotationPeriod:         types.StringNull(),
					RotateWhenChanged:      types.MapNull(types.StringType),
					ReadyForRotation:       types.BoolValue(false),
					PreviousTokenRetention: types.StringNull(),
					PreviousTokenID:        types.StringNull(),
					PreviousTokenExpiresAt: types.StringNull(),
				}
				resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
				setObjectIdentity(ctx, r.data, resp.TargetIdentity, m.ID, &resp.Diagnostics)
			},
		},
		sameTypeMover(ownSchema(ctx, r), "dbt_scim_token"),
	}
}

// MoveState accepts dbt_scim_user under another provider address.
func (r *scimUserResource) MoveState(ctx context.Context) []resource.StateMover {
	return []resource.StateMover{sameTypeMover(ownSchema(ctx, r), "dbt_scim_user")}
}

// MoveState accepts dbt_scim_group under another provider address.
func (r *scimGroupResource) MoveState(ctx context.Context) []resource.StateMover {
	return []resource.StateMover{sameTypeMover(ownSchema(ctx, r), "dbt_scim_group")}
}

// MoveState accepts dbt_scim_group_member under another provider address.
func (r *scimGroupMemberResource) MoveState(ctx context.Context) []resource.StateMover {
	return []resource.StateMover{sameTypeMover(ownSchema(ctx, r), "dbt_scim_group_member")}
}

// rfc3339 is a dbt API timestamp (such as 2026-01-02T03:04:05.123456+00:00)
// in the RFC 3339 form this provider stores; null stays null, and a value it
// cannot read is kept as it is (the refresh after the move replaces it).
func rfc3339(s types.String) types.String {
	if s.IsNull() || s.IsUnknown() {
		return types.StringNull()
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999-07:00"} {
		if t, err := time.Parse(layout, s.ValueString()); err == nil {
			return types.StringValue(t.UTC().Format(time.RFC3339))
		}
	}
	return s
}
