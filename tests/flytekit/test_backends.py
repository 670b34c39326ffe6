"""End to end: what flytekit serializes from the generated Python plugins, served by the Rust
example backends, called with the official ``flyteidl`` gRPC stubs as FlytePropeller calls a
connector.

For each example plugin, a ``@task(task_config=...)`` of its generated package is serialized
offline with ``get_serializable``; the resulting ``TaskTemplate`` goes to the plugin's example
backend (``examples/*-backend``, built with cargo and started on a loopback port) through
``flyteidl.service.agent_pb2_grpc``:

- ``AsyncAgentService``: ``CreateTask``, ``GetTask`` polled to a terminal phase (with the
  outputs of the kinds that have them), ``DeleteTask``, for the web API async (query),
  Kubernetes operator (spark, over the example's in-memory cluster) and core (countdown)
  plugins;
- ``SyncAgentService/ExecuteTaskSync`` for the web API sync plugin (kitchen-sink), whose
  backend echoes the configuration it decoded: the Rust decoder must read exactly what the
  Python encoder wrote;
- ``AgentMetadataService``: ``ListAgents`` and ``GetAgent`` list the plugin's task category.

Failure paths over the same client: a custom that does not decode fails the task
permanently (``NON_RECOVERABLE``, user origin) naming the JSON path; an unknown task category
is ``NOT_FOUND``; a plugin error of system kind is a retryable failure; and resource meta
written before a restart of the backend still resolves after it.

Run with the other flytekit tests: ``.venv/bin/pytest tests/flytekit`` (needs cargo).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BACKENDS = {
    "query": "query-backend",
    "spark": "spark-backend",
    "countdown": "countdown-backend",
    "kitchen-sink": "kitchen-sink-backend",
}


@pytest.fixture(scope="session")
def binaries() -> dict[str, Path]:
    """Builds the example backends once; their paths by plugin name."""
    packages = [arg for crate in BACKENDS.values() for arg in ("-p", crate)]
    subprocess.run(["cargo", "build", "-q", *packages], cwd=REPO, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    target = Path(json.loads(meta.stdout)["target_directory"]) / "debug"
    paths = {plugin: target / crate for plugin, crate in BACKENDS.items()}
    for path in paths.values():
        assert path.exists(), path
    return paths


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Backend:
    """A running example backend and the flyteidl stubs connected to it."""

    def __init__(self, binary: Path) -> None:
        import grpc
        from flyteidl.service import agent_pb2_grpc

        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop)
        port = _free_port()
        self.proc = subprocess.Popen(
            [str(binary), "--address", "127.0.0.1", "--port", str(port)],
            stdout=self.log,
            stderr=self.log,
            env={**os.environ, "RUST_LOG": "info"},
        )
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            grpc.channel_ready_future(self.channel).result(timeout=60)
        except grpc.FutureTimeoutError:
            self.proc.kill()
            raise AssertionError(
                f"{binary.name} did not start:\n{self.logs()}"
            ) from None
        self.tasks = agent_pb2_grpc.AsyncAgentServiceStub(self.channel)
        self.sync = agent_pb2_grpc.SyncAgentServiceStub(self.channel)
        self.metadata = agent_pb2_grpc.AgentMetadataServiceStub(self.channel)

    def logs(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> int:
        """SIGTERM, as Kubernetes stops a pod; the exit code."""
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        finally:
            self.log.close()


@pytest.fixture
def backend(
    binaries: dict[str, Path], request: pytest.FixtureRequest
) -> Iterator[Backend]:
    b = Backend(binaries[request.param])
    yield b
    logs = b.logs()
    assert b.stop() == 0, logs


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


def _template(task: Any) -> Any:
    """The task's TaskTemplate as flytekit registers it, as the flyteidl protobuf."""
    from flytekit.tools.translator import get_serializable

    return get_serializable(OrderedDict(), _settings(), task).template.to_flyte_idl()


def _models(plugin: str) -> Any:
    return importlib.import_module(f"flytekitplugins.{plugin.replace('-', '_')}")


def query_task(**config: Any) -> Any:
    from flytekit import task

    m = _models("query")

    @task(task_config=m.QueryJob(**config))
    def count(n: int) -> int:
        """The connector runs the query; the signature is its interface."""
        return n

    return count


def spark_task(**config: Any) -> Any:
    from flytekit import task

    @task(task_config=_models("spark").SparkJob(**config))
    def double(n: int) -> int:
        return n * 2

    return double


def countdown_task(**config: Any) -> Any:
    from flytekit import task

    @task(task_config=_models("countdown").Countdown(**config))
    def wait(n: int) -> int:
        return n

    return wait


def _inputs(**values: Any) -> Any:
    from flyteidl.core import literals_pb2

    m = literals_pb2.LiteralMap()
    for name, value in values.items():
        primitive = m.literals[name].scalar.primitive
        if isinstance(value, int):
            primitive.integer = value
        else:
            primitive.string_value = str(value)
    return m


