//! `flyteplug.toml`: the list of plugins and where their IDL and output live.
//!
//! Every error names the manifest line. Unknown keys are errors, so a typo never silently
//! changes what is generated.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Diagnostic, Error, Location, Result};

/// The default manifest file name, looked up in the working directory.
pub const MANIFEST_FILE: &str = "flyteplug.toml";

/// All targets, in the order they are generated and reported.
pub const ALL_TARGETS: [&str; 4] = ["python", "go", "typescript", "rust"];

/// A plugin's backend kind: which Flyte plugin machinery runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// A Kubernetes operator plugin (Spark, Ray, PyTorch, ...).
    K8s,
    /// An asynchronous web API plugin (create, poll, delete).
    WebapiAsync,
    /// A synchronous web API plugin (one call returns the result).
    WebapiSync,
    /// A core plugin (handle called until a terminal phase).
    Core,
}

impl Backend {
    /// Parses the manifest spelling.
    pub fn parse(text: &str) -> Option<Backend> {
        match text {
            "k8s" => Some(Backend::K8s),
            "webapi-async" => Some(Backend::WebapiAsync),
            "webapi-sync" => Some(Backend::WebapiSync),
            "core" => Some(Backend::Core),
            _ => None,
        }
    }

    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::K8s => "k8s",
            Backend::WebapiAsync => "webapi-async",
            Backend::WebapiSync => "webapi-sync",
            Backend::Core => "core",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    idl: RawIdl,
    output: RawOutput,
    #[serde(default)]
    plugin: Vec<Spanned<RawPlugin>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdl {
    include: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    dir: Spanned<String>,
    targets: Option<Spanned<Vec<Spanned<String>>>>,
    templates: Option<Spanned<String>>,
    go_module_prefix: Option<Spanned<String>>,
    npm_scope: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    name: Spanned<String>,
    proto: Spanned<String>,
    message: Spanned<String>,
    task_type: Spanned<String>,
    task_type_version: Spanned<i64>,
    backend: Spanned<String>,
    version: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
}

/// A manifest value with the place it was written.
#[derive(Debug, Clone)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it is in the manifest.
    pub location: Location,
}

/// A parsed and validated manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file.
    pub path: PathBuf,
    /// The folder holding the manifest; relative paths are relative to it.
    pub root: PathBuf,
    /// Include roots, absolute.
    pub include: Vec<PathBuf>,
    /// The output root, absolute.
    pub output_dir: At<PathBuf>,
    /// Targets to generate, in `ALL_TARGETS` order.
    pub targets: Vec<String>,
    /// A folder of templates that override built-in ones by name.
    pub templates: Option<PathBuf>,
    /// Go module path prefix: plugin `spark` becomes module `<prefix>/spark`.
    pub go_module_prefix: String,
    /// npm scope: plugin `spark` becomes package `@<scope>/spark`.
    pub npm_scope: String,
    /// The plugins, in manifest order.
    pub plugins: Vec<PluginSpec>,
}

