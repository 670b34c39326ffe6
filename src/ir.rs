//! The intermediate representation between descriptors and emitters.
//!
//! Built once from the protox descriptor pool: every name each language will print, every doc
//! comment and every source location is resolved here, and name clashes are reported here.
//! Emitters read only this module's types.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use prost_reflect::{
    Cardinality, DescriptorPool, EnumDescriptor, FieldDescriptor, FileDescriptor, Kind,
    MessageDescriptor,
};
use serde::Serialize;

use crate::error::{Diagnostic, Error, Location, Result};
use crate::manifest::{Backend, Manifest, PluginSpec};
use crate::names;

/// The whole manifest, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Ir {
    /// Plugins in manifest order.
    pub plugins: Vec<Plugin>,
}

/// One identifier as each target language spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LangNames {
    /// Python.
    pub python: String,
    /// Go.
    pub go: String,
    /// TypeScript.
    pub typescript: String,
    /// Rust.
    pub rust: String,
}

/// The package names of one plugin in every target.
#[derive(Debug, Clone, Serialize)]
pub struct PackageNames {
    /// `flytekitplugins-spark`.
    pub python_dist: String,
    /// `spark` (imported as `flytekitplugins.spark`).
    pub python_module: String,
    /// `flyteplug.local/plugins/spark`.
    pub go_module: String,
    /// `spark` (the Go package clause).
    pub go_package: String,
    /// `@flyteplugins/spark`.
    pub npm_name: String,
    /// `flyteplugins-spark`.
    pub rust_crate: String,
    /// `flyteplugins_spark`.
    pub rust_lib: String,
    /// `Spark`: the prefix of task class names (`SparkTask`).
    pub pascal: String,
}

/// One `[[plugin]]` with everything reachable from its custom message.
#[derive(Debug, Clone, Serialize)]
pub struct Plugin {
    /// kebab-case name.
    pub name: String,
    /// Package names per target.
    pub package: PackageNames,
    /// `TaskTemplate.type`.
    pub task_type: String,
    /// `TaskTemplate.task_type_version`.
    pub task_type_version: i32,
    /// The backend kind.
    pub backend: Backend,
    /// Version of the generated packages.
    pub version: String,
    /// One line for package metadata.
    pub description: String,
    /// The `.proto` file named in the manifest.
    pub proto_file: String,
    /// Full name of the custom message.
    pub custom: String,
    /// Every message reachable from the custom message (custom first, then by full name).
    /// Well-known types and map entries are not listed: they are built in.
    pub messages: Vec<Message>,
    /// Every enum reachable from the custom message, by full name.
    pub enums: Vec<Enum>,
    /// The well-known types used anywhere in the plugin, sorted.
    pub well_known: Vec<Wkt>,
    /// The `.proto` files that define the listed messages and enums, sorted.
    pub source_files: Vec<String>,
}

impl Plugin {
    /// The message with this full name (a binary search: after the custom message, messages
    /// are sorted by full name).
    pub fn message(&self, full_name: &str) -> Option<&Message> {
        let (custom, rest) = self.messages.split_first()?;
        if custom.full_name == full_name {
            return Some(custom);
        }
        rest.binary_search_by(|m| m.full_name.as_str().cmp(full_name))
            .ok()
            .map(|i| &rest[i])
    }

    /// The custom message.
    pub fn custom_message(&self) -> &Message {
        &self.messages[0]
    }

    /// The enum with this full name (a binary search: enums are sorted by full name).
    pub fn enum_(&self, full_name: &str) -> Option<&Enum> {
        self.enums
            .binary_search_by(|e| e.full_name.as_str().cmp(full_name))
            .ok()
            .map(|i| &self.enums[i])
    }
}

/// A message.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// `acme.spark.v1.SparkJob.Driver`.
    pub full_name: String,
    /// `Driver`.
    pub proto_name: String,
    /// `acme.spark.v1`.
    pub package: String,
    /// The type name per language (nested names flattened: `SparkJobDriver`).
    pub names: LangNames,
    /// Comment text (leading, then trailing), without comment markers; may be empty.
    pub doc: String,
    /// Where it is declared.
    pub location: Location,
    /// `option deprecated = true`.
    pub deprecated: bool,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
    /// Real oneofs (not the synthetic ones of proto3 `optional`) in declaration order.
    pub oneofs: Vec<Oneof>,
    /// True when the message can reach itself through its fields.
    pub recursive: bool,
}

