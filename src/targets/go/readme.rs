//! The view-model of a Go package's `README.md`: installation, a usage example that builds the
//! task's `TaskTemplate`, the codec, and the config reference (every field of every message
//! with its Go type and zero value, every value of every enum).

use serde::Serialize;

use super::{field_vm, go_quote, package_name, task};
use crate::ir::{Field, FieldType, Plugin, Wkt};
use crate::targets::markdown::{self, Example, RefVm, code_span, html, md_text};

/// `README.md` of a Go package.
#[derive(Debug, Serialize)]
pub struct ReadmeVm {
    /// The generated-file marker, as an HTML comment.
    pub header: String,
    /// The module path.
    pub module: String,
    /// The package name.
    pub package: String,
    /// The opening paragraphs (escaped Markdown).
    pub intro: String,
    /// The backend kind, in words.
    pub backend: String,
    /// `TaskTemplate.type`, as a code span.
    pub task_type: String,
    /// `TaskTemplate.task_type_version`.
    pub task_type_version: i32,
    /// The config type.
    pub config: String,
    /// The task type.
    pub task: String,
    /// The Go version of `go.mod`.
    pub go_version: &'static str,
    /// The usage example (Go source, without the fence).
    pub usage: String,
    /// Messages, custom message first.
    pub messages: Vec<RefVm>,
    /// Enums.
    pub enums: Vec<RefVm>,
}

/// The Go zero value of a field, as the reference shows it.
fn zero(plugin: &Plugin, f: &Field, go_type: &str) -> String {
    if go_type.starts_with('*')
        || go_type.starts_with("[]")
        || go_type.starts_with("map[")
        || go_type == "any"
    {
        return "nil".into();
    }
    match go_type {
        "string" => return "\"\"".into(),
        "bool" => return "false".into(),
        "int32" | "int64" | "uint32" | "uint64" | "float32" | "float64" => return "0".into(),
        _ => {}
    }
    match &f.ty {
        FieldType::Enum { full_name, .. } => plugin
            .enum_(full_name)
            .and_then(|e| e.values.iter().find(|v| v.number == 0))
            .map(|v| v.names.go.clone())
            .unwrap_or_else(|| "0".into()),
        FieldType::WellKnown {
            wkt: Wkt::NullValue,
        } => "NullValue_NULL_VALUE".into(),
        _ => "0".into(),
    }
}

/// The config fields of the usage example, as `Name: value`.
fn example_fields(plugin: &Plugin) -> Vec<(String, String)> {
    markdown::example_fields(plugin)
        .into_iter()
        .map(|(f, example)| {
            let value = match example {
                Example::String => go_quote("example"),
                Example::Bool => "true".to_string(),
                Example::Float => "1.5".to_string(),
                Example::Int | Example::Int64 => "1".to_string(),
            };
            (f.names.go.clone(), value)
        })
        .collect()
}

/// `key: value` lines of a composite literal, values aligned as gofmt aligns them.
fn aligned(pairs: &[(String, String)], indent: &str) -> Vec<String> {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    pairs
        .iter()
        .map(|(k, v)| format!("{indent}{k}:{} {v},", " ".repeat(width - k.len())))
        .collect()
}

/// A `main` package that builds the task's template and prints it.
fn usage(plugin: &Plugin, package: &str) -> String {
    let module = &plugin.package.go_module;
    let last = module.rsplit('/').next().unwrap_or(module);
    let import = if last == package {
        go_quote(module)
    } else {
        format!("{package} {}", go_quote(module))
    };
    let config_type = &plugin.custom_message().names.go;
    let example: Vec<String> = example_fields(plugin)
        .into_iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let mut fields = vec![
        ("Name".to_string(), go_quote("my_app.etl.load")),
        ("Project".to_string(), go_quote("flytesnacks")),
        ("Domain".to_string(), go_quote("development")),
        ("Version".to_string(), go_quote("v1")),
        (
            "Config".to_string(),
            format!("&{package}.{config_type}{{{}}}", example.join(", ")),
        ),
    ];
    if task::runs_container(plugin.backend) {
        fields.push(("Image".to_string(), go_quote("ghcr.io/acme/app:v1")));
    }
    let literal = aligned(&fields, "\t\t").join("\n");
    format!(
        "package main\n\n\
         import (\n\
         \t\"fmt\"\n\
         \t\"log\"\n\n\
         \t{import}\n\
         )\n\n\
         func main() {{\n\
         \ttask := &{package}.{task}{{\n\
         {literal}\n\
         \t}}\n\
         \ttemplate, err := task.TaskTemplate()\n\
         \tif err != nil {{\n\
         \t\tlog.Fatal(err)\n\
         \t}}\n\
         \tfmt.Println(string(template))\n\
         }}",
        task = task::task_type_name(plugin),
    )
}

/// Builds `README.md`.
pub fn build(plugin: &Plugin, go_header: &str, go_version: &'static str) -> ReadmeVm {
    let package = package_name(plugin);
    let mut intro = Vec::new();
    if !plugin.description.trim().is_empty() {
        intro.push(md_text(&plugin.description));
    }
    let backend = markdown::backend_phrase(plugin.backend);
    intro.push(format!(
        "The Go package of the {} Flyte plugin, {backend}. Its configuration is the message {}, \
         generated by flyteplug from `{}` as Go types with their proto3 JSON codec. It uses the \
         standard library only.",
        code_span(&plugin.name, false),
        code_span(&plugin.custom, false),
        html(&plugin.proto_file).replace('`', "'"),
    ));
    let messages = plugin
        .messages
        .iter()
        .map(|m| {
            markdown::message_ref(
                m,
                |n| &n.go,
                |f| {
                    let ty = field_vm(m, f).go_type;
                    let zero = zero(plugin, f, &ty);
                    (ty, zero)
                },
            )
        })
        .collect();
    let enums = plugin
        .enums
        .iter()
        .map(|e| {
            markdown::enum_ref(
                e,
                |n| &n.go,
                "a named `int32` type with a constant per value; JSON holds the value's name \
                 (a number without a name is written as the number).",
            )
        })
        .collect();
    ReadmeVm {
        header: markdown::header_comment(go_header, "//"),
        module: plugin.package.go_module.clone(),
        usage: usage(plugin, &package),
        package,
        intro: intro.join("\n\n"),
        backend: backend.to_string(),
        task_type: code_span(&plugin.task_type, false),
        task_type_version: plugin.task_type_version,
        config: plugin.custom_message().names.go.clone(),
        task: task::task_type_name(plugin),
        go_version,
        messages,
        enums,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composite_literal_values_align_like_gofmt() {
        let lines = aligned(
            &[
                ("Name".into(), "\"a\"".into()),
                ("Version".into(), "\"v1\"".into()),
            ],
            "\t",
        );
        assert_eq!(lines, vec!["\tName:    \"a\",", "\tVersion: \"v1\","]);
    }
}
