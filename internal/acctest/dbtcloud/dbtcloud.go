// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package dbtcloud is a stand-in for dbt-labs/terraform-provider-dbtcloud in
// tests of moves from it: its two SCIM resources, with the schemas and the
// state v1.12.5 writes (pkg/framework/objects/scim_config and
// scim_config_token), acting on an emulator directly.
package dbtcloud

import (
	"context"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// Factory serves the stand-in, acting on e, as the provider "dbtcloud".
func Factory(e *emulator.Emulator) func() (tfprotov6.ProviderServer, error) {
	return providerserver.NewProtocol6WithError(&dbtcloudProvider{e: e})
}

type dbtcloudProvider struct{ e *emulator.Emulator }

func (p *dbtcloudProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "dbtcloud"
}

func (p *dbtcloudProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {
}

func (p *dbtcloudProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *dbtcloudProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &scimConfig{e: p.e} },
		func() resource.Resource { return &scimConfigToken{e: p.e} },
	}
}

func (p *dbtcloudProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// apiTime is how dbt's API writes a time, which dbtcloud stores as it is.
func apiTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

type scimConfig struct{ e *emulator.Emulator }

type scimConfigModel struct {
	ID                        types.String `tfsdk:"id"`
	Enabled                   types.Bool   `tfsdk:"enabled"`
	ManualUpdatesAllowed      types.Bool   `tfsdk:"manual_updates_allowed"`
	SCIMControlledLicenseType types.Bool   `tfsdk:"scim_controlled_license_type"`
}

func (r *scimConfig) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "dbtcloud_scim_config"
}

func (r *scimConfig) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":                           schema.StringAttribute{Computed: true},
		"enabled":                      schema.BoolAttribute{Required: true},
		"manual_updates_allowed":       schema.BoolAttribute{Required: true},
		"scim_controlled_license_type": schema.BoolAttribute{Required: true},
	}}
}

func (r *scimConfig) write(ctx context.Context, get func(context.Context, any) diag.Diagnostics, set func(context.Context, any) diag.Diagnostics) diag.Diagnostics {
	var m scimConfigModel
	if d := get(ctx, &m); d.HasError() {
		return d
	}
	r.e.SetSCIMConfig(emulator.SCIMConfig{
		Enabled: m.Enabled.ValueBool(), ManualUpdatesAllowed: m.ManualUpdatesAllowed.ValueBool(),
		SCIMControlledLicenseType: m.SCIMControlledLicenseType.ValueBool(),
	})
	m.ID = types.StringValue(strconv.FormatInt(r.e.AccountID(), 10))
	return set(ctx, m)
}

func (r *scimConfig) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(r.write(ctx, req.Plan.Get, resp.State.Set)...)
}

func (r *scimConfig) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *scimConfig) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(r.write(ctx, req.Plan.Get, resp.State.Set)...)
}

// Delete resets the configuration, as dbtcloud does: SCIM off.
func (r *scimConfig) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	r.e.SetSCIMConfig(emulator.SCIMConfig{ManualUpdatesAllowed: true})
}

type scimConfigToken struct{ e *emulator.Emulator }

type scimConfigTokenModel struct {
	ID          types.Int64  `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	TokenString types.String `tfsdk:"token_string"`
	CreatedAt   types.String `tfsdk:"created_at"`
	LastUsed    types.String `tfsdk:"last_used"`
}

func (r *scimConfigToken) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "dbtcloud_scim_config_token"
}

func (r *scimConfigToken) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":           schema.Int64Attribute{Computed: true},
		"name":         schema.StringAttribute{Required: true},
		"token_string": schema.StringAttribute{Computed: true, Sensitive: true},
		"created_at":   schema.StringAttribute{Computed: true},
		"last_used":    schema.StringAttribute{Computed: true},
	}}
}

func (r *scimConfigToken) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m scimConfigTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tok, value := r.e.CreateToken(m.Name.ValueString())
	m.ID, m.TokenString = types.Int64Value(tok.ID), types.StringValue(value)
	m.CreatedAt, m.LastUsed = types.StringValue(apiTime(tok.CreatedAt)), types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *scimConfigToken) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *scimConfigToken) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}

// Delete deletes the token in dbt, as dbtcloud does when it leaves the configuration.
func (r *scimConfigToken) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m scimConfigTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	r.e.DeleteToken(m.ID.ValueInt64())
}