/// A oneof.
#[derive(Debug, Clone, Serialize)]
pub struct Oneof {
    /// `source`.
    pub proto_name: String,
    /// Field-style name per language (Rust stores the oneof as one field of this name).
    pub names: LangNames,
    /// Type name per language for a language that models the oneof as its own type
    /// (Rust: `SparkJobSource`).
    pub type_names: LangNames,
    /// Comment text.
    pub doc: String,
    /// Where it is declared.
    pub location: Location,
    /// Indexes into the message's `fields`.
    pub fields: Vec<usize>,
}

/// A field.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The name as written in the `.proto` (also accepted on input).
    pub proto_name: String,
    /// The JSON key written on output (`json_name`, else lowerCamelCase).
    pub json_name: String,
    /// Field number.
    pub number: u32,
    /// The name per language.
    pub names: LangNames,
    /// The value type (of each element for `repeated`, of each value for maps).
    pub ty: FieldType,
    /// Singular, repeated or map.
    pub label: Label,
    /// For singular fields: does the field track presence (message, `optional`, oneof member)?
    pub explicit_presence: bool,
    /// Index into the message's `oneofs` for members of a real oneof.
    pub oneof: Option<usize>,
    /// `[deprecated = true]`.
    pub deprecated: bool,
    /// Comment text.
    pub doc: String,
    /// Where it is declared.
    pub location: Location,
}

/// How many values a field holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Label {
    /// One value.
    Singular,
    /// `repeated`.
    Repeated,
    /// `map<key, ty>`.
    Map {
        /// The key type (an integral type, bool or string).
        key: Scalar,
    },
}

/// The type of a field's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldType {
    /// A scalar.
    Scalar {
        /// Which.
        scalar: Scalar,
    },
    /// An enum of the plugin (see `Plugin::enums`).
    Enum {
        /// Full name.
        full_name: String,
        /// Type name per language.
        names: LangNames,
    },
    /// A message of the plugin (see `Plugin::messages`).
    Message {
        /// Full name.
        full_name: String,
        /// Type name per language.
        names: LangNames,
    },
    /// A well-known type.
    WellKnown {
        /// Which.
        wkt: Wkt,
    },
}

/// Protobuf scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Scalar {
    Double,
    Float,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
    String,
    Bytes,
}

/// What a scalar looks like in JSON: the categories the codecs implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonKind {
    /// int32, sint32, sfixed32: a JSON number.
    I32,
    /// uint32, fixed32: a JSON number.
    U32,
    /// int64, sint64, sfixed64: a decimal string.
    I64,
    /// uint64, fixed64: a decimal string.
    U64,
    /// float: a number (shortest float32 text), or `"NaN"`/`"Infinity"`/`"-Infinity"`.
    F32,
    /// double: a number, or `"NaN"`/`"Infinity"`/`"-Infinity"`.
    F64,
    /// bool.
    Bool,
    /// string.
    String,
    /// bytes: standard base64 with padding.
    Bytes,
}

impl Scalar {
    /// The JSON category.
    pub fn json_kind(self) -> JsonKind {
        match self {
            Scalar::Int32 | Scalar::Sint32 | Scalar::Sfixed32 => JsonKind::I32,
            Scalar::Uint32 | Scalar::Fixed32 => JsonKind::U32,
            Scalar::Int64 | Scalar::Sint64 | Scalar::Sfixed64 => JsonKind::I64,
            Scalar::Uint64 | Scalar::Fixed64 => JsonKind::U64,
            Scalar::Float => JsonKind::F32,
            Scalar::Double => JsonKind::F64,
            Scalar::Bool => JsonKind::Bool,
            Scalar::String => JsonKind::String,
            Scalar::Bytes => JsonKind::Bytes,
        }
    }

