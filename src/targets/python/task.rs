//! The view-models of the flytekit side of a package: `task.py` (generated: the task classes
//! for the plugin's backend kind, registered with flytekit) and `hooks.py` (scaffold: the
//! author's hook that adapts the config when a task is serialized).
//!
//! Task class shapes, by backend kind:
//!
//! - `k8s`, `core`: `<Pascal>Task(PythonFunctionTask[Config])`. The backend runs the user's
//!   function (in the operator's pods, or as the core plugin decides), so the task is a
//!   function task like flytekit's Spark, Ray or PyTorch plugins.
//! - `webapi-async`, `webapi-sync`: the same function task with flytekit's connector executor
//!   mixin in front, `<Pascal>Task(AsyncConnectorExecutorMixin, PythonFunctionTask[Config])`
//!   (the shape of flytekit's `PysparkFunctionTask`, which serves Databricks through a
//!   connector), so `@task(task_config=Config(...))` works for every kind; plus a task without
//!   a user function, `<Pascal>ConnectorTask(AsyncConnectorExecutorMixin, PythonTask[Config])`,
//!   declared with a name and typed inputs and outputs (the shape of flytekit's BigQuery,
//!   ChatGPT and webhook tasks). The sync kind uses `SyncConnectorExecutorMixin`.
//!
//! Every class passes `task_type` and `task_type_version` from the manifest and returns
//! `hooks.adapt_config(config, settings).to_custom()` from `get_custom`; the function task is
//! registered with `TaskPlugins.register_pythontask_plugin(Config, Task)`.

use serde::Serialize;

use crate::ir::{FieldType, Label, Plugin, Scalar};
use crate::manifest::Backend;
use crate::targets::markdown::{Example, example_fields};

use super::syntax::{call, docstring, py_str, sort_dunder_all, statement};

/// The inline mypy configuration of the modules that import flytekit. flytekit ships no
/// `py.typed`, so `mypy --strict` reports its imports (`import-untyped` when installed,
/// `import-not-found` when not) and its classes are `Any`, which `--strict` forbids
/// subclassing. With these lines the modules check the same with or without flytekit.
pub const MYPY_LINES: &[&str] = &[
    "# mypy: disable-error-code=\"import-untyped, import-not-found\"",
    "# mypy: allow-subclassing-any",
];

fn mypy_lines() -> String {
    MYPY_LINES.iter().map(|l| format!("{l}\n")).collect()
}

/// Names that `task.py` binds besides the config class and the task classes.
const TASK_MODULE_NAMES: &[&str] = &[
    "annotations",
    "Any",
    "Callable",
    "SerializationSettings",
    "ImageConfig",
    "FlyteContextManager",
    "PythonFunctionTask",
    "PythonTask",
    "Interface",
    "TaskPlugins",
    "AsyncConnectorExecutorMixin",
    "SyncConnectorExecutorMixin",
    "hooks",
    "TASK_TYPE",
    "TASK_TYPE_VERSION",
];

/// Names that `hooks.py` binds besides the config class.
const HOOKS_MODULE_NAMES: &[&str] = &["annotations", "SerializationSettings", "adapt_config"];

/// What a backend kind means for the Python task.
pub struct Kind {
    /// How the docs call it.
    pub phrase: &'static str,
    /// The connector executor mixin, for web API kinds.
    pub mixin: Option<&'static str>,
}

/// The Python side of a backend kind.
pub fn kind(backend: Backend) -> Kind {
    Kind {
        phrase: crate::targets::markdown::backend_phrase(backend),
        mixin: match backend {
            Backend::K8s | Backend::Core => None,
            Backend::WebapiAsync => Some("AsyncConnectorExecutorMixin"),
            Backend::WebapiSync => Some("SyncConnectorExecutorMixin"),
        },
    }
}

/// The names of the task classes of a plugin.
pub struct ClassNames {
    /// The function task, registered for the config type.
    pub function: String,
    /// The task without a user function (web API kinds only).
    pub connector: Option<String>,
}

