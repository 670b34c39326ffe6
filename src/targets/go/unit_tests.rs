//! The view-model of a Go package's own tests, `vectors_test.go`, next to its copy of the
//! plugin's vectors (`testdata/vectors.json`).
//!
//! `TestVectors` runs every case of the vectors file through the codec (`FromCustomJSON`, then
//! `MarshalCustom`); `TestConstructed` builds every distinct positive value with composite
//! literals, printed here from [`crate::conformance::literal`], and checks that
//! `MarshalCustom` of it gives the same canonical text.
//!
//! Each value is one line: gofmt never splits a line, so one-line literals are stable under
//! it whatever their length, and the table's keys are aligned as gofmt aligns them.

use serde::Serialize;

use super::{field_vm, go_quote, package_name};
use crate::conformance::Json;
use crate::conformance::literal::{Construction, FieldLit, FloatLit, KeyLit, Lit, MessageLit};
use crate::ir::{Plugin, Scalar, Wkt};

/// `vectors_test.go`.
#[derive(Debug, Serialize)]
pub struct TestsVm {
    /// The generated-file header.
    pub header: String,
    /// The package clause's name.
    pub package: String,
    /// Quoted imports of the standard library.
    pub imports: Vec<String>,
    /// `case "full.Name": return &T{}` clauses.
    pub messages: Vec<String>,
    /// The constructed values: each entry's lines (`{`, keys, `},`), tab-indented.
    pub constructed: Vec<String>,
    /// How many positive cases are built with literals.
    pub constructed_count: usize,
}

/// A Go string literal: raw (backquoted) when the text allows it, else interpreted.
fn go_text(s: &str) -> String {
    if s.contains('`') || s.contains('\u{feff}') || s.chars().any(|c| c.is_control()) {
        go_quote(s)
    } else {
        format!("`{s}`")
    }
}

/// A `[]byte` literal.
fn go_bytes(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "[]byte{}".into();
    }
    let mut out = String::from("[]byte(\"");
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push_str("\")");
    out
}

/// Prints literal trees as Go expressions of the package (an internal test, so types are
/// unqualified).
struct Printer {
    /// Whether an expression used `math` (NaN, infinities, negative zero).
    math: bool,
}

impl Printer {
    fn message(&mut self, m: &MessageLit<'_>) -> String {
        let fields: Vec<String> = m
            .fields
            .iter()
            .map(|(f, v)| {
                let ty = field_vm(m.message, f).go_type;
                let value = match v {
                    FieldLit::One(lit) => self.value(lit, &ty, true),
                    FieldLit::List(items) => {
                        let elem = ty.strip_prefix("[]").unwrap_or(&ty);
                        let items: Vec<String> =
                            items.iter().map(|l| self.value(l, elem, false)).collect();
                        format!("{ty}{{{}}}", items.join(", "))
                    }
                    FieldLit::Map(entries) => {
                        let elem = map_value_type(&ty);
                        let entries: Vec<String> = entries
                            .iter()
                            .map(|(k, l)| format!("{}: {}", key(k), self.value(l, elem, false)))
                            .collect();
                        format!("{ty}{{{}}}", entries.join(", "))
                    }
                };
                format!("{}: {value}", f.names.go)
            })
            .collect();
        format!("&{}{{{}}}", m.message.names.go, fields.join(", "))
    }

    /// `lit` as a value of Go type `ty` (`*T` for a field with presence); `singular` for the
    /// value of a singular field (where a JSON null of a Value is `NullValue_NULL_VALUE`,
    /// since nil means unset; in lists and maps it is nil).
    fn value(&mut self, lit: &Lit<'_>, ty: &str, singular: bool) -> String {
        let pointer = ty.strip_prefix('*');
        let plain = |s: String| match pointer {
            Some(elem) => format!("vtPtr[{elem}]({s})"),
            None => s,
        };
        match lit {
            Lit::Bool(b) => plain(b.to_string()),
            Lit::Int { value, .. } => plain(value.to_string()),
            Lit::Float { value, scalar } => {
                let text = self.float(*value, *scalar == Scalar::Float);
                plain(text)
            }
            Lit::String(s) => plain(go_text(s)),
            Lit::Bytes(b) => go_bytes(b),
            Lit::Enum {
                enum_,
                value,
                number,
            } => plain(match value {
                Some(v) => v.names.go.clone(),
                None => format!("{}({number})", enum_.names.go),
            }),
            Lit::Message(m) => self.message(m),
            Lit::Duration { seconds, nanos } => {
                format!("&Duration{{Seconds: {seconds}, Nanos: {nanos}}}")
            }
            Lit::Timestamp { seconds, nanos } => {
                format!("&Timestamp{{Seconds: {seconds}, Nanos: {nanos}}}")
            }
            Lit::FieldMask(paths) => {
                let paths: Vec<String> = paths.iter().map(|p| go_quote(p)).collect();
                format!("&FieldMask{{Paths: []string{{{}}}}}", paths.join(", "))
            }
            Lit::Empty => "&Empty{}".into(),
            Lit::NullValue => plain("NullValue_NULL_VALUE".into()),
            Lit::Json { wkt, value } => match (wkt, value) {
                // A set Value field holding JSON null; nil would mean unset.
                (Wkt::Value, Json::Null) if singular => "NullValue_NULL_VALUE".into(),
                (Wkt::Any, Json::Object(members)) => {
                    let url = members
                        .iter()
                        .find(|(k, _)| k == "@type")
                        .map(|(_, v)| self.json(v))
                        .unwrap_or_else(|| "\"\"".into());
                    let rest: Vec<String> = members
                        .iter()
                        .filter(|(k, _)| k != "@type")
                        .map(|(k, v)| format!("{}: {}", go_quote(k), self.json(v)))
                        .collect();
                    if rest.is_empty() {
                        format!("&Any{{TypeURL: {url}}}")
                    } else {
                        format!(
                            "&Any{{TypeURL: {url}, Fields: map[string]any{{{}}}}}",
                            rest.join(", ")
                        )
                    }
                }
                _ => self.json(value),
            },
        }
    }

