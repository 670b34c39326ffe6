//! TypeScript identifiers.
//!
//! Type names (classes, enums, oneof unions) must not be reserved words nor shadow the globals the
//! generated code uses. Property names may be any identifier, keywords included (`m.class` is
//! valid TypeScript), except the names that clash with members every generated class has or
//! inherits from `Object.prototype`.

use super::{escape, lower_camel};

/// Reserved words, strict-mode words and globals a generated class must not shadow.
pub const RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "as",
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
    "yield",
    "any",
    "boolean",
    "constructor",
    "declare",
    "get",
    "module",
    "require",
    "number",
    "set",
    "string",
    "symbol",
    "type",
    "from",
    "of",
    "await",
    "async",
    "arguments",
    "eval",
    "undefined",
    "NaN",
    "Infinity",
    "Object",
    "Array",
    "Map",
    "Set",
    "String",
    "Number",
    "Boolean",
    "BigInt",
    "Date",
    "Error",
    "JSON",
    "Math",
    "Promise",
    "Record",
    "Symbol",
    "Uint8Array",
    "RegExp",
    "Function",
    "globalThis",
    "unknown",
    "never",
    "object",
    "bigint",
];

/// Property names generated classes use for their own members, or inherit from `Object`.
pub const RESERVED_MEMBERS: &[&str] = &[
    "toCustom",
    "fromCustom",
    "toJSON",
    "toCustomString",
    "__proto__",
    "constructor",
    "toString",
    "toLocaleString",
    "valueOf",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

/// A class, interface or enum name.
pub fn type_name(flat: &str) -> String {
    escape(flat.to_string(), RESERVED)
}

/// A class property.
pub fn field_name(proto_name: &str) -> String {
    escape(lower_camel(proto_name), RESERVED_MEMBERS)
}

/// An enum member (the proto value name).
pub fn enum_value_name(_type_name: &str, value: &str) -> String {
    value.to_string()
}
