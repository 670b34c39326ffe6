//! One engine behind every front end: manifest → load → IR → targets → output plan.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::conformance::{LazyVectors, PluginVectors};
use crate::error::{Error, Result};
use crate::ir::{self, Ir};
use crate::load::{self, Loaded};
use crate::manifest::Manifest;
use crate::output::{self, Plan};
use crate::render::Renderer;
use crate::targets::{self, Context, OutFile};

/// A loaded and resolved manifest.
pub struct Project {
    /// The manifest.
    pub manifest: Manifest,
    /// The compiled IDL.
    pub loaded: Loaded,
    /// The IR.
    pub ir: Ir,
    renderer: Renderer,
    /// The conformance vectors of each plugin (in `ir.plugins` order), derived on first use.
    vectors: Vec<OnceLock<PluginVectors>>,
}

impl Project {
    /// Loads the manifest at `path`, compiles its IDL and builds the IR.
    pub fn open(path: &Path) -> Result<Project> {
        let manifest = Manifest::load(path).map_err(|e| e.with_excerpts(&[]))?;
        Project::from_manifest(manifest)
    }

    /// Compiles the IDL of a parsed manifest and builds the IR.
    pub fn from_manifest(manifest: Manifest) -> Result<Project> {
        let excerpts = |e: Error| e.with_excerpts(&manifest.include);
        let loaded = load::load(&manifest).map_err(excerpts)?;
        let ir = ir::build(&manifest, &loaded.pool).map_err(excerpts)?;
        let renderer = Renderer::new(manifest.templates.as_deref())?;
        let vectors = ir.plugins.iter().map(|_| OnceLock::new()).collect();
        Ok(Project {
            manifest,
            loaded,
            ir,
            renderer,
            vectors,
        })
    }

