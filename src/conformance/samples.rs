//! The sample tables of the conformance vectors: for each scalar and well-known type, the
//! values it must accept, each with its input spelling and the canonical JSON it prints as,
//! and the values it must reject. [`vectors`](super::vectors) builds the cases from them.
//!
//! Every expected canonical value here is written by hand (or assembled from hand-written
//! parts), following docs/json-contract.md; the number and float32 texts are also checked
//! against [`es_number`](super::json::es_number) / [`es_float32`](super::json::es_float32) in
//! the unit tests.

use super::json::{Json, base64_std, base64_url_unpadded};
use crate::ir::{FieldType, JsonKind, Scalar, Wkt};

/// One value of a type: how the input spells it and the canonical JSON it prints as.
#[derive(Debug, Clone)]
pub(super) struct Sample {
    pub(super) tag: String,
    pub(super) input: Json,
    pub(super) canon: Json,
    /// The type's zero: omitted by implicit-presence fields.
    pub(super) default: bool,
    /// A non-canonical input spelling of the value.
    pub(super) alt: bool,
}

/// A value a type must reject; the error path is the field's path plus `suffix`.
#[derive(Debug, Clone)]
pub(super) struct Bad {
    pub(super) tag: String,
    pub(super) input: Json,
    pub(super) suffix: String,
}

pub(super) fn ok(tag: &str, input: Json, canon: Json) -> Sample {
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

pub(super) fn alt(tag: &str, input: Json, canon: Json) -> Sample {
    Sample {
        alt: true,
        ..ok(tag, input, canon)
    }
}

pub(super) fn bad(tag: &str, input: Json) -> Bad {
    Bad {
        tag: tag.to_string(),
        input,
        suffix: String::new(),
    }
}

pub(super) fn n(text: &str) -> Json {
    Json::num(text)
}

pub(super) fn s(text: &str) -> Json {
    Json::str(text)
}

/// Parses JSON text written in this file (always valid).
pub(super) fn j(text: &str) -> Json {
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
    // An exponent too long for Python's Decimal (and for a fixed-width exponent parse).
    out.push(Sample {
        default: true,
        ..alt("zero_huge_exponent", s("0e99999999999999999999"), c(0))
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
        bad("exponent_digits", s("1e99999999999999999999")),
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
        // 1 spelled with 801 significant digits: the parser must still round correctly
        // (Go's strconv.ParseFloat misreads texts of 800 digits and more).
        alt(
            "long_text",
            n(&format!("1{}e-800", "0".repeat(800))),
            n("1"),
        ),
        Sample {
            default: true,
            ..alt(
                "underflow_exponent_digits",
                n("1e-99999999999999999999"),
                n("0"),
            )
        },
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
        bad("overflow_exponent_digits", n("1e99999999999999999999")),
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

pub(super) fn scalar_samples(scalar: Scalar) -> Vec<Sample> {
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

pub(super) fn scalar_bads(scalar: Scalar) -> Vec<Bad> {
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
pub(super) fn key_samples(key: Scalar) -> Vec<(String, String, String)> {
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

pub(super) fn bad_keys(key: Scalar) -> Vec<(String, String)> {
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
        d("leading_zeros", "0000000000000001s", "1s", true),
        d(
            "max_leading_zeros",
            "0000000000315576000000s",
            "315576000000s",
            true,
        ),
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

pub(super) fn wkt_samples(wkt: Wkt) -> Vec<Sample> {
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

pub(super) fn wkt_bads(wkt: Wkt) -> Vec<Bad> {
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
pub(super) fn null_is_value(ty: &FieldType) -> bool {
    matches!(
        ty,
        FieldType::WellKnown {
            wkt: Wkt::Value | Wkt::NullValue
        }
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

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
                let exp: i128 = exp.parse().unwrap();
                let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
                let digits: i128 = format!("{int}{frac}").parse().unwrap();
                let scale = exp - frac.len() as i128;
                let value = if digits == 0 {
                    0 // `0e99999999999999999999`
                } else if scale >= 0 {
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
