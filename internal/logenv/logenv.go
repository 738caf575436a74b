// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package logenv decides, from the environment, whether anyone asked for
// the provider's logs.
//
// terraform-plugin-log gives every logger it is not told otherwise the level
// TRACE, so each RPC builds, JSON-encodes and writes dozens of lines to
// Terraform, which drops them unless TF_LOG (or TF_LOG_PROVIDER) is set. That
// is over a third of the provider's CPU in a large plan (BENCHMARKS.md,
// finding 5). Terraform and OpenTofu pass their environment to the provider,
// so a user who sets any of TF_LOG, TF_LOG_PROVIDER, TF_LOG_PROVIDER_* or
// TF_LOG_SDK* is seen here and still gets every line.
package logenv

import "strings"

// Loggers are the variables that set the level of each logger inside the
// provider process.
var Loggers = []string{
	"TF_LOG_PROVIDER",      // our own tflog lines, and the transport's subsystem
	"TF_LOG_SDK",           // terraform-plugin-go
	"TF_LOG_SDK_PROTO",     // terraform-plugin-go, per RPC
	"TF_LOG_SDK_FRAMEWORK", // terraform-plugin-framework
}

// Asked reports whether environ (as os.Environ gives it) asks for the
// provider's logs. TF_LOG_PATH alone does not (Terraform logs nothing
// without a level), nor does TF_LOG_CORE (Terraform's own lines only).
func Asked(environ []string) bool {
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if v == "" {
			continue
		}
		if k == "TF_LOG" || k == "TF_LOG_PROVIDER" ||
			strings.HasPrefix(k, "TF_LOG_PROVIDER_") || strings.HasPrefix(k, "TF_LOG_SDK") {
			return true
		}
	}
	return false
}
