"""The generated conformance vectors against the official protobuf Python runtime.

Every case of every `generated/vectors/*.json` file (the vectors `flyteplug generate` derives
from the IR) is run through `google.protobuf.json_format` on the same `.proto` files (compiled
by this suite's conftest):

- a positive case: `json_format.Parse(input)`, then `json_format.MessageToDict` and the suite's
  reference canonicalizer (oracle_reference.py, written from docs/json-contract.md) must give
  exactly the case's `canonical`;
- a negative case: the runtime must reject the input.

Strict cases parse with `ignore_unknown_fields=False`; a lenient case whose input holds unknown
keys parses with `ignore_unknown_fields=True` (and every other case strictly, so that the runtime
does not silently drop what the contract rejects: it also ignores unknown enum names when told to
ignore unknown fields).

Where the runtime and the contract differ, a rule of docs/json-contract.md decides. The rules
are the table RULES below; none of them names a case. A walk of each case's input beside the
message descriptor finds the places where the contract reads the input differently from the
runtime (a `Finding`: its kind and the JSON path of the value). Then:

- a negative case the runtime accepts is decided by a rule only when the walk finds that rule's
  kind of value at the very JSON path the case's `error` names (the path the contract rejects);
- a positive case the runtime rejects or reads differently is decided by rules only when their
  kinds are found in the input, and feeding the runtime what the rule says the input means (the
  rule's ADJUST entry, applied at the found places, given to `json_format.ParseDict`) makes the
  runtime's canonical string equal the case's: the rest of the case is still checked against
  the runtime. A positive case holding a value the contract rejects (a finding of a
  negative-case rule) fails.

Every rule quotes docs/json-contract.md, and the quote must be found there. All failures are
reported in one assertion, with case names. `python tests/oracle/test_vectors.py` prints the
rules table with the number of cases each rule decides.
"""

from __future__ import annotations

import copy
import json
import math
import re
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import oracle_harness as h
import oracle_reference as ref

VECTORS_DIR = h.REPO_ROOT / "generated" / "vectors"
CONTRACT = h.REPO_ROOT / "docs" / "json-contract.md"

# ---------------------------------------------------------------------------------------------
# Reading the vectors: numbers keep their text, objects keep their keys in order (duplicates
# too), so the runtime is handed the input exactly as the testees are.


class Pairs(list):  # type: ignore[type-arg]
    """A JSON object as a list of [key, value] pairs."""


def _pairs(items: list[tuple[str, Any]]) -> Pairs:
    return Pairs([k, v] for k, v in items)


def load_vectors(directory: Path = VECTORS_DIR) -> list[dict[str, Any]]:
    """Every case of every vectors file, in file order; each case gets `file`."""
    files = sorted(directory.glob("*.json"))
    assert files, f"no vectors in {directory}: run `flyteplug generate`"
    cases = []
    for path in files:
        with path.open(encoding="utf-8") as f:
            doc = json.load(
                f,
                object_pairs_hook=_pairs,
                parse_float=h.RawNumber,
                parse_int=h.RawNumber,
            )
        top = dict(doc)
        for item in top["cases"]:
            case = dict(item)
            case["file"] = path.name
            cases.append(case)
    return cases


def dumps(v: Any) -> str:
    """JSON text of a case input: numbers exactly as written, keys in order."""
    if isinstance(v, h.RawNumber):
        return v.text
    if isinstance(v, Pairs):
        return "{" + ",".join(json.dumps(k) + ":" + dumps(x) for k, x in v) + "}"
    if isinstance(v, list):
        return "[" + ",".join(dumps(x) for x in v) + "]"
    return json.dumps(v)


def plain(v: Any) -> Any:
    """A case input as the values the runtime's `Parse` makes of its text (Python's json module:
    `-0` is the integer 0, `1.0` a float, integers exact); values put in by an adjustment (a
    float -0.0) stay as they are."""
    if isinstance(v, h.RawNumber):
        if re.fullmatch(r"-?[0-9]+", v.text):
            return int(v.text)
        return float(v.text)
    if isinstance(v, Pairs):
        return {k: plain(x) for k, x in v}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


# ---------------------------------------------------------------------------------------------
# Walking an input beside the descriptor


@dataclass(frozen=True)
class Finding:
    """A value the contract reads differently from the runtime."""

    kind: str
    where: str  # the JSON path, as docs/json-contract.md "Errors" writes it
    at: tuple[int, ...]  # indexes into the input tree (pair index in objects)


