//! The Python target: one pip-installable `flytekitplugins-<name>` package per plugin (a
//! namespace package `flytekitplugins`, typed dataclasses, the package runtime with the JSON
//! codec, and the flytekit task class), plus one testee that serves every plugin's messages.
//!
//! Layout below the output root:
//!
//! ```text
//! python/flytekitplugins-<name>/pyproject.toml      depends on flytekit; flytekit.plugins entry point
//! python/flytekitplugins-<name>/README.md           install, usage, config reference
//! python/flytekitplugins-<name>/tests/vectors.json  the plugin's conformance vectors (a copy)
//! python/flytekitplugins-<name>/tests/test_vectors.py   unittest: every vector, and every
//!                                                    positive value built by constructors
//! python/flytekitplugins-<name>/flytekitplugins/<module>/__init__.py   re-exports the models
//! python/flytekitplugins-<name>/flytekitplugins/<module>/models.py     dataclasses + tables
//! python/flytekitplugins-<name>/flytekitplugins/<module>/_json.py      runtime (same text)
//! python/flytekitplugins-<name>/flytekitplugins/<module>/task.py       flytekit task classes
//! python/flytekitplugins-<name>/flytekitplugins/<module>/hooks.py      scaffold: the author's hook
//! python/flytekitplugins-<name>/flytekitplugins/<module>/py.typed
//! python/testee.py
//! ```
//!
//! Only `task.py` (and the `hooks.py` it calls) imports flytekit: the models, the codec and
//! the testee need nothing beyond the standard library. See `task.rs` for the task class of
//! each backend kind.

mod models;
mod readme;
mod syntax;
mod task;
mod unit_tests;

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use crate::conformance::LazyVectors;
use crate::error::{Error, Result};
use crate::ir::{Plugin, Wkt};
use crate::targets::{Cmd, Context, OutFile, Target, Testee, header, scaffold_header};

use syntax::{call, docstring, isort_modules, isort_names, py_str, sort_dunder_all, toml_str};

/// Emits Python packages.
pub struct Python;

/// The flytekit requirement of every package: the lowest version the flytekit test
/// (`tests/flytekit`) has passed with. The connector executor mixins the web API task classes
/// use live in `flytekit.extend.backend.base_connector` from this version on.
pub const FLYTEKIT_REQUIREMENT: &str = "flytekit>=1.16.0";

/// Whether the package `__init__` exports the runtime name `name`: it is one of
/// [`RUNTIME_EXPORTS`] and no model class of the package (`models`) takes it.
fn exported_runtime(name: &str, models: &BTreeSet<&str>) -> bool {
    RUNTIME_EXPORTS.contains(&name) && !models.contains(name)
}

/// The names the runtime module exports through the package `__init__`, unless a model
/// class of the plugin takes the name.
const RUNTIME_EXPORTS: &[&str] = &[
    "JSON_NULL",
    "CustomMessage",
    "DecodeError",
    "Duration",
    "Empty",
    "EncodeError",
    "FieldMask",
    "NullValue",
    "Timestamp",
];

#[derive(Serialize)]
struct HeaderVm {
    header: String,
}

#[derive(Serialize)]
struct PyprojectVm {
    header: String,
    name: String,
    version: String,
    description: String,
    package: String,
    flytekit: String,
    entry_point: String,
    task_module: String,
}

#[derive(Serialize)]
struct InitVm {
    header: String,
    docstring: String,
    runtime_exports: Vec<String>,
    model_exports: Vec<String>,
    all: Vec<String>,
}

#[derive(Serialize)]
struct TesteeVm {
    header: String,
    dists: Vec<String>,
    imports: Vec<String>,
    codecs: Vec<String>,
}

fn package_dir(plugin: &Plugin) -> String {
    format!(
        "python/{}/flytekitplugins/{}",
        plugin.package.python_dist, plugin.package.python_module
    )
}

/// Output paths come from validated names only.
fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::msg(format!(
            "the Python {what} `{name}` is not a valid name for a folder"
        )))
    }
}

