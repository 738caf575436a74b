// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"strings"
	"testing"
)

func TestCheckBaseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want string // "" = accepted; otherwise a piece of the message
	}{
		{"https://cloud.getdbt.com/api", ""},
		{"https://ab123.us1.dbt.com/api/v3/accounts/1/scim/v2", ""},
		{"http://localhost:8080/api", ""},
		{"http://127.0.0.1/api", ""},
		{"http://127.9.9.9:1/api", ""},
		{"http://[::1]:9/api", ""},
		{"http://dbt.example.com/api", "cleartext"},
		{"http://10.0.0.1/api", "cleartext"},
		{"https://user:secret@cloud.getdbt.com/api", "user name or password"},
		{"https://user@cloud.getdbt.com/api", "user name or password"},
		{"ftp://cloud.getdbt.com/api", "not an absolute https:// URL"},
		{"ftp://x", "not an absolute https:// URL"},
		{"http://localhost.example.com/api", "cleartext"}, // only the name localhost itself is loopback
		{"http://128.0.0.1/api", "cleartext"},
		{"http://[::2]/api", "cleartext"},
		{"http://user:secret@localhost/api", "user name or password"},
		{"cloud.getdbt.com/api", "not an absolute https:// URL"},
		{"https:///api", "not an absolute https:// URL"},
		{"https://cloud.getdbt.com/api?x=1", "query string"},
		{"https://cloud.getdbt.com/api#frag", "query string"},
		{"https://cloud.getdbt.com/%zz", "not a URL"},
	}
	for _, tt := range tests {
		got := CheckBaseURL(tt.raw)
		switch {
		case tt.want == "" && got != "":
			t.Errorf("%q refused: %s", tt.raw, got)
		case tt.want != "" && !strings.Contains(got, tt.want):
			t.Errorf("%q: message %q, want it to mention %q", tt.raw, got, tt.want)
		}
		if strings.Contains(got, "secret") {
			t.Errorf("%q: the message repeats the password: %s", tt.raw, got)
		}
	}
}
