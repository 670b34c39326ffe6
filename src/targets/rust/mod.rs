//! The Rust target.
//!
//! Per plugin, one self-contained module body `<rust_lib>.rs` (models + codec) that a build
//! script writes to `OUT_DIR` and `include!`s, and a crate `rust/<name>/` whose `lib.rs`
//! includes that same file. Target-wide: a workspace `rust/Cargo.toml` and the conformance
//! testee `rust/testee/`.

pub mod backend;
mod doc;
mod layout;
mod model;
mod unit_tests;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ir::Plugin;
use crate::targets::{Cmd, Context, OutFile, Target, Testee, header};

use layout::{arm, signature, string_literal, turbofish_arm};

/// Emits Rust packages.
pub struct Rust;

/// The testee's package and binary name.
const TESTEE: &str = "flyteplug-testee";

/// The `serde_json` requirement of the generated crates. `float_roundtrip` makes `serde_json`
/// parse floats exactly, so `to_custom()` holds the very doubles the codec meant.
const SERDE_JSON: &str = r#"serde_json = { version = "1.0.100", features = ["float_roundtrip"] }"#;

impl Target for Rust {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn emit(&self, ctx: &Context<'_>) -> Result<Vec<OutFile>> {
        let mut files = Vec::new();
        if ctx.ir.plugins.is_empty() {
            return Ok(files);
        }
        for vectors in &ctx.vectors {
            let plugin = vectors.plugin();
            if plugin.name == "testee" {
                return Err(Error::msg(
                    "a plugin named `testee` would collide with the Rust testee crate `rust/testee/`; rename the plugin",
                ));
            }
            let module = module_file(ctx, plugin)?;
            let dir = format!("rust/{}", plugin.name);
            files.push(OutFile::generated(
                format!("{dir}/Cargo.toml"),
                crate_manifest(ctx, plugin)?,
            ));
            files.push(OutFile::generated(
                format!("{dir}/src/lib.rs"),
                crate_lib(ctx, plugin)?,
            ));
            files.push(OutFile::generated_shared(
                format!("{dir}/src/{}", module.path),
                &module.contents,
            ));
            let constructions = vectors.constructions()?;
            let tests =
                unit_tests::build(plugin, header("//", &plugin.source_files), constructions);
            files.push(OutFile::generated(
                format!("{dir}/tests/vectors.rs"),
                ctx.renderer.render("rust/tests/vectors.rs", &tests)?,
            ));
            files.push(OutFile::generated_shared(
                format!("{dir}/tests/vectors.json"),
                &vectors.get().json,
            ));
        }
        files.push(OutFile::generated(
            "rust/Cargo.toml",
            workspace_manifest(ctx)?,
        ));
        files.push(OutFile::generated(
            "rust/testee/Cargo.toml",
            testee_manifest(ctx)?,
        ));
        files.push(OutFile::generated(
            "rust/testee/src/main.rs",
            testee_main(ctx)?,
        ));
        Ok(files)
    }