fn init_file(ctx: &Context<'_>, plugin: &Plugin, head: &str) -> Result<String> {
    let mut models: Vec<String> = plugin
        .enums
        .iter()
        .map(|e| e.names.python.clone())
        .chain(plugin.messages.iter().map(|m| m.names.python.clone()))
        .collect();
    isort_names(&mut models);
    let taken: BTreeSet<&str> = models.iter().map(String::as_str).collect();
    let mut runtime: Vec<String> = RUNTIME_EXPORTS
        .iter()
        .filter(|n| exported_runtime(n, &taken))
        .map(|n| n.to_string())
        .collect();
    isort_names(&mut runtime);
    let mut all: Vec<String> = models.iter().chain(runtime.iter()).cloned().collect();
    sort_dunder_all(&mut all);
    let custom = plugin.custom_message().names.python.clone();
    let doc = format!(
        "{}\n\n\
         The ``{}`` Flyte plugin's configuration, ``TaskTemplate.custom``: the message\n\
         ``{}`` as typed dataclasses with its proto3 JSON codec.\n\n\
         ``{custom}(...).to_custom()`` gives the JSON object, ``.to_custom_json()`` its\n\
         canonical text, and ``{custom}.from_custom(value)`` decodes a dict or JSON text\n\
         (``DecodeError`` names the JSON path of a bad value).\n\n\
         The flytekit task, ``@task(task_config={custom}(...))``, is in ``flytekitplugins.{}.task``\n\
         (which needs flytekit; flytekit loads it through the package's entry point). The models\n\
         import without flytekit.",
        plugin.description, plugin.name, plugin.custom, plugin.package.python_module
    );
    ctx.renderer.render(
        "python/__init__.py",
        &InitVm {
            header: head.to_string(),
            docstring: docstring(&doc, 0),
            runtime_exports: runtime,
            model_exports: models,
            all: all.iter().map(|n| py_str(n)).collect(),
        },
    )
}

fn plugin_files(
    ctx: &Context<'_>,
    plugin: &Plugin,
    vectors: &LazyVectors<'_>,
) -> Result<Vec<OutFile>> {
    check_name("distribution", &plugin.package.python_dist)?;
    check_name("module", &plugin.package.python_module)?;
    let head = header("#", &plugin.source_files);
    let dir = package_dir(plugin);
    let dist = format!("python/{}", plugin.package.python_dist);
    let module = format!("flytekitplugins.{}", plugin.package.python_module);
    let pyproject = ctx.renderer.render(
        "python/dist/pyproject.toml",
        &PyprojectVm {
            header: head.clone(),
            name: toml_str(&plugin.package.python_dist),
            version: toml_str(&plugin.version),
            description: toml_str(&plugin.description),
            package: toml_str(&module),
            flytekit: toml_str(FLYTEKIT_REQUIREMENT),
            entry_point: plugin.package.python_module.clone(),
            task_module: toml_str(&format!("{module}.task")),
        },
    )?;
    let models_vm = models::build(plugin, head.clone());
    let models = ctx.renderer.render("python/models.py", &models_vm)?;
    let task_py = ctx
        .renderer
        .render("python/task.py", &task::build(plugin, head.clone()))?;
    let hooks_py = ctx.renderer.render(
        "python/hooks.py",
        &task::build_hooks(plugin, scaffold_header("#", &plugin.proto_file)),
    )?;
    let readme = ctx.renderer.render(
        "python/dist/README.md",
        &readme::build(
            plugin,
            &head,
            &models_vm,
            &task::class_names(plugin),
            FLYTEKIT_REQUIREMENT,
        ),
    )?;
    let runtime = ctx.renderer.render(
        "python/_json.py",
        &HeaderVm {
            header: head.clone(),
        },
    )?;
    let typed = ctx.renderer.render(
        "python/py.typed",
        &HeaderVm {
            header: head.clone(),
        },
    )?;
    let constructions = vectors.constructions()?;
    let tests_py = ctx.renderer.render(
        "python/dist/tests/test_vectors.py",
        &unit_tests::build(plugin, head.clone(), constructions),
    )?;
    Ok(vec![
        OutFile::generated(format!("{dist}/pyproject.toml"), pyproject),
        OutFile::generated_shared(format!("{dist}/tests/vectors.json"), &vectors.get().json),
        OutFile::generated(format!("{dist}/tests/test_vectors.py"), tests_py),
        OutFile::generated(format!("{dist}/README.md"), readme),
        OutFile::generated(format!("{dir}/__init__.py"), init_file(ctx, plugin, &head)?),
        OutFile::generated(format!("{dir}/models.py"), models),
        OutFile::generated(format!("{dir}/task.py"), task_py),
        OutFile::scaffold(format!("{dir}/hooks.py"), hooks_py),
        OutFile::generated(format!("{dir}/_json.py"), runtime),
        OutFile::generated(format!("{dir}/py.typed"), typed),
    ])
}

