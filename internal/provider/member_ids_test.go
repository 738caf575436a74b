// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestNewMemberIDsDropsDuplicatesAndKeepsOrder(t *testing.T) {
	v := newMemberIDs([]string{"b", "a", "b", "c", "a"})
	if got := strings.Join(v.IDs(), ","); got != "b,a,c" {
		t.Fatalf("IDs() = %s, want b,a,c", got)
	}
	if ids := memberIDsNull().IDs(); ids != nil {
		t.Fatalf("a null set has ids %v", ids)
	}
}

func TestMemberIDsEqualIsSetEquality(t *testing.T) {
	ab, ba := newMemberIDs([]string{"a", "b"}), newMemberIDs([]string{"b", "a"})
	tests := []struct {
		name string
		x, y memberIDsValue
		want bool
	}{
		{"same ids in another order", ab, ba, true},
		{"one id differs", ab, newMemberIDs([]string{"a", "c"}), false},
		{"a subset", ab, newMemberIDs([]string{"a"}), false},
		{"empty and null differ", newMemberIDs(nil), memberIDsNull(), false},
		{"null and null", memberIDsNull(), memberIDsNull(), true},
		{"unknown and known differ", memberIDsValue{SetValue: basetypes.NewSetUnknown(types.StringType)}, ab, false},
	}
	for _, tt := range tests {
		if got := tt.x.Equal(tt.y); got != tt.want {
			t.Errorf("%s: Equal = %v, want %v", tt.name, got, tt.want)
		}
		if got, _ := tt.x.SetSemanticEquals(context.Background(), tt.y); got != tt.want {
			t.Errorf("%s: SetSemanticEquals = %v, want %v", tt.name, got, tt.want)
		}
	}
	if ab.Equal(types.SetValueMust(types.StringType, nil)) {
		t.Error("a plain framework set compared equal to a memberIDsValue")
	}
}

// Both the type (tftypes values) and the value report duplicates, through
// the one check: an error per repeated id, naming it.
func TestMemberIDsDuplicates(t *testing.T) {
	p := path.Root("members")
	raw := tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{
		tftypes.NewValue(tftypes.String, "u1"), tftypes.NewValue(tftypes.String, "u2"),
		tftypes.NewValue(tftypes.String, "u1"), tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	})
	diags := newMemberIDsType().Validate(context.Background(), raw, p)
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), `"u1"`) {
		t.Fatalf("type Validate: %v, want one error naming u1", diags)
	}
	var resp xattr.ValidateAttributeResponse
	newMemberIDs([]string{"u1", "u2"}).ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: p}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("distinct ids reported: %v", resp.Diagnostics)
	}
	if got := duplicateIDs(p, []string{"a", "b", "a", "b", "a"}); len(got) != 2 {
		t.Fatalf("duplicateIDs: %d errors, want 2 (one per repeated id)", len(got))
	}
	if got := duplicateIDs(p, nil); got.HasError() {
		t.Fatalf("no ids: %v", got)
	}
}
