//! The TypeScript target: one ESM package per plugin (`typescript/<name>/`) with typed classes,
//! the proto3 JSON codec (`src/json.ts`, the same runtime file in every package, with no
//! dependencies) and a target-wide conformance testee (`typescript/testee/`).
//!
//! View-models are built here and in [`models`]; the templates under `templates/typescript/`
//! only print them.

mod models;
mod readme;
mod task;
mod unit_tests;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::conformance::LazyVectors;
use crate::error::{Error, Result};
use crate::ir::Plugin;
use crate::targets::{
    Cmd, Context, GENERATED_MARKER, OutFile, REGENERATE_COMMAND, Target, Testee, header,
};

/// Emits TypeScript packages.
pub struct TypeScript;

/// Environment variable naming the `tsc` to use for the testee build.
pub const TSC_ENV: &str = "FLYTEPLUG_TSC";

impl Target for TypeScript {
    fn name(&self) -> &'static str {
        "typescript"
    }

    fn emit(&self, ctx: &Context<'_>) -> Result<Vec<OutFile>> {
        let mut files = Vec::new();
        for vectors in &ctx.vectors {
            let plugin = vectors.plugin();
            let runtime = ctx.renderer.render(
                "typescript/json.ts",
                &HeaderOnly {
                    header: header("//", &plugin.source_files),
                },
            )?;
            let dir = format!("typescript/{}", plugin.name);
            let models = models::models_view(plugin)?;
            files.push(OutFile::generated(
                format!("{dir}/package.json"),
                ctx.renderer
                    .render("typescript/package.json", &package_view(plugin))?,
            ));
            files.push(OutFile::generated(
                format!("{dir}/tsconfig.json"),
                ctx.renderer.render(
                    "typescript/tsconfig.json",
                    &tsconfig_view(&plugin.source_files, false),
                )?,
            ));
            files.push(OutFile::generated(
                format!("{dir}/src/index.ts"),
                ctx.renderer
                    .render("typescript/index.ts", &index_view(plugin, &models))?,
            ));
            files.push(OutFile::generated(
                format!("{dir}/src/models.ts"),
                ctx.renderer.render("typescript/models.ts", &models)?,
            ));
            files.push(OutFile::generated(format!("{dir}/src/json.ts"), runtime));
            files.push(task::task_file(ctx, plugin, &models)?);
            files.extend(test_files(ctx, plugin, vectors, &dir)?);
            files.push(OutFile::generated(
                format!("{dir}/README.md"),
                ctx.renderer.render(
                    "typescript/README.md",
                    &readme::build(plugin, &header("//", &plugin.source_files), &models),
                )?,
            ));
        }
        if !ctx.ir.plugins.is_empty() {
            let sources = all_sources(ctx);
            files.push(OutFile::generated(
                "typescript/testee/package.json",
                ctx.renderer.render(
                    "typescript/testee/package.json",
                    &testee_package_view(&sources),
                )?,
            ));
            files.push(OutFile::generated(
                "typescript/testee/tsconfig.json",
                ctx.renderer
                    .render("typescript/tsconfig.json", &tsconfig_view(&sources, true))?,
            ));
            files.push(OutFile::generated(
                "typescript/testee/src/testee.ts",
                ctx.renderer
                    .render("typescript/testee/testee.ts", &testee_view(ctx, &sources))?,
            ));
        }
        Ok(files)
    }

    fn testee(&self, ctx: &Context<'_>, output_root: &Path, cache: &Path) -> Result<Testee> {
        let ts_root = output_root.join("typescript");
        let testee_dir = ts_root.join("testee");
        if !testee_dir.join("tsconfig.json").is_file() {
            return Err(Error::msg(format!(
                "the TypeScript testee is missing from `{}`; run `flyteplug generate` with the `typescript` target first",
                testee_dir.display()
            )));
        }
        let tsc = find_tsc(&ctx.manifest.root, output_root)?;
        let dist = cache.join("dist");
        std::fs::create_dir_all(&dist).map_err(|e| Error::io(&dist, e))?;
        // The compiled packages are ES modules; Node needs a package.json saying so above them.
        let marker = dist.join("package.json");
        let marker_text = "{\n  \"private\": true,\n  \"type\": \"module\"\n}\n";
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(marker_text) {
            std::fs::write(&marker, marker_text).map_err(|e| Error::io(&marker, e))?;
        }
        let build = Cmd::new(
            tsc.to_string_lossy(),
            &[
                "-p",
                &testee_dir.to_string_lossy(),
                "--outDir",
                &dist.to_string_lossy(),
                "--rootDir",
                &ts_root.to_string_lossy(),
                "--declaration",
                "false",
                "--sourceMap",
                "false",
            ],
            &testee_dir,
        );
        let script = dist.join("testee").join("src").join("testee.js");
        let run = Cmd::new("node", &[&script.to_string_lossy()], &testee_dir);
        Ok(Testee {
            build: vec![build],
            run,
        })
    }
}

