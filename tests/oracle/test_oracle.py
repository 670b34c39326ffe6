"""The oracle test: every target's codec against the official protobuf runtime.

(a) For every hand-written case in cases.json, the official Python runtime
    (`google.protobuf.json_format` on idl/ compiled by grpcio-tools) parses the input, and the
    reference canonicalizer (oracle_reference.py, written from docs/json-contract.md) turns what
    the runtime prints into the contract's canonical string. Negative cases must be rejected by
    the runtime. Where the contract deliberately differs from the runtime, the case says so
    (`"runtime"` and `"rule"`) and this test asserts the difference itself.
(b) For each target, ONE testee process (`flyteplug testee --target T`) answers every case; its
    answers must be exactly the oracle's.

Environment: FLYTEPLUG_BIN (default <repo>/target/debug/flyteplug), FLYTEPLUG_ORACLE_CONFIG
(default <repo>/flyteplug.toml; its generated/ must be current), FLYTEPLUG_ORACLE_TARGETS (a
comma list restricting the targets, for local work).
"""

from __future__ import annotations

import json
import os
import shutil
from functools import cache
from typing import Any

import oracle_harness as h
import oracle_reference as ref
import pytest

CASES = h.load_cases()
CASE_BY_NAME = {c["name"]: c for c in CASES}
STRICT_SUFFIX = "#strict"

ANY = "google.protobuf.Any"
_OPAQUE_WKT = {
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
    "google.protobuf.Duration",
    "google.protobuf.Timestamp",
    "google.protobuf.FieldMask",
    "google.protobuf.Empty",
    "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.Int32Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue",
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
}


def _case_id(case: dict[str, Any]) -> str:
    return str(case["name"])


# ---------------------------------------------------------------------------------------------
# The official runtime on one case


class RuntimeResult:
    def __init__(self, message: Any = None, error: BaseException | None = None) -> None:
        self.message = message
        self.error = error


def run_runtime(case: dict[str, Any]) -> RuntimeResult:
    """Parses the case's input with the official runtime. Unknown keys are ignored only for a
    lenient case that declares them (`"unknown"`); otherwise the runtime parses strictly, so
    that it does not silently drop what the contract rejects (it ignores unknown enum names
    when told to ignore unknown fields)."""
    from google.protobuf import json_format

    lenient = bool(case.get("unknown")) and not case.get("strict", False)
    try:
        msg = h.message_class(case["message"])()
        if "input_text" in case:
            # JSON text: the runtime's own parser reads it (and rejects a repeated key).
            json_format.Parse(case["input_text"], msg, ignore_unknown_fields=lenient)
        else:
            json_format.ParseDict(
                h.to_python(case["input"]), msg, ignore_unknown_fields=lenient
            )
    except Exception as e:  # noqa: BLE001 - the runtime raises several types on bad input
        return RuntimeResult(error=e)
    return RuntimeResult(message=msg)


def collect_anys(v: Any, desc: Any, out: list[str]) -> None:
    """The canonical text of every Any inside a message's JSON (input or runtime output; keys
    by JSON name or proto name)."""
    if v is None:
        return
    if desc.full_name == ANY:
        out.append(ref.canonical_plain_json(v))
        return
    if desc.full_name in _OPAQUE_WKT or not isinstance(v, dict):
        return
    fields: dict[str, Any] = {}
    for f in desc.fields:
        fields[f.name] = f
        fields[f.json_name] = f
    for key, x in v.items():
        f = fields.get(key)
        if f is None or x is None or f.message_type is None:
            continue
        if f.message_type.GetOptions().map_entry:
            vf = f.message_type.fields_by_name["value"]
            if vf.message_type is not None and isinstance(x, dict):
                for y in x.values():
                    collect_anys(y, vf.message_type, out)
        elif f.is_repeated:
            if isinstance(x, list):
                for y in x:
                    collect_anys(y, f.message_type, out)
        else:
            collect_anys(x, f.message_type, out)


