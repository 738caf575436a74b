// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	filter "github.com/scim2/filter-parser/v2"
)

// Filters (RFC 7644 §3.4.2.2) are parsed by scim2/filter-parser and compiled
// here into a tree of matchers over the store's records. Attribute paths are
// resolved once at compile time, so evaluating a filter against 50,000
// users does no string switching and no allocation per user.

type valueKind int

const (
	kString valueKind = iota
	kBool
	kTime
	kComplex
)

// value is one value of an attribute of one record. obj is the element of
// a complex attribute, handed to its sub-attributes' getters.
type value struct {
	kind valueKind
	s    string
	b    bool
	t    time.Time
	obj  any
}

// getter appends the values of an attribute of obj to buf.
type getter func(obj any, buf []value) []value

// attrDef describes an attribute for filtering, sorting out which
// comparisons make sense and how to read it.
type attrDef struct {
	name      string
	kind      valueKind
	caseExact bool
	get       getter
	sub       map[string]*attrDef // sub-attributes of a complex attribute, by lower-case name
	// sameObj marks a single-valued complex attribute whose value is the
	// record itself (name, meta), so its sub-attributes read the record.
	sameObj bool
}

func str(s string, buf []value) []value {
	if s == "" {
		return buf
	}
	return append(buf, value{kind: kString, s: s})
}

// Filters are evaluated against *userRec and *groupRec: pointers, so that
// passing a record as an interface value does not allocate.

type groupRefElem struct{ g *groupRec }

func metaAttr(resourceType string, rec func(any) (created, modified time.Time)) *attrDef {
	return &attrDef{name: "meta", kind: kComplex, sameObj: true, get: func(o any, b []value) []value {
		return append(b, value{kind: kComplex, obj: o})
	}, sub: map[string]*attrDef{
		"created": {name: "created", kind: kTime, get: func(o any, b []value) []value {
			c, _ := rec(o)
			return append(b, value{kind: kTime, t: c})
		}},
		"lastmodified": {name: "lastModified", kind: kTime, get: func(o any, b []value) []value {
			_, m := rec(o)
			return append(b, value{kind: kTime, t: m})
		}},
		"resourcetype": {name: "resourceType", kind: kString, caseExact: true, get: func(_ any, b []value) []value {
			return append(b, value{kind: kString, s: resourceType})
		}},
	}}
}

var emailSub = map[string]*attrDef{
	"value": {name: "value", kind: kString, get: func(o any, b []value) []value { return str(o.(*Email).Value, b) }},
	"type":  {name: "type", kind: kString, get: func(o any, b []value) []value { return str(o.(*Email).Type, b) }},
	"primary": {name: "primary", kind: kBool, get: func(o any, b []value) []value {
		return append(b, value{kind: kBool, b: o.(*Email).Primary})
	}},
}

var userAttrs = map[string]*attrDef{
	"id":         {name: "id", kind: kString, caseExact: true, get: func(o any, b []value) []value { return str(o.(*userRec).u.ID, b) }},
	"externalid": {name: "externalId", kind: kString, caseExact: true, get: func(o any, b []value) []value { return str(o.(*userRec).u.ExternalID, b) }},
	"username":   {name: "userName", kind: kString, get: func(o any, b []value) []value { return str(o.(*userRec).u.UserName, b) }},
	"active": {name: "active", kind: kBool, get: func(o any, b []value) []value {
		return append(b, value{kind: kBool, b: o.(*userRec).u.Active})
	}},
	"name": {name: "name", kind: kComplex, sameObj: true, get: func(o any, b []value) []value {
		u := o.(*userRec).u
		if u.GivenName == "" && u.FamilyName == "" {
			return b
		}
		return append(b, value{kind: kComplex, obj: o})
	}, sub: map[string]*attrDef{
		"givenname":  {name: "givenName", kind: kString, get: func(o any, b []value) []value { return str(o.(*userRec).u.GivenName, b) }},
		"familyname": {name: "familyName", kind: kString, get: func(o any, b []value) []value { return str(o.(*userRec).u.FamilyName, b) }},
	}},
	"emails": {name: "emails", kind: kComplex, get: func(o any, b []value) []value {
		u := &o.(*userRec).u
		for i := range u.Emails {
			b = append(b, value{kind: kComplex, obj: &u.Emails[i]})
		}
		return b
	}, sub: emailSub},
	"groups": {name: "groups", kind: kComplex, get: func(o any, b []value) []value {
		r := o.(*userRec)
		for _, g := range r.d.userGroups(r) {
			b = append(b, value{kind: kComplex, obj: groupRefElem{g}})
		}
		return b
	}, sub: map[string]*attrDef{
		"value":   {name: "value", kind: kString, caseExact: true, get: func(o any, b []value) []value { return str(o.(groupRefElem).g.g.ID, b) }},
		"display": {name: "display", kind: kString, get: func(o any, b []value) []value { return str(o.(groupRefElem).g.g.DisplayName, b) }},
	}},
	"meta": metaAttr("User", func(o any) (time.Time, time.Time) {
		u := o.(*userRec).u
		return u.Created, u.LastModified
	}),
}

