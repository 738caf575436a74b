// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

//go:build race

package emulator_test

// raceEnabled relaxes timing assertions: the race detector slows the
// emulator several-fold.
const raceEnabled = true
