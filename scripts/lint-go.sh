#!/usr/bin/env bash
# Checks every generated Go module: `gofmt -l` must print nothing, and `go vet ./...`,
# `go build ./...` and `go test ./...` (each package's own conformance tests) must pass, offline (GOPROXY=off: the modules use the standard library only,
# and the testee reaches the plugin modules through `replace` directives).
#
# Usage: scripts/lint-go.sh OUTPUT_ROOT
#   OUTPUT_ROOT  the generated tree (holding go/<name>/ and go/testee/)
# Exits non-zero on any finding.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTPUT_ROOT" >&2
  exit 2
fi
root="$1"
if ! command -v go >/dev/null 2>&1 || ! command -v gofmt >/dev/null 2>&1; then
  echo "error: go and gofmt must be on PATH" >&2
  exit 2
fi
if [[ ! -d "$root/go" ]]; then
  echo "error: $root/go does not exist" >&2
  exit 2
fi

export GOPROXY=off GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly

status=0
count=0
for mod in "$root"/go/*/go.mod; do
  [[ -e "$mod" ]] || continue
  dir="$(dirname "$mod")"
  count=$((count + 1))
  unformatted="$(gofmt -l "$dir")"
  if [[ -n "$unformatted" ]]; then
    echo "FAILED  $dir: not gofmt-formatted:" >&2
    echo "$unformatted" >&2
    gofmt -d "$dir" >&2 || true
    status=1
    continue
  fi
  # `go test` runs the package's own tests (vectors_test.go: its conformance vectors).
  if (cd "$dir" && go vet ./... && go build -buildvcs=false -o /dev/null ./... && go test -buildvcs=false ./...); then
    echo "ok      $dir"
  else
    echo "FAILED  $dir" >&2
    status=1
  fi
done
if [[ $count -eq 0 ]]; then
  echo "error: no Go modules under $root/go" >&2
  exit 2
fi
exit $status
