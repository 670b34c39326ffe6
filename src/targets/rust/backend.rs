//! The Rust backend glue: what a backend crate in this workspace (one that depends on
//! `flyteplug-runtime`) includes from `OUT_DIR`, and the scaffold file that holds the author's
//! implementation.
//!
//! Per plugin, `flyteplug::Builder::generate_backend` writes two files into `OUT_DIR`:
//!
//! - `<rust_lib>.rs`: the models and codec ([`super::module_file`], the same module
//!   `generate_rust` writes);
//! - `<rust_lib>.backend.rs` ([`glue_file`]): that module as `models`, the runtime's decode hook
//!   (`impl flyteplug_runtime::CustomMessage` with the codec's lenient decoder), `Custom` and
//!   `TaskContext` aliases, the runtime trait of the plugin's backend kind as `Plugin`, the
//!   manifest's name and task category (`NAME`, `TASK_TYPE`, `TASK_TYPE_VERSION`, `info()`) and
//!   a typed `register` for a `ConnectorBuilder`.
//!
//! The `.` in `<rust_lib>.backend.rs` keeps the name apart from every module file: a Rust
//! library name has no dots.
//!
//! The scaffold ([`scaffold_file`]) is the author's file: it includes the glue, and implements
//! `Plugin` with `todo!()` bodies and doc comments saying what each method must do and return.
//! The generated per-plugin crates under `rust/` never see any of this: they stay free of the
//! runtime dependency.

use std::io::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ir::Plugin;
use crate::manifest::Backend;
use crate::targets::{Context, OutFile, header};

use super::layout::{FN_CALL_WIDTH, MAX_WIDTH, assign, string_literal};

/// The glue file's name for a plugin: `<rust_lib>.backend.rs`.
pub fn glue_name(plugin: &Plugin) -> String {
    format!("{}.backend.rs", plugin.package.rust_lib)
}

/// The backend struct the scaffold declares: `<Pascal>Backend` (`SparkBackend`).
pub fn backend_type(plugin: &Plugin) -> String {
    format!("{}Backend", plugin.package.pascal)
}

/// What differs between the backend kinds.
struct Kind {
    /// What the kind is called in docs.
    name: &'static str,
    /// The runtime trait.
    trait_name: &'static str,
    /// The scaffold template.
    scaffold: &'static str,
    /// What the `Plugin` alias's doc says about the kind.
    doc: &'static str,
}

fn kind(backend: Backend) -> Kind {
    match backend {
        Backend::K8s => Kind {
            name: "a Kubernetes operator plugin",
            trait_name: "K8sPlugin",
            scaffold: "rust/scaffold/k8s.rs",
            doc: "The connector builds an object with \
                  `build_resource`, creates it through a `ResourceClient`, and maps the object's \
                  state to a phase with `phase_from_resource`.",
        },
        Backend::WebapiAsync => Kind {
            name: "an asynchronous web API plugin",
            trait_name: "AsyncPlugin",
            scaffold: "rust/scaffold/webapi-async.rs",
            doc: "The connector calls `create` on `CreateTask`, \
                  `get` then `status` on every `GetTask`, and `delete` on `DeleteTask`.",
        },
        Backend::WebapiSync => Kind {
            name: "a synchronous web API plugin",
            trait_name: "SyncPlugin",
            scaffold: "rust/scaffold/webapi-sync.rs",
            doc: "The connector calls `do_task` once per task, through `ExecuteTaskSync`.",
        },
        Backend::Core => Kind {
            name: "a core plugin",
            trait_name: "CorePlugin",
            scaffold: "rust/scaffold/core.rs",
            doc: "The connector's host calls `handle` until it returns a terminal phase, then \
                  `finalize`; deleting a running task calls `abort` first.",
        },
    }
}

#[derive(Serialize)]
struct GlueVm {
    header: String,
    plugin: String,
    module_file: String,
    custom_doc: String,
    custom_alias: String,
    kind_doc: String,
    trait_name: &'static str,
    name_const: String,
    task_type_const: String,
    task_type_version: i32,
    k8s: bool,
    webapi_async: bool,
    webapi_sync: bool,
    core: bool,
}

