// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// memberIDsType is the type of a set of SCIM ids, such as a group's members.
// It is a set of strings to Terraform, and differs from the framework's set
// only in cost: the framework compares every pair of elements to find
// duplicates, to compare two sets, and to match a refreshed set against the
// prior one (terraform-plugin-framework#1314, #1322), which for a group of
// 50,000 members is billions of comparisons on every plan. Here each of those
// is one pass with a map.
type memberIDsType struct {
	basetypes.SetType
}

var _ basetypes.SetTypable = memberIDsType{}

// newMemberIDsType returns the type; use it rather than a zero
// memberIDsType, whose element type is unset.
func newMemberIDsType() memberIDsType {
	return memberIDsType{SetType: basetypes.SetType{ElemType: types.StringType}}
}

func (t memberIDsType) Equal(o attr.Type) bool {
	_, ok := o.(memberIDsType)
	return ok
}

func (t memberIDsType) String() string { return "memberIDsType" }

func (t memberIDsType) ValueType(context.Context) attr.Value { return memberIDsNull() }

func (t memberIDsType) ValueFromSet(_ context.Context, s basetypes.SetValue) (basetypes.SetValuable, diag.Diagnostics) {
	return memberIDsValue{SetValue: s}, nil
}

func (t memberIDsType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := basetypes.SetType{ElemType: types.StringType}.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.SetValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T for a set of ids", v)
	}
	return memberIDsValue{SetValue: s}, nil
}

// Validate replaces the framework's pairwise duplicate check, for the code
// paths that still ask the type rather than the value (ValidateAttribute).
func (t memberIDsType) Validate(_ context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	if !in.IsKnown() || in.IsNull() {
		return nil
	}
	var elems []tftypes.Value
	if err := in.As(&elems); err != nil {
		var diags diag.Diagnostics
		diags.AddAttributeError(p, "Set Type Validation Error", "Cannot read a set of ids: "+err.Error())
		return diags
	}
	ids := make([]string, 0, len(elems))
	for _, e := range elems {
		if !e.IsFullyKnown() || e.IsNull() {
			continue
		}
		var s string
		if err := e.As(&s); err != nil {
			var diags diag.Diagnostics
			diags.AddAttributeError(p, "Set Type Validation Error", "Cannot read a set of ids: "+err.Error())
			return diags
		}
		ids = append(ids, s)
	}
	return duplicateIDs(p, ids)
}

// memberIDsValue is a value of memberIDsType.
type memberIDsValue struct {
	basetypes.SetValue
}

var (
	_ basetypes.SetValuableWithSemanticEquals = memberIDsValue{}
	_ xattr.ValidateableAttribute             = memberIDsValue{}
)

// memberIDsNull is an unset set of ids.
func memberIDsNull() memberIDsValue {
	return memberIDsValue{SetValue: basetypes.NewSetNull(types.StringType)}
}

// newMemberIDs builds a known set from ids, dropping duplicates. It makes
// one pass and one allocation of elements however large the set.
func newMemberIDs(ids []string) memberIDsValue {
	seen := make(map[string]struct{}, len(ids))
	elems := make([]attr.Value, 0, len(ids))
	for _, id := range ids {
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		elems = append(elems, types.StringValue(id))
	}
	return memberIDsValue{SetValue: types.SetValueMust(types.StringType, elems)}
}

func (v memberIDsValue) Type(context.Context) attr.Type { return newMemberIDsType() }

// IDs returns the known ids in the set; nil for a null or unknown set.
func (v memberIDsValue) IDs() []string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	elems := v.Elements()
	ids := make([]string, 0, len(elems))
	for _, e := range elems {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			ids = append(ids, s.ValueString())
		}
	}
	return ids
}

// Equal compares as sets, in linear time.
func (v memberIDsValue) Equal(o attr.Value) bool {
	other, ok := o.(memberIDsValue)
	if !ok {
		return false
	}
	if v.IsNull() || other.IsNull() || v.IsUnknown() || other.IsUnknown() {
		return v.IsNull() == other.IsNull() && v.IsUnknown() == other.IsUnknown()
	}
	a, b := v.Elements(), other.Elements()
	if len(a) != len(b) {
		return false
	}
	have := make(map[string]struct{}, len(a))
	for _, e := range a {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			return v.SetValue.Equal(other.SetValue) // not plain ids: the exact, slow comparison
		}
		have[s.ValueString()] = struct{}{}
	}
	for _, e := range b {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			return v.SetValue.Equal(other.SetValue)
		}
		if _, ok := have[s.ValueString()]; !ok {
			return false
		}
	}
	return true
}

// SetSemanticEquals tells the framework that a refreshed set equal to the
// prior one needs no further matching, element by element.
func (v memberIDsValue) SetSemanticEquals(_ context.Context, prior basetypes.SetValuable) (bool, diag.Diagnostics) {
	p, ok := prior.(memberIDsValue)
	return ok && v.Equal(p), nil
}

// ValidateAttribute reports duplicate ids in one pass.
func (v memberIDsValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	resp.Diagnostics.Append(duplicateIDs(req.Path, v.IDs())...)
}

// duplicateIDs is the one duplicate check, for the type and the value:
// one error per repeated id, in one pass.
func duplicateIDs(p path.Path, ids []string) diag.Diagnostics {
	var diags diag.Diagnostics
	seen := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		if _, dup := seen[id]; dup {
			diags.AddAttributeError(p, "Duplicate Set Element",
				fmt.Sprintf("This attribute contains duplicate values of: %q", id))
			continue
		}
		seen[id] = struct{}{}
	}
	return diags
}
