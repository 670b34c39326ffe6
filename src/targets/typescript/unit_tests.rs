//! The view-model of a TypeScript package's own tests, `test/vectors.test.ts`, next to its copy
//! of the plugin's vectors (`test/vectors.json`), run by `npm test` (tsc with
//! `tsconfig.test.json`, then `node --test`).
//!
//! The test runs every case of the vectors file through the codec (`fromCustom`, then
//! `toCustomString`), and builds every distinct positive value with the class constructors,
//! printed here from [`crate::conformance::literal`], to check that `toCustomString` of it
//! gives the same canonical text.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{models, ts_string};
use crate::conformance::Json;
use crate::conformance::literal::{Construction, FieldLit, FloatLit, KeyLit, Lit, MessageLit};
use crate::ir::{JsonKind, Label, Plugin, Scalar};
use crate::targets::pretty::{Doc, Style};

/// `test/vectors.test.ts`.
#[derive(Debug, Serialize)]
pub struct TestsVm {
    /// The generated-file header.
    pub header: String,
    /// The names imported from the package (`json` included).
    pub imports: Vec<String>,
    /// `"full.Name": (input, options) => T.fromCustom(input, options),` lines.
    pub messages: Vec<String>,
    /// The constructed values: each entry's lines, indented.
    pub constructed: Vec<String>,
    /// How many positive cases are built with constructors.
    pub constructed_count: usize,
}

/// Lines as prettier measures them (`printWidth` 100 in the package's settings).
const TS: Style = Style {
    limit: 100,
    width: |s| s.chars().count(),
    indent: 2,
};

/// Prints literal trees as TypeScript expressions.
struct Printer<'a> {
    plugin: &'a Plugin,
    /// Model classes and enums the expressions use, for the import.
    used: BTreeSet<String>,
}

impl Printer<'_> {
    fn class(&mut self, name: &str) -> String {
        self.used.insert(name.to_string());
        name.to_string()
    }

    fn message(&mut self, m: &MessageLit<'_>) -> Doc {
        let class = self.class(&m.message.names.typescript);
        if m.fields.is_empty() {
            return Doc::Atom(format!("new {class}()"));
        }
        let mut props = Vec::new();
        for (f, v) in &m.fields {
            let value = match v {
                FieldLit::One(lit) => self.value(lit),
                FieldLit::List(items) => {
                    Doc::group("[", items.iter().map(|l| self.value(l)).collect(), "]")
                }
                FieldLit::Map(entries) => {
                    let (map_type, _) = models::reference_type(self.plugin, f);
                    let key_scalar = match f.label {
                        Label::Map { key } => key,
                        _ => Scalar::String,
                    };
                    let entries = entries
                        .iter()
                        .map(|(k, l)| {
                            let k = Doc::Atom(key_for(k, key_scalar));
                            Doc::group("[", vec![k, self.value(l)], "]")
                        })
                        .collect();
                    Doc::group(format!("new {map_type}(["), entries, "])")
                }
            };
            let prop = match f.oneof.and_then(|i| m.message.oneofs.get(i)) {
                // A oneof member is a case of the oneof's property.
                Some(o) => Doc::Pair(
                    format!("{}: ", o.names.typescript),
                    Box::new(Doc::spaced(
                        "{",
                        vec![
                            Doc::Atom(format!("case: {}", ts_string(&f.names.typescript))),
                            Doc::Pair("value: ".into(), Box::new(value)),
                        ],
                        "}",
                    )),
                ),
                None => Doc::Pair(format!("{}: ", f.names.typescript), Box::new(value)),
            };
            props.push(prop);
        }
        Doc::spaced(format!("new {class}({{"), props, "})")
    }

    fn value(&mut self, lit: &Lit<'_>) -> Doc {
        let atom = Doc::Atom;
        match lit {
            Lit::Bool(b) => atom(b.to_string()),
            Lit::Int { value, scalar } => match scalar.json_kind() {
                JsonKind::I64 | JsonKind::U64 => atom(format!("{value}n")),
                _ => atom(value.to_string()),
            },
            Lit::Float { value, scalar } => atom(float(*value, *scalar == Scalar::Float)),
            Lit::String(s) => atom(ts_string(s)),
            Lit::Bytes(b) if b.is_empty() => atom("new Uint8Array()".into()),
            Lit::Bytes(b) => Doc::group(
                "new Uint8Array([",
                b.iter().map(|x| atom(x.to_string())).collect(),
                "])",
            ),
            Lit::Enum {
                enum_,
                value,
                number,
            } => {
                let name = self.class(&enum_.names.typescript);
                atom(match value {
                    Some(v) => format!("{name}.{}", v.names.typescript),
                    None => format!("{number} as {name}"),
                })
            }
            Lit::Message(m) => self.message(m),
            Lit::Duration { seconds, nanos } => atom(format!(
                "new json.Duration({{ seconds: {seconds}n, nanos: {nanos} }})"
            )),
            Lit::Timestamp { seconds, nanos } => atom(format!(
                "new json.Timestamp({{ seconds: {seconds}n, nanos: {nanos} }})"
            )),
            Lit::FieldMask(paths) => Doc::spaced(
                "new json.FieldMask({",
                vec![Doc::Pair(
                    "paths: ".into(),
                    Box::new(Doc::group(
                        "[",
                        paths.iter().map(|p| atom(ts_string(p))).collect(),
                        "]",
                    )),
                )],
                "})",
            ),
            Lit::Empty => atom("new json.Empty()".into()),
            Lit::NullValue => atom("null".into()),
            Lit::Json { value, .. } => match value {
                Json::Object(members) if members.iter().any(|(k, _)| k == "@type") => {
                    // An Any: its type URL and its other members.
                    let mut props = Vec::new();
                    let mut fields = Vec::new();
                    for (k, v) in members {
                        if k == "@type" {
                            props.push(Doc::Pair("typeUrl: ".into(), Box::new(json_doc(v))));
                        } else {
                            fields.push(Doc::Pair(
                                format!("{}: ", ts_string(k)),
                                Box::new(json_doc(v)),
                            ));
                        }
                    }
                    if !fields.is_empty() {
                        props.push(Doc::Pair(
                            "fields: ".into(),
                            Box::new(Doc::spaced("{", fields, "}")),
                        ));
                    }
                    Doc::spaced("new json.Any({", props, "})")
                }
                v => json_doc(v),
            },
        }
    }
}

