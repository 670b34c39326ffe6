//! Positive vectors as typed values: the canonical JSON of a case read back against the IR, so
//! that each target can print a constructor expression for it (DESIGN.md section 6; the
//! generated unit tests build every positive case through the typed constructors, then check
//! that encoding it gives the canonical bytes).
//!
//! The tree is language-neutral: every proto3 value in the form a typed model holds it
//! (integers as numbers, durations as seconds and nanos, field masks as proto paths). A target
//! prints it; Struct, Value, ListValue and Any stay JSON, since every SDK holds them as its
//! language's dynamic JSON value.

use std::collections::BTreeSet;

use super::json::{self, Json};
use super::{Case, Expect};
use crate::error::{Error, Result};
use crate::ir::{Enum, EnumValue, Field, FieldType, JsonKind, Label, Message, Plugin, Scalar, Wkt};

/// One positive case as a typed value.
#[derive(Debug, Clone)]
pub struct Construction<'a> {
    /// The first case with this message and canonical text.
    pub case: String,
    /// The expected canonical text.
    pub canonical: String,
    /// The value.
    pub value: MessageLit<'a>,
}

/// A message value: its set fields, in declaration order.
#[derive(Debug, Clone)]
pub struct MessageLit<'a> {
    /// The message.
    pub message: &'a Message,
    /// Set fields.
    pub fields: Vec<(&'a Field, FieldLit<'a>)>,
}

/// The value of one field.
#[derive(Debug, Clone)]
pub enum FieldLit<'a> {
    /// A singular field.
    One(Lit<'a>),
    /// A repeated field.
    List(Vec<Lit<'a>>),
    /// A map field, entries in canonical (sorted) order.
    Map(Vec<(KeyLit, Lit<'a>)>),
}

/// A map key.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyLit {
    /// A bool key.
    Bool(bool),
    /// An integer key of any width.
    Int(i128),
    /// A string key.
    String(String),
}

/// A float or double.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FloatLit {
    /// A finite value (`-0.0` included); its shortest round-trip text is `{value:?}`.
    Finite(f64),
    /// NaN.
    Nan,
    /// +Infinity.
    Infinity,
    /// -Infinity.
    NegInfinity,
}

/// One value.
#[derive(Debug, Clone)]
pub enum Lit<'a> {
    /// bool (and BoolValue).
    Bool(bool),
    /// Any integer type (and the integer wrappers); `scalar` says which.
    Int {
        /// The value.
        value: i128,
        /// The proto type.
        scalar: Scalar,
    },
    /// float or double (and their wrappers).
    Float {
        /// The value (a float's is exactly representable as f32).
        value: FloatLit,
        /// `Scalar::Float` or `Scalar::Double`.
        scalar: Scalar,
    },
    /// string (and StringValue).
    String(String),
    /// bytes (and BytesValue).
    Bytes(Vec<u8>),
    /// An enum value: `value` is its first declared name, or `None` for a number the enum
    /// does not define.
    Enum {
        /// The enum.
        enum_: &'a Enum,
        /// The named value.
        value: Option<&'a EnumValue>,
        /// The number.
        number: i32,
    },
    /// A message.
    Message(MessageLit<'a>),
    /// `google.protobuf.Duration`.
    Duration {
        /// Seconds.
        seconds: i64,
        /// Nanoseconds, with the sign of `seconds`.
        nanos: i32,
    },
    /// `google.protobuf.Timestamp`.
    Timestamp {
        /// Seconds since the Unix epoch.
        seconds: i64,
        /// Nanoseconds, `0..1e9`.
        nanos: i32,
    },
    /// `google.protobuf.FieldMask`: the proto (snake_case) paths.
    FieldMask(Vec<String>),
    /// `google.protobuf.Empty`.
    Empty,
    /// `google.protobuf.NullValue` (a singular NullValue field set).
    NullValue,
    /// `Struct`, `ListValue`, `Value` or `Any`: the JSON the SDKs hold as their dynamic value.
    Json {
        /// Which well-known type.
        wkt: Wkt,
        /// The JSON.
        value: Json,
    },
}

/// The distinct positive cases of `cases` (first case of each message and canonical text) as
/// typed values. Cases of messages the plugin does not hold are skipped.
pub fn constructions<'a>(plugin: &'a Plugin, cases: &[Case]) -> Result<Vec<Construction<'a>>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for case in cases {
        let Expect::Canonical(canonical) = &case.expect else {
            continue;
        };
        let Some(message) = plugin.message(&case.message) else {
            continue;
        };
        if !seen.insert((case.message.as_str(), canonical.as_str())) {
            continue;
        }
        let fail = |why: String| {
            Error::msg(format!(
                "vector `{}`: canonical `{canonical}` does not read as {}: {why}",
                case.name, case.message
            ))
        };
        let value = json::parse(canonical).map_err(|e| fail(format!("{e:?}")))?;
        let value = Reader { plugin }.message(message, &value).map_err(fail)?;
        out.push(Construction {
            case: case.name.clone(),
            canonical: canonical.clone(),
            value,
        });
    }
    Ok(out)
}

