#!/usr/bin/env bash
# make demo: apply examples/quickstart with the freshly built provider against
# a local dbt emulator, show the outputs (the token stays masked), then show
# that a second plan has nothing to do. Run through `make demo`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
terraform=${TERRAFORM:-$(scripts/tool.sh terraform)}
work="$root/.demo"
rm -rf "$work" && mkdir -p "$work"

go build -o "$work/dbt-emulator" ./internal/emulator/cmd/dbt-emulator
admin_token="demo-admin-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
: >"$work/emulator.log"
"$work/dbt-emulator" -listen 127.0.0.1:0 -account-id 1 -admin-token "$admin_token" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true; wait $emulator_pid 2>/dev/null || true' EXIT

url=""
for _ in $(seq 1 100); do
	url=$(sed -n 's/^dbt emulator listening on \(http[^ ]*\).*/\1/p' "$work/emulator.log" | head -n 1 || true)
	[ -n "$url" ] && break
	kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log"; exit 1; }
	sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; }
echo "==> dbt emulator at $url"

# Terraform refuses `init` under dev_overrides, so init installs the
# provider just built from a local mirror, exactly as a user's init installs
# it from the registry; apply and plan then run under dev_overrides, which
# picks up a rebuilt binary without another init.
platform="$(go env GOOS)_$(go env GOARCH)"
mirror="$work/mirror/registry.terraform.io/dbt-scim/dbt/0.0.1/$platform"
mkdir -p "$mirror" && cp bin/terraform-provider-dbt "$mirror/terraform-provider-dbt_v0.0.1"
cat >"$work/init.tfrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["dbt-scim/dbt"]
  }
}
RC
cat >"$work/dev.tfrc" <<RC
provider_installation {
  dev_overrides {
    "dbt-scim/dbt" = "$root/bin"
  }
}
RC
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export DBT_CLOUD_HOST_URL="$url/api" DBT_CLOUD_ACCOUNT_ID=1 DBT_CLOUD_TOKEN="$admin_token"
cp examples/quickstart/*.tf "$work/"
cd "$work"

echo "==> terraform init"
TF_CLI_CONFIG_FILE="$work/init.tfrc" "$terraform" init -input=false -no-color
export TF_CLI_CONFIG_FILE="$work/dev.tfrc"
echo "==> terraform apply"
"$terraform" apply -input=false -auto-approve -no-color
echo "==> terraform output (the token stays masked)"
"$terraform" output -no-color
echo "==> second terraform plan: expecting no changes"
set +e
"$terraform" plan -input=false -detailed-exitcode -no-color
code=$?
set -e
if [ "$code" -ne 0 ]; then
	echo "demo FAILED: the second plan is not empty (exit $code)"
	exit 1
fi
echo "==> demo OK: SCIM enabled, token minted, second plan empty"
