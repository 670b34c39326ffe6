"""The Go and TypeScript task types build TaskTemplates that the official `flyteidl` accepts.

DESIGN.md section 7: "A TaskTemplate built by the Go or TypeScript task class must parse with the
official `flyteidl` Python package (`json_format.Parse` into `flyteidl.core.tasks_pb2.TaskTemplate`)
and carry the same custom."

A small Go program and a small TypeScript script (compiled with tsc, run with node) import the
generated spark (k8s), query (web API async) and kitchen-sink (web API sync, task type version 1)
packages, build a task for each case below, and print its `TaskTemplate()` / `taskTemplate()`
text. For each printed template this test checks, independently of the generator:

- `json_format.Parse` (strict: an unknown field is an error) reads it as a `TaskTemplate`;
- type, task type version, id (resource type TASK, project, domain, name, version), metadata
  retries, and the container (image and args for k8s; none for web API plugins);
- the custom equals the custom of the same config built with the generated Python package
  (`to_custom()`), compared as JSON and through a `google.protobuf.Struct`; an empty config leaves
  `custom` unset, as flytekit does;
- the text is the contract's canonical string of what the official runtime prints for the parsed
  message (the reference canonicalizer of tests/oracle, written from docs/json-contract.md), so
  the template's own fields follow the custom JSON contract too;
- Go and TypeScript print the same bytes (apart from the runtime flavor).

Environment:

| variable | default | meaning |
|---|---|---|
| `FLYTEPLUG_GENERATED` | `<repo>/generated` | the generated tree whose packages are used |
| `TSC` | `<repo>/tools/node_modules/.bin/tsc` | the TypeScript compiler |

Run: `.venv/bin/pytest tests/tasktemplate -q` (needs go, node, and flyteidl in the venv).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flyteidl.core import identifier_pb2, tasks_pb2
from google.protobuf import json_format, struct_pb2

REPO = Path(__file__).resolve().parents[2]
GENERATED = Path(os.environ.get("FLYTEPLUG_GENERATED", REPO / "generated")).resolve()
TSC = os.environ.get("TSC") or str(REPO / "tools" / "node_modules" / ".bin" / "tsc")

sys.path.insert(0, str(REPO / "tests" / "oracle"))
import oracle_reference as ref

PLUGINS = ["spark", "query", "kitchen-sink"]
for _plugin in PLUGINS:
    sys.path.insert(0, str(GENERATED / "python" / f"flytekitplugins-{_plugin}"))

from flytekitplugins import kitchen_sink as py_kitchen
from flytekitplugins import query as py_query
from flytekitplugins import spark as py_spark

# ---------------------------------------------------------------------------------------------
# The cases, written once per language with the same values.

# 2^53 + 1: an int64 that a double cannot hold; it must travel as the string "9007199254740993".
BIG = 9007199254740993


def py_configs() -> dict[str, Any]:
    """The config of each case, built with the generated Python package."""
    spark_full = py_spark.SparkJob(
        application_type=py_spark.SparkJobApplicationType.SCALA,
        main_application_file="local:///opt/app/main.py",
        main_class="com.acme.Main",
        spark_conf={"spark.executor.cores": "4", "spark.driver.memory": "2g"},
        databricks_conf={
            "cluster": {"num_workers": 2, "spot": True},
            "name": 'é ✓ "q"',
        },
        databricks_token="tok",
        driver=py_spark.SparkJobPodSpec(
            resources=py_spark.Resources(cpu="1", memory="2Gi", gpu=1),
            instances=1,
            labels={"team": "data"},
        ),
        executor=py_spark.SparkJobPodSpec(instances=4),
        retry_backoff_seconds=BIG,
    )
    query_full = py_query.QueryJob(
        statement="SELECT * FROM t WHERE id = @id",
        dataset="analytics",
        timeout=py_query.Duration(90, 500_000_000),
        retry_count=2,
        poll_interval_sec=10,
        priority=py_query.QueryJobPriority.BATCH,
        max_rows=0,
        parameters=[
            py_query.QueryParameter(name="id", int_value=42),
            py_query.QueryParameter(name="ratio", float_value=0.25),
            py_query.QueryParameter(name="s", string_value='x"y'),
        ],
        labels={"cost-center": "42"},
        use_cache=False,
    )
    return {
        "spark_full": spark_full,
        "spark_default": py_spark.SparkJob(),
        "query_full": query_full,
        "kitchen_default": py_kitchen.KitchenSink(),
    }


# What each case's task holds besides the config, and which plugin it belongs to.
EXPECTED: dict[str, dict[str, Any]] = {
    "spark_full": {
        "type": "spark",
        "version": 0,
        "id": ("flytesnacks", "development", "etl.load_users", "v1"),
        "retries": 3,
        "container": (
            "ghcr.io/acme/spark:3.5",
            ["pyflyte-execute", "--inputs", "s3://b/in"],
        ),
    },
    "spark_default": {
        "type": "spark",
        "version": 0,
        "id": ("", "", "noop", ""),
        "retries": 0,
        "container": ("", []),
    },
    "query_full": {
        "type": "query",
        "version": 0,
        "id": ("p", "d", "daily_report", "abc123"),
        "retries": 1,
        "container": None,
    },
    "kitchen_default": {
        "type": "kitchen_sink",
        "version": 1,
        "id": ("p", "d", "kitchen", "v2"),
        "retries": 0,
        "container": None,
    },
}

GO_MAIN = r"""package main

