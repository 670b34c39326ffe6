//! flyteplug: generates Flyte plugin SDKs (Python, Go, TypeScript) and a Rust backend from one
//! protobuf message, with one `TaskTemplate.custom` JSON contract across all of them.
//!
//! Front ends: the `flyteplug` CLI, [`Builder`] for `build.rs`, and [`Project`] for tools.

#![warn(missing_docs)]

pub mod conformance;
pub mod error;
pub mod ir;
pub mod lint;
pub mod load;
pub mod manifest;
pub mod names;
pub mod new;
pub mod output;
pub mod parallel;
pub mod project;
pub mod render;
pub mod targets;
pub mod testee;

pub use error::{Diagnostic, Error, Location, Result};
pub use project::{Builder, Project};
