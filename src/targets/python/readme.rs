//! The view-model of a package's `README.md`: installation, usage (`@task(task_config=...)`),
//! what the task serializes to, the hook, and the config reference (every field of every
//! message and every value of every enum).
//!
//! The Python type and default of each field are read from the dataclass lines that
//! `models.py` prints, so the README always shows what the code declares. Text from the
//! `.proto` is escaped so that it cannot break the Markdown: no HTML, no table-breaking
//! pipes or newlines, no accidental headings or lists.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::ir::{Enum, EnumValue, Field, FieldType, Label, Message, Plugin};
use crate::targets::GENERATED_MARKER;

use super::models::ModelsVm;
use super::syntax::{LINE_LENGTH, call, statement, width};
use super::task::{ClassNames, example_arguments, kind};

/// `README.md`.
#[derive(Debug, Serialize)]
pub struct ReadmeVm {
    /// The generated-file marker, as an HTML comment.
    pub header: String,
    /// The distribution name (`flytekitplugins-spark`).
    pub dist: String,
    /// The import path (`flytekitplugins.spark`).
    pub import: String,
    /// The opening paragraphs (escaped Markdown).
    pub intro: String,
    /// The flytekit requirement of the package (`flytekit>=1.16.0`).
    pub flytekit: String,
    /// The backend kind, in words.
    pub backend: String,
    /// `TaskTemplate.type`, as a code span.
    pub task_type: String,
    /// `TaskTemplate.task_type_version`.
    pub task_type_version: i32,
    /// The config class.
    pub config: String,
    /// The function task class.
    pub task_class: String,
    /// The task class without a user function (web API kinds).
    pub connector_class: Option<String>,
    /// The connector executor mixin (web API kinds).
    pub mixin: Option<String>,
    /// The usage example (Python source lines, without the fence).
    pub usage: String,
    /// The example of the task without a user function (web API kinds).
    pub connector_usage: Option<String>,
    /// The name of the task the usage example defines.
    pub example_task: String,
    /// Messages, custom message first.
    pub messages: Vec<MessageRefVm>,
    /// Enums.
    pub enums: Vec<EnumRefVm>,
}

/// One message of the reference.
#[derive(Debug, Serialize)]
pub struct MessageRefVm {
    /// The class name (a heading).
    pub name: String,
    /// Full proto name, deprecation, docs (escaped Markdown).
    pub about: String,
    /// Table rows.
    pub rows: Vec<String>,
}

/// One enum of the reference.
#[derive(Debug, Serialize)]
pub struct EnumRefVm {
    /// The class name (a heading).
    pub name: String,
    /// Full proto name, deprecation, docs (escaped Markdown).
    pub about: String,
    /// Table rows.
    pub rows: Vec<String>,
}

/// Escapes `<`, `>` and `&`, so that no text is read as HTML (or a comment).
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Doc text as Markdown paragraphs: lines keep their breaks, but lose their indentation and
/// any leading character that would start a heading, quote, list, fence, rule or table.
pub fn md_text(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.trim().lines() {
        let line = html(line.trim());
        let mut out = String::with_capacity(line.len() + 1);
        let first = line.chars().next();
        if matches!(
            first,
            Some('#' | '-' | '+' | '*' | '=' | '|' | '~' | '`' | '_' | ':')
        ) {
            out.push('\\');
            out.push_str(&line);
        } else {
            let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
            let next = line.chars().nth(digits);
            if digits > 0 && matches!(next, Some('.' | ')')) {
                out.push_str(&line[..digits]);
                out.push('\\');
                out.push_str(&line[digits..]);
            } else {
                out.push_str(&line);
            }
        }
        lines.push(out);
    }
    lines.join("\n")
}

/// Doc text as one table cell: one line, pipes escaped, no HTML.
pub fn md_cell(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    html(&words.join(" ")).replace('|', "\\|")
}