// dbtUserAttrs are the attributes of dbt's user extension.
var dbtUserAttrs = map[string]*attrDef{
	"licensetype": {name: "licenseType", kind: kString, get: func(o any, b []value) []value { return str(o.(*userRec).u.LicenseType, b) }},
}

var groupAttrs = map[string]*attrDef{
	"id":          {name: "id", kind: kString, caseExact: true, get: func(o any, b []value) []value { return str(o.(*groupRec).g.ID, b) }},
	"externalid":  {name: "externalId", kind: kString, caseExact: true, get: func(o any, b []value) []value { return str(o.(*groupRec).g.ExternalID, b) }},
	"displayname": {name: "displayName", kind: kString, get: func(o any, b []value) []value { return str(o.(*groupRec).g.DisplayName, b) }},
	"members": {name: "members", kind: kComplex, get: func(o any, b []value) []value {
		o.(*groupRec).members.each(func(u *userRec) { b = append(b, value{kind: kComplex, obj: u}) })
		return b
	}, sub: map[string]*attrDef{
		"value":   {name: "value", kind: kString, caseExact: true, get: func(o any, b []value) []value { return str(o.(*userRec).u.ID, b) }},
		"display": {name: "display", kind: kString, get: func(o any, b []value) []value { return str(o.(*userRec).u.UserName, b) }},
	}},
	"meta": metaAttr("Group", func(o any) (time.Time, time.Time) {
		g := o.(*groupRec).g
		return g.Created, g.LastModified
	}),
}

// resourceSchema is the attribute table for one resource type.
type resourceSchema struct {
	core       string
	attrs      map[string]*attrDef
	extensions map[string]map[string]*attrDef // lower-case extension URN -> attributes
}

var (
	userSchema  = &resourceSchema{core: schemaUser, attrs: userAttrs, extensions: map[string]map[string]*attrDef{strings.ToLower(schemaDBTUser): dbtUserAttrs}}
	groupSchema = &resourceSchema{core: schemaGroup, attrs: groupAttrs}
)

// resolve finds the definition for an attribute path. When the path names a
// sub-attribute of a complex attribute, the returned getter flattens: it
// yields the sub-attribute of every element.
func (rs *resourceSchema) resolve(p filter.AttributePath) (*attrDef, error) {
	table := rs.attrs
	if uri := p.URI(); uri != "" && !strings.EqualFold(uri, rs.core) {
		ext, ok := rs.extensions[strings.ToLower(uri)]
		if !ok {
			return nil, fmt.Errorf("unknown schema %q", uri)
		}
		table = ext
	}
	def, ok := table[strings.ToLower(p.AttributeName)]
	if !ok {
		return nil, fmt.Errorf("unknown attribute %q", p.AttributeName)
	}
	if p.SubAttribute == nil {
		return def, nil
	}
	return subOf(def, *p.SubAttribute)
}

func subOf(def *attrDef, name string) (*attrDef, error) {
	sub, ok := def.sub[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("attribute %q has no sub-attribute %q", def.name, name)
	}
	flat := *sub
	flat.name = def.name + "." + sub.name
	if def.sameObj {
		// name and meta are views of the record itself: no flattening.
		return &flat, nil
	}
	parent, child := def.get, sub.get
	// The parent's elements go into a scratch slice of their own, as b
	// belongs to the caller. The slice is reused: subOf runs once per
	// compiled filter, and a compiled filter serves one request.
	var scratch []value
	flat.get = func(o any, b []value) []value {
		scratch = parent(o, scratch[:0])
		for _, el := range scratch {
			b = child(el.obj, b)
		}
		return b
	}
	return &flat, nil
}

