//! Conformance vectors derived from the IR, built by construction: for every value the
//! generator chooses both the input spelling and the canonical JSON it must print, so no
//! expected string comes from decoding the input.
//!
//! Every expected canonical value comes from the hand-written tables of
//! [`samples`](super::samples) (or is assembled from them), following docs/json-contract.md.
//!
//! Error cases expect the JSON path of the bad value (docs/json-contract.md "Errors"): object
//! keys as written in the input, `[i]` for array elements, map keys appended like keys, and
//! `(root)` for the top value itself. Where the contract fixes the whole message (two keys
//! that set one slot: the key that sorts second by UTF-16 code units, naming the other; a key
//! given twice in the JSON text), the case expects the path followed by that text.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use super::json::{Json, utf16_cmp, write_string};
use super::samples::{
    Bad, Sample, alt, bad, bad_keys, j, key_samples, n, null_is_value, ok, s, scalar_bads,
    scalar_samples, wkt_bads, wkt_samples,
};
use super::{Case, Expect};
use crate::ir::{Field, FieldType, JsonKind, Label, Message, Plugin, Scalar, Wkt};

/// The error text of two keys `a` and `b` of the object at `path` that set one slot
/// (docs/json-contract.md, Decoding): at the key that sorts second by UTF-16 code units,
/// naming the other, e.g. `driver.cpu_count: "cpu" and "cpu_count" set the same field`.
fn clash(path: &str, a: &str, b: &str, what: &str) -> String {
    let (first, second) = if utf16_cmp(a, b).is_le() {
        (a, b)
    } else {
        (b, a)
    };
    let mut out = format!("{}: ", join(path, second));
    write_string(&mut out, first);
    out.push_str(" and ");
    write_string(&mut out, second);
    out.push(' ');
    out.push_str(what);
    out
}

/// The error text of a key given twice in one object of the JSON text, at `path`.
fn repeated(path: &str) -> String {
    format!("{path}: duplicate key")
}

/// An object with `key` twice: what only JSON text can say.
fn twice(key: &str, a: Json, b: Json) -> Json {
    Json::Object(vec![(key.to_string(), a), (key.to_string(), b)])
}

/// One step from a message to a field's message value.
#[derive(Debug, Clone)]
struct Step<'a> {
    field: &'a Field,
}

/// The map key under which nested cases put a message inside a map field of `key` keys.
fn wrap_key(key: Scalar) -> &'static str {
    match key.json_kind() {
        JsonKind::String => "k",
        JsonKind::Bool => "true",
        _ => "1",
    }
}

impl Step<'_> {
    /// Wraps a value of the field's element type as the field's input and canonical JSON
    /// (repeated fields get an empty element first, so the value sits at `[1]`).
    fn wrap(&self, input: Json, canon: Json) -> (Json, Json) {
        let f = self.field;
        match f.label {
            Label::Singular => (
                Json::obj([(f.json_name.clone(), input)]),
                Json::obj([(f.json_name.clone(), canon)]),
            ),
            Label::Repeated => (
                Json::obj([(f.json_name.clone(), Json::Array(vec![j("{}"), input]))]),
                Json::obj([(f.json_name.clone(), Json::Array(vec![j("{}"), canon]))]),
            ),
            Label::Map { key } => (
                Json::obj([(f.json_name.clone(), Json::obj([(wrap_key(key), input)]))]),
                Json::obj([(f.json_name.clone(), Json::obj([(wrap_key(key), canon)]))]),
            ),
        }
    }

    fn path(&self, prefix: &str) -> String {
        let f = self.field;
        let key = join(prefix, &f.json_name);
        match f.label {
            Label::Singular => key,
            Label::Repeated => format!("{key}[1]"),
            Label::Map { key: k } => join(&key, wrap_key(k)),
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// How deep `full` samples nest messages.
const RICH_DEPTH: u32 = 3;
/// How many levels the recursion cases nest a recursive message.
const RECURSION_LEVELS: usize = 6;
/// Above this many reachable messages, nested samples stop one level down, and a message's
/// full cases hold its own non-message fields only (each message field has cases of its own,
/// with the nested message set), so the vectors grow linearly with the spec instead of with
/// the fan-out to the power of the depth.
const SMALL_PLUGIN: usize = 32;

/// How deeply arrays and objects may nest in a custom value, the custom object itself being
/// level 1 (docs/json-contract.md); every target's decoder has the same limit.
const MAX_DEPTH: usize = 128;

/// How many fields deep the custom message's nested cases go (see `Gen::nested_cases`).
const NESTED_CASE_DEPTH: usize = 32;

struct Gen<'a> {
    plugin: &'a Plugin,
    cases: Vec<Case>,
    names: BTreeSet<String>,
    /// Value types whose full sample and error lists a singular field has had already;
    /// later fields of the same type get the short lists.
    covered: BTreeSet<String>,
    /// What `samples` and `rich` returned before: both are pure functions of their
    /// arguments, asked for the same types and messages again and again (every `rich`
    /// instance nests others). Only looked up, never iterated, so output does not depend on
    /// hashing.
    memo: Memo,
}

/// The memo of [`Gen`]. Messages and enums are keyed by address: the plugin outlives it.
#[derive(Default)]
struct Memo {
    samples: RefCell<HashMap<SampleKey, Rc<Vec<Sample>>>>,
    rich: RefCell<HashMap<RichKey, Rc<(Json, Json)>>>,
}

/// A `rich` instance: the message's address, the depth and whether it uses proto names.
type RichKey = (usize, u32, bool);

/// A type whose samples were derived: depth matters only for messages.
#[derive(PartialEq, Eq, Hash)]
enum SampleKey {
    Scalar(Scalar),
    WellKnown(Wkt),
    Enum(usize),
    Message(usize, u32),
}

/// Fields of one JSON category share codec paths: the first field of a type gets every
/// sample and error, later ones the defaults, two set values, the bounds, one alternative
/// spelling and two errors.
fn type_key(ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar { scalar } => format!("{:?}", scalar.json_kind()),
        FieldType::WellKnown { wkt } => format!("{wkt:?}"),
        FieldType::Enum { full_name, .. } => format!("enum {full_name}"),
        FieldType::Message { full_name, .. } => format!("message {full_name}"),
    }
}

