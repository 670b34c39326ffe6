//! The view-model of `src/models.ts`: one enum (+ its JSON table) per proto enum, one class per
//! message, a union type per oneof, and the encode/decode functions of every message.
//!
//! Every decision (TypeScript types, defaults, presence, codec calls, escaping) is made here;
//! `templates/typescript/models.ts.hbs` only prints the result.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::ts_string;
use crate::error::{Diagnostic, Error, Result};
use crate::ir::{Enum, EnumValue, Field, FieldType, JsonKind, Label, Message, Plugin, Scalar, Wkt};
use crate::targets::header;

/// `src/models.ts` of one plugin.
#[derive(Debug, Serialize)]
pub struct ModelsView {
    header: String,
    enums: Vec<EnumView>,
    messages: Vec<MessageView>,
}

impl ModelsView {
    /// Every exported type name (classes, enums, oneof unions).
    pub fn type_names(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for e in &self.enums {
            out.insert(e.name.clone());
        }
        for m in &self.messages {
            out.insert(m.name.clone());
            out.extend(m.oneof_types.iter().cloned());
        }
        out
    }
}

#[derive(Debug, Serialize)]
struct EnumView {
    doc: Vec<String>,
    name: String,
    values: Vec<EnumValueView>,
    /// `const enumX = new json.EnumType(...);`
    table: Vec<String>,
}

#[derive(Debug, Serialize)]
struct EnumValueView {
    doc: Vec<String>,
    name: String,
    number: i32,
}

#[derive(Debug, Serialize)]
struct MessageView {
    doc: Vec<String>,
    name: String,
    oneofs: Vec<OneofView>,
    members: Vec<MemberView>,
    inits: Vec<String>,
    ctor_sig: Vec<String>,
    from_custom_sig: Vec<String>,
    from_custom_body: Vec<String>,
    to_custom_body: Vec<String>,
    encode_sig: Vec<String>,
    encode_body: Vec<String>,
    decode_sig: Vec<String>,
    decode_body: Vec<String>,
    #[serde(skip)]
    oneof_types: Vec<String>,
}

#[derive(Debug, Serialize)]
struct OneofView {
    doc: Vec<String>,
    /// `export type X = ...;`, on one line or broken per variant.
    lines: Vec<String>,
}

#[derive(Debug, Serialize)]
struct MemberView {
    doc: Vec<String>,
    decl: Vec<String>,
}

/// Builds the view of `src/models.ts`.
pub fn models_view(plugin: &Plugin) -> Result<ModelsView> {
    check_names(plugin)?;
    let enums = plugin.enums.iter().map(enum_view).collect();
    let messages = plugin
        .messages
        .iter()
        .map(|m| message_view(plugin, m))
        .collect();
    Ok(ModelsView {
        header: header("//", &plugin.source_files),
        enums,
        messages,
    })
}

/// Name clashes the IR cannot see: a oneof property beside a field property of one class, and
/// oneof union type names beside the other exported types.
fn check_names(plugin: &Plugin) -> Result<()> {
    let mut diags = Vec::new();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    for m in &plugin.messages {
        types.insert(m.names.typescript.clone(), m.full_name.clone());
    }
    for e in &plugin.enums {
        types.insert(e.names.typescript.clone(), e.full_name.clone());
    }
    for m in &plugin.messages {
        let mut props: BTreeMap<&str, &str> = BTreeMap::new();
        for f in m.fields.iter().filter(|f| f.oneof.is_none()) {
            props.insert(&f.names.typescript, &f.proto_name);
        }
        for o in &m.oneofs {
            if let Some(other) = props.get(o.names.typescript.as_str()) {
                diags.push(Diagnostic::at(
                    o.location.clone(),
                    format!(
                        "oneof `{}.{}` and field `{other}` both become the TypeScript property `{}`; rename one of them",
                        m.full_name, o.proto_name, o.names.typescript
                    ),
                ));
            }
            props.insert(&o.names.typescript, &o.proto_name);
            let full = format!("{}.{}", m.full_name, o.proto_name);
            if let Some(other) = types.insert(o.type_names.typescript.clone(), full.clone()) {
                diags.push(Diagnostic::at(
                    o.location.clone(),
                    format!(
                        "oneof `{full}` and `{other}` both become the TypeScript type `{}`; rename one of them",
                        o.type_names.typescript
                    ),
                ));
            }
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(diags))
    }
}

