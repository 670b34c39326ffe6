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
    // the generated models module's alias of the package runtime (`from . import _json as _j`)
    "_j",
];

/// Names a generated class or field must not take because generated methods use them.
pub const RESERVED_MEMBERS: &[&str] = &[
    "to_custom",
    "to_custom_json",
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

/// Names an `IntEnum` member must not take: `enum.Enum` attributes and `int` methods and
/// properties (a member would shadow them; mypy rejects the methods).
pub const RESERVED_ENUM_MEMBERS: &[&str] = &[
    "name",
    "value",
    "mro",
    "as_integer_ratio",
    "bit_count",
    "bit_length",
    "conjugate",
    "denominator",
    "from_bytes",
    "imag",
    "is_integer",
    "numerator",
    "real",
    "to_bytes",
];

/// An `IntEnum` member name. A leading `_` would make a private (`__X`) or reserved (`_X_`)
/// enum name, so such names get a `V` prefix.
pub fn enum_value_name(_type_name: &str, value: &str) -> String {
    let name = if value.starts_with('_') {
        format!("V{value}")
    } else {
        value.to_string()
    };
    escape(escape(name, RESERVED), RESERVED_ENUM_MEMBERS)
}