/// One `[[plugin]]` entry.
#[derive(Debug, Clone)]
pub struct PluginSpec {
    /// kebab-case name.
    pub name: At<String>,
    /// The `.proto` file that defines the custom message, relative to an include root.
    pub proto: At<String>,
    /// The custom message, fully qualified.
    pub message: At<String>,
    /// `TaskTemplate.type`.
    pub task_type: At<String>,
    /// `TaskTemplate.task_type_version`.
    pub task_type_version: i32,
    /// The backend kind.
    pub backend: Backend,
    /// The version of every generated package.
    pub version: String,
    /// A one-line description for package metadata; defaults to the message's comment.
    pub description: Option<String>,
    /// Where the entry starts in the manifest.
    pub location: Location,
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Manifest::parse(path, &text)
    }

    /// Parses and validates manifest text. `path` names the file in errors and anchors
    /// relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Manifest> {
        let file = path.display().to_string();
        let loc = |offset: usize| Location::from_offset(file.clone(), text, offset);
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            // serde stops at the first unknown key; report every one, in file order.
            let mut found = unknown_keys(text);
            let message = e.message().trim_end().to_string();
            if found.is_empty() || !message.starts_with("unknown field") {
                found.push((e.span().map(|s| s.start).unwrap_or(0), message));
            }
            found.sort();
            found.dedup();
            Error::Input(
                found
                    .into_iter()
                    .map(|(at, message)| {
                        Diagnostic::at(loc(at), format!("invalid manifest: {message}"))
                    })
                    .collect(),
            )
        })?;
        let root = path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let at = |s: &Spanned<String>| At {
            value: s.get_ref().clone(),
            location: loc(s.span().start),
        };
        let mut diags = Vec::new();

        let include: Vec<PathBuf> = raw
            .idl
            .include
            .get_ref()
            .iter()
            .map(|s| root.join(s.get_ref()))
            .collect();
        if include.is_empty() {
            diags.push(Diagnostic::at(
                loc(raw.idl.include.span().start),
                "`idl.include` must name at least one folder",
            ));
        }
        for (dir, s) in include.iter().zip(raw.idl.include.get_ref()) {
            if !dir.is_dir() {
                diags.push(Diagnostic::at(
                    loc(s.span().start),
                    format!("include folder `{}` does not exist", s.get_ref()),
                ));
            }
        }

        let out = at(&raw.output.dir);
        if let Err(why) = check_relative_path(&out.value) {
            diags.push(Diagnostic::at(
                out.location.clone(),
                format!("`output.dir` {why}"),
            ));
        }
        let output_dir = At {
            value: root.join(&out.value),
            location: out.location,
        };

        let mut targets = Vec::new();
        match &raw.output.targets {
            None => targets = ALL_TARGETS.iter().map(|s| s.to_string()).collect(),
            Some(list) => {
                for t in list.get_ref() {
                    if !ALL_TARGETS.contains(&t.get_ref().as_str()) {
                        diags.push(Diagnostic::at(
                            loc(t.span().start),
                            format!(
                                "unknown target `{}`; expected one of {}",
                                t.get_ref(),
                                ALL_TARGETS.join(", ")
                            ),
                        ));
                    }
                }
                for known in ALL_TARGETS {
                    if list.get_ref().iter().any(|t| t.get_ref() == known) {
                        targets.push(known.to_string());
                    }
                }
            }
        }

        let templates = raw
            .output
            .templates
            .as_ref()
            .map(|t| root.join(t.get_ref()));
        let go_module_prefix = raw
            .output
            .go_module_prefix
            .as_ref()
            .map(|s| s.get_ref().trim_end_matches('/').to_string())
            .unwrap_or_else(|| "flyteplug.local/plugins".to_string());
        let npm_scope = raw
            .output
            .npm_scope
            .as_ref()
            .map(|s| s.get_ref().clone())
            .unwrap_or_else(|| "flyteplugins".into());
        if let Some(prefix) = &raw.output.go_module_prefix {
            if !is_go_module_path(prefix.get_ref().trim_end_matches('/')) {
                diags.push(Diagnostic::at(
                    loc(prefix.span().start),
                    "`output.go_module_prefix` must be a Go module path: `/`-separated \
                     elements of ASCII letters, digits and `-._~`, none empty or starting or \
                     ending with `.` (e.g. `github.com/acme/flyteplugins`)",
                ));
            }
        }
        if let Some(scope) = &raw.output.npm_scope {
            if !is_kebab(scope.get_ref()) {
                diags.push(Diagnostic::at(
                    loc(scope.span().start),
                    "`output.npm_scope` must be kebab-case (a-z, 0-9, -)",
                ));
            }
        }

        let mut plugins: Vec<PluginSpec> = Vec::new();
        for entry in &raw.plugin {
            let p = entry.get_ref();
            let name = at(&p.name);
            if !is_kebab(&name.value) {
                diags.push(Diagnostic::at(
                    name.location.clone(),
                    format!(
                        "plugin name `{}` must be kebab-case: lowercase letters and digits separated by single `-`, starting with a letter (it names packages and folders)",
                        name.value
                    ),
                ));
            }
            if let Some(why) = reserved_plugin_name(&name.value) {
                diags.push(Diagnostic::at(name.location.clone(), why));
            }
            let proto = at(&p.proto);
            if let Err(why) = check_relative_path(&proto.value) {
                diags.push(Diagnostic::at(
                    proto.location.clone(),
                    format!("`proto` {why}"),
                ));
            }
            let message = at(&p.message);
            let task_type = at(&p.task_type);
            if !is_task_type(&task_type.value) {
                diags.push(Diagnostic::at(
                    task_type.location.clone(),
                    format!("task_type `{}` must be lowercase letters, digits, `_` or `-`, starting with a letter", task_type.value),
                ));
            }
            let version_raw = *p.task_type_version.get_ref();
            let task_type_version = match i32::try_from(version_raw) {
                Ok(v) if v >= 0 => v,
                _ => {
                    diags.push(Diagnostic::at(
                        loc(p.task_type_version.span().start),
                        format!("task_type_version {version_raw} must be a non-negative int32"),
                    ));
                    0
                }
            };
            let backend = match Backend::parse(p.backend.get_ref()) {
                Some(b) => b,
                None => {
                    diags.push(Diagnostic::at(
                        loc(p.backend.span().start),
                        format!("unknown backend `{}`; expected one of k8s, webapi-async, webapi-sync, core", p.backend.get_ref()),
                    ));
                    Backend::Core
                }
            };
            let version = p
                .version
                .as_ref()
                .map(|v| v.get_ref().clone())
                .unwrap_or_else(|| "0.1.0".into());
            if let Some(v) = &p.version {
                if !is_semver(v.get_ref()) {
                    diags.push(Diagnostic::at(
                        loc(v.span().start),
                        format!("version `{}` must be MAJOR.MINOR.PATCH", v.get_ref()),
                    ));
                }
            }
            let spec = PluginSpec {
                name,
                proto,
                message,
                task_type,
                task_type_version,
                backend,
                version,
                description: p.description.as_ref().map(|d| d.get_ref().clone()),
                location: loc(entry.span().start),
            };
            if let Some(prev) = plugins.iter().find(|q| q.name.value == spec.name.value) {
                diags.push(Diagnostic::at(
                    spec.name.location.clone(),
                    format!(
                        "duplicate plugin name `{}` (first defined at line {})",
                        spec.name.value, prev.name.location.line
                    ),
                ));
            }
            if let Some(prev) = plugins.iter().find(|q| {
                q.task_type.value == spec.task_type.value
                    && q.task_type_version == spec.task_type_version
            }) {
                diags.push(Diagnostic::at(
                    spec.task_type.location.clone(),
                    format!(
                        "task type `{}` version {} is already served by plugin `{}` (line {})",
                        spec.task_type.value,
                        spec.task_type_version,
                        prev.name.value,
                        prev.name.location.line
                    ),
                ));
            }
            plugins.push(spec);
        }

        if !diags.is_empty() {
            return Err(Error::Input(diags));
        }
        Ok(Manifest {
            path: path.to_path_buf(),
            root,
            include,
            output_dir,
            targets,
            templates,
            go_module_prefix,
            npm_scope,
            plugins,
        })
    }

    /// The plugin named `name`.
    pub fn plugin(&self, name: &str) -> Option<&PluginSpec> {
        self.plugins.iter().find(|p| p.name.value == name)
    }
}