/// A TSDoc block for `text` (and `@deprecated`), one string per line, each prefixed with
/// `indent`. Comment text cannot end the comment: `*/` is broken up, and line separators that
/// would end a line are normalized. With `always`, an empty text still gets a block.
pub(crate) fn doc_lines(text: &str, deprecated: bool, indent: &str, always: bool) -> Vec<String> {
    let normalized = text
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}', '\u{85}'], "\n");
    let mut lines: Vec<String> = normalized
        .split('\n')
        .map(|l| {
            l.replace("*/", "*\\/")
                .replace('\u{0}', "")
                .trim_end()
                .to_string()
        })
        .collect();
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if deprecated {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push("@deprecated".to_string());
    }
    if lines.is_empty() {
        return if always {
            vec![format!("{indent}/** */")]
        } else {
            Vec::new()
        };
    }
    if lines.len() == 1 && !deprecated {
        return vec![format!("{indent}/** {} */", lines[0])];
    }
    let mut out = vec![format!("{indent}/**")];
    for l in lines {
        if l.is_empty() {
            out.push(format!("{indent} *"));
        } else {
            out.push(format!("{indent} * {l}"));
        }
    }
    out.push(format!("{indent} */"));
    out
}

/// Greedy word wrap of generated prose (not proto comments, whose line breaks are the
/// author's) so that a doc line stays within `width` columns.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out.join("\n")
}

fn enum_table(e: &Enum) -> String {
    format!("enum{}", e.names.typescript)
}

/// The values of `e` in declaration order (the runtime table prints the first declared name of
/// each number, so an alias never prints).
fn declared_values(e: &Enum) -> Vec<&EnumValue> {
    e.values.iter().collect()
}

fn enum_view(e: &Enum) -> EnumView {
    let values = declared_values(e);
    let head = format!("const {} = new json.EnumType(", enum_table(e));
    let full_name = ts_string(&e.full_name);
    let entries: Vec<String> = values
        .iter()
        .map(|v| format!("[{}, {}]", ts_string(&v.proto_name), v.number))
        .collect();
    // Prettier keeps a one-entry table on one line when it fits, hugs the array when the first
    // line fits, and otherwise breaks both arguments.
    let one = format!("{head}{full_name}, [{}]);", entries.join(", "));
    let table = if entries.len() == 1 && width(&one) <= WIDTH {
        vec![one]
    } else if width(&format!("{head}{full_name}, [")) <= WIDTH {
        let mut lines = vec![format!("{head}{full_name}, [")];
        lines.extend(entries.iter().map(|e| format!("  {e},")));
        lines.push("]);".to_string());
        lines
    } else {
        let mut lines = vec![
            head.trim_end_matches('(').to_string() + "(",
            format!("  {full_name},"),
            "  [".to_string(),
        ];
        lines.extend(entries.iter().map(|e| format!("    {e},")));
        lines.extend(["  ],".to_string(), ");".to_string()]);
        lines
    };
    EnumView {
        doc: doc_lines(&e.doc, e.deprecated, "", false),
        name: e.names.typescript.clone(),
        values: values
            .into_iter()
            .map(|v| EnumValueView {
                doc: doc_lines(&v.doc, v.deprecated, "  ", false),
                name: v.names.typescript.clone(),
                number: v.number,
            })
            .collect(),
        table,
    }
}

/// Prettier's `printWidth` for generated TypeScript (also set in each package.json).
pub(crate) const WIDTH: usize = 100;

fn width(line: &str) -> usize {
    line.chars().count()
}

/// A TypeScript expression, for laying out long lines the way Prettier does.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// Printed as is.
    Atom(String),
    /// `head(args...)`.
    Call(String, Vec<Expr>),
}

impl Expr {
    fn atom(s: impl Into<String>) -> Expr {
        Expr::Atom(s.into())
    }

    /// The expression on one line.
    fn flat(&self) -> String {
        match self {
            Expr::Atom(s) => s.clone(),
            Expr::Call(head, args) => {
                let args: Vec<String> = args.iter().map(Expr::flat).collect();
                format!("{head}({})", args.join(", "))
            }
        }
    }
}

