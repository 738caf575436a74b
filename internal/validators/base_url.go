// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = baseURL{}

type baseURL struct{ summary string }

// BaseURL accepts the address of an API the provider sends credentials to:
// an absolute https URL without userinfo, query or fragment. Plain http is
// accepted only for a loopback host (a local emulator or test server), since
// anything else would carry the tokens in cleartext. Unknown and null values
// pass; they are checked once known. summary heads the diagnostic, such as
// "Invalid dbt host URL".
func BaseURL(summary string) validator.String { return baseURL{summary: summary} }

func (baseURL) Description(_ context.Context) string {
	return "value must be an https:// URL without a user name or password (http:// only for localhost)"
}

func (v baseURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v baseURL) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := CheckBaseURL(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, msg)
	}
}

// CheckBaseURL returns what is wrong with raw as a base URL, or "" when
// nothing is. The message never repeats a password the URL carried.
func CheckBaseURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "The value is not a URL. Use an https:// URL such as https://cloud.getdbt.com/api."
	}
	shown := raw
	if u.User != nil {
		shown = redacted(u)
	}
	switch {
	case u.User != nil:
		return fmt.Sprintf("%q carries a user name or password. Credentials in a URL would end up in the state, "+
			"outputs and logs; remove them and use the provider's token and scim_token attributes instead.", shown)
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "", u.Opaque != "":
		return fmt.Sprintf("%q is not an absolute https:// URL, such as https://cloud.getdbt.com/api.", shown)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Sprintf("%q must not carry a query string or fragment.", shown)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return fmt.Sprintf("%q uses http://, which would send the API tokens in cleartext. Use https://. "+
			"(http:// is accepted only for localhost, such as a local emulator.)", shown)
	}
	return ""
}

// redacted is u with its userinfo replaced by "***", for messages.
func redacted(u *url.URL) string {
	c := *u
	c.User = nil
	return strings.Replace(c.String(), "://", "://***@", 1)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