    /// A float literal; `single` for a float32.
    fn float(&mut self, f: FloatLit, single: bool) -> String {
        let wrap = |s: String| {
            if single { format!("float32({s})") } else { s }
        };
        match f {
            FloatLit::Finite(x) if x == 0.0 && x.is_sign_negative() => {
                // A constant has no negative zero.
                self.math = true;
                wrap("math.Copysign(0, -1)".into())
            }
            FloatLit::Finite(x) if single => format!("{:?}", x as f32),
            FloatLit::Finite(x) => format!("{x:?}"),
            FloatLit::Nan => {
                self.math = true;
                wrap("math.NaN()".into())
            }
            FloatLit::Infinity => {
                self.math = true;
                wrap("math.Inf(1)".into())
            }
            FloatLit::NegInfinity => {
                self.math = true;
                wrap("math.Inf(-1)".into())
            }
        }
    }

    /// A JSON value as the SDK holds it: `map[string]any`, `[]any`, `string`, `float64`,
    /// `bool` or nil.
    fn json(&mut self, v: &Json) -> String {
        match v {
            Json::Null => "nil".into(),
            Json::Bool(b) => b.to_string(),
            // `1.0`, not `1`: an untyped integer constant would be an int in `any`.
            Json::Number(t) => self.float(FloatLit::Finite(t.parse().unwrap_or(0.0)), false),
            Json::String(s) | Json::EscapedString(s) => go_quote(s),
            Json::Array(items) => {
                let items: Vec<String> = items.iter().map(|i| self.json(i)).collect();
                format!("[]any{{{}}}", items.join(", "))
            }
            Json::Object(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}: {}", go_quote(k), self.json(v)))
                    .collect();
                format!("map[string]any{{{}}}", members.join(", "))
            }
        }
    }
}

/// `V` of `map[K]V` (keys are never composite).
fn map_value_type(ty: &str) -> &str {
    ty.strip_prefix("map[")
        .and_then(|rest| rest.split_once(']'))
        .map_or(ty, |(_, v)| v)
}

fn key(k: &KeyLit) -> String {
    match k {
        KeyLit::Bool(b) => b.to_string(),
        KeyLit::Int(i) => i.to_string(),
        KeyLit::String(s) => go_quote(s),
    }
}

/// `key: value,` lines of a composite literal at `indent`, values aligned as gofmt aligns
/// one-line pairs.
fn aligned(pairs: &[(&str, String)], indent: &str) -> Vec<String> {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    pairs
        .iter()
        .map(|(k, v)| format!("{indent}{k}:{} {v},", " ".repeat(width - k.len())))
        .collect()
}

/// Builds the test file's view-model.
pub fn build(plugin: &Plugin, header: String, constructions: &[Construction<'_>]) -> TestsVm {
    let mut printer = Printer { math: false };
    let constructed: Vec<String> = constructions
        .iter()
        .map(|c| {
            let value = printer.message(&c.value);
            let mut lines = vec!["\t{".to_string()];
            lines.extend(aligned(
                &[
                    ("name", go_quote(&c.case)),
                    ("value", value),
                    ("canonical", go_text(&c.canonical)),
                ],
                "\t\t",
            ));
            lines.push("\t},".to_string());
            lines.join("\n")
        })
        .collect();
    let mut messages: Vec<(&str, &str)> = plugin
        .messages
        .iter()
        .map(|m| (m.full_name.as_str(), m.names.go.as_str()))
        .collect();
    messages.sort();
    // A switch, not a map literal: gofmt aligns the values of a map literal's lines by rules
    // that depend on the keys' lengths.
    let messages = messages
        .into_iter()
        .map(|(full, ty)| format!("\tcase {}:\n\t\treturn &{ty}{{}}", go_quote(full)))
        .collect();
    let mut imports = vec!["\"encoding/json\"", "\"os\"", "\"strings\"", "\"testing\""];
    if printer.math {
        imports.push("\"math\"");
    }
    imports.sort();
    TestsVm {
        header,
        package: package_name(plugin),
        imports: imports.into_iter().map(str::to_string).collect(),
        messages,
        constructed_count: constructed.len(),
        constructed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(
            go_bytes(&[0, b'a', b'"', 0xff]),
            "[]byte(\"\\x00a\\\"\\xff\")"
        );
        assert_eq!(go_bytes(&[]), "[]byte{}");
        assert_eq!(go_text("{\"a\":1}"), "`{\"a\":1}`");
        assert_eq!(go_text("a`b"), "\"a`b\"");
        assert_eq!(map_value_type("map[string]*Scalars"), "*Scalars");
        let mut p = Printer { math: false };
        assert_eq!(
            p.float(FloatLit::Finite(-0.0), true),
            "float32(math.Copysign(0, -1))"
        );
        assert!(p.math);
        assert_eq!(p.float(FloatLit::Finite(0.1), true), "0.1");
        assert_eq!(p.json(&Json::Number("1".into())), "1.0");
    }
}