/// `{indent}{prefix}{e}{suffix}`: on one line when it fits; else a call's arguments one per line
/// (with trailing commas); and when even `prefix head(` does not fit after an assignment or a
/// property name (`prefix` ends in `= ` or `: `), the value moves to the next line.
pub(crate) fn layout(indent: &str, prefix: &str, e: &Expr, suffix: &str) -> Vec<String> {
    let one = format!("{indent}{prefix}{}{suffix}", e.flat());
    if width(&one) <= WIDTH {
        return vec![one];
    }
    let after_operator = prefix.ends_with("= ") || prefix.ends_with(": ");
    let inner = format!("{indent}  ");
    match e {
        Expr::Call(head, args) if !args.is_empty() => {
            let open = format!("{indent}{prefix}{head}(");
            if after_operator && width(&open) > WIDTH {
                let mut out = vec![format!("{indent}{}", prefix.trim_end())];
                out.extend(layout(&inner, "", e, suffix));
                return out;
            }
            let mut out = vec![open];
            for a in args {
                out.extend(layout(&inner, "", a, ","));
            }
            out.push(format!("{indent}){suffix}"));
            out
        }
        _ if after_operator => vec![
            format!("{indent}{}", prefix.trim_end()),
            format!("{inner}{}{suffix}", e.flat()),
        ],
        _ => vec![one],
    }
}

/// `{indent}{head}(a, b){tail}` laid out by [`layout`].
pub(crate) fn call_lines(indent: &str, head: &str, args: &[String], tail: &str) -> Vec<String> {
    let call = Expr::Call(head.to_string(), args.iter().map(Expr::atom).collect());
    layout(indent, "", &call, tail)
}

/// A decoder: `name(x, p)`, or `name(ctx, x, p)` for message decoders.
#[derive(Debug, Clone)]
struct Decoder {
    name: String,
    ctx: bool,
}

impl Decoder {
    fn plain(name: impl Into<String>) -> Decoder {
        Decoder {
            name: name.into(),
            ctx: false,
        }
    }

    fn with_ctx(name: impl Into<String>) -> Decoder {
        Decoder {
            name: name.into(),
            ctx: true,
        }
    }

    /// The call on value `x` at path `p`.
    fn call(&self, x: &str, p: &str) -> Expr {
        let mut args = Vec::new();
        if self.ctx {
            args.push(Expr::atom("ctx"));
        }
        args.push(Expr::atom(x));
        args.push(Expr::atom(p));
        Expr::Call(self.name.clone(), args)
    }

    /// As a function of `(value, path)`.
    fn as_fn(&self) -> Expr {
        if self.ctx {
            Expr::Call("ctx.decoder".to_string(), vec![Expr::atom(&self.name)])
        } else {
            Expr::atom(&self.name)
        }
    }
}

/// Everything generated code needs to know about one value type.
#[derive(Debug, Clone)]
struct ValueType {
    /// The TypeScript type.
    ts: String,
    /// The default of an implicit-presence field.
    default: String,
    /// The condition under which an implicit-presence field is written (`$` is the value);
    /// `None`: never written (NullValue).
    is_set: Option<String>,
    /// The encoder, a function of `(value, path)`.
    encode: String,
    decode: Decoder,
    /// `null` in JSON is a value of this type, not "unset".
    null_is_value: bool,
}

impl ValueType {
    fn new(
        ts: &str,
        default: &str,
        is_set: Option<&str>,
        encode: &str,
        decode: Decoder,
    ) -> ValueType {
        ValueType {
            ts: ts.to_string(),
            default: default.to_string(),
            is_set: is_set.map(str::to_string),
            encode: encode.to_string(),
            decode,
            null_is_value: false,
        }
    }
}

fn scalar_type(s: Scalar) -> ValueType {
    let (ts, default, is_set, encode, decode) = match s.json_kind() {
        JsonKind::I32 => (
            "number",
            "0",
            "$ !== 0",
            "json.encodeInt32",
            "json.decodeInt32",
        ),
        JsonKind::U32 => (
            "number",
            "0",
            "$ !== 0",
            "json.encodeUint32",
            "json.decodeUint32",
        ),
        JsonKind::I64 => (
            "bigint",
            "0n",
            "$ !== 0n",
            "json.encodeInt64",
            "json.decodeInt64",
        ),
        JsonKind::U64 => (
            "bigint",
            "0n",
            "$ !== 0n",
            "json.encodeUint64",
            "json.decodeUint64",
        ),
        JsonKind::F32 => (
            "number",
            "0",
            "json.isFloatSet($)",
            "json.encodeFloat",
            "json.decodeFloat",
        ),
        JsonKind::F64 => (
            "number",
            "0",
            "json.isDoubleSet($)",
            "json.encodeDouble",
            "json.decodeDouble",
        ),
        JsonKind::Bool => (
            "boolean",
            "false",
            "$",
            "json.encodeBool",
            "json.decodeBool",
        ),
        JsonKind::String => (
            "string",
            "\"\"",
            "$ !== \"\"",
            "json.encodeString",
            "json.decodeString",
        ),
        JsonKind::Bytes => (
            "Uint8Array",
            "new Uint8Array(0)",
            "$.length > 0",
            "json.encodeBytes",
            "json.decodeBytes",
        ),
    };
    ValueType::new(ts, default, Some(is_set), encode, Decoder::plain(decode))
}

