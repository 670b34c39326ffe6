//! The Python target.

use crate::error::Result;
use std::path::Path;

use crate::error::Error;
use crate::targets::{Context, OutFile, Target, Testee};

/// Emits Python packages.
pub struct Python;

impl Target for Python {
    fn name(&self) -> &'static str {
        "python"
    }

    fn emit(&self, _ctx: &Context<'_>) -> Result<Vec<OutFile>> {
        Ok(Vec::new())
    }

    fn testee(&self, _ctx: &Context<'_>, _output_root: &Path, _cache: &Path) -> Result<Testee> {
        Err(Error::msg("the Python testee is not implemented yet"))
    }
}