    fn testee(&self, ctx: &Context<'_>, output_root: &Path, cache: &Path) -> Result<Testee> {
        if ctx.ir.plugins.is_empty() {
            return Err(Error::msg(
                "the manifest declares no plugins: no Rust testee",
            ));
        }
        let source = output_root.join("rust");
        if !source.join("Cargo.toml").is_file() {
            return Err(Error::msg(format!(
                "`{}` is missing; run `flyteplug generate` with the `rust` target first",
                source.join("Cargo.toml").display()
            )));
        }
        // Cargo writes `Cargo.lock` beside the workspace manifest; build a mirror of the
        // generated workspace in the cache so that nothing lands in the generated tree.
        let workspace = cache.join("workspace");
        // A `target/` folder there holds build products, unless a plugin is named `target`.
        let skip_target = !ctx.ir.plugins.iter().any(|p| p.name == "target");
        mirror(&source, &workspace, skip_target)?;
        let target_dir = cache.join("target");
        let manifest = workspace.join("Cargo.toml");
        // Offline first (works without a network once the dependencies are in the local
        // registry), then online.
        let script = "cargo \"$@\" --offline 2>/dev/null || cargo \"$@\"";
        let mut build_args: Vec<String> = vec!["-c".into(), script.into(), "sh".into()];
        build_args.extend(
            [
                "build",
                "--release",
                "--manifest-path",
                &manifest.display().to_string(),
                "-p",
                TESTEE,
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        let build = Cmd {
            program: "sh".to_string(),
            args: build_args,
            cwd: workspace.clone(),
            env: vec![(
                "CARGO_TARGET_DIR".to_string(),
                target_dir.display().to_string(),
            )],
        };
        let exe = target_dir
            .join("release")
            .join(format!("{TESTEE}{}", std::env::consts::EXE_SUFFIX));
        let run = Cmd::new(exe.display().to_string(), &[], workspace);
        Ok(Testee {
            build: vec![build],
            run,
        })
    }
}

/// Makes `dst` hold exactly the files of `src` (plus Cargo's `Cargo.lock`), rewriting only
/// files whose bytes differ so that Cargo's freshness checks keep working.
fn mirror(src: &Path, dst: &Path, skip_target: bool) -> Result<()> {
    let mut wanted: Vec<PathBuf> = Vec::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::msg(format!("reading `{}`: {e}", src.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(src)
            .map_err(|_| Error::msg("walkdir left its root"))?
            .to_path_buf();
        if (skip_target && rel.starts_with("target")) || rel == Path::new("Cargo.lock") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        let to = dst.join(&rel);
        if std::fs::read(&to).ok().as_deref() != Some(bytes.as_slice()) {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&to, &bytes).map_err(|e| Error::io(&to, e))?;
        }
        wanted.push(rel);
    }
    if dst.is_dir() {
        for entry in walkdir::WalkDir::new(dst).contents_first(true) {
            let Ok(entry) = entry else { continue };
            let Ok(rel) = entry.path().strip_prefix(dst) else {
                continue;
            };
            if entry.file_type().is_file()
                && rel != Path::new("Cargo.lock")
                && !wanted.iter().any(|w| w == rel)
            {
                std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            } else if entry.file_type().is_dir() && entry.path() != dst {
                // Only succeeds when empty.
                let _ = std::fs::remove_dir(entry.path());
            }
        }
    }
    Ok(())
}

/// The models and codec of one plugin as a single `include!`-able module body, named
/// `<rust_lib>.rs` (for build.rs through `flyteplug::Builder`).
pub fn module_file(ctx: &Context<'_>, plugin: &Plugin) -> Result<OutFile> {
    let codec = ctx
        .renderer
        .render("rust/codec.rs", &serde_json::json!({}))?;
    let vm = model::module(plugin, codec)?;
    let contents = ctx.renderer.render("rust/module.rs", &vm)?;
    Ok(OutFile::generated(
        format!("{}.rs", plugin.package.rust_lib),
        contents,
    ))
}

#[derive(Serialize)]
struct CrateManifest {
    header: String,
    name: String,
    version: String,
    description: String,
    lib: String,
    serde_json: &'static str,
}

fn crate_manifest(ctx: &Context<'_>, plugin: &Plugin) -> Result<String> {
    ctx.renderer.render(
        "rust/Cargo.toml",
        &CrateManifest {
            header: header("#", &plugin.source_files),
            name: plugin.package.rust_crate.clone(),
            version: toml_string(&plugin.version),
            description: toml_string(&plugin.description),
            lib: plugin.package.rust_lib.clone(),
            serde_json: SERDE_JSON,
        },
    )
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[derive(Serialize)]
struct CrateLib {
    header: String,
    doc: String,
    lib: String,
    custom: String,
    module: String,
}

fn crate_lib(ctx: &Context<'_>, plugin: &Plugin) -> Result<String> {
    let custom = plugin.custom_message();
    let mut doc = String::new();
    for line in doc::comment(0, &plugin.description, &[]).lines() {
        doc.push_str("//!");
        doc.push_str(line.strip_prefix("///").unwrap_or(line));
        doc.push('\n');
    }
    ctx.renderer.render(
        "rust/lib.rs",
        &CrateLib {
            header: header("//", &plugin.source_files),
            doc,
            lib: plugin.package.rust_lib.clone(),
            custom: custom.names.rust.clone(),
            module: format!("{}.rs", plugin.package.rust_lib),
        },
    )
}

#[derive(Serialize)]
struct Workspace {
    header: String,
    members: Vec<String>,
}

fn workspace_manifest(ctx: &Context<'_>) -> Result<String> {
    let mut members: Vec<String> = ctx.ir.plugins.iter().map(|p| p.name.clone()).collect();
    members.push("testee".to_string());
    ctx.renderer.render(
        "rust/workspace.toml",
        &Workspace {
            header: header("#", &all_sources(ctx)),
            members: members.iter().map(|m| toml_string(m)).collect(),
        },
    )
}

fn all_sources(ctx: &Context<'_>) -> Vec<String> {
    let mut sources: Vec<String> = ctx
        .ir
        .plugins
        .iter()
        .flat_map(|p| p.source_files.iter().cloned())
        .collect();
    sources.sort();
    sources.dedup();
    sources
}

#[derive(Serialize)]
struct TesteeManifest {
    header: String,
    name: &'static str,
    dependencies: Vec<String>,
}

fn testee_manifest(ctx: &Context<'_>) -> Result<String> {
    ctx.renderer.render(
        "rust/testee/Cargo.toml",
        &TesteeManifest {
            header: header("#", &all_sources(ctx)),
            name: TESTEE,
            dependencies: ctx
                .ir
                .plugins
                .iter()
                .map(|p| {
                    format!(
                        "{} = {{ path = {} }}",
                        p.package.rust_crate,
                        toml_string(&format!("../{}", p.name))
                    )
                })
                .collect(),
        },
    )
}

#[derive(Serialize)]
struct TesteeMain {
    header: String,
    /// The crate whose JSON parser reads requests.
    json_crate: String,
    arms: String,
    runners: Vec<Runner>,
    /// Whether any well-known message is served (the `well_known` function is then needed).
    well_known: bool,
}

#[derive(Serialize)]
struct Runner {
    function: String,
    lib: String,
    signature: String,
}

fn testee_main(ctx: &Context<'_>) -> Result<String> {
    let mut arms = String::new();
    let mut runners = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // A message reachable from several plugins is served by the first of them (manifest
    // order); a plugin whose messages were all reached through an earlier one gets no runner
    // (it would be dead code, which `clippy -D warnings` rejects).
    for plugin in &ctx.ir.plugins {
        let lib = &plugin.package.rust_lib;
        let function = format!("run_{}", plugin.name.replace('-', "_"));
        let mut serves = false;
        for message in &plugin.messages {
            if !seen.insert(message.full_name.clone()) {
                continue;
            }
            serves = true;
            let ty = format!("{lib}::{}", message.names.rust);
            arms.push_str(&turbofish_arm(
                8,
                &string_literal(&message.full_name),
                &function,
                &ty,
            ));
        }
        if !serves {
            continue;
        }
        let signature = signature(
            0,
            &format!("fn {function}<T: {lib}::Message>"),
            &["input: &str".to_string(), "strict: bool".to_string()],
            " -> Result<String, String> {",
        );
        runners.push(Runner {
            function,
            lib: lib.clone(),
            signature,
        });
    }
    // The well-known messages any plugin reaches, served by the runtime's codec.
    let well_known = crate::targets::testee_well_known(ctx.ir, &seen);
    for name in &well_known {
        arms.push_str(&arm(
            8,
            &string_literal(name),
            "well_known(message, input, strict)",
        ));
    }
    ctx.renderer.render(
        "rust/testee/main.rs",
        &TesteeMain {
            header: header("//", &all_sources(ctx)),
            json_crate: ctx.ir.plugins[0].package.rust_lib.clone(),
            arms,
            runners,
            well_known: !well_known.is_empty(),
        },
    )
}