fn wkt_type(w: Wkt) -> ValueType {
    if let Some(s) = w.wrapped() {
        return scalar_type(s);
    }
    let (ts, name) = match w {
        Wkt::Any => ("json.Any", "Any"),
        Wkt::Duration => ("json.Duration", "Duration"),
        Wkt::Empty => ("json.Empty", "Empty"),
        Wkt::FieldMask => ("json.FieldMask", "FieldMask"),
        Wkt::ListValue => ("json.ListValue", "ListValue"),
        Wkt::Struct => ("json.Struct", "Struct"),
        Wkt::Timestamp => ("json.Timestamp", "Timestamp"),
        Wkt::Value => ("json.Value", "Value"),
        // NullValue; wrappers are handled above.
        _ => ("null", "Null"),
    };
    let decode = match w {
        Wkt::Empty => Decoder::with_ctx("json.decodeEmpty"),
        Wkt::NullValue => Decoder::plain("json.decodeNullValue"),
        _ => Decoder::plain(format!("json.decode{name}")),
    };
    let is_null = ts == "null";
    let mut vt = ValueType::new(
        ts,
        if is_null { "null" } else { "undefined" },
        None,
        &format!("json.encode{name}"),
        decode,
    );
    vt.null_is_value = is_null || w == Wkt::Value;
    vt
}

fn value_type(plugin: &Plugin, ty: &FieldType) -> ValueType {
    match ty {
        FieldType::Scalar { scalar } => scalar_type(*scalar),
        FieldType::WellKnown { wkt } => wkt_type(*wkt),
        FieldType::Enum { full_name, names } => {
            let zero = plugin
                .enum_(full_name)
                .and_then(|e| declared_values(e).into_iter().find(|v| v.number == 0))
                .map(|v| format!("{}.{}", names.typescript, v.names.typescript))
                .unwrap_or_else(|| "0".to_string());
            let table = format!("enum{}", names.typescript);
            ValueType::new(
                &names.typescript,
                &zero,
                Some("$ !== 0"),
                &format!("{table}.encode"),
                Decoder::plain(format!("{table}.decode")),
            )
        }
        FieldType::Message { names, .. } => ValueType::new(
            &names.typescript,
            "undefined",
            None,
            &format!("encode{}", names.typescript),
            Decoder::with_ctx(format!("decode{}", names.typescript)),
        ),
    }
}

/// Map key codec function names.
fn map_key(key: Scalar) -> (&'static str, &'static str, &'static str) {
    match key.json_kind() {
        JsonKind::I32 => ("number", "json.encodeKeyInt32", "json.decodeKeyInt32"),
        JsonKind::U32 => ("number", "json.encodeKeyUint32", "json.decodeKeyUint32"),
        JsonKind::I64 => ("bigint", "json.encodeKeyInt64", "json.decodeKeyInt64"),
        JsonKind::U64 => ("bigint", "json.encodeKeyUint64", "json.decodeKeyUint64"),
        JsonKind::Bool => ("boolean", "json.encodeKeyBool", "json.decodeKeyBool"),
        _ => ("string", "json.encodeKeyString", "json.decodeKeyString"),
    }
}

/// Indentation inside `switch (key) { case ...: ` of a decode function.
const CASE: &str = "        ";

/// `m.prop = decode(x, p);`
fn assign_decoded(indent: &str, prop: &str, value: &Expr) -> Vec<String> {
    layout(indent, &format!("m.{prop} = "), value, ";")
}

