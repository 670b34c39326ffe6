//! `flyteplug new NAME --backend KIND`: bootstraps a plugin in one command.
//!
//! In a folder without a manifest it writes a new `flyteplug.toml` (include `idl`, output
//! `generated`, all four targets); in an existing project it appends a `[[plugin]]` entry to the
//! manifest *as text*, so the author's comments and layout stay. Either way it writes a starter
//! `.proto` whose comments teach the proto3 features that matter for a task config, then runs
//! `generate` (which creates the scaffold files).
//!
//! Nothing is written until everything has been checked: the names, that the plugin name, the
//! task type and version and the `.proto` file are free, that the new manifest text parses, and
//! that the whole project (with the new plugin) compiles and generates. For that last check the
//! starter `.proto` is compiled from a temporary folder. A refused run changes nothing; if
//! writing the generated tree is still refused after the manifest and `.proto` were written
//! (say a file that flyteplug did not generate is in the way), both are rolled back.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::manifest::{self, Backend, MANIFEST_FILE, Manifest};
use crate::names;
use crate::output::{self, Action};
use crate::project::Project;

/// The include root of a new project (its manifest also sets `output.dir = "generated"`).
pub const NEW_IDL_DIR: &str = "idl";

/// What to bootstrap.
#[derive(Debug, Clone)]
pub struct NewOptions {
    /// The plugin name (kebab-case).
    pub name: String,
    /// The backend kind.
    pub backend: Backend,
    /// The custom message: a simple name (put in package `<name_snake>.v1`) or a fully
    /// qualified one. Default: `<Name>Config`.
    pub message: Option<String>,
    /// `TaskTemplate.type`. Default: the name with `-` replaced by `_`.
    pub task_type: Option<String>,
    /// `TaskTemplate.task_type_version`.
    pub task_type_version: i32,
}

/// What `new` did, for the CLI to print.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    /// The plugin name.
    pub name: String,
    /// The backend kind.
    pub backend: Backend,
    /// The custom message, fully qualified.
    pub message: String,
    /// The task type.
    pub task_type: String,
    /// The task type version.
    pub task_type_version: i32,
    /// The manifest, as the user can find it.
    pub manifest: String,
    /// Whether the manifest was created (else an entry was appended).
    pub created_manifest: bool,
    /// The starter `.proto`, as the user can find it.
    pub proto: String,
    /// The output root, as the user can find it.
    pub output_dir: String,
    /// What `generate` did.
    pub actions: Vec<(Action, String)>,
    /// How many files the project generates.
    pub files: usize,
}

impl fmt::Display for NewOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.created_manifest {
            writeln!(f, "{:>10} {}", "created", self.manifest)?;
        } else {
            writeln!(
                f,
                "{:>10} {} (a [[plugin]] entry for `{}`)",
                "appended", self.manifest, self.name
            )?;
        }
        writeln!(f, "{:>10} {}", "created", self.proto)?;
        let mut changed = 0;
        for (action, path) in &self.actions {
            match action {
                Action::ScaffoldCreated => {
                    writeln!(f, "{:>10} {}/{path}", "scaffolded", self.output_dir)?
                }
                Action::KeptEdited => writeln!(
                    f,
                    "{:>10} {}/{path} (stale but edited by hand; delete it yourself)",
                    "kept", self.output_dir
                )?,
                _ => changed += 1,
            }
        }
        writeln!(
            f,
            "{:>10} {} files in {} ({changed} written or removed)",
            "generated", self.files, self.output_dir
        )?;
        writeln!(
            f,
            "flyteplug: new {} plugin `{}`: task type `{}` version {}, config message `{}`",
            self.backend.as_str(),
            self.name,
            self.task_type,
            self.task_type_version,
            self.message
        )?;
        writeln!(
            f,
            "next: edit {}, then run `flyteplug generate` (`flyteplug check` tells when {} is out of date)",
            self.proto, self.output_dir
        )
    }
}

/// Parses a `--backend` value (for clap).
pub fn parse_backend(text: &str) -> std::result::Result<Backend, String> {
    Backend::parse(text).ok_or_else(|| {
        format!("unknown backend `{text}`; expected one of k8s, webapi-async, webapi-sync, core")
    })
}

fn refuse(why: impl fmt::Display) -> Error {
    Error::msg(format!("flyteplug new: {why}\nNothing was changed."))
}