/// The glue module of one plugin, `<rust_lib>.backend.rs`, for `include!` next to its models
/// module `<rust_lib>.rs` (which it includes as `models`).
pub fn glue_file(ctx: &Context<'_>, plugin: &Plugin) -> Result<OutFile> {
    let custom = plugin.custom_message();
    let k = kind(plugin.backend);
    let custom_doc = format!(
        "{}///\n{}",
        comment_lines(
            "///",
            &format!(
                "The plugin's custom message, [`models::{}`]: every task's `TaskTemplate.custom`, \
                 decoded by the generated codec before the implementation sees it.",
                custom.names.rust
            ),
        ),
        comment_lines("///", &format!("Proto message `{}`.", custom.full_name)),
    );
    let kind_doc = format!(
        "{}///\n{}",
        comment_lines(
            "///",
            &format!(
                "The runtime trait of this plugin's backend kind, {}: `flyteplug_runtime::{}`. {}",
                k.name, k.trait_name, k.doc
            ),
        ),
        comment_lines(
            "///",
            "Implement it with `type Custom = Custom;` and an `info` that returns [`info()`].",
        ),
    );
    let vm = GlueVm {
        header: header("//", &plugin.source_files),
        plugin: plugin.name.clone(),
        module_file: format!("{}.rs", plugin.package.rust_lib),
        custom_doc,
        custom_alias: assign(
            0,
            "pub type Custom",
            &format!("models::{}", custom.names.rust),
        ),
        kind_doc,
        trait_name: k.trait_name,
        name_const: assign(0, "pub const NAME: &str", &string_literal(&plugin.name)),
        task_type_const: assign(
            0,
            "pub const TASK_TYPE: &str",
            &string_literal(&plugin.task_type),
        ),
        task_type_version: plugin.task_type_version,
        k8s: plugin.backend == Backend::K8s,
        webapi_async: plugin.backend == Backend::WebapiAsync,
        webapi_sync: plugin.backend == Backend::WebapiSync,
        core: plugin.backend == Backend::Core,
    };
    Ok(OutFile::generated(
        glue_name(plugin),
        ctx.renderer.render("rust/backend.rs", &vm)?,
    ))
}

#[derive(Serialize)]
struct ScaffoldVm {
    header: String,
    plugin: String,
    backend: String,
    generated: String,
}

/// The author's implementation file of one plugin, at `path` (a scaffold: written when
/// missing, never overwritten). It includes the glue from `OUT_DIR` as `generated` and
/// implements the kind's trait with `todo!()` bodies. It has no inner attributes or inner doc
/// comments, so it can be `include!`d as well as declared as a module file.
pub fn scaffold_file(ctx: &Context<'_>, plugin: &Plugin, path: &str) -> Result<OutFile> {
    let k = kind(plugin.backend);
    let header = comment_lines(
        "//",
        &format!(
            "Scaffolded by flyteplug for the `{}` plugin. This file is yours: \
             `flyteplug::Builder::scaffold_into` (in build.rs) writes it when it is missing and \
             never overwrites it.",
            plugin.name
        ),
    );
    // Laid out as rustfmt lays out `include!(concat!(a, b))`: on one line when the argument
    // of `include!` fits `fn_call_width`, else `concat!`'s arguments one per line.
    let file = string_literal(&format!("/{}", glue_name(plugin)));
    let args = format!("env!(\"OUT_DIR\"), {file}");
    let one = format!("    include!(concat!({args}));");
    let include = if "concat!()".len() + args.chars().count() <= FN_CALL_WIDTH
        && one.chars().count() <= MAX_WIDTH
    {
        one
    } else {
        format!("    include!(concat!(\n        env!(\"OUT_DIR\"),\n        {file}\n    ));")
    };
    let generated = format!(
        "/// The plugin's models, their codec and their glue to the runtime, generated into `OUT_DIR`\n\
         /// by `build.rs` (`flyteplug::Builder::generate_backend`) on every build.\n\
         #[allow(dead_code)] // a backend uses only part of the generated code\n\
         pub mod generated {{\n{include}\n}}\n"
    );
    let vm = ScaffoldVm {
        header,
        plugin: plugin.name.clone(),
        backend: backend_type(plugin),
        generated,
    };
    Ok(OutFile::scaffold(
        path,
        ctx.renderer.render(k.scaffold, &vm)?,
    ))
}