/// `m.oneof = { case: "...", value: decode(x, p) };`, broken like Prettier when too long.
fn assign_oneof(indent: &str, prop: &str, case: &str, value: &Expr) -> Vec<String> {
    let one = format!(
        "{indent}m.{prop} = {{ case: {case}, value: {} }};",
        value.flat()
    );
    if width(&one) <= WIDTH {
        return vec![one];
    }
    let inner = format!("{indent}  ");
    let mut out = vec![
        format!("{indent}m.{prop} = {{"),
        format!("{inner}case: {case},"),
    ];
    out.extend(layout(&inner, "value: ", value, ","));
    out.push(format!("{indent}}};"));
    out
}

/// A class property declaration; a long `T | undefined` breaks like Prettier does.
fn declaration(prop: &str, ts: &str, optional: bool) -> Vec<String> {
    let one = if optional {
        format!("  {prop}?: {ts} | undefined;")
    } else {
        format!("  {prop}: {ts};")
    };
    if !optional || width(&one) <= WIDTH {
        return vec![one];
    }
    vec![
        format!("  {prop}?:"),
        format!("    | {ts}"),
        "    | undefined;".to_string(),
    ]
}

/// A constructor assignment `this.prop = value;`.
fn init_line(prop: &str, value: &str) -> Vec<String> {
    layout("    ", &format!("this.{prop} = "), &Expr::atom(value), ";")
}

/// `Map<K, V>` with its type arguments one per line when `{indent}{prefix}Map<K, V>{suffix}`
/// is too long (Prettier's form).
fn map_type_lines(indent: &str, prefix: &str, key: &str, value: &str, suffix: &str) -> Vec<String> {
    let one = format!("{indent}{prefix}Map<{key}, {value}>{suffix}");
    if width(&one) <= WIDTH {
        return vec![one];
    }
    vec![
        format!("{indent}{prefix}Map<"),
        format!("{indent}  {key},"),
        format!("{indent}  {value}"),
        format!("{indent}>{suffix}"),
    ]
}

/// The declaration and constructor lines of a map property.
fn map_member(prop: &str, key: &str, value: &str) -> (Vec<String>, Vec<String>) {
    let decl = map_type_lines("  ", &format!("{prop}: "), key, value, ";");
    let init = format!("init?.{prop} ?? new Map<{key}, {value}>()");
    let one = format!("    this.{prop} = {init};");
    let init = if width(&one) <= WIDTH {
        vec![one]
    } else if width(&format!("      {init};")) <= WIDTH {
        vec![format!("    this.{prop} ="), format!("      {init};")]
    } else {
        let mut lines = vec![
            format!("    this.{prop} ="),
            format!("      init?.{prop} ??"),
        ];
        lines.extend(map_type_lines("      ", "new ", key, value, "();"));
        lines
    };
    (decl, init)
}

/// Wraps `stmts` in `if (x !== null) { ... }` unless `null` is a value of the type.
fn guarded(null_is_value: bool, stmts: impl FnOnce(&str) -> Vec<String>) -> Vec<String> {
    if null_is_value {
        stmts(CASE)
    } else {
        let mut out = vec![format!("{CASE}if (x !== null) {{")];
        out.extend(stmts(&format!("{CASE}  ")));
        out.push(format!("{CASE}}}"));
        out
    }
}