@dataclass
class Walk:
    findings: list[Finding] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def add(self, kind: str, where: str, at: tuple[int, ...]) -> None:
        self.findings.append(Finding(kind, where, at))


_FD: Any = None  # google.protobuf.descriptor.FieldDescriptor, imported lazily


def _fd() -> Any:
    global _FD
    if _FD is None:
        from google.protobuf.descriptor import FieldDescriptor

        _FD = FieldDescriptor
    return _FD


GENERIC = {
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
}
WRAPPERS = {
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
NULL_VALUE = "google.protobuf.NullValue"

# Grammars of docs/json-contract.md, "Decoding".
JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
DECIMAL_KEY = re.compile(r"-?(0|[1-9][0-9]*)")
DURATION = re.compile(r"-?[0-9]+(\.[0-9]{1,9})?s")
NON_FINITE = {"NaN", "Infinity", "-Infinity"}
F32_MAX = Fraction(struct.unpack("<f", b"\xff\xff\x7f\x7f")[0])
F32_MIDPOINT = (F32_MAX + Fraction(2) ** 128) / 2  # at or beyond: rounds to infinity


def is_array(v: Any) -> bool:
    """A JSON array (a Pairs object is a list too)."""
    return isinstance(v, list) and not isinstance(v, Pairs)


def _join(where: str, key: str) -> str:
    return key if where == "(root)" else f"{where}.{key}"


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-be")


def _is_float32(f: Any) -> bool:
    fd = _fd()
    return bool(f.type == fd.TYPE_FLOAT)


def _base64_ok(s: str) -> bool:
    """docs/json-contract.md, row bytes and "base64": one alphabet, padding absent or correct."""
    std = re.fullmatch(r"[A-Za-z0-9+/]*(=*)", s)
    url = re.fullmatch(r"[A-Za-z0-9_-]*(=*)", s)
    m = std or url
    if m is None:
        return False
    body = len(s) - len(m.group(1))
    if body % 4 == 1:
        return False
    pad = len(m.group(1))
    return pad == 0 or (len(s) % 4 == 0 and pad == (4 - body % 4) % 4)


def walk_message(v: Any, desc: Any, where: str, at: tuple[int, ...], w: Walk) -> None:
    name = desc.full_name
    if v is None:
        return
    if name in GENERIC:
        _walk_generic(v, where, at, w)
        return
    if name == "google.protobuf.Duration":
        if isinstance(v, str) and not DURATION.fullmatch(v):
            w.add("duration_form", where, at)
        return
    if name in ("google.protobuf.Timestamp", "google.protobuf.FieldMask"):
        return
    if name in WRAPPERS:
        _walk_scalar(v, desc.fields_by_name["value"], where, at, w)
        return
    if name == "google.protobuf.Any":
        if is_array(v):
            w.add("message_array", where, at)
        return
    if is_array(v):
        empty = name == "google.protobuf.Empty"
        w.add("empty_array" if empty else "message_array", where, at)
        return
    if not isinstance(v, Pairs):
        return
    if name == "google.protobuf.Empty":
        for key, _ in v:
            w.unknown.append(_join(where, key))
        return
    by_key: dict[str, Any] = {}
    for f in desc.fields:
        by_key[f.name] = f
        by_key[f.json_name] = f
    spellings: dict[str, set[str]] = {}
    # Per oneof: the keys of members the contract counts as set, and whether the runtime
    # counts each (it does not count a null one).
    oneofs: dict[str, list[tuple[str, bool]]] = {}
    for i, (key, x) in enumerate(v):
        f = by_key.get(key)
        path = _join(where, key)
        if f is None:
            w.unknown.append(path)
            continue
        spellings.setdefault(f.full_name, set()).add(key)
        if f.containing_oneof is not None and (x is not None or _null_sets(f)):
            oneofs.setdefault(f.containing_oneof.name, []).append((key, x is not None))
        if x is not None:
            _walk_field(x, f, path, at + (i,), w)
    for keys in spellings.values():
        if len(keys) > 1:
            second = sorted(keys, key=_utf16)[1]
            w.add("both_spellings", _join(where, second), at)
    for members in oneofs.values():
        if len(members) > 1 and sum(counted for _, counted in members) < 2:
            second = sorted((key for key, _ in members), key=_utf16)[1]
            w.add("oneof_null_member", _join(where, second), at)


def _null_sets(f: Any) -> bool:
    """`null` sets a Value or NullValue field (for every other field it means unset)."""
    if f.message_type is not None:
        return bool(f.message_type.full_name == "google.protobuf.Value")
    return f.enum_type is not None and f.enum_type.full_name == NULL_VALUE


def _walk_field(x: Any, f: Any, where: str, at: tuple[int, ...], w: Walk) -> None:
    if f.message_type is not None and f.message_type.GetOptions().map_entry:
        if not isinstance(x, Pairs):
            return
        kf = f.message_type.fields_by_name["key"]
        vf = f.message_type.fields_by_name["value"]
        fd = _fd()
        numbers: dict[int, list[str]] = {}
        for i, (key, y) in enumerate(x):
            path = _join(where, key)
            if kf.type not in (fd.TYPE_STRING, fd.TYPE_BOOL):
                if not DECIMAL_KEY.fullmatch(key):
                    w.add("int_map_key_form", path, at + (i,))
                else:
                    numbers.setdefault(int(key), []).append(key)
            if y is not None:
                _walk_single(y, vf, path, at + (i,), w)
        for keys in numbers.values():
            if len(keys) > 1:  # "-0" and "0"
                second = sorted(keys, key=_utf16)[1]
                w.add("int_map_key_clash", _join(where, second), at)
        return
    if f.is_repeated:
        if is_array(x):
            for i, y in enumerate(x):
                if y is not None:
                    _walk_single(y, f, f"{where}[{i}]", at + (i,), w)
        return
    _walk_single(x, f, where, at, w)


def _walk_single(x: Any, f: Any, where: str, at: tuple[int, ...], w: Walk) -> None:
    if f.message_type is not None:
        walk_message(x, f.message_type, where, at, w)
    elif f.enum_type is not None:
        _walk_enum(x, f, where, at, w)
    else:
        _walk_scalar(x, f, where, at, w)


def _walk_generic(v: Any, where: str, at: tuple[int, ...], w: Walk) -> None:
    if isinstance(v, h.RawNumber) and v.text == "-0":
        w.add("minus_zero_generic", where, at)
    elif isinstance(v, Pairs):
        for i, (key, x) in enumerate(v):
            _walk_generic(x, _join(where, key), at + (i,), w)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _walk_generic(x, f"{where}[{i}]", at + (i,), w)


def _walk_enum(x: Any, f: Any, where: str, at: tuple[int, ...], w: Walk) -> None:
    if f.enum_type.full_name == NULL_VALUE:
        if isinstance(x, bool) or (isinstance(x, str) and x != "NULL_VALUE"):
            w.add("null_value_form", where, at)
        elif isinstance(x, h.RawNumber):
            value = Decimal(x.text)
            if value != value.to_integral_value():
                w.add("null_value_form", where, at)
            elif value != 0 and not f.has_presence and not f.is_repeated:
                w.add("null_value_not_written", where, at)
        return
    if isinstance(x, bool):
        w.add("enum_bool", where, at)
    elif isinstance(x, str) and JSON_NUMBER.fullmatch(x.strip()):
        w.add("enum_numeric_string", where, at)
    elif (
        isinstance(x, h.RawNumber)
        and Decimal(x.text) != Decimal(x.text).to_integral_value()
    ):
        w.add("enum_fraction", where, at)


def _walk_scalar(x: Any, f: Any, where: str, at: tuple[int, ...], w: Walk) -> None:
    fd = _fd()
    t = f.type
    if t in (fd.TYPE_DOUBLE, fd.TYPE_FLOAT):
        if isinstance(x, bool):
            w.add("float_bool", where, at)
        elif isinstance(x, h.RawNumber):
            if x.text == "-0":
                w.add("minus_zero_float", where, at)
            elif _is_float32(f):
                d = float(x.text)
                if not math.isinf(d) and F32_MAX < abs(Fraction(d)) < F32_MIDPOINT:
                    w.add("float32_max_text", where, at)
                elif (
                    re.fullmatch(r"-?[0-9]+", x.text)
                    and not math.isinf(d)
                    and abs(Fraction(d)) >= F32_MIDPOINT
                ):
                    # Read as a double first, this rounds to infinity as a float32 (the
                    # runtime range-checks float literals, not integer ones).
                    w.add("float_number_overflow", where, at)
        elif isinstance(x, str) and x not in NON_FINITE:
            if not JSON_NUMBER.fullmatch(x):
                w.add("float_string_form", where, at)
            else:
                d = float(x)
                if math.isinf(d) or (
                    _is_float32(f) and abs(Fraction(d)) >= F32_MIDPOINT
                ):
                    w.add("float_string_overflow", where, at)
    elif t in (
        fd.TYPE_INT32,
        fd.TYPE_INT64,
        fd.TYPE_UINT32,
        fd.TYPE_UINT64,
        fd.TYPE_SINT32,
        fd.TYPE_SINT64,
        fd.TYPE_FIXED32,
        fd.TYPE_FIXED64,
        fd.TYPE_SFIXED32,
        fd.TYPE_SFIXED64,
    ):
        if isinstance(x, str) and not JSON_NUMBER.fullmatch(x):
            w.add("int_string_form", where, at)
    elif t == fd.TYPE_BYTES and isinstance(x, str) and not _base64_ok(x):
        w.add("bytes_form", where, at)


MAX_DEPTH = 128  # docs/json-contract.md: arrays and objects nest at most 128 deep


def _walk_depth(v: Any, w: Walk) -> None:
    """Every array or object nested deeper than MAX_DEPTH (the input itself is level 1), in
    known and unknown members alike."""
    todo: list[tuple[Any, str, int]] = [(v, "(root)", 1)]
    while todo:
        x, where, level = todo.pop()
        if isinstance(x, Pairs):
            members = [(_join(where, key), y) for key, y in x]
        elif isinstance(x, list):
            members = [(f"{where}[{i}]", y) for i, y in enumerate(x)]
        else:
            continue
        if level > MAX_DEPTH:
            w.add("too_deep", where, ())
            continue
        todo.extend((y, here, level + 1) for here, y in members)


def walk(case: dict[str, Any]) -> Walk:
    w = Walk()
    walk_message(case["input"], h.message_descriptor(case["message"]), "(root)", (), w)
    _walk_depth(case["input"], w)
    if case["input"] is None:
        w.add("root_null", "(root)", ())
    return w


# ---------------------------------------------------------------------------------------------
# Adjustments: what a rule says the input means, fed to the runtime at the found places.


def _replace(tree: Any, at: tuple[int, ...], make: Callable[[Any], Any]) -> Any:
    if not at:
        return make(tree)
    node = tree
    for i in at[:-1]:
        node = node[i][1] if isinstance(node, Pairs) else node[i]
    last = at[-1]
    if isinstance(node, Pairs):
        node[last][1] = make(node[last][1])
    else:
        node[last] = make(node[last])
    return tree


def _to_float32(v: Any) -> Any:
    d = float(v.text)
    return h.RawNumber(repr(struct.unpack("<f", struct.pack("<f", d))[0]))


ADJUST: dict[str, Callable[[Any], Any]] = {
    "root_null": lambda v: Pairs(),
    "minus_zero_float": lambda v: -0.0,
    "minus_zero_generic": lambda v: -0.0,
    "float32_max_text": _to_float32,
    "null_value_not_written": lambda v: None,
}


# ---------------------------------------------------------------------------------------------
# The rules


@dataclass(frozen=True)
class Rule:
    id: str
    kinds: frozenset[str]
    contract: str  # a sentence or table cell of docs/json-contract.md, quoted
    runtime: str  # what the official Python runtime does instead


RULES = [
    # Positive cases: the contract accepts, the runtime rejects or reads another value.
    Rule(
        "decoding/missing-custom",
        frozenset({"root_null"}),
        "A missing custom (`None`/`nil`/`undefined`/`null`) or `{}` is the default message.",
        "Parse('null') fails: ParseDict iterates None",
    ),
    Rule(
        "details/minus-zero-literal",
        frozenset({"minus_zero_float"}),
        "The literal `-0` in a double or float field is negative zero (prints `-0`)",
        "Python's json module reads `-0` as the integer 0, so the field reads +0",
    ),
    Rule(
        "details/struct-numbers-are-doubles",
        frozenset({"minus_zero_generic"}),
        "Numbers inside Struct, Value, ListValue and Any members are doubles once decoded.",
        "Python's json module reads `-0` as the integer 0, so the Struct number is +0",
    ),
    Rule(
        "details/null-value-never-written",
        frozenset({"null_value_not_written"}),
        "an implicit-presence NullValue field is never written.",
        "keeps the number it read and prints the field as null when it is not 0",
    ),
    Rule(
        "decoding/float32-max-as-printed",
        frozenset({"float32_max_text"}),
        "`3.4028235e38`, float32 max as printed, is accepted",
        "compares the double with float32 max itself and refuses 'Float value too large'",
    ),
    # Negative cases: the contract rejects, the runtime accepts.
    Rule(
        # The Decoding table has no row for a plain message; the Encoding table's row is the
        # contract's word that a message's JSON is an object (DESIGN.md section 5: everything
        # else that is malformed is an error).
        "encoding/message-is-an-object",
        frozenset({"message_array"}),
        "| message | object | |",
        "iterates a JSON array as the message's keys: [] is the empty message",
    ),
    Rule(
        "decoding/empty-is-an-object",
        frozenset({"empty_array"}),
        "| Empty | an object (its keys are unknown keys) | anything else |",
        "iterates a JSON array as the message's keys: [] is the empty message",
    ),
    Rule(
        "decoding/integer-strings",
        frozenset({"int_string_form"}),
        'fractions, out of range, `"+1"`, `" 1"`, `"0x10"`, `"01"`, booleans',
        "Python's int() accepts a sign, leading zeros, underscores",
    ),
    Rule(
        "decoding/integer-map-keys",
        frozenset({"int_map_key_form"}),
        'integer keys: a decimal integer string in range (`"-3"`)',
        "reads a key as a number in any form (`1e3` is 1000)",
    ),
    Rule(
        "decoding/duration-form",
        frozenset({"duration_form"}),
        '`"<seconds>[.<1-9 digits>]s"`, optional `-`, within ±315576000000 s | other forms',
        "accepts a `+` sign and truncates a 10th fraction digit",
    ),
    Rule(
        "decoding/enum-numeric-strings",
        frozenset({"enum_numeric_string"}),
        "| unknown names, numeric strings |",
        "reads a numeric string as the enum number",
    ),
    Rule(
        "decoding/enum-integral-numbers",
        frozenset({"enum_fraction", "enum_bool"}),
        "a number (an integral JSON number in int32 range, known or not)",
        "truncates 1.5 to 1 and reads true as 1",
    ),
    Rule(
        "details/null-value-inputs",
        frozenset({"null_value_form"}),
        'NullValue accepts `null`, `"NULL_VALUE"`, or an integral number in int32 range',
        'reads true and the string "0" as NULL_VALUE',
    ),
    Rule(
        "decoding/floats-no-words-no-booleans",
        frozenset({"float_string_form", "float_bool"}),
        '`"nan"`, `"inf"`, booleans',
        "Python's float() accepts 'inf', 'nan' spellings and true (1.0)",
    ),
    Rule(
        "decoding/floats-overflow",
        frozenset({"float_string_overflow", "float_number_overflow"}),
        "a finite value that rounds to infinity in the type (IEEE overflow",
        "turns a quoted finite value beyond the range into Infinity",
    ),
    Rule(
        "decoding/base64",
        frozenset({"bytes_form"}),
        "base64: one alphabet per value (standard `+/` or URL-safe `-_`, never both), padding "
        "absent or correct",
        "Python's base64 decoder drops characters outside the alphabet",
    ),
    Rule(
        "decoding/two-keys-one-slot",
        frozenset({"both_spellings"}),
        "Both spellings of one field in one object is an error.",
        "keeps the last spelling",
    ),
    Rule(
        "details/null-sets-a-oneof-member",
        frozenset({"oneof_null_member"}),
        "A oneof member of type Value given `null`, or of type NullValue given `null`, counts as "
        "set.",
        "sets the member but leaves it out of the oneof check, so a second member replaces it",
    ),
    Rule(
        "details/nesting-limit",
        frozenset({"too_deep"}),
        "Arrays and objects nest at most 128 deep, the custom object itself being level 1, under "
        "unknown keys too",
        "has no limit on arrays inside ignored keys or Values (only on nested messages, 100)",
    ),
    Rule(
        "details/integer-map-keys-clash",
        frozenset({"int_map_key_clash"}),
        'Integer map keys: `"-0"` is 0; two keys that name the same number are an error.',
        "keeps the last of the two keys",
    ),
]
POSITIVE_KINDS = set(ADJUST)
RULE_BY_KIND = {k: r for r in RULES for k in r.kinds}


# ---------------------------------------------------------------------------------------------
# Judging one case


@dataclass
class Verdict:
    ok: bool
    rules: list[str] = field(
        default_factory=list
    )  # the rules that decided a difference
    problem: str = ""


def _parse_text(case: dict[str, Any], text: str, lenient: bool) -> Any:
    from google.protobuf import json_format

    msg = h.message_class(case["message"])()
    json_format.Parse(text, msg, ignore_unknown_fields=lenient)
    return msg


def _canonical(msg: Any) -> str:
    from google.protobuf import json_format

    return ref.canonicalize(json_format.MessageToDict(msg), msg.DESCRIPTOR)


def _runtime(
    case: dict[str, Any], tree: Any, lenient: bool
) -> tuple[str | None, str | None]:
    """(canonical, None) or (None, error) from the runtime on a (possibly adjusted) input."""
    try:
        msg = _parse_text(case, dumps(tree), lenient)
    except Exception as e:  # noqa: BLE001 - the runtime raises several types on bad input
        return None, f"{type(e).__name__}: {e}"
    try:
        return _canonical(msg), None
    except Exception as e:  # noqa: BLE001
        return None, f"reference canonicalizer failed: {type(e).__name__}: {e}"


def _runtime_dict(case: dict[str, Any], tree: Any, lenient: bool) -> str | None:
    """Like _runtime, through ParseDict: the adjusted values (a float -0.0) have no JSON text
    that Python's json module reads back as themselves."""
    from google.protobuf import json_format

    try:
        msg = h.message_class(case["message"])()
        json_format.ParseDict(plain(tree), msg, ignore_unknown_fields=lenient)
        return _canonical(msg)
    except Exception:  # noqa: BLE001
        return None


def within(where: str, want: str) -> bool:
    """Is the value at JSON path `where` the one a case's expected error names, or inside it?
    (An empty expected error names no place: any error will do. An expected error that spells
    out the message, `path: reason`, names its path.)"""
    want = want.split(": ", 1)[0]
    if want in ("", "(root)"):
        return True
    return where == want or where.startswith((want + ".", want + "["))


def judge(case: dict[str, Any]) -> Verdict:
    w = walk(case)
    strict = bool(case.get("strict", False))
    lenient = not strict and bool(w.unknown)
    got, error = _runtime(case, case["input"], lenient)

    if "error" in case:
        if error is not None:
            return Verdict(True)
        want = str(case["error"])
        deciding = sorted(
            {
                RULE_BY_KIND[f.kind].id
                for f in w.findings
                if f.kind in RULE_BY_KIND
                and f.kind not in POSITIVE_KINDS
                and within(f.where, want)
            }
        )
        if deciding:
            return Verdict(True, deciding)
        return Verdict(
            False,
            problem=f"the runtime accepts this negative case (expected error {want!r}), "
            f"no rule decides it; runtime canonical: {got}",
        )

    want = str(case["canonical"])
    contrary = [f for f in w.findings if f.kind not in POSITIVE_KINDS]
    if contrary:
        return Verdict(
            False,
            problem="the case expects a canonical string, but the contract rejects "
            + "; ".join(
                f"{f.where} (rule {RULE_BY_KIND[f.kind].id})" for f in contrary
            ),
        )
    found = [f for f in w.findings if f.kind in POSITIVE_KINDS]
    if not found:
        if got == want:
            return Verdict(True)
        actual = f"error {error}" if error is not None else got
        return Verdict(False, problem=f"runtime gives {actual}\n    expected {want}")

    # The contract reads these values differently from the runtime: the runtime is fed what the
    # rules say they mean, and must then give exactly the expected string.
    kinds = sorted({f.kind for f in found})

    def attempt(use: set[str]) -> str | None:
        tree = copy.deepcopy(case["input"])
        for f in found:
            if f.kind in use:
                tree = _replace(tree, f.at, ADJUST[f.kind])
        return _runtime_dict(case, tree, lenient)

    adjusted = attempt(set(kinds))
    if adjusted != want:
        return Verdict(
            False,
            problem=f"runtime, given what rules {kinds} say the input means, gives "
            f"{adjusted}\n    expected {want}",
        )
    # Credit the rules that make a difference: without one, the runtime's answer changes.
    needed = [k for k in kinds if attempt(set(kinds) - {k}) != want]
    return Verdict(True, sorted({RULE_BY_KIND[k].id for k in (needed or kinds)}))


def judge_all(cases: list[dict[str, Any]]) -> tuple[list[str], dict[str, list[str]]]:
    """(failures, rule id -> names of the cases it decides)."""
    failures: list[str] = []
    decided: dict[str, list[str]] = {r.id: [] for r in RULES}
    for case in cases:
        try:
            v = judge(case)
        except Exception as e:  # noqa: BLE001 - report, never stop at the first case
            v = Verdict(
                False, problem=f"the test itself failed: {type(e).__name__}: {e}"
            )
        if not v.ok:
            failures.append(
                f"[{case['file']}] {case['name']} ({case['message']}"
                f"{', strict' if case.get('strict') else ''})\n    input: {dumps(case['input'])[:300]}"
                f"\n    {v.problem}"
            )
        for r in v.rules:
            decided[r].append(case["name"])
    return failures, decided


# ---------------------------------------------------------------------------------------------
# The tests


def _normalized(text: str) -> str:
    return " ".join(text.split())


def test_rules_quote_the_contract() -> None:
    """Each rule names a rule of docs/json-contract.md: its quote is found there verbatim."""
    doc = _normalized(CONTRACT.read_text(encoding="utf-8"))
    missing = [r.id for r in RULES if _normalized(r.contract) not in doc]
    assert not missing, f"rules whose quote is not in {CONTRACT.name}: {missing}"
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)), "duplicate rule ids"
    kinds = [k for r in RULES for k in r.kinds]
    assert len(kinds) == len(set(kinds)), "a finding kind belongs to two rules"


