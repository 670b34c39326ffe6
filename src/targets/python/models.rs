//! The view-model of `models.py`: one `IntEnum` per enum, one dataclass per message, and the
//! field tables the package runtime (`_json.py`) encodes and decodes by.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::ir::{Enum, EnumValue, Field, FieldType, Label, Message, Plugin, Scalar, Wkt};

use super::syntax::{call, docstring, py_str, statement};

/// `models.py`.
#[derive(Debug, Serialize)]
pub struct ModelsVm {
    /// The generated-file header (comment lines).
    pub header: String,
    /// The module docstring.
    pub docstring: String,
    /// Import groups (standard library, then the package), each a list of lines.
    pub imports: Vec<Vec<String>>,
    /// Enum classes.
    pub enums: Vec<EnumVm>,
    /// Dataclasses.
    pub messages: Vec<MessageVm>,
    /// `_j.register_enum(...)` calls, laid out.
    pub enum_tables: Vec<String>,
    /// `_j.register(...)` calls, laid out.
    pub message_tables: Vec<String>,
}

/// One `IntEnum`.
#[derive(Debug, Serialize)]
pub struct EnumVm {
    /// The `class ...:` line.
    pub class_line: String,
    /// The class docstring, indented.
    pub docstring: String,
    /// `NAME = number` lines, indented.
    pub members: Vec<String>,
}

/// One dataclass.
#[derive(Debug, Serialize)]
pub struct MessageVm {
    /// The class name.
    pub name: String,
    /// The `class ...:` line.
    pub class_line: String,
    /// The class docstring, indented.
    pub docstring: String,
    /// `name: type = default` lines, indented.
    pub fields: Vec<String>,
    /// The last line(s) of `from_custom`'s signature: `    ) -> Name:`, or the return type
    /// in parentheses on a line of its own when that is too long (as ruff lays it out).
    pub returns: String,
}

/// `    ) -> Name:` of a signature, laid out as `ruff format` does: in parentheses on a line of
/// its own when the line is too long and that makes it fit, else as it is.
fn returns_line(name: &str) -> String {
    use super::syntax::{LINE_LENGTH, width};
    let one = format!("    ) -> {name}:");
    let inner = format!("        {name}");
    if width(&one) <= LINE_LENGTH || width(&inner) > LINE_LENGTH {
        one
    } else {
        format!("    ) -> (\n{inner}\n    ):")
    }
}

/// An enum's values in declaration order (by source position), each with whether it is the
/// first declared name of its number: the name JSON prints. The IR lists values by number,
/// so its own order and `primary` flags are not used here.
fn declared(e: &Enum) -> Vec<(&EnumValue, bool)> {
    let mut values: Vec<&EnumValue> = e.values.iter().collect();
    values.sort_by_key(|v| (v.location.line, v.location.col));
    let mut seen = BTreeSet::new();
    values
        .into_iter()
        .map(|v| (v, seen.insert(v.number)))
        .collect()
}

/// Which names from `typing` and `dataclasses` the module uses.
#[derive(Default)]
struct Uses {
    typing: BTreeSet<&'static str>,
    field: bool,
}

fn scalar_type(s: Scalar) -> &'static str {
    match s {
        Scalar::Double | Scalar::Float => "float",
        Scalar::Bool => "bool",
        Scalar::String => "str",
        Scalar::Bytes => "bytes",
        _ => "int",
    }
}

/// The runtime's kind constant of a scalar (`_j.INT64`).
fn scalar_kind(s: Scalar) -> String {
    format!("_j.{}", s.proto_name().to_ascii_uppercase())
}

/// The Python type of one value of `ty` (an element, for repeated and map fields).
fn value_type(ty: &FieldType, uses: &mut Uses) -> String {
    match ty {
        FieldType::Scalar { scalar } => scalar_type(*scalar).to_string(),
        FieldType::Enum { names, .. } => format!("{} | int", names.python),
        FieldType::Message { names, .. } => names.python.clone(),
        FieldType::WellKnown { wkt } => {
            if let Some(s) = wkt.wrapped() {
                return scalar_type(s).to_string();
            }
            match wkt {
                Wkt::Any | Wkt::Struct => {
                    uses.typing.insert("Any");
                    "dict[str, Any]".to_string()
                }
                Wkt::ListValue => {
                    uses.typing.insert("Any");
                    "list[Any]".to_string()
                }
                Wkt::Value => {
                    uses.typing.insert("Any");
                    "Any".to_string()
                }
                Wkt::NullValue => "_j.NullValue | int".to_string(),
                Wkt::Duration => "_j.Duration".to_string(),
                Wkt::Timestamp => "_j.Timestamp".to_string(),
                Wkt::FieldMask => "_j.FieldMask".to_string(),
                _ => "_j.Empty".to_string(),
            }
        }
    }
}

