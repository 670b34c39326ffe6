//! `flyteplug new`, end to end through the binary, in temporary folders.
//!
//! For every backend kind: `new` in an empty folder gives a project whose `check` is clean;
//! `new` again refuses (exit 2) and changes no byte; a scaffold file edited by hand survives
//! `generate`; a second plugin appended to the project keeps the manifest's comments and layout;
//! invalid names and taken names, task types and `.proto` files are refused without writing.
//!
//! Building and testing the four generated targets of each new project (the lint scripts
//! `scripts/lint-{python,go,typescript,rust}.sh` and `flyteplug conformance`) takes minutes, so
//! it runs only when `FLYTEPLUG_FULL_NEW_TEST=1` (the test command, scripts/test.sh, sets it,
//! with the tools on PATH and `TSC`/`FLYTEPLUG_TSC` pointing at the TypeScript compiler).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use common::{flyteplug, repo, text};

const BACKENDS: [&str; 4] = ["k8s", "webapi-async", "webapi-sync", "core"];

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}",
        out.status.code(),
        text(out)
    );
}

fn assert_refused(out: &Output, what: &str, needle: &str) {
    assert_eq!(out.status.code(), Some(2), "{what}:\n{}", text(out));
    let t = text(out);
    assert!(t.contains(needle), "{what}: expected `{needle}` in:\n{t}");
    assert!(t.contains("Nothing was changed."), "{what}:\n{t}");
}

/// The paths of `generated/` that the lock does not list: the scaffold files.
fn scaffold_files(generated: &Path) -> Vec<String> {
    let lock = std::fs::read_to_string(generated.join("flyteplug.lock")).unwrap();
    let locked: Vec<&str> = lock
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once("  ").map(|(_, p)| p))
        .collect();
    common::files(generated)
        .into_iter()
        .filter(|p| p != "flyteplug.lock" && !locked.contains(&p.as_str()))
        .collect()
}

// One test per backend kind, so that the slow full mode runs them in parallel.
#[test]
fn new_k8s_in_an_empty_folder() {
    new_in_an_empty_folder("k8s");
}

#[test]
fn new_webapi_async_in_an_empty_folder() {
    new_in_an_empty_folder("webapi-async");
}

#[test]
fn new_webapi_sync_in_an_empty_folder() {
    new_in_an_empty_folder("webapi-sync");
}

#[test]
fn new_core_in_an_empty_folder() {
    new_in_an_empty_folder("core");
}

