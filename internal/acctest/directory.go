// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"fmt"
	"sync"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// DirectoryTokenName is the name of the SCIM token the directory tests mint.
const DirectoryTokenName = "terraform-acc"

// scimTokens remembers the SCIM token minted for each emulator, so that the
// config of every step of a test uses one token instead of minting more.
var scimTokens sync.Map // *emulator.Server -> string

// DirectoryProviderBlock is the provider configuration for the directory
// resources (users, groups) against srv: it enables SCIM on the emulated
// account, mints a SCIM token there, and returns a provider block with both
// the admin credentials and scim_token.
func DirectoryProviderBlock(srv *emulator.Server) string {
	return DirectoryProviderBlockVia(srv, "")
}

// DirectoryProviderBlockVia is DirectoryProviderBlock with the SCIM requests
// sent to scimBaseURL, such as a recording proxy in front of srv; "" means
// srv's own SCIM endpoint.
func DirectoryProviderBlockVia(srv *emulator.Server, scimBaseURL string) string {
	token := SCIMToken(srv)
	extra := ""
	if scimBaseURL != "" {
		extra = fmt.Sprintf("  scim_base_url = %q\n", scimBaseURL)
	}
	return fmt.Sprintf(`
provider "dbt" {
  host_url    = %q
  account_id  = %d
  token       = %q
  scim_token  = %q
  max_retries = 4
%s}
`, srv.HostURL(), srv.Emulator.AccountID(), AdminToken, token, extra)
}

// SCIMToken enables SCIM on srv's account and returns a live SCIM token,
// minting one on first use (or when a test has deleted it).
func SCIMToken(srv *emulator.Server) string {
	e := srv.Emulator
	if cfg := e.SCIMConfig(); !cfg.Enabled {
		cfg.Enabled = true
		e.SetSCIMConfig(cfg)
	}
	if v, ok := scimTokens.Load(srv); ok && e.TokenValid(v.(string)) {
		return v.(string)
	}
	_, value := e.CreateToken(DirectoryTokenName)
	scimTokens.Store(srv, value)
	return value
}
