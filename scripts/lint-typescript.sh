#!/usr/bin/env bash
# Type-checks every generated TypeScript package and the TypeScript testee with `tsc --noEmit`
# (each with its own tsconfig.json: strict, exactOptionalPropertyTypes, noUnused*, ...), then
# compiles and runs each package's own tests (`tsconfig.test.json`, `node --test`) in a copy.
#
# Usage: scripts/lint-typescript.sh OUTPUT_ROOT
#   OUTPUT_ROOT  the generated tree (holding typescript/<name>/ and typescript/testee/)
#   $TSC         the compiler (default: tools/node_modules/.bin/tsc of this repository)
# Exits non-zero if any package fails to type-check.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTPUT_ROOT" >&2
  exit 2
fi
root="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tsc="${TSC:-$here/../tools/node_modules/.bin/tsc}"
if [[ ! -x "$tsc" ]] && ! command -v "$tsc" >/dev/null 2>&1; then
  echo "error: tsc not found at $tsc; run \`npm ci\` in $here/../tools or set TSC" >&2
  exit 2
fi
if [[ ! -d "$root/typescript" ]]; then
  echo "error: $root/typescript does not exist" >&2
  exit 2
fi

status=0
count=0
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for config in "$root"/typescript/*/tsconfig.json; do
  [[ -e "$config" ]] || continue
  dir="$(dirname "$config")"
  count=$((count + 1))
  if ! "$tsc" -p "$dir" --noEmit --pretty false; then
    echo "FAILED  $dir" >&2
    status=1
    continue
  fi
  # A package's own tests (`npm test`: its conformance vectors), built in a scratch copy so
  # that nothing is written into the generated tree.
  if [[ -f "$dir/tsconfig.test.json" ]]; then
    copy="$scratch/$(basename "$dir")"
    cp -R "$dir" "$copy"
    if ! ("$tsc" -p "$copy/tsconfig.test.json" --pretty false &&
      node --test --test-reporter=dot "$copy/dist-test/test/vectors.test.js" >/dev/null); then
      echo "FAILED  $dir (tests)" >&2
      status=1
      continue
    fi
  fi
  echo "ok      $dir"
done
if [[ $count -eq 0 ]]; then
  echo "error: no TypeScript packages under $root/typescript" >&2
  exit 2
fi
exit $status
