//! Go identifiers (exported).

use super::{escape, upper_camel};

/// Names generated methods and helpers take; a type or field with one of them gets `_`.
pub const RESERVED: &[&str] = &[
    "MarshalCustom",
    "UnmarshalCustom",
    "MarshalJSON",
    "UnmarshalJSON",
    "ToCustom",
    "FromCustom",
    "String",
    "DecodeOptions",
    "DecodeError",
    "Reset",
];

/// A struct or named type.
pub fn type_name(flat: &str) -> String {
    escape(flat.to_string(), RESERVED)
}

/// A struct field.
pub fn field_name(proto_name: &str) -> String {
    escape(upper_camel(proto_name), RESERVED)
}

/// An enum constant: `TypeName_VALUE`, as protoc-gen-go names them.
pub fn enum_value_name(type_name: &str, value: &str) -> String {
    format!("{type_name}_{value}")
}
