//! Conformance vectors derived from the IR, built by construction: for every value the
//! generator chooses both the input spelling and the canonical JSON it must print, so no
//! expected string comes from decoding the input.
//!
//! Every expected canonical value here is written by hand in the tables below (or assembled
//! from them), following docs/json-contract.md; the number and float32 texts are also checked
//! against [`es_number`](super::json::es_number) / [`es_float32`](super::json::es_float32) in
//! the unit tests.
//!
//! Error cases expect the JSON path of the bad value (docs/json-contract.md "Errors"): object
//! keys as written in the input, `[i]` for array elements, map keys appended like keys, and
//! `(root)` for the top value itself. Where the contract fixes the whole message (two keys
//! that set one slot: the key that sorts second by UTF-16 code units, naming the other; a key
//! given twice in the JSON text), the case expects the path followed by that text.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use super::json::{Json, base64_std, base64_url_unpadded, utf16_cmp, write_string};
use super::{Case, Expect};
use crate::ir::{Field, FieldType, JsonKind, Label, Message, Plugin, Scalar, Wkt};

/// One value of a type: how the input spells it and the canonical JSON it prints as.
#[derive(Debug, Clone)]
struct Sample {
    tag: String,
    input: Json,
    canon: Json,
    /// The type's zero: omitted by implicit-presence fields.
    default: bool,
    /// A non-canonical input spelling of the value.
    alt: bool,
}

/// A value a type must reject; the error path is the field's path plus `suffix`.
#[derive(Debug, Clone)]
struct Bad {
    tag: String,
    input: Json,
    suffix: String,
}

fn ok(tag: &str, input: Json, canon: Json) -> Sample {
    Sample {
        tag: tag.to_string(),
        input,
        canon,
        default: false,
        alt: false,
    }
}

fn zero(tag: &str, input: Json, canon: Json) -> Sample {
    Sample {
        default: true,
        ..ok(tag, input, canon)
    }
}

fn alt(tag: &str, input: Json, canon: Json) -> Sample {
    Sample {
        alt: true,
        ..ok(tag, input, canon)
    }
}

fn bad(tag: &str, input: Json) -> Bad {
    Bad {
        tag: tag.to_string(),
        input,
        suffix: String::new(),
    }
}

fn n(text: &str) -> Json {
    Json::num(text)
}

fn s(text: &str) -> Json {
    Json::str(text)
}

/// The error text of two keys `a` and `b` of the object at `path` that set one slot
/// (docs/json-contract.md, Decoding): at the key that sorts second by UTF-16 code units,
/// naming the other, e.g. `driver.cpu_count: "cpu" and "cpu_count" set the same field`.
fn clash(path: &str, a: &str, b: &str, what: &str) -> String {
    let (first, second) = if utf16_cmp(a, b).is_le() {
        (a, b)
    } else {
        (b, a)
    };
    let mut out = format!("{}: ", join(path, second));
    write_string(&mut out, first);
    out.push_str(" and ");
    write_string(&mut out, second);
    out.push(' ');
    out.push_str(what);
    out
}

/// The error text of a key given twice in one object of the JSON text, at `path`.
fn repeated(path: &str) -> String {
    format!("{path}: duplicate key")
}

/// An object with `key` twice: what only JSON text can say.
fn twice(key: &str, a: Json, b: Json) -> Json {
    Json::Object(vec![(key.to_string(), a), (key.to_string(), b)])
}

/// Parses JSON text written in this file (always valid).
fn j(text: &str) -> Json {
    match super::json::parse(text) {
        Ok(v) => v,
        Err(e) => {
            debug_assert!(false, "bad literal {text}: {e}");
            Json::Null
        }
    }
}

/// The smallest and largest value of an integer category.
fn int_bounds(kind: JsonKind) -> (i128, i128) {
    match kind {
        JsonKind::I32 => (i32::MIN.into(), i32::MAX.into()),
        JsonKind::U32 => (0, u32::MAX.into()),
        JsonKind::I64 => (i64::MIN.into(), i64::MAX.into()),
        _ => (0, u64::MAX.into()),
    }
}

fn is_64(kind: JsonKind) -> bool {
    matches!(kind, JsonKind::I64 | JsonKind::U64)
}

/// The canonical JSON of an integer: a number, or a decimal string for 64-bit kinds.
fn int_canon(kind: JsonKind, v: i128) -> Json {
    if is_64(kind) {
        Json::String(v.to_string())
    } else {
        Json::Number(v.to_string())
    }
}

fn int_samples(kind: JsonKind) -> Vec<Sample> {
    let (min, max) = int_bounds(kind);
    let c = |v: i128| int_canon(kind, v);
    let signed = min < 0;
    // The canonical spelling of 64-bit integers is a string; of 32-bit ones a number.
    let spell = |v: i128| {
        if is_64(kind) {
            Json::String(v.to_string())
        } else {
            Json::Number(v.to_string())
        }
    };
    let other = |v: i128| {
        if is_64(kind) {
            Json::Number(v.to_string())
        } else {
            Json::String(v.to_string())
        }
    };
    let mut out = vec![zero("zero", spell(0), c(0)), ok("one", spell(1), c(1))];
    if signed {
        out.push(ok("negative", spell(-7), c(-7)));
        out.push(ok("min", spell(min), c(min)));
    }
    out.push(ok("max", spell(max), c(max)));
    if is_64(kind) {
        out.push(alt("max_as_number", other(max), c(max)));
        if signed {
            out.push(alt("min_as_number", other(min), c(min)));
        }
        let p = (1i128 << 53) + 1;
        out.push(alt("two_pow_53_plus_1", n(&p.to_string()), c(p)));
        if signed {
            out.push(alt("minus_two_pow_53_plus_1", n(&(-p).to_string()), c(-p)));
        }
        out.push(alt("exponent_e18", n("1e18"), c(1_000_000_000_000_000_000)));
    } else {
        out.push(alt("max_quoted", other(max), c(max)));
        if signed {
            out.push(alt("min_quoted", other(min), c(min)));
        }
    }
    out.push(alt("exponent", n("1e3"), c(1000)));
    out.push(alt("exponent_quoted", s("1e3"), c(1000)));
    out.push(alt("exponent_fraction", n("1.5e1"), c(15)));
    out.push(alt("integral_float", n("3.0"), c(3)));
    out.push(alt("integral_float_quoted", s("3.0"), c(3)));
    out.push(Sample {
        default: true,
        ..alt("minus_zero", n("-0"), c(0))
    });
    out
}

fn int_bads(kind: JsonKind) -> Vec<Bad> {
    let (min, max) = int_bounds(kind);
    let low = if min < 0 { min - 1 } else { -1 };
    vec![
        bad("fraction", n("1.5")),
        bad("fraction_quoted", s("1.5")),
        bad("small_fraction", n("1e-3")),
        bad("above_max", n(&(max + 1).to_string())),
        bad("above_max_quoted", s(&(max + 1).to_string())),
        bad("below_min", n(&low.to_string())),
        bad("huge_exponent", n("1e30")),
        bad("plus_sign", s("+1")),
        bad("leading_space", s(" 1")),
        bad("hex", s("0x10")),
        bad("leading_zero", s("01")),
        bad("word", s("abc")),
        bad("bool", Json::Bool(true)),
    ]
}

/// Doubles. Canonical texts written by hand from ECMA-262 Number::toString (and checked
/// against `es_number` in the tests).
fn double_samples() -> Vec<Sample> {
    vec![
        zero("zero", n("0"), n("0")),
        ok("one_tenth", n("0.1"), n("0.1")),
        ok("minus_zero", n("-0"), n("-0")),
        ok("negative", n("-2.5"), n("-2.5")),
        ok(
            "sum_text",
            n("0.30000000000000004"),
            n("0.30000000000000004"),
        ),
        ok("e21", n("1e+21"), n("1e+21")),
        alt("e21_plain_exponent", n("1e21"), n("1e+21")),
        ok(
            "below_e21",
            n("123456789012345680000"),
            n("123456789012345680000"),
        ),
        ok("e_minus_7", n("1e-7"), n("1e-7")),
        ok("micro", n("0.000001"), n("0.000001")),
        ok(
            "max",
            n("1.7976931348623157e+308"),
            n("1.7976931348623157e+308"),
        ),
        ok("min_subnormal", n("5e-324"), n("5e-324")),
        alt("integral_float", n("2.0"), n("2")),
        alt("exponent_upper", n("1E3"), n("1000")),
        alt(
            "two_pow_53_plus_1",
            n("9007199254740993"),
            n("9007199254740992"),
        ),
        alt("quoted", s("1.5"), n("1.5")),
        alt("quoted_exponent", s("-1e-7"), n("-1e-7")),
        // 2^50 + 0.25 and + 0.75: both 17-digit neighbours round-trip and are equally near;
        // the even last digit wins (docs/json-contract.md, "Shortest number text").
        alt(
            "tie_to_even_down",
            n("1125899906842624.25"),
            n("1125899906842624.2"),
        ),
        alt(
            "tie_to_even_up",
            n("1125899906842624.75"),
            n("1125899906842624.8"),
        ),
        alt(
            "tie_to_even_negative",
            n("-1125899906842624.25"),
            n("-1125899906842624.2"),
        ),
        ok("nan", s("NaN"), s("NaN")),
        ok("infinity", s("Infinity"), s("Infinity")),
        ok("minus_infinity", s("-Infinity"), s("-Infinity")),
    ]
}

fn double_bads() -> Vec<Bad> {
    vec![
        bad("overflow", n("1e309")),
        bad("overflow_quoted", s("1e309")),
        bad("nan_lowercase", s("nan")),
        bad("inf", s("inf")),
        bad("word", s("abc")),
        bad("bool", Json::Bool(true)),
    ]
}

