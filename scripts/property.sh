#!/usr/bin/env bash
# Runs the property test (tests/property) on longer batches of random specs, on demand.
#
#   bash scripts/property.sh FIRST LAST [CHUNK]     # e.g. 1000 1499 50
#
# Seeds FIRST..LAST are run in chunks of CHUNK (default 50) specs, one batch project per chunk,
# each through generate, the four linters with every package's tests, and conformance. Stops
# at the first failing chunk, which reports the seed and the smallest spec that fails. Needs
# what the test command installs (.venv, tools/node_modules) and a built target/debug/flyteplug.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
first=${1:?usage: property.sh FIRST LAST [CHUNK]}
last=${2:?usage: property.sh FIRST LAST [CHUNK]}
chunk=${3:-50}
export PATH="$root/.venv/bin:$PATH"
export TSC="$root/tools/node_modules/.bin/tsc" FLYTEPLUG_TSC="$root/tools/node_modules/.bin/tsc"
export FLYTEPLUG_PYTHON="$root/.venv/bin/python" FLYTEPLUG_BIN="$root/target/debug/flyteplug"
# Each chunk is a new generated tree, and lint-rust.sh gives each tree its own build folder
# under target/generated-rust (about 3.6 GB for 50 specs) that no later chunk reuses: the
# folders a chunk created are removed when it ends, so a long batch does not fill the disk.
builds="$root/target/generated-rust"
mkdir -p "$builds"
remove_new_builds() {
  comm -13 <(printf '%s\n' "${before[@]}") <(ls -1 "$builds") |
    while read -r key; do rm -rf "${builds:?}/$key"; done
}
start=$(date +%s)
for ((a = first; a <= last; a += chunk)); do
  b=$((a + chunk - 1 < last ? a + chunk - 1 : last))
  n=$((b - a + 1))
  echo "== seeds $a-$b" >&2
  mapfile -t before < <(ls -1 "$builds")
  trap remove_new_builds EXIT
  # A spec may be refused with a clear error; most of each chunk must still be accepted.
  FLYTEPLUG_PROPERTY_SEEDS="$a-$b" FLYTEPLUG_PROPERTY_MIN=$((n * 3 / 4)) \
    .venv/bin/pytest tests/property -q -p no:cacheprovider
  remove_new_builds
done
echo "property: seeds $first-$last passed in $(($(date +%s) - start)) s" >&2