import (
	"fmt"
	"os"

	kitchensink "MODULE_kitchen-sink"
	"MODULE_query"
	"MODULE_spark"
)

func emit(name string, template []byte, err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, name, err)
		os.Exit(1)
	}
	fmt.Printf("%s\t%s\n", name, template)
}

func main() {
	var backoff int64 = 9007199254740993
	sparkFull := &spark.SparkTask{
		Name:    "etl.load_users",
		Project: "flytesnacks",
		Domain:  "development",
		Version: "v1",
		Config: &spark.SparkJob{
			ApplicationType:     spark.SparkJobApplicationType_SCALA,
			MainApplicationFile: "local:///opt/app/main.py",
			MainClass:           "com.acme.Main",
			SparkConf:           map[string]string{"spark.executor.cores": "4", "spark.driver.memory": "2g"},
			DatabricksConf: map[string]any{
				"cluster": map[string]any{"num_workers": 2, "spot": true},
				"name":    "é ✓ \"q\"",
			},
			DatabricksToken: "tok",
			Driver: &spark.SparkJobPodSpec{
				Resources: &spark.Resources{Cpu: "1", Memory: "2Gi", Gpu: 1},
				Instances: 1,
				Labels:    map[string]string{"team": "data"},
			},
			Executor:            &spark.SparkJobPodSpec{Instances: 4},
			RetryBackoffSeconds: backoff,
		},
		Image:   "ghcr.io/acme/spark:3.5",
		Args:    []string{"pyflyte-execute", "--inputs", "s3://b/in"},
		Retries: 3,
	}
	t, err := sparkFull.TaskTemplate()
	emit("spark_full", t, err)

	t, err = (&spark.SparkTask{Name: "noop"}).TaskTemplate()
	emit("spark_default", t, err)

	var zero int64
	useCache := false
	intValue := int64(42)
	floatValue := 0.25
	stringValue := "x\"y"
	queryFull := &query.QueryTask{
		Name:    "daily_report",
		Project: "p",
		Domain:  "d",
		Version: "abc123",
		Config: &query.QueryJob{
			Statement:       "SELECT * FROM t WHERE id = @id",
			Dataset:         "analytics",
			Timeout:         &query.Duration{Seconds: 90, Nanos: 500000000},
			RetryCount:      2,
			PollIntervalSec: 10,
			Priority:        query.QueryJobPriority_BATCH,
			MaxRows:         &zero,
			Parameters: []*query.QueryParameter{
				{Name: "id", IntValue: &intValue},
				{Name: "ratio", FloatValue: &floatValue},
				{Name: "s", StringValue: &stringValue},
			},
			Labels:   map[string]string{"cost-center": "42"},
			UseCache: &useCache,
		},
		Retries: 1,
	}
	t, err = queryFull.TaskTemplate()
	emit("query_full", t, err)

	kitchen := &kitchensink.KitchenSinkTask{Name: "kitchen", Project: "p", Domain: "d", Version: "v2"}
	t, err = kitchen.TaskTemplate()
	emit("kitchen_default", t, err)
}
"""

TS_MAIN = r"""import * as kitchen from "../../kitchen-sink/src/index.js";
import * as query from "../../query/src/index.js";
import * as spark from "../../spark/src/index.js";

