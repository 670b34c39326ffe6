"""A Python connector for the `query` task type, served by flytekit's own server
(`pyflyte serve connector --modules py_query_connector`), to compare with the Rust
`query-backend` under the same load (bench/connector/load.py).

It does what the Rust plugin does on each call, as far as a fair comparison needs: `create`
decodes the task's custom with the generated Python package (`flytekitplugins.query`) and
submits a job that runs for 20 ms (the Rust example's interactive query time); `get` reports
it running until then, and then succeeded with the same three outputs; `delete` forgets it.
The Rust backend also talks to its query service over a loopback TCP connection on create,
get and delete, which this connector does not: the comparison favours Python.
"""

from __future__ import annotations

import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flyteidl.core.execution_pb2 import TaskExecution
from flytekit.extend.backend.base_connector import (
    AsyncConnectorBase,
    ConnectorRegistry,
    Resource,
    ResourceMeta,
)

# The generated package of the query plugin, from this repository's generated tree.
sys.path.insert(
    0, str(Path(__file__).resolve().parents[2] / "generated" / "python" / "flytekitplugins-query")
)
from flytekitplugins.query import QueryJob  # noqa: E402

RUN_SECONDS = 0.020
JOBS: dict[str, float] = {}


@dataclass
class QueryMeta(ResourceMeta):
    """The job's id."""

    job_id: str


class QueryConnector(AsyncConnectorBase):
    name = "Python query connector"

    def __init__(self) -> None:
        super().__init__(task_type_name="query", metadata_type=QueryMeta)

    async def create(
        self, task_template: Any, output_prefix: str, inputs: Any = None, **kwargs: Any
    ) -> QueryMeta:
        QueryJob.from_custom(task_template.custom or {})
        job_id = uuid.uuid4().hex
        JOBS[job_id] = time.monotonic() + RUN_SECONDS
        return QueryMeta(job_id=job_id)

    async def get(self, resource_meta: QueryMeta, **kwargs: Any) -> Resource:
        done_at = JOBS.get(resource_meta.job_id)
        if done_at is None:
            return Resource(phase=TaskExecution.RETRYABLE_FAILED, message="unknown job")
        if time.monotonic() < done_at:
            return Resource(phase=TaskExecution.RUNNING, message="the query runs")
        return Resource(
            phase=TaskExecution.SUCCEEDED,
            outputs={"rows": "[[1]]", "row_count": 1, "columns": "one"},
        )

    async def delete(self, resource_meta: QueryMeta, **kwargs: Any) -> None:
        JOBS.pop(resource_meta.job_id, None)


ConnectorRegistry.register(QueryConnector())
