#!/usr/bin/env bash
# Times `flyteplug generate` (release build, the manifest's targets: all four) against
# `protoc --python_out --pyi_out` on the same .proto files, and prints a Markdown table.
#
# Specs: the example specs of this repository (flyteplug.toml + idl/, copied to a temporary
# folder so that the repository's generated/ is never touched) and synthetic specs written by
# bench/synth.py (1,000 messages by default; --sizes "100 1000 10000" for more).
#
# Every timed run is cold: the output folder is deleted before each run (flyteplug writes only
# files whose bytes change, so a warm run would measure a no-op write).
#
# Usage: bench/generate.sh [--runs N] [--sizes "100 1000 10000"] [--fields F] [--budget S]
#                          [--no-build] [--keep] [--out FILE]
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    cat <<'EOF'
Options:
  --runs N       timed runs per command (default 10; hyperfine adds 1 warm-up run)
  --sizes LIST   synthetic spec sizes in messages, space- or comma-separated (default "1000")
  --fields F     fields per synthetic message (default 20)
  --budget S     seconds of timed runs per command and spec (default 120): a command whose
                 first (checking) run took T seconds gets min(N, S / T) timed runs, with no
                 warm-up when that is fewer than N (the table then says n=...); when T > S,
                 the time of that first run is reported (n=1)
  --no-build     do not run `cargo build --release` first
  --keep         keep the temporary folder (specs and outputs) and print its path
  --out FILE     also write the Markdown table to FILE
Environment: FLYTEPLUG (binary to time, default <repo>/target/release/flyteplug);
BENCH_TIMER=loop (time with the date +%s%N loop even when hyperfine is installed).
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
runs=10
sizes="1000"
fields=20
budget=120
build=1
keep=0
out_file=""

while [[ $# -gt 0 ]]; do
    case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --sizes) sizes=${2:?--sizes needs a list}; shift 2 ;;
    --fields) fields=${2:?--fields needs a number}; shift 2 ;;
    --budget) budget=${2:?--budget needs seconds}; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    --out) out_file=${2:?--out needs a file}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "generate.sh: unknown argument \`$1\` (see --help)" >&2; exit 2 ;;
    esac