/// Floats: the shortest text that round-trips as float32, in ECMAScript layout.
fn float_samples() -> Vec<Sample> {
    vec![
        zero("zero", n("0"), n("0")),
        ok("one_tenth", n("0.1"), n("0.1")),
        ok("minus_zero", n("-0"), n("-0")),
        ok("negative", n("-2.5"), n("-2.5")),
        alt("pi", n("3.14159265358979"), n("3.1415927")),
        alt("rounds_to_even", n("16777217"), n("16777216")),
        ok("max", n("3.4028235e+38"), n("3.4028235e+38")),
        alt("max_exact", n("3.4028234663852886e+38"), n("3.4028235e+38")),
        ok("min", n("-3.4028235e+38"), n("-3.4028235e+38")),
        ok("e_minus_7", n("1e-7"), n("1e-7")),
        ok("min_subnormal", n("1e-45"), n("1e-45")),
        alt("integral_float", n("2.0"), n("2")),
        alt("quoted", s("0.5"), n("0.5")),
        // 2^21 + 0.25 and + 0.75: ties between 8-digit texts, the even last digit wins.
        alt("tie_to_even_down", n("2097152.25"), n("2097152.2")),
        alt("tie_to_even_up", n("2097152.75"), n("2097152.8")),
        // Read as a double first (1 + 2^-24, the midpoint between 1 and the next float32),
        // then rounded to float32, ties to even: 1. Decimal to float32 directly gives the
        // next float32 up (docs/json-contract.md, "float fields from JSON").
        alt("double_rounding", n("1.00000005960464477539062501"), n("1")),
        alt(
            "double_rounding_quoted",
            s("1.00000005960464477539062501"),
            n("1"),
        ),
        // Below the midpoint between float32 max and 2^128 as a double: float32 max.
        alt(
            "below_overflow_midpoint",
            n("3.4028235677973362e+38"),
            n("3.4028235e+38"),
        ),
        ok("nan", s("NaN"), s("NaN")),
        ok("infinity", s("Infinity"), s("Infinity")),
        ok("minus_infinity", s("-Infinity"), s("-Infinity")),
    ]
}

fn float_bads() -> Vec<Bad> {
    vec![
        bad("overflow", n("3.5e+38")),
        bad("negative_overflow", n("-3.5e+38")),
        bad("overflow_quoted", s("1e39")),
        bad("double_max", n("1.7976931348623157e+308")),
        bad("nan_lowercase", s("nan")),
        bad("bool", Json::Bool(true)),
        // One below the midpoint between float32 max and 2^128: as a float32 directly it
        // would be float32 max, but as a double it is the midpoint, which rounds (to even)
        // to infinity.
        bad(
            "overflow_by_double_rounding",
            n("340282356779733661637539395458142568447"),
        ),
    ]
}

const BINARY: &[u8] = &[0x00, 0xff, 0xfe, 0xfd, 0xfb, 0xef, 0xbe, 0x3e, 0x3f];

fn scalar_samples(scalar: Scalar) -> Vec<Sample> {
    let kind = scalar.json_kind();
    match kind {
        JsonKind::I32 | JsonKind::U32 | JsonKind::I64 | JsonKind::U64 => int_samples(kind),
        JsonKind::F64 => double_samples(),
        JsonKind::F32 => float_samples(),
        JsonKind::Bool => vec![
            zero("false", Json::Bool(false), Json::Bool(false)),
            ok("true", Json::Bool(true), Json::Bool(true)),
        ],
        JsonKind::String => vec![
            zero("empty", s(""), s("")),
            ok("ascii", s("hello world"), s("hello world")),
            ok(
                "bmp",
                s("h\u{e9}llo w\u{f6}rld \u{2013} \u{65e5}\u{672c}\u{8a9e}"),
                s("h\u{e9}llo w\u{f6}rld \u{2013} \u{65e5}\u{672c}\u{8a9e}"),
            ),
            ok(
                "astral",
                s("\u{1f600} \u{1d11e} smile"),
                s("\u{1f600} \u{1d11e} smile"),
            ),
            ok(
                "controls",
                s("\u{0}\u{1}\u{1f}\u{8}\u{c}\n\r\t end"),
                s("\u{0}\u{1}\u{1f}\u{8}\u{c}\n\r\t end"),
            ),
            ok("quotes", s("say \"hi\" \\ / ok"), s("say \"hi\" \\ / ok")),
            ok(
                "specials",
                s("\u{7f}\u{80}\u{2028}\u{2029}\u{feff}\u{ffff}"),
                s("\u{7f}\u{80}\u{2028}\u{2029}\u{feff}\u{ffff}"),
            ),
            alt(
                "escaped_input",
                Json::EscapedString("\u{e9}\u{1f600}/\u{1}x".into()),
                s("\u{e9}\u{1f600}/\u{1}x"),
            ),
        ],
        JsonKind::Bytes => {
            let b = base64_std(BINARY);
            vec![
                zero("empty", s(""), s("")),
                ok("hello", s("aGVsbG8="), s("aGVsbG8=")),
                ok("binary", s(&b), s(&b)),
                alt("no_padding", s("aGVsbG8"), s("aGVsbG8=")),
                alt("url_safe", s(&base64_url_unpadded(BINARY)), s(&b)),
                alt("url_safe_padded", s("-_8="), s("+/8=")),
                // Non-zero bits after the last byte are accepted (and dropped).
                alt("trailing_bits", s("AR=="), s("AQ==")),
                alt("trailing_bits_unpadded", s("AR"), s("AQ==")),
                alt("url_safe_trailing_bits", s("_x"), s("/w==")),
            ]
        }
    }
}