/// A code span that holds `text` whatever backticks it contains; `in_table` escapes pipes
/// (GitHub's tables read `\|` as a pipe, even in code spans).
pub fn code_span(text: &str, in_table: bool) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    let body = if in_table {
        text.replace('|', "\\|")
    } else {
        text
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// The proto type of a field, as the `.proto` would spell it.
fn proto_type(f: &Field) -> String {
    let value = |ty: &FieldType| match ty {
        FieldType::Scalar { scalar } => scalar.proto_name().to_string(),
        FieldType::Enum { full_name, .. } | FieldType::Message { full_name, .. } => {
            full_name.clone()
        }
        FieldType::WellKnown { wkt } => wkt.full_name(),
    };
    match &f.label {
        Label::Map { key } => format!("map<{}, {}>", key.proto_name(), value(&f.ty)),
        Label::Repeated => format!("repeated {}", value(&f.ty)),
        Label::Singular => {
            let scalar_like = matches!(f.ty, FieldType::Scalar { .. } | FieldType::Enum { .. });
            if f.explicit_presence && f.oneof.is_none() && scalar_like {
                format!("optional {}", value(&f.ty))
            } else {
                value(&f.ty)
            }
        }
    }
}

/// The Python type and default of a dataclass field line as `models.py` prints it
/// (`    name: type = default`, maybe followed by `  # fmt: skip`), shown without the
/// runtime's `_j.` prefix.
fn python_type_and_default(line: &str) -> (String, String) {
    let line = line.trim();
    let line = line.strip_suffix("# fmt: skip").unwrap_or(line).trim_end();
    let rest = line.split_once(": ").map(|(_, r)| r).unwrap_or(line);
    let (ty, default) = rest.rsplit_once(" = ").unwrap_or((rest, ""));
    let default = match default {
        "field(default_factory=dict)" => "{}",
        "field(default_factory=list)" => "[]",
        d => d,
    };
    (ty.replace("_j.", ""), default.replace("_j.", ""))
}

fn message_ref(m: &Message, field_lines: &[String]) -> MessageRefVm {
    let mut about = vec![format!("Message {}.", code_span(&m.full_name, false))];
    if m.deprecated {
        about[0].push_str(" **Deprecated.**");
    }
    if !m.doc.trim().is_empty() {
        about.push(md_text(&m.doc));
    }
    for o in &m.oneofs {
        let members: Vec<String> = o
            .fields
            .iter()
            .filter_map(|&i| m.fields.get(i))
            .map(|f| code_span(&f.names.python, false))
            .collect();
        let mut text = format!(
            "Oneof {}: at most one of {} is set.",
            code_span(&o.proto_name, false),
            members.join(", ")
        );
        if !o.doc.trim().is_empty() {
            text = format!("{text} {}", md_cell(&o.doc));
        }
        about.push(text);
    }
    let rows = m
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (ty, default) = field_lines
                .get(i)
                .map(|l| python_type_and_default(l))
                .unwrap_or_default();
            let mut notes = Vec::new();
            if f.deprecated {
                notes.push("**Deprecated.**".to_string());
            }
            if !f.doc.trim().is_empty() {
                notes.push(md_cell(&f.doc));
            }
            if let Some(o) = f.oneof.and_then(|i| m.oneofs.get(i)) {
                notes.push(format!("Oneof {}.", code_span(&o.proto_name, true)));
            }
            format!(
                "| {} | {} | {} | {} | {} | {} |",
                code_span(&f.names.python, true),
                code_span(&f.json_name, true),
                code_span(&ty, true),
                code_span(&proto_type(f), true),
                code_span(&default, true),
                notes.join(" ")
            )
        })
        .collect();
    MessageRefVm {
        name: code_span(&m.names.python, false),
        about: about.join("\n\n"),
        rows,
    }
}

/// An enum's values in declaration order, each with the first declared value of its number
/// (itself, unless it is an alias).
fn declared(e: &Enum) -> Vec<(&EnumValue, &EnumValue)> {
    let mut values: Vec<&EnumValue> = e.values.iter().collect();
    values.sort_by_key(|v| (v.location.line, v.location.col));
    let mut firsts: Vec<&EnumValue> = Vec::new();
    let mut seen = BTreeSet::new();
    for v in &values {
        if seen.insert(v.number) {
            firsts.push(v);
        }
    }
    values
        .into_iter()
        .map(|v| {
            let first = firsts
                .iter()
                .find(|f| f.number == v.number)
                .copied()
                .unwrap_or(v);
            (v, first)
        })
        .collect()
}

fn enum_ref(e: &Enum) -> EnumRefVm {
    let mut about = vec![format!(
        "Enum {}: an `IntEnum`; JSON holds the value's name (a number it does not define stays a plain `int`, written as the number).",
        code_span(&e.full_name, false)
    )];
    if e.deprecated {
        about[0].push_str(" **Deprecated.**");
    }
    if !e.doc.trim().is_empty() {
        about.push(md_text(&e.doc));
    }
    let rows = declared(e)
        .into_iter()
        .map(|(v, first)| {
            let mut notes = Vec::new();
            if v.deprecated {
                notes.push("**Deprecated.**".to_string());
            }
            if !v.doc.trim().is_empty() {
                notes.push(md_cell(&v.doc));
            }
            if !std::ptr::eq(v, first) {
                notes.push(format!(
                    "Alias of {}.",
                    code_span(&first.names.python, true)
                ));
            }
            format!(
                "| {} | {} | {} | {} |",
                code_span(&v.names.python, true),
                code_span(&v.proto_name, true),
                v.number,
                notes.join(" ")
            )
        })
        .collect();
    EnumRefVm {
        name: code_span(&e.names.python, false),
        about: about.join("\n\n"),
        rows,
    }
}

/// The README's header: the generated-file marker and sources in an HTML comment.
fn header_comment(python_header: &str) -> String {
    let lines: Vec<String> = python_header
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l).replace("--", "- -"))
        .collect();
    debug_assert!(lines.first().is_some_and(|l| l == GENERATED_MARKER));
    format!("<!--\n{}\n-->\n", lines.join("\n"))
}