/// Plugin names that would collide with target-wide folders of the generated tree.
pub const RESERVED_PLUGIN_NAMES: &[&str] = &["testee", "vectors"];

/// Python keywords that cannot name a module (`flytekitplugins.<name>` would not import).
const PYTHON_KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Why a kebab-case plugin name cannot be used, if it cannot: a name the generated tree uses
/// for its own folders, or one whose Python module name is a Python keyword.
pub fn reserved_plugin_name(name: &str) -> Option<String> {
    if RESERVED_PLUGIN_NAMES.contains(&name) {
        return Some(format!(
            "plugin name `{name}` is reserved (generated trees use folders of that name); choose another"
        ));
    }
    let module = name.replace('-', "_");
    if PYTHON_KEYWORDS.contains(&module.as_str()) {
        return Some(format!(
            "plugin name `{name}` is a Python keyword, so its Python package \
             `flytekitplugins.{module}` could not be imported; choose another (such as `{name}-job`)"
        ));
    }
    None
}

/// The keys of each manifest table; [`RawManifest`] and its parts are the same lists.
const TOP_KEYS: &[&str] = &["idl", "output", "plugin"];
const IDL_KEYS: &[&str] = &["include"];
const OUTPUT_KEYS: &[&str] = &[
    "dir",
    "targets",
    "templates",
    "go_module_prefix",
    "npm_scope",
];
const PLUGIN_KEYS: &[&str] = &[
    "name",
    "proto",
    "message",
    "task_type",
    "task_type_version",
    "backend",
    "version",
    "description",
];

