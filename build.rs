//! Embeds every file under `templates/` into the binary, sorted by name.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.expect("walk templates/");
        if !entry.file_type().is_file() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", entry.path().display());
        let rel = entry
            .path()
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(name) = rel.strip_suffix(".hbs") else {
            continue;
        };
        entries.push(format!(
            "    ({:?}, include_str!({:?})),\n",
            name,
            entry.path().display().to_string()
        ));
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("templates.rs");
    let code = format!(
        "/// Built-in templates: (name, text), sorted by name.\npub static BUILTIN: &[(&str, &str)] = &[\n{}];\n",
        entries.concat()
    );
    std::fs::write(out, code).unwrap();
}