/// The kind argument of a field table entry.
fn kind_expr(ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar { scalar } => scalar_kind(*scalar),
        FieldType::Enum { names, .. } | FieldType::Message { names, .. } => names.python.clone(),
        FieldType::WellKnown { wkt } => match wkt.wrapped() {
            Some(s) => scalar_kind(s),
            None => format!(
                "_j.{}",
                match wkt {
                    Wkt::Any => "ANY",
                    Wkt::Duration => "DURATION",
                    Wkt::Empty => "EMPTY",
                    Wkt::FieldMask => "FIELD_MASK",
                    Wkt::ListValue => "LIST_VALUE",
                    Wkt::NullValue => "NULL_VALUE",
                    Wkt::Struct => "STRUCT",
                    Wkt::Timestamp => "TIMESTAMP",
                    _ => "VALUE",
                }
            ),
        },
    }
}

/// The default of an implicit-presence singular field.
fn zero_value(ty: &FieldType, plugin: &Plugin) -> String {
    match ty {
        FieldType::Scalar { scalar } => match scalar {
            Scalar::Double | Scalar::Float => "0.0",
            Scalar::Bool => "False",
            Scalar::String => "\"\"",
            Scalar::Bytes => "b\"\"",
            _ => "0",
        }
        .to_string(),
        FieldType::Enum { full_name, names } => plugin
            .enum_(full_name)
            .and_then(|e| {
                declared(e)
                    .into_iter()
                    .find(|(v, primary)| v.number == 0 && *primary)
            })
            .map(|(v, _)| format!("{}.{}", names.python, v.names.python))
            .unwrap_or_else(|| "0".to_string()),
        FieldType::WellKnown {
            wkt: Wkt::NullValue,
        } => "_j.NullValue.NULL_VALUE".to_string(),
        // Messages and well-known messages always track presence.
        FieldType::Message { .. } | FieldType::WellKnown { .. } => "None".to_string(),
    }
}

/// The dataclass declaration of one field: `name: type = default`.
fn field_line(f: &Field, plugin: &Plugin, uses: &mut Uses) -> String {
    let name = &f.names.python;
    let text = match &f.label {
        Label::Map { key } => {
            uses.field = true;
            let value = value_type(&f.ty, uses);
            format!(
                "{name}: dict[{}, {value}] = field(default_factory=dict)",
                scalar_type(*key)
            )
        }
        Label::Repeated => {
            uses.field = true;
            format!(
                "{name}: list[{}] = field(default_factory=list)",
                value_type(&f.ty, uses)
            )
        }
        Label::Singular if f.explicit_presence => {
            let ty = value_type(&f.ty, uses);
            if ty == "Any" {
                format!("{name}: Any = None")
            } else {
                format!("{name}: {ty} | None = None")
            }
        }
        Label::Singular => format!(
            "{name}: {} = {}",
            value_type(&f.ty, uses),
            zero_value(&f.ty, plugin)
        ),
    };
    statement(&text, 4)
}

/// protoc's default JSON name: underscores dropped, the letter after each capitalized.
fn default_json_name(proto_name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in proto_name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Appends a Google-style `Attributes:` entry: `name: text`, continuation lines indented.
fn attribute(out: &mut Vec<String>, name: &str, text: &str) {
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push(format!("    {name}: {line}"));
        } else if line.is_empty() {
            out.push(String::new());
        } else {
            out.push(format!("        {line}"));
        }
    }
}