@cache
def oracle(name: str) -> str | None:
    """The expected answer of a case: the canonical string, or None for "an error". Raises
    AssertionError when the runtime does not behave as the case says."""
    from google.protobuf import json_format

    case = CASE_BY_NAME[name]
    result = run_runtime(case)
    runtime = case.get("runtime")

    if case.get("reject"):
        if runtime == "accepts":
            # A deliberate difference: the runtime accepts what the contract rejects.
            assert result.error is None, (
                f"case says the runtime accepts this (contract rule: {case['rule']}), "
                f"but it rejects it: {result.error}"
            )
        else:
            assert runtime is None, (
                f"unexpected runtime value {runtime!r} on a negative case"
            )
            assert result.error is not None, (
                "the official runtime accepts this negative case; if the contract "
                'deliberately differs, mark it "runtime": "accepts" with its rule: '
                + json.dumps(
                    json_format.MessageToDict(result.message), ensure_ascii=False
                )
            )
        return None

    if runtime == "rejects":
        # A deliberate difference: the contract accepts what the runtime rejects; the
        # expected canonical string is hand-written in the case.
        assert result.error is not None, (
            f"case says the runtime rejects this (contract rule: {case['rule']}), but it "
            f"accepts it: {json_format.MessageToDict(result.message)}"
        )
        return str(case["canonical"])

    assert result.error is None, (
        f"the official runtime rejects this case: {result.error}"
    )
    desc = h.message_descriptor(case["message"])
    printed = json_format.MessageToDict(result.message)
    if "runtime_output" in case:
        # The case spells out what the runtime prints, where its text differs from the
        # contract's (the reference canonicalizer applies the contract's rule).
        assert printed == h.to_python(case["runtime_output"]), (
            f"the runtime printed {printed!r}, the case says {case['runtime_output']!r}"
        )
    canonical = ref.canonicalize(printed, desc)

    if runtime == "differs":
        # A deliberate difference: the runtime accepts the input but reads another value (it
        # rewrites an Any's members, which the contract passes through; it rounds an integer
        # through a double); the expected string is hand-written in the case.
        assert canonical != case["canonical"], (
            "case says the runtime reads this differently from the contract, but the "
            "reference canonicalization of its output equals the case's canonical string"
        )
        return str(case["canonical"])
    assert runtime is None, f"unknown runtime value {runtime!r}"

    if "canonical" in case:
        # Hand-written expectation: cross-checks the reference canonicalizer.
        assert canonical == case["canonical"], (
            f"reference canonicalizer gives {canonical!r}, the case says "
            f"{case['canonical']!r}"
        )

    # An Any's members pass through unchanged (docs/json-contract.md, "Any"), the runtime
    # normalizes them: the two agree only when the input already was canonical.
    ins: list[str] = []
    outs: list[str] = []
    collect_anys(h.to_python(h.case_input(case)), desc, ins)
    collect_anys(printed, desc, outs)
    assert sorted(ins) == sorted(outs), (
        f"an Any in this case is not canonical already (input {ins}, runtime {outs}); "
        'mark the case "runtime": "differs" with a hand-written canonical'
    )

    # Idempotence: the canonical string parses back (with the official runtime) to itself.
    # Skipped for float32 max, whose shortest text 3.4028235e+38 the Python runtime refuses
    # (see case "float32-max-shortest-text-input").
    if "3.4028235e+38" not in canonical:
        again = h.message_class(case["message"])()
        # `-0` must stay negative zero (Python's json reads it as the integer 0).
        parsed = json.loads(
            canonical, parse_int=lambda t: -0.0 if t == "-0" else int(t)
        )
        json_format.ParseDict(parsed, again)
        assert ref.canonicalize(json_format.MessageToDict(again), desc) == canonical
    return canonical


# ---------------------------------------------------------------------------------------------
# (a) the cases themselves


def test_cases_are_well_formed() -> None:
    names = [str(c.get("name")) for c in CASES]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"duplicate case names: {dupes}"
    problems = []
    for c in CASES:
        keys = set(c)
        allowed = {
            "name",
            "message",
            "input",
            "input_text",
            "reject",
            "rule",
            "runtime",
            "canonical",
            "runtime_output",
            "strict",
            "unknown",
            "path",
            "ascii",
            "note",
        }
        if (
            not {"name", "message"} <= keys
            or len(keys & {"input", "input_text"}) != 1
            or keys - allowed
        ):
            problems.append(f"{c.get('name')}: keys {sorted(keys)}")
        if "input_text" in c and not isinstance(c["input_text"], str):
            problems.append(f"{c['name']}: input_text must be a string of JSON text")
        if c.get("reject"):
            if "rule" not in c or "canonical" in c:
                problems.append(
                    f"{c['name']}: a negative case needs a rule and no canonical"
                )
            if c.get("runtime") not in (None, "accepts"):
                problems.append(f"{c['name']}: runtime must be absent or 'accepts'")
        else:
            if c.get("runtime") not in (None, "rejects", "differs"):
                problems.append(
                    f"{c['name']}: runtime must be absent, 'rejects' or 'differs'"
                )
            if c.get("runtime") and "canonical" not in c:
                problems.append(
                    f"{c['name']}: a runtime difference needs a hand-written canonical"
                )
            if (c.get("runtime") or "runtime_output" in c) and "rule" not in c:
                problems.append(f"{c['name']}: a runtime difference needs its rule")
            if "path" in c:
                problems.append(f"{c['name']}: path is for negative cases")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_official_runtime_agrees(case: dict[str, Any], pb_modules: list[str]) -> None:
    """Positive cases parse and canonicalize; negative cases are rejected; every deliberate
    difference between the runtime and the contract is asserted as such."""
    oracle(case["name"])


