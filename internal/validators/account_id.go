// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.Number = positiveWholeNumber{}

type positiveWholeNumber struct{}

// PositiveWholeNumber accepts a whole number of at least 1 that fits in 64
// bits, such as a dbt account ID. It is for Number attributes: an Int64
// attribute given 1.5 fails in the framework's conversion with a message
// that blames the provider.
func PositiveWholeNumber() validator.Number { return positiveWholeNumber{} }

func (positiveWholeNumber) Description(_ context.Context) string {
	return "value must be a whole number of at least 1"
}

func (v positiveWholeNumber) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v positiveWholeNumber) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	if n, acc := f.Int64(); !f.IsInt() || acc != 0 || n < 1 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number",
			fmt.Sprintf("%s must be a whole number of at least 1, such as the ID in your dbt account's URL; got %s.",
				req.Path, f.Text('g', -1)))
	}
}