// matcher is a compiled filter.
type matcher interface {
	match(obj any) bool
}

type andMatcher struct{ l, r matcher }
type orMatcher struct{ l, r matcher }
type notMatcher struct{ m matcher }

func (m andMatcher) match(o any) bool { return m.l.match(o) && m.r.match(o) }
func (m orMatcher) match(o any) bool  { return m.l.match(o) || m.r.match(o) }
func (m notMatcher) match(o any) bool { return !m.m.match(o) }

// cmpMatcher is "attr op value". buf is scratch space reused across
// records; a compiled filter belongs to one request, so it is never shared.
type cmpMatcher struct {
	def   *attrDef
	op    filter.CompareOperator
	isNil bool // compared with null
	s     string
	b     bool
	t     time.Time
	buf   []value
}

// valuePathMatcher is "attr[filter]": true when some element of the
// complex attribute matches the inner filter.
type valuePathMatcher struct {
	def   *attrDef
	inner matcher
	buf   []value
}

func (m *valuePathMatcher) match(o any) bool {
	m.buf = m.def.get(o, m.buf[:0])
	for _, v := range m.buf {
		if m.inner.match(v.obj) {
			return true
		}
	}
	return false
}

func (m *cmpMatcher) match(o any) bool {
	m.buf = m.def.get(o, m.buf[:0])
	switch {
	case m.op == filter.PR:
		return len(m.buf) > 0
	case m.isNil && m.op == filter.EQ:
		return len(m.buf) == 0
	case m.isNil: // ne null
		return len(m.buf) > 0
	case m.op == filter.NE:
		// ne holds when no value equals, which includes having no value.
		for _, v := range m.buf {
			if m.one(filter.EQ, v) {
				return false
			}
		}
		return true
	}
	for _, v := range m.buf {
		if m.one(m.op, v) {
			return true
		}
	}
	return false
}

func (m *cmpMatcher) one(op filter.CompareOperator, v value) bool {
	switch m.def.kind {
	case kBool:
		return v.b == m.b // only eq reaches here; compile refuses the rest
	case kTime:
		c := v.t.Compare(m.t)
		switch op {
		case filter.EQ:
			return c == 0
		case filter.GT:
			return c > 0
		case filter.GE:
			return c >= 0
		case filter.LT:
			return c < 0
		case filter.LE:
			return c <= 0
		}
		return false
	}
	a := v.s
	if !m.def.caseExact {
		switch op {
		case filter.EQ:
			return strings.EqualFold(a, m.s)
		case filter.CO:
			return containsFold(a, m.s)
		case filter.SW:
			return hasPrefixFold(a, m.s)
		case filter.EW:
			return hasSuffixFold(a, m.s)
		}
		a = strings.ToLower(a) // m.s is lower-cased at compile time
	}
	switch op {
	case filter.EQ:
		return a == m.s
	case filter.CO:
		return strings.Contains(a, m.s)
	case filter.SW:
		return strings.HasPrefix(a, m.s)
	case filter.EW:
		return strings.HasSuffix(a, m.s)
	case filter.GT:
		return a > m.s
	case filter.GE:
		return a >= m.s
	case filter.LT:
		return a < m.s
	case filter.LE:
		return a <= m.s
	}
	return false
}

// The fold helpers compare without allocating lower-cased copies; they are
// on the hot path of every filtered list.
func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

func hasSuffixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[len(s)-len(p):], p)
}

func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i+len(sub) <= len(s); {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return false
}

// compiledFilter is a parsed and resolved filter, plus the index lookup it
// allows: "userName eq x" and "displayName eq x" are what IdPs send before
// every create, and must not scan 50,000 records.
type compiledFilter struct {
	m matcher
	// eqIndexed is set when the filter requires "<indexed attr> eq <string>".
	eqIndexed string
	eqValue   string
}

