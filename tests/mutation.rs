//! Mutation check for `flyteplug conformance`: a deliberately broken encoder makes it exit 1 and
//! name the failing cases.
//!
//! The break is made the way a user could make it, so that `conformance` (which refuses to run
//! on hand-edited output) accepts the project: a template override folder (`output.templates`)
//! replaces a built-in template with a broken copy, and `flyteplug generate` writes the broken
//! encoder. The vectors come from the IR, not from the templates, so they stay right.
//!
//! - Python: the runtime's `es_number` appends `.0` to integral doubles (`2` prints `2.0`).
//! - Go (when `go` is on PATH): the generated encoder drops the first field of every message
//!   (`Scalars.f_double`, field 1 of acme.kitchen.v1.Scalars).
//!
//! First the unbroken project must pass (exit 0), so that the exit 1 afterwards is the break's.
//! Which cases must fail is computed from the vectors' expected strings, not from case names.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flyteplug::conformance::Expect;

/// `body = digits + "0" * (point - count)`: the integral branch of the Python `es_number`.
const PY_TEMPLATE: &str = "python/_json.py";
const PY_ANCHOR: &str = "body = digits + \"0\" * (point - count)\n";
const PY_BROKEN: &str = "body = digits + \"0\" * (point - count) + \".0\"\n";

const GO_TEMPLATE: &str = "go/codec.go";
const GO_ANCHOR: &str =
    "{{#each fields}}\n\tif {{enc_cond}} {\n\t\tout[{{json_key}}] = {{enc_expr}}\n\t}\n{{/each}}";
const GO_BROKEN: &str = "{{#each fields}}{{#unless @first}}\n\tif {{enc_cond}} {\n\t\tout[{{json_key}}] = {{enc_expr}}\n\t}\n{{/unless}}{{/each}}";

