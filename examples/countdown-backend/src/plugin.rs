// Scaffolded by flyteplug for the `countdown` plugin. This file is yours:
// `flyteplug::Builder::scaffold_into` (in build.rs) writes it when it is missing and never
// overwrites it.

//! The backend of the `countdown` plugin.
//!
//! It is a core plugin (Flyte's `core.Plugin`): the connector's host calls [`Plugin::handle`]
//! until it returns a terminal phase, then [`Plugin::finalize`]; deleting a task that is still
//! running calls [`Plugin::abort`] first.
//!
//! This one counts down: a task runs for `ticks` handle calls, then succeeds on the next one
//! (or fails with `failWith`), but not before `minDuration` has passed since its first call.
//! Its output `ticks` says how many calls reported it running.

use std::time::{Duration, Instant};

use flyteplug_runtime::literals::{integer, literal_map};
use flyteplug_runtime::{Error, PhaseInfo, PluginInfo, Result, codes};

/// The plugin's models, their codec and their glue to the runtime, generated into `OUT_DIR`
/// by `build.rs` (`flyteplug::Builder::generate_backend`) on every build.
#[allow(dead_code)] // a backend uses only part of the generated code
pub mod generated {
    include!(concat!(
        env!("OUT_DIR"),
        "/flyteplugins_countdown.backend.rs"
    ));
}

use generated::models::wkt;
use generated::{Custom, Plugin, TaskContext};

/// The backend: what every task shares (clients, settings) goes here.
#[derive(Debug, Default)]
pub struct CountdownBackend {}

/// What a task keeps between two `handle` calls. Every task starts from `State::default()`,
/// also when the connector restarted, so `handle` must be able to pick up from it.
#[derive(Debug, Default)]
pub struct State {
    /// `handle` calls so far.
    calls: u32,
    /// When the first `handle` call came.
    started: Option<Instant>,
}

/// A proto `Duration` as a std one; a negative duration is no wait at all.
fn to_std(d: &wkt::Duration) -> Result<Duration> {
    if d.seconds < 0 || d.nanos < 0 {
        return Ok(Duration::ZERO);
    }
    let nanos = u32::try_from(d.nanos).map_err(|_| Error::bad_spec("minDuration: bad nanos"))?;
    Ok(Duration::new(d.seconds.unsigned_abs(), nanos))
}

impl Plugin for CountdownBackend {
    type Custom = Custom;
    type State = State;

    fn info(&self) -> PluginInfo {
        generated::info()
    }

    /// Counts one call. Calls up to `ticks` report `Running` (the phase version is the call
    /// number, so Flyte sees the progress); the call after them ends the task, once
    /// `minDuration` has passed: `failWith` makes it a permanent failure, else it succeeds with
    /// the output `ticks`.
    async fn handle(&self, ctx: &TaskContext, state: &mut State) -> Result<PhaseInfo> {
        let custom = ctx.custom();
        let started = *state.started.get_or_insert_with(Instant::now);
        let min_duration = match &custom.min_duration {
            Some(d) => to_std(d)?,
            None => Duration::ZERO,
        };
        if state.calls < custom.ticks {
            state.calls += 1;
            return Ok(PhaseInfo::running()
                .with_version(state.calls)
                .with_reason(format!("tick {} of {}", state.calls, custom.ticks)));
        }
        let waited = started.elapsed();
        if waited < min_duration {
            return Ok(PhaseInfo::running()
                .with_version(state.calls.saturating_add(1))
                .with_reason(format!(
                    "{} ticks done; waiting {:?} more",
                    custom.ticks,
                    min_duration - waited
                )));
        }
        if !custom.fail_with.is_empty() {
            return Ok(PhaseInfo::failure(
                codes::TASK_FAILED_WITH_ERROR,
                custom.fail_with.clone(),
            ));
        }
        Ok(PhaseInfo::success_with_outputs(literal_map([(
            "ticks",
            integer(i64::from(state.calls)),
        )]))
        .with_reason(format!("counted down {} ticks", state.calls)))
    }

    /// Nothing runs outside `handle`, so there is nothing to cancel.
    async fn abort(&self, _ctx: &TaskContext, _state: &mut State) -> Result<()> {
        Ok(())
    }

    /// Nothing to release.
    async fn finalize(&self, _ctx: &TaskContext, _state: &mut State) -> Result<()> {
        Ok(())
    }
}
