//! Identifier rules per language: casing with heck, keyword and reserved-name escaping.
//!
//! The IR calls these once per identifier and stores the results; emitters only read them.
//! Each language module exposes the same four functions.

pub mod go;
pub mod python;
pub mod rust;
pub mod typescript;

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};

/// Appends `_` while `name` is in `reserved`.
pub fn escape(name: String, reserved: &[&str]) -> String {
    let mut name = name;
    while reserved.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// snake_case, keeping digits attached the way protoc does (`field_1` stays `field_1`).
pub fn snake(name: &str) -> String {
    let s = name.to_snake_case();
    if s.is_empty() { "_".to_string() } else { s }
}

/// UpperCamelCase.
pub fn upper_camel(name: &str) -> String {
    let s = name.to_upper_camel_case();
    if s.is_empty() { "X".to_string() } else { s }
}

/// lowerCamelCase.
pub fn lower_camel(name: &str) -> String {
    let s = name.to_lower_camel_case();
    if s.is_empty() { "x".to_string() } else { s }
}

/// Makes the first character uppercase, leaving the rest as written.
pub fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
