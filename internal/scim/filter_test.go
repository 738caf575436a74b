// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package scim

import (
	"encoding/json"
	"testing"
)

func TestFilters(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"plain", FilterEq("userName", "a@example.com"), `userName eq "a@example.com"`},
		{"quote", FilterEq("displayName", `say "hi"`), `displayName eq "say \"hi\""`},
		{"backslash", FilterEq("displayName", `dom\user`), `displayName eq "dom\\user"`},
		{"backslash before quote", FilterEq("displayName", `a\"b`), `displayName eq "a\\\"b"`},
		{"trailing backslash", FilterEq("displayName", `x\`), `displayName eq "x\\"`},
		{"control", FilterEq("displayName", "a\nb\tc\x01"), `displayName eq "a\nb\tc\u0001"`},
		{"no html escaping", FilterEq("displayName", "R&D <team>"), `displayName eq "R&D <team>"`},
		{"unicode", FilterEq("displayName", "Équipe 数据"), `displayName eq "Équipe 数据"`},
		{"invalid utf8", FilterEq("displayName", "a\xffb"), `displayName eq "a\ufffdb"`},
		{"empty", FilterEq("externalId", ""), `externalId eq ""`},
		{"and", FilterAnd(FilterEq("a", "1"), "", FilterEq("b", "2")), `(a eq "1") and (b eq "2")`},
		{"and of one", FilterAnd("", FilterEq("a", "1")), `a eq "1"`},
		{"member path", MemberPath(`u"1`), `members[value eq "u\"1"]`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}

// Quote must produce a JSON string that decodes back to its input.
func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{"", `"`, `\`, `\\"\"`, "\x00\x1f\x7f", "tab\there", "é😀", "\u2028", `}]"`} {
		var back string
		if err := json.Unmarshal([]byte(Quote(s)), &back); err != nil {
			t.Errorf("Quote(%q) = %s is not JSON: %v", s, Quote(s), err)
			continue
		}
		if back != s {
			t.Errorf("Quote(%q) decoded to %q", s, back)
		}
	}
}

func BenchmarkFilterEq(b *testing.B) {
	for b.Loop() {
		_ = FilterEq("userName", `someone.with"quote@example.com`)
	}
}
