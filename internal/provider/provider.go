// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package provider is the Terraform layer: schemas, plans and state. It never
// builds URLs or JSON itself; the API clients in dbtapi and scim do that.
package provider

import (
	"context"
	"fmt"

	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dbt-scim/terraform-provider-dbt/internal/clock"
	"github.com/dbt-scim/terraform-provider-dbt/internal/dbtapi"
	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
	"github.com/dbt-scim/terraform-provider-dbt/internal/validators"
)

// Environment variables, named as dbt's own provider names them so users can
// reuse the environment they already have.
const (
	envHostURL     = "DBT_CLOUD_HOST_URL"
	envAccountID   = "DBT_CLOUD_ACCOUNT_ID"
	envToken       = "DBT_CLOUD_TOKEN" //nolint:gosec // the variable's name, not a credential
	envSCIMToken   = "DBT_SCIM_TOKEN"  //nolint:gosec // the variable's name, not a credential
	envSCIMBaseURL = "DBT_SCIM_BASE_URL"

	defaultHostURL        = "https://cloud.getdbt.com/api"
	defaultMaxRetries     = 3
	defaultRequestTimeout = 60 * time.Second
)

var (
	_ provider.Provider                  = (*dbtProvider)(nil)
	_ provider.ProviderWithListResources = (*dbtProvider)(nil)
)

// dbtProvider is the provider. Its clock is injectable so that token rotation
// can be tested without waiting for it.
type dbtProvider struct {
	version string
	clock   clock.Clock

	// retryWait shortens the retry backoff in tests; zero means the client defaults.
	retryWaitMin, retryWaitMax time.Duration
}

// Option changes how New builds the provider; tests use it.
type Option func(*dbtProvider)

// WithClock makes the provider read time from c (tests pass a fake clock).
func WithClock(c clock.Clock) Option { return func(p *dbtProvider) { p.clock = c } }

// WithRetryWait bounds the retry backoff, so fault tests run in seconds.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(p *dbtProvider) { p.retryWaitMin, p.retryWaitMax = minWait, maxWait }
}

// New returns a constructor for the provider at the given version.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &dbtProvider{version: version, clock: clock.Real{}}
		for _, o := range opts {
			o(p)
		}
		return p
	}
}

// providerModel is the provider block.
type providerModel struct {
	HostURL        types.String `tfsdk:"host_url"`
	AccountID      types.Number `tfsdk:"account_id"`
	Token          types.String `tfsdk:"token"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	SCIMToken      types.String `tfsdk:"scim_token"`
	SCIMBaseURL    types.String `tfsdk:"scim_base_url"`
	SCIMPatchBatch types.Int64  `tfsdk:"scim_patch_batch_size"`
}

func (p *dbtProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "dbt"
	resp.Version = p.version
}

func (p *dbtProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manage the SCIM side of the dbt platform: enable SCIM on an account, mint and rotate " +
			"the SCIM token your identity provider uses, and see changes made by hand in dbt as drift.",
		Attributes: map[string]schema.Attribute{
			"host_url": schema.StringAttribute{
				MarkdownDescription: "The dbt API URL, including `/api`. Defaults to the `" + envHostURL +
					"` environment variable, then to `" + defaultHostURL + "`. Use your account's access URL " +
					"for cells and single-tenant deployments, for example `https://ab123.us1.dbt.com/api`. Must be " +
					"`https://` (`http://` only for localhost) without a user name or password; the provider follows " +
					"no redirects.",
				Optional:   true,
				Validators: []validator.String{validators.BaseURL(summaryHostURL)},
			},
			"account_id": schema.NumberAttribute{
				MarkdownDescription: "The dbt account ID. Defaults to the `" + envAccountID + "` environment variable.",
				Optional:            true,
				Validators:          []validator.Number{validators.PositiveWholeNumber()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "A dbt API token (service token or personal access token) with account-admin " +
					"rights. Defaults to the `" + envToken + "` environment variable.",
				Optional:  true,
				Sensitive: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a server error (5xx) or a "+
					"network failure, with exponential backoff that honours `Retry-After` (at most 60 s, with jitter). "+
					"A request refused by a rate limit (429), which dbt did not process, is retried up to three times "+
					"as often. A create that may have reached dbt is never blindly re-sent. Defaults to `%d`.",
					defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP attempt may take, as a Go duration such as `30s` or `2m`. " +
					"Defaults to `60s`.",
				Optional:   true,
				Validators: []validator.String{validators.PositiveDuration()},
			},
			"scim_token": schema.StringAttribute{
				MarkdownDescription: "A SCIM token, used by the directory resources (`dbt_scim_user`, `dbt_scim_group`, " +
					"`dbt_scim_group_member`) and their data sources. Defaults to the `" + envSCIMToken + "` " +
					"environment variable. Not needed for `dbt_scim_settings` and `dbt_scim_token`.",
				Optional:  true,
				Sensitive: true,
			},
			"scim_base_url": schema.StringAttribute{
				MarkdownDescription: "The SCIM 2.0 base URL the directory resources talk to. Defaults to the `" +
					envSCIMBaseURL + "` environment variable, then to `<host_url>/v3/accounts/<account_id>/scim/v2`. " +
					"The directory resources use only RFC 7643/7644 behaviour, so any SCIM 2.0 service provider works. " +
					"Must be `https://` (`http://` only for localhost) without a user name or password.",
				Optional:   true,
				Validators: []validator.String{validators.BaseURL(summarySCIMBaseURL)},
			},
			"scim_patch_batch_size": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The most member changes sent in one SCIM PATCH request when a "+
					"group's members change. Defaults to `%d`.", scim.DefaultMaxPatchOps),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 1000)},
			},
		},
	}
}