#[derive(Serialize)]
struct HeaderOnly {
    header: String,
}

/// Every `.proto` file the target's output derives from, sorted and unique.
/// A package's own tests: its copy of the vectors, the test module, the Node.js declarations
/// it needs, and the tsconfig that compiles it (`npm test`).
fn test_files(
    ctx: &Context<'_>,
    plugin: &Plugin,
    vectors: &LazyVectors<'_>,
    dir: &str,
) -> Result<Vec<OutFile>> {
    let head = header("//", &plugin.source_files);
    let constructions = vectors.constructions()?;
    let only_header = HeaderOnly {
        header: head.clone(),
    };
    Ok(vec![
        OutFile::generated_shared(format!("{dir}/test/vectors.json"), &vectors.get().json),
        OutFile::generated(
            format!("{dir}/test/vectors.test.ts"),
            ctx.renderer.render(
                "typescript/test/vectors.test.ts",
                &unit_tests::build(plugin, head.clone(), constructions),
            )?,
        ),
        OutFile::generated(
            format!("{dir}/test/node.d.ts"),
            ctx.renderer
                .render("typescript/test/node.d.ts", &only_header)?,
        ),
        OutFile::generated(
            format!("{dir}/tsconfig.test.json"),
            ctx.renderer.render(
                "typescript/tsconfig.test.json",
                &HeaderOnly { header: head },
            )?,
        ),
    ])
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

/// A TypeScript (and JSON) string literal: double quotes, JSON escaping, plus the two line
/// separators escaped so the literal is safe in any ECMAScript version.
pub(crate) fn ts_string(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
    json.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The marker sentence for files that cannot hold comments (JSON), as a JSON string literal.
fn json_marker(sources: &[String]) -> String {
    let mut text = GENERATED_MARKER.to_string();
    match sources {
        [] => {}
        [one] => text.push_str(&format!(" Source: {one}.")),
        many => text.push_str(&format!(" Sources: {}.", many.join(", "))),
    }
    text.push_str(&format!(" To regenerate, run `{REGENERATE_COMMAND}`."));
    ts_string(&text)
}

#[derive(Serialize)]
struct PackageView {
    marker: String,
    name: String,
    version: String,
    description: String,
}

fn package_view(plugin: &Plugin) -> PackageView {
    PackageView {
        marker: json_marker(&plugin.source_files),
        name: ts_string(&plugin.package.npm_name),
        version: ts_string(&plugin.version),
        description: ts_string(&plugin.description),
    }
}

#[derive(Serialize)]
struct TsconfigView {
    header: String,
    /// `src` for a package; `..` for the testee (it compiles the packages beside it too).
    root_dir: String,
    declaration: bool,
    /// The testee lists its one entry file; a package includes `src`.
    files: Option<String>,
}

fn tsconfig_view(sources: &[String], testee: bool) -> TsconfigView {
    TsconfigView {
        header: header("//", sources),
        root_dir: if testee { ".." } else { "src" }.to_string(),
        declaration: !testee,
        files: testee.then(|| ts_string("src/testee.ts")),
    }
}

#[derive(Serialize)]
struct TesteePackageView {
    marker: String,
}

fn testee_package_view(sources: &[String]) -> TesteePackageView {
    TesteePackageView {
        marker: json_marker(sources),
    }
}

#[derive(Serialize)]
struct IndexView {
    header: String,
    doc: Vec<String>,
    runtime_values: Vec<String>,
    runtime_types: Vec<String>,
}

/// Runtime classes and functions re-exported by name from `index.ts` (unless a generated type
/// has the same name; all of them stay reachable through the `json` namespace export).
const RUNTIME_VALUES: &[&str] = &[
    "Any",
    "DecodeError",
    "Duration",
    "Empty",
    "EncodeError",
    "FieldMask",
    "JsonNumber",
    "Timestamp",
    "canonicalString",
    "parseJson",
];

/// Runtime types re-exported by name from `index.ts`.
const RUNTIME_TYPES: &[&str] = &[
    "DecodeOptions",
    "Init",
    "JsonObject",
    "JsonValue",
    "ListValue",
    "Struct",
    "Value",
];

fn index_view(plugin: &Plugin, models: &models::ModelsView) -> IndexView {
    let taken = models.type_names();
    let keep = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|n| !taken.contains(**n))
            .map(|n| n.to_string())
            .collect()
    };
    let text = format!(
        "{}\n\nTyped configuration of the `{}` Flyte plugin (task type `{}`, version {}), generated from \
         `{}`.\n\nEvery message class has `toCustom()` (the `TaskTemplate.custom` JSON as a plain object), \
         `toCustomString()` (its canonical text) and `static fromCustom(value, options)`, which decodes JSON \
         text or a parsed value, ignores unknown keys (listing them in `options.unknown`) unless \
         `options.strict` is set, and throws a `DecodeError` naming the JSON path of a bad value. 64-bit \
         integers are `bigint`; maps are `Map`s; a oneof is one optional property holding its `case` (the member set) and `value`.\n\n\
         `{}` is a task of the plugin: its `taskTemplate()` builds the task's `flyteidl.core.TaskTemplate` \
         (id, type, task type version, custom{}) as canonical proto3 JSON.",
        plugin.description,
        plugin.name,
        plugin.task_type,
        plugin.task_type_version,
        plugin.proto_file,
        task::task_class_name(plugin, models),
        if task::runs_container(plugin.backend) {
            ", container"
        } else {
            ""
        },
    );
    IndexView {
        header: header("//", &plugin.source_files),
        doc: models::doc_lines(&models::wrap(&text, models::WIDTH - 3), false, "", true),
        runtime_values: keep(RUNTIME_VALUES),
        runtime_types: keep(RUNTIME_TYPES),
    }
}

