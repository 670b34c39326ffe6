//! Toy plugins, one per backend kind, for the connector's tests (the Rust integration test
//! includes this file; the Python wire test talks to the `toy_connector` example that serves it).
//!
//! - `toy_async` (web API async): "runs" a job for `sleepMs` milliseconds, then succeeds with
//!   `message = "<greeting>, <name>!"`; the job's state lives in its resource meta, so it
//!   survives a connector restart.
//! - `toy_sync` (web API sync): returns `y = x * factor`.
//! - `toy_core` (core): succeeds after `steps` handle calls with `calls = steps`.
//! - `toy_k8s` (Kubernetes operator): creates a `ToyJob` object; its `status.phase` (set by
//!   whoever plays the operator) decides the task's phase.
//!
//! Every custom takes `"fail": "user"` or `"fail": "system"` to fail with that kind of error.

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use flyteplug_runtime::literals::{self, LiteralMapExt as _};
use flyteplug_runtime::proto::flyteidl::admin::TaskExecutionMetadata;
use flyteplug_runtime::serde_json::{Map, Value, json};
use flyteplug_runtime::{
    AsyncPlugin, CorePlugin, CustomError, CustomMessage, Decoded, Error, K8sPlugin, KubeObject,
    LogLink, PhaseInfo, PluginInfo, Result, StatusContext, SyncPlugin, TaskContext, TaskInfo,
};
use serde::{Deserialize, Serialize};

/// Which error a toy plugin should fail with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fail {
    /// Do not fail.
    #[default]
    No,
    /// Fail with a user error.
    User,
    /// Fail with a system error.
    System,
}

impl Fail {
    fn check(self, plugin: &str) -> Result<()> {
        match self {
            Fail::No => Ok(()),
            Fail::User => Err(Error::user(
                "ToyUserError",
                format!("{plugin}: asked to fail (user)"),
            )),
            Fail::System => Err(Error::system(
                "ToyServiceUnavailable",
                format!("{plugin}: asked to fail (system)"),
            )),
        }
    }
}

/// The custom of every toy plugin (each reads the keys it needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToyConfig {
    /// How long a `toy_async` job runs.
    pub sleep_ms: u64,
    /// The greeting of `toy_async`.
    pub greeting: String,
    /// The factor of `toy_sync`.
    pub factor: i64,
    /// The number of handle calls of `toy_core`.
    pub steps: u32,
    /// Whether to fail.
    pub fail: Fail,
}

impl Default for ToyConfig {
    fn default() -> Self {
        ToyConfig {
            sleep_ms: 0,
            greeting: "Hello".into(),
            factor: 2,
            steps: 3,
            fail: Fail::No,
        }
    }
}

fn uint(map: &Map<String, Value>, key: &str) -> Result<Option<u64>, CustomError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            CustomError::new(format!("{key}: expected a non-negative integer, got {v}"))
        }),
    }
}

impl CustomMessage for ToyConfig {
    fn from_custom_json(custom: Option<&Value>) -> Result<Decoded<Self>, CustomError> {
        let mut config = ToyConfig::default();
        let map = match custom {
            None | Some(Value::Null) => return Ok(Decoded::new(config)),
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(CustomError::new(format!(
                    "(root): expected an object, got {other}"
                )));
            }
        };
        if let Some(v) = uint(map, "sleepMs")? {
            config.sleep_ms = v;
        }
        if let Some(v) = uint(map, "steps")? {
            config.steps = u32::try_from(v)
                .map_err(|_| CustomError::new(format!("steps: {v} is out of range")))?;
        }
        match map.get("factor") {
            None | Some(Value::Null) => {}
            Some(v) => {
                config.factor = v.as_i64().ok_or_else(|| {
                    CustomError::new(format!("factor: expected an integer, got {v}"))
                })?;
            }
        }
        match map.get("greeting") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => config.greeting = s.clone(),
            Some(v) => {
                return Err(CustomError::new(format!(
                    "greeting: expected a string, got {v}"
                )));
            }
        }
        config.fail = match map.get("fail").and_then(Value::as_str) {
            None => Fail::No,
            Some("user") => Fail::User,
            Some("system") => Fail::System,
            Some(other) => {
                return Err(CustomError::new(format!(
                    "fail: expected \"user\" or \"system\", got {other:?}"
                )));
            }
        };
        let known = ["sleepMs", "greeting", "factor", "steps", "fail"];
        let unknown_keys = map
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .cloned()
            .collect();
        Ok(Decoded {
            value: config,
            unknown_keys,
        })
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The web API async toy.
#[derive(Debug, Default)]
pub struct ToyAsync;

/// The resource meta of a `toy_async` job: everything needed to answer for it later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToyJob {
    /// The job id.
    pub job_id: String,
    /// When it started (Unix milliseconds).
    pub started_ms: u64,
    /// How long it runs.
    pub sleep_ms: u64,
    /// Its result.
    pub message: String,
}

impl AsyncPlugin for ToyAsync {
    type Custom = ToyConfig;
    type ResourceMeta = ToyJob;
    type Resource = u64;

    fn info(&self) -> PluginInfo {
        PluginInfo::new("Toy Async Connector").with_category("toy_async", 0)
    }

