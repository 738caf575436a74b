// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dbt-scim/terraform-provider-dbt/internal/validators"
)

func TestSCIMFilter(t *testing.T) {
	cases := []struct {
		in   types.String
		want []string // substrings of the error detail; nil means valid
	}{
		{types.StringNull(), nil},
		{types.StringUnknown(), nil},
		{types.StringValue(`userName eq "jane@example.com"`), nil},
		{types.StringValue(`name.familyName sw "A" or (active eq false and externalId pr)`), nil},
		{types.StringValue(`emails[type eq "work" and value co "@example.com"]`), nil},
		{types.StringValue(`userName eq "a" and`), []string{"column 16", "should end here", "    userName eq \"a\" and\n                   ^"}},
		{types.StringValue(`userName eq "a" userName`), []string{"column 16"}},
		{types.StringValue("active eq true\nand userName eq"), []string{"column 15", "not line breaks"}},
		{types.StringValue(`userName eq`), []string{"column 12", `"eq" needs a value`, "    userName eq\n               ^"}},
		{types.StringValue(`displayName sw`), []string{"column 15", `"sw" needs a value`}},
		{types.StringValue(`displayName sw and active eq true`), []string{"column 16", `"sw" needs a value`}},
		{types.StringValue("active eq true and\nuserName co"), []string{"line 2, column 12", `"co" needs a value`}},
		{types.StringValue(`displayName = "a"`), []string{"column 13", `SCIM writes "=" as a word: use eq`}},
		{types.StringValue(""), []string{"empty", "unset"}},
		{types.StringValue("  "), []string{"empty"}},
	}
	for _, c := range cases {
		t.Run(c.in.String(), func(t *testing.T) {
			resp := &validator.StringResponse{}
			validators.SCIMFilter().ValidateString(context.Background(), validator.StringRequest{
				Path: path.Root("filter"), ConfigValue: c.in,
			}, resp)
			if c.want == nil {
				if resp.Diagnostics.HasError() {
					t.Fatalf("want valid, got %v", resp.Diagnostics)
				}
				return
			}
			if resp.Diagnostics.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", resp.Diagnostics)
			}
			d := resp.Diagnostics.Errors()[0]
			if d.Summary() != "Invalid SCIM filter" {
				t.Errorf("summary %q", d.Summary())
			}
			for _, w := range c.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail does not contain %q:\n%s", w, d.Detail())
				}
			}
		})
	}
}
