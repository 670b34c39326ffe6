//! An example Flyte backend: the `kitchen-sink` plugin of `idl/acme/kitchen/v1`, a synchronous
//! web API plugin served as a connector by `flyteplug-runtime`.
//!
//! `build.rs` generates the plugin's typed custom message and its glue to the runtime with
//! `flyteplug::Builder::generate_backend`; [`plugin`] is the implementation (scaffolded by the
//! same call, then filled in): it echoes the decoded configuration back, as canonical JSON, in
//! the output `config`.

use flyteplug_runtime::{BuildError, Connector};

pub mod plugin;

/// The connector serving the plugin (through `SyncAgentService/ExecuteTaskSync`).
pub fn connector() -> Result<Connector, BuildError> {
    plugin::generated::register(Connector::builder(), plugin::KitchenSinkBackend::default()).build()
}
