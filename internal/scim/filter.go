// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package scim

import (
	"strings"
	"unicode/utf8"
)

// Filters (RFC 7644 §3.4.2.2). Attribute paths are written by the caller and
// are not escaped; values are quoted as JSON strings, which is what the RFC's
// compValue grammar asks for, so a userName holding `"` or `\` cannot break
// out of the filter.

// FilterEq returns `attr eq "value"`.
func FilterEq(attr, value string) string { return compare(attr, "eq", value) }

// FilterAnd joins filters with "and", parenthesising each so precedence
// never depends on what the parts contain. Empty parts are skipped.
func FilterAnd(filters ...string) string { return join("and", filters) }

// MemberPath returns the PATCH path selecting one member of a group:
// `members[value eq "id"]` (RFC 7644 §3.5.2.2).
func MemberPath(id string) string { return "members[" + FilterEq("value", id) + "]" }

// Quote returns s as a JSON string literal, without the HTML escaping
// encoding/json applies, so filters stay readable in logs.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				const hex = "0123456789abcdef"
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('"')
	return b.String()
}

func compare(attr, op, value string) string {
	return attr + " " + op + " " + Quote(value)
}

func join(op string, filters []string) string {
	parts := make([]string, 0, len(filters))
	for _, f := range filters {
		if f != "" {
			parts = append(parts, f)
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	for i, p := range parts {
		parts[i] = "(" + p + ")"
	}
	return strings.Join(parts, " "+op+" ")
}