/// The usage examples: a `@task(task_config=...)` function and its workflow, and for web API
/// kinds a task without a user function; plus the name of the example task. Formatted as
/// `ruff format` prints them (it formats the README's code blocks too).
fn usage(plugin: &Plugin, names: &ClassNames) -> (String, Option<String>, &'static str) {
    let module = format!("flytekitplugins.{}", plugin.package.python_module);
    let config = &plugin.custom_message().names.python;
    // As many example arguments as keep the decorator line within ruff's line length.
    let mut args: Vec<String> = Vec::new();
    for (name, value) in example_arguments(plugin) {
        let mut more = args.clone();
        more.push(format!("{name}={value}"));
        let line = format!("@task(task_config={config}({}))", more.join(", "));
        if width(&line) <= LINE_LENGTH {
            args = more;
        }
    }
    let config_call = format!("{config}({})", args.join(", "));
    let decorator = statement(&format!("@task(task_config={config_call})"), 0);
    let (function, task_name) = match &names.connector {
        None => (
            format!(
                "from flytekit import task, workflow\n\
                 from {module} import {config}\n\n\n\
                 {decorator}\n\
                 def double(n: int) -> int:\n\
                 \x20   return n * 2\n\n\n\
                 @workflow\n\
                 def wf(n: int = 3) -> int:\n\
                 \x20   return double(n=n)"
            ),
            "double",
        ),
        Some(_) => (
            format!(
                "from flytekit import task, workflow\n\
                 from {module} import {config}\n\n\n\
                 {decorator}\n\
                 def count_rows(table: str) -> int:\n\
                 \x20   \"\"\"The connector runs this task; the signature is its interface.\"\"\"\n\
                 \x20   ...\n\n\n\
                 @workflow\n\
                 def wf(table: str = \"events\") -> int:\n\
                 \x20   return count_rows(table=table)"
            ),
            "count_rows",
        ),
    };
    let connector = names.connector.as_ref().map(|c| {
        let construct = call(
            &format!("count_rows_task = {c}"),
            &[
                "name=\"count_rows\"".to_string(),
                format!("task_config={config_call}"),
                "inputs={\"table\": str}".to_string(),
                "outputs={\"rows\": int}".to_string(),
            ],
            0,
            "",
        );
        format!("from {module} import {config}\nfrom {module}.task import {c}\n\n{construct}")
    });
    (function, connector, task_name)
}

/// Builds `README.md`.
pub fn build(
    plugin: &Plugin,
    python_header: &str,
    models: &ModelsVm,
    names: &ClassNames,
    flytekit: &str,
) -> ReadmeVm {
    let k = kind(plugin.backend);
    let custom = plugin.custom_message();
    let mut intro = Vec::new();
    if !plugin.description.trim().is_empty() {
        intro.push(md_text(&plugin.description));
    }
    intro.push(format!(
        "The flytekit plugin of the {} Flyte plugin, {}. Its configuration is the message {}, \
         generated by flyteplug from `{}` as typed dataclasses with their proto3 JSON codec.",
        code_span(&plugin.name, false),
        k.phrase,
        code_span(&plugin.custom, false),
        html(&plugin.proto_file).replace('`', "'"),
    ));
    let messages = plugin
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let lines = models
                .messages
                .get(i)
                .map(|vm| vm.fields.as_slice())
                .unwrap_or(&[]);
            message_ref(m, lines)
        })
        .collect();
    let (usage, connector_usage, example_task) = usage(plugin, names);
    ReadmeVm {
        header: header_comment(python_header),
        dist: plugin.package.python_dist.clone(),
        import: format!("flytekitplugins.{}", plugin.package.python_module),
        intro: intro.join("\n\n"),
        flytekit: flytekit.to_string(),
        backend: k.phrase.to_string(),
        task_type: code_span(&plugin.task_type, false),
        task_type_version: plugin.task_type_version,
        config: custom.names.python.clone(),
        task_class: names.function.clone(),
        connector_class: names.connector.clone(),
        mixin: k.mixin.map(str::to_string),
        usage,
        connector_usage,
        example_task: example_task.to_string(),
        messages,
        enums: plugin.enums.iter().map(enum_ref).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_break_the_markdown() {
        assert_eq!(md_cell("a | b\n<!-- c -->"), "a \\| b &lt;!-- c --&gt;");
        assert_eq!(
            md_text("# not a heading\n  - not a list\n1. no"),
            "\\# not a heading\n\\- not a list\n1\\. no"
        );
        assert_eq!(code_span("a`b", false), "``a`b``");
        assert_eq!(code_span("`x", false), "`` `x ``");
        assert_eq!(code_span("a|b", true), "`a\\|b`");
    }

    #[test]
    fn field_lines_give_type_and_default() {
        assert_eq!(
            python_type_and_default("    labels: dict[str, str] = field(default_factory=dict)"),
            ("dict[str, str]".to_string(), "{}".to_string())
        );
        assert_eq!(
            python_type_and_default("    timeout: _j.Duration | None = None  # fmt: skip"),
            ("Duration | None".to_string(), "None".to_string())
        );
    }
}
