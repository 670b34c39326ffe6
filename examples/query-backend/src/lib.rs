//! An example Flyte backend: the `query` plugin of `idl/acme/query/v1`, an asynchronous web API
//! plugin served as a connector by `flyteplug-runtime`.
//!
//! `build.rs` generates the plugin's typed custom message and its glue to the runtime with
//! `flyteplug::Builder::generate_backend`; [`plugin`] is the implementation (scaffolded by the
//! same call, then filled in): `create` submits the query to [`service`], a small query service
//! on loopback speaking a line protocol over TCP, `get` polls it and `delete` cancels it.

use std::net::SocketAddr;

use flyteplug_runtime::{BuildError, Connector};

pub mod plugin;
pub mod service;

/// The connector serving the plugin, running queries on the query service at `service`.
pub fn connector(service: SocketAddr) -> Result<Connector, BuildError> {
    plugin::generated::register(Connector::builder(), plugin::QueryBackend::new(service)).build()
}