struct Reader<'a> {
    plugin: &'a Plugin,
}

type R<T> = std::result::Result<T, String>;

impl<'a> Reader<'a> {
    fn message(&self, m: &'a Message, v: &Json) -> R<MessageLit<'a>> {
        let Json::Object(members) = v else {
            return Err(format!("{} is not an object", m.full_name));
        };
        let mut fields = Vec::new();
        for f in &m.fields {
            let Some((_, value)) = members.iter().find(|(k, _)| *k == f.json_name) else {
                continue;
            };
            let lit = match &f.label {
                Label::Singular => FieldLit::One(self.value(&f.ty, value)?),
                Label::Repeated => {
                    let Json::Array(items) = value else {
                        return Err(format!("{} is not an array", f.json_name));
                    };
                    FieldLit::List(
                        items
                            .iter()
                            .map(|i| self.value(&f.ty, i))
                            .collect::<R<_>>()?,
                    )
                }
                Label::Map { key } => {
                    let Json::Object(entries) = value else {
                        return Err(format!("{} is not an object", f.json_name));
                    };
                    FieldLit::Map(
                        entries
                            .iter()
                            .map(|(k, v)| Ok((map_key(*key, k)?, self.value(&f.ty, v)?)))
                            .collect::<R<_>>()?,
                    )
                }
            };
            fields.push((f, lit));
        }
        if let Some((k, _)) = members
            .iter()
            .find(|(k, _)| !m.fields.iter().any(|f| f.json_name == *k))
        {
            return Err(format!("{} has no field `{k}`", m.full_name));
        }
        Ok(MessageLit { message: m, fields })
    }

    fn value(&self, ty: &FieldType, v: &Json) -> R<Lit<'a>> {
        match ty {
            FieldType::Scalar { scalar } => scalar_lit(*scalar, v),
            FieldType::Enum { full_name, .. } => {
                let e = self
                    .plugin
                    .enum_(full_name)
                    .ok_or_else(|| format!("no enum {full_name}"))?;
                match v {
                    Json::String(name) => {
                        let value = e
                            .values
                            .iter()
                            .find(|x| x.proto_name == *name)
                            .ok_or_else(|| format!("{full_name} has no value {name}"))?;
                        Ok(Lit::Enum {
                            enum_: e,
                            value: Some(value),
                            number: value.number,
                        })
                    }
                    Json::Number(text) => {
                        let number = text.parse::<i32>().map_err(|e| e.to_string())?;
                        Ok(Lit::Enum {
                            enum_: e,
                            value: None,
                            number,
                        })
                    }
                    _ => Err(format!("bad enum value {}", v.compact())),
                }
            }
            FieldType::Message { full_name, .. } => {
                let m = self
                    .plugin
                    .message(full_name)
                    .ok_or_else(|| format!("no message {full_name}"))?;
                Ok(Lit::Message(self.message(m, v)?))
            }
            FieldType::WellKnown { wkt } => wkt_lit(*wkt, v),
        }
    }
}

fn int(text: &str) -> R<i128> {
    text.parse::<i128>()
        .map_err(|_| format!("`{text}` is not a canonical integer"))
}

fn scalar_lit<'a>(scalar: Scalar, v: &Json) -> R<Lit<'a>> {
    let bad = || format!("bad {} value {}", scalar.proto_name(), v.compact());
    Ok(match (scalar.json_kind(), v) {
        (JsonKind::I32 | JsonKind::U32, Json::Number(t))
        | (JsonKind::I64 | JsonKind::U64, Json::String(t)) => Lit::Int {
            value: int(t)?,
            scalar,
        },
        (JsonKind::F32 | JsonKind::F64, v) => Lit::Float {
            value: float(v).ok_or_else(bad)?,
            scalar,
        },
        (JsonKind::Bool, Json::Bool(b)) => Lit::Bool(*b),
        (JsonKind::String, Json::String(s)) => Lit::String(s.clone()),
        (JsonKind::Bytes, Json::String(s)) => Lit::Bytes(base64_decode(s).ok_or_else(bad)?),
        _ => return Err(bad()),
    })
}

fn float(v: &Json) -> Option<FloatLit> {
    match v {
        Json::Number(t) => t.parse::<f64>().ok().map(FloatLit::Finite),
        Json::String(s) => match s.as_str() {
            "NaN" => Some(FloatLit::Nan),
            "Infinity" => Some(FloatLit::Infinity),
            "-Infinity" => Some(FloatLit::NegInfinity),
            _ => None,
        },
        _ => None,
    }
}

