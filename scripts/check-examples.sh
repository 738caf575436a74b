#!/usr/bin/env bash
# Every example formats, and every example that uses only this provider
# validates against the provider just built: with Terraform, and with
# OpenTofu when TOFU is set. An example whose terraform block requires
# ">= 1.7" or later is validated with the newest Terraform (TERRAFORM_LATEST) and
# OpenTofu only, since Terraform 1.5.7 refuses it.
# Query files (.tfquery.hcl, for `terraform query`) format and validate with
# the newest Terraform, TERRAFORM_LATEST, when it is set.
# Examples that use other providers (the Okta and Entra ID guides) validate too
# when PROVIDER_MIRROR names a filesystem mirror holding those providers, built
# from their source at the versions each guide states (scripts/build-guide-providers.sh).
# CI has no such mirror and skips them, saying so.
#   TERRAFORM=... [TOFU=...] [TERRAFORM_LATEST=...] [PROVIDER_MIRROR=dir] scripts/check-examples.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
terraform=${TERRAFORM:?set TERRAFORM to a Terraform binary}
tofu=${TOFU:-}
latest=${TERRAFORM_LATEST:-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bin/terraform-provider-dbt" .
cat >"$work/tfrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/dbt-scim/dbt"  = "$work/bin"
    "registry.terraform.io/hashicorp/dbt" = "$work/bin"
    "registry.opentofu.org/dbt-scim/dbt"  = "$work/bin"
    "registry.opentofu.org/hashicorp/dbt" = "$work/bin"
  }
  direct {}
}
RC
if [ -n "${PROVIDER_MIRROR:-}" ]; then
	# One mirror with the other providers and this one (as 0.0.1), and a CLI
	# configuration that installs from it alone, for `init` of those examples.
	cp -rs "$(cd "$PROVIDER_MIRROR" && pwd)/." "$work/mirror"
	for ns in dbt-scim hashicorp; do
		d="$work/mirror/registry.terraform.io/$ns/dbt/0.0.1/linux_amd64" && mkdir -p "$d"
		cp "$work/bin/terraform-provider-dbt" "$d/terraform-provider-dbt_v0.0.1"
	done
	printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$work/mirror" >"$work/tfrc-ext"
fi
export TF_CLI_CONFIG_FILE="$work/tfrc" CHECKPOINT_DISABLE=1

"$terraform" fmt -check -recursive -diff examples

failed=0 checked=0
while IFS= read -r dir; do
	# Examples using other providers need them installed from PROVIDER_MIRROR.
	external=
	if grep -hoE '^(resource|data) "[a-z0-9_]+"' "$dir"/*.tf | grep -vqE '"(dbt_|terraform_data)'; then
		if [ -z "${PROVIDER_MIRROR:-}" ]; then
			echo "skip $dir (uses other providers; set PROVIDER_MIRROR to validate it)"
			continue
		fi
		external=1
	fi
	if grep -qE 'required_version *= *">= *1\.([7-9]|[1-9][0-9])' "$dir"/*.tf; then
		clis=(${latest:+"$latest"} ${tofu:+"$tofu"})
	else
		clis=("$terraform" ${tofu:+"$tofu"})
	fi
	for cli in "${clis[@]}"; do
		checked=$((checked + 1))
		if [ -n "$external" ]; then
			# Init into a scratch copy: dev_overrides serve dbt, the mirror the rest.
			scratch="$work/ext/$dir" && mkdir -p "$scratch" && cp "$dir"/*.tf "$scratch/"
			if ! out=$(cd "$scratch" && export TF_CLI_CONFIG_FILE="$work/tfrc-ext" && "$cli" init -backend=false -no-color 2>&1 && "$cli" validate -no-color 2>&1); then
				echo "FAIL $(basename "$cli") init+validate $dir"
				echo "$out"
				failed=$((failed + 1))
			else
				echo "ok $dir: $(cd "$scratch" && TF_CLI_CONFIG_FILE="$work/tfrc-ext" "$cli" version -no-color | grep -E '^\+ provider' | grep -v dbt | tr '\n' ' ')"
			fi
			continue
		fi
		if ! out=$(cd "$dir" && "$cli" validate -no-color 2>&1); then
			echo "FAIL $(basename "$cli") validate $dir"
			echo "$out"
			failed=$((failed + 1))
		fi
	done
done < <(find examples -name '*.tf' -exec dirname {} \; | sort -u)
# Query files: each beside a provider block, with the newest Terraform.
if [ -n "$latest" ]; then
	while IFS= read -r dir; do
		checked=$((checked + 1))
		q="$work/query/$dir" && mkdir -p "$q"
		cp "$dir"/*.tfquery.hcl "$q/"
		printf 'terraform {\n  required_providers {\n    dbt = { source = "dbt-scim/dbt" }\n  }\n}\n\nprovider "dbt" {}\n' >"$q/main.tf"
		if ! out=$("$latest" fmt -check -diff "$dir" 2>&1 && cd "$q" && "$latest" validate -query -no-color 2>&1); then
			echo "FAIL terraform validate -query $dir"
			echo "$out"
			failed=$((failed + 1))
		fi
	done < <(find examples -name '*.tfquery.hcl' -exec dirname {} \; | sort -u)
fi
echo "examples: $checked validations, $failed failed"
[ "$failed" -eq 0 ]
