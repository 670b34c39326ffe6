//! Prints the IR of a manifest as JSON: `cargo run --example dump_ir -- flyteplug.toml`.
fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "flyteplug.toml".into());
    match flyteplug::Project::open(std::path::Path::new(&path)) {
        Ok(p) => println!("{}", serde_json::to_string_pretty(&p.ir).unwrap()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