fn message_view(plugin: &Plugin, m: &Message) -> MessageView {
    let name = m.names.typescript.clone();
    let mut members = Vec::new();
    let mut inits = Vec::new();
    let mut encode: Vec<String> = Vec::new();
    let mut cases: Vec<String> = Vec::new();
    let mut oneofs = Vec::new();
    // Keys: JSON names win over proto names when one string names two fields.
    let mut keys_taken: BTreeSet<String> = m.fields.iter().map(|f| f.json_name.clone()).collect();
    let mut oneof_done = vec![false; m.oneofs.len()];

    for f in &m.fields {
        let vt = value_type(plugin, &f.ty);
        let prop = &f.names.typescript;
        let key = ts_string(&f.json_name);
        cases.push(format!("      case {key}:"));
        if f.proto_name != f.json_name && keys_taken.insert(f.proto_name.clone()) {
            cases.push(format!("      case {}:", ts_string(&f.proto_name)));
        }
        cases.push(format!("{CASE}seen.field({}, key, p);", f.number));

        if let Some(oi) = f.oneof {
            let o = &m.oneofs[oi];
            let oprop = &o.names.typescript;
            if !oneof_done[oi] {
                oneof_done[oi] = true;
                oneofs.push(oneof_view(plugin, m, oi));
                members.push(MemberView {
                    doc: doc_lines(&o.doc, false, "  ", false),
                    decl: declaration(oprop, &o.type_names.typescript, true),
                });
                inits.extend(init_line(oprop, &format!("init?.{oprop}")));
                encode.push(format!("  if (m.{oprop} !== undefined) {{"));
                encode.push(format!("    switch (m.{oprop}.case) {{"));
                for &fi in &o.fields {
                    let mf = &m.fields[fi];
                    let mvt = value_type(plugin, &mf.ty);
                    encode.push(format!("      case {}:", ts_string(&mf.names.typescript)));
                    let args = [
                        ts_string(&mf.json_name),
                        format!("m.{oprop}.value"),
                        mvt.encode.clone(),
                    ];
                    encode.extend(call_lines("        ", "o.set", &args, ";"));
                    encode.push("        break;".to_string());
                }
                encode.push("    }".to_string());
                encode.push("  }".to_string());
            }
            let decoded = vt.decode.call("x", "p");
            cases.extend(guarded(vt.null_is_value, |indent| {
                let mut out = vec![format!(
                    "{indent}seen.oneof({}, key, p);",
                    ts_string(&o.proto_name)
                )];
                out.extend(assign_oneof(indent, oprop, &ts_string(prop), &decoded));
                out
            }));
            cases.push(format!("{CASE}break;"));
            continue;
        }

        let doc = doc_lines(&f.doc, f.deprecated, "  ", false);
        match &f.label {
            Label::Singular => {
                let explicit =
                    f.explicit_presence || vt.is_set.is_none() && vt.default == "undefined";
                let set = call_lines(
                    "    ",
                    "o.set",
                    &[key.clone(), format!("m.{prop}"), vt.encode.clone()],
                    ";",
                );
                if explicit {
                    members.push(MemberView {
                        doc,
                        decl: declaration(prop, &vt.ts, true),
                    });
                    inits.extend(init_line(prop, &format!("init?.{prop}")));
                    encode.push(format!("  if (m.{prop} !== undefined) {{"));
                    encode.extend(set);
                    encode.push("  }".to_string());
                } else {
                    members.push(MemberView {
                        doc,
                        decl: declaration(prop, &vt.ts, false),
                    });
                    inits.extend(init_line(prop, &format!("init?.{prop} ?? {}", vt.default)));
                    if let Some(cond) = &vt.is_set {
                        encode.push(format!(
                            "  if ({}) {{",
                            cond.replace('$', &format!("m.{prop}"))
                        ));
                        encode.extend(set);
                        encode.push("  }".to_string());
                    }
                }
                let decoded = vt.decode.call("x", "p");
                cases.extend(guarded(vt.null_is_value, |indent| {
                    assign_decoded(indent, prop, &decoded)
                }));
            }
            Label::Repeated => {
                members.push(MemberView {
                    doc,
                    decl: declaration(prop, &format!("{}[]", vt.ts), false),
                });
                inits.extend(init_line(prop, &format!("init?.{prop} ?? []")));
                encode.push(format!("  if (m.{prop}.length > 0) {{"));
                encode.extend(call_lines(
                    "    ",
                    "o.list",
                    &[key.clone(), format!("m.{prop}"), vt.encode.clone()],
                    ";",
                ));
                encode.push("  }".to_string());
                let mut args = vec![Expr::atom("x"), Expr::atom("p"), vt.decode.as_fn()];
                if vt.null_is_value {
                    args.push(Expr::atom("true"));
                }
                let decoded = Expr::Call("json.decodeList".to_string(), args);
                cases.extend(guarded(false, |indent| {
                    assign_decoded(indent, prop, &decoded)
                }));
            }
            Label::Map { key: key_type } => {
                let (kts, kenc, kdec) = map_key(*key_type);
                let (decl, init) = map_member(prop, kts, &vt.ts);
                members.push(MemberView { doc, decl });
                inits.extend(init);
                encode.push(format!("  if (m.{prop}.size > 0) {{"));
                let args = [
                    key.clone(),
                    format!("m.{prop}"),
                    kenc.to_string(),
                    vt.encode.clone(),
                ];
                encode.extend(call_lines("    ", "o.map", &args, ";"));
                encode.push("  }".to_string());
                let mut args = vec![
                    Expr::atom("x"),
                    Expr::atom("p"),
                    Expr::atom(kdec),
                    vt.decode.as_fn(),
                ];
                if vt.null_is_value {
                    args.push(Expr::atom("true"));
                }
                let decoded = Expr::Call("json.decodeMap".to_string(), args);
                cases.extend(guarded(false, |indent| {
                    assign_decoded(indent, prop, &decoded)
                }));
            }
        }
        cases.push(format!("{CASE}break;"));
    }

    let encode_fn = format!("encode{name}");
    let decode_fn = format!("decode{name}");
    let (encode_params, encode_body) = if m.fields.is_empty() {
        (
            vec![format!("_m: {name}"), "_path: string".to_string()],
            vec!["  return {};".to_string()],
        )
    } else {
        let mut body = vec!["  const o = new json.ObjectEncoder(path);".to_string()];
        body.extend(encode);
        body.push("  return o.done();".to_string());
        (vec![format!("m: {name}"), "path: string".to_string()], body)
    };
    let decode_body = if m.fields.is_empty() {
        vec![
            "  const o = json.expectObject(v, path);".to_string(),
            "  for (const key of json.sortedKeys(o)) {".to_string(),
            "    ctx.unknownKey(json.child(path, key));".to_string(),
            "  }".to_string(),
            format!("  return new {name}();"),
        ]
    } else {
        let mut body = vec![
            "  const o = json.expectObject(v, path);".to_string(),
            layout(
                "  ",
                "const m = ",
                &Expr::atom(format!("new {name}()")),
                ";",
            )
            .join("\n"),
            "  const seen = new json.SeenFields();".to_string(),
            "  for (const key of json.sortedKeys(o)) {".to_string(),
            "    const x = o[key];".to_string(),
            "    const p = json.child(path, key);".to_string(),
            "    switch (key) {".to_string(),
        ];
        body.extend(cases);
        body.extend(
            [
                "      default:",
                "        ctx.unknownKey(p);",
                "    }",
                "  }",
                "  return m;",
            ]
            .map(str::to_string),
        );
        body
    };
    let decode_params =
        ["ctx: json.DecodeContext", "v: unknown", "path: string"].map(str::to_string);
    MessageView {
        doc: doc_lines(&m.doc, m.deprecated, "", false),
        name: name.clone(),
        oneofs,
        members,
        inits,
        ctor_sig: call_lines(
            "  ",
            "constructor",
            &[format!(
                "{}init?: json.Init<{name}>",
                if m.fields.is_empty() { "_" } else { "" }
            )],
            if m.fields.is_empty() { " {}" } else { " {" },
        ),
        from_custom_sig: call_lines(
            "  ",
            "static fromCustom",
            &[
                "value: unknown".to_string(),
                "options?: json.DecodeOptions".to_string(),
            ],
            &format!(": {name} {{"),
        ),
        from_custom_body: call_lines(
            "    ",
            "return json.decodeRoot",
            &[
                "value".to_string(),
                "options".to_string(),
                decode_fn.clone(),
            ],
            ";",
        ),
        to_custom_body: call_lines(
            "    ",
            &format!("return {encode_fn}"),
            &["this".to_string(), "\"\"".to_string()],
            ";",
        ),
        encode_sig: call_lines(
            "",
            &format!("function {encode_fn}"),
            &encode_params,
            ": json.JsonObject {",
        ),
        encode_body,
        decode_sig: call_lines(
            "",
            &format!("function {decode_fn}"),
            &decode_params,
            &format!(": {name} {{"),
        ),
        decode_body,
        oneof_types: m
            .oneofs
            .iter()
            .map(|o| o.type_names.typescript.clone())
            .collect(),
    }
}

