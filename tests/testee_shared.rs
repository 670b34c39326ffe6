//! The testees when a message is reachable from several plugins (DESIGN §6: one testee per
//! target serves every message of every plugin; a message reachable from several plugins is
//! served by one of them, the first in manifest order).
//!
//! Projects in temporary folders: two plugins with the same custom message (as a task type at
//! two versions), a plugin whose custom message is a field of an earlier plugin's message (so
//! all its messages are served through the earlier plugin), and the same in the other order.
//! For each, the generated testee of every target must serve every message named by the
//! conformance vectors, and hold no import or function it does not use (`tsc` with
//! `noUnusedLocals`, `clippy -D warnings`, `go vet` and ruff reject those).
//!
//! With `FLYTEPLUG_TSC` set (the test command sets it), `flyteplug conformance --target
//! typescript` also builds the TypeScript testee with `tsc` and runs the vectors through it.
//! With `FLYTEPLUG_FULL_NEW_TEST=1` (the test command sets it too; it is slow), `cargo clippy
//! -D warnings` also lints the Rust testee crate.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{flyteplug, text};

const PROTO: &str = r#"syntax = "proto3";
package shared.v1;

// The custom message of plugins `xp` and `job-a`/`job-b`.
message Cfg {
  Inner inner = 1;
  string name = 2;
}

// The custom message of plugin `inner`, also a field of `Cfg`.
message Inner {
  int32 count = 1;
}

// The custom message of plugin `other`, reaching `Inner` too.
message Other {
  Inner inner = 1;
  bool on = 2;
}
"#;

/// `(name, message, task_type_version)` of each plugin, in manifest order.
type Plugins<'a> = &'a [(&'a str, &'a str, u32)];

fn project(plugins: Plugins<'_>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = String::from(
        "[idl]\ninclude = [\"idl\"]\n\n[output]\ndir = \"generated\"\n\
         targets = [\"python\", \"go\", \"typescript\", \"rust\"]\n",
    );
    for (name, message, version) in plugins {
        manifest.push_str(&format!(
            "\n[[plugin]]\nname = \"{name}\"\nproto = \"shared/v1/shared.proto\"\n\
             message = \"shared.v1.{message}\"\ntask_type = \"shared_{task}\"\n\
             task_type_version = {version}\nbackend = \"core\"\n",
            task = message.to_lowercase(),
        ));
    }
    std::fs::write(dir.path().join("flyteplug.toml"), manifest).unwrap();
    std::fs::create_dir_all(dir.path().join("idl/shared/v1")).unwrap();
    std::fs::write(dir.path().join("idl/shared/v1/shared.proto"), PROTO).unwrap();
    let out = flyteplug(dir.path(), &["--quiet", "generate"]);
    assert!(out.status.success(), "generate: {}", text(&out));
    dir
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join("generated").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every message name the conformance vectors of every plugin use (each case's `"message"`
/// line: serde_json refuses the deeply nested inputs of some cases).
fn vector_messages(dir: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(dir.join("generated/vectors")).unwrap() {
        let vectors = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in vectors.lines() {
            if let Some(rest) = line.strip_prefix("      \"message\": ") {
                let name: String = serde_json::from_str(rest.trim_end_matches(',')).unwrap();
                names.insert(name);
            }
        }
    }
    assert!(names.len() >= 2, "no cases found");
    names
}

/// The words that follow `prefix` up to `end` on lines starting (after indentation) with it.
fn declared(source: &str, prefix: &str, end: char) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix(prefix))
        .map(|rest| rest.split(end).next().unwrap().to_string())
        .collect()
}

/// `name` occurs in `source` more often than it is declared (`declarations` times).
fn used(source: &str, name: &str, declarations: usize) -> bool {
    source.matches(name).count() > declarations
}

fn check_testees(dir: &Path, what: &str) {
    let messages = vector_messages(dir);

    let ts = read(dir, "typescript/testee/src/testee.ts");
    for alias in declared(&ts, "import * as ", ' ') {
        assert!(
            used(&ts, &format!("{alias}."), 0),
            "{what}: testee.ts imports {alias} without using it:\n{ts}"
        );
    }
    let rs = read(dir, "rust/testee/src/main.rs");
    for function in declared(&rs, "fn run_", '<') {
        assert!(
            used(&rs, &format!("run_{function}::<"), 0),
            "{what}: the Rust testee never calls run_{function}:\n{rs}"
        );
    }
    let go = read(dir, "go/testee/main.go");
    let block = go
        .split("import (")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    for line in block.lines().filter(|l| l.trim_end().ends_with('"')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [alias, _path] = words[..] {
            assert!(
                used(&go, &format!("{alias}."), 0),
                "{what}: main.go imports {alias} without using it:\n{go}"
            );
        }
    }
    let py = read(dir, "python/testee.py");
    for module in declared(&py, "import flytekitplugins.", '\n') {
        assert!(
            used(&py, &format!("flytekitplugins.{module}."), 0),
            "{what}: testee.py imports flytekitplugins.{module} without using it:\n{py}"
        );
    }

    for name in &messages {
        let quoted = format!("{name:?}");
        assert!(
            ts.contains(&format!("{quoted},")),
            "{what}: testee.ts does not serve {name}"
        );
        assert!(
            rs.contains(&format!("{quoted} =>")),
            "{what}: the Rust testee does not serve {name}"
        );
        assert!(
            go.contains(&format!("case {quoted}:")),
            "{what}: the Go testee does not serve {name}"
        );
        assert!(
            py.contains(&format!("{quoted}: ")),
            "{what}: the Python testee does not serve {name}"
        );
    }

    if std::env::var_os("FLYTEPLUG_TSC").is_some() {
        let out = flyteplug(dir, &["conformance", "--target", "typescript"]);
        assert!(
            out.status.success(),
            "{what}: conformance --target typescript:\n{}",
            text(&out)
        );
    }
    if std::env::var("FLYTEPLUG_FULL_NEW_TEST").is_ok_and(|v| v == "1") {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let out = Command::new(cargo)
            .args(["clippy", "--quiet", "--manifest-path"])
            .arg(dir.join("generated/rust/Cargo.toml"))
            .args(["-p", "flyteplug-testee", "--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{what}: clippy on the Rust testee:\n{}",
            text(&out)
        );
    }
}

#[test]
fn one_message_as_two_plugins() {
    let dir = project(&[("job-a", "Cfg", 0), ("job-b", "Cfg", 1)]);
    check_testees(dir.path(), "job-a and job-b (same message)");
}

#[test]
fn a_plugin_message_reached_from_an_earlier_plugin() {
    // `inner` is served entirely through `xp`; `other` still serves `Other`.
    let dir = project(&[
        ("xp", "Cfg", 0),
        ("inner", "Inner", 0),
        ("other", "Other", 0),
    ]);
    check_testees(dir.path(), "xp, inner, other");
}

#[test]
fn a_plugin_message_reached_from_a_later_plugin() {
    let dir = project(&[("inner", "Inner", 0), ("xp", "Cfg", 0)]);
    check_testees(dir.path(), "inner, xp");
}
