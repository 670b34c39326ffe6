//! View-models of the Rust module file: every type string, layout and doc comment is decided
//! here; `templates/rust/module.rs.hbs` only prints.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::{Diagnostic, Error, Result};
use crate::ir::{Enum, EnumValue, Field, FieldType, Label, Message, Plugin, Scalar, Wkt};
use crate::names;
use crate::targets::header;

use super::doc;
use super::layout::{arm, assign, call, pair_array, string_literal};

/// The module file.
#[derive(Serialize)]
pub struct ModuleVm {
    header: String,
    uses_btreemap: bool,
    messages: Vec<MessageVm>,
    enums: Vec<EnumVm>,
    codec: String,
}

#[derive(Serialize)]
struct MessageVm {
    doc: String,
    name: String,
    has_fields: bool,
    /// Struct body: doc lines and `pub name: Type,` per field, each ending in a newline.
    fields: Vec<String>,
    /// `const FULL_NAME ...;` in the `Message` impl.
    full_name: String,
    /// `const FIELDS ...;` in the `Message` impl.
    field_names: String,
    encode: Vec<String>,
    decode: Vec<String>,
    oneofs: Vec<OneofVm>,
}

#[derive(Serialize)]
struct OneofVm {
    doc: String,
    name: String,
    variants: Vec<String>,
    proto_name: String,
    name_arms: String,
    encode_arms: String,
}

#[derive(Serialize)]
struct EnumVm {
    doc: String,
    name: String,
    variants: Vec<String>,
    full_name: String,
    aliases: Vec<String>,
    from_number: String,
    number: String,
    proto_name: String,
    from_proto_name: String,
}

