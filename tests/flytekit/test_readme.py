"""The Python code blocks of every generated package README run as printed.

Each README shows a ``@task(task_config=...)`` example, for web API plugins a task without a
user function, and how to serialize the task offline. This test runs those blocks in order,
in one namespace per README, with the generated packages installed next to the real flytekit
(see conftest.py): they must define the tasks and serialize them to a ``TaskTemplate`` of the
plugin's task type.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest


def _blocks(readme: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme.read_text(), re.DOTALL)


def test_readme_examples_run(
    plugin: Any, generated_python: Path, tmp_path: Path
) -> None:
    readme = generated_python / plugin.dist / "README.md"
    blocks = _blocks(readme)
    assert len(blocks) >= 2, f"{readme}: expected a usage and a serialization example"
    # A module file, not exec: flytekit reads the task function's source.
    name = f"readme_{plugin.module}"
    module_file = tmp_path / f"{name}.py"
    module_file.write_text("\n\n".join(blocks))
    spec = importlib.util.spec_from_file_location(name, module_file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as e:  # noqa: BLE001  (any failure is reported with the code)
        pytest.fail(f"{readme}: the code blocks fail: {e!r}\n{module_file.read_text()}")
    finally:
        sys.modules.pop(name, None)
    template = module.template
    assert template.type == plugin.task_type
    assert template.task_type_version == plugin.task_type_version
