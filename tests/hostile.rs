//! Hostile input: a clear error or safe output, never a panic, never a write outside the
//! project (issue 6). Symlinked output folders, an output folder at the IDL, a read-only or
//! uncreatable output folder are covered in tests/output.rs and tests/errors.rs; this file
//! covers comment text that tries to break out of every language's comments and strings,
//! an output folder at `/`, a 10 MB `.proto`, a 1,000-file import graph and non-UTF-8 bytes.
//!
//! With `FLYTEPLUG_FULL_NEW_TEST=1` (set by the test command) the generated code of the
//! hostile-comment spec is also built, linted and tested in all four languages.

mod common;

use std::path::Path;
use std::process::Command;

use common::{files, flyteplug, repo, text};

fn manifest(proto: &str, message: &str, dir: &str) -> String {
    format!(
        r#"[idl]
include = ["idl"]

[output]
dir = "{dir}"
targets = ["python", "go", "typescript", "rust"]

[[plugin]]
name = "hostile"
proto = "{proto}"
message = "{message}"
task_type = "hostile"
task_type_version = 0
backend = "webapi-async"
"#
    )
}

/// A project with `files` under idl/ and a manifest for `proto`/`message`.
fn project(files: &[(&str, Vec<u8>)], proto: &str, message: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let p = dir.path().join("idl").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    std::fs::write(
        dir.path().join("flyteplug.toml"),
        manifest(proto, message, "generated"),
    )
    .unwrap();
    dir
}

/// Comment text aimed at every generated language's comment and string syntax.
const HOSTILE: &[&str] = &[
    "*/ panic!(\"escaped\"); /*",
    "\"\"\" import os; os.system('x') \"\"\"",
    "''' triple single '''",
    "` backtick ${template} `",
    "#[doc = \"\"] #![deny(warnings)]",
    "</script><!-- --> -->",
    "line\u{2028}separator\u{2029}paragraph",
    "back\\slash \\\" \\n \\u0000",
    "// nested // comment */ /* again",
    "@deprecated {@link x} @param y",
    "EVIL_MARKER",
];

fn hostile_proto() -> String {
    let doc = |indent: &str| {
        HOSTILE
            .iter()
            .map(|l| format!("{indent}// {l}\n"))
            .collect::<String>()
    };
    format!(
        "syntax = \"proto3\";\n\npackage hostile.v1;\n\n{}enum Mode {{\n{}  MODE_UNSPECIFIED = 0;\n{}  MODE_FAST = 1;\n}}\n\n{}message Hostile {{\n{}  string name = 1;\n{}  Mode mode = 2;\n{}  map<string, string> labels = 3;\n  /* {} */\n  int64 count = 4;\n}}\n",
        doc(""),
        doc("  "),
        doc("  "),
        doc(""),
        doc("  "),
        doc("  "),
        doc("  "),
        "block *\\/ comment",
    )
}

#[test]
fn comments_cannot_break_out_of_any_language() {
    let dir = project(
        &[("hostile/v1/hostile.proto", hostile_proto().into_bytes())],
        "hostile/v1/hostile.proto",
        "hostile.v1.Hostile",
    );
    let out = flyteplug(dir.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out));
    let generated = dir.path().join("generated");
    // The doc text survives, as text, in every language's models.
    for model in [
        "python/flytekitplugins-hostile/flytekitplugins/hostile/models.py",
        "go/hostile/models.go",
        "typescript/hostile/src/models.ts",
        "rust/hostile/src/flyteplugins_hostile.rs",
    ] {
        let body = std::fs::read_to_string(generated.join(model)).unwrap();
        assert!(body.contains("EVIL_MARKER"), "{model} lost the doc text");
    }
    if std::env::var("FLYTEPLUG_FULL_NEW_TEST").is_ok_and(|v| v == "1") {
        // Inert means: every language still parses, lints, builds and passes its tests.
        for lang in ["python", "go", "typescript", "rust"] {
            let script = repo().join("scripts").join(format!("lint-{lang}.sh"));
            let out = Command::new("bash")
                .arg(&script)
                .arg(&generated)
                .output()
                .unwrap();
            assert!(out.status.success(), "lint-{lang}: {}", text(&out));
        }
    }
}

