"""The usage examples of the generated Go and TypeScript package READMEs work as printed.

Each package's README shows a program that builds the plugin's task and prints its
TaskTemplate. This test takes the Go and TypeScript code blocks out of every generated README,
builds each against the generated package it documents (a `replace` directive for Go; the
package's compiled `dist/` for TypeScript, with the import pointed at it), runs it, and reads
what it prints with the official flyteidl package: `json_format.Parse` (strict) into a
`TaskTemplate` whose type and task type version are the manifest's, and whose custom holds the
fields the example sets.

Run: `.venv/bin/pytest tests/tasktemplate -q` (needs go, node and tsc; see test_tasktemplate.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from flyteidl.core import tasks_pb2
from google.protobuf import json_format

REPO = Path(__file__).resolve().parents[2]
GENERATED = Path(os.environ.get("FLYTEPLUG_GENERATED", REPO / "generated")).resolve()
TSC = os.environ.get("TSC") or str(REPO / "tools" / "node_modules" / ".bin" / "tsc")


def _plugins() -> list[dict[str, Any]]:
    with (REPO / "flyteplug.toml").open("rb") as f:
        plugins: list[dict[str, Any]] = tomllib.load(f)["plugin"]
    return plugins


PLUGINS = _plugins()


def _code_block(readme: Path, language: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", readme.read_text(), re.DOTALL)
    assert len(blocks) == 1, (
        f"{readme}: expected one {language} block, found {len(blocks)}"
    )
    return str(blocks[0])


def _check_template(text: str, plugin: dict[str, Any], code: str) -> None:
    template = tasks_pb2.TaskTemplate()
    json_format.Parse(text, template)  # strict: an unknown field is an error
    assert template.type == plugin["task_type"]
    assert template.task_type_version == plugin["task_type_version"]
    assert template.id.name == "my_app.etl.load"
    # Every config field the example sets (`Name: value` / `name: value` inside the config's
    # constructor) is in the custom; the example's literal values are the README's.
    custom = json_format.MessageToDict(template.custom)
    config = re.search(r"Config:\s+&\w+\.\w+\{(.*?)\},|config: new \w+\((.*?)\),", code)
    assert config is not None, code
    settings = config.group(1) or config.group(2) or ""
    names = re.findall(r"(\w+):", settings)
    assert len(custom) == len(names), (custom, names)


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        cmd, check=False, cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, f"{' '.join(cmd)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.skipif(shutil.which("go") is None, reason="needs go")
@pytest.mark.parametrize("plugin", PLUGINS, ids=[p["name"] for p in PLUGINS])
def test_go_readme_example(plugin: dict[str, Any], tmp_path: Path) -> None:
    package = GENERATED / "go" / plugin["name"]
    code = _code_block(package / "README.md", "go")
    module = re.search(r"^module (\S+)", (package / "go.mod").read_text(), re.MULTILINE)
    assert module is not None
    (tmp_path / "main.go").write_text(code)
    (tmp_path / "go.mod").write_text(
        f"module example.com/readme\n\ngo 1.21\n\nrequire {module.group(1)} v0.0.0\n\n"
        f"replace {module.group(1)} => {package}\n"
    )
    env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GOWORK="off")
    assert _run(["gofmt", "-l", "main.go"], tmp_path) == "", (
        "the example is gofmt-clean"
    )
    _check_template(_run(["go", "run", "."], tmp_path, env), plugin, code)


@pytest.mark.skipif(
    shutil.which("node") is None or not Path(TSC).exists(), reason="needs node and tsc"
)
@pytest.mark.parametrize("plugin", PLUGINS, ids=[p["name"] for p in PLUGINS])
def test_typescript_readme_example(plugin: dict[str, Any], tmp_path: Path) -> None:
    package = GENERATED / "typescript" / plugin["name"]
    code = _code_block(package / "README.md", "ts")
    npm_name = json.loads((package / "package.json").read_text())["name"]
    # Compile the package, then the example with its import pointed at the compiled package.
    built = tmp_path / "pkg"
    shutil.copytree(package, built)
    _run([TSC, "-p", "."], built)
    (tmp_path / "example").mkdir()
    (tmp_path / "example" / "package.json").write_text('{"type": "module"}\n')
    (tmp_path / "example" / "example.ts").write_text(
        code.replace(f'"{npm_name}"', '"../pkg/dist/index.js"')
    )
    _run(
        [
            TSC,
            "--strict",
            "--target",
            "es2022",
            "--module",
            "nodenext",
            "--moduleResolution",
            "nodenext",
            "example.ts",
        ],
        tmp_path / "example",
    )
    out = _run(["node", "example.js"], tmp_path / "example")
    _check_template(out, plugin, code)