declare const console: { log(text: string): void };

function emit(name: string, template: string): void {
  console.log(`${name}\t${template}`);
}

const sparkFull = new spark.SparkTask({
  name: "etl.load_users",
  project: "flytesnacks",
  domain: "development",
  version: "v1",
  config: new spark.SparkJob({
    applicationType: spark.SparkJobApplicationType.SCALA,
    mainApplicationFile: "local:///opt/app/main.py",
    mainClass: "com.acme.Main",
    sparkConf: new Map([
      ["spark.executor.cores", "4"],
      ["spark.driver.memory", "2g"],
    ]),
    databricksConf: { cluster: { num_workers: 2, spot: true }, name: 'é ✓ "q"' },
    databricksToken: "tok",
    driver: new spark.SparkJobPodSpec({
      resources: new spark.Resources({ cpu: "1", memory: "2Gi", gpu: 1 }),
      instances: 1,
      labels: new Map([["team", "data"]]),
    }),
    executor: new spark.SparkJobPodSpec({ instances: 4 }),
    retryBackoffSeconds: 9007199254740993n,
  }),
  image: "ghcr.io/acme/spark:3.5",
  args: ["pyflyte-execute", "--inputs", "s3://b/in"],
  retries: 3,
});
emit("spark_full", sparkFull.taskTemplate());

emit("spark_default", new spark.SparkTask({ name: "noop" }).taskTemplate());

const queryFull = new query.QueryTask({
  name: "daily_report",
  project: "p",
  domain: "d",
  version: "abc123",
  config: new query.QueryJob({
    statement: "SELECT * FROM t WHERE id = @id",
    dataset: "analytics",
    timeout: new query.Duration({ seconds: 90n, nanos: 500000000 }),
    retryCount: 2,
    pollIntervalSec: 10,
    priority: query.QueryJobPriority.BATCH,
    maxRows: 0n,
    parameters: [
      new query.QueryParameter({ name: "id", value: { case: "intValue", value: 42n } }),
      new query.QueryParameter({ name: "ratio", value: { case: "floatValue", value: 0.25 } }),
      new query.QueryParameter({ name: "s", value: { case: "stringValue", value: 'x"y' } }),
    ],
    labels: new Map([["cost-center", "42"]]),
    useCache: false,
  }),
  retries: 1,
});
emit("query_full", queryFull.taskTemplate());