/// Joins paragraphs with blank lines, skipping empty ones.
fn paragraphs(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn message_docstring(m: &Message) -> String {
    let mut parts = vec![m.doc.clone()];
    let mut about = format!("Message ``{}``.", m.full_name);
    if m.deprecated {
        about.push_str(" Deprecated.");
    }
    parts.push(about);
    for o in &m.oneofs {
        let members: Vec<String> = o
            .fields
            .iter()
            .filter_map(|&i| m.fields.get(i))
            .map(|f| format!("``{}``", f.names.python))
            .collect();
        let mut text = format!(
            "Oneof ``{}``: at most one of these is set, the others are ``None``:\n{}.",
            o.proto_name,
            members.join(", ")
        );
        if !o.doc.is_empty() {
            text = format!("{}\n{text}", o.doc);
        }
        parts.push(text);
    }
    let mut attributes = Vec::new();
    for f in &m.fields {
        let mut notes = Vec::new();
        if !f.doc.is_empty() {
            notes.push(f.doc.clone());
        }
        if f.deprecated {
            notes.push("Deprecated.".to_string());
        }
        if f.json_name != default_json_name(&f.proto_name) {
            notes.push(format!("JSON key ``{}``.", f.json_name));
        }
        if !notes.is_empty() {
            attribute(&mut attributes, &f.names.python, &notes.join("\n"));
        }
    }
    if !attributes.is_empty() {
        parts.push(format!("Attributes:\n{}", attributes.join("\n")));
    }
    docstring(&paragraphs(&parts), 4)
}

fn enum_docstring(e: &Enum) -> String {
    let mut about = format!(
        "Enum ``{}``. A number it does not define decodes to a plain ``int``.",
        e.full_name
    );
    if e.deprecated {
        about.push_str(" Deprecated.");
    }
    let mut parts = vec![e.doc.clone(), about];
    let mut attributes = Vec::new();
    let values = declared(e);
    for &(v, primary) in &values {
        let mut notes = Vec::new();
        if !v.doc.is_empty() {
            notes.push(v.doc.clone());
        }
        if v.deprecated {
            notes.push("Deprecated.".to_string());
        }
        if !primary {
            if let Some((first, _)) = values
                .iter()
                .find(|(p, first)| *first && p.number == v.number)
            {
                notes.push(format!("Alias of ``{}``.", first.names.python));
            }
        }
        if v.names.python != v.proto_name {
            notes.push(format!("JSON name ``{}``.", v.proto_name));
        }
        if !notes.is_empty() {
            attribute(&mut attributes, &v.names.python, &notes.join("\n"));
        }
    }
    if !attributes.is_empty() {
        parts.push(format!("Attributes:\n{}", attributes.join("\n")));
    }
    docstring(&paragraphs(&parts), 4)
}

/// One entry of a message's field table.
fn field_entry(f: &Field, m: &Message) -> String {
    let mut args = vec![
        py_str(&f.json_name),
        py_str(&f.proto_name),
        kind_expr(&f.ty),
    ];
    if f.names.python != f.proto_name {
        args.push(format!("attr={}", py_str(&f.names.python)));
    }
    match &f.label {
        Label::Repeated => args.push("repeated=True".to_string()),
        Label::Map { key } => args.push(format!("key={}", scalar_kind(*key))),
        Label::Singular => {
            if f.explicit_presence {
                args.push("presence=True".to_string());
            }
        }
    }
    if let Some(o) = f.oneof.and_then(|i| m.oneofs.get(i)) {
        args.push(format!("oneof={}", py_str(&o.proto_name)));
    }
    call("_j.Field", &args, 8, ",")
}

/// Builds `models.py`.
pub fn build(plugin: &Plugin, header: String) -> ModelsVm {
    let mut uses = Uses::default();
    let enums: Vec<EnumVm> = plugin
        .enums
        .iter()
        .map(|e| EnumVm {
            class_line: statement(&format!("class {}(enum.IntEnum):", e.names.python), 0),
            docstring: enum_docstring(e),
            members: declared(e)
                .into_iter()
                .map(|(v, _)| statement(&format!("{} = {}", v.names.python, v.number), 4))
                .collect(),
        })
        .collect();
    let messages: Vec<MessageVm> = plugin
        .messages
        .iter()
        .map(|m| MessageVm {
            returns: returns_line(&m.names.python),
            name: m.names.python.clone(),
            class_line: statement(&format!("class {}(_j.CustomMessage):", m.names.python), 0),
            docstring: message_docstring(m),
            fields: m
                .fields
                .iter()
                .map(|f| field_line(f, plugin, &mut uses))
                .collect(),
        })
        .collect();
    let enum_tables = plugin
        .enums
        .iter()
        .map(|e| {
            let mut values = String::from("{\n");
            for (v, _) in declared(e) {
                values.push_str(&format!(
                    "        {}: {},\n",
                    py_str(&v.proto_name),
                    v.number
                ));
            }
            values.push_str("    }");
            format!(
                "_j.register_enum(\n    {},\n    {},\n    {values},\n)",
                e.names.python,
                py_str(&e.full_name)
            )
        })
        .collect();
    let message_tables = plugin
        .messages
        .iter()
        .map(|m| {
            let fields = if m.fields.is_empty() {
                "[]".to_string()
            } else {
                let entries: Vec<String> = m.fields.iter().map(|f| field_entry(f, m)).collect();
                format!("[\n{}\n    ]", entries.join("\n"))
            };
            format!(
                "_j.register(\n    {},\n    {},\n    {fields},\n)",
                m.names.python,
                py_str(&m.full_name)
            )
        })
        .collect();

    let mut stdlib = Vec::new();
    if !plugin.enums.is_empty() {
        stdlib.push("import enum".to_string());
    }
    stdlib.push(if uses.field {
        "from dataclasses import dataclass, field".to_string()
    } else {
        "from dataclasses import dataclass".to_string()
    });
    if !uses.typing.is_empty() {
        let names: Vec<&str> = uses.typing.iter().copied().collect();
        stdlib.push(format!("from typing import {}", names.join(", ")));
    }
    let imports = vec![stdlib, vec!["from . import _json as _j".to_string()]];

    let doc = format!(
        "Models of the ``{}`` Flyte plugin.\n\n\
         ``{}`` and every message and enum it uses: each message is a dataclass\n\
         with ``to_custom()``, ``to_custom_json()`` and ``from_custom()`` (see\n\
         ``CustomMessage``), each enum an ``IntEnum``.",
        plugin.name, plugin.custom
    );
    ModelsVm {
        header,
        docstring: docstring(&doc, 0),
        imports,
        enums,
        messages,
        enum_tables,
        message_tables,
    }
}
