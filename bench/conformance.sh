#!/usr/bin/env bash
# Times `flyteplug conformance` per target, cold and warm, and reports the time per 1,000 cases.
#
#   bench/conformance.sh [--config flyteplug.toml] [--runs N] [--target T]...
#
# Cold: a fresh testee cache (FLYTEPLUG_CACHE_DIR and GOCACHE in a new temporary folder), so
# each target builds its testee from scratch (go build with the standard library, tsc, cargo
# build of the generated crates and their dependencies). Warm: the
# same cache again, so builds are up to date. Each warm measurement is the median of --runs runs
# (default 3). The numbers come from the table `flyteplug conformance` prints (build, start-up,
# run, per 1,000 cases): start-up is the testee's time to its first answer, and "per 1,000
# cases" is the run time without start-up, scaled. Needs what the test command installs
# (.venv with Python, tools/node_modules/.bin/tsc, go, cargo) and a generated tree that is
# current (`flyteplug generate`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

config=flyteplug.toml
runs=3
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --target) targets+=(--target "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "conformance.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

export PATH="$root/.venv/bin:$PATH"
export FLYTEPLUG_PYTHON="${FLYTEPLUG_PYTHON:-$root/.venv/bin/python}"
export FLYTEPLUG_TSC="${FLYTEPLUG_TSC:-$root/tools/node_modules/.bin/tsc}"
cargo build --quiet --release --bin flyteplug
bin="$root/target/release/flyteplug"

cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export FLYTEPLUG_CACHE_DIR="$cache"
# Go keeps compiled packages in its own build cache: a fresh one makes the cold run cold.
export GOCACHE="$cache/go-build"

run() {
  "$bin" --config "$config" conformance "${targets[@]+"${targets[@]}"}" >"$1"
}

echo "cold run (empty testee cache)..." >&2
run "$cache/cold.txt"
for i in $(seq "$runs"); do
  echo "warm run $i/$runs..." >&2
  run "$cache/warm-$i.txt"
done

python3 - "$cache" "$runs" <<'PY'
import statistics
import sys
from pathlib import Path

cache, runs = Path(sys.argv[1]), int(sys.argv[2])
TARGETS = ("python", "go", "typescript", "rust")

def table(path: Path) -> dict[str, list[str]]:
    # Rows: target passed failed build startup run per-1000.
    return {
        cols[0]: cols
        for cols in (line.split() for line in path.read_text().splitlines())
        if cols and cols[0] in TARGETS
    }

cases = next(
    (l for l in (cache / "cold.txt").read_text().splitlines() if "cases per target" in l), ""
)

def seconds(text: str) -> float:
    return float(text.rstrip("s"))

cold = table(cache / "cold.txt")
warm = [table(cache / f"warm-{i}.txt") for i in range(1, runs + 1)]
print(f"`flyteplug {cases.strip()}`")
print()
print("| target | cold build | warm build | start-up | time per 1,000 cases |")
print("|---|---|---|---|---|")
for target, cols in cold.items():
    med = lambda k: statistics.median(seconds(w[target][k]) for w in warm)
    print(
        f"| {target} | {seconds(cols[3]):.2f} s | {med(3):.2f} s | {med(4):.2f} s | {med(6):.2f} s |"
    )
PY
