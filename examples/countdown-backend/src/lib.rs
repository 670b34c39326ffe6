//! An example Flyte backend: the `countdown` core plugin of `idl/acme/countdown/v1`, served as a
//! connector by `flyteplug-runtime`.
//!
//! `build.rs` generates the plugin's typed custom message and its glue to the runtime with
//! `flyteplug::Builder::generate_backend`; [`plugin`] is the implementation (scaffolded by the
//! same call, then filled in): a task succeeds after `ticks` handle calls that report it running,
//! and after `minDuration` at least, or fails with `failWith`.

use std::time::Duration;

use flyteplug_runtime::{BuildError, Connector, CoreHostOptions};

pub mod plugin;

/// The connector serving the plugin, calling `handle` every `poll_interval`.
pub fn connector_with(poll_interval: Duration) -> Result<Connector, BuildError> {
    plugin::generated::register(
        Connector::builder(),
        plugin::CountdownBackend::default(),
        CoreHostOptions {
            poll_interval,
            ..CoreHostOptions::default()
        },
    )
    .build()
}

/// The connector serving the plugin, calling `handle` every 100 ms.
pub fn connector() -> Result<Connector, BuildError> {
    connector_with(Duration::from_millis(100))
}