/// A number literal; `single` for a float.
fn float(f: FloatLit, single: bool) -> String {
    match f {
        FloatLit::Finite(x) if x == 0.0 && x.is_sign_negative() => "-0".into(),
        FloatLit::Finite(x) if single => format!("{:?}", x as f32),
        FloatLit::Finite(x) => format!("{x:?}"),
        FloatLit::Nan => "NaN".into(),
        FloatLit::Infinity => "Infinity".into(),
        FloatLit::NegInfinity => "-Infinity".into(),
    }
}

fn key(k: &KeyLit) -> String {
    match k {
        KeyLit::Bool(b) => b.to_string(),
        KeyLit::Int(i) => i.to_string(),
        KeyLit::String(s) => ts_string(s),
    }
}

/// A JSON value as a literal (numbers are doubles).
fn json_doc(v: &Json) -> Doc {
    match v {
        Json::Null => Doc::Atom("null".into()),
        Json::Bool(b) => Doc::Atom(b.to_string()),
        Json::Number(t) => Doc::Atom(float(FloatLit::Finite(t.parse().unwrap_or(0.0)), false)),
        Json::String(s) | Json::EscapedString(s) => Doc::Atom(ts_string(s)),
        Json::Array(items) => Doc::group("[", items.iter().map(json_doc).collect(), "]"),
        Json::Object(members) => Doc::spaced(
            "{",
            members
                .iter()
                .map(|(k, v)| Doc::Pair(format!("{}: ", ts_string(k)), Box::new(json_doc(v))))
                .collect(),
            "}",
        ),
    }
}

/// Map keys of integer types other than 64-bit ones are numbers; 64-bit keys are bigints.
fn key_for(k: &KeyLit, scalar: Scalar) -> String {
    match (k, scalar.json_kind()) {
        (KeyLit::Int(i), JsonKind::I64 | JsonKind::U64) => format!("{i}n"),
        _ => key(k),
    }
}

/// Builds the test file's view-model.
pub fn build(plugin: &Plugin, header: String, constructions: &[Construction<'_>]) -> TestsVm {
    let mut printer = Printer {
        plugin,
        used: BTreeSet::new(),
    };
    let constructed: Vec<String> = constructions
        .iter()
        .map(|c| {
            let entry = Doc::group(
                "[",
                vec![
                    Doc::Atom(ts_string(&c.case)),
                    printer.message(&c.value),
                    Doc::Atom(ts_string(&c.canonical)),
                ],
                "]",
            );
            let mut lines = Vec::new();
            entry.layout(2, "", ",", &TS, &mut lines);
            lines.join("\n")
        })
        .collect();
    let mut messages: Vec<(&str, &str)> = plugin
        .messages
        .iter()
        .map(|m| (m.full_name.as_str(), m.names.typescript.as_str()))
        .collect();
    messages.sort();
    let messages = messages
        .into_iter()
        .map(|(full, class)| {
            printer.used.insert(class.to_string());
            let mut lines = Vec::new();
            Doc::Pair(
                format!("{}: ", ts_string(full)),
                Box::new(Doc::Atom(format!(
                    "(input, options) => {class}.fromCustom(input, options)"
                ))),
            )
            .layout(2, "", ",", &TS, &mut lines);
            lines.join("\n")
        })
        .collect();
    let mut imports: Vec<String> = printer.used.into_iter().collect();
    imports.push("json".to_string());
    imports.sort();
    TestsVm {
        header,
        imports,
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
        assert_eq!(float(FloatLit::Finite(-0.0), false), "-0");
        assert_eq!(float(FloatLit::Finite(0.1), true), "0.1");
        assert_eq!(
            float(FloatLit::Finite(3.4028234663852886e38), true),
            "3.4028235e38"
        );
        assert_eq!(key_for(&KeyLit::Int(-3), Scalar::Sint64), "-3n");
        assert_eq!(key_for(&KeyLit::Int(-3), Scalar::Sint32), "-3");
    }
}