/// The well-known messages a testee serves (`NullValue` is an enum, not a message).
fn wkt_message(wkt: Wkt) -> bool {
    wkt != Wkt::NullValue
}

fn testee_file(ctx: &Context<'_>) -> Result<String> {
    let plugins = &ctx.ir.plugins;
    let sources: Vec<String> = plugins
        .iter()
        .flat_map(|p| p.source_files.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let dists = plugins
        .iter()
        .map(|p| {
            call(
                "os.path.join",
                &["_HERE".to_string(), py_str(&p.package.python_dist)],
                4,
                ",",
            )
        })
        .collect();
    let mut imports = BTreeSet::new();
    // (full name, codec function, its argument)
    let mut entries: Vec<(String, String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    for p in plugins {
        let module = format!("flytekitplugins.{}", p.package.python_module);
        for m in &p.messages {
            if seen.insert(m.full_name.clone()) {
                imports.insert(format!("{module}.models"));
                entries.push((
                    m.full_name.clone(),
                    "_message".to_string(),
                    format!("{module}.models.{}", m.names.python),
                ));
            }
        }
        for &w in &p.well_known {
            if wkt_message(w) && seen.insert(w.full_name()) {
                imports.insert(format!("{module}._json"));
                entries.push((
                    w.full_name(),
                    format!("{module}._json.well_known_codec"),
                    py_str(&w.full_name()),
                ));
            }
        }
    }
    entries.sort();
    let codecs = entries
        .iter()
        .map(|(name, function, arg)| {
            call(
                &format!("{}: {function}", py_str(name)),
                std::slice::from_ref(arg),
                4,
                ",",
            )
        })
        .collect();
    ctx.renderer.render(
        "python/testee.py",
        &TesteeVm {
            header: header("#", &sources),
            dists,
            imports: {
                let mut imports: Vec<String> = imports.into_iter().collect();
                isort_modules(&mut imports);
                imports.into_iter().map(|m| format!("import {m}")).collect()
            },
            codecs,
        },
    )
}

impl Target for Python {
    fn name(&self) -> &'static str {
        "python"
    }

    fn emit(&self, ctx: &Context<'_>) -> Result<Vec<OutFile>> {
        let mut files = Vec::new();
        for vectors in &ctx.vectors {
            let plugin = vectors.plugin();
            files.extend(plugin_files(ctx, plugin, vectors)?);
        }
        files.push(OutFile::generated("python/testee.py", testee_file(ctx)?));
        Ok(files)
    }

    /// No build: the testee is `testee.py` run by `$FLYTEPLUG_PYTHON` (else `python3`), which
    /// puts every package folder on `sys.path`. The build step only imports everything
    /// (`--check`). `PYTHONDONTWRITEBYTECODE` keeps `__pycache__` out of the generated tree.
    fn testee(&self, _ctx: &Context<'_>, output_root: &Path, cache: &Path) -> Result<Testee> {
        let python = std::env::var("FLYTEPLUG_PYTHON")
            .ok()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "python3".to_string());
        let script = output_root.join("python").join("testee.py");
        if !script.is_file() {
            return Err(Error::msg(format!(
                "`{}` is missing; run `flyteplug generate` with the python target first",
                script.display()
            )));
        }
        let script = script.to_string_lossy().to_string();
        let cmd = |args: &[&str]| {
            Cmd::new(python.clone(), args, cache)
                .env("PYTHONDONTWRITEBYTECODE", "1")
                .env("PYTHONIOENCODING", "utf-8")
        };
        Ok(Testee {
            build: vec![cmd(&[script.as_str(), "--check"])],
            run: cmd(&[script.as_str()]),
        })
    }
}
