//! Bad input gets a clear error that says where, exits 2, and writes nothing.

mod common;

use std::path::Path;

use common::*;

const MANIFEST: &str = r#"[idl]
include = ["idl"]

[output]
dir = "generated"

[[plugin]]
name = "demo"
proto = "demo/v1/demo.proto"
message = "demo.v1.Demo"
task_type = "demo"
task_type_version = 0
backend = "core"
"#;

/// A project with one proto file and a manifest; returns the folder.
fn project(manifest: &str, proto: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("flyteplug.toml"), manifest).unwrap();
    std::fs::create_dir_all(dir.path().join("idl/demo/v1")).unwrap();
    std::fs::write(dir.path().join("idl/demo/v1/demo.proto"), proto).unwrap();
    dir
}

/// Runs generate and check; both must fail with exit 2, print `expected`, and write nothing.
fn fails_with(dir: &Path, expected: &[&str]) -> String {
    let mut last = String::new();
    for cmd in ["generate", "check"] {
        let out = flyteplug(dir, &[cmd]);
        let report = text(&out);
        assert_eq!(out.status.code(), Some(2), "`{cmd}` must exit 2: {report}");
        assert!(!report.contains("panicked"), "{report}");
        for e in expected {
            assert!(report.contains(e), "`{cmd}` output lacks {e:?}:\n{report}");
        }
        last = report;
    }
    assert!(
        !dir.join("generated").exists(),
        "nothing is written on error"
    );
    last
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let proto = "syntax = \"proto3\";\npackage demo.v1;\n\nmessage Demo {\n  string name = 1\n  int32 count = 2;\n}\n";
    let dir = project(MANIFEST, proto);
    let report = fails_with(dir.path(), &["demo/v1/demo.proto:6:3: error:"]);
    assert!(
        report.contains("int32 count = 2;"),
        "the offending text is shown: {report}"
    );
}

#[test]
fn unknown_message_names_the_manifest_line() {
    let dir = project(
        &MANIFEST.replace("demo.v1.Demo\"", "demo.v1.Dmeo\""),
        "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {}\n",
    );
    fails_with(
        dir.path(),
        &[
            "flyteplug.toml:10:11: error: message `demo.v1.Dmeo` is not defined",
            "defines demo.v1.Demo",
        ],
    );
}

#[test]
fn unknown_manifest_key_names_the_line() {
    let dir = project(
        &MANIFEST.replace("backend = \"core\"", "backend = \"core\"\ntask_typ = \"x\""),
        "syntax = \"proto3\";\n",
    );
    fails_with(
        dir.path(),
        &["flyteplug.toml:14:1: error: invalid manifest: unknown field `task_typ`"],
    );
}

#[test]
fn proto2_is_refused_with_the_file_name() {
    let dir = project(
        MANIFEST,
        "syntax = \"proto2\";\npackage demo.v1;\nmessage Demo { optional string a = 1; }\n",
    );
    fails_with(
        dir.path(),
        &[
            "demo/v1/demo.proto:1:1: error: `demo/v1/demo.proto` is proto2; flyteplug reads proto3 only",
        ],
    );
}

#[test]
fn editions_are_refused() {
    let dir = project(
        MANIFEST,
        "edition = \"2023\";\npackage demo.v1;\nmessage Demo { string a = 1; }\n",
    );
    fails_with(
        dir.path(),
        &[
            "demo/v1/demo.proto:1:1: error: `demo/v1/demo.proto` uses editions; flyteplug reads proto3 only",
        ],
    );
}

#[test]
fn colliding_nested_names_are_reported_with_both_locations() {
    let proto = "syntax = \"proto3\";\npackage demo.v1;\n\nmessage Demo {\n  message Inner {}\n  Inner a = 1;\n  DemoInner b = 2;\n}\n\nmessage DemoInner {}\n";
    let dir = project(MANIFEST, proto);
    fails_with(
        dir.path(),
        &[
            "`demo.v1.DemoInner` and `demo.v1.Demo.Inner`",
            "demo/v1/demo.proto:5:3",
            "both become the Python type `DemoInner`",
            // The offending source line, a caret at the column.
            "   |\n10 | message DemoInner {}\n   | ^",
        ],
    );
}

#[test]
fn plugin_name_with_dots_is_refused() {
    let dir = project(
        &MANIFEST.replace("name = \"demo\"", "name = \"../demo\""),
        "syntax = \"proto3\";\n",
    );
    fails_with(
        dir.path(),
        &["flyteplug.toml:8:8: error: plugin name `../demo` must be kebab-case"],
    );
}

