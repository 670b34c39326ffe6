#!/usr/bin/env bash
# Lints the generated Rust workspace with the language's own tools: rustfmt, clippy and the
# crates' tests (doctests included).
#
#   bash scripts/lint-rust.sh OUTPUT_ROOT      # e.g. generated
#
# Build products go to $CARGO_TARGET_DIR (default: target/generated-rust/<key of the tree> of
# this repository).
# Cargo writes a Cargo.lock beside the workspace manifest; the script removes it again unless
# it was there before, so the generated tree is left as it was.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUTPUT_ROOT" >&2
  exit 2
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
workspace="$(cd "$1" && pwd)/rust"
manifest="$workspace/Cargo.toml"
if [ ! -f "$manifest" ]; then
  echo "lint-rust: $manifest is missing; run \`flyteplug generate\` with the rust target first" >&2
  exit 2
fi
# One build folder per generated tree: two trees can hold crates of the same name and version,
# and cargo would take one tree's build of such a crate as fresh for the other.
tree_key="$(printf '%s' "$workspace" | sha256sum | cut -c1-12)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target/generated-rust/$tree_key}"

lock="$workspace/Cargo.lock"
if [ ! -e "$lock" ]; then
  trap 'rm -f "$lock"' EXIT
fi

echo "lint-rust: cargo fmt --check"
cargo fmt --manifest-path "$manifest" --all -- --check
echo "lint-rust: cargo clippy --all-targets -- -D warnings"
cargo clippy --quiet --manifest-path "$manifest" --workspace --all-targets -- -D warnings
echo "lint-rust: cargo test"
cargo test --quiet --manifest-path "$manifest" --workspace
