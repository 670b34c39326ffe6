//! The view-model of a package's own tests, `tests/test_vectors.py` (standard-library
//! `unittest`, which pytest runs too), next to its copy of the
//! plugin's vectors (`tests/vectors.json`).
//!
//! The test runs every case of the vectors file through the public codec (`from_custom`, then
//! `to_custom_json`), and builds every distinct positive value with the dataclass
//! constructors, printed here from [`crate::conformance::literal`], to check that
//! `to_custom_json` of it gives the same canonical text.
//!
//! Constructor expressions are laid out as `ruff format` keeps them: on one line when they
//! fit in 88 columns, else one element per line with a trailing comma (which ruff keeps).

use std::collections::BTreeSet;

use serde::Serialize;

use super::exported_runtime;
use super::syntax::{LINE_LENGTH, py_str, width};
use crate::conformance::Json;
use crate::conformance::literal::{Construction, FieldLit, FloatLit, KeyLit, Lit, MessageLit};
use crate::ir::{Plugin, Wkt};
use crate::targets::pretty::{Doc, Style};

/// `tests/test_vectors.py`.
#[derive(Debug, Serialize)]
pub struct TestsVm {
    /// The generated-file header.
    pub header: String,
    /// `flytekitplugins.<module>`.
    pub module: String,
    /// The `from flytekitplugins.<module> import ...` statement.
    pub imports: String,
    /// The name of the runtime's `CustomMessage` and `DecodeError` as the test refers to them.
    pub custom_message: String,
    /// See `custom_message`.
    pub decode_error: String,
    /// `"full.Name": Class,` lines of the message table.
    pub messages: Vec<String>,
    /// `(name, value, canonical),` entries of the constructed values, laid out.
    pub constructed: Vec<String>,
    /// How many positive cases are built through constructors.
    pub constructed_count: usize,
}

/// Lines as `ruff format` measures them.
const PY: Style = Style {
    limit: LINE_LENGTH,
    width,
    indent: 4,
};

/// Prints literal trees as Python constructor expressions.
struct Printer<'a> {
    /// How the test refers to a runtime name (`Duration`, or `_json.Duration` when a model
    /// class of the package takes the name).
    runtime: &'a dyn Fn(&str) -> String,
    /// Model and runtime names the expressions use, for the import.
    used: BTreeSet<String>,
}

impl Printer<'_> {
    fn runtime_name(&mut self, name: &str) -> String {
        let r = (self.runtime)(name);
        // `_json.X` when a model class of the package takes the name.
        self.used
            .insert(if r == name { name } else { "_json" }.to_string());
        r
    }

    fn class(&mut self, name: &str) -> String {
        self.used.insert(name.to_string());
        name.to_string()
    }

    fn message(&mut self, m: &MessageLit<'_>) -> Doc {
        let open = format!("{}(", self.class(&m.message.names.python));
        let items = m
            .fields
            .iter()
            .map(|(f, v)| {
                let value = match v {
                    FieldLit::One(lit) => self.value(lit, true),
                    FieldLit::List(items) => Doc::group(
                        "[",
                        items.iter().map(|l| self.value(l, false)).collect(),
                        "]",
                    ),
                    FieldLit::Map(entries) => Doc::group(
                        "{",
                        entries
                            .iter()
                            .map(|(k, l)| {
                                Doc::Pair(format!("{}: ", key(k)), Box::new(self.value(l, false)))
                            })
                            .collect(),
                        "}",
                    ),
                };
                Doc::Pair(format!("{}=", f.names.python), Box::new(value))
            })
            .collect();
        Doc::group(open, items, ")")
    }

    /// `singular`: the value of a singular field, where a JSON null of a `Value` field is
    /// `JSON_NULL` (`None` means unset there); in lists and maps it is `None`.
    fn value(&mut self, lit: &Lit<'_>, singular: bool) -> Doc {
        let atom = |s: String| Doc::Atom(s);
        match lit {
            Lit::Bool(b) => atom(py_bool(*b)),
            Lit::Int { value, .. } => atom(value.to_string()),
            Lit::Float { value, .. } => atom(float(*value)),
            Lit::String(s) => atom(py_str(s)),
            Lit::Bytes(b) => atom(py_bytes(b)),
            Lit::Enum {
                enum_,
                value,
                number,
            } => match value {
                Some(v) => atom(format!(
                    "{}.{}",
                    self.class(&enum_.names.python),
                    v.names.python
                )),
                None => atom(number.to_string()),
            },
            Lit::Message(m) => self.message(m),
            Lit::Duration { seconds, nanos } => {
                let name = self.runtime_name("Duration");
                seconds_nanos(&name, *seconds, *nanos)
            }
            Lit::Timestamp { seconds, nanos } => {
                let name = self.runtime_name("Timestamp");
                seconds_nanos(&name, *seconds, *nanos)
            }
            Lit::FieldMask(paths) => {
                // `FieldMask(paths=[...])` as ruff lays it out: the list is the one argument.
                let list = Doc::group("[", paths.iter().map(|p| atom(py_str(p))).collect(), "]");
                Doc::group(
                    format!("{}(", self.runtime_name("FieldMask")),
                    vec![Doc::Pair("paths=".into(), Box::new(list))],
                    ")",
                )
            }
            Lit::Empty => atom(format!("{}()", self.runtime_name("Empty"))),
            Lit::NullValue => atom(format!("{}.NULL_VALUE", self.runtime_name("NullValue"))),
            Lit::Json { wkt, value } => {
                if singular && *wkt == Wkt::Value && *value == Json::Null {
                    atom(self.runtime_name("JSON_NULL"))
                } else {
                    json_doc(value)
                }
            }
        }
    }
}

