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
	badSpace := pe.Conflict.Rune == '\n' || pe.Conflict.Rune == '\r' || pe.Conflict.Rune == '\t'
	if !badSpace {
		if row, col, what, ok := commonMistake(f); ok {
			where := fmt.Sprintf("column %d", col+1)
			if row > 0 {
				where = fmt.Sprintf("line %d, column %d", row+1, col+1)
			}
			return fmt.Sprintf("%q is not a valid SCIM filter: at %s, %s:\n\n%s%s", f, where, what, pointAt(f, row, col), grammar)
		}
	}
	row, col := pe.Conflict.Position() // both zero-based; columns count characters
	what := "the filter cannot be read from here on"
	switch r, _ := pe.Expected.(rune); {
	case badSpace:
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

// symbols are operators from other languages, and the SCIM word for each.
var symbols = map[string]string{"=": "eq", "==": "eq", "!=": "ne", "<>": "ne", ">": "gt", ">=": "ge", "<": "lt",
	"<=": "le"}

// comparisons are the operators that take a value (all but pr).
var comparisons = map[string]bool{"eq": true, "ne": true, "co": true, "sw": true, "ew": true, "gt": true, "ge": true,
	"lt": true, "le": true}

// commonMistake finds the mistakes people make most, which the parser
// reports where it last backtracked to, near the start: a comparison
// written as a symbol (`userName = "a"`), and one without its value
// (`userName eq`, `userName eq and ...`). It returns where (zero-based line
// and column) and what to say.
func commonMistake(f string) (row, col int, what string, ok bool) {
	toks := filterTokens(f)
	for _, t := range toks {
		if word, ok := symbols[t.text]; ok {
			return t.row, t.col, fmt.Sprintf("SCIM writes %q as a word: use %s", t.text, word), true
		}
	}
	for i, t := range toks {
		if !comparisons[strings.ToLower(t.text)] || i == 0 {
			continue
		}
		what := fmt.Sprintf("%q needs a value to compare with, such as %s \"jane@example.com\"", t.text, t.text)
		if i+1 == len(toks) {
			return t.row, t.end, what, true
		}
		next := strings.ToLower(toks[i+1].text)
		if next == "and" || next == "or" || strings.HasPrefix(next, ")") || strings.HasPrefix(next, "]") {
			return toks[i+1].row, toks[i+1].col, what, true
		}
	}
	return 0, 0, "", false
}

// filterToken is a run of non-space characters, or a quoted string.
type filterToken struct {
	text     string
	row, col int // of the token's start, zero-based
	end      int // column just past the token
}

func filterTokens(f string) []filterToken {
	var toks []filterToken
	for r, line := range strings.Split(f, "\n") {
		runes := []rune(line)
		for i := 0; i < len(runes); {
			if runes[i] == ' ' || runes[i] == '\t' || runes[i] == '\r' {
				i++
				continue
			}
			start := i
			if runes[i] == '"' { // a quoted string, escapes included
				for i++; i < len(runes) && runes[i] != '"'; i++ {
					if runes[i] == '\\' {
						i++
					}
				}
				i++
			} else {
				for i < len(runes) && runes[i] != ' ' && runes[i] != '\t' && runes[i] != '\r' {
					i++
				}
			}
			end := min(i, len(runes))
			toks = append(toks, filterToken{text: string(runes[start:end]), row: r, col: start, end: end})
		}
	}
	return toks
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