/// A proto identifier: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_proto_ident(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The custom message as (package, message name).
fn split_message(
    name_snake: &str,
    pascal: &str,
    message: Option<&str>,
) -> Result<(String, String)> {
    let Some(given) = message else {
        return Ok((format!("{name_snake}.v1"), format!("{pascal}Config")));
    };
    let text = given.strip_prefix('.').unwrap_or(given);
    let parts: Vec<&str> = text.split('.').collect();
    let valid = parts.iter().all(|p| is_proto_ident(p))
        && parts
            .last()
            .is_some_and(|m| m.starts_with(|c: char| c.is_ascii_alphabetic()))
        && text.len() <= 200;
    if !valid {
        return Err(refuse(format!(
            "`{given}` is not a valid message name: give a name such as `SparkJob`, or a fully \
             qualified one such as `acme.spark.v1.SparkJob` (letters, digits and `_`, dot-separated)"
        )));
    }
    if parts.first() == Some(&"google") {
        return Err(refuse(format!(
            "`{given}`: the `google` packages belong to the protobuf well-known types; choose your own package"
        )));
    }
    let (message, package) = parts
        .split_last()
        .ok_or_else(|| refuse(format!("`{given}` is not a valid message name")))?;
    if package.is_empty() {
        Ok((format!("{name_snake}.v1"), message.to_string()))
    } else {
        Ok((package.join("."), message.to_string()))
    }
}

/// Shows `rel` below `root` the way the user named the root (no `./` for the current folder).
fn show(root: &Path, rel: &Path) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        rel.display().to_string()
    } else {
        root.join(rel).display().to_string()
    }
}