fn oneof_view(plugin: &Plugin, m: &Message, oi: usize) -> OneofView {
    let o = &m.oneofs[oi];
    let members: Vec<&Field> = o.fields.iter().map(|&i| &m.fields[i]).collect();
    let mut text = o.doc.clone();
    let notes: Vec<String> = members
        .iter()
        .filter(|f| !f.doc.is_empty() || f.deprecated)
        .map(|f| {
            let mut note = format!("- `{}`:", f.names.typescript);
            if !f.doc.is_empty() {
                note.push(' ');
                note.push_str(&f.doc.replace('\n', "\n  "));
            }
            if f.deprecated {
                note.push_str(" (deprecated)");
            }
            note
        })
        .collect();
    if !notes.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&notes.join("\n"));
    }
    let parts: Vec<(String, String)> = members
        .iter()
        .map(|f| (ts_string(&f.names.typescript), value_type(plugin, &f.ty).ts))
        .collect();
    let variants: Vec<String> = parts
        .iter()
        .map(|(case, ts)| format!("{{ case: {case}; value: {ts} }}"))
        .collect();
    let name = o.type_names.typescript.clone();
    let one = format!("export type {name} = {};", variants.join(" | "));
    let lines = if width(&one) <= WIDTH {
        vec![one]
    } else {
        let mut lines = vec![format!("export type {name} =")];
        let count = variants.len();
        for (i, (v, (case, ts))) in variants.iter().zip(&parts).enumerate() {
            let end = if i + 1 == count { ";" } else { "" };
            let line = format!("  | {v}{end}");
            if width(&line) <= WIDTH {
                lines.push(line);
            } else {
                lines.push("  | {".to_string());
                lines.push(format!("      case: {case};"));
                lines.push(format!("      value: {ts};"));
                lines.push(format!("    }}{end}"));
            }
        }
        lines
    };
    OneofView {
        doc: doc_lines(&text, false, "", false),
        lines,
    }
}