    /// The proto spelling (`int64`).
    pub fn proto_name(self) -> &'static str {
        match self {
            Scalar::Double => "double",
            Scalar::Float => "float",
            Scalar::Int32 => "int32",
            Scalar::Int64 => "int64",
            Scalar::Uint32 => "uint32",
            Scalar::Uint64 => "uint64",
            Scalar::Sint32 => "sint32",
            Scalar::Sint64 => "sint64",
            Scalar::Fixed32 => "fixed32",
            Scalar::Fixed64 => "fixed64",
            Scalar::Sfixed32 => "sfixed32",
            Scalar::Sfixed64 => "sfixed64",
            Scalar::Bool => "bool",
            Scalar::String => "string",
            Scalar::Bytes => "bytes",
        }
    }

    fn from_kind(kind: &Kind) -> Option<Scalar> {
        Some(match kind {
            Kind::Double => Scalar::Double,
            Kind::Float => Scalar::Float,
            Kind::Int32 => Scalar::Int32,
            Kind::Int64 => Scalar::Int64,
            Kind::Uint32 => Scalar::Uint32,
            Kind::Uint64 => Scalar::Uint64,
            Kind::Sint32 => Scalar::Sint32,
            Kind::Sint64 => Scalar::Sint64,
            Kind::Fixed32 => Scalar::Fixed32,
            Kind::Fixed64 => Scalar::Fixed64,
            Kind::Sfixed32 => Scalar::Sfixed32,
            Kind::Sfixed64 => Scalar::Sfixed64,
            Kind::Bool => Scalar::Bool,
            Kind::String => Scalar::String,
            Kind::Bytes => Scalar::Bytes,
            Kind::Message(_) | Kind::Enum(_) => return None,
        })
    }
}

/// The well-known types, each with its special JSON form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[allow(missing_docs)]
pub enum Wkt {
    Any,
    Duration,
    Empty,
    FieldMask,
    ListValue,
    NullValue,
    Struct,
    Timestamp,
    Value,
    DoubleValue,
    FloatValue,
    Int64Value,
    UInt64Value,
    Int32Value,
    UInt32Value,
    BoolValue,
    StringValue,
    BytesValue,
}

impl Wkt {
    /// Recognizes `google.protobuf.*` full names.
    pub fn from_full_name(name: &str) -> Option<Wkt> {
        Some(match name.strip_prefix("google.protobuf.")? {
            "Any" => Wkt::Any,
            "Duration" => Wkt::Duration,
            "Empty" => Wkt::Empty,
            "FieldMask" => Wkt::FieldMask,
            "ListValue" => Wkt::ListValue,
            "NullValue" => Wkt::NullValue,
            "Struct" => Wkt::Struct,
            "Timestamp" => Wkt::Timestamp,
            "Value" => Wkt::Value,
            "DoubleValue" => Wkt::DoubleValue,
            "FloatValue" => Wkt::FloatValue,
            "Int64Value" => Wkt::Int64Value,
            "UInt64Value" => Wkt::UInt64Value,
            "Int32Value" => Wkt::Int32Value,
            "UInt32Value" => Wkt::UInt32Value,
            "BoolValue" => Wkt::BoolValue,
            "StringValue" => Wkt::StringValue,
            "BytesValue" => Wkt::BytesValue,
            _ => return None,
        })
    }

    /// The full proto name.
    pub fn full_name(self) -> String {
        format!("google.protobuf.{self:?}")
    }

    /// For wrappers, the wrapped scalar.
    pub fn wrapped(self) -> Option<Scalar> {
        Some(match self {
            Wkt::DoubleValue => Scalar::Double,
            Wkt::FloatValue => Scalar::Float,
            Wkt::Int64Value => Scalar::Int64,
            Wkt::UInt64Value => Scalar::Uint64,
            Wkt::Int32Value => Scalar::Int32,
            Wkt::UInt32Value => Scalar::Uint32,
            Wkt::BoolValue => Scalar::Bool,
            Wkt::StringValue => Scalar::String,
            Wkt::BytesValue => Scalar::Bytes,
            _ => return None,
        })
    }
}

/// An enum.
#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    /// `acme.spark.v1.SparkJob.ApplicationType`.
    pub full_name: String,
    /// `ApplicationType`.
    pub proto_name: String,
    /// `acme.spark.v1`.
    pub package: String,
    /// Type name per language.
    pub names: LangNames,
    /// Comment text.
    pub doc: String,
    /// Where it is declared.
    pub location: Location,
    /// `option deprecated = true`.
    pub deprecated: bool,
    /// Values in declaration order.
    pub values: Vec<EnumValue>,
}

/// An enum value.
#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    /// `PYTHON`: the JSON spelling.
    pub proto_name: String,
    /// The number.
    pub number: i32,
    /// The name per language.
    pub names: LangNames,
    /// False for an alias (`allow_alias`): a later name for a number already listed. Encoders
    /// print the first name of each number.
    pub primary: bool,
    /// `[deprecated = true]`.
    pub deprecated: bool,
    /// Comment text.
    pub doc: String,
    /// Where it is declared.
    pub location: Location,
}

