"""The generated flytekit plugins, driven by the real flytekit SDK.

For every plugin of the manifest (see conftest.py), with its package pip-installed next to
flytekit:

- the distribution depends on flytekit (a version the installed one satisfies), declares the
  ``flytekit.plugins`` entry point of its task module, and ships its README and ``py.typed``;
- its models import without flytekit, and its task module does not;
- ``import flytekit`` alone registers the task class for the config (the entry point works);
- ``@task(task_config=Config(...))`` serializes offline (``get_serializable``) to a
  ``TaskTemplate`` with the manifest's task type and version, whose ``custom``, read back from
  the protobuf ``Struct`` of ``to_flyte_idl()``, is the vector's canonical JSON, for every
  positive conformance vector of the custom message (web API plugins: the task without a user
  function too);
- the task runs locally: function tasks call the function; web API tasks call the connector
  registered for their task type (a fake one here), which receives the same ``custom``.

Where the expected values come from: the vectors (``generated/vectors/<name>.json``), which
tests/oracle checks against the official protobuf runtime, and the manifest. Comparing
through the ``Struct``: a ``Struct`` stores every number as a double, so the int32 ``3`` of the
canonical text comes back as ``3.0``, and ``MessageToDict`` of the ``Struct`` cannot be
compared with the canonical text byte for byte. Both are parsed as JSON values instead and
compared structurally, numbers by numeric value (as doubles, which is all a ``Struct`` holds;
64-bit integers are strings in proto3 JSON, so they lose nothing). The decoder must then read
the ``Struct``'s JSON back into the same canonical text, which is what a backend does.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import typing
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

FUNCTION_KINDS = {"k8s", "core"}
WEB_KINDS = {"webapi-async", "webapi-sync"}


def double(n: int) -> int:
    """The user function of the function tasks under test."""
    return n * 2


def _settings() -> Any:
    from flytekit.configuration import Image, ImageConfig, SerializationSettings

    return SerializationSettings(
        project="p",
        domain="d",
        version="v1",
        image_config=ImageConfig(
            default_image=Image(name="default", fqn="ghcr.io/acme/img", tag="v1")
        ),
    )


def _serialize(task: Any) -> Any:
    """The task's ``TaskTemplate`` model, as ``pyflyte register`` would build it."""
    from flytekit.tools.translator import get_serializable

    return get_serializable(OrderedDict(), _settings(), task).template


def _struct_json(template: Any) -> Any:
    """``custom`` as it travels: through the protobuf ``Struct`` of the IDL template."""
    from google.protobuf.json_format import MessageToDict

    idl = template.to_flyte_idl()
    if not idl.HasField("custom"):
        return {}
    return MessageToDict(idl.custom)


def _parse_int(text: str) -> int | Decimal:
    # As the generated testee reads numbers: exact integers, and -0 keeps its sign.
    return Decimal(text) if text == "-0" else int(text)


def _decimal(text: str) -> Decimal:
    # As the generated codecs read number text: Decimal holds exponents below 10**18 only, so
    # an exponent beyond +-10**17 is clamped to it, which changes no value a field can take.
    mantissa, e, exponent = text.lower().partition("e")
    if e and len(exponent.lstrip("+-").lstrip("0")) > 17:
        text = f"{mantissa}e{'-' if exponent.startswith('-') else ''}{10**17}"
    return Decimal(text)


