#!/usr/bin/env bash
# Builds the other providers the guides use, at the versions the guides state,
# into a filesystem mirror for scripts/check-examples.sh (PROVIDER_MIRROR).
# Maintainers only: it needs each provider's source as a git directory
# (SRC_<NAME>, for example a clone), and azuread builds only from its vendor/.
# Nothing it builds goes into this repository or CI.
#   SRC_OKTA=... SRC_AZUREAD=... SRC_TIME=... scripts/build-guide-providers.sh <mirror dir>
set -euo pipefail
mirror=${1:?usage: build-guide-providers.sh <mirror dir>}
mirror=$(mkdir -p "$mirror" && cd "$mirror" && pwd)
build() { # git-dir tag namespace name [go build flags]
	local git=$1 tag=$2 ns=$3 name=$4
	shift 4
	local v=${tag#v} src
	local out=$mirror/registry.terraform.io/$ns/$name/$v/linux_amd64
	if [ -x "$out/terraform-provider-${name}_v$v" ]; then
		echo "have $ns/$name $v"
		return
	fi
	src=$(mktemp -d)
	git --git-dir="$git" archive "$tag" | tar -x -C "$src"
	mkdir -p "$out"
	(cd "$src" && go build "$@" -o "$out/terraform-provider-${name}_v$v" .)
	rm -rf "$src"
	echo "built $ns/$name $v"
}
build "${SRC_OKTA:?}" v6.12.0 okta okta
build "${SRC_AZUREAD:?}" v3.9.0 hashicorp azuread -mod=vendor
build "${SRC_TIME:?}" v0.14.0 hashicorp time
