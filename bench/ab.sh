#!/usr/bin/env bash
# Compares flyteplug binaries (say, before and after a change) and protoc on one spec, one cold
# run of each in turn for every round, so that a machine whose speed drifts from minute to
# minute slows every command alike. Prints the median wall time (nanosecond clock) and CPU
# time (GNU time: user + system, 10 ms resolution) of each.
#
# Usage: bench/ab.sh [--rounds N] [--spec examples|MESSAGES] BINARY...
#   bench/ab.sh --spec 1000 /tmp/flyteplug-before target/release/flyteplug
#
# The spec is the repository's example specs (default) or a synthetic spec of MESSAGES
# messages written by bench/synth.py, in a temporary folder removed at the end. Every run is
# cold: the output folders are deleted before each run, untimed. Needs protoc (Debian
# protobuf-compiler), GNU time and python3; bench/generate.sh installs them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
rounds=10
spec=examples
bins=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --spec) spec=${2:?--spec needs examples or a message count}; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "ab.sh: unknown option \`$1\` (see --help)" >&2; exit 2 ;;
    *) bins+=("$(realpath "$1")"); shift ;;
    esac
done
if [[ ${#bins[@]} -eq 0 ]]; then
    echo "ab.sh: name at least one flyteplug binary (see --help)" >&2
    exit 2
fi
if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
    echo "ab.sh: --rounds must be a positive integer" >&2
    exit 2
fi
for tool in protoc /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "ab.sh: \`$tool\` is missing" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ $spec == examples ]]; then
    mkdir -p "$work/spec"
    cp -r "$repo/flyteplug.toml" "$repo/idl" "$work/spec/"
elif [[ $spec =~ ^[1-9][0-9]*$ ]]; then
    python3 "$here/synth.py" --messages "$spec" "$work/spec" >/dev/null
else
    echo "ab.sh: --spec must be \`examples\` or a message count" >&2
    exit 2
fi
cd "$work/spec"
mkdir -p "$work/trash"
mapfile -t protos < <(find idl -name '*.proto' | sort)

# One cold run: the command's output folders are moved aside first (into $work/trash, deleted
# at exit: deleting them here would slow the next run's file creations on ext4 without a
# journal, see bench/README.md); appends "label wall cpu".
run() {
    local label=$1
    shift
    local aside
    aside=$(mktemp -d "$work/trash/run.XXXXXX")
    [[ ! -e generated ]] || mv generated "$aside/"
    [[ ! -e "$work/protoc-out" ]] || mv "$work/protoc-out" "$aside/"
    mkdir -p "$work/protoc-out"
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$work/cpu" "$@" >/dev/null
    end=$(date +%s%N)
    read -r user sys <"$work/cpu"
    echo "$label $(((end - start) / 1000)) $user $sys" >>"$work/times"
}

for _ in $(seq "$rounds"); do
    for i in "${!bins[@]}"; do
        run "bin$i" "${bins[$i]}" --quiet generate
    done
    run protoc protoc -I idl --python_out="$work/protoc-out" --pyi_out="$work/protoc-out" "${protos[@]}"
done

python3 - "$work/times" "$spec" "$rounds" "${bins[@]}" <<'PY'
import statistics, sys
times, spec, rounds, bins = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rows = [line.split() for line in open(times)]
print(f"spec: {spec}; {rounds} interleaved rounds of cold runs")
print("| command | median wall | min wall | median CPU |")
print("| --- | ---: | ---: | ---: |")
labels = [(f"bin{i}", b) for i, b in enumerate(bins)] + [("protoc", "protoc python")]
for label, name in labels:
    wall = [int(r[1]) / 1000 for r in rows if r[0] == label]
    cpu = [(float(r[2]) + float(r[3])) * 1000 for r in rows if r[0] == label]
    print(f"| {name} | {statistics.median(wall):.1f} ms | {min(wall):.1f} ms | {statistics.median(cpu):.0f} ms |")
PY
