// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPositiveDuration(t *testing.T) {
	cases := []struct {
		in      types.String
		wantErr bool
	}{
		{types.StringValue("2160h"), false},
		{types.StringValue("90m"), false},
		{types.StringValue("1s"), false},
		{types.StringNull(), false},
		{types.StringUnknown(), false},
		{types.StringValue("0s"), true},
		{types.StringValue("-5h"), true},
		{types.StringValue("90d"), true},
		{types.StringValue(""), true},
		{types.StringValue("soon"), true},
	}
	for _, c := range cases {
		req := validator.StringRequest{Path: path.Root("rotation_period"), ConfigValue: c.in}
		resp := &validator.StringResponse{}
		PositiveDuration().ValidateString(context.Background(), req, resp)
		if got := resp.Diagnostics.HasError(); got != c.wantErr {
			t.Errorf("%s: error = %v, want %v (%v)", c.in, got, c.wantErr, resp.Diagnostics)
		}
	}
}
