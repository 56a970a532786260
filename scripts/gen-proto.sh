#!/usr/bin/env bash
# gen-proto.sh installs the pinned protobuf tools into .bin/ of the repository, lints the
# API with buf and regenerates the Go code under gen/.
#
# Usage: scripts/gen-proto.sh [--install-only | --lint-only]
#   --install-only  install buf, protoc-gen-go and protoc-gen-go-grpc, then stop
#   --lint-only     install the tools and run buf lint, without generating
#
# A tool already in .bin/ at the pinned version is kept, so repeated runs are cheap.
set -euo pipefail

BUF_VERSION=v1.75.0
PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.0

mode=all
case "${1:-}" in
  "") ;;
  --install-only) mode=install ;;
  --lint-only) mode=lint ;;
  -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
  *) echo "gen-proto.sh: unknown argument $1 (want --install-only or --lint-only)" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.bin"
mkdir -p "$bin"

# install NAME PACKAGE VERSION WANT: go install PACKAGE@VERSION into .bin/ unless
# ".bin/NAME --version" already prints WANT.
install() {
  local name=$1 pkg=$2 version=$3 want=$4
  if [[ -x "$bin/$name" ]] && [[ "$("$bin/$name" --version 2>/dev/null)" == "$want" ]]; then
    return
  fi
  echo "gen-proto.sh: installing $pkg@$version" >&2
  (cd "$root" && GOBIN="$bin" go install "$pkg@$version")
}

install buf github.com/bufbuild/buf/cmd/buf "$BUF_VERSION" "${BUF_VERSION#v}"
install protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go \
  "$PROTOC_GEN_GO_VERSION" "protoc-gen-go $PROTOC_GEN_GO_VERSION"
install protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc \
  "$PROTOC_GEN_GO_GRPC_VERSION" "protoc-gen-go-grpc ${PROTOC_GEN_GO_GRPC_VERSION#v}"

[[ $mode == install ]] && exit 0

cd "$root"
"$bin/buf" lint
[[ $mode == lint ]] && exit 0
"$bin/buf" generate