fn map_key(key: Scalar, text: &str) -> R<KeyLit> {
    Ok(match key.json_kind() {
        JsonKind::Bool => match text {
            "true" => KeyLit::Bool(true),
            "false" => KeyLit::Bool(false),
            _ => return Err(format!("bad bool key `{text}`")),
        },
        JsonKind::String => KeyLit::String(text.to_string()),
        _ => KeyLit::Int(int(text)?),
    })
}

fn wkt_lit<'a>(wkt: Wkt, v: &Json) -> R<Lit<'a>> {
    let bad = || format!("bad {} value {}", wkt.full_name(), v.compact());
    if let Some(scalar) = wkt.wrapped() {
        return scalar_lit(scalar, v);
    }
    Ok(match (wkt, v) {
        (Wkt::Duration, Json::String(s)) => {
            let (seconds, nanos) = duration(s).ok_or_else(bad)?;
            Lit::Duration { seconds, nanos }
        }
        (Wkt::Timestamp, Json::String(s)) => {
            let (seconds, nanos) = timestamp(s).ok_or_else(bad)?;
            Lit::Timestamp { seconds, nanos }
        }
        (Wkt::FieldMask, Json::String(s)) => Lit::FieldMask(if s.is_empty() {
            Vec::new()
        } else {
            s.split(',').map(snake_path).collect()
        }),
        (Wkt::Empty, Json::Object(m)) if m.is_empty() => Lit::Empty,
        (Wkt::NullValue, Json::Null) => Lit::NullValue,
        (Wkt::Struct | Wkt::Any, Json::Object(_))
        | (Wkt::ListValue, Json::Array(_))
        | (Wkt::Value, _) => Lit::Json {
            wkt,
            value: v.clone(),
        },
        _ => return Err(bad()),
    })
}

/// A canonical FieldMask path (`fooBar.baz`) as the proto path (`foo_bar.baz`).
fn snake_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A canonical duration (`-1.500s`) as seconds and nanos, both with the value's sign.
fn duration(s: &str) -> Option<(i64, i32)> {
    let body = s.strip_suffix('s')?;
    let (negative, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let seconds: i64 = whole.parse().ok()?;
    let nanos = fraction_nanos(frac)?;
    Some(if negative {
        (-seconds, -nanos)
    } else {
        (seconds, nanos)
    })
}

/// `.5` → 500000000 (at most nine digits).
fn fraction_nanos(frac: &str) -> Option<i32> {
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{frac:0<9}");
    padded.parse().ok()
}

/// A canonical timestamp (`1972-01-01T10:00:20.021Z`) as seconds since the epoch and nanos.
fn timestamp(s: &str) -> Option<(i64, i32)> {
    let body = s.strip_suffix('Z')?;
    let (date, time) = body.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let (y, mo, da): (i64, i64, i64) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.splitn(3, ':');
    let (h, mi, se): (i64, i64, i64) = (
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
    );
    let days = days_from_civil(y, mo, da);
    Some((
        days * 86_400 + h * 3_600 + mi * 60 + se,
        fraction_nanos(frac)?,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Standard base64 with padding, as canonical bytes are written.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let body = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in body.bytes() {
        let v = ALPHABET.iter().position(|&a| a == b)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_strings_read_back() {
        assert_eq!(duration("-1.500s"), Some((-1, -500_000_000)));
        assert_eq!(duration("0.000000001s"), Some((0, 1)));
        assert_eq!(duration("315576000000s"), Some((315_576_000_000, 0)));
        // 1972-01-01T10:00:20.021Z is the protobuf documentation's example: 63108020 s.
        assert_eq!(
            timestamp("1972-01-01T10:00:20.021Z"),
            Some((63_108_020, 21_000_000))
        );
        assert_eq!(
            timestamp("0001-01-01T00:00:00Z"),
            Some((-62_135_596_800, 0))
        );
        assert_eq!(
            timestamp("9999-12-31T23:59:59.999999999Z"),
            Some((253_402_300_799, 999_999_999))
        );
        assert_eq!(snake_path("fooBar.bazQux"), "foo_bar.baz_qux");
        assert_eq!(base64_decode("/+8="), Some(vec![0xff, 0xef]));
        assert_eq!(base64_decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(base64_decode("a-"), None);
    }

    #[test]
    fn every_positive_kitchen_sink_vector_reads_back() {
        let project = crate::Project::open(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("flyteplug.toml"),
        )
        .unwrap();
        for plugin in &project.ir.plugins {
            let cases = super::super::plugin_vectors(plugin);
            let built = constructions(plugin, &cases).unwrap();
            let positive: BTreeSet<(&str, &str)> = cases
                .iter()
                .filter_map(|c| match &c.expect {
                    Expect::Canonical(s) => Some((c.message.as_str(), s.as_str())),
                    Expect::Error(_) => None,
                })
                .collect();
            assert_eq!(built.len(), positive.len(), "{}", plugin.name);
        }
    }
}
