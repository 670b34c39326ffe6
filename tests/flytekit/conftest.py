"""Installs the generated Python packages next to the real flytekit, for test_flytekit.py.

The packages come from the output folder of a flyteplug manifest: ``$FLYTEPLUG_MANIFEST``, else
this repository's ``flyteplug.toml`` (so ``generated/``). Each ``python/flytekitplugins-*``
folder is copied (building must not write into the generated tree) and ``pip install``ed,
without network and without build isolation, into a throwaway virtual environment that sees
this interpreter's packages through a ``.pth`` file: pip checks each package's ``flytekit``
requirement against the flytekit installed here, and the packages land in a site folder that
is then added to this process. That happens once, before any test module is imported, so
that ``import flytekit`` loads the packages through their ``flytekit.plugins`` entry points
as it would after a real ``pip install``.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PluginUnderTest:
    """One ``[[plugin]]`` of the manifest and its generated Python package."""

    name: str
    message: str
    task_type: str
    task_type_version: int
    backend: str
    dist: str
    module: str
    vectors: Path


def _manifest() -> Path:
    return Path(os.environ.get("FLYTEPLUG_MANIFEST", REPO / "flyteplug.toml")).resolve()


def _load_plugins() -> tuple[Path, list[PluginUnderTest]]:
    manifest = _manifest()
    with manifest.open("rb") as f:
        data: dict[str, Any] = tomllib.load(f)
    output = manifest.parent / data.get("output", {}).get("dir", "generated")
    plugins = []
    for p in data["plugin"]:
        dist = f"flytekitplugins-{p['name']}"
        pyproject = output / "python" / dist / "pyproject.toml"
        with pyproject.open("rb") as f:
            (package,) = tomllib.load(f)["tool"]["setuptools"]["packages"]
        plugins.append(
            PluginUnderTest(
                name=p["name"],
                message=p["message"],
                task_type=p["task_type"],
                task_type_version=int(p.get("task_type_version", 0)),
                backend=p["backend"],
                dist=dist,
                module=package,
                vectors=output / "vectors" / f"{p['name']}.json",
            )
        )
    return output, plugins


def _install(output: Path, plugins: list[PluginUnderTest], work: Path) -> Path:
    venv = work / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [
            str(python),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    here = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    Path(purelib, "_outer_env.pth").write_text("\n".join(dict.fromkeys(here)) + "\n")
    sources = []
    for p in plugins:
        copy = work / "src" / p.dist
        shutil.copytree(output / "python" / p.dist, copy)
        sources.append(str(copy))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-index",
            "--no-build-isolation",
            "--no-cache-dir",
            "--disable-pip-version-check",
            *sources,
        ],
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return Path(purelib)


_STATE: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    # pytest_configure (not sessionstart) runs for this conftest however it is reached: as
    # the folder given on the command line or found while collecting a parent folder.
    if "flytekit" in sys.modules:
        raise RuntimeError(
            "flytekit was imported before the generated packages were installed"
        )
    output, plugins = _load_plugins()
    work = Path(tempfile.mkdtemp(prefix="flyteplug-flytekit-"))
    _STATE.update(work=work, output=output, plugins=plugins)
    site_dir = _install(output, plugins, work)
    _STATE["site"] = site_dir
    site.addsitedir(str(site_dir))


def pytest_unconfigure(config: pytest.Config) -> None:
    work = _STATE.get("work")
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def plugins() -> list[PluginUnderTest]:
    return list(_STATE["plugins"])


@pytest.fixture(scope="session")
def generated_python() -> Path:
    """The generated tree's ``python`` folder (read only)."""
    return Path(_STATE["output"]) / "python"


@pytest.fixture(scope="session")
def site_dir() -> Path:
    return Path(_STATE["site"])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "plugin" in metafunc.fixturenames:
        found = _STATE.get("plugins") or _load_plugins()[1]
        metafunc.parametrize("plugin", found, ids=[p.name for p in found])
