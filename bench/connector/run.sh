#!/usr/bin/env bash
# Load benchmark of a Rust connector against flytekit's own Python connector server, side by
# side in one run: bench/connector/README.md.
#
#   bench/connector/run.sh [--cycles N] [--concurrency C]
#
# Builds examples/query-backend (release) and starts it on a loopback port; starts
# `pyflyte serve connector` with py_query_connector.py (the same task type, in Python) on
# another; drives each in turn with load.py from a second process (CreateTask, GetTask every
# 10 ms until terminal, DeleteTask; C at a time, N in all); prints a Markdown table. Needs the
# .venv of the test command (flytekit, flyteidl, grpcio) and a current generated/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
cycles=2000
concurrency=50
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
py="$root/.venv/bin/python"
pyflyte="$root/.venv/bin/pyflyte"
[ -x "$py" ] && [ -x "$pyflyte" ] || { echo "run.sh: run the test command first (.venv)" >&2; exit 2; }

# flytekit's connector server needs its `connector` extra, all but grpcio-health-checking,
# whose releases that flytekit accepts pin an older protobuf (the health service is optional).
"$py" -m pip install --quiet --disable-pip-version-check -r "$root/bench/connector/requirements.txt"

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
logs=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$logs"
}
trap cleanup EXIT

echo "building query-backend (release)..." >&2
cargo build --quiet --release -p query-backend
rust_port=$(free_port)
"$root/target/release/query-backend" --address 127.0.0.1 --port "$rust_port" >"$logs/rust.log" 2>&1 &
pids+=($!)

py_port=$(free_port)
prom_port=$(free_port)
(cd "$root/bench/connector" &&
  exec "$pyflyte" serve connector --port "$py_port" --prometheus_port "$prom_port" \
    --modules py_query_connector) >"$logs/python.log" 2>&1 &
pids+=($!)

measure() {
  "$py" "$root/bench/connector/load.py" --target "127.0.0.1:$1" --cycles "$cycles" \
    --concurrency "$concurrency"
}
# A short warm-up of each, then the measured run.
echo "warming up..." >&2
measure "$rust_port" >/dev/null 2>&1 || { cat "$logs/rust.log" >&2; exit 1; }
measure "$py_port" >/dev/null 2>&1 || { cat "$logs/python.log" >&2; exit 1; }
echo "measuring the Rust connector..." >&2
rust=$(measure "$rust_port")
echo "measuring the Python connector..." >&2
python=$(measure "$py_port")

"$py" - "$rust" "$python" "$cycles" "$concurrency" <<'PY'
import json
import os
import sys

rust, python = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{sys.argv[3]} create/get/delete cycles, {sys.argv[4]} at a time, GetTask every 10 ms; "
      f"{os.cpu_count()} CPUs shared by the server and the load generator.")
print()
print("| server | cycles/s | cycle p50 | cycle p99 | RPC p50 | RPC p99 | failed |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, r in (("Rust `query-backend` (flyteplug-runtime)", rust),
                ("Python `pyflyte serve connector`", python)):
    print(f"| {name} | {r['cycles_per_s']} | {r['cycle_p50_ms']} ms | {r['cycle_p99_ms']} ms | "
          f"{r['rpc_p50_ms']} ms | {r['rpc_p99_ms']} ms | {r['failures']} |")
PY