done
sizes=${sizes//,/ }
if ! [[ $runs =~ ^[1-9][0-9]*$ && $budget =~ ^[1-9][0-9]*$ && $fields =~ ^[1-9][0-9]*$ ]]; then
    echo "generate.sh: --runs, --budget and --fields must be positive integers" >&2
    exit 2
fi
for n in $sizes; do
    if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
        echo "generate.sh: --sizes must list positive integers, got \`$n\`" >&2
        exit 2
    fi
done

log() { printf '%s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------------------------

apt_updated=0
apt_install() {
    # Installs Debian packages when running as root with apt-get; returns 1 otherwise.
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    if [[ $apt_updated -eq 0 ]]; then
        log "apt-get update"
        apt-get update -qq >&2 || return 1
        apt_updated=1
    fi
    log "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/flyteplug-bench.XXXXXX")
cleanup() {
    if [[ $keep -eq 1 ]]; then
        log "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# protoc must also find the well-known types (Debian: libprotobuf-dev, in /usr/include).
protoc_works() {
    command -v protoc >/dev/null 2>&1 || return 1
    mkdir -p "$work/probe/out"
    printf '%s\n' 'syntax = "proto3";' 'import "google/protobuf/timestamp.proto";' \
        'message Probe { google.protobuf.Timestamp at = 1; }' >"$work/probe/probe.proto"
    protoc -I "$work/probe" --python_out="$work/probe/out" --pyi_out="$work/probe/out" \
        "$work/probe/probe.proto" >/dev/null 2>&1
}

missing=()
protoc_works || missing+=(protobuf-compiler libprotobuf-dev)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [[ ${#missing[@]} -gt 0 ]]; then
    if ! apt_install "${missing[@]}" || ! protoc_works || [[ ! -x /usr/bin/time ]]; then
        log "generate.sh: needs protoc (with the well-known types), GNU time and python3; install them:"
        log "  sudo apt-get install -y ${missing[*]}"
        exit 1
    fi
fi
if [[ ${BENCH_TIMER:-} != loop ]] && ! command -v hyperfine >/dev/null 2>&1; then
    apt_install hyperfine || true
fi
if [[ ${BENCH_TIMER:-} != loop ]] && command -v hyperfine >/dev/null 2>&1; then
    timer="hyperfine $(hyperfine --version | awk '{print $2}')"
else
    log "hyperfine not found (sudo apt-get install -y hyperfine); timing with a date +%s%N loop"
    timer="date +%s%N loop"
fi

# --- flyteplug --------------------------------------------------------------------------------

bin=${FLYTEPLUG:-${CARGO_TARGET_DIR:-$repo/target}/release/flyteplug}
if [[ $build -eq 1 ]]; then
    log "cargo build --release --bin flyteplug"
    if ! cargo build --release --quiet --bin flyteplug --manifest-path "$repo/Cargo.toml" >&2; then
        log "generate.sh: cargo build --release failed; fix the build, or time the binary that is"
        log "there with --no-build (the table then labels it with the commit, not the binary)"
        exit 1
    fi
fi
if [[ ! -x $bin ]]; then
    log "generate.sh: no flyteplug binary at $bin (drop --no-build, or set FLYTEPLUG)"
    exit 1
fi
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$repo" status --porcelain -- src templates build.rs Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    commit="$commit (+ uncommitted changes in src/ or templates/)"
fi
if [[ -n ${FLYTEPLUG:-} ]]; then
    # Another binary: the repository's commit says nothing about what was timed.
    commit="$commit; timed binary: $bin"
fi

# --- specs ------------------------------------------------------------------------------------

cases=()
mkdir -p "$work/example"
cp "$repo/flyteplug.toml" "$work/example/flyteplug.toml"
cp -R "$repo/idl" "$work/example/idl"
cases+=(example)
for n in $sizes; do
    log "python3 bench/synth.py --messages $n --fields $fields"
    python3 "$here/synth.py" "$work/synth-$n" --messages "$n" --fields "$fields" >&2
    cases+=("synth-$n")
done

# --- measuring --------------------------------------------------------------------------------

# median_ms FILE: the median of the numbers (nanoseconds) in FILE, one a line, in milliseconds.
median_ms() {
    sort -n "$1" | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.1f\n", m / 1e6 }'
}

# time_ms PREPARE COMMAND N: median wall time in milliseconds of N runs of COMMAND (a shell
# command line), each run preceded by PREPARE (untimed); one warm-up run when N is --runs.
time_ms() {
    local prepare=$1 command=$2 n=$3 json="$work/hyperfine.json" samples="$work/samples.txt"
    local warmup=0
    [[ $n -eq $runs ]] && warmup=1
    if [[ $timer == hyperfine* ]]; then
        hyperfine --style none --warmup "$warmup" --runs "$n" --prepare "$prepare" \
            --export-json "$json" "$command" >&2
        python3 -c 'import json, statistics, sys
times = json.load(open(sys.argv[1]))["results"][0]["times"]
print("%.1f" % (statistics.median(times) * 1000))' "$json"
    else
        : >"$samples"
        local i t0 t1
        for ((i = 0; i < warmup; i++)); do
            eval "$prepare"
            eval "$command" >/dev/null 2>&1
        done
        for ((i = 0; i < n; i++)); do
            eval "$prepare"
            t0=$(date +%s%N)
            eval "$command" >/dev/null 2>&1
            t1=$(date +%s%N)
            echo $((t1 - t0)) >>"$samples"
        done
        median_ms "$samples"
    fi
}

# probe PREPARE COMMAND: one cold run under GNU time; sets probe_rc, probe_rss_kb and
# probe_runs (how many timed runs fit in the budget).
probe() {
    local prepare=$1 command=$2 tv="$work/time-v.txt" t0 t1
    bash -c "$prepare"
    probe_rc=0
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$tv" bash -c "exec $command" >"$work/probe.out" 2>"$work/probe.err" || probe_rc=$?
    t1=$(date +%s%N)
    probe_ms=$(awk -v ns="$((t1 - t0))" 'BEGIN { printf "%.1f\n", ns / 1e6 }')
    # 0 runs: the first run alone took longer than the budget; its time stands.
    probe_runs=$(awk -v ns="$((t1 - t0))" -v b="$budget" -v r="$runs" 'BEGIN {
        n = int(b / (ns / 1e9 + 0.001)); if (n > r) n = r; print n }')
    probe_rss_kb=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$tv")
    probe_rss_kb=${probe_rss_kb:-0}
}

# cell MS N: a time cell, with the run count when the budget cut it below --runs.
cell() {
    if [[ $2 -lt $runs ]]; then
        printf '%s ms (n=%s)' "$1" "$2"
    else
        printf '%s ms' "$1"
    fi
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
q() { printf '%q' "$1"; }
# aside PATH: a shell command that moves PATH (if present) into a new folder under
# $work/trash. The outputs of earlier runs are not deleted until the script ends: on ext4
# without a journal (this repository's development machine), every file creation skips the
# inodes deleted in the last seconds, one by one, so deleting a tree of small files right
# before a run slows that run's file creations (about 15 ms of 70 on the examples' 153
# files), which is a cost of the benchmark, not of the tool. Needs disk for every run's
# output (about 160 MB a run at 1,000 messages).
aside() {
    printf 'if [ -e %s ]; then mkdir -p %s && mv %s "$(mktemp -d %s)"; fi' \
        "$(q "$1")" "$(q "$work/trash")" "$(q "$1")" "$(q "$work/trash/run.XXXXXX")"
}

rows=()
notes=()
# (messages, flyteplug ms, protoc ms) of the synthetic specs, for the growth exponents.
growth=()
last_ok_dir=""
for c in "${cases[@]}"; do
    dir="$work/$c"
    mapfile -t protos < <(cd "$dir/idl" && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
    messages=$(find "$dir/idl" -name '*.proto' -exec cat {} + | grep -cE '^[[:space:]]*message[[:space:]]' || true)
    top=$(find "$dir/idl" -name '*.proto' -exec cat {} + | grep -cE '^message[[:space:]]' || true)
    targets=$(sed -n 's/^targets *= *\[\(.*\)\].*/\1/p' "$dir/flyteplug.toml" | tr -d '" ')

    # Each run's output is moved aside into $work/trash, not deleted (see aside()).
    fp_prep="$(aside "$dir/generated")"
    fp_cmd="$(q "$bin") --quiet --config $(q "$dir/flyteplug.toml") generate"
    pc_prep="$(aside "$dir/protoc-out") && mkdir -p $(q "$dir/protoc-out")"
    pc_cmd="protoc -I $(q "$dir/idl") --python_out=$(q "$dir/protoc-out") --pyi_out=$(q "$dir/protoc-out")"
    for p in "${protos[@]}"; do
        pc_cmd+=" $(q "$dir/idl/$p")"
    done

    log "== $c: ${#protos[@]} .proto files, $messages messages; flyteplug targets: $targets"
    probe "$fp_prep" "$fp_cmd"
    fp_rc=$probe_rc
    fp_rss=$probe_rss_kb
    fp_runs=$probe_runs
    fp_probe_ms=$probe_ms
    fp_files=$(find "$dir/generated" -type f ! -name flyteplug.lock 2>/dev/null | wc -l)
    if [[ $fp_rc -ne 0 ]]; then
        log "flyteplug generate failed (exit $fp_rc) on $c:"
        head -20 "$work/probe.err" >&2
        notes+=("- $c: \`flyteplug generate\` failed (exit $fp_rc); its time is not measured.")
    fi
    probe "$pc_prep" "$pc_cmd"
    pc_rc=$probe_rc
    pc_rss=$probe_rss_kb
    pc_runs=$probe_runs
    pc_probe_ms=$probe_ms
    pc_files=$(find "$dir/protoc-out" -type f 2>/dev/null | wc -l)
    if [[ $pc_rc -ne 0 ]]; then
        log "protoc failed (exit $pc_rc) on $c:"
        head -20 "$work/probe.err" >&2
        notes+=("- $c: protoc failed (exit $pc_rc); its time is not measured.")
    fi

    fp_ms="—"
    pc_ms="—"
    ratio="—"
    if [[ $fp_rc -eq 0 && $fp_runs -eq 0 ]]; then
        log "flyteplug generate took $fp_probe_ms ms, over the budget: not run again"
        fp_ms=$fp_probe_ms
        fp_runs=1
    elif [[ $fp_rc -eq 0 ]]; then
        log "timing flyteplug generate ($fp_runs runs)"
        fp_ms=$(time_ms "$fp_prep" "$fp_cmd" "$fp_runs")
    fi
    if [[ $pc_rc -eq 0 && $pc_runs -eq 0 ]]; then
        log "protoc took $pc_probe_ms ms, over the budget: not run again"
        pc_ms=$pc_probe_ms
        pc_runs=1
    elif [[ $pc_rc -eq 0 ]]; then
        log "timing protoc ($pc_runs runs)"
        pc_ms=$(time_ms "$pc_prep" "$pc_cmd" "$pc_runs")
    fi
    if [[ $fp_rc -eq 0 && $pc_rc -eq 0 ]]; then
        ratio=$(awk -v a="$fp_ms" -v b="$pc_ms" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }')
    fi
    [[ $fp_rc -eq 0 ]] && fp_ms=$(cell "$fp_ms" "$fp_runs")
    [[ $pc_rc -eq 0 ]] && pc_ms=$(cell "$pc_ms" "$pc_runs")
    if [[ $fp_rc -eq 0 && $fp_files -eq 0 ]]; then
        notes+=("- $c: flyteplug wrote no files (its targets are stubs at this commit): it measured loading, IR and planning only.")
    fi
    label=$c
    [[ $c == example ]] && label="example (idl/)"
    msg_cell="$messages"
    [[ $messages -ne $top ]] && msg_cell="$messages ($top top-level)"
    rows+=("| $label | $msg_cell | $fp_ms | $pc_ms | $ratio | $(mib "$fp_rss") | $(mib "$pc_rss") | $fp_files / $pc_files |")
    if [[ $c == synth-* && $fp_rc -eq 0 && $pc_rc -eq 0 ]]; then
        growth+=("$messages ${fp_ms%% *} ${pc_ms%% *}")
        last_ok_dir=$dir
        last_ok_case=$label
    fi
done

# Growth exponents: the log-log slope of time against messages between consecutive sizes
# (1 is linear, 2 quadratic).
exponents=()
for ((i = 1; i < ${#growth[@]}; i++)); do
    read -r m0 f0 p0 <<<"${growth[i-1]}"
    read -r m1 f1 p1 <<<"${growth[i]}"
    exponents+=("$(awk -v m0="$m0" -v m1="$m1" -v f0="$f0" -v f1="$f1" -v p0="$p0" -v p1="$p1" \
        'BEGIN { printf "| %d → %d messages | %.2f | %.2f |", m0, m1, log(f1/f0)/log(m1/m0), log(p1/p0)/log(m1/m0) }')")
done

# A no-op `check` on the largest synthetic spec: generated/ is current, nothing is written.
check_cell=""
if [[ -n $last_ok_dir ]]; then
    "$bin" --quiet --config "$last_ok_dir/flyteplug.toml" generate >/dev/null 2>&1 || true
    ck_cmd="$(q "$bin") --quiet --config $(q "$last_ok_dir/flyteplug.toml") check"
    log "timing a no-op flyteplug check on $last_ok_case"
    check_ms=$(time_ms "true" "$ck_cmd" 3)
    check_cell="No-op \`flyteplug check\` on $last_ok_case (generated/ current): $check_ms ms (median of 3)."
fi

# --- report -----------------------------------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
{
    echo "flyteplug generation benchmark, $(date -u +%Y-%m-%d), flyteplug commit $commit"
    echo
    echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs. Timer: $timer, median of $runs cold runs (fewer where n= says so; budget ${budget} s a command)."
    echo "Peer: $(protoc --version) (protoc --python_out --pyi_out). flyteplug targets: ${targets:-?}."
    echo
    echo "| spec | messages | flyteplug ($(tr ',' '\n' <<<"${targets:-?}" | grep -c .) targets) | protoc python | ratio | flyteplug peak RSS | protoc peak RSS | files out (flyteplug / protoc) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${rows[@]}"
    if [[ ${#exponents[@]} -gt 0 ]]; then
        echo
        echo "| growth (log-log slope of time) | flyteplug | protoc |"
        echo "| --- | ---: | ---: |"
        printf '%s\n' "${exponents[@]}"
    fi
    if [[ -n $check_cell ]]; then
        echo
        echo "$check_cell"
    fi
    if [[ ${#notes[@]} -gt 0 ]]; then
        echo
        printf '%s\n' "${notes[@]}"
    fi
} | tee "${out_file:-/dev/null}"
