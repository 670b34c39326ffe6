"""Plumbing of the oracle test: the official protobuf runtime on the repository's idl/, the
hand-written cases, and the testee processes of the four targets."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CASES_FILE = Path(__file__).resolve().parent / "cases.json"
TARGETS = ["python", "go", "typescript", "rust"]

# ---------------------------------------------------------------------------------------------
# The official runtime


def compile_idl(out_dir: Path) -> list[str]:
    """Compiles every .proto under idl/ with grpc_tools' protoc (well-known types from its
    bundled include folder) into out_dir, imports the `_pb2` modules, and returns their names."""
    import grpc_tools

    idl = REPO_ROOT / "idl"
    wkt = Path(grpc_tools.__file__).resolve().parent / "_proto"
    protos = sorted(p.relative_to(idl).as_posix() for p in idl.rglob("*.proto"))
    assert protos, f"no .proto files under {idl}"
    cmd = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{idl}",
        f"-I{wkt}",
        f"--python_out={out_dir}",
        *protos,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"protoc failed:\n{done.stdout}{done.stderr}")
    sys.path.insert(0, str(out_dir))
    import importlib

    modules = []
    for p in protos:
        name = p[: -len(".proto")].replace("/", ".") + "_pb2"
        importlib.import_module(name)
        modules.append(name)
    return modules


def message_descriptor(full_name: str) -> Any:
    from google.protobuf import descriptor_pool

    return descriptor_pool.Default().FindMessageTypeByName(full_name)


def message_class(full_name: str) -> Any:
    from google.protobuf import message_factory

    return message_factory.GetMessageClass(message_descriptor(full_name))


# ---------------------------------------------------------------------------------------------
# Cases: numbers are kept as their text, so that the testee receives them exactly as written
# (`1e3` stays `1e3`, `9223372036854775807` stays exact).


class RawNumber:
    """A JSON number kept as its source text."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def to_python(self) -> int | float:
        if self.text == "-0":
            return -0.0  # JSON `-0` is negative zero; Python's json would read int 0.
        if re.fullmatch(r"-?[0-9]+", self.text):
            return int(self.text)
        return float(self.text)


def load_cases() -> list[dict[str, Any]]:
    with CASES_FILE.open(encoding="utf-8") as f:
        data = json.load(f, parse_float=RawNumber, parse_int=RawNumber)
    cases = data["cases"]
    assert isinstance(cases, list)
    return cases


def case_input(case: dict[str, Any]) -> Any:
    """A case's input value (numbers as RawNumber); a case with `input_text` gives JSON text
    instead, parsed here (a repeated key keeps its last value, as json.loads does)."""
    if "input_text" in case:
        return json.loads(
            case["input_text"], parse_float=RawNumber, parse_int=RawNumber
        )
    return case["input"]


def to_python(v: Any) -> Any:
    """A case input as plain Python values, for the official runtime."""
    if isinstance(v, RawNumber):
        return v.to_python()
    if isinstance(v, list):
        return [to_python(x) for x in v]
    if isinstance(v, dict):
        return {k: to_python(x) for k, x in v.items()}
    return v


def dumps(v: Any, ascii_only: bool = False) -> str:
    """JSON text of a case value; numbers exactly as written in cases.json."""
    if isinstance(v, RawNumber):
        return v.text
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return json.dumps(v, ensure_ascii=ascii_only)
    if isinstance(v, int):  # exact, never through a double
        return str(v)
    if isinstance(v, float):
        raise TypeError("floats must stay RawNumber")
    if isinstance(v, list):
        return "[" + ",".join(dumps(x, ascii_only) for x in v) + "]"
    if isinstance(v, dict):
        return (
            "{"
            + ",".join(
                json.dumps(k, ensure_ascii=ascii_only) + ":" + dumps(x, ascii_only)
                for k, x in v.items()
            )
            + "}"
        )
    raise TypeError(f"not JSON: {v!r}")


def request_line(case: dict[str, Any], strict: bool | None = None) -> str:
    """One testee request line (DESIGN.md section 6). A case with `input_text` sends that JSON
    text as the input, exactly as written (it can say what no parsed value can: a key given
    twice)."""
    s = case.get("strict", False) if strict is None else strict
    if "input_text" in case:
        text: str = case["input_text"]
        line = '{"message": ' + json.dumps(case["message"]) + ', "input": '
        return line + text + (', "strict": true}' if s else "}")
    req: dict[str, Any] = {"message": case["message"], "input": case["input"]}
    if s:
        req["strict"] = True
    return dumps(req, ascii_only=bool(case.get("ascii", False)))


# ---------------------------------------------------------------------------------------------
# Testees


def flyteplug_bin() -> Path:
    """$FLYTEPLUG_BIN, else this checkout's debug build."""
    default = REPO_ROOT / "target" / "debug" / "flyteplug"
    return Path(os.environ.get("FLYTEPLUG_BIN", default)).resolve()


