// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package dbtapi is the client for the parts of dbt's admin API (v3) that
// manage SCIM: the account's SCIM configuration and its SCIM tokens.
//
// Every answer is dbt's envelope; a non-2xx answer becomes an
// *apierror.Error, and transport failures that may have reached the server an
// *apierror.AmbiguousError. Token creation is the one non-idempotent call and
// reconciles a lost response itself (see CreateSCIMToken).
package dbtapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
	"github.com/dbt-scim/terraform-provider-dbt/internal/transport"
)

// Subsystem is the tflog subsystem of the admin client.
const Subsystem = "dbt_admin"

// Config configures a Client.
type Config struct {
	HostURL                    string // e.g. https://cloud.getdbt.com/api; /v3/accounts/{id}/... is appended
	AccountID                  int64
	Token                      string // sent as "Authorization: Token <t>"
	MaxRetries                 int
	RequestTimeout             time.Duration
	RetryWaitMin, RetryWaitMax time.Duration // optional, for tests
	UserAgent                  string
}

// Client calls the admin API for one account. It is safe for concurrent use.
type Client struct {
	http       *transport.Client
	base       string // HostURL without a trailing slash
	account    string // base + /v3/accounts/{id}
	token      string
	maxRetries int
	retryWait  time.Duration
	pageSize   int
	now        func() time.Time
	nameLocks  sync.Map // token name -> *sync.Mutex
}

// SCIMConfig is the account's SCIM configuration.
type SCIMConfig struct {
	Enabled                   bool
	ManualUpdatesAllowed      bool
	SCIMControlledLicenseType bool
}

// SCIMToken is a SCIM token's metadata. Its value is only ever returned by
// CreateSCIMToken.
type SCIMToken struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	LastUsed  *time.Time
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	host := strings.TrimRight(strings.TrimSpace(cfg.HostURL), "/")
	u, err := url.Parse(host)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("dbtapi: HostURL %q must be an absolute http or https URL, such as https://cloud.getdbt.com/api", redactURL(host))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("dbtapi: HostURL %q must not carry a query or fragment", redactURL(host))
	}
	if cfg.AccountID <= 0 {
		return nil, fmt.Errorf("dbtapi: AccountID must be a positive account id, got %d", cfg.AccountID)
	}
	token := strings.TrimSpace(cfg.Token)
	if token == "" {
		return nil, errors.New("dbtapi: Token must not be empty")
	}
	retryWait := cfg.RetryWaitMin
	if retryWait <= 0 {
		retryWait = time.Second
	}
	return &Client{
		http: transport.New(transport.Config{
			MaxRetries:     cfg.MaxRetries,
			RequestTimeout: cfg.RequestTimeout,
			RetryWaitMin:   cfg.RetryWaitMin,
			RetryWaitMax:   cfg.RetryWaitMax,
			UserAgent:      cfg.UserAgent,
			Subsystem:      Subsystem,
			Secrets:        secretsOf(cfg.Token, token),
		}),
		base:       host,
		account:    fmt.Sprintf("%s/v3/accounts/%d", host, cfg.AccountID),
		token:      token,
		maxRetries: max(cfg.MaxRetries, 0),
		retryWait:  retryWait,
		pageSize:   defaultPageSize,
		now:        time.Now,
	}, nil
}

func secretsOf(raw, trimmed string) []string {
	if raw != trimmed && raw != "" {
		return []string{trimmed, raw}
	}
	return []string{trimmed}
}

// redactURL hides any user:password in a URL before it goes into an error.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return s
}

// SCIMBaseURL is the account's SCIM v2 endpoint: <HostURL>/v3/accounts/<id>/scim/v2.
func (c *Client) SCIMBaseURL() string { return c.account + "/scim/v2" }

// Mask replaces the admin token and every minted token value in s with "***".
func (c *Client) Mask(s string) string { return c.http.Mask(s) }

// scimConfigBody is the wire form of SCIMConfig.
type scimConfigBody struct {
	Enabled                   bool `json:"enabled"`
	ManualUpdatesAllowed      bool `json:"manual_updates_allowed"`
	SCIMControlledLicenseType bool `json:"scim_controlled_license_type"`
}

func (b scimConfigBody) model() SCIMConfig {
	return SCIMConfig(b)
}

// GetSCIMConfig reads the account's SCIM configuration.
func (c *Client) GetSCIMConfig(ctx context.Context) (SCIMConfig, error) {
	var out scimConfigBody
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/scim-config/"}, &out); err != nil {
		return SCIMConfig{}, err
	}
	return out.model(), nil
}

// SetSCIMConfig upserts all three settings and returns what dbt stored.
func (c *Client) SetSCIMConfig(ctx context.Context, cfg SCIMConfig) (SCIMConfig, error) {
	in := scimConfigBody(cfg)
	var out scimConfigBody
	// The POST is an upsert of the full configuration: sending it twice has
	// the same effect as once, so it may be retried like a PUT.
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/scim-config/", body: in, idempotent: true}, &out); err != nil {
		return SCIMConfig{}, err
	}
	return out.model(), nil
}

