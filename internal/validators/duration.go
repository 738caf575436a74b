// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package validators holds the provider's own attribute validators, for
// checks the framework-validators module does not offer.
package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = positiveDuration{}

type positiveDuration struct{}

// PositiveDuration accepts a Go duration string, such as "2160h", that is
// greater than zero. Unknown and null values pass; they are checked once known.
func PositiveDuration() validator.String { return positiveDuration{} }

func (positiveDuration) Description(_ context.Context) string {
	return "value must be a positive duration such as \"720h\" or \"90m\""
}

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v positiveDuration) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a duration. Use hours, minutes or seconds, such as \"2160h\" for 90 days "+
				"(days are not a unit here).", s))
	case d <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q must be greater than zero.", s))
	}
}