/// Builds the module view-model; `codec` is the rendered runtime.
pub fn module(plugin: &Plugin, codec: String) -> Result<ModuleVm> {
    let boxed = boxed_fields(plugin);
    let mut messages = Vec::new();
    let mut diags = Vec::new();
    for m in &plugin.messages {
        match message(m, &boxed) {
            Ok(vm) => messages.push(vm),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if !diags.is_empty() {
        return Err(Error::Input(diags));
    }
    let uses_btreemap = plugin
        .messages
        .iter()
        .flat_map(|m| &m.fields)
        .any(|f| matches!(f.label, Label::Map { .. }));
    Ok(ModuleVm {
        header: header("//", &plugin.source_files),
        uses_btreemap,
        messages,
        enums: plugin.enums.iter().map(enum_).collect(),
        codec,
    })
}

/// `(message full name, field index)` of the singular message fields that need a `Box`: those
/// whose type reaches back to the message through singular message fields (a struct cannot
/// hold itself inline; `Vec` and `BTreeMap` already add indirection). A field from `m` to `t`
/// reaches back exactly when `m` and `t` are in one strongly connected component of the graph
/// of singular message fields, so one pass of Tarjan's algorithm decides every field.
pub(super) fn boxed_fields(plugin: &Plugin) -> BTreeSet<(String, usize)> {
    let index: BTreeMap<&str, usize> = (plugin.messages.iter().enumerate())
        .map(|(i, m)| (m.full_name.as_str(), i))
        .collect();
    let singular = |m: &'_ crate::ir::Message| -> Vec<(usize, usize)> {
        (m.fields.iter().enumerate())
            .filter_map(|(i, f)| match (&f.label, &f.ty) {
                (Label::Singular, FieldType::Message { full_name, .. }) => {
                    index.get(full_name.as_str()).map(|&t| (i, t))
                }
                _ => None,
            })
            .collect()
    };
    let edges: Vec<Vec<(usize, usize)>> = plugin.messages.iter().map(singular).collect();
    let component = components(&edges);
    let mut boxed = BTreeSet::new();
    for (m, out) in edges.iter().enumerate() {
        for &(field, t) in out {
            if component[m] == component[t] {
                boxed.insert((plugin.messages[m].full_name.clone(), field));
            }
        }
    }
    boxed
}

/// The strongly connected component of every node (Tarjan's algorithm, iterative so that a
/// deep chain of messages cannot overflow the stack). `edges[n]` lists `(label, target)`.
fn components(edges: &[Vec<(usize, usize)>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![NONE; n], vec![0; n], vec![NONE; n]);
    let (mut stack, mut on_stack) = (Vec::new(), vec![false; n]);
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != NONE {
            continue;
        }
        // (node, index of the next edge to follow)
        let mut calls = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut next)) = calls.last_mut() {
            if let Some(&(_, to)) = edges[node].get(*next) {
                *next += 1;
                if order[to] == NONE {
                    order[to] = next_order;
                    low[to] = next_order;
                    next_order += 1;
                    stack.push(to);
                    on_stack[to] = true;
                    calls.push((to, 0));
                } else if on_stack[to] {
                    low[node] = low[node].min(order[to]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

pub(super) fn scalar_type(s: Scalar) -> &'static str {
    match s {
        Scalar::Double => "f64",
        Scalar::Float => "f32",
        Scalar::Int32 | Scalar::Sint32 | Scalar::Sfixed32 => "i32",
        Scalar::Int64 | Scalar::Sint64 | Scalar::Sfixed64 => "i64",
        Scalar::Uint32 | Scalar::Fixed32 => "u32",
        Scalar::Uint64 | Scalar::Fixed64 => "u64",
        Scalar::Bool => "bool",
        Scalar::String => "String",
        Scalar::Bytes => "Vec<u8>",
    }
}

fn wkt_type(w: Wkt) -> String {
    if let Some(s) = w.wrapped() {
        return scalar_type(s).to_string();
    }
    let name = match w {
        Wkt::Any => "Any",
        Wkt::Duration => "Duration",
        Wkt::Empty => "Empty",
        Wkt::FieldMask => "FieldMask",
        Wkt::ListValue => "ListValue",
        Wkt::NullValue => "NullValue",
        Wkt::Struct => "Struct",
        Wkt::Timestamp => "Timestamp",
        _ => "Value",
    };
    format!("wkt::{name}")
}

/// The type of one value of the field (an element for lists, a value for maps).
fn value_type(ty: &FieldType, boxed: bool) -> String {
    let t = match ty {
        FieldType::Scalar { scalar } => scalar_type(*scalar).to_string(),
        FieldType::Enum { names, .. } | FieldType::Message { names, .. } => names.rust.clone(),
        FieldType::WellKnown { wkt } => wkt_type(*wkt),
    };
    if boxed { format!("Box<{t}>") } else { t }
}

fn deprecated_note(deprecated: bool, what: &str) -> Vec<String> {
    if deprecated {
        vec![format!(
            "**Deprecated**: this {what} is marked `deprecated` in the proto schema."
        )]
    } else {
        Vec::new()
    }
}

fn message(
    m: &Message,
    boxed: &BTreeSet<(String, usize)>,
) -> std::result::Result<MessageVm, Vec<Diagnostic>> {
    let mut fields = Vec::new();
    let mut encode = Vec::new();
    let mut decode = Vec::new();
    let mut oneofs_seen = BTreeSet::new();
    for (i, f) in m.fields.iter().enumerate() {
        let is_boxed = boxed.contains(&(m.full_name.clone(), i));
        let json = string_literal(&f.json_name);
        if let Some(o) = f.oneof {
            let Some(oneof) = m.oneofs.get(o) else {
                continue;
            };
            let field = &oneof.names.rust;
            if oneofs_seen.insert(o) {
                fields.push(format!(
                    "{}    pub {field}: Option<{}>,\n",
                    doc::comment(4, &oneof.doc, &[]),
                    oneof.type_names.rust
                ));
                encode.push(call(8, "w.oneof", &[format!("&self.{field}")], "?;"));
            }
            decode.push(call(
                8,
                "r.oneof",
                &[
                    json,
                    format!("&mut m.{field}"),
                    format!("{}::{}", oneof.type_names.rust, variant_name(f)),
                ],
                "?;",
            ));
            continue;
        }
        let value = value_type(&f.ty, is_boxed);
        let (ty, method) = match &f.label {
            Label::Repeated => (format!("Vec<{value}>"), "repeated"),
            Label::Map { key } => (format!("BTreeMap<{}, {value}>", scalar_type(*key)), "map"),
            Label::Singular if f.explicit_presence => (format!("Option<{value}>"), "optional"),
            Label::Singular => (value, "implicit"),
        };
        let name = &f.names.rust;
        fields.push(format!(
            "{}    pub {name}: {ty},\n",
            doc::comment(4, &f.doc, &deprecated_note(f.deprecated, "field"))
        ));
        encode.push(call(
            8,
            &format!("w.{method}"),
            &[json.clone(), format!("&self.{name}")],
            "?;",
        ));
        decode.push(call(
            8,
            &format!("r.{method}"),
            &[json, format!("&mut m.{name}")],
            "?;",
        ));
    }
    let mut oneofs = Vec::new();
    let mut diags = Vec::new();
    for oneof in &m.oneofs {
        let mut variants = Vec::new();
        let mut name_arms = String::new();
        let mut encode_arms = String::new();
        let mut seen: BTreeMap<String, &Field> = BTreeMap::new();
        for &i in &oneof.fields {
            let Some(f) = m.fields.get(i) else { continue };
            let variant = variant_name(f);
            if let Some(prev) = seen.get(&variant) {
                diags.push(Diagnostic::at(
                    f.location.clone(),
                    format!(
                        "`{}.{}` and `{}` (at {}) both become the Rust variant `{}::{variant}`; rename one of them",
                        m.full_name, f.proto_name, prev.proto_name, prev.location, oneof.type_names.rust
                    ),
                ));
                continue;
            }
            seen.insert(variant.clone(), f);
            let value = value_type(&f.ty, boxed.contains(&(m.full_name.clone(), i)));
            variants.push(format!(
                "{}    {variant}({value}),\n",
                doc::comment(4, &f.doc, &deprecated_note(f.deprecated, "field"))
            ));
            let json = string_literal(&f.json_name);
            name_arms.push_str(&arm(12, &format!("Self::{variant}(_)"), &json));
            encode_arms.push_str(&arm(
                12,
                &format!("Self::{variant}(v)"),
                &format!("w.member({json}, v)"),
            ));
        }
        oneofs.push(OneofVm {
            doc: doc::comment(
                0,
                &oneof.doc,
                &[format!(
                    "The oneof `{}` of `{}`: at most one member is set.",
                    oneof.proto_name, m.full_name
                )],
            ),
            name: oneof.type_names.rust.clone(),
            variants,
            proto_name: assign(
                4,
                "const NAME: &'static str",
                &string_literal(&oneof.proto_name),
            ),
            name_arms,
            encode_arms,
        });
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut notes = vec![format!("Proto message `{}`.", m.full_name)];
    notes.extend(deprecated_note(m.deprecated, "message"));
    let pairs: Vec<(String, String)> = m
        .fields
        .iter()
        .map(|f| (string_literal(&f.json_name), string_literal(&f.proto_name)))
        .collect();
    Ok(MessageVm {
        doc: doc::comment(0, &m.doc, &notes),
        name: m.names.rust.clone(),
        has_fields: !m.fields.is_empty(),
        fields,
        full_name: assign(
            4,
            "const FULL_NAME: &'static str",
            &string_literal(&m.full_name),
        ),
        field_names: pair_array(4, "const FIELDS: codec::Fields", &pairs),
        encode,
        decode,
        oneofs,
    })
}

pub(super) fn variant_name(f: &Field) -> String {
    names::rust::oneof_variant_name(&f.proto_name)
}

/// The first declared value of each number is the one encoders print; aliases follow it.
fn primaries(e: &Enum) -> Vec<&EnumValue> {
    let mut by_location: Vec<&EnumValue> = e.values.iter().collect();
    by_location.sort_by_key(|v| (v.location.line, v.location.col));
    let mut seen = BTreeSet::new();
    by_location
        .into_iter()
        .filter(|v| seen.insert(v.number))
        .collect()
}

fn enum_(e: &Enum) -> EnumVm {
    let primaries = primaries(e);
    let primary_of = |number: i32| {
        primaries
            .iter()
            .find(|p| p.number == number)
            .map(|p| p.names.rust.clone())
            .unwrap_or_default()
    };
    let mut declared: Vec<&EnumValue> = e.values.iter().collect();
    declared.sort_by_key(|v| (v.location.line, v.location.col));

    let mut variants = Vec::new();
    let mut from_number = String::new();
    let mut number = String::new();
    let mut proto_name = String::new();
    let has_zero = primaries.iter().any(|p| p.number == 0);
    for (i, v) in primaries.iter().enumerate() {
        let is_default = v.number == 0 || (!has_zero && i == 0);
        variants.push(format!(
            "{}{}    {},\n",
            doc::comment(
                4,
                &v.doc,
                &[
                    vec![format!("`{} = {}`", v.proto_name, v.number)],
                    deprecated_note(v.deprecated, "value"),
                ]
                .concat()
            ),
            if is_default { "    #[default]\n" } else { "" },
            v.names.rust
        ));
        from_number.push_str(&arm(
            12,
            &v.number.to_string(),
            &format!("Self::{}", v.names.rust),
        ));
        number.push_str(&arm(
            12,
            &format!("Self::{}", v.names.rust),
            &v.number.to_string(),
        ));
        proto_name.push_str(&arm(
            12,
            &v.number.to_string(),
            &format!("Some({})", string_literal(&v.proto_name)),
        ));
    }
    let mut aliases = Vec::new();
    let mut from_proto_name = String::new();
    for v in &declared {
        let primary = primary_of(v.number);
        from_proto_name.push_str(&arm(
            12,
            &string_literal(&v.proto_name),
            &format!("Some(Self::{primary})"),
        ));
        if primary != v.names.rust {
            aliases.push(format!(
                "{}    #[allow(non_upper_case_globals)]\n{}",
                doc::comment(
                    4,
                    &v.doc,
                    &[
                        vec![format!(
                            "Alias of [`{}::{primary}`]: `{} = {}`.",
                            e.names.rust, v.proto_name, v.number
                        )],
                        deprecated_note(v.deprecated, "value"),
                    ]
                    .concat()
                ),
                assign(
                    4,
                    &format!("pub const {}: Self", v.names.rust),
                    &format!("Self::{primary}")
                )
            ));
        }
    }
    let mut notes = vec![format!(
        "Proto enum `{}`. Numbers without a name are kept as [`{}::Unrecognized`].",
        e.full_name, e.names.rust
    )];
    notes.extend(deprecated_note(e.deprecated, "enum"));
    EnumVm {
        doc: doc::comment(0, &e.doc, &notes),
        name: e.names.rust.clone(),
        variants,
        full_name: assign(
            4,
            "pub const FULL_NAME: &'static str",
            &string_literal(&e.full_name),
        ),
        aliases,
        from_number,
        number,
        proto_name,
        from_proto_name,
    }
}

#[cfg(test)]
mod tests {
    use super::components;

    /// Whether `to` is reachable from `from` (a path of at least one edge when equal).
    fn reaches(edges: &[Vec<(usize, usize)>], from: usize, to: usize) -> bool {
        let mut seen = vec![false; edges.len()];
        let mut stack = vec![from];
        while let Some(at) = stack.pop() {
            if at == to {
                return true;
            }
            if !std::mem::replace(&mut seen[at], true) {
                stack.extend(edges[at].iter().map(|&(_, t)| t));
            }
        }
        false
    }

    /// Two nodes joined by an edge share a component exactly when the edge's target reaches
    /// back to its source, on random graphs (self-loops, cycles, long chains).
    #[test]
    fn components_agree_with_reachability() {
        let mut seed: u64 = 11;
        let mut rand = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as usize
        };
        for _ in 0..500 {
            let n = 1 + rand(12);
            let edges: Vec<Vec<(usize, usize)>> = (0..n)
                .map(|_| (0..rand(4)).map(|i| (i, rand(n as u64))).collect())
                .collect();
            let component = components(&edges);
            for (m, out) in edges.iter().enumerate() {
                for &(_, t) in out {
                    assert_eq!(
                        component[m] == component[t],
                        reaches(&edges, t, m),
                        "{edges:?}"
                    );
                }
            }
        }
        // A chain far deeper than the call stack would allow recursion to go, closed into a cycle.
        let n = 200_000;
        let edges: Vec<Vec<(usize, usize)>> = (0..n).map(|i| vec![(0, (i + 1) % n)]).collect();
        assert!(components(&edges).iter().all(|&c| c == 0));
    }
}