const kitchenTask = new kitchen.KitchenSinkTask({
  name: "kitchen",
  project: "p",
  domain: "d",
  version: "v2",
});
emit("kitchen_default", kitchenTask.taskTemplate());
"""

TS_CONFIG = {
    "compilerOptions": {
        "target": "ES2022",
        "lib": ["ES2022"],
        "module": "NodeNext",
        "moduleResolution": "NodeNext",
        "types": [],
        "strict": True,
        "exactOptionalPropertyTypes": True,
        "noUncheckedIndexedAccess": True,
        "rootDir": "..",
        "outDir": "../dist",
    },
    "files": ["src/main.ts"],
}


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    )
    return proc.stdout


def parse_lines(out: str) -> dict[str, str]:
    lines = {}
    for line in out.splitlines():
        name, text = line.split("\t", 1)
        lines[name] = text
    assert sorted(lines) == sorted(EXPECTED), lines.keys()
    return lines


def go_module(plugin: str) -> str:
    for line in (GENERATED / "go" / plugin / "go.mod").read_text().splitlines():
        if line.startswith("module "):
            return line.split()[1]
    raise AssertionError(f"no module line in go/{plugin}/go.mod")


@pytest.fixture(scope="module")
def go_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("go") is None:
        pytest.fail("go is not on PATH")
    work = tmp_path_factory.mktemp("go")
    modules = {p: go_module(p) for p in PLUGINS}
    requires = "\n".join(f"\t{m} v0.0.0" for m in modules.values())
    replaces = "\n".join(f"\t{m} => {GENERATED / 'go' / p}" for p, m in modules.items())
    (work / "go.mod").write_text(
        f"module flyteplug.local/tasktemplate\n\ngo 1.21\n\n"
        f"require (\n{requires}\n)\n\nreplace (\n{replaces}\n)\n"
    )
    main = GO_MAIN
    for p, m in modules.items():
        main = main.replace(f"MODULE_{p}", m)
    (work / "main.go").write_text(main)
    env = {
        "GOPROXY": "off",
        "GOWORK": "off",
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-mod=mod",
    }
    return parse_lines(run(["go", "run", "."], work, env))


@pytest.fixture(scope="module")
def ts_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH")
    if not (Path(TSC).is_file() or shutil.which(TSC)):
        pytest.fail(f"tsc not found at {TSC}; run `npm ci --prefix tools` or set TSC")
    work = tmp_path_factory.mktemp("ts")
    for p in PLUGINS:
        shutil.copytree(GENERATED / "typescript" / p / "src", work / p / "src")
    (work / "check" / "src").mkdir(parents=True)
    (work / "check" / "src" / "main.ts").write_text(TS_MAIN, encoding="utf-8")
    (work / "check" / "tsconfig.json").write_text(json.dumps(TS_CONFIG, indent=2))
    # ES modules, as the generated packages declare; it covers the sources and dist/ below.
    (work / "package.json").write_text('{"private": true, "type": "module"}\n')
    run([TSC, "-p", str(work / "check" / "tsconfig.json")], work)
    return parse_lines(
        run(["node", str(work / "dist" / "check" / "src" / "main.js")], work)
    )


# ---------------------------------------------------------------------------------------------
# Checks.


def check_template(case: str, text: str, flavor: str) -> None:
    want = EXPECTED[case]
    tmpl = json_format.Parse(
        text, tasks_pb2.TaskTemplate()
    )  # strict: unknown fields fail

    assert tmpl.type == want["type"]
    assert tmpl.task_type_version == want["version"]
    assert tmpl.id.resource_type == identifier_pb2.TASK
    assert (tmpl.id.project, tmpl.id.domain, tmpl.id.name, tmpl.id.version) == want[
        "id"
    ]
    assert tmpl.metadata.HasField("retries")
    assert tmpl.metadata.retries.retries == want["retries"]
    assert tmpl.metadata.runtime.flavor == flavor
    assert not tmpl.HasField("interface")

    if want["container"] is None:
        assert not tmpl.HasField("container"), text
    else:
        image, args = want["container"]
        assert tmpl.HasField("container"), text
        assert tmpl.container.image == image
        assert list(tmpl.container.args) == args

    py_custom = py_configs()[case].to_custom()
    if py_custom == {}:
        # flytekit leaves `custom` unset when the config encodes to {} (DESIGN.md section 5).
        assert not tmpl.HasField("custom"), text
        assert "custom" not in json.loads(text)
    else:
        # The same JSON value as the Python SDK's (int64 strings stay strings) ...
        assert json.loads(text)["custom"] == py_custom
        # ... and the same Struct, as Flyte stores it.
        want_struct = struct_pb2.Struct()
        want_struct.update(py_custom)
        assert tmpl.custom == want_struct
        # The custom text inside the template is the Python SDK's canonical text.
        assert py_configs()[case].to_custom_json() in text

    # The whole template is the contract's canonical string of what the official runtime prints.
    printed = json_format.MessageToDict(tmpl)
    assert ref.canonicalize(printed, tasks_pb2.TaskTemplate.DESCRIPTOR) == text


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_go_task_template(go_templates: dict[str, str], case: str) -> None:
    check_template(case, go_templates[case], "go")


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_typescript_task_template(ts_templates: dict[str, str], case: str) -> None:
    check_template(case, ts_templates[case], "typescript")


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_go_and_typescript_agree(
    go_templates: dict[str, str], ts_templates: dict[str, str], case: str
) -> None:
    go = go_templates[case].replace('"flavor":"go"', '"flavor":"?"')
    ts = ts_templates[case].replace('"flavor":"typescript"', '"flavor":"?"')
    assert go == ts


def test_spark_int64_survives() -> None:
    """The int64 beyond 2^53 is in the Python custom as the exact decimal string."""
    assert py_configs()["spark_full"].to_custom()["retryBackoffSeconds"] == str(BIG)
