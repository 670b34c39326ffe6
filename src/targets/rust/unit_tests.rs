//! The view-model of a Rust crate's own tests, `tests/vectors.rs`, next to its copy of the
//! plugin's vectors (`tests/vectors.json`), run by `cargo test`.
//!
//! `vectors` runs every case of the vectors file through the codec (`from_custom_str_with`,
//! then `to_custom_string`); `constructed` builds every distinct positive value with struct
//! literals, printed here from [`crate::conformance::literal`], and checks that
//! `to_custom_string` of it gives the same canonical text.
//!
//! The literals are laid out by [`crate::targets::pretty`] and marked `#[rustfmt::skip]`:
//! rustfmt's own layout of long nested literals is not worth reproducing.

use std::cell::Cell;
use std::collections::BTreeSet;

use serde::Serialize;

use super::model::{boxed_fields, scalar_type, variant_name};
use crate::conformance::Json;
use crate::conformance::literal::{Construction, FieldLit, FloatLit, KeyLit, Lit, MessageLit};
use crate::ir::{Label, Plugin, Scalar, Wkt};
use crate::targets::pretty::{Doc, Style};

/// `tests/vectors.rs`.
#[derive(Debug, Serialize)]
pub struct TestsVm {
    /// The generated-file header.
    pub header: String,
    /// The library's name (`flyteplugins_spark`).
    pub lib: String,
    /// `"full.Name" => round_trip::<T>(input, options),` match arms.
    pub arms: Vec<String>,
    /// `check(...)` statements of the constructed values, laid out.
    pub constructed: Vec<String>,
    /// How many positive cases are built with literals.
    pub constructed_count: usize,
    /// Whether the literals use `json!`, `object(...)` (Struct, Any) and `list(...)`.
    pub uses_json: bool,
    /// See `uses_json`.
    pub uses_object: bool,
    /// See `uses_json`.
    pub uses_list: bool,
}

/// Lines as rustfmt measures them.
const RS: Style = Style {
    limit: 100,
    width: |s| s.chars().count(),
    indent: 4,
};

/// A Rust string literal.
fn rs_str(s: &str) -> String {
    format!("{s:?}")
}

/// Prints literal trees as Rust expressions of the crate (paths through `pkg::`).
struct Printer {
    /// `(message, field index)` of the fields held in a `Box`.
    boxed: BTreeSet<(String, usize)>,
    /// Whether an expression used `json!`, `object(...)` or `list(...)`.
    json: Cell<bool>,
    object: Cell<bool>,
    list: Cell<bool>,
}

impl Printer {
    fn message(&self, m: &MessageLit<'_>) -> Doc {
        let msg = m.message;
        let name = format!("pkg::{}", msg.names.rust);
        let mut items = Vec::new();
        let mut oneofs = BTreeSet::new();
        for (f, v) in &m.fields {
            let index = msg.fields.iter().position(|x| std::ptr::eq(x, *f));
            let boxed = index.is_some_and(|i| self.boxed.contains(&(msg.full_name.clone(), i)));
            let value = match v {
                FieldLit::One(lit) => self.value(lit, boxed),
                FieldLit::List(items) => Doc::group(
                    "vec![",
                    items.iter().map(|l| self.value(l, false)).collect(),
                    "]",
                ),
                FieldLit::Map(entries) => {
                    let key_scalar = match f.label {
                        Label::Map { key } => key,
                        _ => Scalar::String,
                    };
                    let entries = entries
                        .iter()
                        .map(|(k, l)| {
                            Doc::group(
                                "(",
                                vec![Doc::Atom(key(k, key_scalar)), self.value(l, false)],
                                ")",
                            )
                        })
                        .collect();
                    Doc::group("BTreeMap::from([", entries, "])")
                }
            };
            let item = match f.oneof.and_then(|i| msg.oneofs.get(i).map(|o| (i, o))) {
                Some((i, o)) => {
                    oneofs.insert(i);
                    let variant = format!("Some(pkg::{}::{}(", o.type_names.rust, variant_name(f));
                    Doc::Pair(
                        format!("{}: ", o.names.rust),
                        Box::new(Doc::group(variant, vec![value], "))")),
                    )
                }
                None if f.label == Label::Singular && f.explicit_presence => Doc::Pair(
                    format!("{}: ", f.names.rust),
                    Box::new(Doc::group("Some(", vec![value], ")")),
                ),
                None => Doc::Pair(format!("{}: ", f.names.rust), Box::new(value)),
            };
            items.push(item);
        }
        let struct_fields =
            msg.fields.iter().filter(|f| f.oneof.is_none()).count() + msg.oneofs.len();
        let set = m.fields.iter().filter(|(f, _)| f.oneof.is_none()).count() + oneofs.len();
        if set < struct_fields {
            items.push(Doc::Rest("..Default::default()".into()));
        }
        if items.len() == 1 && set == 0 {
            return Doc::Atom(format!("{name}::default()"));
        }
        Doc::spaced(format!("{name} {{"), items, "}")
    }