fn short_samples(samples: Vec<Sample>) -> Vec<Sample> {
    let mut set = 0;
    let mut alts = 0;
    samples
        .into_iter()
        .filter(|v| {
            if v.default || v.tag == "max" || v.tag == "min" {
                return true;
            }
            if v.alt {
                alts += 1;
                return alts == 1;
            }
            set += 1;
            set <= 2
        })
        .collect()
}

impl<'a> Gen<'a> {
    fn label(&self, m: &Message) -> String {
        let custom = self.plugin.custom_message();
        match m.full_name.strip_prefix(&custom.package) {
            Some(rest) if !custom.package.is_empty() && m.package == custom.package => {
                rest.trim_start_matches('.').to_string()
            }
            _ => m.full_name.clone(),
        }
    }

    fn push(&mut self, name: String, m: &Message, input: Json, expect: Expect, strict: bool) {
        let mut unique = name.clone();
        let mut i = 2;
        while self.names.contains(&unique) {
            unique = format!("{name}~{i}");
            i += 1;
        }
        self.names.insert(unique.clone());
        self.cases.push(Case {
            name: unique,
            message: m.full_name.clone(),
            input,
            expect,
            strict,
        });
    }

    fn ok(&mut self, name: String, m: &Message, input: Json, canon: Json, strict: bool) {
        match canon.canonical() {
            Ok(c) => self.push(name, m, input, Expect::Canonical(c), strict),
            Err(e) => debug_assert!(e.is_empty(), "case {name}: {e}"),
        }
    }

    fn err(&mut self, name: String, m: &Message, input: Json, path: String, strict: bool) {
        self.push(name, m, input, Expect::Error(path), strict);
    }