// providerData is what resources and data sources receive from Configure.
type providerData struct {
	admin *dbtapi.Client // nil when no admin token is configured
	scim  *scim.Client   // nil when no SCIM token is configured, or it is not known yet
	// scimDeferred is set while the SCIM settings are unknown (plan time).
	scimDeferred bool
	accountID    int64
	clock        clock.Clock
	// plannedTokenNames holds the names of the tokens this run plans to
	// create, to warn about two dbt_scim_token resources with one name.
	plannedTokenNames sync.Map
}

func (p *dbtProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A provider block that depends on values known only after apply is
	// configured on a later call; resources then say so instead of crashing.
	if cfg.HostURL.IsUnknown() || cfg.AccountID.IsUnknown() || cfg.Token.IsUnknown() ||
		cfg.MaxRetries.IsUnknown() || cfg.RequestTimeout.IsUnknown() {
		tflog.Debug(ctx, "provider configuration has unknown values; deferring client setup")
		return
	}
	set := resolveSettings(cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	data := p.buildClients(set, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "configured dbt clients", map[string]any{
		"host_url": set.hostURL, "account_id": set.accountID, "admin": data.admin != nil, "scim": data.scim != nil,
	})
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

// Summaries of the URL diagnostics, from the schema and from Configure alike.
const (
	summaryHostURL     = "Invalid dbt host URL"
	summarySCIMBaseURL = "Invalid SCIM base URL"
)

// settings is the provider configuration resolved against the environment
// and defaults, and checked.
type settings struct {
	hostURL, token, scimToken, scimBaseURL string
	accountID                              int64
	maxRetries, patchBatch                 int
	timeout                                time.Duration
	// scimDeferred is set while the SCIM settings are unknown (plan time):
	// a scim_token from a dbt_scim_token being rotated defers only the SCIM
	// client, and the admin API stays usable.
	scimDeferred bool
}

// resolveSettings fills in what the configuration leaves to the environment
// and the defaults. The schema's validators have checked configured values;
// values from the environment are checked here with the same rules, and the
// diagnostics name the variable.
func resolveSettings(cfg providerModel, diags *diag.Diagnostics) settings {
	set := settings{
		hostURL:      stringOrEnv(cfg.HostURL, envHostURL, defaultHostURL),
		token:        stringOrEnv(cfg.Token, envToken, ""),
		maxRetries:   defaultMaxRetries,
		timeout:      defaultRequestTimeout,
		scimDeferred: cfg.SCIMToken.IsUnknown() || cfg.SCIMBaseURL.IsUnknown() || cfg.SCIMPatchBatch.IsUnknown(),
	}
	checkURL(diags, summaryHostURL, "host_url", envHostURL, set.hostURL)
	if !set.scimDeferred {
		set.scimToken = stringOrEnv(cfg.SCIMToken, envSCIMToken, "")
		set.scimBaseURL = stringOrEnv(cfg.SCIMBaseURL, envSCIMBaseURL, "")
		if set.scimBaseURL != "" {
			checkURL(diags, summarySCIMBaseURL, "scim_base_url", envSCIMBaseURL, set.scimBaseURL)
		}
	}
	// The admin API needs account_id and token; a configuration with only a
	// SCIM token and a SCIM base URL (directory resources only) needs neither.
	needAccount := set.token != "" || set.scimDeferred || set.scimToken == "" || set.scimBaseURL == ""
	switch {
	case !cfg.AccountID.IsNull():
		set.accountID, _ = cfg.AccountID.ValueBigFloat().Int64() // checked by the schema's validator
	case os.Getenv(envAccountID) != "":
		id, err := strconv.ParseInt(strings.TrimSpace(os.Getenv(envAccountID)), 10, 64)
		if err != nil || id < 1 {
			diags.AddAttributeError(path.Root("account_id"), "Invalid dbt account ID",
				fmt.Sprintf("The %s environment variable must be a positive whole number, the ID in your dbt "+
					"account's URL.", envAccountID))
		}
		set.accountID = id
	case needAccount:
		diags.AddAttributeError(path.Root("account_id"), "Missing dbt account ID",
			fmt.Sprintf("Set the provider's account_id attribute or the %s environment variable to the ID "+
				"in your dbt account's URL.", envAccountID))
	}
	for _, v := range []struct{ attr, env, value string }{
		{"token", envToken, set.token}, {"scim_token", envSCIMToken, set.scimToken},
	} {
		if v.value != "" && strings.TrimSpace(v.value) == "" {
			diags.AddAttributeError(path.Root(v.attr), "Blank "+v.attr,
				fmt.Sprintf("The provider's %s attribute or the %s environment variable is set, but only to white "+
					"space. Set it to the token itself, or unset it.", v.attr, v.env))
		}
	}
	if set.token == "" && set.scimToken == "" && !set.scimDeferred {
		diags.AddAttributeError(path.Root("token"), "Missing dbt API token",
			fmt.Sprintf("Set the provider's token attribute or the %s environment variable to a dbt API token "+
				"with account-admin rights.", envToken))
	}
	if !cfg.MaxRetries.IsNull() {
		set.maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if !cfg.RequestTimeout.IsNull() {
		// Checked by the schema's validator: a positive duration.
		set.timeout, _ = time.ParseDuration(cfg.RequestTimeout.ValueString())
	}
	if !cfg.SCIMPatchBatch.IsNull() {
		set.patchBatch = int(cfg.SCIMPatchBatch.ValueInt64())
	}
	if set.scimToken != "" && set.scimBaseURL == "" {
		set.scimBaseURL = fmt.Sprintf("%s/v3/accounts/%d/scim/v2", strings.TrimSuffix(set.hostURL, "/"), set.accountID)
	}
	return set
}

// checkURL applies the schema's URL rule to a value that may have come from
// the environment.
func checkURL(diags *diag.Diagnostics, summary, attr, env, value string) {
	if msg := validators.CheckBaseURL(value); msg != "" {
		diags.AddAttributeError(path.Root(attr), summary,
			fmt.Sprintf("%s Set the provider's %s attribute or the %s environment variable.", msg, attr, env))
	}
}

// buildClients makes the admin and SCIM clients the settings call for.
// Secrets are masked where requests are logged: the transport of each
// client holds the tokens it sends (and every token it mints).
func (p *dbtProvider) buildClients(set settings, diags *diag.Diagnostics) *providerData {
	userAgent := "terraform-provider-dbt/" + p.version
	data := &providerData{accountID: set.accountID, clock: p.clock, scimDeferred: set.scimDeferred}
	if set.token != "" {
		admin, err := dbtapi.New(dbtapi.Config{
			HostURL: set.hostURL, AccountID: set.accountID, Token: set.token,
			MaxRetries: set.maxRetries, RequestTimeout: set.timeout,
			RetryWaitMin: p.retryWaitMin, RetryWaitMax: p.retryWaitMax, UserAgent: userAgent,
		})
		if err != nil {
			diags.AddError("Cannot configure the dbt API client", err.Error())
			return nil
		}
		data.admin = admin
	}
	if set.scimToken != "" {
		sc, err := scim.NewClient(scim.Config{
			BaseURL: set.scimBaseURL, Token: set.scimToken,
			MaxRetries: set.maxRetries, RequestTimeout: set.timeout,
			RetryWaitMin: p.retryWaitMin, RetryWaitMax: p.retryWaitMax, UserAgent: userAgent,
			MaxPatchOps: set.patchBatch,
		})
		if err != nil {
			diags.AddError("Cannot configure the SCIM client", err.Error())
			return nil
		}
		data.scim = sc
	}
	return data
}

func (p *dbtProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSCIMSettingsResource,
		NewSCIMTokenResource,
		NewSCIMUserResource,
		NewSCIMGroupResource, NewSCIMGroupMemberResource,
	}
}

func (p *dbtProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSCIMSettingsDataSource,
		NewSCIMTokensDataSource,
		NewSCIMUserDataSource,
		NewSCIMUsersDataSource,
		NewSCIMGroupDataSource, NewSCIMGroupsDataSource,
	}
}

// ListResources serve `terraform query` (Terraform 1.14 and later).
func (p *dbtProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewSCIMTokenListResource,
		NewSCIMUserListResource,
		NewSCIMGroupListResource,
	}
}

// stringOrEnv picks the configured value, then the environment, then def.
func stringOrEnv(v types.String, env, def string) string {
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString()
	}
	if e := os.Getenv(env); e != "" {
		return e
	}
	return def
}
