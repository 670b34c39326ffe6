//! Arbitrary `.proto` text through the whole engine (load, IR, every target, vectors), in
//! memory apart from the input file: output or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const MANIFEST: &str = r#"[idl]
include = ["idl"]

[output]
dir = "generated"
targets = ["python", "go", "typescript", "rust"]

[[plugin]]
name = "fuzz"
proto = "fuzz/v1/fuzz.proto"
message = "fuzz.v1.Fuzz"
task_type = "fuzz"
task_type_version = 0
backend = "core"
"#;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let idl = dir.path().join("idl/fuzz/v1");
    std::fs::create_dir_all(&idl).expect("the idl folder");
    std::fs::write(idl.join("fuzz.proto"), data).expect("the proto file");
    let manifest_path = dir.path().join("flyteplug.toml");
    std::fs::write(&manifest_path, MANIFEST).expect("the manifest");
    let Ok(project) = flyteplug::Project::open(&manifest_path) else {
        return;
    };
    let _ = project.emit();
});
