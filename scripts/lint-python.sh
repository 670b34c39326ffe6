#!/usr/bin/env bash
# Lints the generated Python code with the tools' default settings:
#
#   bash scripts/lint-python.sh OUTPUT_ROOT      (e.g. generated)
#
# Runs, from OUTPUT_ROOT/python, `ruff check`, `ruff format --check` and `mypy --strict` on
# every package (each from its own folder, so ruff reads its `requires-python`; mypy with
# `--explicit-package-bases` because `flytekitplugins` is a namespace package) and on
# testee.py (with every package folder on MYPYPATH), then runs each package's own tests
# (`python -m unittest discover -s tests` in its folder). Exits non-zero on any finding.
# Expects `ruff`, `mypy` and `python` on PATH (the test command puts .venv/bin there). Writes nothing
# into the generated tree: no ruff or mypy caches, no bytecode.
set -uo pipefail

root=${1:?usage: lint-python.sh OUTPUT_ROOT}
py="$root/python"
if [ ! -d "$py" ]; then
  echo "lint-python: $py does not exist (run flyteplug generate)" >&2
  exit 2
fi
py=$(cd "$py" && pwd)
for tool in ruff mypy python; do
  command -v "$tool" >/dev/null || { echo "lint-python: $tool is not on PATH" >&2; exit 2; }
done

cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export PYTHONDONTWRITEBYTECODE=1
status=0
fail() {
  echo "lint-python: FAILED: $*" >&2
  status=1
}
# mypy reads no config file: defaults plus --strict.
mypy_strict() {
  mypy --strict --config-file "$cache/none.ini" --cache-dir "$cache/mypy" --no-error-summary "$@"
}
printf "[mypy]\n" >"$cache/none.ini"

shopt -s nullglob
packages=("$py"/flytekitplugins-*/)
if [ ${#packages[@]} -eq 0 ]; then
  echo "lint-python: no packages in $py" >&2
  exit 2
fi

mypy_path=""
for pkg in "${packages[@]}"; do
  pkg=${pkg%/}
  name=$(basename "$pkg")
  echo "== python: $name"
  (cd "$pkg" && ruff check --no-cache --quiet .) || fail "ruff check $name"
  (cd "$pkg" && ruff format --no-cache --check --quiet --diff .) || fail "ruff format $name"
  (cd "$pkg" && mypy_strict --explicit-package-bases flytekitplugins tests) || fail "mypy $name"
  # The package's own tests: its conformance vectors through its public API.
  (cd "$pkg" && python -m unittest discover -s tests 2>&1 | tail -n 3) || fail "tests $name"
  mypy_path="${mypy_path:+$mypy_path:}$pkg"
done

echo "== python: the tree and testee.py"
(cd "$py" && ruff check --no-cache --quiet .) || fail "ruff check $py"
(cd "$py" && ruff format --no-cache --check --quiet --diff .) || fail "ruff format $py"
if [ -f "$py/testee.py" ]; then
  (cd "$py" && MYPYPATH="$mypy_path" mypy_strict testee.py) || fail "mypy testee.py"
else
  fail "$py/testee.py is missing"
fi

if [ $status -eq 0 ]; then
  echo "lint-python: ok (${#packages[@]} packages)"
fi
exit $status