def manifest_path() -> Path:
    """$FLYTEPLUG_ORACLE_CONFIG, else this checkout's manifest (its generated/ must be current)."""
    default = REPO_ROOT / "flyteplug.toml"
    return Path(os.environ.get("FLYTEPLUG_ORACLE_CONFIG", default)).resolve()


def selected_targets() -> list[str]:
    raw = os.environ.get("FLYTEPLUG_ORACLE_TARGETS", "").strip()
    if not raw:
        return list(TARGETS)
    chosen = [t.strip() for t in raw.split(",") if t.strip()]
    unknown = [t for t in chosen if t not in TARGETS]
    if unknown:
        raise ValueError(f"FLYTEPLUG_ORACLE_TARGETS names unknown targets {unknown}")
    return chosen


def testee_env() -> dict[str, str]:
    """The environment of `flyteplug testee`: this repository's pinned tools (the venv's Python,
    tools/node_modules' tsc) unless the caller chose others."""
    env = dict(os.environ)
    tsc = REPO_ROOT / "tools" / "node_modules" / ".bin" / "tsc"
    if tsc.exists():
        env.setdefault("FLYTEPLUG_TSC", str(tsc))
        env.setdefault("TSC", str(tsc))
    python = REPO_ROOT / ".venv" / "bin" / "python"
    if python.exists():
        env.setdefault("FLYTEPLUG_PYTHON", str(python))
    return env


# How long the first answer may take: the testee is built first (cargo, go, tsc).
FIRST_ANSWER_TIMEOUT = float(os.environ.get("FLYTEPLUG_ORACLE_BUILD_TIMEOUT", "1200"))
ANSWER_TIMEOUT = float(os.environ.get("FLYTEPLUG_ORACLE_TIMEOUT", "60"))


@dataclass
class Answer:
    """What a testee said to one request: its parsed line, or why there is none."""

    line: str | None
    value: Any = None
    problem: str | None = None  # no answer, not JSON, not an object of the right shape


@dataclass
class TesteeRun:
    target: str
    answers: dict[str, Answer] = field(default_factory=dict)
    startup_failure: str | None = None
    restarts: list[str] = field(default_factory=list)


class _Process:
    def __init__(self, target: str, log: IO[bytes]) -> None:
        self.target = target
        self.log = log
        cmd = [
            str(flyteplug_bin()),
            "testee",
            "--target",
            target,
            "--config",
            str(manifest_path()),
        ]
        self.proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env=testee_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.answered = False

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.put(raw)
        self.lines.put(None)

    def ask(self, line: str) -> tuple[str | None, str | None]:
        """(answer line, problem)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line.encode("utf-8") + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            return (
                None,
                f"cannot write to the testee ({e}); it exited with {self.proc.poll()}",
            )
        timeout = ANSWER_TIMEOUT if self.answered else FIRST_ANSWER_TIMEOUT
        try:
            raw = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            return None, f"no answer within {timeout:.0f}s (the testee was stopped)"
        if raw is None:
            code = self.proc.wait(timeout=30)
            return None, f"the testee exited with {code} without answering"
        self.answered = True
        return raw.decode("utf-8", errors="replace").rstrip("\r\n"), None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def parse_answer(line: str) -> Answer:
    try:
        value = json.loads(line)
    except ValueError as e:
        return Answer(line, problem=f"answer is not JSON ({e})")
    ok = isinstance(value, dict) and (
        (set(value) == {"canonical"} and isinstance(value["canonical"], str))
        or (set(value) == {"error"} and isinstance(value["error"], str))
    )
    if not ok:
        return Answer(
            line, value, problem='answer is not {"canonical": str} or {"error": str}'
        )
    return Answer(line, value)


def tail(path: Path, limit: int = 4000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-limit:]


def run_testee(
    target: str, requests: list[tuple[str, str]], log_path: Path
) -> TesteeRun:
    """Starts ONE testee process for the target and sends every request, one line at a time,
    reading one answer line each. If the process dies mid-way (a crash is itself a failure of
    the answered case), it is restarted for the remaining requests."""
    run = TesteeRun(target)
    with log_path.open("wb") as log:
        proc = _Process(target, log)
        try:
            for key, line in requests:
                if not proc.alive() and proc.answered:
                    run.restarts.append(key)
                    proc = _Process(target, log)
                answer, problem = proc.ask(line)
                if answer is None:
                    if not proc.answered:
                        log.flush()
                        run.startup_failure = (
                            f"{problem}\n--- stderr of `flyteplug testee --target {target}` "
                            f"(last lines) ---\n{tail(log_path)}"
                        )
                        return run
                    run.answers[key] = Answer(None, problem=problem)
                    continue
                run.answers[key] = parse_answer(answer)
        finally:
            proc.stop()
            time.sleep(0)
    return run
