//! Go identifiers (exported).
//!
//! A generated package declares, besides the plugin's types, the runtime's exported names
//! (`Duration`, `DecodeOptions`, ...), and every message has the codec methods
//! (`MarshalCustom`, ...). Type names avoid the former, field names the latter; an escaped name
//! gets `_` appended.

use super::{escape, upper_camel};

/// Package-level names of the generated runtime, which a type may not take.
pub const RESERVED_TYPES: &[&str] = &[
    "DecodeOptions",
    "DecodeError",
    "EncodeError",
    "Duration",
    "Timestamp",
    "FieldMask",
    "Any",
    "Empty",
    "NullValue",
    "NullValue_NULL_VALUE",
    "NewDuration",
    "NewTimestamp",
];

/// Methods of every generated message (and `String` of enums), which a field may not take.
pub const RESERVED_FIELDS: &[&str] = &[
    "MarshalCustom",
    "UnmarshalCustom",
    "MarshalJSON",
    "UnmarshalJSON",
    "ToCustom",
    "FromCustom",
    "FromCustomJSON",
    "String",
    "Reset",
];

/// Every reserved name (types and fields).
pub const RESERVED: &[&str] = &[
    "DecodeOptions",
    "DecodeError",
    "EncodeError",
    "Duration",
    "Timestamp",
    "FieldMask",
    "Any",
    "Empty",
    "NullValue",
    "NullValue_NULL_VALUE",
    "NewDuration",
    "NewTimestamp",
    "MarshalCustom",
    "UnmarshalCustom",
    "MarshalJSON",
    "UnmarshalJSON",
    "ToCustom",
    "FromCustom",
    "FromCustomJSON",
    "String",
    "Reset",
];

/// A struct or named type.
pub fn type_name(flat: &str) -> String {
    escape(flat.to_string(), RESERVED_TYPES)
}

/// A struct field.
pub fn field_name(proto_name: &str) -> String {
    escape(upper_camel(proto_name), RESERVED_FIELDS)
}

/// An enum constant: `TypeName_VALUE`, as protoc-gen-go names them.
pub fn enum_value_name(type_name: &str, value: &str) -> String {
    format!("{type_name}_{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_names_are_escaped() {
        assert_eq!(type_name("Duration"), "Duration_");
        assert_eq!(type_name("Config"), "Config");
        assert_eq!(field_name("duration"), "Duration");
        assert_eq!(field_name("to_custom"), "ToCustom_");
        assert_eq!(field_name("string"), "String_");
    }

    #[test]
    fn reserved_is_the_union() {
        for n in RESERVED_TYPES.iter().chain(RESERVED_FIELDS) {
            assert!(RESERVED.contains(n), "{n}");
        }
        assert_eq!(RESERVED.len(), RESERVED_TYPES.len() + RESERVED_FIELDS.len());
    }
}
