// Command terraform-provider-dbt serves the dbt SCIM provider to Terraform and OpenTofu.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/dbt-scim/terraform-provider-dbt/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		for _, kv := range quietLogs(os.Environ()) {
			k, v, _ := strings.Cut(kv, "=")
			if err := os.Setenv(k, v); err != nil {
				log.Fatal(err.Error())
			}
		}
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/dbt-scim/dbt",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietLogs returns the variables that turn the provider's logging off when
// nobody asked for logs, and nothing when somebody did.
//
// terraform-plugin-log gives every logger it is not told otherwise the level
// TRACE, so each RPC builds, JSON-encodes and writes dozens of lines to
// Terraform, which drops them unless TF_LOG (or TF_LOG_PROVIDER) is set. That
// is over a third of the provider's CPU in a large plan (BENCHMARKS.md,
// finding 5). Terraform and OpenTofu pass their environment to the provider,
// so a user who sets any of TF_LOG, TF_LOG_PROVIDER, TF_LOG_PROVIDER_* or
// TF_LOG_SDK* still gets every line: then this changes nothing.
func quietLogs(environ []string) []string {
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if v == "" {
			continue
		}
		if k == "TF_LOG" || k == "TF_LOG_PROVIDER" ||
			strings.HasPrefix(k, "TF_LOG_PROVIDER_") || strings.HasPrefix(k, "TF_LOG_SDK") {
			return nil
		}
	}
	return []string{
		"TF_LOG_PROVIDER=OFF",      // our own tflog lines, and the transport's subsystem
		"TF_LOG_SDK=OFF",           // terraform-plugin-go
		"TF_LOG_SDK_PROTO=OFF",     // terraform-plugin-go, per RPC
		"TF_LOG_SDK_FRAMEWORK=OFF", // terraform-plugin-framework
	}
}