/// Bootstraps a plugin: see the module documentation.
pub fn run(config: &Path, opts: &NewOptions) -> Result<NewOutcome> {
    // 1. Names.
    let name = opts.name.as_str();
    if !manifest::is_kebab(name) {
        return Err(refuse(format!(
            "`{name}` is not a valid plugin name: use kebab-case (lowercase letters and digits \
             separated by single `-`, starting with a letter, at most 64 characters), such as \
             `spark` or `my-plugin`; it names packages and folders"
        )));
    }
    if let Some(why) = manifest::reserved_plugin_name(name) {
        return Err(refuse(why));
    }
    let name_snake = name.replace('-', "_");
    let task_type = opts.task_type.clone().unwrap_or_else(|| name_snake.clone());
    if !manifest::is_task_type(&task_type) {
        return Err(refuse(format!(
            "`{task_type}` is not a valid task type: use lowercase letters, digits, `_` or `-`, \
             starting with a letter, at most 64 characters"
        )));
    }
    if opts.task_type_version < 0 {
        return Err(refuse(format!(
            "task type version {} must not be negative",
            opts.task_type_version
        )));
    }
    let pascal = names::upper_camel(&name_snake);
    let (package, message) = split_message(&name_snake, &pascal, opts.message.as_deref())?;
    let full_message = format!("{package}.{message}");
    let proto_rel = format!("{}/{name_snake}.proto", package.replace('.', "/"));

    // 2. The project: an existing manifest, or a new one.
    let root = config
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let existing = match std::fs::read(config) {
        Ok(bytes) => Some(
            String::from_utf8(bytes)
                .map_err(|_| refuse(format!("`{}` is not UTF-8 text", config.display())))?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(config, e)),
    };
    let (old_manifest, include_root) = match &existing {
        Some(text) => {
            let m = Manifest::parse(config, text).map_err(|e| {
                refuse(format!(
                    "the manifest `{}` has errors; fix them first:\n{e}",
                    config.display()
                ))
            })?;
            let first =
                m.include.first().cloned().ok_or_else(|| {
                    refuse(format!("`{}` names no include folder", config.display()))
                })?;
            (Some(m), first)
        }
        None => (None, root.join(NEW_IDL_DIR)),
    };
    let include_rel = include_root
        .strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| include_root.clone());
    let proto_path = include_root.join(&proto_rel);
    let proto_shown = show(&root, &include_rel.join(&proto_rel));
    let manifest_shown = show(
        &root,
        Path::new(config.file_name().unwrap_or(MANIFEST_FILE.as_ref())),
    );

    // 3. Nothing may be taken.
    if let Some(m) = &old_manifest {
        if let Some(p) = m.plugin(name) {
            return Err(refuse(format!(
                "{}: a plugin named `{name}` already exists",
                p.name.location
            )));
        }
        if let Some(p) = m.plugins.iter().find(|p| {
            p.task_type.value == task_type && p.task_type_version == opts.task_type_version
        }) {
            return Err(refuse(format!(
                "{}: task type `{task_type}` version {} is already served by plugin `{}`; pass \
                 --task-type or --task-type-version",
                p.task_type.location, opts.task_type_version, p.name.value
            )));
        }
        let current = Project::from_manifest(m.clone()).map_err(|e| {
            refuse(format!(
                "the project `{}` does not build; fix it first:\n{e}",
                config.display()
            ))
        })?;
        let pool = &current.loaded.pool;
        if let Some(file) = pool
            .get_message_by_name(&full_message)
            .map(|d| d.parent_file())
            .or_else(|| {
                pool.get_enum_by_name(&full_message)
                    .map(|d| d.parent_file())
            })
        {
            return Err(refuse(format!(
                "`{full_message}` is already defined in `{}`; pass --message with another name",
                file.name()
            )));
        }
        for inc in &m.include {
            let other = inc.join(&proto_rel);
            if other.exists() {
                return Err(refuse(format!(
                    "`{}` already exists and flyteplug never overwrites a .proto; choose another \
                     name or --message package, or add a [[plugin]] entry for it to the manifest by hand",
                    other.display()
                )));
            }
        }
    }
    if proto_path.exists() {
        return Err(refuse(format!(
            "`{proto_shown}` already exists and flyteplug never overwrites a .proto; choose another \
             name or --message package, or write the manifest entry by hand"
        )));
    }

    // 4. The new texts.
    let proto_text = starter_proto(name, opts.backend, &package, &message);
    let entry = plugin_entry(
        name,
        &proto_rel,
        &full_message,
        &task_type,
        opts.task_type_version,
        opts.backend,
    );
    let manifest_text = match &existing {
        Some(text) => append_entry(text, &entry),
        None => format!("{NEW_MANIFEST}\n{entry}"),
    };

    // 5. Check that the project with the new plugin loads and generates, before writing.
    let staging = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let staged_include = staging.path().join(NEW_IDL_DIR);
    let staged_proto = staged_include.join(&proto_rel);
    output::write_atomic(&staged_proto, proto_text.as_bytes())?;
    let staged_manifest = match &existing {
        Some(_) => {
            let mut m = Manifest::parse(config, &manifest_text).map_err(|e| {
                refuse(format!(
                    "the manifest with the new entry would not parse (is [[plugin]] written another way in it?):\n{e}"
                ))
            })?;
            m.include.insert(0, staged_include);
            m
        }
        None => Manifest::parse(&staging.path().join(MANIFEST_FILE), &manifest_text)
            .map_err(|e| refuse(format!("the new manifest would not parse:\n{e}")))?,
    };
    Project::from_manifest(staged_manifest)
        .and_then(|p| p.plan().map(|_| ()))
        .map_err(|e| {
            refuse(format!(
                "the project with the new plugin `{name}` would not generate:\n{e}"
            ))
        })?;
    drop(staging);

    // 6. Write the .proto and the manifest, then generate.
    let mut created_dirs = missing_dirs(proto_path.parent());
    for d in missing_dirs(config.parent()) {
        if !created_dirs.contains(&d) {
            created_dirs.push(d);
        }
    }
    let rollback = |why: Error| -> Error {
        let _ = std::fs::remove_file(&proto_path);
        match &existing {
            Some(text) => {
                let _ = output::write_atomic(config, text.as_bytes());
            }
            None => {
                let _ = std::fs::remove_file(config);
            }
        }
        let mut dirs = created_dirs.clone();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for d in dirs {
            let _ = std::fs::remove_dir(d);
        }
        refuse(format!("generating the new plugin failed:\n{why}"))
    };
    output::write_atomic(&proto_path, proto_text.as_bytes()).map_err(&rollback)?;
    output::write_atomic(config, manifest_text.as_bytes()).map_err(&rollback)?;
    let project = Project::open(config).map_err(&rollback)?;
    let plan = project.plan().map_err(&rollback)?;
    // `apply` checks every path before its first write, so when it refuses (a file flyteplug did
    // not generate is in the way), nothing was written yet and the rollback restores the folder.
    let actions = plan.apply().map_err(&rollback)?;
    let output_rel = project
        .manifest
        .output_dir
        .value
        .strip_prefix(&project.manifest.root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| project.manifest.output_dir.value.clone());
    Ok(NewOutcome {
        name: name.to_string(),
        backend: opts.backend,
        message: full_message,
        task_type,
        task_type_version: opts.task_type_version,
        manifest: manifest_shown,
        created_manifest: existing.is_none(),
        proto: proto_shown,
        output_dir: show(&root, &output_rel),
        actions,
        files: plan.files.len(),
    })
}

