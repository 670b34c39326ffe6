//! Writes a fresh scaffold of each example plugin (one per backend kind) into `OUT_DIR`, next to
//! its generated glue, so that `src/lib.rs` compiles the scaffolds exactly as flyteplug writes
//! them for an author.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    for plugin in ["countdown", "kitchen-sink", "query", "spark"] {
        let scaffold = out_dir.join(format!("{plugin}.scaffold.rs"));
        // A scaffold is never overwritten: remove the last one to get a fresh one.
        match std::fs::remove_file(&scaffold) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        flyteplug::Builder::from_manifest("../../flyteplug.toml")?
            .plugin(plugin)
            .scaffold_into(&scaffold)
            .cargo_directives(false)
            .generate_backend()?;
    }
    // The templates are part of flyteplug, whose changes rebuild this script anyway.
    println!("cargo:rerun-if-changed=../../flyteplug.toml");
    println!("cargo:rerun-if-changed=../../idl");
    Ok(())
}
