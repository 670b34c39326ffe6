//! The Rust target.

use crate::error::Result;
use std::path::Path;

use crate::error::Error;
use crate::targets::{Context, OutFile, Target, Testee};

/// Emits Rust packages.
pub struct Rust;

impl Target for Rust {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn emit(&self, _ctx: &Context<'_>) -> Result<Vec<OutFile>> {
        Ok(Vec::new())
    }

    fn testee(&self, _ctx: &Context<'_>, _output_root: &Path, _cache: &Path) -> Result<Testee> {
        Err(Error::msg("the Rust testee is not implemented yet"))
    }
}

/// The models and codec of one plugin as a single `include!`-able module body, named
/// `<rust_lib>.rs` (for build.rs through `flyteplug::Builder`).
pub fn module_file(_ctx: &Context<'_>, plugin: &crate::ir::Plugin) -> Result<OutFile> {
    Ok(OutFile::generated(format!("{}.rs", plugin.package.rust_lib), String::new()))
}