/// `Name(seconds=..., nanos=...)`, split like any call when it does not fit.
fn seconds_nanos(name: &str, seconds: i64, nanos: i32) -> Doc {
    Doc::group(
        format!("{name}("),
        vec![
            Doc::Atom(format!("seconds={seconds}")),
            Doc::Atom(format!("nanos={nanos}")),
        ],
        ")",
    )
}

fn py_bool(b: bool) -> String {
    if b { "True" } else { "False" }.to_string()
}

fn key(k: &KeyLit) -> String {
    match k {
        KeyLit::Bool(b) => py_bool(*b),
        KeyLit::Int(i) => i.to_string(),
        KeyLit::String(s) => py_str(s),
    }
}

/// A float literal: Rust's shortest round-trip text is valid Python (`1e21`, `-0.0`, `5e-324`).
fn float(f: FloatLit) -> String {
    match f {
        FloatLit::Finite(x) => format!("{x:?}"),
        FloatLit::Nan => "float(\"nan\")".into(),
        FloatLit::Infinity => "float(\"inf\")".into(),
        FloatLit::NegInfinity => "float(\"-inf\")".into(),
    }
}

/// A `bytes` literal: printable ASCII as itself, the rest as `\xNN`; quoted as `py_str`
/// quotes (the quote that needs fewer escapes, as ruff chooses).
fn py_bytes(bytes: &[u8]) -> String {
    let doubles = bytes.iter().filter(|&&b| b == b'"').count();
    let singles = bytes.iter().filter(|&&b| b == b'\'').count();
    let quote = if doubles > singles { b'\'' } else { b'"' };
    let mut out = format!("b{}", quote as char);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// A JSON value as the Python value the SDK holds (numbers are floats: JSON numbers in a
/// Struct are doubles).
fn json_doc(v: &Json) -> Doc {
    match v {
        Json::Null => Doc::Atom("None".into()),
        Json::Bool(b) => Doc::Atom(py_bool(*b)),
        Json::Number(t) => Doc::Atom(float(FloatLit::Finite(t.parse().unwrap_or(0.0)))),
        Json::String(s) | Json::EscapedString(s) => Doc::Atom(py_str(s)),
        Json::Array(items) => Doc::group("[", items.iter().map(json_doc).collect(), "]"),
        Json::Object(members) => Doc::group(
            "{",
            members
                .iter()
                .map(|(k, v)| Doc::Pair(format!("{}: ", py_str(k)), Box::new(json_doc(v))))
                .collect(),
            "}",
        ),
    }
}

/// Builds the test module's view-model.
pub fn build(plugin: &Plugin, header: String, constructions: &[Construction<'_>]) -> TestsVm {
    let models: BTreeSet<&str> = plugin
        .messages
        .iter()
        .map(|m| m.names.python.as_str())
        .chain(plugin.enums.iter().map(|e| e.names.python.as_str()))
        .collect();
    let runtime = |name: &str| {
        if exported_runtime(name, &models) {
            name.to_string()
        } else {
            format!("_json.{name}")
        }
    };
    let mut printer = Printer {
        runtime: &runtime,
        used: BTreeSet::new(),
    };
    let custom_message = printer.runtime_name("CustomMessage");
    let decode_error = printer.runtime_name("DecodeError");
    let mut constructed = Vec::new();
    for c in constructions {
        let entry = Doc::group(
            "(",
            vec![
                Doc::Atom(py_str(&c.case)),
                printer.message(&c.value),
                Doc::Atom(py_str(&c.canonical)),
            ],
            ")",
        );
        let mut lines = Vec::new();
        Doc::layout(&entry, 4, "", ",", &PY, &mut lines);
        constructed.push(lines.join("\n"));
    }
    let mut messages: Vec<(String, String)> = plugin
        .messages
        .iter()
        .map(|m| (m.full_name.clone(), printer.class(&m.names.python)))
        .collect();
    messages.sort();
    let messages = messages
        .into_iter()
        .map(|(full, class)| {
            let mut lines = Vec::new();
            Doc::layout(
                &Doc::Pair(format!("{}: ", py_str(&full)), Box::new(Doc::Atom(class))),
                4,
                "",
                ",",
                &PY,
                &mut lines,
            );
            lines.join("\n")
        })
        .collect();
    let module = format!("flytekitplugins.{}", plugin.package.python_module);
    // One `from` import (as isort merges them), `_json` among the names when used.
    let mut names: Vec<String> = printer.used.into_iter().collect();
    super::syntax::isort_names(&mut names);
    let items: Vec<Doc> = names.into_iter().map(Doc::Atom).collect();
    let mut lines = Vec::new();
    Doc::layout(
        &Doc::group("(", items, ")"),
        0,
        &format!("from {module} import "),
        "",
        &PY,
        &mut lines,
    );
    // One name fits without parentheses; ruff removes redundant ones.
    let joined = lines.join("\n");
    let imports = match joined.strip_prefix(&format!("from {module} import (")) {
        Some(rest) if lines.len() == 1 => {
            format!("from {module} import {}", rest.trim_end_matches(')'))
        }
        _ => joined,
    };
    TestsVm {
        header,
        module,
        imports,
        custom_message,
        decode_error,
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
        // More `"` than `'`: single quotes, as ruff chooses.
        assert_eq!(py_bytes(&[0, b'a', b'"', 0xff]), "b'\\x00a\"\\xff'");
        assert_eq!(py_bytes(b"a'b"), "b\"a'b\"");
        assert_eq!(float(FloatLit::Finite(1e21)), "1e21");
        assert_eq!(float(FloatLit::Finite(-0.0)), "-0.0");
        assert_eq!(float(FloatLit::Finite(0.1)), "0.1");
    }
}
