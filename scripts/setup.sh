#!/usr/bin/env bash
# Installs everything the tests need on a Debian machine (the README's install command):
# redis-server, memcached, openssl and nginx with lua-nginx-module from apt, FerretDB v1.24.2 built with Go, pnpm, the
# dependencies, and the build. It starts no server: the test run starts its own.
#
# Long steps run quietly; their log is printed only when they fail.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive

FERRETDB_VERSION=v1.24.2
PNPM_VERSION=10.34.8

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ci-run.XXXXXX")"
FERRETDB_BUILD_DIR=""
cleanup() {
  rm -rf "$LOG_DIR"
  if [[ -n "$FERRETDB_BUILD_DIR" ]]; then
    chmod -R u+w "$FERRETDB_BUILD_DIR" 2>/dev/null || true
    rm -rf "$FERRETDB_BUILD_DIR"
  fi
}
trap cleanup EXIT

# step <title> <command...>: run quietly, show the log if it fails.
# The command runs as a background job and is collected with `wait`: inside an
# `if` condition bash would ignore `set -e` for the whole command, which would
# let a shell function (build_ferretdb) carry on past a failed line.
step() {
  local title="$1"
  shift
  local log="$LOG_DIR/step-$((++STEP_NO)).log"
  echo "==> $title"
  "$@" >"$log" 2>&1 &
  if ! wait "$!"; then
    echo "!!! $title failed; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
}
STEP_NO=0

# Root on CI images; sudo elsewhere.
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then SUDO=(sudo); fi

# ------------------------------------------------------------------ system packages
step "apt-get update" "${SUDO[@]}" apt-get update
step "apt-get install redis-server memcached openssl" \
  "${SUDO[@]}" apt-get install -y redis-server memcached openssl
# nginx with lua-nginx-module: the fidelity suite (test/fidelity) runs the same scenarios on it.
step "apt-get install nginx-light libnginx-mod-http-lua lua-resty-core" \
  "${SUDO[@]}" apt-get install -y nginx-light libnginx-mod-http-lua lua-resty-core
# A fresh machine may lack the toolchains themselves; install them only then.
if ! command -v go >/dev/null; then
  step "apt-get install golang-go" "${SUDO[@]}" apt-get install -y golang-go ca-certificates
fi
if ! command -v node >/dev/null; then
  step "apt-get install nodejs npm" "${SUDO[@]}" apt-get install -y nodejs npm
fi
# The distro services are not used (the tests start their own servers on free
# ports, nginx included); nothing here relies on, or stops, a redis already on 6379.

# --------------------------------------------------------------------- FerretDB
GOBIN_DIR="$(go env GOPATH)/bin"
export PATH="$GOBIN_DIR:$PATH"

ferretdb_ok() {
  local out
  # Captured first: `| grep -q` would close the pipe early, and the SIGPIPE
  # exit of ferretdb would fail the pipeline under pipefail.
  out="$("$GOBIN_DIR/ferretdb" --version 2>/dev/null)" || return 1
  grep -qx "version: $FERRETDB_VERSION" <<<"$out"
}

# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` does not work:
#  - the module proxy answers 403 to the @v/list lookup it makes, and
#  - a binary built from the module cache panics at start: FerretDB embeds
#    build/version/version.txt, which only its own build tooling generates.
# So: a throwaway module fetches the exact version (no @v/list lookup), then we
# build from a writable copy of the module source with version.txt filled in.
build_ferretdb() {
  local work="$FERRETDB_BUILD_DIR"
  printf 'module ferretdb-build\n\ngo 1.22\n\nrequire github.com/FerretDB/FerretDB %s\n' "$FERRETDB_VERSION" >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/FerretDB/FerretDB/cmd/ferretdb"\n' >"$work/tools.go"
  (cd "$work" && GOFLAGS=-mod=mod go mod tidy)
  local src
  src="$(cd "$work" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)"
  cp -R "$src" "$work/src"
  chmod -R u+w "$work/src"
  echo "$FERRETDB_VERSION" >"$work/src/build/version/version.txt"
  mkdir -p "$GOBIN_DIR"
  # CGO off: FerretDB's SQLite driver is pure Go, and no C compiler is needed.
  (cd "$work/src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$GOBIN_DIR/ferretdb" ./cmd/ferretdb)
  ferretdb_ok
}

if ferretdb_ok; then
  echo "==> FerretDB $FERRETDB_VERSION already at $GOBIN_DIR/ferretdb"
else
  # Made here, not in build_ferretdb (a background job), so cleanup() sees it.
  FERRETDB_BUILD_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-build.XXXXXX")"
  step "build FerretDB $FERRETDB_VERSION with $(go version | cut -d' ' -f3)" build_ferretdb
fi

# ------------------------------------------------------------------ pnpm + build
if [[ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  step "npm install -g pnpm@$PNPM_VERSION" "${SUDO[@]}" npm install -g "pnpm@$PNPM_VERSION"
fi
step "pnpm install --frozen-lockfile" pnpm install --frozen-lockfile
step "pnpm build" pnpm build

echo "==> redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'), $(memcached -V), ferretdb $FERRETDB_VERSION"
echo "==> ready: run pnpm test"
