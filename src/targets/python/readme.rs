//! The view-model of a package's `README.md`: installation, usage (`@task(task_config=...)`),
//! what the task serializes to, the hook, and the config reference (every field of every
//! message and every value of every enum).
//!
//! The Python type and default of each field are read from the dataclass lines that
//! `models.py` prints, so the README always shows what the code declares. Text from the
//! `.proto` is escaped so that it cannot break the Markdown: no HTML, no table-breaking
//! pipes or newlines, no accidental headings or lists.

use serde::Serialize;

use crate::ir::{Enum, Field, Message, Plugin};
use crate::targets::markdown::{self, RefVm, code_span, html, md_text};

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
    pub messages: Vec<RefVm>,
    /// Enums.
    pub enums: Vec<RefVm>,
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

fn message_ref(m: &Message, field_lines: &[String]) -> RefVm {
    let index = |f: &Field| m.fields.iter().position(|x| std::ptr::eq(x, f));
    markdown::message_ref(
        m,
        |n| &n.python,
        |f| {
            index(f)
                .and_then(|i| field_lines.get(i))
                .map(|l| python_type_and_default(l))
                .unwrap_or_default()
        },
    )
}

fn enum_ref(e: &Enum) -> RefVm {
    markdown::enum_ref(
        e,
        |n| &n.python,
        "an `IntEnum`; JSON holds the value's name (a number it does not define stays a plain `int`, written as the number).",
    )
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
                 \x20   return 0  # not run here: the connector computes the result\n\n\n\
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
        header: markdown::header_comment(python_header, "#"),
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
