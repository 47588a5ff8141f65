#!/usr/bin/env bash
# Runs the real-Terraform tests against several CLIs, one after another:
#
#   scripts/test-matrix.sh terraform:1.5.7 terraform:path terraform:1.14.0 tofu:1.10.10
#
# terraform:path is the terraform on PATH; the others are built (once) by
# scripts/tfcli.sh. Each run points terraform-plugin-testing and the
# CLI-driven tests at the CLI through TF_ACC_TERRAFORM_PATH. A summary with
# each CLI's time and result ends the output; the exit status is non-zero
# when any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=${MATRIX_PACKAGES:-./internal/provider/ ./internal/tfrun/ ./internal/cmd/demo/}
# No version check against checkpoint-api.hashicorp.com: tests stay offline.
export CHECKPOINT_DISABLE=1
: "${TF_CLI_CONFIG_FILE:?set TF_CLI_CONFIG_FILE to an empty CLI configuration (make tf-config)}"

# Build every CLI first, so that a build failure shows before any test.
declare -a names paths
for spec in "$@"; do
  name=${spec%%:*} version=${spec#*:}
  if [ "$version" = path ]; then
    if ! path=$(command -v "$name"); then
      echo "test-matrix: no $name on PATH; skipping it" >&2
      continue
    fi
  else
    path=$(scripts/tfcli.sh "$name" "$version")
  fi
  # The first line of `version` ("Terraform v1.14.0", "OpenTofu v1.10.10"),
  # read whole: head would close the pipe early and, under pipefail, fail
  # the script with SIGPIPE.
  v=$("$path" version)
  names+=("${v%%$'\n'*}")
  paths+=("$path")
done

summary="" failed=0
for i in "${!paths[@]}"; do
  printf '\n==> %s (%s)\n' "${names[$i]}" "${paths[$i]}"
  start=$(date +%s)
  # OpenTofu resolves a source without a host to registry.opentofu.org,
  # where terraform-plugin-testing would otherwise serve the provider under
  # registry.terraform.io: tell it the host.
  host=registry.terraform.io
  case "${names[$i]}" in OpenTofu*) host=registry.opentofu.org ;; esac
  # shellcheck disable=SC2086
  if TF_ACC_TERRAFORM_PATH="${paths[$i]}" TF_ACC_PROVIDER_HOST=$host \
    go test -count=1 -timeout 30m $PACKAGES; then
    result=ok
  else
    result=FAILED failed=1
  fi
  summary+=$(printf '%-22s %5ss  %s' "${names[$i]}" "$(( $(date +%s) - start ))" "$result")$'\n'
done
printf '\n==> test matrix\n%s' "$summary"
exit $failed