/// A field's TypeScript type and default as the package README's reference shows them: the
/// property's type (a oneof member: its case of the oneof property's type), and its value in a
/// new message.
pub(super) fn reference_type(plugin: &Plugin, f: &Field) -> (String, String) {
    let vt = value_type(plugin, &f.ty);
    if f.oneof.is_some() {
        // A member is a case of the oneof's property, not a property of its own.
        return (
            format!(
                "{{ case: {}; value: {} }}",
                ts_string(&f.names.typescript),
                vt.ts
            ),
            "undefined".into(),
        );
    }
    match &f.label {
        Label::Singular => {
            if f.explicit_presence || vt.is_set.is_none() && vt.default == "undefined" {
                (format!("{} | undefined", vt.ts), "undefined".into())
            } else {
                (vt.ts, vt.default)
            }
        }
        Label::Repeated => (format!("{}[]", vt.ts), "[]".into()),
        Label::Map { key } => {
            let (kts, _, _) = map_key(*key);
            (format!("Map<{kts}, {}>", vt.ts), "empty".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comments_cannot_end_early() {
        let lines = doc_lines(
            "evil */ export const x = 1; /*\nnext\u{2028}sep",
            true,
            "  ",
            false,
        );
        assert_eq!(
            lines,
            [
                "  /**",
                "   * evil *\\/ export const x = 1; /*",
                "   * next",
                "   * sep",
                "   *",
                "   * @deprecated",
                "   */"
            ]
        );
        assert!(lines.iter().all(|l| !l.contains("*/") || l.trim() == "*/"));
        assert_eq!(doc_lines("one line", false, "", false), ["/** one line */"]);
        assert!(doc_lines("  \n", false, "", false).is_empty());
    }

    #[test]
    fn long_calls_break_like_prettier() {
        // Prettier 3 (printWidth 100) prints this statement exactly so.
        let call = Expr::Call(
            "json.encodeUint32".to_string(),
            vec![
                Expr::atom("m.pollIntervalSec"),
                Expr::atom("json.child(path, \"pollIntervalSec\")"),
            ],
        );
        assert_eq!(
            layout("    ", "o[\"pollIntervalSec\"] = ", &call, ";"),
            [
                "    o[\"pollIntervalSec\"] = json.encodeUint32(",
                "      m.pollIntervalSec,",
                "      json.child(path, \"pollIntervalSec\"),",
                "    );"
            ]
        );
        let short = Expr::Call("f".to_string(), vec![Expr::atom("a")]);
        assert_eq!(layout("  ", "x = ", &short, ";"), ["  x = f(a);"]);
        // An atom after `=` that does not fit moves to the next line.
        let long = "y".repeat(95);
        assert_eq!(
            layout("    ", "this.x = ", &Expr::atom(&long), ";"),
            ["    this.x =".to_string(), format!("      {long};")]
        );
    }

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(wrap("aaa bbb ccc\n\nddd", 7), "aaa bbb\nccc\n\nddd");
    }
}
