// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/q-uint/parser"
	filter "github.com/scim2/filter-parser/v2"
)

var _ validator.String = scimFilter{}

type scimFilter struct{}

// SCIMFilter accepts a SCIM filter expression (RFC 7644 §3.4.2.2), such as
// `userName sw "j"`, so that a typo fails at plan time with the place it is
// at rather than as a 400 from the server during apply. Unknown and null
// values pass; they are checked once known.
func SCIMFilter() validator.String { return scimFilter{} }

func (scimFilter) Description(_ context.Context) string {
	return `value must be a SCIM filter (RFC 7644 section 3.4.2.2), such as userName eq "jane@example.com"`
}

func (v scimFilter) MarkdownDescription(_ context.Context) string {
	return "value must be a SCIM filter (RFC 7644 §3.4.2.2), such as `userName eq \"jane@example.com\"`"
}

func (v scimFilter) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := CheckSCIMFilter(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid SCIM filter", msg)
	}
}

// CheckSCIMFilter returns "" when f parses as a SCIM filter, else a message
// for the user that says where the parser stopped.
func CheckSCIMFilter(f string) string {
	if strings.TrimSpace(f) == "" {
		return "The filter is empty. Leave filter unset to list every user."
	}
	_, err := filter.ParseFilter([]byte(f))
	if err == nil {
		return ""
	}
	const grammar = "\n\nA filter compares an attribute with an operator (eq, ne, co, sw, ew, gt, ge, lt, le, or pr " +
		"without a value), joined with and, or, not and parentheses, with strings in double quotes: for example " +
		"`userName sw \"j\" and active eq true`. See RFC 7644 section 3.4.2.2."
	var pe *parser.ExpectedParseError
	if !errors.As(err, &pe) {
		return fmt.Sprintf("%q is not a valid SCIM filter: %v.%s", f, err, grammar)
	}
	row, col := pe.Conflict.Position() // both zero-based; columns count characters
	what := "the filter cannot be read from here on"
	switch r, _ := pe.Expected.(rune); {
	case pe.Conflict.Rune == '\n' || pe.Conflict.Rune == '\r' || pe.Conflict.Rune == '\t':
		what = "only spaces may separate the parts of a filter, not line breaks or tabs"
	case r == parser.EOD:
		what = "the filter should end here, but more follows"
	}
	where := fmt.Sprintf("column %d", col+1)
	if row > 0 {
		where = fmt.Sprintf("line %d, column %d", row+1, col+1)
	}
	return fmt.Sprintf("%q is not a valid SCIM filter: the parser stopped at %s (%s):\n\n%s%s",
		f, where, what, pointAt(f, row, col), grammar)
}

// pointAt returns the line of f the parser stopped on, with a caret under
// the column.
func pointAt(f string, row, col int) string {
	lines := strings.Split(f, "\n")
	if row < 0 || row >= len(lines) {
		return ""
	}
	line := []rune(lines[row])
	if col > len(line) {
		col = len(line)
	}
	pad := make([]rune, col)
	for i := range pad {
		pad[i] = ' '
		if line[i] == '\t' { // keep the caret aligned under tabs
			pad[i] = '\t'
		}
	}
	return "    " + string(line) + "\n    " + string(pad) + "^"
}
