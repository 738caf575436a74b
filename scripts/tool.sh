#!/usr/bin/env bash
# Installs one pinned tool into the git-ignored .tools/ folder, once, and
# prints its path. Everything comes from the Go module proxy, the only
# source of binaries these machines (and CI) can reach.
#   scripts/tool.sh terraform|terraform-latest|tofu|tfplugindocs|golangci-lint
set -euo pipefail

TERRAFORM_VERSION=1.5.7
TERRAFORM_LATEST_VERSION=1.15.0
TOFU_VERSION=1.12.6
TFPLUGINDOCS_VERSION=v0.25.0
GOLANGCI_LINT_VERSION=v2.15.0

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools"

install() { # name version dir module
	local name=$1 version=$2 dir=$3 module=$4
	if [ ! -x "$dir/$name" ]; then
		echo "installing $name $version into ${dir#$root/} (one time, a few minutes)" >&2
		(cd "$tools" && GOBIN="$dir" GOFLAGS=-mod=mod go install "$module@$version") >&2
	fi
	echo "$dir/$name"
}

case "${1:-}" in
terraform)
	install terraform "v$TERRAFORM_VERSION" "$tools/terraform-$TERRAFORM_VERSION" github.com/hashicorp/terraform
	;;
terraform-latest)
	dir="$tools/terraform-$TERRAFORM_LATEST_VERSION"
	if [ ! -x "$dir/terraform" ]; then
		echo "building Terraform $TERRAFORM_LATEST_VERSION into ${dir#$root/} (one time, about 3 minutes)" >&2
		# Terraform 1.9 and later are not `go install`-able: nine remote-state
		# backends are separate modules, wired in by replace lines to folders
		# the module zip does not carry. The copy below drops those backends
		# (none is used here: tests keep state locally) and builds the rest.
		src="$tools/terraform-build"
		rm -rf "$src" && mkdir -p "$dir"
		moddir=$(cd "$(mktemp -d)" && GOFLAGS= go mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_LATEST_VERSION" |
			sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		[ -d "$moddir" ] || { echo "could not download Terraform $TERRAFORM_LATEST_VERSION" >&2; exit 1; }
		cp -r "$moddir" "$src" && chmod -R u+w "$src"
		backends='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
		sed -i -E "\#internal/backend/remote-state/($backends)[ /]#d; \#internal/backend/remote-state/($backends)\$#d" "$src/go.mod"
		sed -i -E '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' "$src/internal/backend/init/init.go"
		(cd "$src" && GOFLAGS=-mod=mod go build -trimpath \
			-ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$dir/terraform" .) >&2
		rm -rf "$src"
	fi
	echo "$dir/terraform"
	;;
tofu)
	dir="$tools/tofu-$TOFU_VERSION"
	if [ ! -x "$dir/tofu" ]; then
		echo "building OpenTofu $TOFU_VERSION into ${dir#$root/} (one time, about 4 minutes)" >&2
		src="$tools/tofu-build"
		rm -rf "$src" && mkdir -p "$src" "$dir"
		# OpenTofu is not `go install`-able (its go.mod has a replace line), so
		# a wrapper module requires it and repeats that replace.
		cat >"$src/go.mod" <<MOD
module tofubuild

go 1.25

require github.com/opentofu/opentofu v$TOFU_VERSION

replace github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828
MOD
		cat >"$src/tools.go" <<'GO'
//go:build tools

package tofubuild

import _ "github.com/opentofu/opentofu/cmd/tofu"
GO
		(cd "$src" && GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
		 cd "$src" && GOFLAGS=-mod=mod go build -trimpath -o "$dir/tofu" github.com/opentofu/opentofu/cmd/tofu) >&2
		rm -rf "$src"
	fi
	echo "$dir/tofu"
	;;
tfplugindocs)
	install tfplugindocs "$TFPLUGINDOCS_VERSION" "$tools/tfplugindocs-$TFPLUGINDOCS_VERSION" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs
	;;
golangci-lint)
	install golangci-lint "$GOLANGCI_LINT_VERSION" "$tools/golangci-lint-$GOLANGCI_LINT_VERSION" github.com/golangci/golangci-lint/v2/cmd/golangci-lint
	;;
*)
	echo "usage: $0 terraform|terraform-latest|tofu|tfplugindocs|golangci-lint" >&2
	exit 2
	;;
esac