/// `text` as `prefix` comment lines of at most [`MAX_WIDTH`] columns (a longer word gets a line
/// of its own), each ending in a newline.
fn comment_lines(prefix: &str, text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(prefix);
    for word in text.split_whitespace() {
        let word: String = word.chars().filter(|c| !c.is_control()).collect();
        if line.len() > prefix.len() && line.chars().count() + 1 + word.chars().count() > MAX_WIDTH
        {
            out.push_str(&line);
            out.push('\n');
            line = String::from(prefix);
        }
        line.push(' ');
        line.push_str(&word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// Writes `contents` to `path` unless a file (or anything else) is there already; returns
/// whether it wrote. The write is atomic and never replaces a file that appeared meanwhile.
pub fn write_if_absent(path: &Path, contents: &str) -> Result<bool> {
    if path.symlink_metadata().is_ok() {
        return Ok(false);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".flyteplug-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(contents.as_bytes())
        .map_err(|e| Error::io(tmp.path(), e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io(path, e.error)),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::process::Command;

    use super::*;
    use crate::project::Project;

    fn repo_project() -> Project {
        Project::open(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("flyteplug.toml")).unwrap()
    }

    /// Every glue file and scaffold of `project`, as (name, contents).
    fn rendered(project: &Project) -> Vec<(String, String)> {
        let ctx = project.context();
        let mut out = Vec::new();
        for plugin in &project.ir.plugins {
            let glue = glue_file(&ctx, plugin).unwrap();
            out.push((glue.path.clone(), glue.contents.to_string()));
            let scaffold = scaffold_file(&ctx, plugin, "src/plugin.rs").unwrap();
            assert_eq!(scaffold.ownership, crate::targets::Ownership::Scaffold);
            out.push((
                format!("{}.scaffold.rs", plugin.name),
                scaffold.contents.to_string(),
            ));
        }
        out
    }

    /// `rustfmt --check` on each file; `None` when rustfmt is not installed.
    fn rustfmt_check(files: &[(String, String)]) -> Option<Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (name, contents) in files {
            let path = dir.path().join(name.replace('/', "_"));
            std::fs::write(&path, contents).unwrap();
            paths.push(path);
        }
        let mut failures = Vec::new();
        for path in paths {
            let out = Command::new("rustfmt")
                .args(["--edition", "2024", "--check"])
                .arg(&path)
                .output()
                .ok()?;
            if !out.status.success() {
                failures.push(format!(
                    "{}:\n{}{}",
                    path.display(),
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        Some(failures)
    }

    #[test]
    fn glue_and_scaffolds_are_formatted_as_rustfmt_would() {
        let files = rendered(&repo_project());
        assert_eq!(files.len(), 8);
        let Some(failures) = rustfmt_check(&files) else {
            eprintln!("rustfmt is not installed; skipped");
            return;
        };
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// A project in a temporary folder: one plugin per backend kind, with names long enough to
    /// push every line whose layout depends on them past rustfmt's widths.
    fn long_project(dir: &Path) -> Project {
        let message = format!("Custom{}", "Long".repeat(24));
        std::fs::create_dir_all(dir.join("idl")).unwrap();
        std::fs::write(
            dir.join("idl/long.proto"),
            format!("syntax = \"proto3\";\npackage a.b;\nmessage {message} {{ int32 x = 1; }}\n"),
        )
        .unwrap();
        let mut manifest = String::from(
            "[idl]\ninclude = [\"idl\"]\n[output]\ndir = \"generated\"\ntargets = [\"rust\"]\n",
        );
        for (i, backend) in ["k8s", "webapi-async", "webapi-sync", "core"]
            .iter()
            .enumerate()
        {
            manifest.push_str(&format!(
                "[[plugin]]\nname = \"p{i}-an-extraordinarily-long-plugin-name-for-layout\"\n\
                 proto = \"long.proto\"\nmessage = \"a.b.{message}\"\n\
                 task_type = \"t{i}_{}\"\ntask_type_version = {i}\nbackend = \"{backend}\"\n",
                "x".repeat(60)
            ));
        }
        std::fs::write(dir.join("flyteplug.toml"), manifest).unwrap();
        Project::open(&dir.join("flyteplug.toml")).unwrap()
    }

    #[test]
    fn long_names_are_laid_out_as_rustfmt_would() {
        let dir = tempfile::tempdir().unwrap();
        let files = rendered(&long_project(dir.path()));
        assert_eq!(files.len(), 8);
        let Some(failures) = rustfmt_check(&files) else {
            eprintln!("rustfmt is not installed; skipped");
            return;
        };
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn glue_binds_each_kind_to_its_trait_and_the_manifest_category() {
        let project = repo_project();
        let ctx = project.context();
        // flyteplug.toml: (plugin, backend kind's trait, register call, task type, version).
        let expected = [
            (
                "spark",
                "K8sPlugin",
                "builder.k8s_plugin(plugin, client)",
                "spark",
                0,
            ),
            (
                "query",
                "AsyncPlugin",
                "builder.async_plugin(plugin)",
                "query",
                0,
            ),
            (
                "countdown",
                "CorePlugin",
                "builder.core_plugin(plugin, options)",
                "countdown",
                0,
            ),
            (
                "kitchen-sink",
                "SyncPlugin",
                "builder.sync_plugin(plugin)",
                "kitchen_sink",
                1,
            ),
        ];
        for (name, trait_name, register, task_type, version) in expected {
            let plugin = project.ir.plugins.iter().find(|p| p.name == name).unwrap();
            let glue = glue_file(&ctx, plugin).unwrap().contents;
            assert!(glue.starts_with("// Code generated by flyteplug. DO NOT EDIT.\n"));
            let lines: Vec<&str> = glue.lines().collect();
            for line in [
                format!("pub use flyteplug_runtime::{trait_name} as Plugin;"),
                format!("pub const NAME: &str = \"{name}\";"),
                format!("pub const TASK_TYPE: &str = \"{task_type}\";"),
                format!("pub const TASK_TYPE_VERSION: i32 = {version};"),
                format!("    {register}"),
                "impl CustomMessage for Custom {".to_string(),
            ] {
                assert!(lines.contains(&line.as_str()), "{name}: no line {line:?}");
            }
            assert_eq!(glue.matches("pub fn register").count(), 1, "{name}");
            let scaffold = scaffold_file(&ctx, plugin, "src/plugin.rs")
                .unwrap()
                .contents;
            assert!(
                scaffold.contains(&format!(
                    "include!(concat!(env!(\"OUT_DIR\"), \"/{}\"))",
                    glue_name(plugin)
                )) || scaffold.contains(&format!("        \"/{}\"\n", glue_name(plugin)))
            );
            assert!(
                !scaffold.contains("//!") && !scaffold.contains("#!["),
                "{name}"
            );
            assert!(scaffold.contains("todo!("), "{name}");
        }
    }

    #[test]
    fn write_if_absent_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("src/plugin.rs");
        assert!(write_if_absent(&path, "first").unwrap());
        assert!(!write_if_absent(&path, "second").unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        // Nor a dangling symlink: something is there.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.rs");
            std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
            assert!(!write_if_absent(&link, "x").unwrap());
            assert!(!dir.path().join("nowhere").exists());
        }
    }

    fn builder() -> crate::Builder {
        crate::Builder::from_manifest(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("flyteplug.toml"),
        )
        .unwrap()
        .cargo_directives(false)
    }

    #[test]
    fn builder_writes_models_glue_and_a_scaffold_that_it_never_overwrites() {
        let out = tempfile::tempdir().unwrap();
        let src = tempfile::tempdir().unwrap();
        let scaffold = src.path().join("src/plugin.rs");
        let written = builder()
            .plugin("countdown")
            .out_dir(out.path())
            .scaffold_into(&scaffold)
            .generate_backend()
            .unwrap();
        assert_eq!(
            written,
            vec![
                out.path().join("flyteplugins_countdown.rs"),
                out.path().join("flyteplugins_countdown.backend.rs"),
                scaffold.clone(),
            ]
        );
        let fresh = std::fs::read_to_string(&scaffold).unwrap();
        assert!(fresh.contains("pub struct CountdownBackend {}"));
        std::fs::write(&scaffold, "// mine\n").unwrap();
        builder()
            .plugin("countdown")
            .out_dir(out.path())
            .scaffold_into(&scaffold)
            .generate_backend()
            .unwrap();
        assert_eq!(std::fs::read_to_string(&scaffold).unwrap(), "// mine\n");
    }

    #[test]
    fn builder_refuses_a_scaffold_for_several_plugins_and_unknown_plugins() {
        let out = tempfile::tempdir().unwrap();
        let scaffold = out.path().join("plugin.rs");
        let e = builder()
            .out_dir(out.path())
            .scaffold_into(&scaffold)
            .generate_backend()
            .unwrap_err();
        assert!(e.to_string().contains("exactly one plugin"), "{e}");
        let e = builder()
            .plugin("nope")
            .out_dir(out.path())
            .generate_backend()
            .unwrap_err();
        assert!(e.to_string().contains("no plugin named `nope`"), "{e}");
        assert!(!scaffold.exists());
        // Without a scaffold, every plugin: models and glue for each.
        let written = builder().out_dir(out.path()).generate_backend().unwrap();
        assert_eq!(written.len(), 8);
    }
}