/// Every key of `text` that the manifest does not know: (byte offset, message as serde words
/// it). Empty when the text is not TOML.
fn unknown_keys(text: &str) -> Vec<(usize, String)> {
    use toml::de::{DeTable, DeValue};
    fn scan(table: &DeTable<'_>, known: &[&str], out: &mut Vec<(usize, String)>) {
        for key in table.keys() {
            if !known.contains(&key.get_ref().as_ref()) {
                let expected = match known {
                    [one] => format!("`{one}`"),
                    [a, b] => format!("`{a}` or `{b}`"),
                    many => format!(
                        "one of {}",
                        many.iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.push((
                    key.span().start,
                    format!("unknown field `{}`, expected {expected}", key.get_ref()),
                ));
            }
        }
    }
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    scan(doc.get_ref(), TOP_KEYS, &mut out);
    for (key, value) in doc.get_ref() {
        match (key.get_ref().as_ref(), value.get_ref()) {
            ("idl", DeValue::Table(t)) => scan(t, IDL_KEYS, &mut out),
            ("output", DeValue::Table(t)) => scan(t, OUTPUT_KEYS, &mut out),
            ("plugin", DeValue::Array(items)) => {
                for item in items.iter() {
                    if let DeValue::Table(t) = item.get_ref() {
                        scan(t, PLUGIN_KEYS, &mut out);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Is `path` a valid Go module path (the element rules of `go mod`'s path check)?
fn is_go_module_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|element| {
            !element.is_empty()
                && !element.starts_with('.')
                && !element.ends_with('.')
                && element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        })
}

/// kebab-case: `[a-z][a-z0-9]*(-[a-z0-9]+)*`. Such a name can never hold `..`, `/` or `\`.
pub fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A task type: `[a-z][a-z0-9_-]*`, at most 64 characters.
pub fn is_task_type(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn is_semver(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// A manifest path must be relative and stay below the manifest's folder.
pub fn check_relative_path(path: &str) -> std::result::Result<(), &'static str> {
    let p = Path::new(path);
    if path.is_empty() {
        return Err("must not be empty");
    }
    if p.is_absolute() || path.starts_with('/') || path.starts_with('\\') {
        return Err("must be a relative path");
    }
    if p.components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
        || path.split(['/', '\\']).any(|s| s == "..")
    {
        return Err("must not contain `..`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"[idl]
include = ["."]

[output]
dir = "generated"
targets = ["python", "go", "typescript", "rust"]

[[plugin]]
name = "spark"
proto = "acme/spark/v1/spark.proto"
message = "acme.spark.v1.SparkJob"
task_type = "spark"
task_type_version = 0
backend = "k8s"
"#;

    fn parse(text: &str) -> Result<Manifest> {
        Manifest::parse(Path::new("flyteplug.toml"), text)
    }

    /// The key lists of `unknown_keys` are the serde structs' fields: for one unknown key in
    /// each table, its message is serde's own, word for word.
    #[test]
    fn unknown_keys_word_their_errors_as_serde_does() {
        for (after, key) in [
            ("[idl]\n", "includes"),
            ("[output]\n", "target"),
            ("backend = \"k8s\"\n", "task_typ"),
        ] {
            let text = GOOD.replace(after, &format!("{after}{key} = 1\n"));
            let serde = toml::from_str::<RawManifest>(&text).err().unwrap();
            let ours = unknown_keys(&text);
            assert_eq!(ours.len(), 1, "{ours:?}");
            assert_eq!(ours[0].1, serde.message().trim_end());
            assert_eq!(Some(ours[0].0), serde.span().map(|s| s.start));
        }
        let text = format!("bogus = 1\n{GOOD}");
        let serde = toml::from_str::<RawManifest>(&text).err().unwrap();
        assert_eq!(unknown_keys(&text)[0].1, serde.message().trim_end());
    }

    #[test]
    fn every_unknown_key_is_reported_at_once() {
        let text = format!("bogus = 1\n{GOOD}")
            .replace("[idl]\n", "[idl]\nincludes = []\n")
            .replace("[output]\n", "[output]\ntarget = 1\n")
            .replace("backend = \"k8s\"\n", "backend = \"k8s\"\nretries = 3\n");
        let Err(Error::Input(diags)) = parse(&text) else {
            panic!("expected input errors");
        };
        let lines: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        let want = [
            ("flyteplug.toml:1:1", "`bogus`"),
            ("flyteplug.toml:3:1", "`includes`"),
            ("flyteplug.toml:7:1", "`target`"),
            ("flyteplug.toml:18:1", "`retries`"),
        ];
        assert_eq!(lines.len(), want.len(), "{lines:#?}");
        for (line, (at, key)) in lines.iter().zip(want) {
            assert!(
                line.starts_with(&format!(
                    "{at}: error: invalid manifest: unknown field {key}"
                )),
                "{line}"
            );
        }
    }

    #[test]
    fn parses_the_design_example() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.plugins.len(), 1);
        assert_eq!(m.plugins[0].backend, Backend::K8s);
        assert_eq!(m.targets, ALL_TARGETS);
    }

    #[test]
    fn unknown_key_names_its_line() {
        let text = GOOD.replace("backend = \"k8s\"", "backend = \"k8s\"\nbakcend = \"core\"");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("flyteplug.toml:15:"), "{err}");
        assert!(err.contains("bakcend"), "{err}");
    }

    #[test]
    fn unknown_backend_and_dotted_name() {
        let text = GOOD
            .replace("\"k8s\"", "\"lambda\"")
            .replace("name = \"spark\"", "name = \"../spark\"");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("flyteplug.toml:9:8: error: plugin name `../spark` must be kebab-case"),
            "{err}"
        );
        assert!(
            err.contains("flyteplug.toml:14:11: error: unknown backend `lambda`"),
            "{err}"
        );
    }

    #[test]
    fn duplicates_name_both_lines() {
        let text = format!("{GOOD}\n{}", &GOOD[GOOD.find("[[plugin]]").unwrap()..]);
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("duplicate plugin name `spark` (first defined at line 9)"),
            "{err}"
        );
        assert!(
            err.contains("task type `spark` version 0 is already served by plugin `spark`"),
            "{err}"
        );
    }

    #[test]
    fn output_dir_must_stay_inside() {
        for bad in ["/", "../out", "a/../../b"] {
            let text = GOOD.replace("dir = \"generated\"", &format!("dir = \"{bad}\""));
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains("flyteplug.toml:5:7"), "{bad}: {err}");
        }
    }
}
