//! Rust identifiers.

use super::{escape, snake, upper_camel};

/// Strict and reserved keywords; these become raw identifiers (`r#type`).
pub const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers; these get `_`.
pub const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names that would shadow the prelude or names generated code uses.
pub const RESERVED_TYPES: &[&str] = &[
    "Self",
    "String",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Fn",
    "Iterator",
    "Value",
    "Map",
    "BTreeMap",
    "DecodeError",
    "DecodeOptions",
    "Decoded",
    "Message",
    "Error",
    "EncodeError",
    "Json",
];

/// Enum variant names that generated enums use themselves.
pub const RESERVED_VARIANTS: &[&str] = &["Self", "Unrecognized"];

/// A struct, enum or oneof-enum name (UpperCamelCase per segment, as prost does).
pub fn type_name(flat: &str) -> String {
    escape(upper_camel(flat), RESERVED_TYPES)
}

/// A struct field.
pub fn field_name(proto_name: &str) -> String {
    ident(snake(proto_name))
}

/// An enum variant.
pub fn enum_value_name(_type_name: &str, value: &str) -> String {
    escape(upper_camel(value), RESERVED_VARIANTS)
}

/// The variant of a oneof enum for the member field `proto_name` (`choice_text` →
/// `ChoiceText`).
pub fn oneof_variant_name(proto_name: &str) -> String {
    escape(upper_camel(proto_name), RESERVED_VARIANTS)
}

/// Makes a snake_case name a legal identifier.
pub fn ident(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}