fn new_in_an_empty_folder(backend: &str) {
    assert!(BACKENDS.contains(&backend));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let name = format!("demo-{}", backend.replace('-', ""));
    let out = flyteplug(dir, &["new", &name, "--backend", backend]);
    assert_ok(&out, &format!("new {name} --backend {backend}"));
    let snake = name.replace('-', "_");
    let proto_rel = format!("idl/{snake}/v1/{snake}.proto");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("created flyteplug.toml"), "{stdout}");
    assert!(stdout.contains(&proto_rel), "{stdout}");

    // The manifest and the starter .proto.
    let manifest = std::fs::read_to_string(dir.join("flyteplug.toml")).unwrap();
    for line in [
        "include = [\"idl\"]".to_string(),
        "dir = \"generated\"".to_string(),
        "targets = [\"python\", \"go\", \"typescript\", \"rust\"]".to_string(),
        "[[plugin]]".to_string(),
        format!("name = \"{name}\""),
        format!("proto = \"{snake}/v1/{snake}.proto\""),
        format!("message = \"{snake}.v1.{}Config\"", pascal(&snake)),
        format!("task_type = \"{snake}\""),
        "task_type_version = 0".to_string(),
        format!("backend = \"{backend}\""),
    ] {
        assert!(manifest.contains(&line), "{line} not in:\n{manifest}");
    }
    let proto = std::fs::read_to_string(dir.join(&proto_rel)).unwrap();
    assert!(proto.contains(&format!("package {snake}.v1;")), "{proto}");
    for teaches in [
        "enum ",
        "optional ",
        "map<",
        "json_name",
        "deprecated = true",
        "google.protobuf.Struct",
        "2^53",
    ] {
        assert!(
            proto.contains(teaches),
            "the starter does not show `{teaches}`"
        );
    }

    // Generated for every target, and `check` is clean.
    for target in ["python", "go", "typescript", "rust"] {
        assert!(
            dir.join("generated").join(target).is_dir(),
            "no generated/{target}"
        );
    }
    assert!(
        dir.join("generated/go")
            .join(&name)
            .join("task.go")
            .is_file()
    );
    let check = flyteplug(dir, &["check"]);
    assert_ok(&check, &format!("check after new ({backend})"));

    // Running `new` again refuses and changes nothing.
    let before = snapshot(dir);
    let again = flyteplug(dir, &["new", &name, "--backend", backend]);
    assert_refused(&again, "new twice", "already exists");
    assert_eq!(snapshot(dir), before, "`new` twice changed files");

    // A scaffold file edited by hand survives `generate`, and `check` stays clean.
    let scaffolds = scaffold_files(&dir.join("generated"));
    assert!(!scaffolds.is_empty(), "no scaffold files for {backend}");
    for rel in &scaffolds {
        let path = dir.join("generated").join(rel);
        // A comment line on top: every formatter leaves it where it is.
        let mark = if rel.ends_with(".py") || rel.ends_with(".toml") {
            "# edited by the author\n"
        } else {
            "// edited by the author\n"
        };
        let mut edited = mark.as_bytes().to_vec();
        edited.extend_from_slice(&std::fs::read(&path).unwrap());
        std::fs::write(&path, &edited).unwrap();
        let regen = flyteplug(dir, &["generate"]);
        assert_ok(&regen, "generate after editing a scaffold file");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            edited,
            "{rel} was overwritten"
        );
    }
    assert_ok(&flyteplug(dir, &["check"]), "check after editing scaffolds");

    if full() {
        build_and_test_all_targets(dir);
    }
}

