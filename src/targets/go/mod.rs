//! The Go target.
//!
//! Per plugin, `go/<name>/` is a module with no dependencies: `go.mod`, `doc.go` (the package
//! documentation), `models.go` (a struct per message, a named int32 type per enum),
//! `codec.go` (each message's encoder, decoder and public methods) and `runtime.go` (the codec
//! runtime, the same text in every package). `go/testee/` is a main module that requires
//! every plugin module through `replace` directives, so it builds offline with no `go.sum`.
//!
//! Every decision (Go types, the expressions that encode and decode each field, comment text)
//! is made here; the templates in `templates/go/` only lay the view-models out.

mod doc;
#[cfg(test)]
mod e2e;
mod readme;
mod task;
mod unit_tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use crate::conformance::LazyVectors;
use crate::error::Result;
use crate::ir::{Enum, EnumValue, Field, FieldType, JsonKind, Label, Message, Plugin, Scalar, Wkt};
use crate::targets::{Cmd, Context, OutFile, Target, Testee, header};

/// Emits Go packages.
pub struct Go;

/// The `go` directive of every generated `go.mod`.
const GO_VERSION: &str = "1.21";

/// The testee's module path.
const TESTEE_MODULE: &str = "flyteplug.local/testee";

impl Target for Go {
    fn name(&self) -> &'static str {
        "go"
    }

    fn emit(&self, ctx: &Context<'_>) -> Result<Vec<OutFile>> {
        let mut files = Vec::new();
        for vectors in &ctx.vectors {
            let plugin = vectors.plugin();
            files.extend(plugin_files(ctx, plugin, vectors)?);
        }
        files.extend(testee_files(ctx)?);
        Ok(files)
    }

    fn testee(&self, _ctx: &Context<'_>, output_root: &Path, cache: &Path) -> Result<Testee> {
        let dir = output_root.join("go").join("testee");
        let bin = cache.join("testee");
        let bin = bin.to_string_lossy().to_string();
        let build = Cmd::new("go", &["build", "-buildvcs=false", "-o", &bin, "."], &dir)
            .env("GOWORK", "off")
            .env("GOPROXY", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=readonly");
        let run = Cmd::new(bin, &[], &dir);
        Ok(Testee {
            build: vec![build],
            run,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// View-models.

#[derive(Serialize)]
struct ModFile {
    header: String,
    module: String,
    go_version: &'static str,
    requires: Vec<Require>,
}

#[derive(Serialize)]
struct Require {
    module: String,
    dir: String,
}

#[derive(Serialize)]
struct RuntimeFile {
    header: String,
    package: String,
}

#[derive(Serialize)]
struct DocFile {
    header: String,
    doc: Vec<String>,
    package: String,
}

#[derive(Serialize)]
struct ModelsFile {
    header: String,
    package: String,
    messages: Vec<MessageVm>,
    enums: Vec<EnumVm>,
}

#[derive(Serialize)]
struct MessageVm {
    /// Doc-comment lines of the type.
    doc: Vec<String>,
    /// The Go type name.
    name: String,
    fields: Vec<FieldVm>,
    /// `e.oneof(...)` calls, one per oneof.
    oneof_checks: Vec<String>,
    /// Decoding: one `case` per field.
    cases: Vec<CaseVm>,
    /// `var seen [N]string` when the message has fields.
    seen_decl: Option<String>,
    /// `var oneofs [N]string` when the message has oneofs.
    oneofs_decl: Option<String>,
}

#[derive(Serialize)]
struct FieldVm {
    doc: Vec<String>,
    name: String,
    go_type: String,
    /// Encoding: `if <enc_cond> { out[<json_key>] = <enc_expr> }`.
    enc_cond: String,
    json_key: String,
    enc_expr: String,
}

#[derive(Serialize)]
struct CaseVm {
    /// `"fDouble", "f_double"`.
    keys: String,
    /// `if <cond> { <target> = <expr> }`.
    cond: String,
    target: String,
    expr: String,
}

#[derive(Serialize)]
struct EnumVm {
    doc: Vec<String>,
    name: String,
    values: Vec<EnumValueVm>,
    /// `fpName`: each number once, with its first declared name.
    primaries: Vec<NameNumber>,
    /// `fpNumber`: every name, aliases included.
    names: Vec<NameNumber>,
}

#[derive(Serialize)]
struct EnumValueVm {
    doc: Vec<String>,
    name: String,
    number: i32,
}

#[derive(Serialize)]
struct NameNumber {
    /// A Go string literal.
    name: String,
    number: i32,
}

#[derive(Serialize)]
struct TesteeFile {
    header: String,
    imports: Vec<Import>,
    messages: Vec<TesteeMessage>,
    well_known: Vec<TesteeWellKnown>,
}

#[derive(Serialize)]
struct Import {
    alias: String,
    path: String,
}

#[derive(Serialize)]
struct TesteeMessage {
    /// A Go string literal of the full proto name.
    full_name: String,
    alias: String,
    type_name: String,
}

/// A well-known message the testee serves through a package's `RoundTripWellKnown`.
#[derive(Serialize)]
struct TesteeWellKnown {
    /// A Go string literal of the full proto name.
    full_name: String,
    alias: String,
}

// ---------------------------------------------------------------------------------------------
// Files.

fn plugin_files(
    ctx: &Context<'_>,
    plugin: &Plugin,
    vectors: &LazyVectors<'_>,
) -> Result<Vec<OutFile>> {
    let dir = format!("go/{}", plugin.name);
    let head = header("//", &plugin.source_files);
    let package = package_name(plugin);
    let mut files = Vec::new();

    let module = ModFile {
        header: head.clone(),
        module: plugin.package.go_module.clone(),
        go_version: GO_VERSION,
        requires: Vec::new(),
    };
    files.push(OutFile::generated(
        format!("{dir}/go.mod"),
        ctx.renderer.render("go/go.mod", &module)?,
    ));

    let docs = DocFile {
        header: head.clone(),
        doc: doc::doc_comment(&package_doc(plugin, &package)),
        package: package.clone(),
    };
    files.push(OutFile::generated(
        format!("{dir}/doc.go"),
        ctx.renderer.render("go/doc.go", &docs)?,
    ));

    let models = ModelsFile {
        header: head.clone(),
        package: package.clone(),
        messages: plugin.messages.iter().map(message_vm).collect(),
        enums: plugin.enums.iter().map(enum_vm).collect(),
    };
    files.push(OutFile::generated(
        format!("{dir}/models.go"),
        ctx.renderer.render("go/models.go", &models)?,
    ));
    files.push(OutFile::generated(
        format!("{dir}/codec.go"),
        ctx.renderer.render("go/codec.go", &models)?,
    ));

    let runtime = RuntimeFile {
        header: head.clone(),
        package,
    };
    files.push(OutFile::generated(
        format!("{dir}/runtime.go"),
        ctx.renderer.render("go/runtime.go", &runtime)?,
    ));
    files.push(task::task_file(ctx, plugin)?);
    let constructions = vectors.constructions()?;
    files.push(OutFile::generated(
        format!("{dir}/vectors_test.go"),
        ctx.renderer.render(
            "go/vectors_test.go",
            &unit_tests::build(plugin, head.clone(), constructions),
        )?,
    ));
    files.push(OutFile::generated_shared(
        format!("{dir}/testdata/vectors.json"),
        &vectors.get().json,
    ));
    files.push(OutFile::generated(
        format!("{dir}/README.md"),
        ctx.renderer
            .render("go/README.md", &readme::build(plugin, &head, GO_VERSION))?,
    ));
    Ok(files)
}

fn testee_files(ctx: &Context<'_>) -> Result<Vec<OutFile>> {
    let sources: BTreeSet<String> = ctx
        .ir
        .plugins
        .iter()
        .flat_map(|p| p.source_files.iter().cloned())
        .collect();
    let head = header("//", &sources.into_iter().collect::<Vec<_>>());
    let mut requires = Vec::new();
    let mut imports = Vec::new();
    let mut aliases = BTreeSet::new();
    let mut messages: BTreeMap<String, TesteeMessage> = BTreeMap::new();
    let mut well_known: BTreeMap<String, TesteeWellKnown> = BTreeMap::new();
    for plugin in &ctx.ir.plugins {
        requires.push(Require {
            module: plugin.package.go_module.clone(),
            dir: format!("../{}", plugin.name),
        });
        let base = package_name(plugin);
        let mut alias = base.clone();
        let mut n = 2;
        while aliases.contains(&alias) || TESTEE_RESERVED.contains(&alias.as_str()) {
            alias = format!("{base}{n}");
            n += 1;
        }
        aliases.insert(alias.clone());
        imports.push(Import {
            alias: alias.clone(),
            path: go_quote(&plugin.package.go_module),
        });
        for m in &plugin.messages {
            messages
                .entry(m.full_name.clone())
                .or_insert_with(|| TesteeMessage {
                    full_name: go_quote(&m.full_name),
                    alias: alias.clone(),
                    type_name: m.names.go.clone(),
                });
        }
        // The well-known messages the plugin reaches, served by its package's runtime.
        for &w in plugin.well_known.iter().filter(|&&w| w != Wkt::NullValue) {
            well_known
                .entry(w.full_name())
                .or_insert_with(|| TesteeWellKnown {
                    full_name: go_quote(&w.full_name()),
                    alias: alias.clone(),
                });
        }
    }
    // A package whose messages were all reached through an earlier plugin is not imported.
    let used: BTreeSet<&str> = messages
        .values()
        .map(|m| m.alias.as_str())
        .chain(well_known.values().map(|w| w.alias.as_str()))
        .collect();
    imports.retain(|i| used.contains(i.alias.as_str()));
    requires.sort_by(|a, b| a.module.cmp(&b.module));
    imports.sort_by(|a, b| a.path.cmp(&b.path).then(a.alias.cmp(&b.alias)));
    let module = ModFile {
        header: head.clone(),
        module: TESTEE_MODULE.to_string(),
        go_version: GO_VERSION,
        requires,
    };
    let main = TesteeFile {
        header: head,
        imports,
        messages: messages.into_values().collect(),
        well_known: well_known.into_values().collect(),
    };
    Ok(vec![
        OutFile::generated(
            "go/testee/go.mod",
            ctx.renderer.render("go/go.mod", &module)?,
        ),
        OutFile::generated(
            "go/testee/main.go",
            ctx.renderer.render("go/testee/main.go", &main)?,
        ),
    ])
}

/// Identifiers of the testee's main package that an import alias must not take.
const TESTEE_RESERVED: &[&str] = &[
    "bufio", "bytes", "json", "errors", "fmt", "io", "os", "strings", "main", "request", "write",
    "answer", "finish", "run",
];

/// Go keywords and predeclared names a package clause cannot (or should not) use.
const GO_KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
    "main",
];

/// The package clause: the IR's name, with `_` appended when it is a Go keyword or `main`.
fn package_name(plugin: &Plugin) -> String {
    let name = plugin.package.go_package.clone();
    if GO_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

fn package_doc(plugin: &Plugin, package: &str) -> String {
    let custom_go = &plugin.custom_message().names.go;
    let description = plugin.description.trim();
    let mut text = format!(
        "Package {package} is the typed task config of the Flyte plugin {name:?}\n\
         (task type {task_type:?}, version {version}).",
        name = plugin.name,
        task_type = plugin.task_type,
        version = plugin.task_type_version,
    );
    if !description.is_empty() {
        text.push_str("\n\n");
        text.push_str(description);
    }
    text.push_str(&format!(
        "\n\n\
         The config is {custom_go}, the message {custom} of\n\
         {proto}. The package also holds every message and enum it reaches.\n",
        custom = plugin.custom,
        proto = plugin.proto_file,
    ));
    text.push_str(&format!(
        "\n# Task\n\n{}\n",
        wrap(&format!(
            "{task} is a task of the plugin: its TaskTemplate method builds the task's \
             flyteidl.core.TaskTemplate (id, type, task type version, custom{container}) as \
             canonical proto3 JSON.",
            task = task::task_type_name(plugin),
            container = if task::runs_container(plugin.backend) {
                ", container"
            } else {
                ""
            },
        ))
    ));
    text.push_str(PACKAGE_DOC_API);
    text
}

/// The part of every package's documentation that describes the API.
const PACKAGE_DOC_API: &str = "
# Custom JSON

Every message type has these methods:

  - MarshalCustom returns the canonical custom JSON (TaskTemplate.custom): proto3 JSON as the
    official runtimes print it, serialized per RFC 8785 (sorted keys, no white space,
    ECMAScript number text), except that -0 prints as -0.
  - ToCustom returns the same JSON as a map[string]any: the canonical bytes parsed with
    encoding/json (numbers are float64).
  - UnmarshalCustom decodes JSON text leniently: unknown keys are ignored.
  - FromCustom decodes a JSON value (nil, or a map[string]any as encoding/json produces it,
    with json.Number or float64 numbers) and FromCustomJSON decodes JSON text, both with
    DecodeOptions: Strict rejects unknown keys, Unknown receives their JSON paths.
  - MarshalJSON and UnmarshalJSON make the types work with encoding/json.

Decoding accepts every proto3 JSON spelling (JSON or proto field names, enum names or numbers,
integers as numbers or strings, null as unset, both base64 alphabets, any timestamp offset)
and replaces the message only when it succeeds. A decoding failure is a *DecodeError whose
Path is the JSON path of the bad value, such as \"workers[2].image\"; an encoding failure is
an *EncodeError.

# Go types

  - 64-bit integers are int64 and uint64 (JSON strings), float is float32, bytes is []byte.
  - Fields with explicit presence (messages, proto3 optional, oneof members, wrappers) are
    pointers where nil is unset; bytes, Struct and ListValue fields are unset when nil.
  - An enum is a named int32 type with a constant per value. Any number is representable; a
    number without a name prints as the number.
  - A oneof is one field per member; setting two members is an EncodeError.
  - Duration, Timestamp, FieldMask, Any and Empty are types of this package. Struct is
    map[string]any, ListValue is []any and Value is any, holding map[string]any, []any,
    string, float64, bool or nil (null). A Value field is unset when nil and an explicit JSON
    null when NullValue_NULL_VALUE.
";

// ---------------------------------------------------------------------------------------------
// Messages.

fn message_vm(m: &Message) -> MessageVm {
    let mut doc_text = if m.doc.trim().is_empty() {
        format!("{} is the message {}.", m.names.go, m.full_name)
    } else {
        format!("{}\n\nProto message: {}.", m.doc, m.full_name)
    };
    if m.deprecated && !has_deprecated_paragraph(&m.doc) {
        doc_text.push_str("\n\nDeprecated: this message is marked deprecated in the .proto file.");
    }
    let fields: Vec<FieldVm> = m.fields.iter().map(|f| field_vm(m, f)).collect();
    let oneof_checks = m
        .oneofs
        .iter()
        .map(|o| {
            let set: Vec<String> = o
                .fields
                .iter()
                .map(|&i| format!("m.{} != nil", m.fields[i].names.go))
                .collect();
            format!(
                "e.oneof(p, {}, {})",
                go_quote(&o.proto_name),
                set.join(", ")
            )
        })
        .collect();
    // A key is a field's JSON name, else (when no field has it as JSON name) a proto name, as
    // the official parsers look keys up.
    let json_names: BTreeSet<&str> = m.fields.iter().map(|f| f.json_name.as_str()).collect();
    let mut claimed: BTreeSet<&str> = BTreeSet::new();
    let mut cases = Vec::new();
    for (i, f) in m.fields.iter().enumerate() {
        let mut keys = Vec::new();
        for k in [f.json_name.as_str(), f.proto_name.as_str()] {
            let taken = k != f.json_name && json_names.contains(k);
            if !taken && claimed.insert(k) {
                keys.push(go_quote(k));
            }
        }
        if keys.is_empty() {
            continue;
        }
        let x = format!("m.{}", f.names.go);
        let codec = field_codec(f, &x, "", "fpKey(p, k)");
        let mut cond = format!("d.claim(seen[:], {i}, p, k)");
        match f.oneof {
            Some(o) => {
                let set = if codec.null_is_value {
                    "true"
                } else {
                    "v != nil"
                };
                cond.push_str(&format!(" && d.oneof(oneofs[:], {o}, p, k, {set})"));
            }
            None if !codec.null_is_value => cond.push_str(" && v != nil"),
            None => {}
        }
        cases.push(CaseVm {
            keys: keys.join(", "),
            cond,
            target: x,
            expr: codec.dec_expr,
        });
    }
    MessageVm {
        doc: doc::doc_comment(&doc_text),
        name: m.names.go.clone(),
        fields,
        oneof_checks,
        seen_decl: (!m.fields.is_empty()).then(|| format!("var seen [{}]string", m.fields.len())),
        oneofs_decl: (!m.oneofs.is_empty())
            .then(|| format!("var oneofs [{}]string", m.oneofs.len())),
        cases,
    }
}

fn has_deprecated_paragraph(doc: &str) -> bool {
    doc.split("\n\n")
        .any(|p| p.trim_start().starts_with("Deprecated:"))
}

fn field_vm(m: &Message, f: &Field) -> FieldVm {
    let mut text = f.doc.clone();
    if let Some(o) = f.oneof.and_then(|i| m.oneofs.get(i)) {
        let members: Vec<&str> = o
            .fields
            .iter()
            .map(|&i| m.fields[i].names.go.as_str())
            .collect();
        let mut note = wrap(&format!(
            "Member of oneof {}: set at most one of {}.",
            o.proto_name,
            members.join(", ")
        ));
        if !o.doc.trim().is_empty() {
            note.push('\n');
            note.push_str(o.doc.trim());
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&note);
    }
    if f.deprecated && !has_deprecated_paragraph(&f.doc) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str("Deprecated: this field is marked deprecated in the .proto file.");
    }
    let x = format!("m.{}", f.names.go);
    let codec = field_codec(f, &x, &format!("fpKey(p, {})", go_quote(&f.json_name)), "");
    FieldVm {
        doc: doc::line_comment(&text),
        name: f.names.go.clone(),
        go_type: codec.go_type,
        enc_cond: codec.enc_cond,
        json_key: go_quote(&f.json_name),
        enc_expr: codec.enc_expr,
    }
}

/// How one element (a singular value, a list element or a map value) is typed and coded.
struct Elem {
    /// The Go type of one element.
    go_type: String,
    /// `func(*fpEncoder, string, T) any`.
    enc: String,
    /// `func(*fpDecoder, string, any) T`.
    dec: String,
    /// `null` is a value of this type (Value, NullValue), not "unset".
    null_is_value: bool,
    /// How a singular field of this type is held.
    holding: Holding,
}

#[derive(Clone, Copy, PartialEq)]
enum Holding {
    /// A plain value with a zero default (implicit presence unless optional).
    Value(Zero),
    /// Already nil-able: a pointer, slice, map or interface.
    Nilable,
}

#[derive(Clone, Copy, PartialEq)]
enum Zero {
    Float64,
    Float32,
    Number,
    Bool,
    String,
    Bytes,
}

fn scalar_elem(s: Scalar) -> Elem {
    let (go_type, enc, dec, zero) = match s.json_kind() {
        JsonKind::F64 => ("float64", "fpEncF64", "fpDecF64", Zero::Float64),
        JsonKind::F32 => ("float32", "fpEncF32", "fpDecF32", Zero::Float32),
        JsonKind::I32 => ("int32", "fpEncI32", "fpDecI32", Zero::Number),
        JsonKind::U32 => ("uint32", "fpEncU32", "fpDecU32", Zero::Number),
        JsonKind::I64 => ("int64", "fpEncI64", "fpDecI64", Zero::Number),
        JsonKind::U64 => ("uint64", "fpEncU64", "fpDecU64", Zero::Number),
        JsonKind::Bool => ("bool", "fpEncBool", "fpDecBool", Zero::Bool),
        JsonKind::String => ("string", "fpEncString", "fpDecString", Zero::String),
        JsonKind::Bytes => ("[]byte", "fpEncBytes", "fpDecBytes", Zero::Bytes),
    };
    Elem {
        go_type: go_type.to_string(),
        enc: enc.to_string(),
        dec: dec.to_string(),
        null_is_value: false,
        holding: Holding::Value(zero),
    }
}

fn elem(ty: &FieldType) -> Elem {
    let nilable = |go_type: &str, enc: &str, dec: &str| Elem {
        go_type: go_type.to_string(),
        enc: enc.to_string(),
        dec: dec.to_string(),
        null_is_value: false,
        holding: Holding::Nilable,
    };
    match ty {
        FieldType::Scalar { scalar } => scalar_elem(*scalar),
        FieldType::Enum { names, .. } => Elem {
            go_type: names.go.clone(),
            enc: format!("fpEncEnum[{}]", names.go),
            dec: format!("fpDecEnum[{}]", names.go),
            null_is_value: false,
            holding: Holding::Value(Zero::Number),
        },
        FieldType::Message { names, .. } => nilable(
            &format!("*{}", names.go),
            &format!("fpEncMsg[*{}]", names.go),
            &format!("fpDecMsg[{}]", names.go),
        ),
        FieldType::WellKnown { wkt } => match wkt {
            Wkt::Any => nilable("*Any", "fpEncAny", "fpDecAny"),
            Wkt::Duration => nilable("*Duration", "fpEncDuration", "fpDecDuration"),
            Wkt::Empty => nilable("*Empty", "fpEncEmpty", "fpDecEmpty"),
            Wkt::FieldMask => nilable("*FieldMask", "fpEncFieldMask", "fpDecFieldMask"),
            Wkt::Timestamp => nilable("*Timestamp", "fpEncTimestamp", "fpDecTimestamp"),
            Wkt::Struct => nilable("map[string]any", "fpEncStruct", "fpDecStruct"),
            Wkt::ListValue => nilable("[]any", "fpEncListValue", "fpDecListValue"),
            Wkt::Value => Elem {
                null_is_value: true,
                ..nilable("any", "fpEncValue", "fpDecJSON")
            },
            Wkt::NullValue => Elem {
                go_type: "NullValue".to_string(),
                enc: "fpEncNull".to_string(),
                dec: "fpDecNull".to_string(),
                null_is_value: true,
                holding: Holding::Value(Zero::Number),
            },
            w => match w.wrapped() {
                Some(s) => scalar_elem(s),
                None => nilable("any", "fpEncValue", "fpDecJSON"),
            },
        },
    }
}

/// The Go type of a field and the expressions that code it.
struct FieldCodec {
    go_type: String,
    enc_cond: String,
    enc_expr: String,
    dec_expr: String,
    null_is_value: bool,
}

fn map_key(key: Scalar) -> (&'static str, &'static str) {
    match key.json_kind() {
        JsonKind::I32 => ("int32", "fpKeyI32"),
        JsonKind::U32 => ("uint32", "fpKeyU32"),
        JsonKind::I64 => ("int64", "fpKeyI64"),
        JsonKind::U64 => ("uint64", "fpKeyU64"),
        JsonKind::Bool => ("bool", "fpKeyBool"),
        _ => ("string", "fpKeyString"),
    }
}

/// The codec of field `f`: `x` is the Go expression of the field (`m.Name`), `enc_path` and
/// `dec_path` the Go expressions of its JSON path when encoding and decoding.
fn field_codec(f: &Field, x: &str, enc_path: &str, dec_path: &str) -> FieldCodec {
    let e = elem(&f.ty);
    let is_wrapper = matches!(&f.ty, FieldType::WellKnown { wkt } if wkt.wrapped().is_some());
    let (enc, dec) = (&e.enc, &e.dec);
    match &f.label {
        Label::Repeated => FieldCodec {
            go_type: format!("[]{}", e.go_type),
            enc_cond: format!("len({x}) > 0"),
            enc_expr: format!("fpEncList(e, {enc_path}, {x}, {enc})"),
            dec_expr: format!("fpDecList(d, {dec_path}, v, {dec}, {})", e.null_is_value),
            null_is_value: false,
        },
        Label::Map { key } => {
            let (key_type, key_fn) = map_key(*key);
            FieldCodec {
                go_type: format!("map[{key_type}]{}", e.go_type),
                enc_cond: format!("len({x}) > 0"),
                enc_expr: format!("fpEncMap(e, {enc_path}, {x}, {enc})"),
                dec_expr: format!(
                    "fpDecMap(d, {dec_path}, v, {key_fn}, {dec}, {})",
                    e.null_is_value
                ),
                null_is_value: false,
            }
        }
        Label::Singular => {
            let explicit = f.explicit_presence || is_wrapper;
            match (e.holding, explicit) {
                (Holding::Nilable, _) => FieldCodec {
                    go_type: e.go_type.clone(),
                    enc_cond: format!("{x} != nil"),
                    enc_expr: match &f.ty {
                        FieldType::Message { .. } => format!("{x}.fpEncode(e, {enc_path})"),
                        _ => format!("{enc}(e, {enc_path}, {x})"),
                    },
                    dec_expr: match &f.ty {
                        FieldType::WellKnown { wkt: Wkt::Value } => {
                            format!("fpDecValue(d, {dec_path}, v)")
                        }
                        _ => format!("{dec}(d, {dec_path}, v)"),
                    },
                    null_is_value: e.null_is_value,
                },
                (Holding::Value(Zero::Bytes), true) => FieldCodec {
                    go_type: e.go_type.clone(),
                    enc_cond: format!("{x} != nil"),
                    enc_expr: format!("{enc}(e, {enc_path}, {x})"),
                    dec_expr: format!("{dec}(d, {dec_path}, v)"),
                    null_is_value: false,
                },
                (Holding::Value(_), true) => FieldCodec {
                    go_type: format!("*{}", e.go_type),
                    enc_cond: format!("{x} != nil"),
                    enc_expr: format!("{enc}(e, {enc_path}, *{x})"),
                    dec_expr: format!("fpPtr({dec}(d, {dec_path}, v))"),
                    null_is_value: e.null_is_value,
                },
                (Holding::Value(zero), false) => FieldCodec {
                    go_type: e.go_type.clone(),
                    enc_cond: match zero {
                        Zero::Float64 => format!("fpNonZeroF64({x})"),
                        Zero::Float32 => format!("fpNonZeroF32({x})"),
                        Zero::Number => format!("{x} != 0"),
                        Zero::Bool => x.to_string(),
                        Zero::String => format!("{x} != \"\""),
                        Zero::Bytes => format!("len({x}) > 0"),
                    },
                    enc_expr: format!("{enc}(e, {enc_path}, {x})"),
                    dec_expr: format!("{dec}(d, {dec_path}, v)"),
                    null_is_value: e.null_is_value,
                },
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Enums.

fn enum_vm(e: &Enum) -> EnumVm {
    // Declaration order, from source locations: the IR lists aliases in another order, and an
    // encoder must print the first declared name of a number.
    let mut values: Vec<&EnumValue> = e.values.iter().collect();
    values.sort_by_key(|v| (v.location.line, v.location.col));
    let mut doc_text = if e.doc.trim().is_empty() {
        format!("{} is the enum {}.", e.names.go, e.full_name)
    } else {
        format!("{}\n\nProto enum: {}.", e.doc, e.full_name)
    };
    if e.deprecated && !has_deprecated_paragraph(&e.doc) {
        doc_text.push_str("\n\nDeprecated: this enum is marked deprecated in the .proto file.");
    }
    let mut primaries = Vec::new();
    let mut first_name: BTreeMap<i32, &EnumValue> = BTreeMap::new();
    let mut out_values = Vec::new();
    for v in &values {
        let mut text = v.doc.clone();
        match first_name.get(&v.number) {
            Some(first) => {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&format!(
                    "Alias of {} (the same number): encoders print {}.",
                    first.names.go, first.proto_name
                ));
            }
            None => {
                first_name.insert(v.number, v);
                primaries.push(NameNumber {
                    name: go_quote(&v.proto_name),
                    number: v.number,
                });
            }
        }
        if v.deprecated && !has_deprecated_paragraph(&v.doc) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str("Deprecated: this value is marked deprecated in the .proto file.");
        }
        out_values.push(EnumValueVm {
            doc: doc::line_comment(&text),
            name: v.names.go.clone(),
            number: v.number,
        });
    }
    let names = values
        .iter()
        .map(|v| NameNumber {
            name: go_quote(&v.proto_name),
            number: v.number,
        })
        .collect();
    EnumVm {
        doc: doc::doc_comment(&doc_text),
        name: e.names.go.clone(),
        values: out_values,
        primaries,
        names,
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Wraps text we write ourselves (not proto comments) at 96 columns.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for word in text.split(' ') {
        if width > 0 && width + 1 + word.chars().count() > 96 {
            out.push('\n');
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.chars().count();
    }
    out
}

/// A Go interpreted string literal for `s`.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            '\u{feff}' => out.push_str("\\ufeff"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quote_escapes() {
        assert_eq!(go_quote("a\"b\\c\n\u{0}"), "\"a\\\"b\\\\c\\n\\x00\"");
    }
}