    /// `lit` as a value; `boxed` wraps a message in `Box::new`.
    fn value(&self, lit: &Lit<'_>, boxed: bool) -> Doc {
        let atom = Doc::Atom;
        match lit {
            Lit::Bool(b) => atom(b.to_string()),
            Lit::Int { value, .. } => atom(value.to_string()),
            Lit::Float { value, scalar } => atom(float(*value, *scalar == Scalar::Float)),
            Lit::String(s) => atom(format!("{}.to_string()", rs_str(s))),
            Lit::Bytes(b) => Doc::group(
                "vec![",
                b.iter().map(|x| atom(format!("{x}u8"))).collect(),
                "]",
            ),
            Lit::Enum {
                enum_,
                value,
                number,
            } => atom(match value {
                Some(v) => format!("pkg::{}::{}", enum_.names.rust, v.names.rust),
                None => format!("pkg::{}::Unrecognized({number})", enum_.names.rust),
            }),
            // `Box::new(T::default())` is clippy's `box_default`.
            Lit::Message(m) if boxed && m.fields.is_empty() => atom("Box::default()".into()),
            Lit::Message(m) if boxed => Doc::group("Box::new(", vec![self.message(m)], ")"),
            Lit::Message(m) => self.message(m),
            Lit::Duration { seconds, nanos } => {
                atom(format!("pkg::wkt::Duration::new({seconds}, {nanos})"))
            }
            Lit::Timestamp { seconds, nanos } => {
                atom(format!("pkg::wkt::Timestamp::new({seconds}, {nanos})"))
            }
            Lit::FieldMask(paths) => Doc::spaced(
                "pkg::wkt::FieldMask {",
                vec![Doc::Pair(
                    "paths: ".into(),
                    Box::new(Doc::group(
                        "vec![",
                        paths
                            .iter()
                            .map(|p| atom(format!("{}.to_string()", rs_str(p))))
                            .collect(),
                        "]",
                    )),
                )],
                "}",
            ),
            Lit::Empty => atom("pkg::wkt::Empty".into()),
            Lit::NullValue => atom("pkg::wkt::NullValue".into()),
            Lit::Json { value, .. } => match value {
                Json::Object(members) if matches!(lit, Lit::Json { wkt: Wkt::Any, .. }) => {
                    let url = members
                        .iter()
                        .find(|(k, _)| k == "@type")
                        .map(|(_, v)| match v {
                            Json::String(s) => format!("{}.to_string()", rs_str(s)),
                            _ => "String::new()".into(),
                        })
                        .unwrap_or_else(|| "String::new()".into());
                    let rest: Vec<(String, Json)> = members
                        .iter()
                        .filter(|(k, _)| k != "@type")
                        .cloned()
                        .collect();
                    Doc::spaced(
                        "pkg::wkt::Any {",
                        vec![
                            Doc::Atom(format!("type_url: {url}")),
                            Doc::Pair(
                                "fields: ".into(),
                                Box::new(self.object(json_doc(&Json::Object(rest)))),
                            ),
                        ],
                        "}",
                    )
                }
                Json::Object(_)
                    if matches!(
                        lit,
                        Lit::Json {
                            wkt: Wkt::Struct,
                            ..
                        }
                    ) =>
                {
                    self.object(json_doc(value))
                }
                Json::Array(_)
                    if matches!(
                        lit,
                        Lit::Json {
                            wkt: Wkt::ListValue,
                            ..
                        }
                    ) =>
                {
                    self.list.set(true);
                    self.json.set(true);
                    Doc::group("list(", vec![json_doc(value)], ")")
                }
                v => {
                    self.json.set(true);
                    json_doc(v)
                }
            },
        }
    }
}

impl Printer {
    /// A Struct from a `json!` object.
    fn object(&self, json: Doc) -> Doc {
        self.object.set(true);
        self.json.set(true);
        Doc::group("object(", vec![json], ")")
    }
}