def test_vectors_agree_with_official_runtime(pb_modules: list[str]) -> None:
    """Every generated vector: positive cases canonicalize (through the runtime and the
    reference canonicalizer) to the expected string, negative cases are rejected; every
    difference is decided by a rule of the contract."""
    cases = load_vectors()
    failures, _ = judge_all(cases)
    assert not failures, (
        f"{len(failures)} of {len(cases)} vectors disagree with the official runtime and no "
        "rule of docs/json-contract.md decides:\n" + "\n".join(failures)
    )


def test_walk_finds_what_it_should(pb_modules: list[str]) -> None:
    """The walk itself, on hand-written inputs (so that a rule cannot decide a case by a
    finding in the wrong place)."""

    def findings(message: str, text: str) -> set[tuple[str, str]]:
        with_numbers = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_float=h.RawNumber,
            parse_int=h.RawNumber,
        )
        w = walk({"message": message, "input": with_numbers})
        return {(f.kind, f.where) for f in w.findings} | {
            ("unknown", u) for u in w.unknown
        }

    assert findings("acme.kitchen.v1.Scalars", '{"fInt32": "+1", "fDouble": -0}') == {
        ("int_string_form", "fInt32"),
        ("minus_zero_float", "fDouble"),
    }
    assert findings(
        "acme.kitchen.v1.Scalars", '{"fInt64": "1e3", "fFloat": 3.4028235e38}'
    ) == {("float32_max_text", "fFloat")}
    assert findings("acme.kitchen.v1.Scalars", '{"fFloat": 3.4028236e38}') == set()
    # Nesting: the input object is level 1, so 127 arrays below a key reach level 128.
    deepest = "[" * 127 + "]" * 127
    assert findings("acme.kitchen.v1.KitchenSink", '{"zz": ' + deepest + "}") == {
        ("unknown", "zz")
    }
    assert findings("acme.kitchen.v1.KitchenSink", '{"zz": [' + deepest + "]}") == {
        ("unknown", "zz"),
        ("too_deep", "zz" + "[0]" * 127),
    }
    # A null Value member sets the oneof; a null member of another type does not.
    assert findings(
        "acme.kitchen.v1.KitchenSink", '{"choiceValue": null, "choiceText": "x"}'
    ) == {("oneof_null_member", "choiceValue")}
    assert findings(
        "acme.kitchen.v1.KitchenSink", '{"choiceText": "x", "choiceValue": null}'
    ) == {("oneof_null_member", "choiceValue")}
    assert (
        findings(
            "acme.kitchen.v1.KitchenSink", '{"choiceText": null, "choiceValue": null}'
        )
        == set()
    )
    assert (
        findings(
            "acme.kitchen.v1.KitchenSink", '{"choiceText": "x", "choiceColor": "RED"}'
        )
        == set()
    )
    assert findings("acme.kitchen.v1.Maps", '{"kInt32": {"1e3": "x", "-0": "y"}}') == {
        ("int_map_key_form", "kInt32.1e3")
    }
    assert findings(
        "acme.kitchen.v1.Repeats", '{"rBytes": ["AQID", "AQ-/"], "rDouble": [1, -0]}'
    ) == {
        ("bytes_form", "rBytes[1]"),
        ("minus_zero_float", "rDouble[1]"),
    }
    assert findings(
        "acme.kitchen.v1.Scalars", '{"fDouble": 1, "f_double": 2, "zz": 1}'
    ) == {
        ("both_spellings", "f_double"),
        ("unknown", "zz"),
    }
    assert findings(
        "acme.kitchen.v1.WellKnown", '{"wStruct": {"a": [-0]}, "wEmpty": {"x": 1}}'
    ) == {
        ("minus_zero_generic", "wStruct.a[0]"),
        ("unknown", "wEmpty.x"),
    }
    assert findings("acme.kitchen.v1.KitchenSink", '{"config": {"inner": []}}') == {
        ("message_array", "config.inner")
    }
    assert (
        _base64_ok("AQID")
        and _base64_ok("AQ")
        and _base64_ok("AQ==")
        and _base64_ok("-_8")
    )
    assert not _base64_ok("A") and not _base64_ok("AQ=") and not _base64_ok("+_8=")
    # Details every codec shares: integer map keys that name one number, a number in an
    # implicit NullValue field, an integer literal beyond float32 once read as a double.
    assert findings("acme.kitchen.v1.Maps", '{"kInt32": {"0": "a", "-0": "b"}}') == {
        ("int_map_key_clash", "kInt32.0")
    }
    assert findings(
        "acme.kitchen.v1.WellKnown",
        '{"wNull": 7, "wOptionalNull": 7, "wValue": 1.5}',
    ) == {("null_value_not_written", "wNull")}
    assert findings("acme.kitchen.v1.WellKnown", '{"wOptionalNull": 1.5}') == {
        ("null_value_form", "wOptionalNull")
    }
    big = "340282356779733661637539395458142568447"
    assert findings("acme.kitchen.v1.Scalars", f'{{"fFloat": {big}}}') == {
        ("float_number_overflow", "fFloat")
    }
    assert within("a.b", 'a.b: "x" and "y" set the same field')
    assert not within("a.b", 'a.c: "a.b" and "a.c" set the same field')


