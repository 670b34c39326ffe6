//! The task type of a Go package (`task.go`): a struct holding a task's identifier, its typed
//! config and (for plugins whose tasks run a container) the container, with methods that build
//! the task's `flyteidl.core.TaskTemplate` as proto3 JSON.
//!
//! Every decision (the type's name, which fields exist for the backend kind, the literals, the
//! documentation) is made here; `templates/go/task.go.hbs` only prints the view-model.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{doc, go_quote, package_name, wrap};
use crate::error::Result;
use crate::ir::Plugin;
use crate::manifest::Backend;
use crate::targets::{Context, OutFile, header};

/// `TaskTemplate.metadata.runtime.flavor` of templates built by the Go task type.
pub(super) const RUNTIME_FLAVOR: &str = "go";

/// Exported identifiers of the runtime (`runtime.go`) that a task type must not take.
const RUNTIME_EXPORTS: &[&str] = &[
    "Any",
    "DecodeError",
    "DecodeOptions",
    "Duration",
    "Empty",
    "EncodeError",
    "FieldMask",
    "NewDuration",
    "NewTimestamp",
    "NullValue",
    "NullValue_NULL_VALUE",
    "Timestamp",
];

#[derive(Serialize)]
struct TaskFile {
    header: String,
    package: String,
    /// Quoted import paths.
    imports: Vec<String>,
    /// Doc-comment lines of the type.
    doc: Vec<String>,
    /// The Go type name, e.g. `SparkTask`.
    name: String,
    /// The Go type of the config, e.g. `SparkJob`.
    config_type: String,
    /// Whether the task runs a container (k8s and core plugins).
    container: bool,
    /// A Go string literal of the task type.
    task_type: String,
    /// `TaskTemplate.task_type_version`.
    task_type_version: i32,
    /// Set when the version is not 0 (proto3 JSON omits a 0).
    task_type_version_json: Option<i32>,
    /// A Go string literal of the runtime flavor.
    runtime_flavor: String,
    /// A Go string literal of the runtime version (the package version).
    runtime_version: String,
    /// Doc-comment lines of the methods.
    task_type_doc: Vec<String>,
    task_type_version_doc: Vec<String>,
    object_doc: Vec<String>,
    text_doc: Vec<String>,
}

/// Every exported package-level identifier the generated package declares for `plugin`.
fn taken_names(plugin: &Plugin) -> BTreeSet<String> {
    let mut taken: BTreeSet<String> = RUNTIME_EXPORTS.iter().map(|s| s.to_string()).collect();
    for m in &plugin.messages {
        taken.insert(m.names.go.clone());
    }
    for e in &plugin.enums {
        taken.insert(e.names.go.clone());
        for v in &e.values {
            taken.insert(v.names.go.clone());
        }
    }
    taken
}

