#!/usr/bin/env bash
# The test command: installs everything the tests use, then runs them all.
#
#   bash scripts/test.sh
#
# Needs only what a fresh machine of this kind has: cargo, go, python3 (with venv), node and npm.
# Installs Python tools into .venv (requirements-dev.txt) and TypeScript into tools/node_modules
# (tools/package-lock.json). Go modules: the generated Go code uses the standard library only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n== %s\n' "$*"; }

step "install: Python tools into .venv"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt \
  -r runtime/tests/python/requirements.txt -r requirements-flytekit.txt

step "install: TypeScript into tools/node_modules"
npm ci --prefix tools --no-audit --no-fund --silent

export PATH="$root/.venv/bin:$PATH"
export TSC="$root/tools/node_modules/.bin/tsc"
export FLYTEPLUG_TSC="$TSC"
export FLYTEPLUG_PYTHON="$root/.venv/bin/python"
# tests/new.rs also builds and lints every target of each `flyteplug new` project.
export FLYTEPLUG_FULL_NEW_TEST=1

step "rust: build, format, lint, test"
cargo build --locked --workspace --all-targets
cargo fmt --all -- --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo test --locked --workspace

step "generated code: each language's own tools"
for lang in python go typescript rust; do
  step "lint generated/$lang"
  bash "scripts/lint-$lang.sh" generated
done

step "oracle: every target's codec against the official protobuf runtime"
FLYTEPLUG_BIN="$root/target/debug/flyteplug" .venv/bin/pytest tests/oracle -q

step "task templates: Go and TypeScript TaskTemplate JSON against the official flyteidl"
.venv/bin/pytest tests/tasktemplate -q

step "flytekit: the generated Python packages with the real flytekit, end to end with the example backends"
.venv/bin/pytest tests/flytekit -q

step "conformance: the generated vectors through every target's testee"
./target/debug/flyteplug conformance

step "runtime: the connector server against the official flyteidl gRPC stubs"
.venv/bin/pytest runtime/tests/python -q

step "property: random specs through generate, every linter and package test, and conformance"
FLYTEPLUG_BIN="$root/target/debug/flyteplug" .venv/bin/pytest tests/property -q

step "all tests passed"