/// The folders from `dir` up that do not exist yet (deepest first).
fn missing_dirs(dir: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut cur = dir;
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        out.push(d.to_path_buf());
        cur = d.parent();
    }
    out
}

/// The manifest of a new project, without plugins.
const NEW_MANIFEST: &str = r#"# flyteplug project: Flyte plugin SDKs (Python, Go, TypeScript) and a Rust backend, generated
# from one protobuf message per plugin.
#
#   flyteplug generate    regenerate everything below output.dir (scaffold files are kept)
#   flyteplug check       fail when generated code is out of date or was edited by hand
#   flyteplug new NAME --backend k8s|webapi-async|webapi-sync|core    add a plugin

[idl]
# Folders holding the .proto files; imports resolve against them.
include = ["idl"]

[output]
# Root of the generated tree. Generated files are rewritten by `flyteplug generate`; do not edit
# them (scaffold files, the ones marked as yours, are never overwritten).
dir = "generated"
targets = ["python", "go", "typescript", "rust"]
# go_module_prefix = "github.com/acme/flyteplugins"   # Go module of plugin P: <prefix>/P
# npm_scope = "flyteplugins"                          # npm package of plugin P: @<scope>/P
"#;

/// A `[[plugin]]` entry (the values are validated names, so they need no escaping).
fn plugin_entry(
    name: &str,
    proto: &str,
    message: &str,
    task_type: &str,
    version: i32,
    backend: Backend,
) -> String {
    format!(
        "[[plugin]]\n\
         name = \"{name}\"\n\
         proto = \"{proto}\"\n\
         message = \"{message}\"\n\
         task_type = \"{task_type}\"\n\
         task_type_version = {version}\n\
         backend = \"{}\"   # k8s | webapi-async | webapi-sync | core\n",
        backend.as_str()
    )
}

/// `text` with `entry` appended after a blank line, in the file's own line ending.
fn append_entry(text: &str, entry: &str) -> String {
    let crlf = text.contains("\r\n");
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(nl);
    }
    let blank = out.is_empty() || out.ends_with(&format!("{nl}{nl}")) || out == nl;
    if !blank {
        out.push_str(nl);
    }
    if crlf {
        out.push_str(&entry.replace('\n', "\r\n"));
    } else {
        out.push_str(entry);
    }
    out
}

fn backend_note(backend: Backend) -> &'static str {
    match backend {
        Backend::K8s => {
            "It is a Kubernetes operator plugin: the backend builds a Kubernetes resource (a custom\n\
             // resource of your operator) from this config and follows its status."
        }
        Backend::WebapiAsync => {
            "It is an asynchronous web API plugin: the backend creates a job in an external service\n\
             // from this config, polls it until it finishes, and cancels it on abort."
        }
        Backend::WebapiSync => {
            "It is a synchronous web API plugin: the backend calls an external service once with\n\
             // this config and returns its answer as the task's outputs."
        }
        Backend::Core => {
            "It is a core plugin: the backend's handler is called with this config until the task\n\
             // reaches a terminal phase."
        }
    }
}

