// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Command terraform-provider-dbt serves the dbt SCIM provider to Terraform and OpenTofu.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/dbt-scim/terraform-provider-dbt/internal/logenv"
	"github.com/dbt-scim/terraform-provider-dbt/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// Nobody asked for logs: build none, rather than trace lines that
	// Terraform drops (see internal/logenv).
	if !debug && !logenv.Asked(os.Environ()) {
		for _, k := range logenv.Loggers {
			if err := os.Setenv(k, "OFF"); err != nil {
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
