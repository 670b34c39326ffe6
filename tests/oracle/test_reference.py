"""The reference canonicalizer against independent sources: RFC 8785's own examples and the
ECMAScript rules, so that the oracle's expectations do not rest on its own say-so."""

from __future__ import annotations

import struct

import oracle_reference as ref
import pytest

# RFC 8785, Appendix B: IEEE 754 doubles (hex) and their ECMAScript text. The one deliberate
# difference: `-0` prints `-0` here (docs/json-contract.md, "Canonical bytes"), `0` in JCS.
RFC8785_NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "-0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "text"), RFC8785_NUMBERS)
def test_double_text_rfc8785_appendix_b(bits: str, text: str) -> None:
    (x,) = struct.unpack(">d", bytes.fromhex(bits))
    assert ref.ecma_double(x) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (2.0, "2"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (123e-20, "1.23e-18"),
        (0.1, "0.1"),
        (-1.5, "-1.5"),
    ],
)
def test_double_text_ecmascript(x: float, text: str) -> None:
    assert ref.ecma_double(x) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.1, "0.1"),  # docs/json-contract.md: `0.1f` prints `0.1`
        (3.4028234663852886e38, "3.4028235e+38"),
        (-3.4028234663852886e38, "-3.4028235e+38"),
        (1.401298464324817e-45, "1e-45"),
        (2.802596928649634e-45, "3e-45"),
        (1.1754943508222875e-38, "1.1754944e-38"),
        (16777216.0, "16777216"),
        (1 / 3, "0.33333334"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (-0.0, "-0"),
        (0.0, "0"),
    ],
)
def test_float32_shortest(x: float, text: str) -> None:
    assert ref.float32_shortest(x) == text
    assert ref.to_float32(float(text)) == ref.to_float32(x)


def test_float32_shortest_round_trips_and_is_minimal() -> None:
    """Every float32 in a sample: the text round-trips, and no shorter decimal does."""
    for bits in range(0x00000001, 0x7F800000, 0x000F4243):
        (f,) = struct.unpack("<f", struct.pack("<I", bits))
        text = ref.float32_shortest(f)
        assert ref.to_float32(float(text)) == f, (bits, text)
        digits = len(text.split("e")[0].replace(".", "").replace("-", "").strip("0"))
        if digits > 1:
            shorter = f"{f:.{digits - 2}e}"
            assert ref.to_float32(float(shorter)) != f, (bits, text, shorter)


def test_key_order_rfc8785_section_3_2_3() -> None:
    # The RFC's sorting example: keys ordered by UTF-16 code units.
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    value = {k: ref.Num("0") for k in keys}
    expected = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert (
        ref.jcs(value)
        == "{" + ",".join(ref.jcs_string(k) + ":0" for k in expected) + "}"
    )


def test_string_escaping_rfc8785_section_3_2_2_2() -> None:
    # The RFC's string example: "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/".
    s = "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/"
    assert ref.jcs_string(s) == '"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'


def test_string_escaping_contract() -> None:
    # docs/json-contract.md, "Canonical bytes": U+007F, U+2028 and non-ASCII stay literal.
    s = "\u0000\u001f\u007f\u2028\U0001f600\b\f\n\r\t"
    assert ref.jcs_string(s) == '"\\u0000\\u001f\u007f\u2028\U0001f600\\b\\f\\n\\r\\t"'