def _reachable(pb_modules: list[str]) -> list[Any]:
    """Every message reachable from the plugins' custom messages of the repository manifest,
    well-known types excluded."""
    roots = [
        "acme.spark.v1.SparkJob",
        "acme.query.v1.QueryJob",
        "acme.countdown.v1.Countdown",
        "acme.kitchen.v1.KitchenSink",
    ]
    seen: dict[str, Any] = {}
    todo = [h.message_descriptor(r) for r in roots]
    while todo:
        d = todo.pop()
        if d.full_name in seen or d.full_name.startswith("google.protobuf."):
            continue
        if d.GetOptions().map_entry:
            todo.extend(f.message_type for f in d.fields if f.message_type is not None)
            continue
        seen[d.full_name] = d
        todo.extend(f.message_type for f in d.fields if f.message_type is not None)
    return sorted(seen.values(), key=lambda d: d.full_name)


def _mark_fields(
    msg: Any, seen: set[tuple[str, str]], enums: set[tuple[str, int]]
) -> None:
    desc = msg.DESCRIPTOR
    if desc.full_name.startswith("google.protobuf."):
        return
    for f, value in msg.ListFields():
        seen.add((desc.full_name, f.name))
        values: list[Any]
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            values = list(value.values())
            f = f.message_type.fields_by_name["value"]
        elif f.is_repeated:
            values = list(value)
        else:
            values = [value]
        for v in values:
            if f.message_type is not None:
                _mark_fields(v, seen, enums)
            elif f.enum_type is not None:
                enums.add((f.enum_type.full_name, int(v)))


def test_cases_cover_every_field_and_enum_value(pb_modules: list[str]) -> None:
    """Every field of every message reachable from a plugin, and every enum value, is set in
    at least one positive case that the runtime parses (so the testees are asked about it)."""
    seen: set[tuple[str, str]] = set()
    enums: set[tuple[str, int]] = set()
    for case in CASES:
        if case.get("reject"):
            continue
        result = run_runtime(case)
        if result.message is not None:
            _mark_fields(result.message, seen, enums)
    missing = []
    for d in _reachable(pb_modules):
        for f in d.fields:
            # An implicit-presence NullValue field only has its default: it is never "set".
            never_set = (
                f.enum_type is not None
                and f.enum_type.full_name == "google.protobuf.NullValue"
                and not f.has_presence
            )
            if not never_set and (d.full_name, f.name) not in seen:
                missing.append(f"{d.full_name}.{f.name}")
            if f.enum_type is not None and not f.enum_type.full_name.startswith(
                "google."
            ):
                for v in f.enum_type.values:
                    # Zero is the default of implicit-presence fields: never "set", but sent
                    # by name in cases all the same (it is then omitted).
                    if v.number != 0 and (f.enum_type.full_name, v.number) not in enums:
                        missing.append(f"{f.enum_type.full_name}.{v.name}")
    assert not missing, "never set by a positive case: " + ", ".join(
        sorted(set(missing))
    )


# ---------------------------------------------------------------------------------------------
# (b) every target's testee against the oracle


# Malformed request lines: each must get an error line, and the testee must go on answering
# (DESIGN.md section 6: "A malformed request line -> an error line, never a crash").
RAW_REQUESTS = {
    "raw:not-json": "not json",
    "raw:truncated": '{"message": "acme.kitchen.v1.Scalars", "input": {',
    "raw:array": "[]",
    "raw:no-message": '{"input": {}}',
    "raw:message-not-a-string": '{"message": 5, "input": {}}',
}


def _requests() -> list[tuple[str, str]]:
    out = []
    for i, c in enumerate(CASES):
        out.append((c["name"], h.request_line(c)))
        if c.get("unknown") and not c.get("strict"):
            # The same input in strict mode must be an error (DESIGN.md section 5).
            out.append((c["name"] + STRICT_SUFFIX, h.request_line(c, strict=True)))
        if i == 10:
            out.extend(RAW_REQUESTS.items())
    return out


_TOOLS = {
    "python": ["python3"],
    "go": ["go"],
    "typescript": ["node"],
    "rust": ["cargo"],
}


def _toolchain_hint(target: str) -> str:
    missing = [t for t in _TOOLS[target] if shutil.which(t) is None]
    if target == "python" and os.environ.get("FLYTEPLUG_PYTHON"):
        missing = [t for t in missing if t != "python3"]
    if missing:
        return f"missing on PATH: {', '.join(missing)} (the {target} toolchain is required)"
    return f"the {target} toolchain is on PATH; see the testee's output above"