#[test]
fn second_plugin_keeps_the_manifest_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert_ok(
        &flyteplug(dir, &["new", "first", "--backend", "k8s"]),
        "new first",
    );
    // The author adds comments and a blank-line layout of their own.
    let path = dir.join("flyteplug.toml");
    let mut manifest = std::fs::read_to_string(&path).unwrap();
    manifest = manifest.replace(
        "[[plugin]]\nname = \"first\"",
        "# Our first plugin; keep this comment.\n[[plugin]]\nname = \"first\"  # trailing note",
    );
    manifest.push_str("# The end of the author's text.\n");
    std::fs::write(&path, &manifest).unwrap();
    assert_ok(&flyteplug(dir, &["generate"]), "generate after editing");

    let out = flyteplug(
        dir,
        &[
            "new",
            "second",
            "--backend",
            "webapi-sync",
            "--message",
            "acme.second.v2.SecondJob",
            "--task-type",
            "second-task",
        ],
    );
    assert_ok(&out, "new second");
    assert!(text(&out).contains("appended"), "{}", text(&out));
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.starts_with(&manifest),
        "the manifest's text was not kept:\n{after}"
    );
    let added = &after[manifest.len()..];
    assert!(
        added.starts_with("\n[[plugin]]\nname = \"second\"\n"),
        "{added}"
    );
    assert!(
        added.contains("proto = \"acme/second/v2/second.proto\""),
        "{added}"
    );
    assert!(
        added.contains("message = \"acme.second.v2.SecondJob\""),
        "{added}"
    );
    assert!(added.contains("task_type = \"second-task\""), "{added}");
    let proto = std::fs::read_to_string(dir.join("idl/acme/second/v2/second.proto")).unwrap();
    assert!(proto.contains("package acme.second.v2;"), "{proto}");
    assert!(proto.contains("message SecondJob {"), "{proto}");
    assert!(dir.join("generated/go/first").is_dir());
    assert!(dir.join("generated/go/second").is_dir());
    assert_ok(&flyteplug(dir, &["check"]), "check with two plugins");

    // Taken: the plugin name, the task type and version, the .proto, the message.
    let before = snapshot(dir);
    let cases: [(&[&str], &str); 3] = [
        (
            &["new", "first", "--backend", "core"],
            "a plugin named `first`",
        ),
        (
            &[
                "new",
                "third",
                "--backend",
                "core",
                "--task-type",
                "second-task",
            ],
            "task type `second-task` version 0 is already served by plugin `second`",
        ),
        (
            &[
                "new",
                "second-two",
                "--backend",
                "core",
                "--message",
                "acme.second.v2.SecondJob",
            ],
            "`acme.second.v2.SecondJob` is already defined",
        ),
    ];
    for (args, needle) in cases {
        let out = flyteplug(dir, args);
        assert_refused(&out, &args.join(" "), needle);
        assert_eq!(snapshot(dir), before, "{} changed files", args.join(" "));
    }

    // The same task type with another version, in the package of another plugin: added.
    let out = flyteplug(
        dir,
        &[
            "new",
            "third",
            "--backend",
            "core",
            "--task-type",
            "second-task",
            "--task-type-version",
            "1",
            "--message",
            "first.v1.Other",
        ],
    );
    assert_ok(&out, "new third");
    assert!(dir.join("idl/first/v1/third.proto").is_file());
    assert_ok(&flyteplug(dir, &["check"]), "check with three plugins");

    // An existing .proto is never overwritten, even without a manifest entry.
    let orphan = dir.join("idl/orphan/v1/orphan.proto");
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, "// mine\n").unwrap();
    let before = snapshot(dir);
    let out = flyteplug(dir, &["new", "orphan", "--backend", "core"]);
    assert_refused(&out, "new orphan", "orphan.proto` already exists");
    assert_eq!(snapshot(dir), before);
}

#[test]
fn invalid_names_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cases: &[(&[&str], &str)] = &[
        (
            &["new", "Spark", "--backend", "k8s"],
            "not a valid plugin name",
        ),
        (
            &["new", "my_plugin", "--backend", "k8s"],
            "not a valid plugin name",
        ),
        (
            &["new", "../up", "--backend", "k8s"],
            "not a valid plugin name",
        ),
        (
            &["new", "a--b", "--backend", "k8s"],
            "not a valid plugin name",
        ),
        (&["new", "-x", "--backend", "k8s"], ""),
        (
            &["new", "9lives", "--backend", "k8s"],
            "not a valid plugin name",
        ),
        (&["new", "testee", "--backend", "k8s"], "is reserved"),
        (&["new", "vectors", "--backend", "k8s"], "is reserved"),
        (
            &["new", "import", "--backend", "k8s"],
            "is a Python keyword",
        ),
        (
            &["new", "ok", "--backend", "k8s", "--task-type", "Spark"],
            "not a valid task type",
        ),
        (
            &["new", "ok", "--backend", "k8s", "--task-type", "a b"],
            "not a valid task type",
        ),
        (
            &["new", "ok", "--backend", "k8s", "--message", "acme..Job"],
            "not a valid message name",
        ),
        (
            &["new", "ok", "--backend", "k8s", "--message", "acme/x.Job"],
            "not a valid message name",
        ),
        (
            &[
                "new",
                "ok",
                "--backend",
                "k8s",
                "--message",
                "google.protobuf.Job",
            ],
            "well-known types",
        ),
        (
            &["new", "ok", "--backend", "lambda"],
            "unknown backend `lambda`",
        ),
        (&["new", "ok"], "--backend"),
    ];
    for (args, needle) in cases {
        let out = flyteplug(dir, args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}:\n{}",
            args.join(" "),
            text(&out)
        );
        assert!(
            text(&out).contains(needle),
            "{}: expected `{needle}` in:\n{}",
            args.join(" "),
            text(&out)
        );
        assert!(
            common::files(dir).is_empty(),
            "{} wrote {:?}",
            args.join(" "),
            common::files(dir)
        );
    }
}