/// A float literal of the field's type.
fn float(f: FloatLit, single: bool) -> String {
    let ty = if single { "f32" } else { "f64" };
    match f {
        FloatLit::Finite(x) if single => format!("{:?}", x as f32),
        FloatLit::Finite(x) => format!("{x:?}"),
        FloatLit::Nan => format!("{ty}::NAN"),
        FloatLit::Infinity => format!("{ty}::INFINITY"),
        FloatLit::NegInfinity => format!("{ty}::NEG_INFINITY"),
    }
}

/// A map key of the map's key type (`scalar`).
fn key(k: &KeyLit, scalar: Scalar) -> String {
    match k {
        KeyLit::Bool(b) => b.to_string(),
        KeyLit::Int(i) => format!("{i}{}", scalar_type(scalar)),
        KeyLit::String(s) => format!("{}.to_string()", rs_str(s)),
    }
}

/// A JSON value as a `serde_json::json!` expression (the macro takes no comma after its
/// value, so the brackets of an object or array are the call's).
fn json_doc(v: &Json) -> Doc {
    match json_inner(v) {
        Doc::Group {
            open,
            items,
            close,
            space,
        } => Doc::Group {
            open: format!("json!({open}"),
            items,
            close: format!("{close})"),
            space,
        },
        doc => Doc::Atom(format!("json!({})", doc.flat())),
    }
}

fn json_inner(v: &Json) -> Doc {
    match v {
        Json::Null => Doc::Atom("null".into()),
        Json::Bool(b) => Doc::Atom(b.to_string()),
        Json::Number(t) => Doc::Atom(float(FloatLit::Finite(t.parse().unwrap_or(0.0)), false)),
        Json::String(s) | Json::EscapedString(s) => Doc::Atom(rs_str(s)),
        Json::Array(items) => Doc::group("[", items.iter().map(json_inner).collect(), "]"),
        Json::Object(members) => Doc::spaced(
            "{",
            members
                .iter()
                .map(|(k, v)| Doc::Pair(format!("{}: ", rs_str(k)), Box::new(json_inner(v))))
                .collect(),
            "}",
        ),
    }
}

/// Builds the test file's view-model.
pub fn build(plugin: &Plugin, header: String, constructions: &[Construction<'_>]) -> TestsVm {
    let printer = Printer {
        boxed: boxed_fields(plugin),
        json: Cell::new(false),
        object: Cell::new(false),
        list: Cell::new(false),
    };
    let constructed: Vec<String> = constructions
        .iter()
        .map(|c| {
            let call = Doc::group(
                "check(",
                vec![
                    Doc::Atom("&mut failures".into()),
                    Doc::Atom(rs_str(&c.case)),
                    Doc::group("&|| encode(", vec![printer.message(&c.value)], ")"),
                    Doc::Atom(rs_str(&c.canonical)),
                ],
                ")",
            );
            let mut lines = Vec::new();
            call.layout(4, "", ";", &RS, &mut lines);
            lines.join("\n")
        })
        .collect();
    let mut arms: Vec<(&str, &str)> = plugin
        .messages
        .iter()
        .map(|m| (m.full_name.as_str(), m.names.rust.as_str()))
        .collect();
    arms.sort();
    let arms = arms
        .into_iter()
        .map(|(full, ty)| {
            let mut lines = Vec::new();
            Doc::Pair(
                format!("{} => ", rs_str(full)),
                Box::new(Doc::Atom(format!(
                    "round_trip::<pkg::{ty}>(input, options)"
                ))),
            )
            .layout(8, "", ",", &RS, &mut lines);
            lines.join("\n")
        })
        .collect();
    TestsVm {
        header,
        lib: plugin.package.rust_lib.clone(),
        arms,
        constructed_count: constructed.len(),
        uses_json: printer.json.get(),
        uses_object: printer.object.get(),
        uses_list: printer.list.get(),
        constructed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(float(FloatLit::Finite(-0.0), false), "-0.0");
        assert_eq!(float(FloatLit::Nan, true), "f32::NAN");
        assert_eq!(float(FloatLit::Finite(0.1), true), "0.1");
        assert_eq!(
            key(&KeyLit::String("a".into()), Scalar::String),
            "\"a\".to_string()"
        );
        assert_eq!(rs_str("a\"\n"), "\"a\\\"\\n\"");
    }
}