_RUNS: dict[str, h.TesteeRun] = {}


def _run(target: str) -> h.TesteeRun:
    if target not in h.selected_targets():
        pytest.skip(f"{target} not in FLYTEPLUG_ORACLE_TARGETS")
    binary = h.flyteplug_bin()
    if not binary.exists():
        pytest.fail(
            f"flyteplug binary {binary} is missing: run `cargo build` (or set FLYTEPLUG_BIN)"
        )
    config = h.manifest_path()
    if not config.exists():
        pytest.fail(f"manifest {config} is missing (FLYTEPLUG_ORACLE_CONFIG)")
    if target not in _RUNS:
        log = h.REPO_ROOT / "target" / "oracle" / f"{target}.stderr"
        log.parent.mkdir(parents=True, exist_ok=True)
        _RUNS[target] = h.run_testee(target, _requests(), log)
    run = _RUNS[target]
    if run.startup_failure is not None:
        pytest.fail(
            f"the {target} testee could not be built or started "
            f"(`{binary} testee --target {target} --config {config}`): "
            f"{run.startup_failure}\n{_toolchain_hint(target)}",
            pytrace=False,
        )
    return run


def _why_error(key: str) -> str:
    if key in RAW_REQUESTS:
        return "a malformed request line"
    if key.endswith(STRICT_SUFFIX):
        return "strict mode: unknown key"
    return str(CASE_BY_NAME[key].get("rule"))


def _show(line: str, limit: int = 600) -> str:
    return line if len(line) <= limit else line[:limit] + "..."


@pytest.mark.parametrize("target", h.TARGETS)
def test_testee_matches_oracle(target: str, pb_modules: list[str]) -> None:
    run = _run(target)
    requests = dict(_requests())
    mismatches: list[str] = []
    oracle_broken: list[str] = []
    for key, line in requests.items():
        name = key.removesuffix(STRICT_SUFFIX)
        try:
            expected = (
                None
                if key.endswith(STRICT_SUFFIX) or key in RAW_REQUESTS
                else oracle(name)
            )
        except AssertionError:
            oracle_broken.append(name)  # reported by test_official_runtime_agrees
            continue
        answer = run.answers.get(key)
        if answer is None:
            mismatches.append(f"[{key}] no answer was requested/received")
            continue
        if answer.problem is not None:
            got = answer.line if answer.line is not None else "(nothing)"
            mismatches.append(
                f"[{key}] {answer.problem}\n  request:  {_show(line)}\n  answer:   {_show(got)}"
            )
            continue
        value = answer.value
        if expected is None:
            if "error" not in value:
                mismatches.append(
                    f"[{key}] expected an error ({_why_error(key)})"
                    f"\n  request:  {_show(line)}\n  actual:   {value['canonical']}"
                )
        elif "canonical" not in value:
            mismatches.append(
                f"[{key}] expected canonical\n  request:  {_show(line)}\n"
                f"  expected: {expected}\n  actual:   error: {value['error']}"
            )
        elif value["canonical"] != expected:
            mismatches.append(
                f"[{key}] wrong canonical\n  request:  {_show(line)}\n"
                f"  expected: {expected}\n  actual:   {value['canonical']}"
            )
    note = ""
    if run.restarts:
        note = (
            f"\n(the testee died and was restarted before: {', '.join(run.restarts)})"
        )
    assert not mismatches, (
        f"{target}: {len(mismatches)} of {len(requests)} answers differ from the oracle"
        f"{note}\n\n" + "\n\n".join(mismatches)
    )
    assert not oracle_broken, (
        f"oracle could not judge (see test_official_runtime_agrees): {oracle_broken}"
    )


@pytest.mark.parametrize("target", h.TARGETS)
def test_testee_error_paths(target: str, pb_modules: list[str]) -> None:
    """Errors start with the JSON path of the bad value, then `: ` (docs/json-contract.md,
    "Errors")."""
    run = _run(target)
    wrong = []
    for case in CASES:
        if not case.get("reject") or "path" not in case:
            continue
        answer = run.answers.get(case["name"])
        if answer is None or answer.problem is not None or "error" not in answer.value:
            continue  # reported by test_testee_matches_oracle
        err = answer.value["error"]
        if not err.startswith(case["path"] + ": "):
            wrong.append(
                f"[{case['name']}] expected `{case['path']}: ...`, got {err!r}"
            )
    assert not wrong, (
        f"{target}: {len(wrong)} error messages without the expected path\n"
        + "\n".join(wrong)
    )