/// The task type's name: `<Pascal>Task`, else `<Pascal>TaskType`, else numbered, so that it
/// never takes the name of a message, enum or runtime type of the package.
pub(super) fn task_type_name(plugin: &Plugin) -> String {
    let taken = taken_names(plugin);
    let base = format!("{}Task", plugin.package.pascal);
    for candidate in [base.clone(), format!("{base}Type")] {
        if !taken.contains(&candidate) {
            return candidate;
        }
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base}{n}");
        if !taken.contains(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// Whether tasks of this backend kind run a container.
pub(crate) fn runs_container(backend: Backend) -> bool {
    matches!(backend, Backend::K8s | Backend::Core)
}

fn kind_sentence(backend: Backend) -> &'static str {
    match backend {
        Backend::K8s => {
            "It is a Kubernetes operator plugin: the backend builds a Kubernetes resource from the \
             config, and the task's code runs in the container."
        }
        Backend::Core => {
            "It is a core plugin: the backend runs the task itself, with the container for the \
             task's code."
        }
        Backend::WebapiAsync => {
            "It is an asynchronous web API plugin: the backend submits the task to a service and \
             polls it, so the task runs no container of its own."
        }
        Backend::WebapiSync => {
            "It is a synchronous web API plugin: the backend calls a service once, so the task runs \
             no container of its own."
        }
    }
}

/// `go/<name>/task.go`.
pub(super) fn task_file(ctx: &Context<'_>, plugin: &Plugin) -> Result<OutFile> {
    let name = task_type_name(plugin);
    let config_type = plugin.custom_message().names.go.clone();
    let container = runs_container(plugin.backend);
    let task_type = go_quote(&plugin.task_type);
    let version = plugin.task_type_version;
    let mut text = wrap(&format!(
        "{name} is a task of the Flyte plugin {plugin_name:?}: its identifier{container_part}. TaskTemplate builds the flyteidl.core.TaskTemplate that \
         registers the task with Flyte, as proto3 JSON.",
        plugin_name = plugin.name,
        container_part = if container {
            format!(", its config (a {config_type}) and the container that runs its code")
        } else {
            format!(" and its config (a {config_type})")
        },
    ));
    text.push_str("\n\n");
    text.push_str(&wrap(kind_sentence(plugin.backend)));
    text.push_str("\n\nThe template holds:\n\n");
    let mut items = vec![
        "id: resource type TASK with Project, Domain, Name and Version".to_string(),
        format!("type: {task_type} (TaskType)"),
        if version == 0 {
            "taskTypeVersion: 0, so it is omitted (TaskTypeVersion)".to_string()
        } else {
            format!("taskTypeVersion: {version} (TaskTypeVersion)")
        },
        format!(
            "metadata: the runtime (flavor {}, version {}) and Retries",
            go_quote(RUNTIME_FLAVOR),
            go_quote(&plugin.version)
        ),
        "custom: Config.ToCustom(), omitted when the config encodes to {} (as flytekit does)"
            .to_string(),
    ];
    items.push(if container {
        "container: Image and Args".to_string()
    } else {
        "no container".to_string()
    });
    for item in items {
        text.push_str(&format!("  - {item}\n"));
    }
    text.push_str(&format!(
        "\n{}",
        wrap(
            "The interface (inputs and outputs) is not set. Fields at their default are omitted, \
             as proto3 JSON prints them, and the text is canonical like MarshalCustom's \
             (RFC 8785), so json_format.Parse of the official flyteidl package reads it as a \
             TaskTemplate."
        )
    ));
    let view = TaskFile {
        header: header("//", &plugin.source_files),
        package: package_name(plugin),
        imports: if container {
            vec![go_quote("strconv"), go_quote("unicode/utf8")]
        } else {
            vec![go_quote("unicode/utf8")]
        },
        doc: doc::doc_comment(&text),
        name: name.clone(),
        config_type,
        container,
        task_type: task_type.clone(),
        task_type_version: version,
        task_type_version_json: (version != 0).then_some(version),
        runtime_flavor: go_quote(RUNTIME_FLAVOR),
        runtime_version: go_quote(&plugin.version),
        task_type_doc: doc::doc_comment(&wrap(&format!(
            "TaskType returns TaskTemplate.type, the task type the plugin's backend serves: \
             {task_type}."
        ))),
        task_type_version_doc: doc::doc_comment(&wrap(&format!(
            "TaskTypeVersion returns TaskTemplate.task_type_version: {version}."
        ))),
        object_doc: doc::doc_comment(&wrap(&format!(
            "TaskTemplateObject returns the task's TaskTemplate as a proto3 JSON value: \
             map[string]any holding map[string]any, []any, string and float64 values (see \
             {name}). A nil t is a task with no name and the default config. The error is \
             Config.ToCustom's, or an *EncodeError for a string that is not valid UTF-8."
        ))),
        text_doc: doc::doc_comment(&wrap(
            "TaskTemplate returns the canonical JSON text of TaskTemplateObject: RFC 8785 \
             bytes, as MarshalCustom prints the config.",
        )),
    };
    Ok(OutFile::generated(
        format!("go/{}/task.go", plugin.name),
        ctx.renderer.render("go/task.go", &view)?,
    ))
}
