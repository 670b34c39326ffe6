//! Generates the query plugin's models, codec and runtime glue into `OUT_DIR`; the author's
//! implementation, `src/plugin.rs`, was scaffolded by the same call (it is written only when
//! missing). Cargo reruns this script when the manifest, a `.proto` it loaded, or
//! `src/plugin.rs` changes.

fn main() -> Result<(), flyteplug::Error> {
    flyteplug::Builder::from_manifest("../../flyteplug.toml")?
        .plugin("query")
        .scaffold_into("src/plugin.rs")
        .generate_backend()?;
    Ok(())
}