#[test]
fn a_refused_generate_rolls_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A file flyteplug did not generate, where the new plugin's go.mod would go.
    let blocker = dir.join("generated/go/blocked/go.mod");
    std::fs::create_dir_all(blocker.parent().unwrap()).unwrap();
    std::fs::write(&blocker, "module mine\n").unwrap();
    let before = snapshot(dir);
    let out = flyteplug(dir, &["new", "blocked", "--backend", "core"]);
    assert_refused(&out, "new blocked", "refusing to overwrite");
    assert_eq!(snapshot(dir), before);
    assert!(!dir.join("flyteplug.toml").exists());
    assert!(!dir.join("idl").exists(), "the idl folder was left behind");
}

#[test]
fn config_flag_names_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("plugins");
    std::fs::create_dir(&project).unwrap();
    let manifest = project.join("flyteplug.toml");
    let out = flyteplug(
        tmp.path(),
        &[
            "--config",
            manifest.to_str().unwrap(),
            "new",
            "tiny",
            "--backend",
            "core",
            "--task-type-version",
            "3",
        ],
    );
    assert_ok(&out, "new with --config");
    assert!(project.join("idl/tiny/v1/tiny.proto").is_file());
    assert!(project.join("generated/go/tiny/task.go").is_file());
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("task_type_version = 3"), "{text}");
    assert_ok(
        &flyteplug(
            tmp.path(),
            &["--config", manifest.to_str().unwrap(), "check"],
        ),
        "check with --config",
    );
    // Nothing was written beside the project folder.
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "{:?}",
        common::files(tmp.path())
    );
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn full() -> bool {
    std::env::var("FLYTEPLUG_FULL_NEW_TEST").is_ok_and(|v| v == "1")
}

/// The slow part: each language's own tools on the new project's generated code, then every
/// target's testee on the generated conformance vectors.
fn build_and_test_all_targets(dir: &Path) {
    let generated = dir.join("generated");
    for lang in ["python", "go", "typescript", "rust"] {
        let script = repo().join("scripts").join(format!("lint-{lang}.sh"));
        let out = Command::new("bash")
            .arg(&script)
            .arg(&generated)
            .current_dir(dir)
            .output()
            .unwrap();
        assert_ok(
            &out,
            &format!("scripts/lint-{lang}.sh {}", generated.display()),
        );
    }
    let out = flyteplug(dir, &["conformance"]);
    assert_ok(&out, "conformance on the new project");
}

#[test]
fn task_type_names_avoid_the_config_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = flyteplug(
        dir,
        &[
            "new",
            "collide",
            "--backend",
            "k8s",
            "--message",
            "CollideTask",
        ],
    );
    assert_ok(&out, "new collide");
    let go = std::fs::read_to_string(dir.join("generated/go/collide/task.go")).unwrap();
    assert!(go.contains("\ntype CollideTaskType struct {"), "{go}");
    let models = std::fs::read_to_string(dir.join("generated/go/collide/models.go")).unwrap();
    assert!(models.contains("\ntype CollideTask struct {"), "{models}");
    let ts = std::fs::read_to_string(dir.join("generated/typescript/collide/src/task.ts")).unwrap();
    assert!(ts.contains("\nexport class CollideTaskType {"), "{ts}");
    assert!(ts.contains("config: CollideTask;"), "{ts}");
    if full() {
        for lang in ["go", "typescript"] {
            let script = repo().join("scripts").join(format!("lint-{lang}.sh"));
            let out = Command::new("bash")
                .arg(&script)
                .arg(dir.join("generated"))
                .output()
                .unwrap();
            assert_ok(&out, &format!("scripts/lint-{lang}.sh"));
        }
    }
}