def _metadata() -> Any:
    from flyteidl.admin import agent_pb2
    from flyteidl.core import identifier_pb2

    return agent_pb2.TaskExecutionMetadata(
        task_execution_id=identifier_pb2.TaskExecutionIdentifier(
            node_execution_id=identifier_pb2.NodeExecutionIdentifier(
                node_id="n0",
                execution_id=identifier_pb2.WorkflowExecutionIdentifier(
                    project="p", domain="d", name="e2e"
                ),
            ),
        ),
        namespace="p-d",
    )


def _category(template: Any) -> Any:
    from flyteidl.admin import agent_pb2

    return agent_pb2.TaskCategory(
        name=template.type, version=template.task_type_version
    )


def create(b: Backend, template: Any, **inputs: Any) -> bytes:
    from flyteidl.admin import agent_pb2

    response = b.tasks.CreateTask(
        agent_pb2.CreateTaskRequest(
            inputs=_inputs(**inputs),
            template=template,
            output_prefix="s3://bucket/e2e",
            task_execution_metadata=_metadata(),
        )
    )
    assert response.resource_meta, "CreateTask returns resource meta"
    return bytes(response.resource_meta)


def poll(b: Backend, template: Any, meta: bytes) -> Any:
    """GetTask until the phase is terminal; the last resource."""
    from flyteidl.admin import agent_pb2
    from flyteidl.core import execution_pb2

    phase = execution_pb2.TaskExecution
    terminal = {phase.SUCCEEDED, phase.FAILED, phase.RETRYABLE_FAILED, phase.ABORTED}
    deadline = time.monotonic() + 60
    while True:
        resource = b.tasks.GetTask(
            agent_pb2.GetTaskRequest(
                resource_meta=meta,
                task_category=_category(template),
                output_prefix="s3://bucket/e2e",
            )
        ).resource
        if resource.phase in terminal:
            return resource
        assert time.monotonic() < deadline, f"still {resource.phase}: {b.logs()}"
        time.sleep(0.05)


def delete(b: Backend, template: Any, meta: bytes) -> None:
    from flyteidl.admin import agent_pb2

    b.tasks.DeleteTask(
        agent_pb2.DeleteTaskRequest(
            resource_meta=meta, task_category=_category(template)
        )
    )


def _output(resource: Any, name: str) -> Any:
    primitive = resource.outputs.literals[name].scalar.primitive
    return getattr(primitive, primitive.WhichOneof("value"))


def _succeeded(resource: Any) -> None:
    from flyteidl.core import execution_pb2

    assert resource.phase == execution_pb2.TaskExecution.SUCCEEDED, resource


def _failed(resource: Any, *, retryable: bool) -> None:
    from flyteidl.admin import agent_pb2
    from flyteidl.core import execution_pb2

    phase = execution_pb2.TaskExecution
    if retryable:
        assert resource.phase == phase.RETRYABLE_FAILED, resource
        assert resource.agent_error.kind == agent_pb2.AgentError.RECOVERABLE
        assert resource.agent_error.origin == execution_pb2.ExecutionError.SYSTEM
    else:
        assert resource.phase == phase.FAILED, resource
        assert resource.agent_error.kind == agent_pb2.AgentError.NON_RECOVERABLE


# --- The three kinds served through CreateTask/GetTask/DeleteTask ---------------------------


@pytest.mark.parametrize("backend", ["query"], indirect=True)
def test_webapi_async_query(backend: Backend) -> None:
    m = _models("query")
    template = _template(
        query_task(statement="SELECT @n AS n", priority=m.QueryJobPriority.INTERACTIVE)
    )
    assert template.type == "query"
    meta = create(backend, template, n=5)
    resource = poll(backend, template, meta)
    _succeeded(resource)
    assert _output(resource, "row_count") == 1
    assert json.loads(_output(resource, "rows")) == [[5]]
    assert _output(resource, "columns") == "n"
    delete(backend, template, meta)


@pytest.mark.parametrize("backend", ["spark"], indirect=True)
def test_k8s_spark(backend: Backend) -> None:
    template = _template(spark_task(main_application_file="local:///app/main.py"))
    assert template.type == "spark"
    assert template.container.image, "a Kubernetes operator task runs a container"
    meta = create(backend, template, n=3)
    _succeeded(poll(backend, template, meta))
    delete(backend, template, meta)


@pytest.mark.parametrize("backend", ["countdown"], indirect=True)
def test_core_countdown(backend: Backend) -> None:
    template = _template(countdown_task(ticks=2))
    assert template.type == "countdown"
    meta = create(backend, template, n=1)
    resource = poll(backend, template, meta)
    _succeeded(resource)
    assert _output(resource, "ticks") == 2
    delete(backend, template, meta)


# --- The sync kind through ExecuteTaskSync -------------------------------------------------


def execute_sync(b: Backend, template: Any, **inputs: Any) -> list[Any]:
    from flyteidl.admin import agent_pb2

    header = agent_pb2.CreateRequestHeader(
        template=template,
        output_prefix="s3://bucket/e2e",
        task_execution_metadata=_metadata(),
    )
    requests = iter(
        [
            agent_pb2.ExecuteTaskSyncRequest(header=header),
            agent_pb2.ExecuteTaskSyncRequest(inputs=_inputs(**inputs)),
        ]
    )
    return list(b.sync.ExecuteTaskSync(requests))