// compileFilter parses and compiles a filter for a resource type. Errors
// are meant for the client: they become 400 invalidFilter.
func compileFilter(raw string, rs *resourceSchema) (*compiledFilter, error) {
	expr, err := filter.ParseFilter([]byte(raw))
	if err != nil {
		rewritten, ok := rewriteValuePathSub(raw)
		if !ok {
			return nil, fmt.Errorf("cannot parse filter %q: %w", raw, err)
		}
		if expr, err = filter.ParseFilter([]byte(rewritten)); err != nil {
			return nil, fmt.Errorf("cannot parse filter %q: %w", raw, err)
		}
	}
	m, err := compileExpr(expr, rs.resolve)
	if err != nil {
		return nil, err
	}
	cf := &compiledFilter{m: m}
	if c := indexedConjunct(m); c != nil {
		cf.eqIndexed, cf.eqValue = c.def.name, c.s
	}
	return cf, nil
}

// indexedConjunct finds an "<indexed attr> eq <string>" that the whole
// filter requires (the filter itself, or a term of its top-level "and"s).
// The one record it names is then the only candidate; the full filter is
// still evaluated on it.
func indexedConjunct(m matcher) *cmpMatcher {
	switch x := m.(type) {
	case *cmpMatcher:
		if x.op == filter.EQ && !x.isNil {
			switch x.def.name {
			case "userName", "displayName", "id":
				return x
			}
		}
	case andMatcher:
		if c := indexedConjunct(x.l); c != nil {
			return c
		}
		return indexedConjunct(x.r)
	}
	return nil
}

type resolver func(filter.AttributePath) (*attrDef, error)

func compileExpr(e filter.Expression, resolve resolver) (matcher, error) {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		l, err := compileExpr(x.Left, resolve)
		if err != nil {
			return nil, err
		}
		r, err := compileExpr(x.Right, resolve)
		if err != nil {
			return nil, err
		}
		if x.Operator == filter.AND {
			return andMatcher{l, r}, nil
		}
		return orMatcher{l, r}, nil
	case *filter.NotExpression:
		m, err := compileExpr(x.Expression, resolve)
		if err != nil {
			return nil, err
		}
		return notMatcher{m}, nil
	case *filter.ValuePath:
		def, err := resolve(x.AttributePath)
		if err != nil {
			return nil, err
		}
		if def.kind != kComplex || def.sub == nil {
			return nil, fmt.Errorf("%s is not a complex attribute and cannot take a [filter]", def.name)
		}
		inner, err := compileExpr(x.ValueFilter, subResolver(def))
		if err != nil {
			return nil, err
		}
		return &valuePathMatcher{def: def, inner: inner}, nil
	case *filter.AttributeExpression:
		def, err := resolve(x.AttributePath)
		if err != nil {
			return nil, err
		}
		return compileCompare(def, x.Operator, x.CompareValue)
	}
	return nil, fmt.Errorf("unsupported filter expression %v", e)
}

