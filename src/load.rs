//! Loading `.proto` files with protox: no `protoc`, the well-known types built in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use miette::{GraphicalReportHandler, GraphicalTheme};
use prost_reflect::{DescriptorPool, FileDescriptor};
use protox::file::{
    ChainFileResolver, File, FileResolver, GoogleFileResolver, IncludeFileResolver,
};

use crate::error::{Diagnostic, Error, Location, Result};
use crate::manifest::Manifest;
use crate::parallel::parallel_map;

/// The compiled IDL of a manifest.
pub struct Loaded {
    /// Every file, imports included, with source info.
    pub pool: DescriptorPool,
    /// The files read from disk (absolute or manifest-relative paths), sorted; the well-known
    /// types that protox bundles are not listed. This is what `cargo:rerun-if-changed` names.
    pub disk_files: Vec<PathBuf>,
}

/// Compiles every plugin's `.proto` file (and their imports) of the manifest.
pub fn load(manifest: &Manifest) -> Result<Loaded> {
    let mut files: Vec<&str> = manifest
        .plugins
        .iter()
        .map(|p| p.proto.value.as_str())
        .collect();
    files.sort_unstable();
    files.dedup();
    // A plugin's `proto` that no include folder has is the manifest's error, at its line.
    let missing: Vec<Diagnostic> = manifest
        .plugins
        .iter()
        .filter(|p| {
            let found = |root: &PathBuf| root.join(&p.proto.value).is_file();
            !manifest.include.iter().any(found)
        })
        .map(|p| {
            Diagnostic::at(
                p.proto.location.clone(),
                format!(
                    "`{}` is in no include folder ({})",
                    p.proto.value,
                    manifest
                        .include
                        .iter()
                        .map(|root| {
                            let shown = root.strip_prefix(&manifest.root).unwrap_or(root);
                            format!("`{}`", shown.display())
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(Error::Input(missing));
    }
    load_files(&manifest.include, &files)
}

/// Compiles `files` (paths relative to an include root) from the include roots.
pub fn load_files(include: &[PathBuf], files: &[&str]) -> Result<Loaded> {
    let mut chain = ChainFileResolver::new();
    for root in include {
        chain.add(IncludeFileResolver::new(root.clone()));
    }
    chain.add(GoogleFileResolver::new());
    let resolver = Prefetched::new(chain, include, files);
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true).include_source_info(true);
    let mut diags = Vec::new();
    for file in files {
        if let Err(e) = compiler.open_file(file) {
            diags.extend(protox_diagnostics(&e));
        }
    }
    if !diags.is_empty() {
        place_file_errors(&mut diags, include);
        return Err(Error::Input(diags));
    }
    let pool = compiler.descriptor_pool();
    let mut disk_files = Vec::new();
    for file in pool.files() {
        if let Err(d) = check_syntax(&file) {
            diags.push(d);
        }
        if let Some(path) = include
            .iter()
            .map(|root| root.join(file.name()))
            .find(|p| p.is_file())
        {
            disk_files.push(path);
        }
    }
    if !diags.is_empty() {
        return Err(Error::Input(diags));
    }
    disk_files.sort();
    disk_files.dedup();
    Ok(Loaded { pool, disk_files })
}

/// protox places two errors about a whole file at its line 1, column 1; this moves them to
/// the place that decides them: an import cycle to the `import` of the next file of the
/// cycle, in the file reported, and invalid UTF-8 to the first bad byte.
fn place_file_errors(diags: &mut [Diagnostic], include: &[PathBuf]) {
    for d in diags {
        let Some(location) = d.location.as_mut() else {
            continue;
        };
        if (location.line, location.col) != (1, 1) {
            continue;
        }
        let Some(bytes) = include
            .iter()
            .map(|root| root.join(&location.file))
            .find_map(|path| std::fs::read(path).ok())
        else {
            continue;
        };
        let offset = if let Some(chain) = d.message.strip_prefix("import cycle detected: ") {
            let Some(next) = chain.split(" -> ").nth(1) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let quoted = format!("\"{next}\"");
            let mut at = 0;
            let mut found = None;
            for line in text.split_inclusive('\n') {
                if line.trim_start().starts_with("import")
                    && let Some(i) = line.find(&quoted)
                {
                    found = Some(at + i);
                    break;
                }
                at += line.len();
            }
            found.map(|offset| (text.to_string(), offset))
        } else if d.message.ends_with("is not valid utf-8") {
            std::str::from_utf8(&bytes).err().map(|e| {
                let valid = &bytes[..e.valid_up_to()];
                (String::from_utf8_lossy(valid).into_owned(), valid.len())
            })
        } else {
            None
        };
        if let Some((text, offset)) = offset {
            *location = Location::from_offset(location.file.clone(), &text, offset);
        }
    }
}

/// The resolver `protox::Compiler::new` builds (the include roots in order, then the
/// well-known types), with every file it will be asked for parsed ahead, on the machine's
/// threads: the files named and, breadth-first, everything they import from the include
/// roots. The compiler still links files one at a time, in its own order; only parsing, two
/// fifths of loading a large spec, moves ahead. A file parsed ahead is handed over as it was
/// parsed, errors included, so every message stays what protox reports; any other file (the
/// well-known types, or one asked for twice) is opened when asked for.
struct Prefetched {
    inner: ChainFileResolver,
    parsed: Mutex<HashMap<String, std::result::Result<File, protox::Error>>>,
}

impl Prefetched {
    fn new(inner: ChainFileResolver, include: &[PathBuf], files: &[&str]) -> Prefetched {
        // As the include roots of the chain would: the first root that has the file decides.
        let open = |name: &String| {
            include.iter().find_map(|root| {
                match IncludeFileResolver::new(root.clone()).open_file(name) {
                    Err(e) if e.is_file_not_found() => None,
                    result => Some(result),
                }
            })
        };
        let mut parsed = HashMap::new();
        let mut wave: Vec<String> = files
            .iter()
            .map(|f| {
                inner
                    .resolve_path(Path::new(f))
                    .unwrap_or_else(|| f.to_string())
            })
            .collect();
        while !wave.is_empty() {
            let mut next = Vec::new();
            for (name, result) in wave.iter().zip(parallel_map(&wave, open)) {
                let Some(result) = result else { continue };
                if let Ok(file) = &result {
                    next.extend(file.file_descriptor_proto().dependency.iter().cloned());
                }
                parsed.insert(name.clone(), result);
            }
            next.sort_unstable();
            next.dedup();
            next.retain(|name| !parsed.contains_key(name) && !wave.contains(name));
            wave = next;
        }
        Prefetched {
            inner,
            parsed: Mutex::new(parsed),
        }
    }
}

impl FileResolver for Prefetched {
    fn resolve_path(&self, path: &Path) -> Option<String> {
        self.inner.resolve_path(path)
    }

    fn open_file(&self, name: &str) -> std::result::Result<File, protox::Error> {
        let ahead = self
            .parsed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
        ahead.unwrap_or_else(|| self.inner.open_file(name))
    }
}

fn check_syntax(file: &FileDescriptor) -> std::result::Result<(), Diagnostic> {
    let proto = file.file_descriptor_proto();
    let syntax = proto.syntax.as_deref().unwrap_or("proto2");
    if syntax == "proto3" || file.name().starts_with("google/protobuf/") {
        return Ok(());
    }
    let what = if syntax == "editions" {
        "uses editions"
    } else {
        "is proto2"
    };
    let location = proto
        .source_code_info
        .as_ref()
        .and_then(|info| info.location.iter().find(|l| l.path == [12]))
        .map(|l| Location {
            file: file.name().to_string(),
            line: l.span[0] as u32 + 1,
            col: l.span[1] as u32 + 1,
        })
        .unwrap_or(Location {
            file: file.name().to_string(),
            line: 1,
            col: 1,
        });
    Err(Diagnostic::at(
        location,
        format!(
            "`{}` {what}; flyteplug reads proto3 only (write `syntax = \"proto3\";`)",
            file.name()
        ),
    ))
}

/// Turns a protox error into diagnostics with `file:line:col` and the source excerpt: one for
/// the error and one for each error related to it (protox reports every problem of a file as one
/// error with the others related), so that each is printed alike, with its own location.
pub fn protox_diagnostics(err: &protox::Error) -> Vec<Diagnostic> {
    use miette::Diagnostic as _;
    let source = err.source_code();
    let mut out = vec![diagnostic_of(err, source, err.file())];
    if let Some(related) = err.related() {
        out.extend(related.map(|d| diagnostic_of(d, d.source_code().or(source), err.file())));
    }
    if let Some(first) = out.first_mut()
        && first.message.contains("found 'edition'")
    {
        first.message = format!(
            "`{}` uses editions; flyteplug reads proto3 only (write `syntax = \"proto3\";`)",
            err.file().unwrap_or("this file")
        );
    }
    out
}

/// One miette diagnostic, with `source` for its labels, as a [`Diagnostic`] at its first label
/// (else at the start of `file`).
fn diagnostic_of(
    diag: &dyn miette::Diagnostic,
    source: Option<&dyn miette::SourceCode>,
    file: Option<&str>,
) -> Diagnostic {
    let label = diag.labels().and_then(|mut l| l.next());
    let labelled = label.is_some();
    let location = source
        .zip(label)
        .and_then(|(src, label)| src.read_span(label.inner(), 0, 0).ok())
        .and_then(|span| {
            Some(Location {
                file: span.name().or(file)?.to_string(),
                line: span.line() as u32 + 1,
                col: span.column() as u32 + 1,
            })
        })
        .or_else(|| {
            file.map(|f| Location {
                file: f.to_string(),
                line: 1,
                col: 1,
            })
        });
    let mut rendered = String::new();
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    let alone = Alone { diag, source };
    // Without a label there is no excerpt to show: the report would repeat the message.
    let detail =
        (labelled && handler.render_report(&mut rendered, &alone).is_ok()).then_some(rendered);
    Diagnostic {
        location,
        message: diag.to_string(),
        detail,
    }
}

/// A diagnostic printed on its own: with the given source code, without its related ones.
struct Alone<'a> {
    diag: &'a dyn miette::Diagnostic,
    source: Option<&'a dyn miette::SourceCode>,
}

impl std::fmt::Display for Alone<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.diag, f)
    }
}

impl std::fmt::Debug for Alone<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.diag, f)
    }
}

impl std::error::Error for Alone<'_> {}

impl miette::Diagnostic for Alone<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diag.code()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diag.help()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.diag.labels()
    }
}