fn python() -> PathBuf {
    let venv = common::repo().join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

fn go_available() -> bool {
    Command::new("go")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flyteplug"))
        .args(args)
        .current_dir(dir)
        .env("FLYTEPLUG_PYTHON", python())
        // Testee build products stay in this project (never a cache shared with other runs).
        .env_remove("FLYTEPLUG_CACHE_DIR")
        .output()
        .expect("flyteplug runs")
}

/// The manifest of the temporary project: only `targets`, plus `output.templates` when set.
fn write_manifest(dir: &Path, targets: &[&str], templates: Option<&str>) {
    let text = std::fs::read_to_string(common::repo().join("flyteplug.toml")).unwrap();
    let list: Vec<String> = targets.iter().map(|t| format!("\"{t}\"")).collect();
    let mut out = String::new();
    let mut replaced = false;
    for line in text.lines() {
        if line.starts_with("targets = ") {
            out.push_str(&format!("targets = [{}]\n", list.join(", ")));
            if let Some(t) = templates {
                out.push_str(&format!("templates = \"{t}\"\n"));
            }
            replaced = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(
        replaced,
        "flyteplug.toml has no `targets = ` line to replace"
    );
    std::fs::write(dir.join("flyteplug.toml"), out).unwrap();
}

/// Writes a broken copy of a built-in template into `dir/house/`.
fn break_template(dir: &Path, name: &str, anchor: &str, broken: &str) {
    let (_, text) = flyteplug::render::Renderer::builtin()
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no built-in template {name}"));
    assert_eq!(
        text.matches(anchor).count(),
        1,
        "template {name} no longer holds the line this test breaks:\n{anchor}"
    );
    let path = dir.join("house").join(format!("{name}.hbs"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text.replacen(anchor, broken, 1)).unwrap();
}

/// (name, message, canonical) of every positive case in the project's vectors.
fn positive_cases(dir: &Path) -> Vec<(String, String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("generated/vectors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        for case in flyteplug::conformance::read_vectors(&file).unwrap() {
            if let Expect::Canonical(canonical) = case.expect {
                out.push((case.name, case.message, canonical));
            }
        }
    }
    out
}

/// The case names the report lists under `<target>: N mismatch(es)`.
fn mismatches(report: &str, target: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut inside = false;
    let head = format!("{target}: ");
    for line in report.lines() {
        if let Some(rest) = line.strip_prefix(&head) {
            inside = rest.contains(" mismatch");
            continue;
        }
        if !line.starts_with(' ') {
            inside = false;
            continue;
        }
        // "  <case> [<message>]" (then "    input: ..." lines).
        if inside && line.starts_with("  ") && !line.starts_with("   ") {
            if let Some((name, _)) = line.trim_start().split_once(" [") {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// JSON keys of double fields in the example specs (acme.kitchen.v1 Scalars, Optionals,
/// Repeats, WellKnown's DoubleValue).
const DOUBLE_KEYS: [&str; 4] = [
    "\"fDouble\":",
    "\"oDouble\":",
    "\"rDouble\":",
    "\"wDouble\":",
];

/// Does a canonical string give a double field an integral, non-zero value (printed without a
/// point or exponent, like `2`), which the broken Python encoder prints as `2.0`?
fn has_integral_double(canonical: &str) -> bool {
    let integral = |t: &str| {
        let d = t.strip_prefix('-').unwrap_or(t);
        !d.is_empty() && d != "0" && d.bytes().all(|b| b.is_ascii_digit())
    };
    DOUBLE_KEYS.iter().any(|key| {
        canonical.match_indices(key).any(|(i, _)| {
            let rest = &canonical[i + key.len()..];
            if let Some(list) = rest.strip_prefix('[') {
                let list = &list[..list.find(']').unwrap_or(list.len())];
                list.split(',').any(integral)
            } else {
                integral(&rest[..rest.find([',', '}']).unwrap_or(rest.len())])
            }
        })
    })
}

/// Removes `.0` before `,`, `]` or `}`: undoes the Python break (canonical numbers never end
/// in `.0`).
fn strip_point_zero(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(".0") {
        let after = rest[i + 2..].chars().next();
        out.push_str(&rest[..i]);
        if !matches!(after, Some(',' | ']' | '}')) {
            out.push_str(".0");
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// The `actual:` line of a case's mismatch block in the report.
fn actual_of<'a>(report: &'a str, case: &str) -> Option<&'a str> {
    let head = format!("  {case} [");
    let mut lines = report.lines().skip_while(|l| !l.starts_with(&head)).skip(1);
    lines.find_map(|l| l.trim_start().strip_prefix("actual:"))
}

#[test]
fn a_broken_encoder_fails_conformance_and_names_the_cases() {
    let go = go_available();
    if !go {
        eprintln!("note: `go` is not on PATH; only the Python mutation runs");
    }
    let targets: Vec<&str> = if go {
        vec!["python", "go"]
    } else {
        vec!["python"]
    };
    let project = common::temp_project(false);
    let dir = project.path();

    // The unbroken encoders pass.
    write_manifest(dir, &targets, None);
    let out = run(dir, &["generate", "-q"]);
    assert!(out.status.success(), "generate:\n{}", common::text(&out));
    let out = run(dir, &["conformance"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "conformance must pass before the break:\n{}",
        common::text(&out)
    );

    // Break them through a template override and regenerate: no drift, so conformance runs.
    break_template(dir, PY_TEMPLATE, PY_ANCHOR, PY_BROKEN);
    if go {
        break_template(dir, GO_TEMPLATE, GO_ANCHOR, GO_BROKEN);
    }
    write_manifest(dir, &targets, Some("house"));
    let out = run(dir, &["generate", "-q"]);
    assert!(out.status.success(), "generate:\n{}", common::text(&out));
    let check = run(dir, &["check"]);
    assert!(check.status.success(), "check:\n{}", common::text(&check));

    let out = run(dir, &["conformance"]);
    let report = common::text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a broken encoder must make conformance exit 1 (a mismatch, not a testee failure):\n{report}"
    );
    let cases = positive_cases(dir);

    let py_failed = mismatches(&report, "python");
    let py_expected: BTreeSet<String> = cases
        .iter()
        .filter(|(_, _, c)| has_integral_double(c))
        .map(|(n, _, _)| n.clone())
        .collect();
    assert!(
        !py_expected.is_empty(),
        "the vectors have no positive case with an integral double"
    );
    let missing: Vec<&String> = py_expected.difference(&py_failed).collect();
    assert!(
        missing.is_empty(),
        "python: cases expecting an integral double are not named as failing: {missing:?}\n{report}"
    );
    // The report shows what the broken encoder printed: the expected string with `.0`s.
    for name in &py_expected {
        let (_, _, want) = cases.iter().find(|(n, _, _)| n == name).unwrap();
        let actual = actual_of(&report, name)
            .unwrap_or_else(|| panic!("no `actual:` line for {name}:\n{report}"));
        let printed = actual.trim().strip_prefix("canonical ").unwrap_or("");
        assert!(
            printed != want && strip_point_zero(printed) == *want,
            "python: {name}: expected {want} with `.0`s, the report shows {actual}"
        );
    }

    if go {
        let go_failed = mismatches(&report, "go");
        let go_expected: BTreeSet<String> = cases
            .iter()
            .filter(|(_, m, c)| m == "acme.kitchen.v1.Scalars" && c.contains("\"fDouble\":"))
            .map(|(n, _, _)| n.clone())
            .collect();
        assert!(!go_expected.is_empty());
        let missing: Vec<&String> = go_expected.difference(&go_failed).collect();
        assert!(
            missing.is_empty(),
            "go: cases expecting fDouble are not named as failing: {missing:?}\n{report}"
        );
        // Each target's section lists its own failures: a non-integral fDouble (0.1) fails
        // in Go only.
        assert!(
            !py_failed.is_superset(&go_failed),
            "go's failures are all python's too: are the report's sections mixed up?\n{report}"
        );
    }
}