#[test]
fn plugin_name_that_is_a_python_keyword_is_refused() {
    // `flytekitplugins.import` could not be imported; `import-job` (`import_job`) can.
    for (name, refused) in [("import", true), ("class", true), ("import-job", false)] {
        let dir = project(
            &MANIFEST.replace("name = \"demo\"", &format!("name = \"{name}\"")),
            "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {}\n",
        );
        if refused {
            fails_with(
                dir.path(),
                &[&format!(
                    "flyteplug.toml:8:8: error: plugin name `{name}` is a Python keyword"
                )],
            );
        } else {
            let out = flyteplug(dir.path(), &["generate"]);
            assert!(out.status.success(), "{name}: {out:?}");
        }
    }
}

#[test]
fn output_dir_cannot_be_the_idl_folder() {
    let dir = project(
        &MANIFEST.replace("dir = \"generated\"", "dir = \"idl\""),
        "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {}\n",
    );
    refuses_overlap(dir.path());
}

fn refuses_overlap(dir: &std::path::Path) {
    let out = flyteplug(dir, &["generate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("overlaps the include folder"),
        "{}",
        text(&out)
    );
}

#[test]
fn output_dir_inside_an_include_root_is_refused_before_it_exists() {
    // `idl/gen` does not exist yet: the first run must refuse it as every later one does.
    let dir = project(
        &MANIFEST.replace("dir = \"generated\"", "dir = \"idl/gen\""),
        "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {}\n",
    );
    for _ in 0..2 {
        refuses_overlap(dir.path());
        assert!(!dir.path().join("idl/gen").exists(), "nothing was written");
    }
}

#[test]
fn all_errors_of_a_stage_are_reported_at_once() {
    let text_manifest = MANIFEST
        .replace("\"core\"", "\"lambda\"")
        .replace("task_type_version = 0", "task_type_version = -1");
    let dir = project(&text_manifest, "syntax = \"proto3\";\n");
    fails_with(
        dir.path(),
        &[
            "flyteplug.toml:13:",
            "unknown backend `lambda`",
            "task_type_version -1",
        ],
    );
}

#[test]
fn a_go_module_prefix_that_is_no_module_path_names_its_line() {
    for bad in [
        "bad prefix",
        "a//b",
        ".hidden/x",
        "x\\\"y",
        "caf\u{e9}.io/x",
        "",
    ] {
        let manifest = MANIFEST.replace(
            "dir = \"generated\"",
            &format!(
                "dir = \"generated\"\ngo_module_prefix = {}",
                toml_string(bad)
            ),
        );
        let dir = project(
            &manifest,
            "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {}\n",
        );
        fails_with(
            dir.path(),
            &["flyteplug.toml:6:20: error: `output.go_module_prefix` must be a Go module path"],
        );
    }
    let manifest = MANIFEST.replace(
        "dir = \"generated\"",
        "dir = \"generated\"\ngo_module_prefix = \"github.com/acme-corp/flyte_plugins.v2/\"",
    );
    let dir = project(
        &manifest,
        "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {}\n",
    );
    assert!(flyteplug(dir.path(), &["generate"]).status.success());
    let go_mod = std::fs::read_to_string(dir.path().join("generated/go/demo/go.mod")).unwrap();
    assert!(
        go_mod.contains("\nmodule github.com/acme-corp/flyte_plugins.v2/demo\n"),
        "{go_mod}"
    );
}

#[test]
fn a_plugin_proto_in_no_include_folder_names_the_manifest_line() {
    let manifest = MANIFEST.replace("demo/v1/demo.proto", "demo/v1/nope.proto");
    let dir = project(
        &manifest,
        "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {}\n",
    );
    let report = fails_with(
        dir.path(),
        &["flyteplug.toml:9:9: error: `demo/v1/nope.proto` is in no include folder (`idl`)"],
    );
    assert_eq!(
        report.matches("is in no include folder").count(),
        1,
        "said once:\n{report}"
    );
    // The manifest line is shown under the message, a caret at the value.
    assert!(
        report.contains("9 | proto = \"demo/v1/nope.proto\"\n  |         ^"),
        "{report}"
    );
}

#[test]
fn an_import_cycle_is_reported_at_the_import_that_closes_it() {
    let dir = project(
        MANIFEST,
        "syntax = \"proto3\";\npackage demo.v1;\n\nimport \"demo/v1/other.proto\";\n\nmessage Demo {}\n",
    );
    std::fs::write(
        dir.path().join("idl/demo/v1/other.proto"),
        "syntax = \"proto3\";\npackage demo.v1;\nimport \"demo/v1/demo.proto\";\nmessage Other {}\n",
    )
    .unwrap();
    fails_with(
        dir.path(),
        &[
            "demo/v1/demo.proto:4:8: error: import cycle detected",
            "4 | import \"demo/v1/other.proto\";\n  |        ^",
        ],
    );
}

/// A TOML basic string holding `text`.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// protox reports the problems of one file as one error with the others related to it; each is
/// printed on its own, with its own `file:line:col` and excerpt.
#[test]
fn every_error_in_a_proto_file_names_its_own_location() {
    let names = "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {\n  Missing a = 1;\n  Other b = 2;\n}\n";
    let dir = project(MANIFEST, names);
    let report = fails_with(
        dir.path(),
        &[
            "demo/v1/demo.proto:4:3: error: name 'Missing' is not defined",
            "demo/v1/demo.proto:5:3: error: name 'Other' is not defined",
        ],
    );
    assert!(
        !report.contains("Error:"),
        "no error is left inside another one's excerpt:\n{report}"
    );
    let syntax = "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {\n  int32 a = 1 = 2;\n  bool 3z = 3;\n}\n";
    let dir = project(MANIFEST, syntax);
    fails_with(
        dir.path(),
        &[
            "demo/v1/demo.proto:4:15: error: expected ';' or '[', but found '='",
            "demo/v1/demo.proto:5:8: error:",
        ],
    );
}

#[test]
fn keyword_field_names_are_escaped_in_every_language() {
    let proto = "syntax = \"proto3\";\npackage demo.v1;\nmessage Demo {\n  string class = 1;\n  string type = 2;\n  string func = 3;\n  string interface = 4;\n  string self = 5;\n  string None = 6;\n  string default = 7;\n  string constructor = 8;\n}\n";
    let dir = project(MANIFEST, proto);
    let project = flyteplug::Project::open(&dir.path().join("flyteplug.toml")).unwrap();
    let msg = project.ir.plugins[0].custom_message();
    let keywords = |lang: flyteplug::ir::Lang| -> &'static [&'static str] {
        match lang {
            flyteplug::ir::Lang::Python => &["class", "type", "None", "self", "def"],
            flyteplug::ir::Lang::Go => &["type", "func", "interface", "default"],
            // Keywords are legal property names in TypeScript (`m.class`); what breaks a class
            // is a property that shadows a member of every object.
            flyteplug::ir::Lang::TypeScript => {
                &["constructor", "__proto__", "toString", "toCustom"]
            }
            flyteplug::ir::Lang::Rust => &["type", "self", "default_"],
        }
    };
    for lang in flyteplug::ir::Lang::ALL {
        for f in &msg.fields {
            let name = lang.pick(&f.names);
            assert!(
                !keywords(lang).contains(&name.as_str()),
                "{} field `{}` is printed as the keyword `{name}`",
                lang.label(),
                f.proto_name
            );
        }
    }
    assert_eq!(msg.fields[1].names.rust, "r#type");
    assert_eq!(msg.fields[4].names.rust, "self_");
    assert_eq!(msg.fields[0].names.python, "class_");
}