/// The starter `.proto`: a task config that shows the features a plugin author needs, with
/// comments that explain each (they also become the SDKs' documentation).
fn starter_proto(name: &str, backend: Backend, package: &str, message: &str) -> String {
    format!(
        r#"// The spec of the Flyte plugin "{name}" (backend kind {kind}).
//
// {note}
//
// Written by `flyteplug new`; this file is yours: flyteplug never overwrites it. Edit the
// message, then run `flyteplug generate` to regenerate the SDKs (Python, Go, TypeScript) and the
// Rust backend; `flyteplug check` reports generated code that is out of date.
//
// {message} is the plugin's task config. Users fill it in the SDKs, for example
// `@task(task_config={message}(...))` in Python, and it reaches the backend as
// TaskTemplate.custom: the message's proto3 JSON. Comments on the message, its fields and its
// enum values become the documentation of every SDK.
//
// Evolve it like any protobuf API: add fields with new numbers; never change a field's number,
// type or JSON name; and mark the numbers and names of removed fields `reserved`, so that older
// SDKs and newer backends keep understanding each other.
syntax = "proto3";

package {package};

// The task config of the {name} plugin.
message {message} {{
  // The size of a worker. An enum is written by value name, such as "LARGE". Its first value
  // must be 0 and is the default, so let it mean "unspecified".
  enum Size {{
    SIZE_UNSPECIFIED = 0;
    SMALL = 1;
    LARGE = 2;
  }}

  // The command to run. A plain field like this one has implicit presence: its default ("", 0,
  // false or the first enum value) is left out of the JSON, so the backend cannot tell "set to
  // the default" from "not set".
  string command = 1;

  // The size of each worker; an enum field defaults to its 0 value.
  Size size = 2;

  // How many workers to start. `optional` gives a scalar explicit presence: when unset it is
  // left out, but an explicit 0 is written. Use it when zero means something. Message fields
  // always have presence.
  optional int32 replicas = 3;

  // Environment variables for the workers. A map is a JSON object (a dict, map or Map in the
  // SDKs); keys may be strings, integers or bools, and canonical JSON sorts them.
  map<string, string> env = 4;

  // Memory per worker, in bytes. 64-bit integers travel as JSON strings
  // ("9007199254740993"), so that no SDK loses precision.
  int64 memory_bytes = 5;

  // Give up after this many seconds. A field's JSON key is its lowerCamelCase name
  // ("memoryBytes" above); `json_name` picks another, here "timeoutSec". JSON keys are the
  // contract between SDKs and backend: choose them once.
  uint32 timeout_seconds = 6 [json_name = "timeoutSec"];

  // The queue of the old scheduler. A deprecated field still works, and every SDK marks it
  // deprecated; remove it (and reserve its number) once no one sets it.
  string legacy_queue = 7 [deprecated = true];

  // Free-form settings: a google.protobuf.Struct field (after
  // `import "google/protobuf/struct.proto";`) passes any JSON object through unchanged:
  //
  //   google.protobuf.Struct extra = 8;
  //
  // Caveat: a Struct holds every number as a double, so 3 may come back as 3.0 and integers
  // beyond 2^53 lose precision (the SDKs refuse them, and `flyteplug generate` warns about such
  // fields). Prefer typed fields wherever you know the shape.
}}
"#,
        kind = backend.as_str(),
        note = backend_note(backend),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names() {
        assert_eq!(
            split_message("my_plugin", "MyPlugin", None).unwrap(),
            ("my_plugin.v1".to_string(), "MyPluginConfig".to_string())
        );
        assert_eq!(
            split_message("x", "X", Some("Job")).unwrap(),
            ("x.v1".to_string(), "Job".to_string())
        );
        assert_eq!(
            split_message("x", "X", Some("acme.x.v2.Job")).unwrap(),
            ("acme.x.v2".to_string(), "Job".to_string())
        );
        for bad in [
            "",
            "a..B",
            "1Job",
            "acme.x.",
            "acme x.Job",
            "a/b.Job",
            "google.protobuf.Foo",
        ] {
            assert!(split_message("x", "X", Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn append_keeps_text_and_line_endings() {
        let entry = "[[plugin]]\nname = \"b\"\n";
        assert_eq!(
            append_entry("# c\n", entry),
            "# c\n\n[[plugin]]\nname = \"b\"\n"
        );
        assert_eq!(
            append_entry("# c", entry),
            "# c\n\n[[plugin]]\nname = \"b\"\n"
        );
        assert_eq!(
            append_entry("# c\n\n", entry),
            "# c\n\n[[plugin]]\nname = \"b\"\n"
        );
        assert_eq!(
            append_entry("# c\r\n", entry),
            "# c\r\n\r\n[[plugin]]\r\nname = \"b\"\r\n"
        );
    }
}