/// Picks `<Pascal>Task` (and `<Pascal>ConnectorTask`), or `<Pascal>PluginTask` (and
/// `<Pascal>PluginConnectorTask`) when the first pair would shadow a name `task.py` imports.
pub fn class_names(plugin: &Plugin) -> ClassNames {
    let web = kind(plugin.backend).mixin.is_some();
    let pascal = &plugin.package.pascal;
    let pick = |stem: &str| ClassNames {
        function: format!("{stem}Task"),
        connector: web.then(|| format!("{stem}ConnectorTask")),
    };
    let plain = pick(pascal);
    let clashes = |n: &ClassNames| {
        TASK_MODULE_NAMES.contains(&n.function.as_str())
            || n.connector
                .as_deref()
                .is_some_and(|c| TASK_MODULE_NAMES.contains(&c))
    };
    if clashes(&plain) {
        pick(&format!("{pascal}Plugin"))
    } else {
        plain
    }
}

/// How a module refers to the config class: its own name, or `_Config` when that would
/// shadow (or be shadowed by) another name of the module.
fn config_ref(plugin: &Plugin, taken: &[&str]) -> (String, String) {
    let name = &plugin.custom_message().names.python;
    if taken.contains(&name.as_str()) {
        (
            format!("from .models import {name} as _Config"),
            "_Config".to_string(),
        )
    } else {
        (format!("from .models import {name}"), name.clone())
    }
}

/// One task class of `task.py`.
#[derive(Debug, Serialize)]
pub struct TaskClassVm {
    /// The `class ...:` line.
    pub class_line: String,
    /// The class docstring, indented.
    pub docstring: String,
    /// True for the function task (`task_config`, `task_function`); false for the task
    /// without a user function (`name`, `task_config`, `inputs`, `outputs`).
    pub function: bool,
    /// The config type as the module names it.
    pub config: String,
    /// `config = self.task_config or Config()` (flytekit types `task_config` as optional).
    pub config_line: String,
    /// True for the function task of a web API kind: `execute` supplies serialization
    /// settings with a default image when a local run has none (the connector mixin
    /// serializes the task, and a function task's template needs an image).
    pub local_image: bool,
}

/// `task.py`.
#[derive(Debug, Serialize)]
pub struct TaskVm {
    /// The generated-file header.
    pub header: String,
    /// The inline mypy configuration lines, each ending in a newline.
    pub mypy: String,
    /// The module docstring.
    pub docstring: String,
    /// Import groups (standard library, flytekit, the package), each a list of lines.
    pub imports: Vec<Vec<String>>,
    /// `__all__` entries, quoted.
    pub all: Vec<String>,
    /// `TASK_TYPE = ...`.
    pub task_type: String,
    /// `TASK_TYPE_VERSION = ...`.
    pub task_type_version: String,
    /// The classes.
    pub classes: Vec<TaskClassVm>,
    /// The registration call.
    pub register: String,
}

fn task_doc(plugin: &Plugin, names: &ClassNames, config: &str) -> String {
    let k = kind(plugin.backend);
    let module = &plugin.package.python_module;
    let mut text = format!(
        "The flytekit task of the ``{}`` Flyte plugin, {}.\n\n\
         ``@task(task_config={config}(...))`` makes a ``{}``: importing this module registers it\n\
         for ``{config}`` with flytekit's ``TaskPlugins``, and flytekit imports this module itself\n\
         through the package's ``flytekit.plugins`` entry point. A serialized task's\n\
         ``TaskTemplate`` has type ``{}``, ``task_type_version`` {} and, as ``custom``, the\n\
         config after ``flytekitplugins.{module}.hooks.adapt_config`` encoded by ``to_custom()``.",
        plugin.name,
        k.phrase,
        names.function,
        py_str(&plugin.task_type),
        plugin.task_type_version,
    );
    if let (Some(mixin), Some(connector)) = (k.mixin, &names.connector) {
        text.push_str(&format!(
            "\n\n\
             Both task classes mix in flytekit's ``{mixin}``, as flytekit's own connector\n\
             tasks do: run locally, a task calls the connector registered for its task type in\n\
             flytekit's ``ConnectorRegistry``. ``{connector}`` is a task without a user function\n\
             (like flytekit's BigQuery or ChatGPT tasks), declared with a name and its typed\n\
             inputs and outputs."
        ));
    }
    text
}

