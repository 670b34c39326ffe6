"""Wire compatibility of flyteplug's Rust connector with Flyte's connector protocol.

The reference is the official `flyteidl` package: its descriptors (for the schema
check) and its gRPC stubs `flyteidl.service.agent_pb2_grpc` (for the calls). The
server under test is the `toy_connector` example of the runtime crate, built with
cargo and started on a loopback port.

Run: `python -m pytest runtime/tests/python` (needs cargo on PATH and the packages of
requirements.txt).
"""

from __future__ import annotations

import json
import os
import pathlib
import select
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator

import grpc
import pytest
from flyteidl.admin import agent_pb2
from flyteidl.core import (
    execution_pb2,
    identifier_pb2,
    literals_pb2,
    tasks_pb2,
)
from flyteidl.service import agent_pb2 as service_agent_pb2
from flyteidl.service import agent_pb2_grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, struct_pb2

REPO = pathlib.Path(__file__).resolve().parents[3]
PHASE = execution_pb2.TaskExecution
TERMINAL = {PHASE.SUCCEEDED, PHASE.FAILED, PHASE.RETRYABLE_FAILED, PHASE.ABORTED}


@pytest.fixture(scope="session")
def binary() -> pathlib.Path:
    """Builds the toy connector once and returns its path."""
    subprocess.run(
        [
            "cargo",
            "build",
            "-q",
            "-p",
            "flyteplug-runtime",
            "--example",
            "toy_connector",
        ],
        cwd=REPO,
        check=True,
    )
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    target = pathlib.Path(json.loads(meta.stdout)["target_directory"])
    path = target / "debug" / "examples" / "toy_connector"
    assert path.exists(), path
    return path