def _load_vectors(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        data = json.load(f, parse_float=_decimal, parse_int=_parse_int)
    cases: list[dict[str, Any]] = data["cases"]
    return cases


def same_json(got: Any, want: Any, path: str = "$") -> None:
    """Asserts two JSON values are equal, numbers by numeric value (see the module doc)."""
    if isinstance(want, bool) or isinstance(got, bool):
        assert got is want, f"{path}: {got!r} != {want!r}"
    elif isinstance(want, (int, float)):
        assert isinstance(got, (int, float)), f"{path}: {got!r} is not a number"
        assert float(got) == float(want), f"{path}: {got!r} != {want!r}"
    elif isinstance(want, dict):
        assert isinstance(got, dict), f"{path}: {got!r} is not an object"
        assert sorted(got) == sorted(want), (
            f"{path}: keys {sorted(got)} != {sorted(want)}"
        )
        for key in want:
            same_json(got[key], want[key], f"{path}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list), f"{path}: {got!r} is not an array"
        assert len(got) == len(want), f"{path}: length {len(got)} != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            same_json(g, w, f"{path}[{i}]")
    else:
        assert got == want and type(got) is type(want), f"{path}: {got!r} != {want!r}"


def test_same_json_compares_numbers_by_value() -> None:
    same_json(
        {"a": 3.0, "b": [1e21, -0.0], "c": "3"},
        json.loads('{"a":3,"b":[1e+21,0],"c":"3"}'),
    )
    for got, want in [
        ({"a": "3"}, {"a": 3}),
        ({"a": True}, {"a": 1}),
        ({"a": 1}, {"a": 2}),
    ]:
        with pytest.raises(AssertionError):
            same_json(got, want)


@dataclass
class Registered:
    """What flytekit knows about a plugin: its config class and task classes."""

    config: type
    task: type
    task_module: Any


def _registered(plugin: Any) -> Registered:
    """The config class registered with flytekit's ``TaskPlugins`` by the plugin's task."""
    import flytekit  # noqa: F401  (loads the entry points)
    from flytekit.extend import TaskPlugins

    task_module_name = f"{plugin.module}.task"
    found = [
        (config, task)
        for config, task in TaskPlugins._PYTHONFUNCTION_TASK_PLUGINS.items()
        if task.__module__ == task_module_name
    ]
    assert len(found) == 1, f"{task_module_name} registered {found}"
    config, task = found[0]
    assert config.__module__ == f"{plugin.module}.models"
    runtime = importlib.import_module(f"{plugin.module}._json")
    # The package runtime's table names the proto message of each class: the config must be
    # the manifest's custom message.
    assert runtime._spec(config).full_name == plugin.message
    return Registered(config, task, sys.modules[task_module_name])


def test_distribution_declares_flytekit_and_the_entry_point(plugin: Any) -> None:
    from packaging.requirements import Requirement

    dist = importlib.metadata.distribution(plugin.dist)
    requirements = [Requirement(r) for r in dist.requires or []]
    flytekit = [r for r in requirements if r.name == "flytekit"]
    assert len(flytekit) == 1, dist.requires
    assert flytekit[0].specifier, "the flytekit requirement has no lower bound"
    installed = importlib.metadata.version("flytekit")
    assert flytekit[0].specifier.contains(installed), (flytekit[0], installed)
    entry_points = [ep for ep in dist.entry_points if ep.group == "flytekit.plugins"]
    assert [ep.value for ep in entry_points] == [f"{plugin.module}.task"]
    assert dist.metadata["Description-Content-Type"] == "text/markdown"
    # The README is the metadata's body (read as text: once flytekit is imported, the
    # `importlib_metadata` backport's message adapter may answer with an empty payload).
    assert f"# {plugin.dist}" in (dist.read_text("METADATA") or "")
    files = {str(f) for f in dist.files or []}
    module_dir = plugin.module.replace(".", "/")
    for name in ("py.typed", "task.py", "hooks.py", "models.py"):
        assert f"{module_dir}/{name}" in files


def test_models_import_without_flytekit(plugin: Any, site_dir: Path) -> None:
    code = f"""
import site, sys
sys.modules["flytekit"] = None  # any import of flytekit now fails
site.addsitedir({str(site_dir)!r})
import {plugin.module}, {plugin.module}.models
try:
    import {plugin.module}.task
except ImportError:
    print("ok")
else:
    raise SystemExit("the task module imported without flytekit")
"""
    run = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


def test_import_flytekit_registers_the_task(plugin: Any, site_dir: Path) -> None:
    # In a fresh interpreter, nothing but `import flytekit`: the entry point must do the rest.
    code = f"""
import site, sys
site.addsitedir({str(site_dir)!r})
import flytekit
from flytekit.extend import TaskPlugins
print(sorted(t.__module__ for t in TaskPlugins._PYTHONFUNCTION_TASK_PLUGINS.values()))
"""
    run = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert f"{plugin.module}.task" in json.loads(run.stdout.replace("'", '"'))


def test_task_class_suits_the_backend_kind(plugin: Any) -> None:
    from flytekit.core.base_task import PythonTask
    from flytekit.core.python_function_task import PythonFunctionTask
    from flytekit.extend.backend.base_connector import (
        AsyncConnectorExecutorMixin,
        SyncConnectorExecutorMixin,
    )

    reg = _registered(plugin)
    assert issubclass(reg.task, PythonFunctionTask)
    assert reg.task_module.TASK_TYPE == plugin.task_type
    assert reg.task_module.TASK_TYPE_VERSION == plugin.task_type_version
    mixin = {
        "webapi-async": AsyncConnectorExecutorMixin,
        "webapi-sync": SyncConnectorExecutorMixin,
    }.get(plugin.backend)
    others = {AsyncConnectorExecutorMixin, SyncConnectorExecutorMixin} - {mixin}
    connector_tasks = [
        cls
        for cls in vars(reg.task_module).values()
        if isinstance(cls, type)
        and cls.__module__ == reg.task_module.__name__
        and issubclass(cls, PythonTask)
        and not issubclass(cls, PythonFunctionTask)
    ]
    for cls in [reg.task, *connector_tasks]:
        assert not any(issubclass(cls, m) for m in others), cls.__mro__
        if mixin is not None:
            assert cls.__mro__[1] is mixin, cls.__mro__
    if plugin.backend in WEB_KINDS:
        assert len(connector_tasks) == 1
    else:
        assert plugin.backend in FUNCTION_KINDS
        assert connector_tasks == []


def test_task_modules_type_check_against_flytekit(
    plugins: list[Any], generated_python: Path, tmp_path: Path
) -> None:
    """``mypy --strict`` with flytekit's own annotations (flytekit ships no ``py.typed``, so
    mypy must be told to follow it): the task classes fit flytekit's signatures. The lint
    (scripts/lint-python.sh) checks the same files without flytekit's types."""
    pytest.importorskip("mypy")
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n[mypy-flytekit.*]\nfollow_untyped_imports = True\n")
    dirs = [str(generated_python / p.dist) for p in plugins]
    args = [sys.executable, "-m", "mypy", "--strict", "--config-file", str(config)]
    args += ["--cache-dir", str(tmp_path / "cache")]
    for p in plugins:
        args += ["-p", p.module]
    env = {
        **os.environ,
        "MYPYPATH": os.pathsep.join(dirs),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    run = subprocess.run(
        args, check=False, capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _tasks_for(plugin: Any, reg: Registered, config: Any) -> list[Any]:
    """The tasks a user would write for this config: the ``@task`` function, and for web
    API plugins the task without a user function."""
    from flytekit import task

    made = [task(task_config=config)(double)]
    assert type(made[0]) is reg.task
    if plugin.backend in WEB_KINDS:
        (connector_task,) = [
            cls
            for cls in vars(reg.task_module).values()
            if isinstance(cls, type)
            and cls.__module__ == reg.task_module.__name__
            and cls is not reg.task
            and cls.__name__.endswith("Task")
        ]
        made.append(
            connector_task(
                name=f"{plugin.module}.count_rows",
                task_config=config,
                inputs={"table": str},
                outputs={"rows": int},
            )
        )
    return made


def test_templates_carry_the_vectors_custom(plugin: Any) -> None:
    reg = _registered(plugin)
    cases = [
        c
        for c in _load_vectors(plugin.vectors)
        if c["message"] == plugin.message and "canonical" in c
    ]
    assert len(cases) >= 10, f"too few vectors for {plugin.message}"
    for case in cases:
        name = case["name"]
        config = reg.config.from_custom(case["input"], strict=bool(case.get("strict")))
        want_text = case["canonical"]
        for made in _tasks_for(plugin, reg, config):
            template = _serialize(made)
            assert template.type == plugin.task_type, name
            assert template.task_type_version == plugin.task_type_version, name
            if want_text == "{}":
                # flytekit leaves custom unset for an empty config
                assert not template.to_flyte_idl().HasField("custom"), name
            got = _struct_json(template)
            try:
                same_json(got, json.loads(want_text))
            except AssertionError as error:
                raise AssertionError(f"{name}: {error}") from None
            # What a backend does with it: decode the Struct's JSON, encode canonically.
            assert reg.config.from_custom(got).to_custom_json() == want_text, name
            # The function task runs a container; the task without a function has none.
            assert (template.container is not None) == (made.__class__ is reg.task), (
                name
            )


def _custom_of_template(template: Any) -> Any:
    # The model template's custom is a dict; compare it through the IDL Struct as above.
    return _struct_json(template)


def test_task_runs_locally(plugin: Any) -> None:
    from flytekit import task, workflow

    reg = _registered(plugin)
    config = reg.config()
    want = json.loads(config.to_custom_json())

    if plugin.backend in FUNCTION_KINDS:
        doubled = task(task_config=config)(double)
        assert doubled(n=21) == 42

        @workflow
        def wf(n: int = 3) -> int:
            return typing.cast(int, doubled(n=n))

        assert wf(n=5) == 10
        return

    from flyteidl.core.execution_pb2 import TaskExecution
    from flytekit.extend.backend.base_connector import (
        AsyncConnectorBase,
        ConnectorRegistry,
        Resource,
        ResourceMeta,
        SyncConnectorBase,
    )

    seen: list[Any] = []

    def _outputs(template: Any) -> dict[str, int]:
        # The connector's answer: 42 for every declared output.
        return {name: 42 for name in template.interface.outputs}

    @dataclass
    class Meta(ResourceMeta):  # type: ignore[misc]
        job_id: str = "job-1"

    class FakeAsync(AsyncConnectorBase):  # type: ignore[misc]
        name = f"fake {plugin.name} connector"

        def __init__(self) -> None:
            super().__init__(
                task_type_name=plugin.task_type,
                task_type_version=plugin.task_type_version,
                metadata_type=Meta,
            )

        template: Any = None

        def create(
            self,
            task_template: Any,
            output_prefix: str,
            inputs: Any = None,
            **kwargs: Any,
        ) -> Meta:
            seen.append(task_template)
            self.template = task_template
            return Meta()

        def get(self, resource_meta: Meta, **kwargs: Any) -> Resource:
            assert resource_meta.job_id == "job-1"
            return Resource(
                phase=TaskExecution.SUCCEEDED, outputs=_outputs(self.template)
            )

        def delete(self, resource_meta: Meta, **kwargs: Any) -> None:
            pass

    class FakeSync(SyncConnectorBase):  # type: ignore[misc]
        name = f"fake {plugin.name} connector"
        template: Any = None

        def __init__(self) -> None:
            super().__init__(
                task_type_name=plugin.task_type,
                task_type_version=plugin.task_type_version,
            )

        def do(
            self,
            task_template: Any,
            output_prefix: str,
            inputs: Any = None,
            **kwargs: Any,
        ) -> Resource:
            seen.append(task_template)
            self.template = task_template
            return Resource(
                phase=TaskExecution.SUCCEEDED, outputs=_outputs(self.template)
            )

    fake = FakeAsync() if plugin.backend == "webapi-async" else FakeSync()
    ConnectorRegistry.register(fake, override=True)
    try:
        doubled = task(task_config=config)(double)
        assert doubled(n=5) == 42  # the connector's answer, not the function's
        connector_task = _tasks_for(plugin, reg, config)[1]
        assert connector_task(table="events") == 42
        assert len(seen) == 2
        for template in seen:
            assert template.type == plugin.task_type
            assert template.task_type_version == plugin.task_type_version
            same_json(_custom_of_template(template), want)
    finally:
        ConnectorRegistry._REGISTRY.pop(fake.task_category, None)
        ConnectorRegistry._METADATA.pop(fake.name, None)