fn function_class_doc(plugin: &Plugin, config: &str) -> String {
    let k = kind(plugin.backend);
    let mut text = format!(
        "A ``{}`` task that runs the decorated function.\n\n\
         Made by ``@task(task_config={config}(...))``; the keyword arguments of ``@task`` reach\n\
         ``PythonFunctionTask``.",
        py_str(&plugin.task_type)
    );
    if k.mixin.is_some() {
        text = format!(
            "A ``{}`` task declared by a function: its signature is the task's interface.\n\n\
             Made by ``@task(task_config={config}(...))``; the keyword arguments of ``@task`` reach\n\
             ``PythonFunctionTask``. The template carries a container that runs the function, for\n\
             a connector that runs user code (as Databricks does); a connector that does not\n\
             ignores it. Run locally, the task calls the connector registered for its type.",
            py_str(&plugin.task_type)
        );
    }
    text
}

fn connector_class_doc(plugin: &Plugin, config: &str, name: &str) -> String {
    format!(
        "A ``{}`` task without a user function: the connector does all the work.\n\n\
         Declare it with a name, the config and the task's typed inputs and outputs, then call\n\
         it in a workflow like any task::\n\n\
         \x20   {name}(\n\
         \x20       name=\"count_rows\",\n\
         \x20       task_config={config}(...),\n\
         \x20       inputs={{\"table\": str}},\n\
         \x20       outputs={{\"rows\": int}},\n\
         \x20   )\n\n\
         Other keyword arguments reach flytekit's ``PythonTask``. The template has no container.\n\
         Run locally, the task calls the connector registered for its type.",
        py_str(&plugin.task_type)
    )
}

/// The first line of `get_custom`: flytekit types `task_config` as optional; a task without
/// one encodes the default message.
fn config_line(config: &str) -> String {
    statement(&format!("config = self.task_config or {config}()"), 8)
}

/// Builds `task.py`.
pub fn build(plugin: &Plugin, header: String) -> TaskVm {
    let names = class_names(plugin);
    let k = kind(plugin.backend);
    let mut taken: Vec<&str> = TASK_MODULE_NAMES.to_vec();
    taken.push(&names.function);
    if let Some(c) = &names.connector {
        taken.push(c);
    }
    let (config_import, config) = config_ref(plugin, &taken);
    // Docs name the class as users import it.
    let real = &plugin.custom_message().names.python;

    let stdlib = vec![
        "from collections.abc import Callable".to_string(),
        "from typing import Any".to_string(),
    ];
    let mut flytekit = Vec::new();
    if names.connector.is_some() {
        flytekit.push(
            "from flytekit.configuration import ImageConfig, SerializationSettings".to_string(),
        );
        flytekit.push("from flytekit.core.base_task import PythonTask".to_string());
        flytekit.push("from flytekit.core.context_manager import FlyteContextManager".to_string());
        flytekit.push("from flytekit.core.interface import Interface".to_string());
    } else {
        flytekit.push("from flytekit.configuration import SerializationSettings".to_string());
    }
    flytekit.push("from flytekit.core.python_function_task import PythonFunctionTask".to_string());
    flytekit.push("from flytekit.core.task import TaskPlugins".to_string());
    if let Some(mixin) = k.mixin {
        flytekit.push(format!(
            "from flytekit.extend.backend.base_connector import {mixin}"
        ));
    }
    let local = vec!["from . import hooks".to_string(), config_import];

    let base = |task_base: &str| match k.mixin {
        Some(mixin) => format!("{mixin}, {task_base}[{config}]"),
        None => format!("{task_base}[{config}]"),
    };
    let mut classes = vec![TaskClassVm {
        class_line: statement(
            &format!("class {}({}):", names.function, base("PythonFunctionTask")),
            0,
        ),
        docstring: docstring(&function_class_doc(plugin, real), 4),
        function: true,
        config: config.clone(),
        config_line: config_line(&config),
        local_image: names.connector.is_some(),
    }];
    if let Some(c) = &names.connector {
        classes.push(TaskClassVm {
            class_line: statement(&format!("class {c}({}):", base("PythonTask")), 0),
            docstring: docstring(&connector_class_doc(plugin, real, c), 4),
            function: false,
            config: config.clone(),
            config_line: config_line(&config),
            local_image: false,
        });
    }
    let mut all: Vec<String> = vec![
        "TASK_TYPE".to_string(),
        "TASK_TYPE_VERSION".to_string(),
        names.function.clone(),
    ];
    all.extend(names.connector.clone());
    sort_dunder_all(&mut all);
    TaskVm {
        header,
        mypy: mypy_lines(),
        docstring: docstring(&task_doc(plugin, &names, real), 0),
        imports: vec![stdlib, flytekit, local],
        all: all.iter().map(|n| py_str(n)).collect(),
        task_type: statement(&format!("TASK_TYPE = {}", py_str(&plugin.task_type)), 0),
        task_type_version: format!("TASK_TYPE_VERSION = {}", plugin.task_type_version),
        classes,
        register: call(
            "TaskPlugins.register_pythontask_plugin",
            &[config, names.function.clone()],
            0,
            "",
        ),
    }
}

