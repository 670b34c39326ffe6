// Scaffolded by flyteplug for the `kitchen-sink` plugin. This file is yours:
// `flyteplug::Builder::scaffold_into` (in build.rs) writes it when it is missing and never
// overwrites it.

//! The backend of the `kitchen-sink` plugin.
//!
//! It is a synchronous web API plugin (Flyte's `webapi.SyncPlugin`): the connector calls
//! [`Plugin::do_task`] once per task, through `SyncAgentService/ExecuteTaskSync`, and reports
//! what it returns.
//!
//! This one echoes: the output `config` is the decoded configuration encoded again as
//! canonical JSON, so a client sees exactly what the backend understood (defaults omitted,
//! aliases resolved, unknown keys dropped); `unknown_keys` counts the keys it ignored.

use flyteplug_runtime::literals::{integer, literal_map, string};
use flyteplug_runtime::{Error, PhaseInfo, PluginInfo, Result};

/// The plugin's models, their codec and their glue to the runtime, generated into `OUT_DIR`
/// by `build.rs` (`flyteplug::Builder::generate_backend`) on every build.
#[allow(dead_code)] // a backend uses only part of the generated code
pub mod generated {
    include!(concat!(
        env!("OUT_DIR"),
        "/flyteplugins_kitchen_sink.backend.rs"
    ));
}

use generated::{Custom, Plugin, TaskContext};

/// The backend: what every task shares (clients, settings) goes here.
#[derive(Debug, Default)]
pub struct KitchenSinkBackend {}

impl Plugin for KitchenSinkBackend {
    type Custom = Custom;

    fn info(&self) -> PluginInfo {
        generated::info()
    }

    /// Succeeds with the outputs `config` (the decoded custom as canonical JSON) and
    /// `unknown_keys` (how many keys of the custom the decoder ignored). A configuration that
    /// decodes but has no JSON form (a `Duration` out of range, ...) is the user's error.
    async fn do_task(&self, ctx: &TaskContext) -> Result<PhaseInfo> {
        let config = ctx
            .custom()
            .to_custom_string()
            .map_err(|e| Error::bad_spec(format!("the configuration cannot be encoded: {e}")))?;
        let unknown = i64::try_from(ctx.unknown_custom_keys().len()).unwrap_or(i64::MAX);
        Ok(PhaseInfo::success_with_outputs(literal_map([
            ("config", string(config)),
            ("unknown_keys", integer(unknown)),
        ])))
    }
}
