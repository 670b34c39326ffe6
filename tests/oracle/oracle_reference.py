"""The reference canonicalizer of the oracle test.

It turns what the official protobuf runtime prints (`json_format.MessageToDict(msg)`) into the
canonical string of the `custom` JSON contract (docs/json-contract.md, DESIGN.md section 5),
walking the message descriptor beside the dict so that it knows which numbers are float32, which
are doubles inside Struct/Value, and so on. It is written from the contract alone and imports
nothing that flyteplug generates.

Where the official runtime and the contract differ, the contract decides; every such place is
marked with a comment naming the rule of docs/json-contract.md that decides it.
"""

from __future__ import annotations

import base64
import math
import re
import struct
from decimal import Decimal
from fractions import Fraction
from typing import Any

from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

# ---------------------------------------------------------------------------------------------
# Numbers


class Num:
    """A JSON number whose text is already final (ECMAScript form)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Num({self.text})"


def ecma_format(negative: bool, digits: str, n: int) -> str:
    """ECMA-262 Number::toString(x) for x = digits x 10^(n - len(digits)), digits without
    leading or trailing zeros (ECMA-262, "Number::toString", steps 5 to 10)."""
    k = len(digits)
    sign = "-" if negative else ""
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        exp = ("+" if e >= 0 else "-") + str(abs(e))
        body = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + exp
    return sign + body


def _decimal_digits(text: str) -> tuple[bool, str, int]:
    """(negative, digits, n) of a decimal text, digits stripped of leading/trailing zeros."""
    sign, digit_tuple, exponent = Decimal(text).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    return bool(sign), stripped, len(stripped) + exponent


def ecma_double(x: float) -> str:
    """The text of a double: ECMAScript `Number.prototype.toString`, except that `-0.0` prints
    `-0` (docs/json-contract.md, "Canonical bytes": the one deliberate difference from JCS, which
    prints `0`). Non-finite values have no JSON number form."""
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"non-finite number {x!r} has no JSON number text")
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    # Python's repr is the shortest decimal that round-trips as a double, and the closest one
    # to the value among the shortest: exactly the digits ECMAScript asks for.
    negative, digits, n = _decimal_digits(repr(x))
    return ecma_format(negative, digits, n)


def _f32_bits(x: float) -> int:
    return int(struct.unpack("<I", struct.pack("<f", x))[0])


def _f32_from_bits(bits: int) -> float:
    return float(struct.unpack("<f", struct.pack("<I", bits))[0])


def to_float32(x: float) -> float:
    """The float32 nearest to the double x (ties to even); OverflowError beyond float32."""
    return float(struct.unpack("<f", struct.pack("<f", x))[0])


def _f32_interval(f: float) -> tuple[Fraction, Fraction, bool]:
    """For a positive finite float32 f: the open interval of reals that round to f, and whether
    the bounds themselves round to f (ties to even: when f's significand is even)."""
    bits = _f32_bits(f)
    exact = Fraction(f)
    up = (
        Fraction(2) ** 128 if bits == 0x7F7FFFFF else Fraction(_f32_from_bits(bits + 1))
    )
    down = Fraction(_f32_from_bits(bits - 1)) if bits > 0 else Fraction(0)
    return (exact + down) / 2, (exact + up) / 2, bits % 2 == 0


def _floor_log10(q: Fraction) -> int:
    e = math.floor(math.log10(float(q))) if float(q) > 0 else -46
    while Fraction(10) ** e > q:
        e -= 1
    while Fraction(10) ** (e + 1) <= q:
        e += 1
    return e


def float32_shortest(x: float) -> str:
    """The text of a float32 value: the shortest decimal that rounds to the same float32 (the
    closest such decimal when several have that length, and of two equally close the one with
    the even last digit), in ECMAScript form (docs/json-contract.md, "Encoding", row `float`,
    and "Shortest number text")."""
    f = to_float32(x)
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"non-finite number {x!r} has no JSON number text")
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    negative = f < 0
    f = abs(f)
    exact = Fraction(f)
    low, high, inclusive = _f32_interval(f)

    def rounds_to_f(d: Fraction) -> bool:
        if low < d < high:
            return True
        return inclusive and (d == low or d == high)

    e10 = _floor_log10(exact)
    for p in range(1, 10):
        scale = e10 - p + 1  # value = m * 10^scale with a p-digit m
        m = round(exact / Fraction(10) ** scale)  # round() on Fraction: half to even
        found: list[tuple[Fraction, int]] = []
        for cand in (m - 1, m, m + 1):
            if cand <= 0:
                continue
            d = cand * Fraction(10) ** scale
            if rounds_to_f(d):
                found.append((abs(d - exact), cand))
        if found:
            # Nearest first; on an exact tie, the even last digit.
            found.sort(key=lambda item: (item[0], item[1] % 2))
            cand = found[0][1]
            text = f"{cand}e{scale}"
            _, digits, n = _decimal_digits(text)
            return ecma_format(negative, digits, n)
    raise AssertionError(f"no decimal of at most 9 digits round-trips {x!r} as float32")