    async fn create(&self, ctx: &TaskContext<ToyConfig>) -> Result<ToyJob> {
        let config = ctx.custom();
        config.fail.check("toy_async")?;
        let name = ctx.inputs().get_string("name").unwrap_or("world");
        Ok(ToyJob {
            job_id: flyteplug_runtime::new_task_id(),
            started_ms: now_ms(),
            sleep_ms: config.sleep_ms,
            message: format!("{}, {name}!", config.greeting),
        })
    }

    async fn get(&self, job: &ToyJob) -> Result<u64> {
        Ok(now_ms().saturating_sub(job.started_ms))
    }

    async fn delete(&self, _job: &ToyJob) -> Result<()> {
        Ok(())
    }

    async fn status(&self, _ctx: &StatusContext, job: &ToyJob, elapsed: &u64) -> Result<PhaseInfo> {
        let mut custom_info = Map::new();
        custom_info.insert("jobId".into(), json!(job.job_id));
        let info = TaskInfo {
            logs: vec![LogLink::new(
                "toy log",
                format!("http://toy.invalid/jobs/{}", job.job_id),
            )],
            custom_info: Some(custom_info),
            occurred_at: Some(SystemTime::now()),
        };
        if *elapsed < job.sleep_ms {
            return Ok(PhaseInfo::running()
                .with_info(info)
                .with_reason("the toy job runs"));
        }
        let outputs = literals::literal_map([
            ("message", literals::string(&job.message)),
            ("length", literals::integer(job.message.len() as i64)),
        ]);
        Ok(PhaseInfo::success_with_outputs(outputs).with_info(info))
    }
}

/// The web API sync toy.
#[derive(Debug, Default)]
pub struct ToySync;

impl SyncPlugin for ToySync {
    type Custom = ToyConfig;

    fn info(&self) -> PluginInfo {
        PluginInfo::new("Toy Sync Connector").with_category("toy_sync", 0)
    }

    async fn do_task(&self, ctx: &TaskContext<ToyConfig>) -> Result<PhaseInfo> {
        ctx.custom().fail.check("toy_sync")?;
        let x = ctx
            .inputs()
            .get_integer("x")
            .ok_or_else(|| Error::bad_spec("toy_sync needs an integer input \"x\""))?;
        let y = x.checked_mul(ctx.custom().factor).ok_or_else(|| {
            Error::user(
                "Overflow",
                format!("{x} * {} overflows", ctx.custom().factor),
            )
        })?;
        Ok(PhaseInfo::success_with_outputs(literals::literal_map([(
            "y",
            literals::integer(y),
        )])))
    }
}

/// The core toy.
#[derive(Debug, Default)]
pub struct ToyCore;

impl CorePlugin for ToyCore {
    type Custom = ToyConfig;
    type State = u32;

    fn info(&self) -> PluginInfo {
        PluginInfo::new("Toy Core Plugin").with_category("toy_core", 0)
    }

    async fn handle(&self, ctx: &TaskContext<ToyConfig>, calls: &mut u32) -> Result<PhaseInfo> {
        ctx.custom().fail.check("toy_core")?;
        *calls += 1;
        if *calls < ctx.custom().steps {
            return Ok(PhaseInfo::running().with_version(*calls));
        }
        Ok(PhaseInfo::success_with_outputs(literals::literal_map([(
            "calls",
            literals::integer(i64::from(*calls)),
        )])))
    }

    async fn abort(&self, _ctx: &TaskContext<ToyConfig>, _calls: &mut u32) -> Result<()> {
        Ok(())
    }

    async fn finalize(&self, _ctx: &TaskContext<ToyConfig>, _calls: &mut u32) -> Result<()> {
        Ok(())
    }
}

/// The Kubernetes operator toy.
#[derive(Debug, Default)]
pub struct ToyK8s;

impl K8sPlugin for ToyK8s {
    type Custom = ToyConfig;

    fn info(&self) -> PluginInfo {
        PluginInfo::new("Toy K8s Plugin").with_category("toy_k8s", 0)
    }

    fn build_identity_resource(&self, _metadata: &TaskExecutionMetadata) -> Result<KubeObject> {
        Ok(KubeObject::new("toy.flyteplug.dev/v1", "ToyJob"))
    }

    async fn build_resource(&self, ctx: &TaskContext<ToyConfig>) -> Result<KubeObject> {
        ctx.custom().fail.check("toy_k8s")?;
        let mut object = KubeObject::new("toy.flyteplug.dev/v1", "ToyJob");
        object.set_spec(json!({"greeting": ctx.custom().greeting}));
        Ok(object)
    }

    fn phase_from_resource(
        &self,
        _ctx: &StatusContext,
        resource: &KubeObject,
    ) -> Result<PhaseInfo> {
        let phase = resource
            .status()
            .and_then(|s| s.get("phase"))
            .and_then(Value::as_str)
            .unwrap_or("");
        Ok(match phase {
            "" | "Pending" => PhaseInfo::queued("the toy job is pending"),
            "Running" => PhaseInfo::running(),
            "Succeeded" => PhaseInfo::success(),
            "Failed" => PhaseInfo::failure("ToyJobFailed", "the toy job failed"),
            other => PhaseInfo::system_retryable_failure(
                "UnknownPhase",
                format!("the toy job reports an unknown phase {other:?}"),
            ),
        })
    }
}
