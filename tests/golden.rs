//! `generated/` is exactly what the manifest produces, and `check`/`generate` keep their promises
//! on a temporary copy of the project.

mod common;

use common::*;
use flyteplug::Project;

#[test]
fn generated_tree_is_up_to_date() {
    let project =
        Project::open(&repo().join("flyteplug.toml")).expect("the example manifest loads");
    let drift = project.plan().unwrap().check().unwrap();
    let report: Vec<String> = drift.iter().map(|d| d.to_string()).collect();
    assert!(
        drift.is_empty(),
        "generated/ is out of date; run `cargo run -- generate` (or `flyteplug generate`) and commit the result:\n{}",
        report.join("\n")
    );
}

/// DESIGN.md section 4: every generated file starts with its language's header, naming the
/// source `.proto` and the command that regenerates it (Go's first line exactly).
#[test]
fn every_generated_file_names_its_source_and_the_regenerate_command() {
    use flyteplug::targets::{GENERATED_MARKER, Ownership, REGENERATE_COMMAND};
    let project = Project::open(&repo().join("flyteplug.toml")).unwrap();
    let plan = project.plan().unwrap();
    let mut bad = Vec::new();
    for f in plan
        .files
        .iter()
        .filter(|f| f.ownership == Ownership::Generated)
    {
        let head: String = f.contents.lines().take(12).collect::<Vec<_>>().join("\n");
        let go_first_line =
            !f.path.ends_with(".go") || f.contents.starts_with(&format!("// {GENERATED_MARKER}\n"));
        if !(head.contains(GENERATED_MARKER)
            && head.contains(REGENERATE_COMMAND)
            && head.contains(".proto")
            && go_first_line)
        {
            bad.push(f.path.clone());
        }
    }
    assert!(
        bad.is_empty(),
        "files without the full header:\n{}",
        bad.join("\n")
    );
}

#[test]
fn check_reports_a_hand_edit_with_a_diff() {
    let dir = temp_project(false);
    let out = flyteplug(dir.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out));
    let clean = flyteplug(dir.path(), &["check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));

    let lock = std::fs::read_to_string(dir.path().join("generated/flyteplug.lock")).unwrap();
    let victim = lock
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.split_once("  "))
        .map(|(_, p)| p.to_string());
    let victim = victim.expect("the lock lists generated files");
    let path = dir.path().join("generated").join(&victim);
    let mut contents = std::fs::read_to_string(&path).unwrap();
    contents.push_str("hand edit\n");
    std::fs::write(&path, contents).unwrap();

    let out = flyteplug(dir.path(), &["check"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains(&format!("edited by hand: {victim}")),
        "{report}"
    );
    assert!(
        report.contains("-hand edit"),
        "the report carries a unified diff: {report}"
    );
    assert!(report.contains("@@"), "{report}");

    // check wrote nothing: the edit is still there.
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("hand edit\n")
    );
    // generate restores it, and check is clean again.
    assert!(flyteplug(dir.path(), &["generate"]).status.success());
    assert_eq!(flyteplug(dir.path(), &["check"]).status.code(), Some(0));
}

#[test]
fn check_reports_missing_and_stale_files() {
    let dir = temp_project(false);
    assert!(flyteplug(dir.path(), &["generate"]).status.success());
    let lock = std::fs::read_to_string(dir.path().join("generated/flyteplug.lock")).unwrap();
    let first = lock
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.split_once("  "))
        .unwrap()
        .1
        .to_string();
    let removed = std::fs::read_to_string(dir.path().join("generated").join(&first)).unwrap();
    std::fs::remove_file(dir.path().join("generated").join(&first)).unwrap();
    let out = flyteplug(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    // The report carries a diff that creates the file, line by line, as git prints one.
    let report = text(&out);
    let expected_diff = format!("--- /dev/null\n+++ b/{first}\n@@ -0,0 +1,");
    assert!(
        report.contains(&format!("missing: {first}\n{expected_diff}")),
        "{report}"
    );
    for line in removed.lines().take(5) {
        assert!(
            report.contains(&format!("\n+{line}\n")),
            "{line:?}: {report}"
        );
    }
}