#[test]
fn output_at_the_filesystem_root_is_refused() {
    let dir = project(
        &[(
            "demo/v1/demo.proto",
            b"syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {}\n".to_vec(),
        )],
        "demo/v1/demo.proto",
        "demo.v1.Demo",
    );
    std::fs::write(
        dir.path().join("flyteplug.toml"),
        manifest("demo/v1/demo.proto", "demo.v1.Demo", "/"),
    )
    .unwrap();
    for cmd in ["generate", "check"] {
        let out = flyteplug(dir.path(), &[cmd]);
        let report = text(&out);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {report}");
        assert!(report.contains("flyteplug.toml:5:"), "{report}");
        assert!(!report.contains("panicked"), "{report}");
    }
}

#[test]
fn a_ten_megabyte_proto_file_generates() {
    // A 10 MB file: a long detached comment, then a real message.
    let mut text_bytes = String::from("syntax = \"proto3\";\n\n");
    let line = "// padding padding padding padding padding padding padding padding padding\n";
    while text_bytes.len() < 10 * 1024 * 1024 {
        text_bytes.push_str(line);
    }
    text_bytes.push_str(
        "\npackage big.v1;\n\n// A message after 10 MB.\nmessage Big {\n  string name = 1;\n}\n",
    );
    let dir = project(
        &[("big/v1/big.proto", text_bytes.into_bytes())],
        "big/v1/big.proto",
        "big.v1.Big",
    );
    let out = flyteplug(dir.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        files(&dir.path().join("generated")).contains(
            &"python/flytekitplugins-hostile/flytekitplugins/hostile/models.py".to_string()
        )
    );
}

#[test]
fn a_thousand_file_import_graph_generates() {
    // f0 ← f1 ← ... ← f999: each file imports the one before and its message holds the one
    // before, so the custom message M999 reaches all 1,000.
    let mut protos: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..1000 {
        let import = if i == 0 {
            String::new()
        } else {
            format!("import \"graph/v1/f{}.proto\";\n", i - 1)
        };
        let field = if i == 0 {
            "  int32 n = 1;\n".to_string()
        } else {
            format!("  M{} previous = 1;\n", i - 1)
        };
        protos.push((
            format!("graph/v1/f{i}.proto"),
            format!(
                "syntax = \"proto3\";\npackage graph.v1;\n{import}\nmessage M{i} {{\n{field}}}\n"
            )
            .into_bytes(),
        ));
    }
    let refs: Vec<(&str, Vec<u8>)> = protos
        .iter()
        .map(|(p, b)| (p.as_str(), b.clone()))
        .collect();
    let dir = project(&refs, "graph/v1/f999.proto", "graph.v1.M999");
    let out = flyteplug(dir.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out));
    let models = std::fs::read_to_string(
        dir.path()
            .join("generated/python/flytekitplugins-hostile/flytekitplugins/hostile/models.py"),
    )
    .unwrap();
    for name in ["class M999", "class M0", "class M500", "class M998"] {
        assert!(models.contains(name), "{name} missing");
    }
}

#[test]
fn non_utf8_bytes_are_a_located_error() {
    let mut bytes = b"syntax = \"proto3\";\npackage bad.v1;\n// caf".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28, 0xFF]);
    bytes.extend_from_slice(b"\nmessage Bad {}\n");
    let dir = project(
        &[("bad/v1/bad.proto", bytes)],
        "bad/v1/bad.proto",
        "bad.v1.Bad",
    );
    for cmd in ["generate", "check"] {
        let out = flyteplug(dir.path(), &[cmd]);
        let report = text(&out);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {report}");
        // At the first bad byte: line 3, after `// caf`.
        assert!(report.contains("bad/v1/bad.proto:3:7: error"), "{report}");
        assert!(report.to_lowercase().contains("utf-8"), "{report}");
        assert!(!report.contains("panicked"), "{report}");
    }
    assert!(!Path::new(&dir.path().join("generated")).exists());
}