@pytest.mark.parametrize("backend", ["kitchen-sink"], indirect=True)
def test_webapi_sync_kitchen_sink_echoes_what_python_wrote(backend: Backend) -> None:
    from flytekit import task

    m = _models("kitchen-sink")
    config = m.KitchenSink(
        scalars=m.Scalars(
            f_int64=2**63 - 1, f_double=0.1, f_string="é😀", f_bytes=b"\x00\xff"
        ),
        optionals=m.Optionals(o_bool=False, o_int32=0),
        repeats=m.Repeats(r_color=[m.Color.GREEN, 7]),
        maps=m.Maps(k_int64={-3: "x"}, v_value={"v": {"k": [1.5, None, True]}}),
        choice_color=m.Color.RED,
        timeout_sec=-(2**63),
        renamed="json name",
    )

    @task(task_config=config)
    def sink(n: int) -> str:
        """The connector runs the task."""
        return str(n)

    template = _template(sink)
    assert template.type == "kitchen_sink" and template.task_type_version == 1
    responses = execute_sync(backend, template, n=1)
    assert responses[0].WhichOneof("res") == "header"
    resource = responses[0].header.resource
    _succeeded(resource)
    # The backend encodes what it decoded: the Rust codec read the Struct flytekit carried as
    # exactly the value the Python codec wrote.
    assert _output(resource, "config") == config.to_custom_json()
    assert _output(resource, "unknown_keys") == 0


# --- Metadata ------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", list(BACKENDS), indirect=True)
def test_list_and_get_agents(backend: Backend, request: pytest.FixtureRequest) -> None:
    from flyteidl.admin import agent_pb2

    plugin = request.node.callspec.params["backend"]
    agents = backend.metadata.ListAgents(agent_pb2.ListAgentsRequest()).agents
    categories = {
        (c.name, c.version) for a in agents for c in a.supported_task_categories
    }
    task_type = plugin.replace("-", "_")
    version = 1 if plugin == "kitchen-sink" else 0
    assert (task_type, version) in categories, agents
    agent = next(
        a
        for a in agents
        if any(c.name == task_type for c in a.supported_task_categories)
    )
    again = backend.metadata.GetAgent(agent_pb2.GetAgentRequest(name=agent.name)).agent
    assert again == agent
    assert agent.is_sync == (plugin == "kitchen-sink")


# --- Failure paths -------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["countdown"], indirect=True)
def test_bad_custom_fails_permanently_and_names_the_path(backend: Backend) -> None:
    from google.protobuf import json_format, struct_pb2

    template = _template(countdown_task(ticks=2))
    # What no SDK writes but a hand-made or drifted template can hold.
    template.custom.CopyFrom(
        json_format.ParseDict({"ticks": "soon"}, struct_pb2.Struct())
    )
    meta = create(backend, template)
    resource = poll(backend, template, meta)
    _failed(resource, retryable=False)
    assert resource.agent_error.code == "BadTaskSpecification"
    assert "ticks" in resource.message, resource.message
    delete(backend, template, meta)


@pytest.mark.parametrize("backend", ["query"], indirect=True)
def test_unknown_task_category_is_not_found(backend: Backend) -> None:
    import grpc

    template = _template(query_task(statement="SELECT 1"))
    template.type = "no_such_task_type"
    with pytest.raises(grpc.RpcError) as err:
        create(backend, template)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert "no_such_task_type" in err.value.details()


@pytest.mark.parametrize("backend", ["spark"], indirect=True)
def test_system_error_is_retryable(backend: Backend) -> None:
    # The example's Spark operator fails an application whose main file says so; the
    # plugin reports that as a downstream system error.
    template = _template(spark_task(main_application_file="local:///app/fail.py"))
    meta = create(backend, template)
    resource = poll(backend, template, meta)
    _failed(resource, retryable=True)
    assert "failed" in resource.message
    delete(backend, template, meta)


def test_resource_meta_resolves_after_a_restart(binaries: dict[str, Path]) -> None:
    # Core: the task's state travels in its resource meta, so a new process carries on.
    template = _template(countdown_task(ticks=3))
    before = Backend(binaries["countdown"])
    meta = create(before, template, n=1)
    assert before.stop() == 0
    after = Backend(binaries["countdown"])
    try:
        resource = poll(after, template, meta)
        _succeeded(resource)
        assert _output(resource, "ticks") == 3
        delete(after, template, meta)
    finally:
        assert after.stop() == 0

    # Web API: the meta still decodes after the restart; the job it names died with the old
    # process's query service, which the plugin reports as a retryable system error.
    template = _template(query_task(statement="SELECT 1 AS one"))
    before = Backend(binaries["query"])
    meta = create(before, template)
    assert before.stop() == 0
    after = Backend(binaries["query"])
    try:
        _failed(poll(after, template, meta), retryable=True)
        delete(after, template, meta)
    finally:
        assert after.stop() == 0