func compileCompare(def *attrDef, op filter.CompareOperator, cv any) (matcher, error) {
	switch op {
	case filter.PR, filter.EQ, filter.NE, filter.CO, filter.SW, filter.EW, filter.GT, filter.GE, filter.LT, filter.LE:
	default:
		return nil, fmt.Errorf("unknown operator %q", op)
	}
	// A comparison on a multi-valued complex attribute compares its
	// "value" sub-attribute (RFC 7644 §3.4.2.2: "emails co ...").
	if def.kind == kComplex && op != filter.PR {
		if _, ok := def.sub["value"]; !ok {
			return nil, fmt.Errorf("%s is complex; compare one of its sub-attributes", def.name)
		}
		var err error
		if def, err = subOf(def, "value"); err != nil {
			return nil, err
		}
	}
	m := &cmpMatcher{def: def, op: op}
	if op == filter.PR {
		return m, nil
	}
	if cv == nil {
		if op != filter.EQ && op != filter.NE {
			return nil, fmt.Errorf("null can only be compared with eq or ne")
		}
		m.isNil = true
		return m, nil
	}
	switch def.kind {
	case kBool:
		if op != filter.EQ && op != filter.NE {
			return nil, fmt.Errorf("%s is a boolean: only eq, ne and pr apply", def.name)
		}
		switch v := cv.(type) {
		case bool:
			m.b = v
		case string: // IdPs send "True"/"False"
			b, ok := parseBoolString(v)
			if !ok {
				return nil, fmt.Errorf("%s is a boolean, not %q", def.name, v)
			}
			m.b = b
		default:
			return nil, fmt.Errorf("%s is a boolean, not %v", def.name, cv)
		}
	case kTime:
		s, ok := cv.(string)
		if !ok {
			return nil, fmt.Errorf("%s is a dateTime; compare it with a quoted RFC 3339 time", def.name)
		}
		t, err := time.Parse(time.RFC3339Nano, unescape(s))
		if err != nil {
			return nil, fmt.Errorf("%s is a dateTime and %q is not an RFC 3339 time", def.name, s)
		}
		switch op {
		case filter.CO, filter.SW, filter.EW:
			return nil, fmt.Errorf("%s is a dateTime: %s does not apply", def.name, op)
		}
		m.t = t
	default:
		s, ok := cv.(string)
		if !ok {
			return nil, fmt.Errorf("%s is a string; quote the value %v", def.name, cv)
		}
		m.s = unescape(s)
		if !def.caseExact {
			m.s = strings.ToLower(m.s)
		}
	}
	return m, nil
}

// unescape decodes JSON escapes in a filter's string value: the parser
// strips the quotes but leaves `\"` and `\\` as written.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return s
	}
	return out
}

func parseBoolString(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// rewriteValuePathSub turns `attr[inner].sub op value`, which is outside
// RFC 7644's filter grammar but sent by some clients (and written in
// vendors' docs), into the equivalent `attr[inner and sub op value]`.
// It is tried only on filters the parser refused.
func rewriteValuePathSub(s string) (string, bool) {
	var out []byte
	changed := false
	open := -1 // index in out just after the current '['
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			j := endOfString(s, i)
			out = append(out, s[i:j]...)
			i = j - 1
			continue
		case c == '[':
			out = append(out, c)
			open = len(out)
			continue
		case c == ']' && open >= 0 && i+1 < len(s) && s[i+1] == '.':
			j := i + 2
			sub := scanWhile(s, j, isAttrChar)
			j += len(sub)
			ws := scanWhile(s, j, isSpace)
			j += len(ws)
			op := scanWhile(s, j, isAttrChar)
			j += len(op)
			if sub == "" || op == "" || len(ws) == 0 {
				return "", false
			}
			cond := sub + " " + op
			if !strings.EqualFold(op, "pr") {
				ws = scanWhile(s, j, isSpace)
				j += len(ws)
				var val string
				if j < len(s) && s[j] == '"' {
					val = s[j:endOfString(s, j)]
				} else {
					val = scanWhile(s, j, func(b byte) bool { return !isSpace(b) && b != ')' })
				}
				if val == "" {
					return "", false
				}
				j += len(val)
				cond += " " + val
			}
			// The parser takes no parentheses inside [...], so the
			// inner filter cannot be grouped; joining it with "and" is
			// only equivalent when it has no "or" of its own.
			inner := string(out[open:])
			if hasOr(inner) {
				return "", false
			}
			out = append(out[:open], inner+" and "+cond+"]"...)
			open = -1
			changed = true
			i = j - 1
			continue
		case c == ']':
			open = -1
		}
		out = append(out, c)
	}
	return string(out), changed
}

// endOfString returns the index just past the string literal starting at
// s[i] == '"', honouring backslash escapes.
func endOfString(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(s)
}

func scanWhile(s string, i int, ok func(byte) bool) string {
	j := i
	for j < len(s) && ok(s[j]) {
		j++
	}
	return s[i:j]
}

func isAttrChar(b byte) bool {
	return b == '_' || b == '-' || b == '$' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' }

// hasOr reports whether a filter has the word "or" outside string literals.
func hasOr(s string) bool {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			i = endOfString(s, i) - 1
		case (i == 0 || !isAttrChar(s[i-1])) && i+2 <= len(s) && strings.EqualFold(s[i:i+2], "or") && (i+2 == len(s) || !isAttrChar(s[i+2])):
			return true
		}
	}
	return false
}