WRONG_VECTORS = """{"cases": [
  {"name": "ok.integral", "message": "acme.kitchen.v1.Scalars",
   "input": {"fDouble": 2.0, "fInt64": "1e3"}, "canonical": "{\\"fDouble\\":2,\\"fInt64\\":\\"1000\\"}"},
  {"name": "ok.plus_sign", "message": "acme.kitchen.v1.Scalars",
   "input": {"fInt32": "+1"}, "error": "fInt32"},
  {"name": "ok.minus_zero", "message": "acme.kitchen.v1.Scalars",
   "input": {"fDouble": -0}, "canonical": "{\\"fDouble\\":-0}"},
  {"name": "bad.two_point_zero", "message": "acme.kitchen.v1.Scalars",
   "input": {"fDouble": 2}, "canonical": "{\\"fDouble\\":2.0}"},
  {"name": "bad.dropped_field", "message": "acme.kitchen.v1.Scalars",
   "input": {"fInt32": 1, "fString": "a"}, "canonical": "{\\"fInt32\\":1}"},
  {"name": "bad.minus_zero_lost", "message": "acme.kitchen.v1.Scalars",
   "input": {"fDouble": -0}, "canonical": "{}"},
  {"name": "bad.accepts_plus_sign", "message": "acme.kitchen.v1.Scalars",
   "input": {"fInt32": "+1"}, "canonical": "{\\"fInt32\\":1}"},
  {"name": "bad.valid_input_rejected", "message": "acme.kitchen.v1.Scalars",
   "input": {"fString": "a"}, "error": "fString"},
  {"name": "bad.rule_at_another_path", "message": "acme.kitchen.v1.Scalars",
   "input": {"fInt32": "+1", "fInt64": "2"}, "error": "fInt64"},
  {"name": "bad.unknown_key_is_not_ignored_when_strict", "message": "acme.kitchen.v1.Scalars",
   "input": {"zz": 1}, "strict": true, "canonical": "{}"}
]}"""