/// Imported files are parsed ahead of linking (on several threads); what is reported and
/// which file is read must not change: an error in an imported file names that file, a
/// missing import names the import line, and of two include roots the first that has a file
/// is the one read (protoc's rule), even when the other one's copy is broken.
#[test]
fn imports_are_read_from_the_first_root_and_their_errors_name_them() {
    let importer = |dep: &str| {
        format!(
            "syntax = \"proto3\";\npackage demo.v1;\nimport \"{dep}\";\nmessage Demo {{\n  Dep d = 1;\n}}\n"
        )
    };
    let broken_dep =
        "syntax = \"proto3\";\npackage demo.v1;\nmessage Dep {\n  string a = 1 = 2;\n}\n";
    let good_dep = "syntax = \"proto3\";\npackage demo.v1;\nmessage Dep {\n  string a = 1;\n}\n";

    let dir = project(MANIFEST, &importer("demo/v1/dep.proto"));
    std::fs::write(dir.path().join("idl/demo/v1/dep.proto"), broken_dep).unwrap();
    fails_with(dir.path(), &["demo/v1/dep.proto:4:16: error:"]);

    let dir = project(MANIFEST, &importer("demo/v1/absent.proto"));
    fails_with(
        dir.path(),
        &["demo/v1/demo.proto:3:1", "demo/v1/absent.proto"],
    );

    let two_roots = MANIFEST.replace(r#"include = ["idl"]"#, r#"include = ["idl", "idl2"]"#);
    let dir = project(&two_roots, &importer("demo/v1/dep.proto"));
    std::fs::write(dir.path().join("idl/demo/v1/dep.proto"), good_dep).unwrap();
    std::fs::create_dir_all(dir.path().join("idl2/demo/v1")).unwrap();
    std::fs::write(dir.path().join("idl2/demo/v1/dep.proto"), broken_dep).unwrap();
    let out = flyteplug(dir.path(), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // And the other way round: the broken copy first is the one read.
    let swapped = MANIFEST.replace(r#"include = ["idl"]"#, r#"include = ["idl2", "idl"]"#);
    std::fs::write(dir.path().join("flyteplug.toml"), swapped).unwrap();
    std::fs::remove_dir_all(dir.path().join("generated")).unwrap();
    std::fs::remove_file(dir.path().join("flyteplug.lock")).ok();
    fails_with(dir.path(), &["demo/v1/dep.proto:4:16: error:"]);
}