    fn message(&self, full_name: &str) -> Option<&'a Message> {
        self.plugin.message(full_name)
    }

    /// `depth`, capped at 1 for large plugins (see `SMALL_PLUGIN`).
    fn depth(&self, depth: u32) -> u32 {
        if self.plugin.messages.len() > SMALL_PLUGIN {
            depth.min(1)
        } else {
            depth
        }
    }

    /// Every value of a type worth a case, `depth` bounding how deep messages nest; derived
    /// once per type and shared.
    fn samples(&self, ty: &FieldType, depth: u32) -> Rc<Vec<Sample>> {
        let key = match ty {
            FieldType::Scalar { scalar } => SampleKey::Scalar(*scalar),
            FieldType::WellKnown { wkt } => SampleKey::WellKnown(*wkt),
            FieldType::Enum { full_name, .. } => match self.plugin.enum_(full_name) {
                Some(e) => SampleKey::Enum(std::ptr::from_ref(e) as usize),
                None => return Rc::default(),
            },
            FieldType::Message { full_name, .. } => match self.message(full_name) {
                Some(m) => SampleKey::Message(std::ptr::from_ref(m) as usize, depth),
                None => return Rc::default(),
            },
        };
        if let Some(hit) = self.memo.samples.borrow().get(&key) {
            return Rc::clone(hit);
        }
        let samples = Rc::new(match ty {
            FieldType::Scalar { scalar } => scalar_samples(*scalar),
            FieldType::WellKnown { wkt } => wkt_samples(*wkt),
            FieldType::Enum { full_name, .. } => self.enum_samples(full_name),
            FieldType::Message { full_name, .. } => match self.message(full_name) {
                Some(m) => {
                    let (input, canon) = self.rich(m, depth, false);
                    vec![ok("empty", j("{}"), j("{}")), ok("full", input, canon)]
                }
                None => Vec::new(),
            },
        });
        self.memo
            .samples
            .borrow_mut()
            .insert(key, Rc::clone(&samples));
        samples
    }

    fn bads(&self, ty: &FieldType, depth: u32) -> Vec<Bad> {
        match ty {
            FieldType::Scalar { scalar } => scalar_bads(*scalar),
            FieldType::WellKnown { wkt } => wkt_bads(*wkt),
            FieldType::Enum { full_name, .. } => self.enum_bads(full_name),
            FieldType::Message { full_name, .. } => {
                let mut out = vec![bad("string", s("x")), bad("array", j("[]"))];
                if let Some(m) = self.message(full_name) {
                    if depth > 0 {
                        if let Some((f, b)) = self.first_bad(m, depth - 1) {
                            out.push(Bad {
                                tag: format!("inner_{}", f.proto_name),
                                input: Json::obj([(f.json_name.clone(), b.input)]),
                                suffix: format!(".{}{}", f.json_name, b.suffix),
                            });
                        }
                    }
                }
                out
            }
        }
    }

    /// The first singular field of `m` with a bad value, and that value.
    fn first_bad(&self, m: &'a Message, depth: u32) -> Option<(&'a Field, Bad)> {
        m.fields.iter().find_map(|f| {
            if f.label != Label::Singular {
                return None;
            }
            self.bads(&f.ty, depth).into_iter().next().map(|b| (f, b))
        })
    }

    fn enum_samples(&self, full_name: &str) -> Vec<Sample> {
        let Some(e) = self.plugin.enum_(full_name) else {
            return Vec::new();
        };
        // Declaration order (by source position): the first name declared for a number is
        // the one printed (docs/json-contract.md), whatever order the IR lists values in.
        let mut values: Vec<&crate::ir::EnumValue> = e.values.iter().collect();
        values.sort_by_key(|v| (v.location.line, v.location.col));
        let mut primary: BTreeMap<i32, &str> = BTreeMap::new();
        for v in &values {
            primary.entry(v.number).or_insert(v.proto_name.as_str());
        }
        let is_primary =
            |v: &crate::ir::EnumValue| primary.get(&v.number) == Some(&v.proto_name.as_str());
        let mut out = Vec::new();
        for v in &values {
            let canon = s(primary.get(&v.number).copied().unwrap_or(&v.proto_name));
            let mut sample = ok(&v.proto_name, s(&v.proto_name), canon);
            sample.default = v.number == 0;
            sample.alt = !is_primary(v);
            if sample.alt {
                sample.tag = format!("alias_{}", v.proto_name);
            }
            out.push(sample);
        }
        if let Some(v) = values.iter().find(|v| v.number != 0 && is_primary(v)) {
            out.push(alt("by_number", n(&v.number.to_string()), s(&v.proto_name)));
        }
        if let Some(v) = values.iter().find(|v| v.number == 0) {
            out.push(Sample {
                default: true,
                ..alt("zero_by_number", n("0"), s(&v.proto_name))
            });
            out.push(Sample {
                default: true,
                ..alt("minus_zero_by_number", n("-0"), s(&v.proto_name))
            });
        }
        let unknown = (99..)
            .find(|x| !primary.contains_key(x))
            .unwrap_or(i32::MAX);
        out.push(ok(
            "unknown_number",
            n(&unknown.to_string()),
            n(&unknown.to_string()),
        ));
        out
    }

    fn enum_bads(&self, full_name: &str) -> Vec<Bad> {
        let Some(e) = self.plugin.enum_(full_name) else {
            return Vec::new();
        };
        let names: BTreeSet<&str> = e.values.iter().map(|v| v.proto_name.as_str()).collect();
        let mut unknown = "NOT_A_VALUE".to_string();
        while names.contains(unknown.as_str()) {
            unknown.push('_');
        }
        let mut out = vec![bad("unknown_name", s(&unknown))];
        if let Some(v) = e.values.iter().find(|v| {
            let lower = v.proto_name.to_lowercase();
            lower != v.proto_name && !names.contains(lower.as_str())
        }) {
            out.push(bad("wrong_case", s(&v.proto_name.to_lowercase())));
        }
        out.extend([
            bad("numeric_string", s("1")),
            bad("fraction", n("1.5")),
            bad("above_int32", n("2147483648")),
            bad("bool", Json::Bool(true)),
        ]);
        out
    }

    /// The first value of a type for a representative instance: a set (non-default),
    /// canonically spelled value, or with `alt` an alternative spelling where one exists.
    fn pick(&self, ty: &FieldType, depth: u32, alt: bool) -> Option<Sample> {
        if let FieldType::Message { full_name, .. } = ty {
            let m = self.message(full_name)?;
            let (input, canon) = self.rich(m, depth, alt);
            return Some(ok("full", input, canon));
        }
        let samples = self.samples(ty, depth);
        let found = if alt {
            samples.iter().find(|s| s.alt && !s.default)
        } else {
            None
        };
        found
            .or_else(|| samples.iter().find(|s| !s.alt && !s.default))
            .or_else(|| samples.first())
            .cloned()
    }

    /// An instance of `m` with every field set (the first member of each oneof), messages
    /// nested `depth` levels; with `alt`, proto names as keys and alternative spellings.
    fn rich(&self, m: &'a Message, depth: u32, alt: bool) -> (Json, Json) {
        let key = (std::ptr::from_ref(m) as usize, depth, alt);
        if let Some(hit) = self.memo.rich.borrow().get(&key) {
            return (**hit).clone();
        }
        let made = self.rich_uncached(m, depth, alt);
        self.memo
            .rich
            .borrow_mut()
            .insert(key, Rc::new(made.clone()));
        made
    }

    fn rich_uncached(&self, m: &Message, depth: u32, alt: bool) -> (Json, Json) {
        let mut input = Vec::new();
        let mut canon = Vec::new();
        for (i, f) in m.fields.iter().enumerate() {
            if let Some(o) = f.oneof {
                if m.oneofs.get(o).and_then(|o| o.fields.first()) != Some(&i) {
                    continue;
                }
            }
            let is_message = matches!(f.ty, FieldType::Message { .. });
            if is_message && depth == 0 {
                continue;
            }
            let Some(v) = self.pick(&f.ty, depth.saturating_sub(1), alt) else {
                continue;
            };
            let key = if alt { &f.proto_name } else { &f.json_name };
            match &f.label {
                Label::Singular => {
                    input.push((key.clone(), v.input));
                    if !v.default || f.explicit_presence {
                        canon.push((f.json_name.clone(), v.canon));
                    }
                }
                Label::Repeated => {
                    input.push((key.clone(), Json::Array(vec![v.input])));
                    canon.push((f.json_name.clone(), Json::Array(vec![v.canon])));
                }
                Label::Map { key: k } => {
                    let ks = key_samples(*k);
                    let (_, kin, kc) = ks
                        .iter()
                        .find(|(t, _, _)| t == "one" || t == "ascii" || t == "true")
                        .or(ks.first())
                        .cloned()
                        .unwrap_or_default();
                    input.push((key.clone(), Json::obj([(kin, v.input)])));
                    canon.push((f.json_name.clone(), Json::obj([(kc, v.canon)])));
                }
            }
        }
        (Json::Object(input), Json::Object(canon))
    }

    fn unknown_key(&self, m: &Message) -> String {
        let mut key = "zzUnknownKey".to_string();
        while m
            .fields
            .iter()
            .any(|f| f.json_name == key || f.proto_name == key)
        {
            key.push('X');
        }
        key
    }

    fn message_cases(&mut self, m: &'a Message) {
        let l = self.label(m);
        self.ok(format!("{l}.empty"), m, j("{}"), j("{}"), false);
        // A large plugin keeps the two full cases that together check strict mode, proto
        // names and alternative spellings, without nested messages.
        let large = self.large();
        let full_depth = if large { 0 } else { RICH_DEPTH };
        let (input, canon) = self.rich(m, full_depth, false);
        self.ok(format!("{l}.full"), m, input.clone(), canon.clone(), false);
        if !large {
            self.ok(format!("{l}.full.strict"), m, input, canon, true);
        }
        let (input, canon) = self.rich(m, full_depth, true);
        if !large {
            self.ok(
                format!("{l}.full.proto_names"),
                m,
                input.clone(),
                canon.clone(),
                false,
            );
        }
        self.ok(
            format!("{l}.full.proto_names.strict"),
            m,
            input,
            canon,
            true,
        );

        // Unknown keys: ignored by default, an error in strict mode.
        let zz = self.unknown_key(m);
        let junk = j(r#"{"nested": [1, null, {"x": "y"}], "n": 1.5}"#);
        self.ok(
            format!("{l}.unknown_key"),
            m,
            Json::obj([(zz.clone(), junk.clone())]),
            j("{}"),
            false,
        );
        self.err(
            format!("{l}.unknown_key.strict"),
            m,
            Json::obj([(zz.clone(), junk.clone())]),
            zz.clone(),
            true,
        );
        let (input, canon) = self.rich(m, 1, false);
        if let (false, Json::Object(mut members)) = (large, input) {
            members.insert(members.len() / 2, (zz.clone(), n("1")));
            self.ok(
                format!("{l}.unknown_key.among_fields"),
                m,
                Json::Object(members),
                canon,
                false,
            );
        }
        // Arrays and objects nest at most MAX_DEPTH deep, the custom object being level 1,
        // under unknown keys too; the first level beyond is an error at its path (once per
        // plugin, on the custom message).
        if m.full_name == self.plugin.custom_message().full_name {
            let nested =
                |arrays: usize| (1..arrays).fold(j("[]"), |inner, _| Json::Array(vec![inner]));
            self.ok(
                format!("{l}.nesting.deepest"),
                m,
                Json::obj([(zz.clone(), nested(MAX_DEPTH - 1))]),
                j("{}"),
                false,
            );
            self.err(
                format!("{l}.nesting.too_deep"),
                m,
                Json::obj([(zz.clone(), nested(MAX_DEPTH))]),
                format!("{zz}{}", "[0]".repeat(MAX_DEPTH - 1)),
                false,
            );
        }
        // A key given twice in the JSON text is an error at that key, even an unknown key in
        // lenient mode (docs/json-contract.md, "Duplicate keys").
        self.err(
            format!("{l}.duplicate_key.unknown"),
            m,
            twice(&zz, n("1"), n("1")),
            repeated(&zz),
            false,
        );
        if let Some((f, v)) = m
            .fields
            .iter()
            .find_map(|f| self.pick(&f.ty, 1, false).map(|v| (f, v)))
        {
            let value = match f.label {
                Label::Singular => v.input,
                Label::Repeated => Json::Array(vec![v.input]),
                Label::Map { .. } => j("{}"),
            };
            self.err(
                format!("{l}.duplicate_key"),
                m,
                twice(&f.json_name, value.clone(), value),
                repeated(&f.json_name),
                false,
            );
        }

        for f in &m.fields {
            self.field_cases(m, &l, f);
        }
        for (oi, o) in m.oneofs.iter().enumerate() {
            self.oneof_cases(m, &l, oi, &o.proto_name);
        }
        if let Some(f) = m
            .fields
            .iter()
            .find(|f| f.proto_name != f.json_name && !null_is_value(&f.ty))
        {
            self.both_spellings(m, &format!("{l}.{}", f.proto_name), f, "", &|i, c| (i, c));
        }
        if m.recursive {
            self.recursion_cases(m, &l);
        }
    }

    fn both_spellings(
        &mut self,
        root: &Message,
        name: &str,
        f: &Field,
        path: &str,
        wrap: &dyn Fn(Json, Json) -> (Json, Json),
    ) {
        let Some(v) = self.pick(&f.ty, 1, false) else {
            return;
        };
        let value = match f.label {
            Label::Singular => v.input,
            Label::Repeated => Json::Array(vec![v.input]),
            Label::Map { .. } => j("{}"),
        };
        let expect = clash(path, &f.json_name, &f.proto_name, "set the same field");
        let inner = Json::obj([
            (f.json_name.clone(), value.clone()),
            (f.proto_name.clone(), value.clone()),
        ]);
        let (input, _) = wrap(inner, j("{}"));
        self.err(
            format!("{name}.both_spellings"),
            root,
            input,
            expect.clone(),
            false,
        );
        // Both spellings clash even when one of them is null.
        let inner = Json::obj([
            (f.proto_name.clone(), value),
            (f.json_name.clone(), Json::Null),
        ]);
        let (input, _) = wrap(inner, j("{}"));
        self.err(
            format!("{name}.both_spellings.null"),
            root,
            input,
            expect,
            false,
        );
    }

    /// Whether the plugin is large (more than `SMALL_PLUGIN` messages): its fields of a type
    /// (and label) after the first get only [`Gen::lean_field_cases`], so that the vectors
    /// grow with the number of fields, not with fields times samples.
    fn large(&self) -> bool {
        self.plugin.messages.len() > SMALL_PLUGIN
    }

    /// The cases of a field of a large plugin whose type (and label) an earlier field had
    /// every case of: one value, which reaches the field's key and wiring, and one error,
    /// which checks the path it names.
    fn lean_field_cases(&mut self, m: &Message, name: &str, f: &Field) {
        let key = f.json_name.clone();
        let single = |v: Json| Json::obj([(key.clone(), v)]);
        // A message value is the empty message: its own cases cover its fields.
        let v = match &f.ty {
            FieldType::Message { .. } => Some(ok("empty", j("{}"), j("{}"))),
            ty => self.pick(ty, 1, false),
        };
        let Some(v) = v else {
            return;
        };
        let (input, canon, bad, at) = match &f.label {
            Label::Singular => {
                let canon = if v.default && !f.explicit_presence {
                    j("{}")
                } else {
                    single(v.canon)
                };
                let bad = self.bads(&f.ty, 1).into_iter().next();
                let at = bad.as_ref().map(|b| format!("{key}{}", b.suffix));
                (single(v.input), canon, bad.map(|b| b.input), at)
            }
            Label::Repeated => (
                single(Json::Array(vec![v.input])),
                single(Json::Array(vec![v.canon])),
                Some(j(r#"{"0": 1}"#)),
                Some(key.clone()),
            ),
            Label::Map { key: k } => {
                let Some((_, kin, kc)) = key_samples(*k).into_iter().nth(1) else {
                    return;
                };
                (
                    single(Json::obj([(kin, v.input)])),
                    single(Json::obj([(kc, v.canon)])),
                    Some(j("[]")),
                    Some(key.clone()),
                )
            }
        };
        self.ok(format!("{name}.value"), m, input, canon, false);
        if let (Some(bad), Some(at)) = (bad, at) {
            self.err(format!("{name}.error"), m, single(bad), at, false);
        }
    }

    fn field_cases(&mut self, m: &Message, l: &str, f: &Field) {
        let name = format!("{l}.{}", f.proto_name);
        if self.large() {
            let label = match &f.label {
                Label::Singular => "",
                Label::Repeated => "repeated ",
                Label::Map { .. } => "map ",
            };
            // All message types share one key: each message has cases of its own.
            let ty = match &f.ty {
                FieldType::Message { .. } => "message".to_string(),
                ty => type_key(ty),
            };
            if !self.covered.insert(format!("{label}{ty}")) {
                self.lean_field_cases(m, &name, f);
                return;
            }
        }
        let key = f.json_name.clone();
        let single = |v: Json| Json::obj([(key.clone(), v)]);
        let proto_key_differs = f.proto_name != f.json_name;
        match &f.label {
            Label::Singular => {
                let full = self.large()
                    || matches!(f.ty, FieldType::Message { .. })
                    || self.covered.insert(type_key(&f.ty));
                let mut samples = self.samples(&f.ty, self.depth(2)).to_vec();
                let mut bads = self.bads(&f.ty, self.depth(2));
                if !full {
                    samples = short_samples(samples);
                    bads.truncate(2);
                }
                for v in samples {
                    let canon = if v.default && !f.explicit_presence {
                        j("{}")
                    } else {
                        single(v.canon)
                    };
                    self.ok(
                        format!("{name}.{}", v.tag),
                        m,
                        single(v.input),
                        canon,
                        false,
                    );
                }
                if !null_is_value(&f.ty) {
                    self.ok(
                        format!("{name}.null"),
                        m,
                        single(Json::Null),
                        j("{}"),
                        false,
                    );
                }
                if proto_key_differs {
                    if let Some(v) = self.pick(&f.ty, 1, false) {
                        let canon = if v.default && !f.explicit_presence {
                            j("{}")
                        } else {
                            single(v.canon)
                        };
                        self.ok(
                            format!("{name}.proto_name"),
                            m,
                            Json::obj([(f.proto_name.clone(), v.input)]),
                            canon,
                            false,
                        );
                    }
                }
                for b in &bads {
                    self.err(
                        format!("{name}.error.{}", b.tag),
                        m,
                        single(b.input.clone()),
                        format!("{key}{}", b.suffix),
                        false,
                    );
                }
                if let (true, Some(b)) = (proto_key_differs, bads.first()) {
                    self.err(
                        format!("{name}.error.proto_name"),
                        m,
                        Json::obj([(f.proto_name.clone(), b.input.clone())]),
                        format!("{}{}", f.proto_name, b.suffix),
                        false,
                    );
                }
                match f.ty {
                    FieldType::WellKnown { wkt: Wkt::Empty } => {
                        self.ok(
                            format!("{name}.unknown_member"),
                            m,
                            single(j(r#"{"x": 1}"#)),
                            single(j("{}")),
                            false,
                        );
                        self.err(
                            format!("{name}.unknown_member.strict"),
                            m,
                            single(j(r#"{"x": 1}"#)),
                            format!("{key}.x"),
                            true,
                        );
                    }
                    FieldType::WellKnown {
                        wkt: wkt @ (Wkt::Any | Wkt::Struct),
                    } => {
                        if let Some(v) = self.pick(&f.ty, 1, false) {
                            self.ok(
                                format!("{name}.strict"),
                                m,
                                single(v.input),
                                single(v.canon),
                                true,
                            );
                        }
                        let (input, at) = if wkt == Wkt::Any {
                            let url = s("type.googleapis.com/google.protobuf.Empty");
                            (twice("@type", url.clone(), url), "@type")
                        } else {
                            (twice("a", n("1"), n("2")), "a")
                        };
                        self.err(
                            format!("{name}.error.duplicate_key"),
                            m,
                            single(input),
                            repeated(&join(&key, at)),
                            false,
                        );
                    }
                    _ => {}
                }
            }
            Label::Repeated => {
                self.ok(format!("{name}.empty"), m, single(j("[]")), j("{}"), false);
                // `null` for a whole repeated or map field of `Value`: the contract's "null is
                // the JSON null value for a Value field" and "null means unset" collide, and
                // the official runtimes reject it; no case.
                if !null_is_value(&f.ty) {
                    self.ok(
                        format!("{name}.null"),
                        m,
                        single(Json::Null),
                        j("{}"),
                        false,
                    );
                }
                let samples = self.samples(&f.ty, 1);
                let input = Json::Array(samples.iter().map(|v| v.input.clone()).collect());
                let canon = Json::Array(samples.iter().map(|v| v.canon.clone()).collect());
                self.ok(
                    format!("{name}.values"),
                    m,
                    single(input),
                    single(canon),
                    false,
                );
                let Some(first) = self.pick(&f.ty, 1, false) else {
                    return;
                };
                if proto_key_differs {
                    self.ok(
                        format!("{name}.proto_name"),
                        m,
                        Json::obj([(f.proto_name.clone(), Json::Array(vec![first.input.clone()]))]),
                        single(Json::Array(vec![first.canon.clone()])),
                        false,
                    );
                }
                self.err(
                    format!("{name}.error.not_a_list"),
                    m,
                    single(j(r#"{"0": 1}"#)),
                    key.clone(),
                    false,
                );
                if !null_is_value(&f.ty) {
                    self.err(
                        format!("{name}.error.null_element"),
                        m,
                        single(Json::Array(vec![first.input.clone(), Json::Null])),
                        format!("{key}[1]"),
                        false,
                    );
                }
                for b in self.bads(&f.ty, 1).into_iter().take(3) {
                    self.err(
                        format!("{name}.error.element_{}", b.tag),
                        m,
                        single(Json::Array(vec![first.input.clone(), b.input])),
                        format!("{key}[1]{}", b.suffix),
                        false,
                    );
                }
            }
            Label::Map { key: k } => {
                self.ok(format!("{name}.empty"), m, single(j("{}")), j("{}"), false);
                if !null_is_value(&f.ty) {
                    self.ok(
                        format!("{name}.null"),
                        m,
                        single(Json::Null),
                        j("{}"),
                        false,
                    );
                }
                let Some(first) = self.pick(&f.ty, 1, false) else {
                    return;
                };
                let keys = key_samples(*k);
                self.ok(
                    format!("{name}.keys"),
                    m,
                    single(Json::obj(
                        keys.iter()
                            .map(|(_, kin, _)| (kin.clone(), first.input.clone())),
                    )),
                    single(Json::obj(
                        keys.iter()
                            .map(|(_, _, kc)| (kc.clone(), first.canon.clone())),
                    )),
                    false,
                );
                if matches!(
                    k.json_kind(),
                    JsonKind::I32 | JsonKind::U32 | JsonKind::I64 | JsonKind::U64
                ) {
                    // `-0` is 0; two keys naming one number clash (docs/json-contract.md,
                    // "Integer map keys").
                    self.ok(
                        format!("{name}.key_minus_zero"),
                        m,
                        single(Json::obj([("-0", first.input.clone())])),
                        single(Json::obj([("0", first.canon.clone())])),
                        false,
                    );
                    for (tag, order) in [
                        ("key_minus_zero_and_zero", ["-0", "0"]),
                        ("key_zero_and_minus_zero", ["0", "-0"]),
                    ] {
                        self.err(
                            format!("{name}.error.{tag}"),
                            m,
                            single(Json::obj(order.map(|k| (k, first.input.clone())))),
                            clash(&key, "-0", "0", "name the same map key"),
                            false,
                        );
                    }
                }
                // Values keyed by their tags; value keys need a string-keyed map.
                let good_key = keys
                    .iter()
                    .find(|(t, _, _)| t == "one" || t == "ascii" || t == "true")
                    .or(keys.first())
                    .cloned()
                    .unwrap_or_default();
                if k.json_kind() == JsonKind::String {
                    let samples = self.samples(&f.ty, 1);
                    self.ok(
                        format!("{name}.values"),
                        m,
                        single(Json::obj(
                            samples.iter().map(|v| (v.tag.clone(), v.input.clone())),
                        )),
                        single(Json::obj(
                            samples.iter().map(|v| (v.tag.clone(), v.canon.clone())),
                        )),
                        false,
                    );
                } else {
                    self.ok(
                        format!("{name}.default_value"),
                        m,
                        single(Json::obj([(
                            good_key.1.clone(),
                            self.samples(&f.ty, 1)
                                .iter()
                                .find(|v| v.default)
                                .map(|v| v.input.clone())
                                .unwrap_or(first.input.clone()),
                        )])),
                        single(Json::obj([(
                            good_key.2.clone(),
                            self.samples(&f.ty, 1)
                                .iter()
                                .find(|v| v.default)
                                .map(|v| v.canon.clone())
                                .unwrap_or(first.canon.clone()),
                        )])),
                        false,
                    );
                }
                if proto_key_differs {
                    self.ok(
                        format!("{name}.proto_name"),
                        m,
                        Json::obj([(
                            f.proto_name.clone(),
                            Json::obj([(good_key.1.clone(), first.input.clone())]),
                        )]),
                        single(Json::obj([(good_key.2.clone(), first.canon.clone())])),
                        false,
                    );
                }
                self.err(
                    format!("{name}.error.not_an_object"),
                    m,
                    single(Json::Array(vec![first.input.clone()])),
                    key.clone(),
                    false,
                );
                self.err(
                    format!("{name}.error.duplicate_key"),
                    m,
                    single(twice(&good_key.1, first.input.clone(), first.input.clone())),
                    repeated(&join(&key, &good_key.1)),
                    false,
                );
                if !null_is_value(&f.ty) {
                    self.err(
                        format!("{name}.error.null_value"),
                        m,
                        single(Json::obj([(good_key.1.clone(), Json::Null)])),
                        format!("{key}.{}", good_key.1),
                        false,
                    );
                }
                for b in self.bads(&f.ty, 1).into_iter().take(3) {
                    self.err(
                        format!("{name}.error.value_{}", b.tag),
                        m,
                        single(Json::obj([(good_key.1.clone(), b.input)])),
                        format!("{key}.{}{}", good_key.1, b.suffix),
                        false,
                    );
                }
                for (tag, bk) in bad_keys(*k) {
                    self.err(
                        format!("{name}.error.key_{tag}"),
                        m,
                        single(Json::obj([(bk.clone(), first.input.clone())])),
                        format!("{key}.{bk}"),
                        false,
                    );
                }
            }
        }
    }

    /// Cases for oneof `oi` of `m`, with `m` as the root.
    fn oneof_cases(&mut self, m: &Message, name: &str, oi: usize, oneof_name: &str) {
        let members: Vec<&Field> = m
            .oneofs
            .get(oi)
            .map(|o| o.fields.iter().filter_map(|&i| m.fields.get(i)).collect())
            .unwrap_or_default();
        let name = format!("{name}.{oneof_name}");
        let picked: Vec<(&Field, Sample)> = members
            .iter()
            .filter_map(|f| self.pick(&f.ty, 1, false).map(|v| (*f, v)))
            .collect();
        if picked.len() >= 2 {
            let (a, va) = &picked[0];
            let (b, vb) = &picked[picked.len() - 1];
            self.err(
                format!("{name}.two_members"),
                m,
                Json::obj([
                    (a.json_name.clone(), va.input.clone()),
                    (b.json_name.clone(), vb.input.clone()),
                ]),
                clash("", &a.json_name, &b.json_name, "set the same oneof"),
                false,
            );
            self.err(
                format!("{name}.two_members.reversed"),
                m,
                Json::obj([
                    (b.json_name.clone(), vb.input.clone()),
                    (a.json_name.clone(), va.input.clone()),
                ]),
                clash("", &a.json_name, &b.json_name, "set the same oneof"),
                false,
            );
            if !null_is_value(&a.ty) {
                self.ok(
                    format!("{name}.null_then_member"),
                    m,
                    Json::obj([
                        (a.json_name.clone(), Json::Null),
                        (b.json_name.clone(), vb.input.clone()),
                    ]),
                    Json::obj([(b.json_name.clone(), vb.canon.clone())]),
                    false,
                );
            }
        }
        if let [(a, va), (b, vb), (c, vc), ..] = &picked[..] {
            // Three members: the error is at the key that sorts second, naming the first.
            let mut keys = [&a.json_name, &b.json_name, &c.json_name];
            keys.sort_by(|x, y| utf16_cmp(x, y));
            let expect = clash("", keys[0], keys[1], "set the same oneof");
            let members = [
                (a.json_name.clone(), va.input.clone()),
                (b.json_name.clone(), vb.input.clone()),
                (c.json_name.clone(), vc.input.clone()),
            ];
            self.err(
                format!("{name}.three_members"),
                m,
                Json::obj(members.clone()),
                expect.clone(),
                false,
            );
            self.err(
                format!("{name}.three_members.reversed"),
                m,
                Json::obj(members.into_iter().rev()),
                expect,
                false,
            );
        }
        // A Value or NullValue member given null is set (it prints null), so it clashes with
        // another member (docs/json-contract.md, "A oneof member of type Value").
        for f in members.iter().filter(|f| null_is_value(&f.ty)) {
            self.ok(
                format!("{name}.{}.null_is_set", f.proto_name),
                m,
                Json::obj([(f.json_name.clone(), Json::Null)]),
                Json::obj([(f.json_name.clone(), Json::Null)]),
                false,
            );
            if let Some((other, v)) = picked.iter().find(|(o, _)| o.number != f.number) {
                self.err(
                    format!("{name}.{}.null_and_member", f.proto_name),
                    m,
                    Json::obj([
                        (f.json_name.clone(), Json::Null),
                        (other.json_name.clone(), v.input.clone()),
                    ]),
                    clash("", &f.json_name, &other.json_name, "set the same oneof"),
                    false,
                );
            }
        }
        let nullable: Vec<&Field> = members
            .iter()
            .copied()
            .filter(|f| !null_is_value(&f.ty))
            .collect();
        if !nullable.is_empty() {
            self.ok(
                format!("{name}.all_null"),
                m,
                Json::obj(nullable.iter().map(|f| (f.json_name.clone(), Json::Null))),
                j("{}"),
                false,
            );
        }
    }

    /// A recursive message nested [`RECURSION_LEVELS`] deep through its self-typed fields.
    fn recursion_cases(&mut self, m: &'a Message, l: &str) {
        let steps: Vec<Step<'a>> = m
            .fields
            .iter()
            .filter(|f| {
                matches!(&f.ty, FieldType::Message { full_name, .. } if *full_name == m.full_name)
            })
            .map(|field| Step { field })
            .collect();
        if steps.is_empty() {
            return;
        }
        let chain: Vec<Step<'a>> = (0..RECURSION_LEVELS)
            .map(|i| steps[i % steps.len()].clone())
            .collect();
        let mut path = String::new();
        for st in &chain {
            path = st.path(&path);
        }
        let wrap_all = |input: Json, canon: Json| {
            chain
                .iter()
                .rev()
                .fold((input, canon), |(i, c), st| st.wrap(i, c))
        };
        let (input, canon) = self.rich(m, 0, false);
        let (input, canon) = wrap_all(input, canon);
        self.ok(format!("{l}.recursion.deep"), m, input, canon, false);
        if let Some((f, b)) = self.first_bad(m, 0) {
            let (input, _) = wrap_all(Json::obj([(f.json_name.clone(), b.input)]), j("{}"));
            self.err(
                format!("{l}.recursion.deep.error"),
                m,
                input,
                format!("{}{}", join(&path, &f.json_name), b.suffix),
                false,
            );
        }
        let zz = self.unknown_key(m);
        let (input, canon) = wrap_all(Json::obj([(zz.clone(), n("1"))]), j("{}"));
        self.ok(
            format!("{l}.recursion.deep.unknown_key"),
            m,
            input.clone(),
            canon,
            false,
        );
        self.err(
            format!("{l}.recursion.deep.unknown_key.strict"),
            m,
            input,
            join(&path, &zz),
            true,
        );
    }

    /// The shortest field path from the custom message to every other reachable message.
    fn paths(&self) -> Vec<(&'a Message, Vec<Step<'a>>)> {
        let custom = self.plugin.custom_message();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        seen.insert(custom.full_name.as_str());
        let mut queue: std::collections::VecDeque<(&'a Message, Vec<Step<'a>>)> =
            std::collections::VecDeque::new();
        queue.push_back((custom, Vec::new()));
        let mut out = Vec::new();
        while let Some((m, steps)) = queue.pop_front() {
            for f in &m.fields {
                let FieldType::Message { full_name, .. } = &f.ty else {
                    continue;
                };
                let Some(next) = self.message(full_name) else {
                    continue;
                };
                if !seen.insert(next.full_name.as_str()) {
                    continue;
                }
                let mut path = steps.clone();
                path.push(Step { field: f });
                out.push((next, path.clone()));
                queue.push_back((next, path));
            }
        }
        out
    }

    /// Cases on the custom message that reach every other message through fields, so that
    /// paths of nested errors and unknown keys are checked.
    fn nested_cases(&mut self) {
        let custom = self.plugin.custom_message();
        let cl = self.label(custom);
        for (m, steps) in self.paths() {
            // A message deeper than this is checked at its own level: its nested cases would
            // be deeper JSON than decoders are bound to accept (the Rust codec's limit is 128).
            if steps.len() > NESTED_CASE_DEPTH {
                continue;
            }
            let ml = self.label(m);
            let name = format!("{cl}.nested.{ml}");
            let mut path = String::new();
            for st in &steps {
                path = st.path(&path);
            }
            let wrap = |input: Json, canon: Json| {
                steps
                    .iter()
                    .rev()
                    .fold((input, canon), |(i, c), st| st.wrap(i, c))
            };
            // A large plugin checks each message's full values at its own level only; here,
            // the paths of errors and unknown keys through the nesting.
            let large = self.large();
            if !large {
                let (input, canon) = self.rich(m, 2, false);
                let (input, canon) = wrap(input, canon);
                self.ok(format!("{name}.full"), custom, input, canon, false);
                let (input, canon) = self.rich(m, 2, true);
                let (input, canon) = wrap(input, canon);
                self.ok(
                    format!("{name}.full.proto_names.strict"),
                    custom,
                    input,
                    canon,
                    true,
                );
            }
            if let Some((f, b)) = self.first_bad(m, 1) {
                let (input, _) = wrap(Json::obj([(f.json_name.clone(), b.input)]), j("{}"));
                self.err(
                    format!("{name}.error"),
                    custom,
                    input,
                    format!("{}{}", join(&path, &f.json_name), b.suffix),
                    false,
                );
            }
            let zz = self.unknown_key(m);
            let (input, _) = wrap(twice(&zz, n("1"), n("1")), j("{}"));
            self.err(
                format!("{name}.duplicate_key"),
                custom,
                input,
                repeated(&join(&path, &zz)),
                false,
            );
            let (input, canon) = wrap(Json::obj([(zz.clone(), n("1"))]), j("{}"));
            self.ok(
                format!("{name}.unknown_key"),
                custom,
                input.clone(),
                canon,
                false,
            );
            self.err(
                format!("{name}.unknown_key.strict"),
                custom,
                input,
                join(&path, &zz),
                true,
            );
            if let (false, Some(f)) = (
                large,
                m.fields
                    .iter()
                    .find(|f| f.proto_name != f.json_name && !null_is_value(&f.ty)),
            ) {
                self.both_spellings(custom, &name, f, &path, &wrap);
            }
            for o in &m.oneofs {
                let members: Vec<&Field> =
                    o.fields.iter().filter_map(|&i| m.fields.get(i)).collect();
                let picked: Vec<(&Field, Sample)> = members
                    .iter()
                    .filter_map(|f| self.pick(&f.ty, 1, false).map(|v| (*f, v)))
                    .collect();
                if picked.len() >= 2 {
                    let (a, va) = &picked[0];
                    let (b, vb) = &picked[picked.len() - 1];
                    let (input, _) = wrap(
                        Json::obj([
                            (a.json_name.clone(), va.input.clone()),
                            (b.json_name.clone(), vb.input.clone()),
                        ]),
                        j("{}"),
                    );
                    self.err(
                        format!("{name}.{}.two_members", o.proto_name),
                        custom,
                        input,
                        clash(&path, &a.json_name, &b.json_name, "set the same oneof"),
                        false,
                    );
                }
            }
        }
    }

    fn root_cases(&mut self) {
        let custom = self.plugin.custom_message();
        let l = self.label(custom);
        self.ok(format!("{l}.root.null"), custom, Json::Null, j("{}"), false);
        for (tag, input) in [("array", j("[]")), ("string", s("x")), ("number", n("1"))] {
            self.err(
                format!("{l}.root.error.{tag}"),
                custom,
                input,
                "(root)".to_string(),
                false,
            );
        }
    }
}

/// The conformance cases of one plugin: every reachable message, every field.
pub fn plugin_vectors(plugin: &Plugin) -> Vec<Case> {
    let mut g = Gen {
        plugin,
        cases: Vec::new(),
        names: BTreeSet::new(),
        covered: BTreeSet::new(),
        memo: Memo::default(),
    };
    if plugin.messages.is_empty() {
        return Vec::new();
    }
    g.root_cases();
    for m in &plugin.messages {
        g.message_cases(m);
    }
    g.nested_cases();
    g.cases
}