    /// Every file of the manifest's targets, plus the conformance vectors of every plugin
    /// (`vectors/<plugin>.json`), in memory.
    pub fn emit(&self) -> Result<Vec<OutFile>> {
        let ctx = self.context();
        let targets = self
            .manifest
            .targets
            .iter()
            .map(|name| {
                targets::by_name(name).ok_or_else(|| Error::msg(format!("unknown target `{name}`")))
            })
            .collect::<Result<Vec<_>>>()?;
        // Targets share nothing but the read-only context, so each renders on its own thread;
        // results are joined in manifest order, so the output does not depend on scheduling.
        let emitted: Vec<Result<Vec<OutFile>>> = std::thread::scope(|scope| {
            // Every target needs every plugin's vectors after its models: derive them from the
            // start, each plugin on a thread of its own, rather than when the first target
            // asks (the others then waited for it).
            for vectors in &ctx.vectors {
                scope.spawn(|| vectors.constructions().map(|_| ()));
            }
            let handles: Vec<_> = targets
                .iter()
                .map(|target| scope.spawn(|| target.emit(&ctx)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        let mut files = Vec::new();
        for target_files in emitted {
            files.extend(target_files?);
        }
        for vectors in &ctx.vectors {
            files.push(OutFile::generated_shared(
                format!("vectors/{}.json", vectors.plugin().name),
                &vectors.get().json,
            ));
        }
        Ok(files)
    }

    /// The output plan: every file, validated, rooted at the manifest's output folder.
    pub fn plan(&self) -> Result<Plan> {
        self.check_output_dir()?;
        Plan::new(
            self.manifest.output_dir.value.clone(),
            self.manifest.root.clone(),
            self.emit()?,
        )
    }

    /// The output folder must not be the project folder or hold an include root.
    fn check_output_dir(&self) -> Result<()> {
        let canon = resolve;
        let out = canon(&self.manifest.output_dir.value);
        let root = canon(&self.manifest.root);
        let at = &self.manifest.output_dir.location;
        if out == root {
            return Err(Error::at(
                at.clone(),
                "`output.dir` must be a subfolder, not the project folder itself",
            ));
        }
        for inc in &self.manifest.include {
            let inc = canon(inc);
            if inc.starts_with(&out) || out.starts_with(&inc) {
                return Err(Error::at(
                    at.clone(),
                    format!(
                        "`output.dir` overlaps the include folder `{}`; keep IDL and generated code apart",
                        inc.display()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The `.proto` files read from disk (for `cargo:rerun-if-changed`).
    pub fn source_files(&self) -> &[PathBuf] {
        &self.loaded.disk_files
    }

    /// The template renderer.
    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// The conformance vectors of each plugin, in `ir.plugins` order.
    pub fn vectors(&self) -> Vec<&PluginVectors> {
        self.context()
            .vectors
            .iter()
            .map(LazyVectors::get)
            .collect()
    }

    /// The rendering context for targets.
    pub fn context(&self) -> Context<'_> {
        Context {
            ir: &self.ir,
            manifest: &self.manifest,
            renderer: &self.renderer,
            vectors: (self.ir.plugins.iter().zip(&self.vectors))
                .map(|(plugin, cell)| LazyVectors::new(plugin, cell))
                .collect(),
        }
    }
}

/// The build.rs front end: generate Rust models into `OUT_DIR`.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), flyteplug::Error> {
///     flyteplug::Builder::from_manifest("../../flyteplug.toml")?.plugin("spark").generate_rust()?;
///     Ok(())
/// }
/// // lib.rs: include!(concat!(env!("OUT_DIR"), "/flyteplugins_spark.rs"));
/// ```
pub struct Builder {
    manifest_path: PathBuf,
    project: Project,
    plugins: Vec<String>,
    out_dir: Option<PathBuf>,
    cargo_directives: bool,
    scaffold: Option<PathBuf>,
}

impl Builder {
    /// Loads the manifest at `path` (relative to the crate's folder in a build script).
    pub fn from_manifest(path: impl AsRef<Path>) -> Result<Builder> {
        let manifest_path = path.as_ref().to_path_buf();
        let project = Project::open(&manifest_path)?;
        Ok(Builder {
            manifest_path,
            project,
            plugins: Vec::new(),
            out_dir: None,
            cargo_directives: true,
            scaffold: None,
        })
    }

    /// Generates this plugin (call again for more); by default every plugin is generated.
    pub fn plugin(mut self, name: &str) -> Self {
        self.plugins.push(name.to_string());
        self
    }

    /// Writes into `dir` instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (on by default).
    pub fn cargo_directives(mut self, yes: bool) -> Self {
        self.cargo_directives = yes;
        self
    }

    /// `out_dir`, else `$OUT_DIR`; `caller` names the method in the error.
    fn output_folder(&self, caller: &str) -> Result<PathBuf> {
        match &self.out_dir {
            Some(d) => Ok(d.clone()),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::msg(format!(
                        "OUT_DIR is not set: call {caller} from build.rs or set out_dir"
                    ))
                }),
        }
    }

    /// The plugins named with [`plugin`](Builder::plugin) (all when none is named), in
    /// manifest order; an unknown name is an error listing the known ones.
    fn selected(&self) -> Result<Vec<&ir::Plugin>> {
        let ir = &self.project.ir;
        for name in &self.plugins {
            if !ir.plugins.iter().any(|p| &p.name == name) {
                let known: Vec<&str> = ir.plugins.iter().map(|p| p.name.as_str()).collect();
                return Err(Error::msg(format!(
                    "{}: no plugin named `{name}` (plugins: {})",
                    self.manifest_path.display(),
                    known.join(", ")
                )));
            }
        }
        Ok(ir
            .plugins
            .iter()
            .filter(|p| self.plugins.is_empty() || self.plugins.contains(&p.name))
            .collect())
    }

    /// What the generated code depends on, so what `cargo:rerun-if-changed` names: the
    /// manifest, the template override folder when the manifest sets one (cargo watches a
    /// folder's files), and every `.proto` file loaded from disk.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut out = vec![self.manifest_path.clone()];
        out.extend(self.project.manifest.templates.iter().cloned());
        out.extend(self.project.source_files().iter().cloned());
        out
    }

    /// `cargo:rerun-if-changed` for each of [`Builder::inputs`], when enabled.
    fn print_rerun_directives(&self) {
        if self.cargo_directives {
            for path in self.inputs() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }

    /// Writes `<rust_lib>.rs` (for example `flyteplugins_spark.rs`) per plugin into the output
    /// folder: the models and codec as one module body for `include!`. Returns the paths.
    pub fn generate_rust(self) -> Result<Vec<PathBuf>> {
        let out_dir = self.output_folder("generate_rust")?;
        let selected = self.selected()?;
        let ctx = self.project.context();
        let mut files = Vec::new();
        for plugin in &selected {
            files.push(targets::rust::module_file(&ctx, plugin)?);
        }
        output::write_files(&out_dir, &files)?;
        self.print_rerun_directives();
        Ok(files.iter().map(|f| out_dir.join(&f.path)).collect())
    }

    /// With [`generate_backend`](Builder::generate_backend): also writes the author's
    /// implementation file of the plugin at `path` when no file is there (a scaffold with
    /// `todo!()` bodies; never overwritten). A relative path is relative to the crate's folder
    /// (`CARGO_MANIFEST_DIR`), e.g. `"src/plugin.rs"`; the crate declares it as a module. The
    /// scaffold includes the glue from `$OUT_DIR`. Needs exactly one plugin.
    pub fn scaffold_into(mut self, path: impl Into<PathBuf>) -> Self {
        self.scaffold = Some(path.into());
        self
    }

    /// For a backend crate that depends on `flyteplug-runtime` (and `serde_json`; `serde` with
    /// `derive` for a web API async plugin's resource meta): writes, per plugin, the models
    /// module `<rust_lib>.rs` and the glue module `<rust_lib>.backend.rs` into the output
    /// folder, and with [`scaffold_into`](Builder::scaffold_into) the scaffold when it is
    /// missing. Returns the paths of the files written or kept, glue after models, scaffold
    /// last.
    ///
    /// The glue includes the models as `models` and binds them to the runtime:
    /// `impl CustomMessage` (the codec's lenient decoder), `Custom` and `TaskContext` aliases,
    /// the runtime trait of the plugin's backend kind as `Plugin`, `NAME`, `TASK_TYPE`,
    /// `TASK_TYPE_VERSION`, `info()` and a typed `register` for a `ConnectorBuilder`.
    ///
    /// ```no_run
    /// // build.rs
    /// fn main() -> Result<(), flyteplug::Error> {
    ///     flyteplug::Builder::from_manifest("../../flyteplug.toml")?
    ///         .plugin("countdown")
    ///         .scaffold_into("src/plugin.rs")
    ///         .generate_backend()?;
    ///     Ok(())
    /// }
    /// // src/plugin.rs (the scaffold) includes the glue:
    /// // pub mod generated { include!(concat!(env!("OUT_DIR"), "/flyteplugins_countdown.backend.rs")); }
    /// ```
    pub fn generate_backend(self) -> Result<Vec<PathBuf>> {
        let out_dir = self.output_folder("generate_backend")?;
        let selected = self.selected()?;
        let ctx = self.project.context();
        let mut files = Vec::new();
        for plugin in &selected {
            files.push(targets::rust::module_file(&ctx, plugin)?);
            files.push(targets::rust::backend::glue_file(&ctx, plugin)?);
        }
        let scaffold = match (&self.scaffold, selected.as_slice()) {
            (None, _) => None,
            (Some(path), [plugin]) => {
                let path = match std::env::var_os("CARGO_MANIFEST_DIR") {
                    Some(dir) if path.is_relative() => PathBuf::from(dir).join(path),
                    _ => path.clone(),
                };
                let file = targets::rust::backend::scaffold_file(
                    &ctx,
                    plugin,
                    &path.display().to_string(),
                )?;
                Some((path, file))
            }
            (Some(_), _) => {
                return Err(Error::msg(format!(
                    "scaffold_into needs exactly one plugin, but {} are selected; name it with `.plugin(..)`",
                    selected.len()
                )));
            }
        };
        output::write_files(&out_dir, &files)?;
        let mut written: Vec<PathBuf> = files.iter().map(|f| out_dir.join(&f.path)).collect();
        if let Some((path, file)) = scaffold {
            targets::rust::backend::write_if_absent(&path, &file.contents)?;
            written.push(path);
        }
        self.print_rerun_directives();
        if self.cargo_directives {
            if let Some(path) = &self.scaffold {
                // A deleted scaffold comes back on the next build.
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        Ok(written)
    }
}

/// `path` made absolute, with symlinks resolved as far as it exists: its deepest existing
/// ancestor canonicalized, then the rest, so that a folder not created yet compares like
/// one that exists.
fn resolve(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut tail = Vec::new();
    let mut at = path.as_path();
    loop {
        if let Ok(found) = at.canonicalize() {
            return tail.iter().rev().fold(found, |acc, part| acc.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                at = parent;
            }
            _ => return path,
        }
    }
}
