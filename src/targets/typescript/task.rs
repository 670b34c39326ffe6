//! The task class of a TypeScript package (`src/task.ts`): a task's identifier, its typed config
//! and (for plugins whose tasks run a container) the container, with methods that build the
//! task's `flyteidl.core.TaskTemplate` as proto3 JSON.
//!
//! Every decision (the class name, which properties exist for the backend kind, the literals,
//! the documentation) is made here; `templates/typescript/task.ts.hbs` only prints it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{RUNTIME_TYPES, RUNTIME_VALUES, models, ts_string};
use crate::error::Result;
use crate::ir::Plugin;
use crate::manifest::Backend;
use crate::targets::{Context, OutFile, header};

/// `TaskTemplate.metadata.runtime.flavor` of templates built by the TypeScript task class.
pub(super) const RUNTIME_FLAVOR: &str = "typescript";

#[derive(Serialize)]
struct TaskView {
    header: String,
    /// The import line(s) of the config class.
    import_config: Vec<String>,
    /// TSDoc lines of the class.
    doc: Vec<String>,
    /// The class name, e.g. `SparkTask`.
    name: String,
    /// The config class, e.g. `SparkJob`.
    config_type: String,
    /// Whether the task runs a container (k8s and core plugins).
    container: bool,
    /// A string literal of the task type.
    task_type: String,
    task_type_version: i32,
    /// Set when the version is not 0 (proto3 JSON omits a 0).
    task_type_version_json: Option<i32>,
    /// The `metadata` property line, laid out.
    metadata: Vec<String>,
    /// TSDoc lines of `taskTemplateObject` and `taskTemplate`.
    object_doc: Vec<String>,
    text_doc: Vec<String>,
}

/// The class name: `<Pascal>Task`, else `<Pascal>TaskType`, else numbered, so that it never
/// takes a name `index.ts` exports (models and runtime re-exports).
pub(super) fn task_class_name(plugin: &Plugin, models: &models::ModelsView) -> String {
    let mut taken: BTreeSet<String> = models.type_names();
    taken.extend(RUNTIME_VALUES.iter().map(|s| s.to_string()));
    taken.extend(RUNTIME_TYPES.iter().map(|s| s.to_string()));
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
pub(super) fn runs_container(backend: Backend) -> bool {
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

fn width(line: &str) -> usize {
    line.chars().count()
}

/// `src/task.ts`.
pub(super) fn task_file(
    ctx: &Context<'_>,
    plugin: &Plugin,
    models: &models::ModelsView,
) -> Result<OutFile> {
    let name = task_class_name(plugin, models);
    let config_type = plugin.custom_message().names.typescript.clone();
    let container = runs_container(plugin.backend);
    let version = plugin.task_type_version;
    let wrap = |text: &str| models::wrap(text, models::WIDTH - 3);

    let import_one = format!("import {{ {config_type} }} from \"./models.js\";");
    let import_config = if width(&import_one) <= models::WIDTH {
        vec![import_one]
    } else {
        vec![
            "import {".to_string(),
            format!("  {config_type},"),
            "} from \"./models.js\";".to_string(),
        ]
    };

    let mut text = wrap(&format!(
        "A task of the Flyte plugin `{plugin_name}`: its identifier{container_part}. \
         `taskTemplate()` builds the `flyteidl.core.TaskTemplate` that registers the task with Flyte, as \
         proto3 JSON.",
        plugin_name = plugin.name,
        container_part = if container {
            format!(", its config (a `{config_type}`) and the container that runs its code")
        } else {
            format!(" and its config (a `{config_type}`)")
        },
    ));
    text.push_str("\n\n");
    text.push_str(&wrap(kind_sentence(plugin.backend)));
    text.push_str("\n\nThe template holds:\n\n");
    let mut items = vec![
        "`id`: resource type `TASK` with `project`, `domain`, `name` and `version`".to_string(),
        format!("`type`: `{}` (`{name}.taskType`)", plugin.task_type),
        if version == 0 {
            format!("`taskTypeVersion`: 0, so it is omitted (`{name}.taskTypeVersion`)")
        } else {
            format!("`taskTypeVersion`: {version} (`{name}.taskTypeVersion`)")
        },
        format!(
            "`metadata`: the runtime (flavor `{RUNTIME_FLAVOR}`, version `{}`) and `retries`",
            plugin.version
        ),
        "`custom`: `config.toCustom()`, omitted when the config encodes to `{}` (as flytekit \
         does)"
            .to_string(),
    ];
    items.push(if container {
        "`container`: `image` and `args`".to_string()
    } else {
        "no `container`".to_string()
    });
    for item in items {
        text.push_str(&format!("- {item}\n"));
    }
    text.push('\n');
    text.push_str(&wrap(
        "The interface (inputs and outputs) is not set. Fields at their default are omitted, as \
         proto3 JSON prints them, and `taskTemplate()` is canonical like `toCustomString()` \
         (RFC 8785), so `json_format.Parse` of the official `flyteidl` package reads it as a \
         `TaskTemplate`.",
    ));
    text.push_str("\n\n@example\n```ts\n");
    text.push_str(&format!(
        "const task = new {name}({{ name: \"my_app.etl.load\", config: new {config_type}() }});\n"
    ));
    text.push_str("const templateJson = task.taskTemplate();\n```");

    let runtime = format!(
        "{{ flavor: {}, version: {} }}",
        ts_string(RUNTIME_FLAVOR),
        ts_string(&plugin.version)
    );
    let one = format!("      metadata: {{ runtime: {runtime}, retries }},");
    let metadata = if width(&one) <= models::WIDTH {
        vec![one]
    } else {
        vec![
            "      metadata: {".to_string(),
            format!("        runtime: {runtime},"),
            "        retries,".to_string(),
            "      },".to_string(),
        ]
    };

    let view = TaskView {
        header: header("//", &plugin.source_files),
        import_config,
        doc: models::doc_lines(&text, false, "", true),
        name: name.clone(),
        config_type,
        container,
        task_type: ts_string(&plugin.task_type),
        task_type_version: version,
        task_type_version_json: (version != 0).then_some(version),
        metadata,
        object_doc: models::doc_lines(
            &wrap(&format!(
                "The task's `TaskTemplate` as a proto3 JSON object (see `{name}`).\n\n\
                 @throws {{@link json.EncodeError}} from `config.toCustom()`, for a string with an \
                 unpaired surrogate, or for `retries` outside uint32."
            )),
            false,
            "  ",
            true,
        ),
        text_doc: models::doc_lines(
            &wrap(
                "The canonical JSON text of `taskTemplateObject()` (RFC 8785), as \
                 `toCustomString()` prints the config.\n\n\
                 @throws {@link json.EncodeError} as `taskTemplateObject()` does.",
            ),
            false,
            "  ",
            true,
        ),
    };
    Ok(OutFile::generated(
        format!("typescript/{}/src/task.ts", plugin.name),
        ctx.renderer.render("typescript/task.ts", &view)?,
    ))
}