def test_wrong_vectors_are_caught(pb_modules: list[str], tmp_path: Path) -> None:
    """The test fails, naming the case, for each kind of wrong expectation; and passes the
    right ones (so that rules decide only real differences)."""
    (tmp_path / "wrong.json").write_text(WRONG_VECTORS, encoding="utf-8")
    cases = load_vectors(tmp_path)
    failures, decided = judge_all(cases)
    failed = sorted(line.split()[1] for line in failures)
    assert failed == sorted(c["name"] for c in cases if c["name"].startswith("bad.")), (
        "\n".join(failures)
    )
    assert decided["decoding/integer-strings"] == ["ok.plus_sign"]
    assert decided["details/minus-zero-literal"] == ["ok.minus_zero"]


def rules_table(decided: dict[str, list[str]]) -> str:
    lines = [
        "| rule | cases | docs/json-contract.md | the official runtime instead |",
        "|---|---|---|---|",
    ]
    for r in RULES:
        lines.append(f"| {r.id} | {len(decided[r.id])} | {r.contract} | {r.runtime} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        h.compile_idl(Path(tmp))
        all_cases = load_vectors()
        fails, by_rule = judge_all(all_cases)
        print(rules_table(by_rule))
        print(f"\n{len(all_cases)} cases, {len(fails)} failures")
        for line in fails:
            print(line)
        sys.exit(1 if fails else 0)
