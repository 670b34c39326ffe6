//! The Go target.

use crate::error::Result;
use std::path::Path;

use crate::error::Error;
use crate::targets::{Context, OutFile, Target, Testee};

/// Emits Go packages.
pub struct Go;

impl Target for Go {
    fn name(&self) -> &'static str {
        "go"
    }

    fn emit(&self, _ctx: &Context<'_>) -> Result<Vec<OutFile>> {
        Ok(Vec::new())
    }

    fn testee(&self, _ctx: &Context<'_>, _output_root: &Path, _cache: &Path) -> Result<Testee> {
        Err(Error::msg("the Go testee is not implemented yet"))
    }
}
