//! Compiles this crate's `.proto` files for Flyte's connector protocol without `protoc`:
//! `protox` parses them into a `FileDescriptorSet`, `tonic-prost-build` generates the messages,
//! the clients and the servers, and the descriptor set itself is kept for reflection and tests.

use std::path::PathBuf;

use prost::Message;

/// The proto files to compile, relative to `proto/`. Their imports come along.
const PROTOS: &[&str] = &["flyteidl/service/agent.proto", "flyteidl/admin/agent.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let proto_dir = manifest_dir.join("proto");
    println!("cargo:rerun-if-changed={}", proto_dir.display());

    let files: Vec<PathBuf> = PROTOS.iter().map(|p| proto_dir.join(p)).collect();
    let fds = protox::compile(&files, [&proto_dir])?;

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("flyteidl_connector.bin"), fds.encode_to_vec())?;

    tonic_prost_build::configure()
        .emit_rerun_if_changed(false)
        .compile_fds(fds)?;
    Ok(())
}
