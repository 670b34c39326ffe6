//! Generates the Spark plugin's models and `custom` JSON codec into `OUT_DIR` with flyteplug's
//! library API; `src/lib.rs` includes the result. Cargo reruns this script when the manifest or
//! any `.proto` it loaded changes.

fn main() -> Result<(), flyteplug::Error> {
    flyteplug::Builder::from_manifest("../../flyteplug.toml")?
        .plugin("spark")
        .generate_rust()?;
    Ok(())
}
