#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from its source on the Go module proxy
# into .cache/cli/<name>-<version>/ and prints the binary's path. A binary
# already there is reused, so each version is built once per checkout (and
# once per CI cache).
#
#   scripts/tfcli.sh terraform 1.14.0   # about 2-4 min on two cores
#   scripts/tfcli.sh tofu 1.10.10       # about 2-4 min
#   scripts/tfcli.sh terraform 1.5.7    # go install, about 3-6 min
#
# Progress goes to stderr; stdout is only the path, for
# TF_ACC_TERRAFORM_PATH="$(scripts/tfcli.sh terraform 1.14.0)".
set -euo pipefail

name=${1:?usage: tfcli.sh terraform|tofu VERSION}
version=${2:?usage: tfcli.sh terraform|tofu VERSION}
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${TFCLI_CACHE:-$root/.cache/cli}"
dir="$cache/$name-$version"
bin="$dir/$name"

log() { printf 'tfcli: %s\n' "$*" >&2; }

# A binary that reports a -dev suffix is treated as older than its release
# by every version check (tfversion.SkipBelow, terraform-exec), so the
# release flag is set at link time and checked here.
check() {
  local want="$1" got
  got=$("$bin" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
  if [ "$got" != "$want" ]; then
    log "$bin reports version '$got', want '$want'"
    return 1
  fi
}

if [ -x "$bin" ] && check "$version"; then
  echo "$bin"
  exit 0
fi

mkdir -p "$dir"
start=$(date +%s)

# The module zip lacks the nested modules of some packages and its go.mod
# carries replace directives, so the source is copied somewhere writable
# and built in place instead of with go install.
copy_module() {
  local module="$1" src
  src=$(go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { log "go mod download $module@v$version gave no directory"; exit 1; }
  rm -rf "$dir/src"
  cp -R "$src" "$dir/src"
  chmod -R u+w "$dir/src"
}

case "$name-$version" in
  terraform-1.5.*|terraform-1.[0-4].*)
    # Releases up to 1.5 have no replace directives, so go install works,
    # and their version package has no dev marker (Prerelease is "").
    log "building terraform $version with go install"
    GOBIN="$dir" go install "github.com/hashicorp/terraform@v$version" >&2
    ;;
  terraform-*)
    # The state backends for other clouds live in nested modules that the
    # module zip leaves out: drop them from go.mod and from the backend
    # table (the local, http, remote and cloud backends stay).
    log "building terraform $version from its module source"
    copy_module github.com/hashicorp/terraform
    others='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
    sed -E -i "/internal\/backend\/remote-state\/($others)( |$)/d" "$dir/src/go.mod"
    sed -E -i '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' \
      "$dir/src/internal/backend/init/init.go"
    (cd "$dir/src" && go build -mod=mod -trimpath \
      -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$bin" .) >&2
    ;;
  tofu-*)
    log "building tofu $version from its module source"
    copy_module github.com/opentofu/opentofu
    (cd "$dir/src" && go build -trimpath \
      -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin" ./cmd/tofu) >&2
    ;;
  *)
    log "unknown CLI '$name' (want terraform or tofu)"
    exit 2
    ;;
esac

rm -rf "$dir/src"
check "$version"
log "$name $version built in $(( $(date +%s) - start ))s: $bin"
echo "$bin"