// call describes one admin API request, relative to the account.
type call struct {
	method     string
	path       string
	query      url.Values
	body       any
	idempotent bool // a POST that is safe to re-send
	sensitive  bool // keep bodies out of the logs
}

// envelope is dbt's response wrapper.
type envelope struct {
	Data   json.RawMessage `json:"data"`
	Status *envelopeStatus `json:"status"`
	Extra  *struct {
		Pagination *pagination `json:"pagination"`
	} `json:"extra"`
}

type envelopeStatus struct {
	Code             int    `json:"code"`
	IsSuccess        *bool  `json:"is_success"`
	UserMessage      string `json:"user_message"`
	DeveloperMessage string `json:"developer_message"`
}

type pagination struct {
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
}

func (e *envelope) pagination() *pagination {
	if e.Extra == nil {
		return nil
	}
	return e.Extra.Pagination
}

// do sends one request and decodes the envelope's data into out (unless out
// is nil). It returns the envelope for callers that need its pagination.
func (c *Client) do(ctx context.Context, cl call, out any) (*envelope, error) {
	target := c.account + cl.path
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	h := http.Header{}
	h.Set("Authorization", "Token "+c.token)
	h.Set("Accept", "application/json")
	var raw []byte
	if cl.body != nil {
		var err error
		if raw, err = json.Marshal(cl.body); err != nil {
			return nil, fmt.Errorf("dbt admin API: %s %s: encoding request: %w", cl.method, c.pathOf(cl), err)
		}
		h.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(ctx, transport.Request{
		Method: cl.method, URL: target, Header: h, Body: raw,
		Idempotent: cl.idempotent, Sensitive: cl.sensitive,
	})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.apiError(cl, resp)
	}
	if out == nil && len(bytes.TrimSpace(resp.Body)) == 0 {
		return &envelope{}, nil
	}
	var env envelope
	if err := json.Unmarshal(resp.Body, &env); err != nil {
		if out == nil {
			// Nothing to read (a DELETE): the 2xx status is the answer.
			return &envelope{}, nil
		}
		return nil, c.decodeError(cl, resp, fmt.Errorf("the body is not a dbt API envelope: %w", err))
	}
	if env.Status != nil && env.Status.IsSuccess != nil && !*env.Status.IsSuccess {
		// dbt has been seen to wrap a failure in a 2xx; trust the envelope.
		status := env.Status.Code
		if status < 400 {
			status = http.StatusBadRequest
		}
		return nil, c.newError(cl, status, env.Status, resp.Body)
	}
	if out == nil {
		return &env, nil
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return nil, c.decodeError(cl, resp, errors.New(`the envelope has no "data"`))
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return nil, c.decodeError(cl, resp, fmt.Errorf(`decoding "data": %w`, err))
	}
	return &env, nil
}

// pathOf is the URL path of a call, as errors report it.
func (c *Client) pathOf(cl call) string {
	if u, err := url.Parse(c.account + cl.path); err == nil {
		return u.Path
	}
	return cl.path
}

// decodeError is a 2xx answer that could not be decoded: the server acted,
// but we do not know the result.
type decodeError struct {
	method, path string
	status       int
	excerpt      string
	err          error
}

func (e *decodeError) Error() string {
	msg := fmt.Sprintf("dbt admin API: %s %s: the %d response could not be decoded: %v", e.method, e.path, e.status, e.err)
	if e.excerpt != "" {
		msg += " (body: " + e.excerpt + ")"
	}
	return msg
}

func (e *decodeError) Unwrap() error { return e.err }

func (c *Client) decodeError(cl call, resp *transport.Response, err error) error {
	e := &decodeError{method: cl.method, path: c.pathOf(cl), status: resp.StatusCode, err: err}
	if !cl.sensitive {
		// A sensitive body may hold a secret nobody has registered yet.
		e.excerpt = c.excerpt(resp.Body)
	}
	return e
}

// apiError turns a non-2xx response into an *apierror.Error.
func (c *Client) apiError(cl call, resp *transport.Response) error {
	var env envelope
	var status *envelopeStatus
	if json.Unmarshal(resp.Body, &env) == nil {
		status = env.Status
	}
	return c.newError(cl, resp.StatusCode, status, resp.Body)
}

func (c *Client) newError(cl call, code int, status *envelopeStatus, body []byte) *apierror.Error {
	var msg string
	if status != nil {
		msg = strings.TrimSpace(status.UserMessage)
		if msg == "" {
			msg = strings.TrimSpace(status.DeveloperMessage)
		}
	}
	if msg == "" && !cl.sensitive {
		msg = c.excerpt(body)
	}
	return &apierror.Error{
		Kind:       apierror.KindFor(code),
		StatusCode: code,
		Method:     cl.method,
		Path:       c.pathOf(cl),
		Message:    c.Mask(msg),
		API:        apierror.APIAdmin,
	}
}

// excerpt is a short, single-line, masked piece of a body for error messages.
func (c *Client) excerpt(body []byte) string { return c.http.Excerpt(body, 200) }

// idPath is the path of one token.
func idPath(id int64) string {
	return "/scim-config/tokens/" + strconv.FormatInt(id, 10) + "/"
}