fn scalar_bads(scalar: Scalar) -> Vec<Bad> {
    let kind = scalar.json_kind();
    match kind {
        JsonKind::I32 | JsonKind::U32 | JsonKind::I64 | JsonKind::U64 => int_bads(kind),
        JsonKind::F64 => double_bads(),
        JsonKind::F32 => float_bads(),
        JsonKind::Bool => vec![bad("string", s("true")), bad("number", n("1"))],
        JsonKind::String => vec![
            bad("number", n("1")),
            bad("bool", Json::Bool(true)),
            bad("array", j(r#"["a"]"#)),
            bad("object", j("{}")),
        ],
        JsonKind::Bytes => vec![
            bad("bad_character", s("aGVs!G8=")),
            bad("bad_length", s("aGVsbG8xY")),
            bad("number", n("1")),
            // One alphabet per value: standard `+/` or URL-safe `-_`, never both.
            bad("mixed_alphabets", s("-+AA")),
            bad("mixed_alphabets_slash", s("ab_/")),
            // Padding absent or correct.
            bad("short_padding", s("AQ=")),
            bad("extra_padding", s("AQ===")),
            bad("padding_inside", s("AQ=A")),
            bad("needless_padding", s("AQI==")),
        ],
    }
}

/// Map keys: (tag, input key, canonical key).
fn key_samples(key: Scalar) -> Vec<(String, String, String)> {
    let kind = key.json_kind();
    let same = |tag: &str, k: &str| (tag.to_string(), k.to_string(), k.to_string());
    match kind {
        JsonKind::I32 | JsonKind::U32 | JsonKind::I64 | JsonKind::U64 => {
            let (min, max) = int_bounds(kind);
            let mut out = vec![same("zero", "0"), same("one", "1")];
            if min < 0 {
                out.push(same("negative", "-3"));
                out.push(same("min", &min.to_string()));
            }
            out.push(same("max", &max.to_string()));
            out
        }
        JsonKind::Bool => vec![same("true", "true"), same("false", "false")],
        _ => vec![
            same("empty", ""),
            same("ascii", "a"),
            same("upper", "B"),
            same("dotted", "a.b"),
            same("bmp", "\u{e9}"),
            same("astral", "\u{1f600}"),
            same("fullwidth", "\u{ff5a}"),
            same("controls", "\n\u{0}"),
        ],
    }
}

fn bad_keys(key: Scalar) -> Vec<(String, String)> {
    let kind = key.json_kind();
    let b = |tag: &str, k: &str| (tag.to_string(), k.to_string());
    match kind {
        JsonKind::I32 | JsonKind::U32 | JsonKind::I64 | JsonKind::U64 => {
            let (min, max) = int_bounds(kind);
            let low = if min < 0 { min - 1 } else { -1 };
            vec![
                b("word", "abc"),
                b("fraction", "1.5"),
                b("exponent", "1e3"),
                b("above_max", &(max + 1).to_string()),
                b("below_min", &low.to_string()),
            ]
        }
        JsonKind::Bool => vec![b("word", "yes"), b("number", "1"), b("capitalized", "True")],
        _ => Vec::new(),
    }
}

fn duration_samples() -> Vec<Sample> {
    let d = |tag: &str, input: &str, canon: &str, is_alt: bool| {
        if is_alt {
            alt(tag, s(input), s(canon))
        } else {
            ok(tag, s(input), s(canon))
        }
    };
    vec![
        d("millis", "1.500s", "1.500s", false),
        d("zero", "0s", "0s", false),
        d("seconds", "3s", "3s", false),
        d("negative", "-3s", "-3s", false),
        d("minus_micro", "-0.000001s", "-0.000001s", false),
        d("nanos", "1.000000001s", "1.000000001s", false),
        d("day", "86400s", "86400s", false),
        d("max", "315576000000s", "315576000000s", false),
        d("min", "-315576000000s", "-315576000000s", false),
        d("one_digit", "1.5s", "1.500s", true),
        d("minus_half", "-0.5s", "-0.500s", true),
        d("trailing_zeros", "2.000s", "2s", true),
        d("nine_to_six_digits", "1.000001000s", "1.000001s", true),
        d("seven_digits", "1.1234567s", "1.123456700s", true),
        d("minus_zero", "-0s", "0s", true),
    ]
}

fn duration_bads() -> Vec<Bad> {
    vec![
        bad("no_unit", s("1")),
        bad("unit_only", s("s")),
        bad("ten_digits", s("1.0000000001s")),
        bad("above_max", s("315576000001s")),
        bad("below_min", s("-315576000001s")),
        bad("minutes", s("1m")),
        bad("plus_sign", s("+1s")),
        bad("exponent", s("1e3s")),
        bad("number", n("1")),
    ]
}

fn timestamp_samples() -> Vec<Sample> {
    let t = |tag: &str, input: &str, canon: &str, is_alt: bool| {
        if is_alt {
            alt(tag, s(input), s(canon))
        } else {
            ok(tag, s(input), s(canon))
        }
    };
    vec![
        t("utc", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z", false),
        t(
            "millis",
            "2024-01-02T03:04:05.120Z",
            "2024-01-02T03:04:05.120Z",
            false,
        ),
        t(
            "micros",
            "2024-01-02T03:04:05.000001Z",
            "2024-01-02T03:04:05.000001Z",
            false,
        ),
        t(
            "nanos",
            "2024-01-02T03:04:05.123456789Z",
            "2024-01-02T03:04:05.123456789Z",
            false,
        ),
        t(
            "epoch",
            "1970-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            false,
        ),
        t(
            "before_epoch",
            "1969-12-31T23:59:59.999Z",
            "1969-12-31T23:59:59.999Z",
            false,
        ),
        t(
            "leap_day",
            "2024-02-29T12:00:00Z",
            "2024-02-29T12:00:00Z",
            false,
        ),
        t("min", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", false),
        t(
            "max",
            "9999-12-31T23:59:59.999999999Z",
            "9999-12-31T23:59:59.999999999Z",
            false,
        ),
        t(
            "one_digit",
            "2024-01-02T03:04:05.1Z",
            "2024-01-02T03:04:05.100Z",
            true,
        ),
        t(
            "eight_digits",
            "2024-01-02T03:04:05.12345678Z",
            "2024-01-02T03:04:05.123456780Z",
            true,
        ),
        t(
            "zero_fraction",
            "2024-01-02T03:04:05.000Z",
            "2024-01-02T03:04:05Z",
            true,
        ),
        t(
            "offset_plus",
            "2024-01-02T03:04:05+01:00",
            "2024-01-02T02:04:05Z",
            true,
        ),
        t(
            "offset_zero",
            "2024-01-02T03:04:05+00:00",
            "2024-01-02T03:04:05Z",
            true,
        ),
        t(
            "offset_minus_new_year",
            "2023-12-31T22:30:00.5-05:30",
            "2024-01-01T04:00:00.500Z",
            true,
        ),
        t(
            "offset_back_to_leap_day",
            "2024-03-01T00:30:00+01:00",
            "2024-02-29T23:30:00Z",
            true,
        ),
        t(
            "offset_nanos",
            "2000-02-28T23:59:59.999999999-00:01",
            "2000-02-29T00:00:59.999999999Z",
            true,
        ),
    ]
}

fn timestamp_bads() -> Vec<Bad> {
    vec![
        bad("no_zone", s("2024-01-02T03:04:05")),
        bad("lowercase", s("2024-01-02t03:04:05z")),
        bad("space", s("2024-01-02 03:04:05Z")),
        bad("month_13", s("2024-13-01T00:00:00Z")),
        bad("not_leap_year", s("2023-02-29T00:00:00Z")),
        bad("hour_25", s("2024-01-02T25:00:00Z")),
        bad("ten_digits", s("2024-01-02T03:04:05.1234567890Z")),
        bad("year_zero", s("0000-12-31T00:00:00Z")),
        bad("date_only", s("2024-01-02")),
        bad("number", n("0")),
    ]
}

fn wkt_samples(wkt: Wkt) -> Vec<Sample> {
    let same = |tag: &str, text: &str| ok(tag, j(text), j(text));
    match wkt {
        Wkt::Duration => duration_samples(),
        Wkt::Timestamp => timestamp_samples(),
        Wkt::FieldMask => vec![
            ok(
                "paths",
                s("fooBar,baz.quxQuux,a"),
                s("fooBar,baz.quxQuux,a"),
            ),
            ok("empty", s(""), s("")),
            ok("one", s("fooBar"), s("fooBar")),
        ],
        Wkt::Struct => vec![
            ok(
                "object",
                j(
                    r#"{"zeta": 1, "alpha": [true, false, null, "x", 1.5, {"nested": {}}], "": "empty key", "\u00e9": 2.0, "\ud83d\ude00": -0, "\uff5a": 1e21, "big": 9007199254740993, "small": 1E-7, "ctl\n": "tab\t"}"#,
                ),
                j(
                    r#"{"": "empty key", "alpha": [true, false, null, "x", 1.5, {"nested": {}}], "big": 9007199254740992, "ctl\n": "tab\t", "small": 1e-7, "zeta": 1, "\u00e9": 2, "\ud83d\ude00": -0, "\uff5a": 1e+21}"#,
                ),
            ),
            same("empty", "{}"),
            same("nested", r#"{"a": {"b": {"c": [[], {}]}}}"#),
        ],
        Wkt::Value => vec![
            same("object", r#"{"k": [1, "two", null, true, {}]}"#),
            ok("null", Json::Null, Json::Null),
            same("true", "true"),
            same("false", "false"),
            same("zero", "0"),
            same("number", "1.5"),
            ok("minus_zero", n("-0"), n("-0")),
            alt("exponent", n("1e21"), n("1e+21")),
            alt("integral_float", n("2.0"), n("2")),
            same("string", r#""text""#),
            same("nan_string", r#""NaN""#),
            same("empty_list", "[]"),
            same("list", r#"[1, "a", null, [false]]"#),
            same("empty_object", "{}"),
        ],
        Wkt::ListValue => vec![
            ok(
                "mixed",
                j(r#"[1, "two", null, true, {"x": [2.50]}]"#),
                j(r#"[1, "two", null, true, {"x": [2.5]}]"#),
            ),
            same("empty", "[]"),
        ],
        // Every spelling is the one value, NULL_VALUE: it prints null, and an implicit-presence
        // field never prints (docs/json-contract.md, "NullValue").
        Wkt::NullValue => {
            let mut out = vec![zero("null", Json::Null, Json::Null)];
            for (tag, input) in [
                ("name", s("NULL_VALUE")),
                ("number", n("0")),
                ("unknown_number", n("7")),
                ("int32_min", n("-2147483648")),
                ("int32_max", n("2147483647")),
                ("integral_float", n("1e1")),
                ("minus_zero", n("-0")),
            ] {
                out.push(Sample {
                    default: true,
                    ..alt(tag, input, Json::Null)
                });
            }
            out
        }
        Wkt::Empty => vec![same("empty", "{}")],
        Wkt::Any => vec![
            ok(
                "duration",
                j(
                    r#"{"value": "1.500s", "@type": "type.googleapis.com/google.protobuf.Duration"}"#,
                ),
                j(
                    r#"{"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1.500s"}"#,
                ),
            ),
            ok(
                "struct",
                j(
                    r#"{"@type": "type.googleapis.com/google.protobuf.Struct", "value": {"b": 1.0, "a": [1e21, "x"]}}"#,
                ),
                j(
                    r#"{"@type": "type.googleapis.com/google.protobuf.Struct", "value": {"a": [1e+21, "x"], "b": 1}}"#,
                ),
            ),
            same(
                "empty_message",
                r#"{"@type": "type.googleapis.com/google.protobuf.Empty"}"#,
            ),
        ],
        w => match w.wrapped() {
            Some(scalar) => scalar_samples(scalar)
                .into_iter()
                .map(|s| Sample {
                    default: false,
                    ..s
                })
                .collect(),
            None => Vec::new(),
        },
    }
}

fn wkt_bads(wkt: Wkt) -> Vec<Bad> {
    match wkt {
        Wkt::Duration => duration_bads(),
        Wkt::Timestamp => timestamp_bads(),
        Wkt::FieldMask => vec![bad("snake_case", s("foo_bar")), bad("number", n("1"))],
        Wkt::Struct => vec![
            bad("array", j("[]")),
            bad("string", s("x")),
            bad("number", n("1")),
        ],
        Wkt::Value => Vec::new(),
        Wkt::ListValue => vec![bad("object", j("{}")), bad("string", s("x"))],
        Wkt::NullValue => vec![
            bad("unknown_name", s("NOT_NULL")),
            bad("bool", Json::Bool(true)),
            bad("string_zero", s("0")),
            bad("fraction", n("1.5")),
            bad("above_int32", n("2147483648")),
            bad("below_int32", n("-2147483649")),
        ],
        Wkt::Empty => vec![bad("array", j("[]")), bad("number", n("1"))],
        // A missing or bad `@type` is an error at the Any's own path (the suffix makes the
        // expected text `<path>: `, not a prefix of `<path>.@type`).
        Wkt::Any => vec![
            Bad {
                suffix: ": ".to_string(),
                ..bad("missing_type", j(r#"{"value": "1s"}"#))
            },
            Bad {
                suffix: ": ".to_string(),
                ..bad("type_not_string", j(r#"{"@type": 1}"#))
            },
            Bad {
                suffix: ": ".to_string(),
                ..bad(
                    "type_without_slash",
                    j(r#"{"@type": "google.protobuf.Duration"}"#),
                )
            },
            Bad {
                suffix: ": ".to_string(),
                ..bad("type_null", j(r#"{"@type": null, "value": "1s"}"#))
            },
            bad("array", j("[]")),
        ],
        w => w.wrapped().map(scalar_bads).unwrap_or_default(),
    }
}

/// Does `null` carry a value for this type (rather than meaning "unset")?
fn null_is_value(ty: &FieldType) -> bool {
    matches!(
        ty,
        FieldType::WellKnown {
            wkt: Wkt::Value | Wkt::NullValue
        }
    )
}

/// One step from a message to a field's message value.
#[derive(Debug, Clone)]
struct Step<'a> {
    field: &'a Field,
}

/// The map key under which nested cases put a message inside a map field of `key` keys.
fn wrap_key(key: Scalar) -> &'static str {
    match key.json_kind() {
        JsonKind::String => "k",
        JsonKind::Bool => "true",
        _ => "1",
    }
}

impl Step<'_> {
    /// Wraps a value of the field's element type as the field's input and canonical JSON
    /// (repeated fields get an empty element first, so the value sits at `[1]`).
    fn wrap(&self, input: Json, canon: Json) -> (Json, Json) {
        let f = self.field;
        match f.label {
            Label::Singular => (
                Json::obj([(f.json_name.clone(), input)]),
                Json::obj([(f.json_name.clone(), canon)]),
            ),
            Label::Repeated => (
                Json::obj([(f.json_name.clone(), Json::Array(vec![j("{}"), input]))]),
                Json::obj([(f.json_name.clone(), Json::Array(vec![j("{}"), canon]))]),
            ),
            Label::Map { key } => (
                Json::obj([(f.json_name.clone(), Json::obj([(wrap_key(key), input)]))]),
                Json::obj([(f.json_name.clone(), Json::obj([(wrap_key(key), canon)]))]),
            ),
        }
    }

    fn path(&self, prefix: &str) -> String {
        let f = self.field;
        let key = join(prefix, &f.json_name);
        match f.label {
            Label::Singular => key,
            Label::Repeated => format!("{key}[1]"),
            Label::Map { key: k } => join(&key, wrap_key(k)),
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// How deep `full` samples nest messages.
const RICH_DEPTH: u32 = 3;
/// How many levels the recursion cases nest a recursive message.
const RECURSION_LEVELS: usize = 6;
/// Above this many reachable messages, nested samples stop one level down, and a message's
/// full cases hold its own non-message fields only (each message field has cases of its own,
/// with the nested message set), so the vectors grow linearly with the spec instead of with
/// the fan-out to the power of the depth.
const SMALL_PLUGIN: usize = 32;

/// How deeply arrays and objects may nest in a custom value, the custom object itself being
/// level 1 (docs/json-contract.md); every target's decoder has the same limit.
const MAX_DEPTH: usize = 128;

/// How many fields deep the custom message's nested cases go (see `Gen::nested_cases`).
const NESTED_CASE_DEPTH: usize = 32;

struct Gen<'a> {
    plugin: &'a Plugin,
    cases: Vec<Case>,
    names: BTreeSet<String>,
    /// Value types whose full sample and error lists a singular field has had already;
    /// later fields of the same type get the short lists.
    covered: BTreeSet<String>,
    /// What `samples` and `rich` returned before: both are pure functions of their
    /// arguments, asked for the same types and messages again and again (every `rich`
    /// instance nests others). Only looked up, never iterated, so output does not depend on
    /// hashing.
    memo: Memo,
}

/// The memo of [`Gen`]. Messages and enums are keyed by address: the plugin outlives it.
#[derive(Default)]
struct Memo {
    samples: RefCell<HashMap<SampleKey, Rc<Vec<Sample>>>>,
    rich: RefCell<HashMap<RichKey, Rc<(Json, Json)>>>,
}

/// A `rich` instance: the message's address, the depth and whether it uses proto names.
type RichKey = (usize, u32, bool);

/// A type whose samples were derived: depth matters only for messages.
#[derive(PartialEq, Eq, Hash)]
enum SampleKey {
    Scalar(Scalar),
    WellKnown(Wkt),
    Enum(usize),
    Message(usize, u32),
}

/// Fields of one JSON category share codec paths: the first field of a type gets every
/// sample and error, later ones the defaults, two set values, the bounds, one alternative
/// spelling and two errors.
fn type_key(ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar { scalar } => format!("{:?}", scalar.json_kind()),
        FieldType::WellKnown { wkt } => format!("{wkt:?}"),
        FieldType::Enum { full_name, .. } => format!("enum {full_name}"),
        FieldType::Message { full_name, .. } => format!("message {full_name}"),
    }
}

fn short_samples(samples: Vec<Sample>) -> Vec<Sample> {
    let mut set = 0;
    let mut alts = 0;
    samples
        .into_iter()
        .filter(|v| {
            if v.default || v.tag == "max" || v.tag == "min" {
                return true;
            }
            if v.alt {
                alts += 1;
                return alts == 1;
            }
            set += 1;
            set <= 2
        })
        .collect()
}

impl<'a> Gen<'a> {
    fn label(&self, m: &Message) -> String {
        let custom = self.plugin.custom_message();
        match m.full_name.strip_prefix(&custom.package) {
            Some(rest) if !custom.package.is_empty() && m.package == custom.package => {
                rest.trim_start_matches('.').to_string()
            }
            _ => m.full_name.clone(),
        }
    }

    fn push(&mut self, name: String, m: &Message, input: Json, expect: Expect, strict: bool) {
        let mut unique = name.clone();
        let mut i = 2;
        while self.names.contains(&unique) {
            unique = format!("{name}~{i}");
            i += 1;
        }
        self.names.insert(unique.clone());
        self.cases.push(Case {
            name: unique,
            message: m.full_name.clone(),
            input,
            expect,
            strict,
        });
    }

    fn ok(&mut self, name: String, m: &Message, input: Json, canon: Json, strict: bool) {
        match canon.canonical() {
            Ok(c) => self.push(name, m, input, Expect::Canonical(c), strict),
            Err(e) => debug_assert!(e.is_empty(), "case {name}: {e}"),
        }
    }

    fn err(&mut self, name: String, m: &Message, input: Json, path: String, strict: bool) {
        self.push(name, m, input, Expect::Error(path), strict);
    }

    fn message(&self, full_name: &str) -> Option<&'a Message> {
        self.plugin.message(full_name)
    }

    /// `depth`, capped at 1 for large plugins (see `SMALL_PLUGIN`).
    fn depth(&self, depth: u32) -> u32 {
        if self.plugin.messages.len() > SMALL_PLUGIN {
            depth.min(1)
        } else {
            depth
        }
    }

    /// Every value of a type worth a case, `depth` bounding how deep messages nest; derived
    /// once per type and shared.
    fn samples(&self, ty: &FieldType, depth: u32) -> Rc<Vec<Sample>> {
        let key = match ty {
            FieldType::Scalar { scalar } => SampleKey::Scalar(*scalar),
            FieldType::WellKnown { wkt } => SampleKey::WellKnown(*wkt),
            FieldType::Enum { full_name, .. } => match self.plugin.enum_(full_name) {
                Some(e) => SampleKey::Enum(std::ptr::from_ref(e) as usize),
                None => return Rc::default(),
            },
            FieldType::Message { full_name, .. } => match self.message(full_name) {
                Some(m) => SampleKey::Message(std::ptr::from_ref(m) as usize, depth),
                None => return Rc::default(),
            },
        };
        if let Some(hit) = self.memo.samples.borrow().get(&key) {
            return Rc::clone(hit);
        }
        let samples = Rc::new(match ty {
            FieldType::Scalar { scalar } => scalar_samples(*scalar),
            FieldType::WellKnown { wkt } => wkt_samples(*wkt),
            FieldType::Enum { full_name, .. } => self.enum_samples(full_name),
            FieldType::Message { full_name, .. } => match self.message(full_name) {
                Some(m) => {
                    let (input, canon) = self.rich(m, depth, false);
                    vec![ok("empty", j("{}"), j("{}")), ok("full", input, canon)]
                }
                None => Vec::new(),
            },
        });
        self.memo
            .samples
            .borrow_mut()
            .insert(key, Rc::clone(&samples));
        samples
    }

    fn bads(&self, ty: &FieldType, depth: u32) -> Vec<Bad> {
        match ty {
            FieldType::Scalar { scalar } => scalar_bads(*scalar),
            FieldType::WellKnown { wkt } => wkt_bads(*wkt),
            FieldType::Enum { full_name, .. } => self.enum_bads(full_name),
            FieldType::Message { full_name, .. } => {
                let mut out = vec![bad("string", s("x")), bad("array", j("[]"))];
                if let Some(m) = self.message(full_name) {
                    if depth > 0 {
                        if let Some((f, b)) = self.first_bad(m, depth - 1) {
                            out.push(Bad {
                                tag: format!("inner_{}", f.proto_name),
                                input: Json::obj([(f.json_name.clone(), b.input)]),
                                suffix: format!(".{}{}", f.json_name, b.suffix),
                            });
                        }
                    }
                }
                out
            }
        }
    }

    /// The first singular field of `m` with a bad value, and that value.
    fn first_bad(&self, m: &'a Message, depth: u32) -> Option<(&'a Field, Bad)> {
        m.fields.iter().find_map(|f| {
            if f.label != Label::Singular {
                return None;
            }
            self.bads(&f.ty, depth).into_iter().next().map(|b| (f, b))
        })
    }

    fn enum_samples(&self, full_name: &str) -> Vec<Sample> {
        let Some(e) = self.plugin.enum_(full_name) else {
            return Vec::new();
        };
        // Declaration order (by source position): the first name declared for a number is
        // the one printed (docs/json-contract.md), whatever order the IR lists values in.
        let mut values: Vec<&crate::ir::EnumValue> = e.values.iter().collect();
        values.sort_by_key(|v| (v.location.line, v.location.col));
        let mut primary: BTreeMap<i32, &str> = BTreeMap::new();
        for v in &values {
            primary.entry(v.number).or_insert(v.proto_name.as_str());
        }
        let is_primary =
            |v: &crate::ir::EnumValue| primary.get(&v.number) == Some(&v.proto_name.as_str());
        let mut out = Vec::new();
        for v in &values {
            let canon = s(primary.get(&v.number).copied().unwrap_or(&v.proto_name));
            let mut sample = ok(&v.proto_name, s(&v.proto_name), canon);
            sample.default = v.number == 0;
            sample.alt = !is_primary(v);
            if sample.alt {
                sample.tag = format!("alias_{}", v.proto_name);
            }
            out.push(sample);
        }
        if let Some(v) = values.iter().find(|v| v.number != 0 && is_primary(v)) {
            out.push(alt("by_number", n(&v.number.to_string()), s(&v.proto_name)));
        }
        if let Some(v) = values.iter().find(|v| v.number == 0) {
            out.push(Sample {
                default: true,
                ..alt("zero_by_number", n("0"), s(&v.proto_name))
            });
            out.push(Sample {
                default: true,
                ..alt("minus_zero_by_number", n("-0"), s(&v.proto_name))
            });
        }
        let unknown = (99..)
            .find(|x| !primary.contains_key(x))
            .unwrap_or(i32::MAX);
        out.push(ok(
            "unknown_number",
            n(&unknown.to_string()),
            n(&unknown.to_string()),
        ));
        out
    }

    fn enum_bads(&self, full_name: &str) -> Vec<Bad> {
        let Some(e) = self.plugin.enum_(full_name) else {
            return Vec::new();
        };
        let names: BTreeSet<&str> = e.values.iter().map(|v| v.proto_name.as_str()).collect();
        let mut unknown = "NOT_A_VALUE".to_string();
        while names.contains(unknown.as_str()) {
            unknown.push('_');
        }
        let mut out = vec![bad("unknown_name", s(&unknown))];
        if let Some(v) = e.values.iter().find(|v| {
            let lower = v.proto_name.to_lowercase();
            lower != v.proto_name && !names.contains(lower.as_str())
        }) {
            out.push(bad("wrong_case", s(&v.proto_name.to_lowercase())));
        }
        out.extend([
            bad("numeric_string", s("1")),
            bad("fraction", n("1.5")),
            bad("above_int32", n("2147483648")),
            bad("bool", Json::Bool(true)),
        ]);
        out
    }

    /// The first value of a type for a representative instance: a set (non-default),
    /// canonically spelled value, or with `alt` an alternative spelling where one exists.
    fn pick(&self, ty: &FieldType, depth: u32, alt: bool) -> Option<Sample> {
        if let FieldType::Message { full_name, .. } = ty {
            let m = self.message(full_name)?;
            let (input, canon) = self.rich(m, depth, alt);
            return Some(ok("full", input, canon));
        }
        let samples = self.samples(ty, depth);
        let found = if alt {
            samples.iter().find(|s| s.alt && !s.default)
        } else {
            None
        };
        found
            .or_else(|| samples.iter().find(|s| !s.alt && !s.default))
            .or_else(|| samples.first())
            .cloned()
    }

    /// An instance of `m` with every field set (the first member of each oneof), messages
    /// nested `depth` levels; with `alt`, proto names as keys and alternative spellings.
    fn rich(&self, m: &'a Message, depth: u32, alt: bool) -> (Json, Json) {
        let key = (std::ptr::from_ref(m) as usize, depth, alt);
        if let Some(hit) = self.memo.rich.borrow().get(&key) {
            return (**hit).clone();
        }
        let made = self.rich_uncached(m, depth, alt);
        self.memo
            .rich
            .borrow_mut()
            .insert(key, Rc::new(made.clone()));
        made
    }

    fn rich_uncached(&self, m: &Message, depth: u32, alt: bool) -> (Json, Json) {
        let mut input = Vec::new();
        let mut canon = Vec::new();
        for (i, f) in m.fields.iter().enumerate() {
            if let Some(o) = f.oneof {
                if m.oneofs.get(o).and_then(|o| o.fields.first()) != Some(&i) {
                    continue;
                }
            }
            let is_message = matches!(f.ty, FieldType::Message { .. });
            if is_message && depth == 0 {
                continue;
            }
            let Some(v) = self.pick(&f.ty, depth.saturating_sub(1), alt) else {
                continue;
            };
            let key = if alt { &f.proto_name } else { &f.json_name };
            match &f.label {
                Label::Singular => {
                    input.push((key.clone(), v.input));
                    if !v.default || f.explicit_presence {
                        canon.push((f.json_name.clone(), v.canon));
                    }
                }
                Label::Repeated => {
                    input.push((key.clone(), Json::Array(vec![v.input])));
                    canon.push((f.json_name.clone(), Json::Array(vec![v.canon])));
                }
                Label::Map { key: k } => {
                    let ks = key_samples(*k);
                    let (_, kin, kc) = ks
                        .iter()
                        .find(|(t, _, _)| t == "one" || t == "ascii" || t == "true")
                        .or(ks.first())
                        .cloned()
                        .unwrap_or_default();
                    input.push((key.clone(), Json::obj([(kin, v.input)])));
                    canon.push((f.json_name.clone(), Json::obj([(kc, v.canon)])));
                }
            }
        }
        (Json::Object(input), Json::Object(canon))
    }

    fn unknown_key(&self, m: &Message) -> String {
        let mut key = "zzUnknownKey".to_string();
        while m
            .fields
            .iter()
            .any(|f| f.json_name == key || f.proto_name == key)
        {
            key.push('X');
        }
        key
    }

    fn message_cases(&mut self, m: &'a Message) {
        let l = self.label(m);
        self.ok(format!("{l}.empty"), m, j("{}"), j("{}"), false);
        // A large plugin keeps the two full cases that together check strict mode, proto
        // names and alternative spellings, without nested messages.
        let large = self.large();
        let full_depth = if large { 0 } else { RICH_DEPTH };
        let (input, canon) = self.rich(m, full_depth, false);
        self.ok(format!("{l}.full"), m, input.clone(), canon.clone(), false);
        if !large {
            self.ok(format!("{l}.full.strict"), m, input, canon, true);
        }
        let (input, canon) = self.rich(m, full_depth, true);
        if !large {
            self.ok(
                format!("{l}.full.proto_names"),
                m,
                input.clone(),
                canon.clone(),
                false,
            );
        }
        self.ok(
            format!("{l}.full.proto_names.strict"),
            m,
            input,
            canon,
            true,
        );

        // Unknown keys: ignored by default, an error in strict mode.
        let zz = self.unknown_key(m);
        let junk = j(r#"{"nested": [1, null, {"x": "y"}], "n": 1.5}"#);
        self.ok(
            format!("{l}.unknown_key"),
            m,
            Json::obj([(zz.clone(), junk.clone())]),
            j("{}"),
            false,
        );
        self.err(
            format!("{l}.unknown_key.strict"),
            m,
            Json::obj([(zz.clone(), junk.clone())]),
            zz.clone(),
            true,
        );
        let (input, canon) = self.rich(m, 1, false);
        if let (false, Json::Object(mut members)) = (large, input) {
            members.insert(members.len() / 2, (zz.clone(), n("1")));
            self.ok(
                format!("{l}.unknown_key.among_fields"),
                m,
                Json::Object(members),
                canon,
                false,
            );
        }
        // Arrays and objects nest at most MAX_DEPTH deep, the custom object being level 1,
        // under unknown keys too; the first level beyond is an error at its path (once per
        // plugin, on the custom message).
        if m.full_name == self.plugin.custom_message().full_name {
            let nested =
                |arrays: usize| (1..arrays).fold(j("[]"), |inner, _| Json::Array(vec![inner]));
            self.ok(
                format!("{l}.nesting.deepest"),
                m,
                Json::obj([(zz.clone(), nested(MAX_DEPTH - 1))]),
                j("{}"),
                false,
            );
            self.err(
                format!("{l}.nesting.too_deep"),
                m,
                Json::obj([(zz.clone(), nested(MAX_DEPTH))]),
                format!("{zz}{}", "[0]".repeat(MAX_DEPTH - 1)),
                false,
            );
        }
        // A key given twice in the JSON text is an error at that key, even an unknown key in
        // lenient mode (docs/json-contract.md, "Duplicate keys").
        self.err(
            format!("{l}.duplicate_key.unknown"),
            m,
            twice(&zz, n("1"), n("1")),
            repeated(&zz),
            false,
        );
        if let Some((f, v)) = m
            .fields
            .iter()
            .find_map(|f| self.pick(&f.ty, 1, false).map(|v| (f, v)))
        {
            let value = match f.label {
                Label::Singular => v.input,
                Label::Repeated => Json::Array(vec![v.input]),
                Label::Map { .. } => j("{}"),
            };
            self.err(
                format!("{l}.duplicate_key"),
                m,
                twice(&f.json_name, value.clone(), value),
                repeated(&f.json_name),
                false,
            );
        }

        for f in &m.fields {
            self.field_cases(m, &l, f);
        }
        for (oi, o) in m.oneofs.iter().enumerate() {
            self.oneof_cases(m, &l, oi, &o.proto_name);
        }
        if let Some(f) = m
            .fields
            .iter()
            .find(|f| f.proto_name != f.json_name && !null_is_value(&f.ty))
        {
            self.both_spellings(m, &format!("{l}.{}", f.proto_name), f, "", &|i, c| (i, c));
        }
        if m.recursive {
            self.recursion_cases(m, &l);
        }
    }

    fn both_spellings(
        &mut self,
        root: &Message,
        name: &str,
        f: &Field,
        path: &str,
        wrap: &dyn Fn(Json, Json) -> (Json, Json),
    ) {
        let Some(v) = self.pick(&f.ty, 1, false) else {
            return;
        };
        let value = match f.label {
            Label::Singular => v.input,
            Label::Repeated => Json::Array(vec![v.input]),
            Label::Map { .. } => j("{}"),
        };
        let expect = clash(path, &f.json_name, &f.proto_name, "set the same field");
        let inner = Json::obj([
            (f.json_name.clone(), value.clone()),
            (f.proto_name.clone(), value.clone()),
        ]);
        let (input, _) = wrap(inner, j("{}"));
        self.err(
            format!("{name}.both_spellings"),
            root,
            input,
            expect.clone(),
            false,
        );
        // Both spellings clash even when one of them is null.
        let inner = Json::obj([
            (f.proto_name.clone(), value),
            (f.json_name.clone(), Json::Null),
        ]);
        let (input, _) = wrap(inner, j("{}"));
        self.err(
            format!("{name}.both_spellings.null"),
            root,
            input,
            expect,
            false,
        );
    }

    /// Whether the plugin is large (more than `SMALL_PLUGIN` messages): its fields of a type
    /// (and label) after the first get only [`Gen::lean_field_cases`], so that the vectors
    /// grow with the number of fields, not with fields times samples.
    fn large(&self) -> bool {
        self.plugin.messages.len() > SMALL_PLUGIN
    }

    /// The cases of a field of a large plugin whose type (and label) an earlier field had
    /// every case of: one value, which reaches the field's key and wiring, and one error,
    /// which checks the path it names.
    fn lean_field_cases(&mut self, m: &Message, name: &str, f: &Field) {
        let key = f.json_name.clone();
        let single = |v: Json| Json::obj([(key.clone(), v)]);
        // A message value is the empty message: its own cases cover its fields.
        let v = match &f.ty {
            FieldType::Message { .. } => Some(ok("empty", j("{}"), j("{}"))),
            ty => self.pick(ty, 1, false),
        };
        let Some(v) = v else {
            return;
        };
        let (input, canon, bad, at) = match &f.label {
            Label::Singular => {
                let canon = if v.default && !f.explicit_presence {
                    j("{}")
                } else {
                    single(v.canon)
                };
                let bad = self.bads(&f.ty, 1).into_iter().next();
                let at = bad.as_ref().map(|b| format!("{key}{}", b.suffix));
                (single(v.input), canon, bad.map(|b| b.input), at)
            }
            Label::Repeated => (
                single(Json::Array(vec![v.input])),
                single(Json::Array(vec![v.canon])),
                Some(j(r#"{"0": 1}"#)),
                Some(key.clone()),
            ),
            Label::Map { key: k } => {
                let Some((_, kin, kc)) = key_samples(*k).into_iter().nth(1) else {
                    return;
                };
                (
                    single(Json::obj([(kin, v.input)])),
                    single(Json::obj([(kc, v.canon)])),
                    Some(j("[]")),
                    Some(key.clone()),
                )
            }
        };
        self.ok(format!("{name}.value"), m, input, canon, false);
        if let (Some(bad), Some(at)) = (bad, at) {
            self.err(format!("{name}.error"), m, single(bad), at, false);
        }
    }

    fn field_cases(&mut self, m: &Message, l: &str, f: &Field) {
        let name = format!("{l}.{}", f.proto_name);
        if self.large() {
            let label = match &f.label {
                Label::Singular => "",
                Label::Repeated => "repeated ",
                Label::Map { .. } => "map ",
            };
            // All message types share one key: each message has cases of its own.
            let ty = match &f.ty {
                FieldType::Message { .. } => "message".to_string(),
                ty => type_key(ty),
            };
            if !self.covered.insert(format!("{label}{ty}")) {
                self.lean_field_cases(m, &name, f);
                return;
            }
        }
        let key = f.json_name.clone();
        let single = |v: Json| Json::obj([(key.clone(), v)]);
        let proto_key_differs = f.proto_name != f.json_name;
        match &f.label {
            Label::Singular => {
                let full = self.large()
                    || matches!(f.ty, FieldType::Message { .. })
                    || self.covered.insert(type_key(&f.ty));
                let mut samples = self.samples(&f.ty, self.depth(2)).to_vec();
                let mut bads = self.bads(&f.ty, self.depth(2));
                if !full {
                    samples = short_samples(samples);
                    bads.truncate(2);
                }
                for v in samples {
                    let canon = if v.default && !f.explicit_presence {
                        j("{}")
                    } else {
                        single(v.canon)
                    };
                    self.ok(
                        format!("{name}.{}", v.tag),
                        m,
                        single(v.input),
                        canon,
                        false,
                    );
                }
                if !null_is_value(&f.ty) {
                    self.ok(
                        format!("{name}.null"),
                        m,
                        single(Json::Null),
                        j("{}"),
                        false,
                    );
                }
                if proto_key_differs {
                    if let Some(v) = self.pick(&f.ty, 1, false) {
                        let canon = if v.default && !f.explicit_presence {
                            j("{}")
                        } else {
                            single(v.canon)
                        };
                        self.ok(
                            format!("{name}.proto_name"),
                            m,
                            Json::obj([(f.proto_name.clone(), v.input)]),
                            canon,
                            false,
                        );
                    }
                }
                for b in &bads {
                    self.err(
                        format!("{name}.error.{}", b.tag),
                        m,
                        single(b.input.clone()),
                        format!("{key}{}", b.suffix),
                        false,
                    );
                }
                if let (true, Some(b)) = (proto_key_differs, bads.first()) {
                    self.err(
                        format!("{name}.error.proto_name"),
                        m,
                        Json::obj([(f.proto_name.clone(), b.input.clone())]),
                        format!("{}{}", f.proto_name, b.suffix),
                        false,
                    );
                }
                match f.ty {
                    FieldType::WellKnown { wkt: Wkt::Empty } => {
                        self.ok(
                            format!("{name}.unknown_member"),
                            m,
                            single(j(r#"{"x": 1}"#)),
                            single(j("{}")),
                            false,
                        );
                        self.err(
                            format!("{name}.unknown_member.strict"),
                            m,
                            single(j(r#"{"x": 1}"#)),
                            format!("{key}.x"),
                            true,
                        );
                    }
                    FieldType::WellKnown {
                        wkt: wkt @ (Wkt::Any | Wkt::Struct),
                    } => {
                        if let Some(v) = self.pick(&f.ty, 1, false) {
                            self.ok(
                                format!("{name}.strict"),
                                m,
                                single(v.input),
                                single(v.canon),
                                true,
                            );
                        }
                        let (input, at) = if wkt == Wkt::Any {
                            let url = s("type.googleapis.com/google.protobuf.Empty");
                            (twice("@type", url.clone(), url), "@type")
                        } else {
                            (twice("a", n("1"), n("2")), "a")
                        };
                        self.err(
                            format!("{name}.error.duplicate_key"),
                            m,
                            single(input),
                            repeated(&join(&key, at)),
                            false,
                        );
                    }
                    _ => {}
                }
            }
            Label::Repeated => {
                self.ok(format!("{name}.empty"), m, single(j("[]")), j("{}"), false);
                // `null` for a whole repeated or map field of `Value`: the contract's "null is
                // the JSON null value for a Value field" and "null means unset" collide, and
                // the official runtimes reject it; no case.
                if !null_is_value(&f.ty) {
                    self.ok(
                        format!("{name}.null"),
                        m,
                        single(Json::Null),
                        j("{}"),
                        false,
                    );
                }
                let samples = self.samples(&f.ty, 1);
                let input = Json::Array(samples.iter().map(|v| v.input.clone()).collect());
                let canon = Json::Array(samples.iter().map(|v| v.canon.clone()).collect());
                self.ok(
                    format!("{name}.values"),
                    m,
                    single(input),
                    single(canon),
                    false,
                );
                let Some(first) = self.pick(&f.ty, 1, false) else {
                    return;
                };
                if proto_key_differs {
                    self.ok(
                        format!("{name}.proto_name"),
                        m,
                        Json::obj([(f.proto_name.clone(), Json::Array(vec![first.input.clone()]))]),
                        single(Json::Array(vec![first.canon.clone()])),
                        false,
                    );
                }
                self.err(
                    format!("{name}.error.not_a_list"),
                    m,
                    single(j(r#"{"0": 1}"#)),
                    key.clone(),
                    false,
                );
                if !null_is_value(&f.ty) {
                    self.err(
                        format!("{name}.error.null_element"),
                        m,
                        single(Json::Array(vec![first.input.clone(), Json::Null])),
                        format!("{key}[1]"),
                        false,
                    );
                }
                for b in self.bads(&f.ty, 1).into_iter().take(3) {
                    self.err(
                        format!("{name}.error.element_{}", b.tag),
                        m,
                        single(Json::Array(vec![first.input.clone(), b.input])),
                        format!("{key}[1]{}", b.suffix),
                        false,
                    );
                }
            }
            Label::Map { key: k } => {
                self.ok(format!("{name}.empty"), m, single(j("{}")), j("{}"), false);
                if !null_is_value(&f.ty) {
                    self.ok(
                        format!("{name}.null"),
                        m,
                        single(Json::Null),
                        j("{}"),
                        false,
                    );
                }
                let Some(first) = self.pick(&f.ty, 1, false) else {
                    return;
                };
                let keys = key_samples(*k);
                self.ok(
                    format!("{name}.keys"),
                    m,
                    single(Json::obj(
                        keys.iter()
                            .map(|(_, kin, _)| (kin.clone(), first.input.clone())),
                    )),
                    single(Json::obj(
                        keys.iter()
                            .map(|(_, _, kc)| (kc.clone(), first.canon.clone())),
                    )),
                    false,
                );
                if matches!(
                    k.json_kind(),
                    JsonKind::I32 | JsonKind::U32 | JsonKind::I64 | JsonKind::U64
                ) {
                    // `-0` is 0; two keys naming one number clash (docs/json-contract.md,
                    // "Integer map keys").
                    self.ok(
                        format!("{name}.key_minus_zero"),
                        m,
                        single(Json::obj([("-0", first.input.clone())])),
                        single(Json::obj([("0", first.canon.clone())])),
                        false,
                    );
                    for (tag, order) in [
                        ("key_minus_zero_and_zero", ["-0", "0"]),
                        ("key_zero_and_minus_zero", ["0", "-0"]),
                    ] {
                        self.err(
                            format!("{name}.error.{tag}"),
                            m,
                            single(Json::obj(order.map(|k| (k, first.input.clone())))),
                            clash(&key, "-0", "0", "name the same map key"),
                            false,
                        );
                    }
                }
                // Values keyed by their tags; value keys need a string-keyed map.
                let good_key = keys
                    .iter()
                    .find(|(t, _, _)| t == "one" || t == "ascii" || t == "true")
                    .or(keys.first())
                    .cloned()
                    .unwrap_or_default();
                if k.json_kind() == JsonKind::String {
                    let samples = self.samples(&f.ty, 1);
                    self.ok(
                        format!("{name}.values"),
                        m,
                        single(Json::obj(
                            samples.iter().map(|v| (v.tag.clone(), v.input.clone())),
                        )),
                        single(Json::obj(
                            samples.iter().map(|v| (v.tag.clone(), v.canon.clone())),
                        )),
                        false,
                    );
                } else {
                    self.ok(
                        format!("{name}.default_value"),
                        m,
                        single(Json::obj([(
                            good_key.1.clone(),
                            self.samples(&f.ty, 1)
                                .iter()
                                .find(|v| v.default)
                                .map(|v| v.input.clone())
                                .unwrap_or(first.input.clone()),
                        )])),
                        single(Json::obj([(
                            good_key.2.clone(),
                            self.samples(&f.ty, 1)
                                .iter()
                                .find(|v| v.default)
                                .map(|v| v.canon.clone())
                                .unwrap_or(first.canon.clone()),
                        )])),
                        false,
                    );
                }
                if proto_key_differs {
                    self.ok(
                        format!("{name}.proto_name"),
                        m,
                        Json::obj([(
                            f.proto_name.clone(),
                            Json::obj([(good_key.1.clone(), first.input.clone())]),
                        )]),
                        single(Json::obj([(good_key.2.clone(), first.canon.clone())])),
                        false,
                    );
                }
                self.err(
                    format!("{name}.error.not_an_object"),
                    m,
                    single(Json::Array(vec![first.input.clone()])),
                    key.clone(),
                    false,
                );
                self.err(
                    format!("{name}.error.duplicate_key"),
                    m,
                    single(twice(&good_key.1, first.input.clone(), first.input.clone())),
                    repeated(&join(&key, &good_key.1)),
                    false,
                );
                if !null_is_value(&f.ty) {
                    self.err(
                        format!("{name}.error.null_value"),
                        m,
                        single(Json::obj([(good_key.1.clone(), Json::Null)])),
                        format!("{key}.{}", good_key.1),
                        false,
                    );
                }
                for b in self.bads(&f.ty, 1).into_iter().take(3) {
                    self.err(
                        format!("{name}.error.value_{}", b.tag),
                        m,
                        single(Json::obj([(good_key.1.clone(), b.input)])),
                        format!("{key}.{}{}", good_key.1, b.suffix),
                        false,
                    );
                }
                for (tag, bk) in bad_keys(*k) {
                    self.err(
                        format!("{name}.error.key_{tag}"),
                        m,
                        single(Json::obj([(bk.clone(), first.input.clone())])),
                        format!("{key}.{bk}"),
                        false,
                    );
                }
            }
        }
    }

    /// Cases for oneof `oi` of `m`, with `m` as the root.
    fn oneof_cases(&mut self, m: &Message, name: &str, oi: usize, oneof_name: &str) {
        let members: Vec<&Field> = m
            .oneofs
            .get(oi)
            .map(|o| o.fields.iter().filter_map(|&i| m.fields.get(i)).collect())
            .unwrap_or_default();
        let name = format!("{name}.{oneof_name}");
        let picked: Vec<(&Field, Sample)> = members
            .iter()
            .filter_map(|f| self.pick(&f.ty, 1, false).map(|v| (*f, v)))
            .collect();
        if picked.len() >= 2 {
            let (a, va) = &picked[0];
            let (b, vb) = &picked[picked.len() - 1];
            self.err(
                format!("{name}.two_members"),
                m,
                Json::obj([
                    (a.json_name.clone(), va.input.clone()),
                    (b.json_name.clone(), vb.input.clone()),
                ]),
                clash("", &a.json_name, &b.json_name, "set the same oneof"),
                false,
            );
            self.err(
                format!("{name}.two_members.reversed"),
                m,
                Json::obj([
                    (b.json_name.clone(), vb.input.clone()),
                    (a.json_name.clone(), va.input.clone()),
                ]),
                clash("", &a.json_name, &b.json_name, "set the same oneof"),
                false,
            );
            if !null_is_value(&a.ty) {
                self.ok(
                    format!("{name}.null_then_member"),
                    m,
                    Json::obj([
                        (a.json_name.clone(), Json::Null),
                        (b.json_name.clone(), vb.input.clone()),
                    ]),
                    Json::obj([(b.json_name.clone(), vb.canon.clone())]),
                    false,
                );
            }
        }
        if let [(a, va), (b, vb), (c, vc), ..] = &picked[..] {
            // Three members: the error is at the key that sorts second, naming the first.
            let mut keys = [&a.json_name, &b.json_name, &c.json_name];
            keys.sort_by(|x, y| utf16_cmp(x, y));
            let expect = clash("", keys[0], keys[1], "set the same oneof");
            let members = [
                (a.json_name.clone(), va.input.clone()),
                (b.json_name.clone(), vb.input.clone()),
                (c.json_name.clone(), vc.input.clone()),
            ];
            self.err(
                format!("{name}.three_members"),
                m,
                Json::obj(members.clone()),
                expect.clone(),
                false,
            );
            self.err(
                format!("{name}.three_members.reversed"),
                m,
                Json::obj(members.into_iter().rev()),
                expect,
                false,
            );
        }
        // A Value or NullValue member given null is set (it prints null), so it clashes with
        // another member (docs/json-contract.md, "A oneof member of type Value").
        for f in members.iter().filter(|f| null_is_value(&f.ty)) {
            self.ok(
                format!("{name}.{}.null_is_set", f.proto_name),
                m,
                Json::obj([(f.json_name.clone(), Json::Null)]),
                Json::obj([(f.json_name.clone(), Json::Null)]),
                false,
            );
            if let Some((other, v)) = picked.iter().find(|(o, _)| o.number != f.number) {
                self.err(
                    format!("{name}.{}.null_and_member", f.proto_name),
                    m,
                    Json::obj([
                        (f.json_name.clone(), Json::Null),
                        (other.json_name.clone(), v.input.clone()),
                    ]),
                    clash("", &f.json_name, &other.json_name, "set the same oneof"),
                    false,
                );
            }
        }
        let nullable: Vec<&Field> = members
            .iter()
            .copied()
            .filter(|f| !null_is_value(&f.ty))
            .collect();
        if !nullable.is_empty() {
            self.ok(
                format!("{name}.all_null"),
                m,
                Json::obj(nullable.iter().map(|f| (f.json_name.clone(), Json::Null))),
                j("{}"),
                false,
            );
        }
    }

    /// A recursive message nested [`RECURSION_LEVELS`] deep through its self-typed fields.
    fn recursion_cases(&mut self, m: &'a Message, l: &str) {
        let steps: Vec<Step<'a>> = m
            .fields
            .iter()
            .filter(|f| {
                matches!(&f.ty, FieldType::Message { full_name, .. } if *full_name == m.full_name)
            })
            .map(|field| Step { field })
            .collect();
        if steps.is_empty() {
            return;
        }
        let chain: Vec<Step<'a>> = (0..RECURSION_LEVELS)
            .map(|i| steps[i % steps.len()].clone())
            .collect();
        let mut path = String::new();
        for st in &chain {
            path = st.path(&path);
        }
        let wrap_all = |input: Json, canon: Json| {
            chain
                .iter()
                .rev()
                .fold((input, canon), |(i, c), st| st.wrap(i, c))
        };
        let (input, canon) = self.rich(m, 0, false);
        let (input, canon) = wrap_all(input, canon);
        self.ok(format!("{l}.recursion.deep"), m, input, canon, false);
        if let Some((f, b)) = self.first_bad(m, 0) {
            let (input, _) = wrap_all(Json::obj([(f.json_name.clone(), b.input)]), j("{}"));
            self.err(
                format!("{l}.recursion.deep.error"),
                m,
                input,
                format!("{}{}", join(&path, &f.json_name), b.suffix),
                false,
            );
        }
        let zz = self.unknown_key(m);
        let (input, canon) = wrap_all(Json::obj([(zz.clone(), n("1"))]), j("{}"));
        self.ok(
            format!("{l}.recursion.deep.unknown_key"),
            m,
            input.clone(),
            canon,
            false,
        );
        self.err(
            format!("{l}.recursion.deep.unknown_key.strict"),
            m,
            input,
            join(&path, &zz),
            true,
        );
    }

    /// The shortest field path from the custom message to every other reachable message.
    fn paths(&self) -> Vec<(&'a Message, Vec<Step<'a>>)> {
        let custom = self.plugin.custom_message();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        seen.insert(custom.full_name.as_str());
        let mut queue: std::collections::VecDeque<(&'a Message, Vec<Step<'a>>)> =
            std::collections::VecDeque::new();
        queue.push_back((custom, Vec::new()));
        let mut out = Vec::new();
        while let Some((m, steps)) = queue.pop_front() {
            for f in &m.fields {
                let FieldType::Message { full_name, .. } = &f.ty else {
                    continue;
                };
                let Some(next) = self.message(full_name) else {
                    continue;
                };
                if !seen.insert(next.full_name.as_str()) {
                    continue;
                }
                let mut path = steps.clone();
                path.push(Step { field: f });
                out.push((next, path.clone()));
                queue.push_back((next, path));
            }
        }
        out
    }

    /// Cases on the custom message that reach every other message through fields, so that
    /// paths of nested errors and unknown keys are checked.
    fn nested_cases(&mut self) {
        let custom = self.plugin.custom_message();
        let cl = self.label(custom);
        for (m, steps) in self.paths() {
            // A message deeper than this is checked at its own level: its nested cases would
            // be deeper JSON than decoders are bound to accept (the Rust codec's limit is 128).
            if steps.len() > NESTED_CASE_DEPTH {
                continue;
            }
            let ml = self.label(m);
            let name = format!("{cl}.nested.{ml}");
            let mut path = String::new();
            for st in &steps {
                path = st.path(&path);
            }
            let wrap = |input: Json, canon: Json| {
                steps
                    .iter()
                    .rev()
                    .fold((input, canon), |(i, c), st| st.wrap(i, c))
            };
            // A large plugin checks each message's full values at its own level only; here,
            // the paths of errors and unknown keys through the nesting.
            let large = self.large();
            if !large {
                let (input, canon) = self.rich(m, 2, false);
                let (input, canon) = wrap(input, canon);
                self.ok(format!("{name}.full"), custom, input, canon, false);
                let (input, canon) = self.rich(m, 2, true);
                let (input, canon) = wrap(input, canon);
                self.ok(
                    format!("{name}.full.proto_names.strict"),
                    custom,
                    input,
                    canon,
                    true,
                );
            }
            if let Some((f, b)) = self.first_bad(m, 1) {
                let (input, _) = wrap(Json::obj([(f.json_name.clone(), b.input)]), j("{}"));
                self.err(
                    format!("{name}.error"),
                    custom,
                    input,
                    format!("{}{}", join(&path, &f.json_name), b.suffix),
                    false,
                );
            }
            let zz = self.unknown_key(m);
            let (input, _) = wrap(twice(&zz, n("1"), n("1")), j("{}"));
            self.err(
                format!("{name}.duplicate_key"),
                custom,
                input,
                repeated(&join(&path, &zz)),
                false,
            );
            let (input, canon) = wrap(Json::obj([(zz.clone(), n("1"))]), j("{}"));
            self.ok(
                format!("{name}.unknown_key"),
                custom,
                input.clone(),
                canon,
                false,
            );
            self.err(
                format!("{name}.unknown_key.strict"),
                custom,
                input,
                join(&path, &zz),
                true,
            );
            if let (false, Some(f)) = (
                large,
                m.fields
                    .iter()
                    .find(|f| f.proto_name != f.json_name && !null_is_value(&f.ty)),
            ) {
                self.both_spellings(custom, &name, f, &path, &wrap);
            }
            for o in &m.oneofs {
                let members: Vec<&Field> =
                    o.fields.iter().filter_map(|&i| m.fields.get(i)).collect();
                let picked: Vec<(&Field, Sample)> = members
                    .iter()
                    .filter_map(|f| self.pick(&f.ty, 1, false).map(|v| (*f, v)))
                    .collect();
                if picked.len() >= 2 {
                    let (a, va) = &picked[0];
                    let (b, vb) = &picked[picked.len() - 1];
                    let (input, _) = wrap(
                        Json::obj([
                            (a.json_name.clone(), va.input.clone()),
                            (b.json_name.clone(), vb.input.clone()),
                        ]),
                        j("{}"),
                    );
                    self.err(
                        format!("{name}.{}.two_members", o.proto_name),
                        custom,
                        input,
                        clash(&path, &a.json_name, &b.json_name, "set the same oneof"),
                        false,
                    );
                }
            }
        }
    }

    fn root_cases(&mut self) {
        let custom = self.plugin.custom_message();
        let l = self.label(custom);
        self.ok(format!("{l}.root.null"), custom, Json::Null, j("{}"), false);
        for (tag, input) in [("array", j("[]")), ("string", s("x")), ("number", n("1"))] {
            self.err(
                format!("{l}.root.error.{tag}"),
                custom,
                input,
                "(root)".to_string(),
                false,
            );
        }
    }
}

/// The conformance cases of one plugin: every reachable message, every field.
pub fn plugin_vectors(plugin: &Plugin) -> Vec<Case> {
    let mut g = Gen {
        plugin,
        cases: Vec::new(),
        names: BTreeSet::new(),
        covered: BTreeSet::new(),
        memo: Memo::default(),
    };
    if plugin.messages.is_empty() {
        return Vec::new();
    }
    g.root_cases();
    for m in &plugin.messages {
        g.message_cases(m);
    }
    g.nested_cases();
    g.cases
}

#[cfg(test)]
mod tests {
    use super::super::json::{es_float32, es_number};
    use super::*;

    fn text(v: &Json) -> Option<&str> {
        match v {
            Json::Number(t) | Json::String(t) => Some(t),
            _ => None,
        }
    }

    /// The hand-written canonical number texts agree with the formatters (two independent
    /// derivations of the same ECMAScript rule).
    #[test]
    fn number_tables_agree_with_the_formatters() {
        for v in double_samples() {
            let (Some(i), Some(c)) = (text(&v.input), text(&v.canon)) else {
                continue;
            };
            let Ok(x) = i.parse::<f64>() else { continue };
            if !x.is_finite() {
                continue;
            }
            if let Some(es) = es_number(x) {
                assert_eq!(es, c, "double {}", v.tag);
            }
        }
        for v in float_samples() {
            let (Some(i), Some(c)) = (text(&v.input), text(&v.canon)) else {
                continue;
            };
            // A float field reads a double, then rounds it to float32.
            let Ok(wide) = i.parse::<f64>() else { continue };
            let x = wide as f32;
            if !x.is_finite() {
                continue;
            }
            // Only the double_rounding samples round differently from decimal → float32.
            let direct = i.parse::<f32>().unwrap();
            assert_eq!(
                direct != x,
                v.tag.starts_with("double_rounding"),
                "float {}",
                v.tag
            );
            if let Some(es) = es_float32(x) {
                assert_eq!(es, c, "float {}", v.tag);
            }
        }
        for v in float_bads() {
            if let Some(Ok(wide)) = text(&v.input).map(|t| t.parse::<f64>()) {
                let x = wide as f32;
                assert!(x.is_infinite() || v.tag.contains("nan"), "{}", v.tag);
                if v.tag == "overflow_by_double_rounding" {
                    let direct = text(&v.input).unwrap().parse::<f32>().unwrap();
                    assert_eq!(direct, f32::MAX, "{}", v.tag);
                }
            }
        }
    }

    #[test]
    fn tags_are_unique_per_type() {
        let mut lists: Vec<Vec<String>> = Vec::new();
        for s in [
            Scalar::Double,
            Scalar::Float,
            Scalar::Int32,
            Scalar::Int64,
            Scalar::Uint32,
            Scalar::Uint64,
            Scalar::Bool,
            Scalar::String,
            Scalar::Bytes,
        ] {
            lists.push(scalar_samples(s).into_iter().map(|v| v.tag).collect());
            lists.push(scalar_bads(s).into_iter().map(|v| v.tag).collect());
            lists.push(key_samples(s).into_iter().map(|v| v.0).collect());
        }
        for w in [
            Wkt::Any,
            Wkt::Duration,
            Wkt::Empty,
            Wkt::FieldMask,
            Wkt::ListValue,
            Wkt::NullValue,
            Wkt::Struct,
            Wkt::Timestamp,
            Wkt::Value,
            Wkt::Int64Value,
        ] {
            lists.push(wkt_samples(w).into_iter().map(|v| v.tag).collect());
            lists.push(wkt_bads(w).into_iter().map(|v| v.tag).collect());
        }
        for l in lists {
            let set: BTreeSet<&String> = l.iter().collect();
            assert_eq!(set.len(), l.len(), "{l:?}");
        }
    }

    /// Integers: the canonical value of every spelling, by exact decimal arithmetic.
    #[test]
    fn integer_spellings() {
        for kind in [JsonKind::I32, JsonKind::U32, JsonKind::I64, JsonKind::U64] {
            let (min, max) = int_bounds(kind);
            for v in int_samples(kind) {
                let c: i128 = text(&v.canon).unwrap().parse().unwrap();
                assert!(min <= c && c <= max, "{}", v.tag);
                let i = text(&v.input).unwrap();
                // `1e3`, `1.5e1`, `3.0`, `-0`: exact value of the decimal.
                let (mant, exp) = i.split_once(['e', 'E']).unwrap_or((i, "0"));
                let exp: i32 = exp.parse().unwrap();
                let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
                let digits: i128 = format!("{int}{frac}").parse().unwrap();
                let scale = exp - frac.len() as i32;
                let value = if scale >= 0 {
                    digits * 10i128.pow(scale as u32)
                } else {
                    assert_eq!(digits % 10i128.pow((-scale) as u32), 0, "{}", v.tag);
                    digits / 10i128.pow((-scale) as u32)
                };
                assert_eq!(value, c, "{} {:?}", v.tag, kind);
                assert_eq!(v.default, c == 0, "{}", v.tag);
            }
        }
    }
}
