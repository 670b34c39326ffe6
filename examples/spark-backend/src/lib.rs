//! An example Flyte backend: the `spark` plugin of `idl/acme/spark/v1`, a Kubernetes operator
//! plugin served as a connector by `flyteplug-runtime`.
//!
//! `build.rs` generates the plugin's typed custom message and its glue to the runtime with
//! `flyteplug::Builder::generate_backend`; [`plugin`] is the implementation (scaffolded by the
//! same call, then filled in): it builds a `SparkApplication` object for the Spark operator and
//! maps the state the operator reports to a phase. [`operator`] plays the operator in memory.

use flyteplug_runtime::{BuildError, Connector, ResourceClient};

pub mod operator;
pub mod plugin;

/// The connector serving the plugin, creating its objects through `client`.
pub fn connector<C: ResourceClient>(client: C) -> Result<Connector, BuildError> {
    plugin::generated::register(
        Connector::builder(),
        plugin::SparkBackend::default(),
        client,
    )
    .build()
}
