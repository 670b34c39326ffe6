"""Drives a connector with concurrent CreateTask → GetTask (until terminal) → DeleteTask
cycles of the `query` task type, over the official flyteidl stubs (grpc.aio), from this
process; prints one JSON line: cycles per second and latency percentiles.

    python load.py --target 127.0.0.1:8000 --cycles 2000 --concurrency 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import grpc
from flyteidl.admin import agent_pb2
from flyteidl.core import execution_pb2, identifier_pb2, tasks_pb2
from flyteidl.service import agent_pb2_grpc
from google.protobuf import json_format, struct_pb2

sys.path.insert(
    0, str(Path(__file__).resolve().parents[2] / "generated" / "python" / "flytekitplugins-query")
)
from flytekitplugins.query import QueryJob, QueryJobPriority  # noqa: E402

PHASE = execution_pb2.TaskExecution
TERMINAL = {PHASE.SUCCEEDED, PHASE.FAILED, PHASE.RETRYABLE_FAILED, PHASE.ABORTED}
CATEGORY = agent_pb2.TaskCategory(name="query", version=0)


def template() -> tasks_pb2.TaskTemplate:
    config = QueryJob(statement="SELECT 1 AS one", priority=QueryJobPriority.INTERACTIVE)
    t = tasks_pb2.TaskTemplate(
        id=identifier_pb2.Identifier(
            resource_type=identifier_pb2.TASK, project="p", domain="d", name="q", version="v1"
        ),
        type="query",
    )
    t.custom.CopyFrom(json_format.ParseDict(config.to_custom(), struct_pb2.Struct()))
    return t


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run(target: str, cycles: int, concurrency: int, poll: float) -> dict[str, object]:
    channel = grpc.aio.insecure_channel(target)
    await asyncio.wait_for(channel.channel_ready(), 60)
    stub = agent_pb2_grpc.AsyncAgentServiceStub(channel)
    request = agent_pb2.CreateTaskRequest(template=template(), output_prefix="s3://b/o")
    cycle_ms: list[float] = []
    rpc_ms: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(cycles):
        queue.put_nowait(i)

    async def call(coro):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        result = await coro
        rpc_ms.append((time.perf_counter() - t) * 1000)
        return result

    async def worker() -> None:
        nonlocal failures
        while not queue.empty():
            queue.get_nowait()
            start = time.perf_counter()
            meta = (await call(stub.CreateTask(request))).resource_meta
            while True:
                got = await call(
                    stub.GetTask(agent_pb2.GetTaskRequest(resource_meta=meta, task_category=CATEGORY))
                )
                if got.resource.phase in TERMINAL:
                    break
                await asyncio.sleep(poll)
            if got.resource.phase != PHASE.SUCCEEDED:
                failures += 1
            await call(
                stub.DeleteTask(agent_pb2.DeleteTaskRequest(resource_meta=meta, task_category=CATEGORY))
            )
            cycle_ms.append((time.perf_counter() - start) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    await channel.close()
    return {
        "cycles": cycles,
        "concurrency": concurrency,
        "failures": failures,
        "seconds": round(elapsed, 3),
        "cycles_per_s": round(cycles / elapsed, 1),
        "cycle_p50_ms": round(statistics.median(cycle_ms), 2),
        "cycle_p99_ms": round(pct(cycle_ms, 99), 2),
        "rpc_p50_ms": round(statistics.median(rpc_ms), 3),
        "rpc_p99_ms": round(pct(rpc_ms, 99), 3),
        "rpcs": len(rpc_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", required=True)
    parser.add_argument("--cycles", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--poll", type=float, default=0.010, help="seconds between GetTask calls")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.target, args.cycles, args.concurrency, args.poll))))


if __name__ == "__main__":
    main()