# ---------------------------------------------------------------------------------------------
# JCS serialization


def jcs_string(s: str) -> str:
    """Minimal escaping (docs/json-contract.md, "Canonical bytes"): `\\"`, `\\\\`, the five short
    control escapes, other controls below U+0020 as lowercase `\\u00xx`; everything else,
    including U+007F, U+2028 and non-ASCII, literal."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20:
            out.append(f"\\u{o:04x}")
        elif 0xD800 <= o <= 0xDFFF:
            raise ValueError("lone surrogate in a string")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def utf16_key(s: str) -> bytes:
    """Sort key: UTF-16 code units (RFC 8785 section 3.2.3). Big-endian UTF-16 bytes compare
    in code-unit order."""
    return s.encode("utf-16-be")


def jcs(value: Any) -> str:
    """Serializes a value tree (dict, list, str, bool, None, Num) per RFC 8785."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Num):
        return value.text
    if isinstance(value, str):
        return jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=utf16_key)
        return "{" + ",".join(jcs_string(k) + ":" + jcs(value[k]) for k in keys) + "}"
    raise TypeError(f"not a canonical value tree: {value!r}")


# ---------------------------------------------------------------------------------------------
# Walking the runtime's dict beside the descriptor

_GENERIC = {
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
}
_STRING_WKT = {
    "google.protobuf.Duration",
    "google.protobuf.Timestamp",
    "google.protobuf.FieldMask",
}
_WRAPPERS = {
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
_INT64 = {
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_FIXED64,
    FieldDescriptor.TYPE_SFIXED64,
}
_INT32 = {
    FieldDescriptor.TYPE_INT32,
    FieldDescriptor.TYPE_UINT32,
    FieldDescriptor.TYPE_SINT32,
    FieldDescriptor.TYPE_FIXED32,
    FieldDescriptor.TYPE_SFIXED32,
}
_NON_FINITE = {"NaN", "Infinity", "-Infinity"}
_DURATION = re.compile(r"-?[0-9]+(\.([0-9]{3}|[0-9]{6}|[0-9]{9}))?s")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.([0-9]{3}|[0-9]{6}|[0-9]{9}))?Z"
)