#[derive(Serialize)]
struct TesteeView {
    header: String,
    runtime: String,
    imports: Vec<TesteeImport>,
    /// `  ["full.Name", handler(alias.Class)],` entries (one or more lines each), by name;
    /// well-known messages have `wellKnown("full.Name")`.
    handlers: Vec<String>,
    /// Whether any well-known message is served (the `wellKnown` handler is then needed).
    well_known: bool,
}

#[derive(Serialize)]
struct TesteeImport {
    alias: String,
    path: String,
}

fn testee_view(ctx: &Context<'_>, sources: &[String]) -> TesteeView {
    let mut imports = Vec::new();
    // (name literal, handler function, its argument)
    let mut handlers: Vec<(String, &str, String)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut aliases = std::collections::BTreeSet::new();
    // A message reachable from several plugins is served by the first of them (manifest
    // order); a plugin whose messages were all reached through an earlier one is not imported
    // (`noUnusedLocals` would reject the import).
    for plugin in &ctx.ir.plugins {
        let served: Vec<_> = plugin
            .messages
            .iter()
            .filter(|m| seen.insert(m.full_name.clone()))
            .collect();
        if served.is_empty() {
            continue;
        }
        let base = format!(
            "{}Models",
            crate::names::lower_camel(&plugin.name.replace('-', "_"))
        );
        let mut alias = base.clone();
        let mut n = 2;
        while !aliases.insert(alias.clone()) {
            alias = format!("{base}{n}");
            n += 1;
        }
        imports.push(TesteeImport {
            alias: alias.clone(),
            path: ts_string(&format!("../../{}/src/models.js", plugin.name)),
        });
        for m in served {
            handlers.push((
                ts_string(&m.full_name),
                "handler",
                format!("{alias}.{}", m.names.typescript),
            ));
        }
    }
    // The well-known messages any plugin reaches, served by the runtime.
    let well_known = crate::targets::testee_well_known(ctx.ir, &seen);
    for name in &well_known {
        let literal = ts_string(name);
        handlers.push((literal.clone(), "wellKnown", literal));
    }
    handlers.sort();
    let handlers = handlers
        .into_iter()
        .flat_map(|(name, function, arg)| {
            let one = format!("  [{name}, {function}({arg})],");
            if one.chars().count() <= models::WIDTH {
                vec![one]
            } else {
                let call = models::Expr::Call(function.to_string(), vec![models::Expr::Atom(arg)]);
                let mut lines = vec!["  [".to_string(), format!("    {name},")];
                lines.extend(models::layout("    ", "", &call, ","));
                lines.push("  ],".to_string());
                lines
            }
        })
        .collect();
    let runtime = ctx
        .ir
        .plugins
        .first()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    TesteeView {
        header: header("//", sources),
        runtime: ts_string(&format!("../../{runtime}/src/json.js")),
        imports,
        handlers,
        well_known: !well_known.is_empty(),
    }
}

/// The `tsc` to build the testee with: `$FLYTEPLUG_TSC`; else the first
/// `node_modules/.bin/tsc` (or `tools/node_modules/.bin/tsc`) walking up from the manifest
/// folder, then from the output root; else `tsc` on `PATH`.
fn find_tsc(manifest_root: &Path, output_root: &Path) -> Result<PathBuf> {
    if let Some(v) = std::env::var_os(TSC_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(v));
    }
    for start in [manifest_root, output_root] {
        for dir in start.ancestors() {
            for candidate in [
                dir.join("node_modules/.bin/tsc"),
                dir.join("tools/node_modules/.bin/tsc"),
            ] {
                if candidate.is_file() {
                    return Ok(candidate);
                }
            }
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("tsc");
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(Error::msg(format!(
        "the TypeScript compiler `tsc` was not found (looked at ${TSC_ENV}, node_modules/.bin/tsc above `{}` and \
         `{}`, and PATH); install it with `npm install --save-dev typescript` in `{}` (or `npm install -g \
         typescript`), or set {TSC_ENV} to a tsc executable",
        manifest_root.display(),
        output_root.display(),
        manifest_root.display()
    )))
}
