// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

//go:build !race

package emulator_test

const raceEnabled = false
