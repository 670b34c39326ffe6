//! Python identifiers.

use super::{escape, snake};

/// Python keywords, soft keywords and builtins/typing names the generated modules use.
pub const RESERVED: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "match",
    "case",
    "type",
    "_",
    "self",
    "cls",
    // builtins and typing names used by generated code
    "bool",
    "bytes",
    "dict",
    "float",
    "int",
    "list",
    "object",
    "str",
    "tuple",
    "Any",
    "Optional",
    "Union",
    "dataclass",
    "field",
    "enum",
    "typing",
    "dataclasses",
];

/// Names a generated class or field must not take because generated methods use them.
pub const RESERVED_MEMBERS: &[&str] = &[
    "to_custom",
    "from_custom",
    "to_json",
    "from_json",
    "to_dict",
    "from_dict",
];

/// A class name.
pub fn type_name(flat: &str) -> String {
    escape(flat.to_string(), RESERVED)
}

/// A dataclass field name.
pub fn field_name(proto_name: &str) -> String {
    let name = escape(snake(proto_name), RESERVED);
    escape(name, RESERVED_MEMBERS)
}

/// An `IntEnum` member name.
pub fn enum_value_name(_type_name: &str, value: &str) -> String {
    escape(value.to_string(), RESERVED)
}