class Connector:
    """A running toy connector process and a channel to it."""

    def __init__(self, binary: pathlib.Path) -> None:
        # Kept open for the process lifetime; closed with the object.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(binary), "--address", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=self.log,
            env={**os.environ, "RUST_LOG": "info"},
        )
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline().decode() if ready else ""
        assert line.startswith("LISTENING "), (
            f"no LISTENING line: {line!r} {self.logs()}"
        )
        self.address = line.split()[1]
        self.channel = grpc.insecure_channel(self.address)
        grpc.channel_ready_future(self.channel).result(timeout=30)
        self.async_stub = agent_pb2_grpc.AsyncAgentServiceStub(self.channel)
        self.sync_stub = agent_pb2_grpc.SyncAgentServiceStub(self.channel)
        self.metadata_stub = agent_pb2_grpc.AgentMetadataServiceStub(self.channel)

    def logs(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> int:
        """Sends SIGTERM (as Kubernetes does) and returns the exit code."""
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def connector(binary: pathlib.Path) -> Iterator[Connector]:
    c = Connector(binary)
    yield c
    assert c.stop() == 0, c.logs()


def template(task_type: str, custom: dict | None = None) -> tasks_pb2.TaskTemplate:
    t = tasks_pb2.TaskTemplate(
        id=identifier_pb2.Identifier(
            resource_type=identifier_pb2.TASK,
            project="p",
            domain="d",
            name="t",
            version="v1",
        ),
        type=task_type,
        task_type_version=0,
    )
    if custom is not None:
        t.custom.CopyFrom(json_format.ParseDict(custom, struct_pb2.Struct()))
    return t


def metadata() -> agent_pb2.TaskExecutionMetadata:
    return agent_pb2.TaskExecutionMetadata(
        task_execution_id=identifier_pb2.TaskExecutionIdentifier(
            node_execution_id=identifier_pb2.NodeExecutionIdentifier(
                node_id="n0",
                execution_id=identifier_pb2.WorkflowExecutionIdentifier(
                    project="p", domain="d", name="exec1"
                ),
            ),
            retry_attempt=0,
        ),
        namespace="p-d",
        labels={"team": "ml"},
    )


def literal_map(**values: object) -> literals_pb2.LiteralMap:
    m = literals_pb2.LiteralMap()
    for name, value in values.items():
        p = m.literals[name].scalar.primitive
        if isinstance(value, str):
            p.string_value = value
        elif isinstance(value, int):
            p.integer = value
        else:
            raise TypeError(value)
    return m


def category(task_type: str) -> agent_pb2.TaskCategory:
    return agent_pb2.TaskCategory(name=task_type, version=0)


def create(
    c: Connector, task_type: str, custom: dict | None = None, **inputs: object
) -> bytes:
    response = c.async_stub.CreateTask(
        agent_pb2.CreateTaskRequest(
            inputs=literal_map(**inputs),
            template=template(task_type, custom),
            output_prefix="s3://bucket/out",
            task_execution_metadata=metadata(),
        )
    )
    assert isinstance(response, agent_pb2.CreateTaskResponse)
    return response.resource_meta


def get(c: Connector, task_type: str, meta: bytes) -> agent_pb2.Resource:
    response = c.async_stub.GetTask(
        agent_pb2.GetTaskRequest(
            resource_meta=meta,
            task_category=category(task_type),
            output_prefix="s3://bucket/out",
        )
    )
    return response.resource


def poll(
    c: Connector, task_type: str, meta: bytes
) -> tuple[agent_pb2.Resource, list[int]]:
    deadline = time.monotonic() + 30
    seen: list[int] = []
    while True:
        r = get(c, task_type, meta)
        if not seen or seen[-1] != r.phase:
            seen.append(r.phase)
        if r.phase in TERMINAL:
            return r, seen
        assert time.monotonic() < deadline, seen
        time.sleep(0.02)


def delete(c: Connector, task_type: str, meta: bytes) -> None:
    response = c.async_stub.DeleteTask(
        agent_pb2.DeleteTaskRequest(
            resource_meta=meta, task_category=category(task_type)
        )
    )
    assert isinstance(response, agent_pb2.DeleteTaskResponse)


def primitive(m: literals_pb2.LiteralMap, name: str) -> object:
    p = m.literals[name].scalar.primitive
    return getattr(p, p.WhichOneof("value"))


# --- the schema ---


def test_schema_matches_flyteidl(binary: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Every message, field, enum value, service and method of the runtime's own
    .proto files is the same as in the published schema: name, number, label, type,
    type name, JSON name, oneof, deprecation; and no message leaves out a field."""
    out = tmp_path / "fds.bin"
    subprocess.run([str(binary), "--write-descriptor-set", str(out)], check=True)
    ours = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    official = descriptor_pool.Default()
    assert service_agent_pb2.DESCRIPTOR.name == "flyteidl/service/agent.proto"

    problems: list[str] = []
    checked_fields = 0
    defined: set[str] = set()

    def check_enum(e: descriptor_pb2.EnumDescriptorProto, scope: str) -> None:
        full = f"{scope}.{e.name}"
        defined.add(full)
        theirs = official.FindEnumTypeByName(full)
        mine = [(v.name, v.number) for v in e.value]
        want = [(v.name, v.number) for v in theirs.values]
        if mine != want:
            problems.append(f"enum {full}: {mine} != {want}")

    def check_message(m: descriptor_pb2.DescriptorProto, scope: str) -> None:
        nonlocal checked_fields
        full = f"{scope}.{m.name}"
        defined.add(full)
        theirs = descriptor_pb2.DescriptorProto()
        official.FindMessageTypeByName(full).CopyToProto(theirs)
        by_number = {f.number: f for f in theirs.field}
        for f in m.field:
            checked_fields += 1
            t = by_number.get(f.number)
            if t is None:
                problems.append(f"{full}.{f.name}: no field {f.number} in flyteidl")
                continue
            for attr in (
                "name",
                "label",
                "type",
                "type_name",
                "json_name",
                "proto3_optional",
            ):
                if getattr(f, attr) != getattr(t, attr):
                    problems.append(f"{full}.{f.name}: {attr} {getattr(f, attr)!r}")
            mine_oneof = (
                m.oneof_decl[f.oneof_index].name if f.HasField("oneof_index") else None
            )
            their_oneof = (
                theirs.oneof_decl[t.oneof_index].name
                if t.HasField("oneof_index")
                else None
            )
            if mine_oneof != their_oneof:
                problems.append(f"{full}.{f.name}: oneof {mine_oneof} != {their_oneof}")
            if f.options.deprecated != t.options.deprecated:
                problems.append(f"{full}.{f.name}: deprecation differs")
        missing = sorted(set(by_number) - {f.number for f in m.field})
        if missing:
            problems.append(f"{full}: leaves out fields {missing}")
        if m.options.map_entry != theirs.options.map_entry:
            problems.append(f"{full}: map_entry differs")
        for e in m.enum_type:
            check_enum(e, full)
        for n in m.nested_type:
            check_message(n, full)

    for f in ours.file:
        if f.package == "google.protobuf":
            continue
        for e in f.enum_type:
            check_enum(e, f.package)
        for m in f.message_type:
            check_message(m, f.package)
        for s in f.service:
            theirs = official.FindServiceByName(f"{f.package}.{s.name}")
            assert [m.name for m in s.method] == [m.name for m in theirs.methods]
            for m, t in zip(s.method, theirs.methods, strict=True):
                mine = (m.input_type.lstrip("."), m.output_type.lstrip("."))
                want = (t.input_type.full_name, t.output_type.full_name)
                streaming = (m.client_streaming, m.server_streaming)
                want_streaming = (t.client_streaming, t.server_streaming)
                if mine != want or streaming != want_streaming:
                    problems.append(f"{s.name}.{m.name}: {mine} {streaming}")

    assert problems == []
    assert checked_fields > 300
    # Every message and enum of the connector's own file is there.
    for name in agent_pb2.DESCRIPTOR.message_types_by_name:
        assert f"flyteidl.admin.{name}" in defined, name
    for name in agent_pb2.DESCRIPTOR.enum_types_by_name:
        assert f"flyteidl.admin.{name}" in defined, name


# --- the metadata service ---


def test_list_and_get_agents(connector: Connector) -> None:
    agents = connector.metadata_stub.ListAgents(agent_pb2.ListAgentsRequest()).agents
    got = {
        a.name: ([(c.name, c.version) for c in a.supported_task_categories], a.is_sync)
        for a in agents
    }
    assert got == {
        "Toy Async Connector": ([("toy_async", 0)], False),
        "Toy Sync Connector": ([("toy_sync", 0)], True),
        "Toy Core Plugin": ([("toy_core", 0)], False),
        "Toy K8s Plugin": ([("toy_k8s", 0)], False),
    }
    agent = connector.metadata_stub.GetAgent(
        agent_pb2.GetAgentRequest(name="Toy Async Connector")
    ).agent
    assert [c.name for c in agent.supported_task_categories] == ["toy_async"]
    with pytest.raises(grpc.RpcError) as err:
        connector.metadata_stub.GetAgent(agent_pb2.GetAgentRequest(name="nope"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


# --- the async service ---


def test_async_create_get_delete(connector: Connector) -> None:
    meta = create(
        connector, "toy_async", {"sleepMs": 1000, "greeting": "Hi"}, name="Flyte"
    )
    done, seen = poll(connector, "toy_async", meta)
    assert seen == [PHASE.RUNNING, PHASE.SUCCEEDED]
    assert primitive(done.outputs, "message") == "Hi, Flyte!"
    assert primitive(done.outputs, "length") == 10
    assert not done.HasField("agent_error")
    assert done.log_links[0].name == "toy log"
    assert json_format.MessageToDict(done.custom_info)["jobId"]
    delete(connector, "toy_async", meta)


def test_missing_custom_is_the_default_message(connector: Connector) -> None:
    meta = create(connector, "toy_async", None)
    done, _ = poll(connector, "toy_async", meta)
    assert done.phase == PHASE.SUCCEEDED
    assert primitive(done.outputs, "message") == "Hello, world!"
    delete(connector, "toy_async", meta)


def test_deprecated_task_type_still_routes(connector: Connector) -> None:
    meta = create(connector, "toy_async", {})
    r = connector.async_stub.GetTask(
        agent_pb2.GetTaskRequest(task_type="toy_async", resource_meta=meta)
    )
    assert r.resource.phase == PHASE.SUCCEEDED
    connector.async_stub.DeleteTask(
        agent_pb2.DeleteTaskRequest(task_type="toy_async", resource_meta=meta)
    )


def test_core_plugin(connector: Connector) -> None:
    meta = create(connector, "toy_core", {"steps": 3})
    done, _ = poll(connector, "toy_core", meta)
    assert done.phase == PHASE.SUCCEEDED
    assert primitive(done.outputs, "calls") == 3
    delete(connector, "toy_core", meta)


def test_k8s_plugin(connector: Connector) -> None:
    meta = create(connector, "toy_k8s", {"greeting": "Yo"})
    _, seen = poll(connector, "toy_k8s", meta)
    assert seen == [PHASE.QUEUED, PHASE.RUNNING, PHASE.SUCCEEDED]
    delete(connector, "toy_k8s", meta)


# --- the sync service ---


def execute_sync(
    c: Connector, task_type: str, custom: dict | None, inputs: literals_pb2.LiteralMap
) -> list[agent_pb2.ExecuteTaskSyncResponse]:
    header = agent_pb2.CreateRequestHeader(
        template=template(task_type, custom),
        output_prefix="s3://bucket/out",
        task_execution_metadata=metadata(),
    )
    requests = iter(
        [
            agent_pb2.ExecuteTaskSyncRequest(header=header),
            agent_pb2.ExecuteTaskSyncRequest(inputs=inputs),
        ]
    )
    return list(c.sync_stub.ExecuteTaskSync(requests))


def test_execute_task_sync(connector: Connector) -> None:
    responses = execute_sync(connector, "toy_sync", {"factor": 3}, literal_map(x=14))
    assert len(responses) == 1
    assert responses[0].WhichOneof("res") == "header"
    resource = responses[0].header.resource
    assert resource.phase == PHASE.SUCCEEDED
    assert primitive(resource.outputs, "y") == 42


def test_execute_task_sync_failure_is_in_the_resource(connector: Connector) -> None:
    responses = execute_sync(
        connector, "toy_sync", {"fail": "system"}, literal_map(x=1)
    )
    resource = responses[0].header.resource
    assert resource.phase == PHASE.RETRYABLE_FAILED
    assert resource.agent_error.kind == agent_pb2.AgentError.RECOVERABLE
    assert resource.agent_error.origin == execution_pb2.ExecutionError.SYSTEM


# --- failure paths ---


def test_unknown_category_is_not_found(connector: Connector) -> None:
    with pytest.raises(grpc.RpcError) as err:
        create(connector, "no_such_task_type", {})
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert '"no_such_task_type" version 0' in err.value.details()
    with pytest.raises(grpc.RpcError) as err:
        execute_sync(connector, "no_such_sync_type", {}, literal_map())
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert "no_such_sync_type" in err.value.details()


def test_bad_custom_is_non_recoverable_and_names_the_path(connector: Connector) -> None:
    meta = create(connector, "toy_async", {"sleepMs": "soon"})
    r = get(connector, "toy_async", meta)
    assert r.phase == PHASE.FAILED
    assert r.agent_error.code == "BadTaskSpecification"
    assert r.agent_error.kind == agent_pb2.AgentError.NON_RECOVERABLE
    assert r.agent_error.origin == execution_pb2.ExecutionError.USER
    assert "sleepMs: expected a non-negative integer" in r.message
    delete(connector, "toy_async", meta)


def test_system_error_is_retryable(connector: Connector) -> None:
    meta = create(connector, "toy_async", {"fail": "system"})
    r = get(connector, "toy_async", meta)
    assert r.phase == PHASE.RETRYABLE_FAILED
    assert r.agent_error.kind == agent_pb2.AgentError.RECOVERABLE
    assert r.agent_error.origin == execution_pb2.ExecutionError.SYSTEM
    assert r.agent_error.code == "ToyServiceUnavailable"
    delete(connector, "toy_async", meta)


def test_resource_meta_survives_a_restart(binary: pathlib.Path) -> None:
    before = Connector(binary)
    async_meta = create(before, "toy_async", {"sleepMs": 300}, name="again")
    core_meta = create(before, "toy_core", {"steps": 4})
    assert before.stop() == 0, before.logs()

    after = Connector(binary)
    try:
        done, _ = poll(after, "toy_async", async_meta)
        assert done.phase == PHASE.SUCCEEDED
        assert primitive(done.outputs, "message") == "Hello, again!"
        done, _ = poll(after, "toy_core", core_meta)
        assert done.phase == PHASE.SUCCEEDED
        assert primitive(done.outputs, "calls") == 4
        delete(after, "toy_async", async_meta)
        delete(after, "toy_core", core_meta)
    finally:
        assert after.stop() == 0, after.logs()