/// `hooks.py` (scaffold).
#[derive(Debug, Serialize)]
pub struct HooksVm {
    /// The scaffold header.
    pub header: String,
    /// The inline mypy configuration lines, each ending in a newline.
    pub mypy: String,
    /// The module docstring.
    pub docstring: String,
    /// The import of the config class.
    pub config_import: String,
    /// The config type as the module names it.
    pub config: String,
    /// The `def adapt_config(...) -> Config:` line(s).
    pub def_line: String,
    /// The docstring of `adapt_config`, indented.
    pub adapt_doc: String,
}

/// The first singular, implicit-presence string field of the custom message, for the
/// example in the hook's docs.
fn example_field(plugin: &Plugin) -> Option<String> {
    plugin
        .custom_message()
        .fields
        .iter()
        .find(|f| {
            f.label == Label::Singular
                && !f.explicit_presence
                && !f.deprecated
                && f.ty
                    == FieldType::Scalar {
                        scalar: Scalar::String,
                    }
        })
        .map(|f| f.names.python.clone())
}

/// Builds `hooks.py`.
pub fn build_hooks(plugin: &Plugin, header: String) -> HooksVm {
    let (config_import, config) = config_ref(plugin, HOOKS_MODULE_NAMES);
    let names = class_names(plugin);
    let module = &plugin.package.python_module;
    let doc = format!(
        "Hooks of the ``{}`` plugin's flytekit task: this file is yours.\n\n\
         ``flytekitplugins.{module}.task`` calls these functions; ``flyteplug generate`` writes\n\
         this file only when it is missing, so edits here survive regeneration. Keep the\n\
         functions' names and signatures.",
        plugin.name
    );
    let example = match example_field(plugin) {
        Some(field) => format!(
            "Example, filling ``{field}`` from the project when it is empty::\n\n\
             \x20   import dataclasses\n\n\
             \x20   if not config.{field}:\n\
             \x20       config = dataclasses.replace(config, {field}=settings.project)\n\
             \x20   return config"
        ),
        None => "Example::\n\n\
                 \x20   import dataclasses\n\n\
                 \x20   return dataclasses.replace(config, some_field=settings.project)"
            .to_string(),
    };
    let adapt = format!(
        "Returns the config to encode as ``TaskTemplate.custom`` when a task is serialized.\n\n\
         ``{}.get_custom(settings)`` calls this with the task's ``task_config`` and\n\
         encodes the result with ``to_custom()``. Fill in what depends on how the task is\n\
         registered (flytekit's Spark plugin, for one, fills the main application file from\n\
         ``settings.entrypoint_settings.path``); return ``config`` as it is when nothing does.\n\
         Do not change ``config`` in place (the task keeps it and may be serialized again):\n\
         return a copy made with ``dataclasses.replace``.\n\n\
         {example}",
        names.function
    );
    HooksVm {
        header,
        mypy: mypy_lines(),
        docstring: docstring(&doc, 0),
        config_import,
        def_line: call(
            "def adapt_config",
            &[
                format!("config: {config}"),
                "settings: SerializationSettings".to_string(),
            ],
            0,
            &format!(" -> {config}:"),
        ),
        config,
        adapt_doc: docstring(&adapt, 4),
    }
}

/// The names a README's usage example may set on the config, with an example value.
pub fn example_arguments(plugin: &Plugin) -> Vec<(String, String)> {
    example_fields(plugin)
        .into_iter()
        .map(|(f, example)| {
            let value = match example {
                Example::String => py_str("example"),
                Example::Bool => "True".to_string(),
                Example::Float => "1.5".to_string(),
                Example::Int | Example::Int64 => "1".to_string(),
            };
            (f.names.python.clone(), value)
        })
        .collect()
}
