//! The TypeScript target.

use crate::error::Result;
use std::path::Path;

use crate::error::Error;
use crate::targets::{Context, OutFile, Target, Testee};

/// Emits TypeScript packages.
pub struct TypeScript;

impl Target for TypeScript {
    fn name(&self) -> &'static str {
        "typescript"
    }

    fn emit(&self, _ctx: &Context<'_>) -> Result<Vec<OutFile>> {
        Ok(Vec::new())
    }

    fn testee(&self, _ctx: &Context<'_>, _output_root: &Path, _cache: &Path) -> Result<Testee> {
        Err(Error::msg("the TypeScript testee is not implemented yet"))
    }
}
