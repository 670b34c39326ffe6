//! Compiles flyteplug's fresh backend scaffold for every backend kind, as written: the
//! scaffolds of the four example plugins of `idl/` (`build.rs` writes them into `OUT_DIR`), with
//! their `todo!()` bodies. Building this crate (and `cargo clippy -- -D warnings` on it) is the
//! check; the test registers the four unfilled backends with a connector.

use flyteplug_runtime::{BuildError, Connector, CoreHostOptions, InMemoryResourceClient};

/// The `countdown` plugin's scaffold (a core plugin).
pub mod countdown {
    include!(concat!(env!("OUT_DIR"), "/countdown.scaffold.rs"));
}

/// The `kitchen-sink` plugin's scaffold (a synchronous web API plugin).
pub mod kitchen_sink {
    include!(concat!(env!("OUT_DIR"), "/kitchen-sink.scaffold.rs"));
}

/// The `query` plugin's scaffold (an asynchronous web API plugin).
pub mod query {
    include!(concat!(env!("OUT_DIR"), "/query.scaffold.rs"));
}

/// The `spark` plugin's scaffold (a Kubernetes operator plugin).
pub mod spark {
    include!(concat!(env!("OUT_DIR"), "/spark.scaffold.rs"));
}

/// A connector serving the four unfilled backends, registered the way each scaffold's doc
/// says. It builds; a task would reach a `todo!()`.
pub fn connector() -> Result<Connector, BuildError> {
    let builder = countdown::generated::register(
        Connector::builder(),
        countdown::CountdownBackend::default(),
        CoreHostOptions::default(),
    );
    let builder =
        kitchen_sink::generated::register(builder, kitchen_sink::KitchenSinkBackend::default());
    let builder = query::generated::register(builder, query::QueryBackend::default());
    let builder = spark::generated::register(
        builder,
        spark::SparkBackend::default(),
        InMemoryResourceClient::new(),
    );
    builder.build()
}

#[cfg(test)]
mod tests {
    /// The plugins' names and categories as `flyteplug.toml` declares them.
    #[test]
    fn the_scaffolds_serve_the_manifest_categories() {
        let agents = super::connector().unwrap().agents();
        let summary: Vec<(&str, &str, i32, bool)> = agents
            .iter()
            .map(|a| {
                assert_eq!(a.supported_task_categories.len(), 1, "{a:?}");
                let c = &a.supported_task_categories[0];
                (a.name.as_str(), c.name.as_str(), c.version, a.is_sync)
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("countdown", "countdown", 0, false),
                ("kitchen-sink", "kitchen_sink", 1, true),
                ("query", "query", 0, false),
                ("spark", "spark", 0, false),
            ]
        );
    }
}