def generic_json(v: Any) -> Any:
    """Plain JSON (Struct, Value, ListValue): every number is a double (docs/json-contract.md,
    "Struct, Value and ListValue hold numbers as doubles")."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float)):
        return Num(ecma_double(float(v)))
    if isinstance(v, list):
        return [generic_json(x) for x in v]
    if isinstance(v, dict):
        return {str(k): generic_json(x) for k, x in v.items()}
    raise TypeError(f"not JSON: {v!r}")


def _pass_through(v: Any) -> Any:
    """Any members: passed through unchanged and printed canonically (sorted keys, ECMAScript
    numbers) (docs/json-contract.md, "Any")."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return Num(str(v)) if abs(v) <= 2**53 else Num(ecma_double(float(v)))
    if isinstance(v, float):
        return Num(ecma_double(v))
    if isinstance(v, list):
        return [_pass_through(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _pass_through(x) for k, x in v.items()}
    raise TypeError(f"not JSON: {v!r}")


def _enum(v: Any, enum: EnumDescriptor) -> Any:
    if enum.full_name == "google.protobuf.NullValue":
        assert v is None, f"NullValue printed as {v!r}"
        return None
    if isinstance(v, str):
        number = enum.values_by_name[v].number
        # "the first declared name for the number (aliases never print)"
        # (docs/json-contract.md, "Encoding", row `enum`).
        first = next(x.name for x in enum.values if x.number == number)
        return first
    assert isinstance(v, int) and not isinstance(v, bool), f"enum printed as {v!r}"
    assert v not in enum.values_by_number, f"known enum number {v} printed as a number"
    return Num(str(v))


def _scalar(v: Any, ftype: int) -> Any:
    if ftype == FieldDescriptor.TYPE_DOUBLE:
        if isinstance(v, str):
            assert v in _NON_FINITE, v
            return v
        return Num(ecma_double(float(v)))
    if ftype == FieldDescriptor.TYPE_FLOAT:
        if isinstance(v, str):
            assert v in _NON_FINITE, v
            return v
        # The runtime prints a float32 with 6 to 9 significant digits ("%.6g" first), which is
        # not always the shortest round-trip text (the smallest subnormal prints `1.4013e-45`).
        # The contract wants the shortest decimal that round-trips as float32
        # (docs/json-contract.md, "Encoding", row `float`).
        return Num(float32_shortest(float(v)))
    if ftype in _INT64:
        # 64-bit integers as decimal strings (docs/json-contract.md, "Encoding").
        assert isinstance(v, str) and re.fullmatch(r"-?(0|[1-9][0-9]*)", v), v
        return v
    if ftype in _INT32:
        assert isinstance(v, int) and not isinstance(v, bool), v
        return Num(str(v))
    if ftype == FieldDescriptor.TYPE_BOOL:
        assert isinstance(v, bool), v
        return v
    if ftype == FieldDescriptor.TYPE_STRING:
        assert isinstance(v, str), v
        return v
    if ftype == FieldDescriptor.TYPE_BYTES:
        # Standard base64 with padding (docs/json-contract.md, "Encoding", row `bytes`).
        assert isinstance(v, str), v
        assert base64.b64encode(base64.b64decode(v, validate=True)).decode() == v, v
        return v
    raise TypeError(f"unexpected scalar type {ftype}")


def _single(v: Any, f: FieldDescriptor) -> Any:
    if f.type == FieldDescriptor.TYPE_MESSAGE:
        return message_value(v, f.message_type)
    if f.type == FieldDescriptor.TYPE_ENUM:
        return _enum(v, f.enum_type)
    return _scalar(v, f.type)


def _field(v: Any, f: FieldDescriptor) -> Any:
    if f.message_type is not None and f.message_type.GetOptions().map_entry:
        value_field = f.message_type.fields_by_name["value"]
        assert isinstance(v, dict), v
        # Map keys: integers in decimal, bools as "true"/"false", strings as-is.
        return {str(k): _single(x, value_field) for k, x in v.items()}
    if f.is_repeated:
        assert isinstance(v, list), v
        return [_single(x, f) for x in v]
    return _single(v, f)


def message_value(v: Any, desc: Descriptor) -> Any:
    """The canonical value tree of one message as the runtime printed it."""
    name = desc.full_name
    if name in _GENERIC:
        return generic_json(v)
    if name in _STRING_WKT:
        assert isinstance(v, str), v
        if name == "google.protobuf.Duration":
            # 0, 3, 6 or 9 fractional digits (docs/json-contract.md, "Encoding", Duration).
            assert _DURATION.fullmatch(v), v
        if name == "google.protobuf.Timestamp":
            assert _TIMESTAMP.fullmatch(v), v
        return v
    if name in _WRAPPERS:
        return _scalar(v, desc.fields_by_name["value"].type)
    if name == "google.protobuf.Any":
        assert isinstance(v, dict) and isinstance(v.get("@type"), str), v
        # The contract keeps an Any as its JSON object and does not normalize the members to
        # the packed type's canonical form (docs/json-contract.md, "Any"); the runtime does.
        # The two agree when the input's members are already canonical, which the oracle
        # checks for every Any in a positive case (see test_oracle.py).
        return _pass_through(v)
    if name == "google.protobuf.Empty":
        assert v == {}, v
        return {}
    assert isinstance(v, dict), v
    fields = {f.json_name: f for f in desc.fields}
    return {key: _field(item, fields[key]) for key, item in v.items()}


def canonicalize(runtime_dict: dict[str, Any], desc: Descriptor) -> str:
    """The contract's canonical string of a message, from `json_format.MessageToDict(msg)`
    (default options) and the message's descriptor."""
    return jcs(message_value(runtime_dict, desc))


def canonical_plain_json(v: Any) -> str:
    """The canonical string of a plain JSON value (an Any's members)."""
    return jcs(_pass_through(v))