#[test]
fn removing_a_plugin_deletes_exactly_its_files() {
    let dir = temp_project(false);
    assert!(flyteplug(dir.path(), &["generate"]).status.success());
    let generated = dir.path().join("generated");
    // A file of the author's inside the generated tree must survive.
    std::fs::write(generated.join("NOTES.md"), "mine\n").unwrap();
    let before = files(&generated);
    // Scaffold files are the author's: removing the plugin must keep them.
    let scaffolds: Vec<String> = Project::open(&dir.path().join("flyteplug.toml"))
        .unwrap()
        .plan()
        .unwrap()
        .files
        .iter()
        .filter(|f| f.ownership == flyteplug::targets::Ownership::Scaffold)
        .map(|f| f.path.clone())
        .collect();

    let manifest_path = dir.path().join("flyteplug.toml");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let start = manifest
        .find("[[plugin]]\nname = \"countdown\"")
        .expect("countdown entry");
    let end = manifest[start + 1..]
        .find("[[plugin]]")
        .map(|i| start + 1 + i)
        .unwrap_or(manifest.len());
    std::fs::write(
        &manifest_path,
        format!("{}{}", &manifest[..start], &manifest[end..]),
    )
    .unwrap();

    let out = flyteplug(dir.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out));
    let after = files(&generated);
    let removed: Vec<&String> = before.iter().filter(|f| !after.contains(f)).collect();
    for f in &scaffolds {
        assert!(after.contains(f), "scaffold file {f} is never deleted");
    }
    let added: Vec<&String> = after.iter().filter(|f| !before.contains(f)).collect();
    assert!(added.is_empty(), "nothing new appears: {added:?}");
    assert!(!removed.is_empty(), "the countdown files are removed");
    for f in &removed {
        assert!(
            f.contains("countdown"),
            "only countdown files are removed, but {f} went too"
        );
    }
    let project = Project::open(&manifest_path).unwrap();
    let planned: Vec<String> = project
        .plan()
        .unwrap()
        .files
        .iter()
        .map(|f| f.path.clone())
        .collect();
    for f in &after {
        assert!(
            planned.contains(f)
                || scaffolds.contains(f)
                || f == "NOTES.md"
                || f == "flyteplug.lock",
            "unexpected leftover {f}"
        );
    }
    assert!(after.contains(&"NOTES.md".to_string()));
    assert_eq!(
        flyteplug(dir.path(), &["check"]).status.code(),
        Some(0),
        "{}",
        text(&flyteplug(dir.path(), &["check"]))
    );
}

#[test]
fn generate_twice_changes_nothing() {
    let dir = temp_project(false);
    assert!(flyteplug(dir.path(), &["generate"]).status.success());
    let generated = dir.path().join("generated");
    let mtimes: Vec<_> = files(&generated)
        .iter()
        .map(|f| {
            std::fs::metadata(generated.join(f))
                .unwrap()
                .modified()
                .unwrap()
        })
        .collect();
    let out = flyteplug(dir.path(), &["generate"]);
    assert!(text(&out).contains("0 changed"), "{}", text(&out));
    let again: Vec<_> = files(&generated)
        .iter()
        .map(|f| {
            std::fs::metadata(generated.join(f))
                .unwrap()
                .modified()
                .unwrap()
        })
        .collect();
    assert_eq!(mtimes, again, "write-if-changed keeps mtimes");
}

#[test]
fn a_template_folder_overrides_built_in_templates_by_name() {
    let dir = temp_project(false);
    let manifest_path = dir.path().join("flyteplug.toml");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let manifest = manifest.replacen("[output]\n", "[output]\ntemplates = \"house-style\"\n", 1);
    std::fs::write(&manifest_path, manifest).unwrap();
    std::fs::create_dir_all(dir.path().join("house-style/python")).unwrap();
    std::fs::write(
        dir.path().join("house-style/python/py.typed.hbs"),
        "# Code generated by flyteplug. DO NOT EDIT.\n# house style\n",
    )
    .unwrap();
    let out = flyteplug(dir.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out));
    let typed = files(&dir.path().join("generated"))
        .into_iter()
        .filter(|f| f.ends_with("py.typed"))
        .collect::<Vec<_>>();
    assert!(!typed.is_empty());
    for f in typed {
        let body = std::fs::read_to_string(dir.path().join("generated").join(&f)).unwrap();
        assert!(
            body.contains("# house style"),
            "{f} uses the override: {body}"
        );
    }

    // A build script reruns when an override changes: the folder is among the inputs,
    // after the manifest and before the `.proto` files.
    let inputs = flyteplug::Builder::from_manifest(&manifest_path)
        .unwrap()
        .inputs();
    assert_eq!(inputs[0], manifest_path);
    assert_eq!(inputs[1], dir.path().join("house-style"));
    assert!(
        inputs[2..]
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "proto"))
    );
    assert!(inputs.len() > 3, "{inputs:?}");

    // An override that matches no built-in template is a typo, reported as such.
    std::fs::write(dir.path().join("house-style/python/pytyped.hbs"), "x").unwrap();
    let out = flyteplug(dir.path(), &["generate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("does not match a built-in template"),
        "{}",
        text(&out)
    );
}