/// Builds the IR for every plugin of the manifest, reporting every problem at once.
pub fn build(manifest: &Manifest, pool: &DescriptorPool) -> Result<Ir> {
    let mut plugins = Vec::new();
    let mut diags = Vec::new();
    for spec in &manifest.plugins {
        match build_plugin(manifest, spec, pool) {
            Ok(p) => plugins.push(p),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if diags.is_empty() {
        Ok(Ir { plugins })
    } else {
        diags.sort();
        diags.dedup();
        Err(Error::Input(diags))
    }
}

fn build_plugin(
    manifest: &Manifest,
    spec: &PluginSpec,
    pool: &DescriptorPool,
) -> std::result::Result<Plugin, Vec<Diagnostic>> {
    let Some(custom) = pool.get_message_by_name(&spec.message.value) else {
        let mut d = Diagnostic::at(
            spec.message.location.clone(),
            format!(
                "message `{}` is not defined in `{}` or its imports",
                spec.message.value, spec.proto.value
            ),
        );
        let known: Vec<String> = pool
            .get_file_by_name(&spec.proto.value)
            .map(|f| f.messages().map(|m| m.full_name().to_string()).collect())
            .unwrap_or_default();
        if !known.is_empty() {
            d.detail = Some(format!(
                "  = help: `{}` defines {}",
                spec.proto.value,
                known.join(", ")
            ));
        }
        return Err(vec![d]);
    };
    if Wkt::from_full_name(custom.full_name()).is_some() {
        return Err(vec![Diagnostic::at(
            spec.message.location.clone(),
            "the custom message must be a message of your own, not a well-known type",
        )]);
    }
    let in_file = custom.parent_file().name() == spec.proto.value
        || custom
            .parent_file()
            .public_dependencies()
            .any(|d| d.name() == spec.proto.value);
    if !in_file {
        return Err(vec![Diagnostic::at(
            spec.message.location.clone(),
            format!(
                "message `{}` is defined in `{}`, not in `{}`",
                spec.message.value,
                custom.parent_file().name(),
                spec.proto.value
            ),
        )]);
    }

    // Reachability, breadth-first; the order is then fixed by sorting.
    let mut messages: BTreeMap<String, MessageDescriptor> = BTreeMap::new();
    let mut enums: BTreeMap<String, EnumDescriptor> = BTreeMap::new();
    let mut wkts: BTreeSet<Wkt> = BTreeSet::new();
    let mut queue = vec![custom.clone()];
    while let Some(m) = queue.pop() {
        if messages.contains_key(m.full_name()) {
            continue;
        }
        messages.insert(m.full_name().to_string(), m.clone());
        for f in m.fields() {
            let value_kind = if f.is_map() {
                let entry = match f.kind() {
                    Kind::Message(e) => e,
                    _ => continue,
                };
                entry.map_entry_value_field().kind()
            } else {
                f.kind()
            };
            match value_kind {
                Kind::Message(inner) => match Wkt::from_full_name(inner.full_name()) {
                    Some(w) => {
                        wkts.insert(w);
                    }
                    None => queue.push(inner),
                },
                Kind::Enum(e) => match Wkt::from_full_name(e.full_name()) {
                    Some(w) => {
                        wkts.insert(w);
                    }
                    None => {
                        enums.insert(e.full_name().to_string(), e);
                    }
                },
                _ => {}
            }
        }
    }

    let custom_package = custom.package_name().to_string();
    let docs = DocIndex::new(pool);
    let type_names = resolve_type_names(&messages, &enums, &custom_package, &docs)?;
    let mut diags = Vec::new();

    let recursive = recursive_messages(&messages);
    let mut out_messages = Vec::new();
    let mut ordered: Vec<&MessageDescriptor> = vec![&messages[custom.full_name()]];
    ordered.extend(
        messages
            .values()
            .filter(|m| m.full_name() != custom.full_name()),
    );
    let built = crate::parallel::parallel_map(&ordered, |m| {
        build_message(m, &type_names, &docs, &recursive)
    });
    for message in built {
        match message {
            Ok(msg) => out_messages.push(msg),
            Err(mut d) => diags.append(&mut d),
        }
    }
    let mut out_enums = Vec::new();
    for e in enums.values() {
        match build_enum(e, &type_names, &docs) {
            Ok(en) => out_enums.push(en),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut source_files: BTreeSet<String> = BTreeSet::new();
    for m in messages.values() {
        source_files.insert(m.parent_file().name().to_string());
    }
    for e in enums.values() {
        source_files.insert(e.parent_file().name().to_string());
    }

    let name = spec.name.value.clone();
    let snake = name.replace('-', "_");
    let package = PackageNames {
        python_dist: format!("flytekitplugins-{name}"),
        python_module: snake.clone(),
        go_module: format!("{}/{}", manifest.go_module_prefix, name),
        go_package: name.replace('-', ""),
        npm_name: format!("@{}/{}", manifest.npm_scope, name),
        rust_crate: format!("flyteplugins-{name}"),
        rust_lib: format!("flyteplugins_{snake}"),
        pascal: names::upper_camel(&snake),
    };
    let description = spec.description.clone().unwrap_or_else(|| {
        let first = out_messages[0]
            .doc
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if first.is_empty() {
            format!("Flyte plugin `{}` (generated by flyteplug).", name)
        } else {
            first
        }
    });
    Ok(Plugin {
        name,
        package,
        task_type: spec.task_type.value.clone(),
        task_type_version: spec.task_type_version,
        backend: spec.backend,
        version: spec.version.clone(),
        description,
        proto_file: spec.proto.value.clone(),
        custom: custom.full_name().to_string(),
        messages: out_messages,
        enums: out_enums,
        well_known: wkts.into_iter().collect(),
        source_files: source_files.into_iter().collect(),
    })
}

/// The nested path of a type within its package: `SparkJob.Driver` → `["SparkJob", "Driver"]`.
fn nested_path(full_name: &str, package: &str) -> Vec<String> {
    let local = if package.is_empty() {
        full_name
    } else {
        &full_name[package.len() + 1..]
    };
    local.split('.').map(str::to_string).collect()
}

/// Flattened per-language type names for every message and enum, unique within the plugin.
fn resolve_type_names(
    messages: &BTreeMap<String, MessageDescriptor>,
    enums: &BTreeMap<String, EnumDescriptor>,
    custom_package: &str,
    docs: &DocIndex,
) -> std::result::Result<BTreeMap<String, LangNames>, Vec<Diagnostic>> {
    // (full name, package, location) of every type.
    let mut types: Vec<(String, String, Location)> = Vec::new();
    for m in messages.values() {
        types.push((
            m.full_name().to_string(),
            m.package_name().to_string(),
            message_location(docs, m),
        ));
    }
    for e in enums.values() {
        types.push((
            e.full_name().to_string(),
            e.package_name().to_string(),
            enum_location(docs, e),
        ));
    }
    // A simple flattened name shared by types of different packages is qualified by package,
    // except for the custom message's own package.
    let mut by_flat: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let flat_of = |full: &str, pkg: &str| -> String {
        nested_path(full, pkg)
            .iter()
            .map(|s| names::capitalize(s))
            .collect::<String>()
    };
    for (full, pkg, _) in &types {
        by_flat
            .entry(flat_of(full, pkg))
            .or_default()
            .insert(pkg.clone());
    }
    let mut result = BTreeMap::new();
    for (full, pkg, _) in &types {
        let flat = flat_of(full, pkg);
        let flat = if by_flat[&flat].len() > 1 && pkg != custom_package {
            let prefix: String = pkg.split('.').map(names::capitalize).collect();
            format!("{prefix}{flat}")
        } else {
            flat
        };
        result.insert(
            full.clone(),
            LangNames {
                python: names::python::type_name(&flat),
                go: names::go::type_name(&flat),
                typescript: names::typescript::type_name(&flat),
                rust: names::rust::type_name(&flat),
            },
        );
    }
    // Two types with one generated name in any language is an error naming both.
    let mut diags = Vec::new();
    for lang in Lang::ALL {
        let mut seen: BTreeMap<String, &(String, String, Location)> = BTreeMap::new();
        for t in &types {
            let n = lang.pick(&result[&t.0]).clone();
            if let Some(prev) = seen.get(&n) {
                diags.push(Diagnostic::at(
                    t.2.clone(),
                    format!(
                        "`{}` and `{}` (at {}) both become the {} type `{}`; rename one of them",
                        t.0,
                        prev.0,
                        prev.2,
                        lang.label(),
                        n
                    ),
                ));
            } else {
                seen.insert(n, t);
            }
        }
    }
    if diags.is_empty() {
        Ok(result)
    } else {
        Err(diags)
    }
}

/// The target languages, for per-language checks over `LangNames`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Python.
    Python,
    /// Go.
    Go,
    /// TypeScript.
    TypeScript,
    /// Rust.
    Rust,
}

impl Lang {
    /// All four.
    pub const ALL: [Lang; 4] = [Lang::Python, Lang::Go, Lang::TypeScript, Lang::Rust];

    /// This language's spelling.
    pub fn pick(self, names: &LangNames) -> &String {
        match self {
            Lang::Python => &names.python,
            Lang::Go => &names.go,
            Lang::TypeScript => &names.typescript,
            Lang::Rust => &names.rust,
        }
    }

    /// Human name.
    pub fn label(self) -> &'static str {
        match self {
            Lang::Python => "Python",
            Lang::Go => "Go",
            Lang::TypeScript => "TypeScript",
            Lang::Rust => "Rust",
        }
    }
}

fn field_type(kind: &Kind, type_names: &BTreeMap<String, LangNames>) -> FieldType {
    match kind {
        Kind::Message(m) => match Wkt::from_full_name(m.full_name()) {
            Some(wkt) => FieldType::WellKnown { wkt },
            None => FieldType::Message {
                full_name: m.full_name().to_string(),
                names: type_names[m.full_name()].clone(),
            },
        },
        Kind::Enum(e) => match Wkt::from_full_name(e.full_name()) {
            Some(wkt) => FieldType::WellKnown { wkt },
            None => FieldType::Enum {
                full_name: e.full_name().to_string(),
                names: type_names[e.full_name()].clone(),
            },
        },
        other => FieldType::Scalar {
            scalar: Scalar::from_kind(other).expect("scalar kind"),
        },
    }
}

fn build_message(
    m: &MessageDescriptor,
    type_names: &BTreeMap<String, LangNames>,
    docs: &DocIndex,
    recursive: &BTreeSet<String>,
) -> std::result::Result<Message, Vec<Diagnostic>> {
    let file = m.parent_file();
    let names = type_names[m.full_name()].clone();
    let real_oneofs: Vec<_> = m.oneofs().filter(|o| !o.is_synthetic()).collect();
    let mut fields = Vec::new();
    for f in m.fields() {
        fields.push(build_field(&f, type_names, docs, &real_oneofs));
    }
    let mut oneofs = Vec::new();
    for o in &real_oneofs {
        let loc_path = o.path().to_vec();
        let snake = names::snake(o.name());
        let flat = format!("{}{}", names.rust, names::upper_camel(o.name()));
        oneofs.push(Oneof {
            proto_name: o.name().to_string(),
            names: LangNames {
                python: names::python::field_name(o.name()),
                go: names::go::field_name(o.name()),
                typescript: names::typescript::field_name(o.name()),
                rust: names::rust::ident(snake),
            },
            type_names: LangNames {
                python: names::python::type_name(&flat),
                go: names::go::type_name(&flat),
                typescript: names::typescript::type_name(&flat),
                rust: names::rust::type_name(&flat),
            },
            doc: docs.doc(&file, &loc_path),
            location: docs.location(&file, &loc_path),
            fields: fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.oneof == Some(oneofs.len()))
                .map(|(i, _)| i)
                .collect(),
        });
    }
    // Field names must be unique per language; Rust also stores each oneof as one field.
    let mut diags = Vec::new();
    for lang in Lang::ALL {
        let mut seen: BTreeMap<&String, (&str, &Location)> = BTreeMap::new();
        let mut members: Vec<(&String, &str, &Location)> = fields
            .iter()
            .map(|f| (lang.pick(&f.names), f.proto_name.as_str(), &f.location))
            .collect();
        if lang == Lang::Rust {
            members.extend(
                oneofs
                    .iter()
                    .map(|o| (&o.names.rust, o.proto_name.as_str(), &o.location)),
            );
        }
        for (n, proto, loc) in members {
            if let Some((prev, prev_loc)) = seen.get(n) {
                diags.push(Diagnostic::at(
                    loc.clone(),
                    format!(
                        "`{}.{proto}` and `{prev}` (at {prev_loc}) both become the {} field `{n}`; rename one of them",
                        m.full_name(),
                        lang.label()
                    ),
                ));
            } else {
                seen.insert(n, (proto, loc));
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Message {
        full_name: m.full_name().to_string(),
        proto_name: m.name().to_string(),
        package: m.package_name().to_string(),
        names,
        doc: docs.doc(&file, m.path()),
        location: message_location(docs, m),
        deprecated: m
            .descriptor_proto()
            .options
            .as_ref()
            .and_then(|o| o.deprecated)
            .unwrap_or(false),
        fields,
        oneofs,
        recursive: recursive.contains(m.full_name()),
    })
}

/// The message types each message's fields refer to (through lists and map values too).
fn children(m: &MessageDescriptor) -> Vec<String> {
    let mut out = Vec::new();
    for f in m.fields() {
        let kind = if f.is_map() {
            match f.kind() {
                Kind::Message(e) => e.map_entry_value_field().kind(),
                k => k,
            }
        } else {
            f.kind()
        };
        if let Kind::Message(inner) = kind {
            out.push(inner.full_name().to_string());
        }
    }
    out
}

/// The messages that can reach themselves through their fields: members of a strongly connected
/// component of more than one message, or with a field of their own type. Linear in the size of
/// the graph (Kosaraju's algorithm, iterative so deep chains cannot overflow the stack).
fn recursive_messages(all: &BTreeMap<String, MessageDescriptor>) -> BTreeSet<String> {
    let names: Vec<&String> = all.keys().collect();
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = all
        .values()
        .map(|m| {
            children(m)
                .iter()
                .filter_map(|c| index.get(c.as_str()).copied())
                .collect()
        })
        .collect();
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            reverse[to].push(from);
        }
    }
    // Pass 1: finishing order.
    let mut visited = vec![false; names.len()];
    let mut order = Vec::with_capacity(names.len());
    for start in 0..names.len() {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&child) = edges[node].get(next) {
                stack.push((node, next + 1));
                if !visited[child] {
                    visited[child] = true;
                    stack.push((child, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    // Pass 2: components on the reversed graph, in reverse finishing order.
    let mut component = vec![usize::MAX; names.len()];
    let mut sizes = Vec::new();
    for &root in order.iter().rev() {
        if component[root] != usize::MAX {
            continue;
        }
        let id = sizes.len();
        sizes.push(0usize);
        component[root] = id;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            sizes[id] += 1;
            for &prev in &reverse[node] {
                if component[prev] == usize::MAX {
                    component[prev] = id;
                    stack.push(prev);
                }
            }
        }
    }
    (0..names.len())
        .filter(|&i| sizes[component[i]] > 1 || edges[i].contains(&i))
        .map(|i| names[i].clone())
        .collect()
}

fn build_field(
    f: &FieldDescriptor,
    type_names: &BTreeMap<String, LangNames>,
    docs: &DocIndex,
    real_oneofs: &[prost_reflect::OneofDescriptor],
) -> Field {
    let file = f.parent_file();
    let (ty, label) = if f.is_map() {
        let Kind::Message(entry) = f.kind() else {
            unreachable!("map fields have entry messages")
        };
        let key =
            Scalar::from_kind(&entry.map_entry_key_field().kind()).expect("map keys are scalars");
        (
            field_type(&entry.map_entry_value_field().kind(), type_names),
            Label::Map { key },
        )
    } else if f.cardinality() == Cardinality::Repeated {
        (field_type(&f.kind(), type_names), Label::Repeated)
    } else {
        (field_type(&f.kind(), type_names), Label::Singular)
    };
    let oneof = f
        .containing_oneof()
        .filter(|o| !o.is_synthetic())
        .and_then(|o| real_oneofs.iter().position(|r| r.name() == o.name()));
    Field {
        proto_name: f.name().to_string(),
        json_name: f.json_name().to_string(),
        number: f.number(),
        names: LangNames {
            python: names::python::field_name(f.name()),
            go: names::go::field_name(f.name()),
            typescript: names::typescript::field_name(f.name()),
            rust: names::rust::field_name(f.name()),
        },
        explicit_presence: label == Label::Singular && f.supports_presence(),
        ty,
        label,
        oneof,
        deprecated: f
            .field_descriptor_proto()
            .options
            .as_ref()
            .and_then(|o| o.deprecated)
            .unwrap_or(false),
        doc: docs.doc(&file, f.path()),
        location: docs.location(&file, f.path()),
    }
}

fn build_enum(
    e: &EnumDescriptor,
    type_names: &BTreeMap<String, LangNames>,
    docs: &DocIndex,
) -> std::result::Result<Enum, Vec<Diagnostic>> {
    let file = e.parent_file();
    let names = type_names[e.full_name()].clone();
    let mut seen_numbers = BTreeSet::new();
    let mut values = Vec::new();
    // prost-reflect lists values by number; declaration order decides which name of an alias
    // is primary, so walk the declared values.
    let declared = e
        .enum_descriptor_proto()
        .value
        .iter()
        .filter_map(|v| e.get_value_by_name(v.name()));
    for v in declared {
        values.push(EnumValue {
            proto_name: v.name().to_string(),
            number: v.number(),
            names: LangNames {
                python: names::python::enum_value_name(&names.python, v.name()),
                go: names::go::enum_value_name(&names.go, v.name()),
                typescript: names::typescript::enum_value_name(&names.typescript, v.name()),
                rust: names::rust::enum_value_name(&names.rust, v.name()),
            },
            primary: seen_numbers.insert(v.number()),
            deprecated: v
                .enum_value_descriptor_proto()
                .options
                .as_ref()
                .and_then(|o| o.deprecated)
                .unwrap_or(false),
            doc: docs.doc(&file, v.path()),
            location: docs.location(&file, v.path()),
        });
    }
    let mut diags = Vec::new();
    for lang in Lang::ALL {
        let mut seen: BTreeMap<&String, &EnumValue> = BTreeMap::new();
        for v in &values {
            let n = lang.pick(&v.names);
            if let Some(prev) = seen.get(n) {
                diags.push(Diagnostic::at(
                    v.location.clone(),
                    format!(
                        "enum values `{}` and `{}` (at {}) of `{}` both become the {} name `{n}`; rename one of them",
                        v.proto_name,
                        prev.proto_name,
                        prev.location,
                        e.full_name(),
                        lang.label()
                    ),
                ));
            } else {
                seen.insert(n, v);
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Enum {
        full_name: e.full_name().to_string(),
        proto_name: e.name().to_string(),
        package: e.package_name().to_string(),
        names,
        doc: docs.doc(&file, e.path()),
        location: docs.location(&file, e.path()),
        deprecated: e
            .enum_descriptor_proto()
            .options
            .as_ref()
            .and_then(|o| o.deprecated)
            .unwrap_or(false),
        values,
    })
}

fn message_location(docs: &DocIndex, m: &MessageDescriptor) -> Location {
    docs.location(&m.parent_file(), m.path())
}

fn enum_location(docs: &DocIndex, e: &EnumDescriptor) -> Location {
    docs.location(&e.parent_file(), e.path())
}

/// Line, column and doc text of one declaration.
type Decl = (u32, u32, String);

/// Comments and spans from `SourceCodeInfo`, looked up by descriptor path: one map per file,
/// built once, so that looking up every declaration is linear in the size of the IDL.
struct DocIndex {
    /// File name → descriptor path → declaration.
    files: HashMap<String, HashMap<Vec<i32>, Decl>>,
}

impl DocIndex {
    fn new(pool: &DescriptorPool) -> Self {
        let mut files = HashMap::new();
        for file in pool.files() {
            let Some(info) = file.file_descriptor_proto().source_code_info.as_ref() else {
                continue;
            };
            let mut map = HashMap::with_capacity(info.location.len());
            for l in &info.location {
                // The first location of a path is the declaration (protoc's order).
                map.entry(l.path.clone()).or_insert_with(|| {
                    let line = l.span.first().map_or(1, |&v| v as u32 + 1);
                    let col = l.span.get(1).map_or(1, |&v| v as u32 + 1);
                    (line, col, doc_text(l))
                });
            }
            files.insert(file.name().to_string(), map);
        }
        DocIndex { files }
    }

    fn find(&self, file: &FileDescriptor, path: &[i32]) -> Option<&Decl> {
        self.files.get(file.name())?.get(path)
    }

    fn location(&self, file: &FileDescriptor, path: &[i32]) -> Location {
        let (line, col) = self
            .find(file, path)
            .map(|(line, col, _)| (*line, *col))
            .unwrap_or((1, 1));
        Location {
            file: file.name().to_string(),
            line,
            col,
        }
    }

    /// Leading comment, then trailing comment, each dedented; blank when there is none.
    fn doc(&self, file: &FileDescriptor, path: &[i32]) -> String {
        self.find(file, path)
            .map(|(_, _, doc)| doc.clone())
            .unwrap_or_default()
    }
}

/// A location's leading comment, then its trailing comment, each cleaned.
fn doc_text(l: &prost_types::source_code_info::Location) -> String {
    let mut parts = Vec::new();
    for c in [
        l.leading_comments.as_deref(),
        l.trailing_comments.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        let text = clean_comment(c);
        if !text.is_empty() {
            parts.push(text);
        }
    }
    parts.join("\n\n")
}

/// Removes the one leading space protoc style leaves on each line, trailing blanks and blank
/// edges; keeps inner blank lines.
fn clean_comment(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
        .collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map(|i| i + 1)
        .unwrap_or(start);
    lines[start..end].join("\n")
}
