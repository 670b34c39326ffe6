// Scaffolded by flyteplug for the `query` plugin. This file is yours:
// `flyteplug::Builder::scaffold_into` (in build.rs) writes it when it is missing and never
// overwrites it.

//! The backend of the `query` plugin.
//!
//! It is an asynchronous web API plugin (Flyte's `webapi.AsyncPlugin`): the connector calls
//! [`Plugin::create`] to start a job on `CreateTask`, [`Plugin::get`] then [`Plugin::status`] on
//! every `GetTask`, and [`Plugin::delete`] on `DeleteTask`.
//!
//! This one runs its queries on the example's [query service](crate::service): `create`
//! binds the parameters and the task's primitive inputs and submits the statement, `get` polls
//! the job, `status` turns a finished job into the outputs `rows` (the rows as JSON text),
//! `row_count` and `columns`, and `delete` cancels the job.

use std::net::SocketAddr;

use flyteplug_runtime::literals::{LiteralMapExt as _, integer, literal_map, string};
use flyteplug_runtime::serde_json::{Map, Number, Value};
use flyteplug_runtime::{Error, PhaseInfo, PluginInfo, Result, StatusContext, TaskInfo, codes};
use serde::{Deserialize, Serialize};

use crate::service::{CallError, JobState, QueryClient, Submission};

/// The plugin's models, their codec and their glue to the runtime, generated into `OUT_DIR`
/// by `build.rs` (`flyteplug::Builder::generate_backend`) on every build.
#[allow(dead_code)] // a backend uses only part of the generated code
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/flyteplugins_query.backend.rs"));
}

use generated::models::{QueryJobPriority, QueryParameterValue};
use generated::{Custom, Plugin, TaskContext};

/// The backend: a client of the query service.
#[derive(Debug, Clone)]
pub struct QueryBackend {
    client: QueryClient,
}

impl QueryBackend {
    /// A backend running queries on the service at `service`.
    pub fn new(service: SocketAddr) -> Self {
        QueryBackend {
            client: QueryClient::new(service),
        }
    }
}

/// What identifies a started job, e.g. the service's job id. The connector keeps it as JSON in
/// the resource meta Flyte stores, so that any connector instance (also after a restart) can
/// poll and delete the job: keep it small, and keep secrets out of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobMeta {
    /// The service's job id.
    pub job_id: String,
}

/// A service failure: the system's fault, so Flyte retries.
fn downstream(e: CallError) -> Error {
    Error::downstream(e.to_string())
}

/// A JSON number, or the user's error at `path`.
fn number(value: f64, path: &str) -> Result<Value> {
    Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| Error::bad_spec(format!("{path}: {value} is not a JSON number")))
}

/// The statement's parameters: the custom's `parameters`, then the task's inputs (which win
/// over a parameter of the same name). Only primitive inputs bind.
fn parameters(ctx: &TaskContext) -> Result<Map<String, Value>> {
    let mut params = Map::new();
    for (i, p) in ctx.custom().parameters.iter().enumerate() {
        if p.name.is_empty() {
            return Err(Error::bad_spec(format!("parameters[{i}].name: empty")));
        }
        let value = match &p.value {
            None => Value::Null,
            Some(QueryParameterValue::StringValue(s)) => Value::from(s.as_str()),
            Some(QueryParameterValue::IntValue(n)) => Value::from(*n),
            Some(QueryParameterValue::FloatValue(f)) => {
                number(*f, &format!("parameters[{i}].floatValue"))?
            }
            Some(QueryParameterValue::BoolValue(b)) => Value::from(*b),
        };
        params.insert(p.name.clone(), value);
    }
    let inputs = ctx.inputs();
    let mut names: Vec<&String> = inputs.literals.keys().collect();
    names.sort();
    for name in names {
        let value = if let Some(n) = inputs.get_integer(name) {
            Value::from(n)
        } else if let Some(f) = inputs.get_float(name) {
            number(f, &format!("input {name:?}"))?
        } else if let Some(s) = inputs.get_string(name) {
            Value::from(s)
        } else if let Some(b) = inputs.get_boolean(name) {
            Value::from(b)
        } else {
            return Err(Error::bad_spec(format!(
                "input {name:?}: only primitive inputs bind as query parameters"
            )));
        };
        params.insert(name.clone(), value);
    }
    Ok(params)
}

/// The custom's `timeout` in milliseconds (`None` when unset).
fn timeout_ms(custom: &Custom) -> Result<Option<u64>> {
    let Some(t) = &custom.timeout else {
        return Ok(None);
    };
    let (Ok(seconds), Ok(nanos)) = (u64::try_from(t.seconds), u64::try_from(t.nanos)) else {
        return Err(Error::bad_spec("timeout: must not be negative"));
    };
    Ok(Some(
        seconds
            .saturating_mul(1000)
            .saturating_add(nanos / 1_000_000),
    ))
}

impl Plugin for QueryBackend {
    type Custom = Custom;
    type ResourceMeta = JobMeta;
    type Resource = JobState;

    fn info(&self) -> PluginInfo {
        generated::info()
    }

    /// Submits the statement with its parameters, row limit, timeout and priority. A statement
    /// the service refuses is the user's error; an unreachable service is retried up to
    /// `retryCount` times, then the system's error.
    async fn create(&self, ctx: &TaskContext) -> Result<JobMeta> {
        let custom = ctx.custom();
        let submission = Submission {
            statement: custom.statement.clone(),
            params: parameters(ctx)?,
            max_rows: custom.max_rows,
            timeout_ms: timeout_ms(custom)?,
            interactive: matches!(custom.priority, QueryJobPriority::Interactive),
        };
        let attempts = u32::try_from(custom.retry_count)
            .unwrap_or(0)
            .saturating_add(1);
        let mut attempt = 1;
        loop {
            match self.client.submit(&submission).await {
                Ok(job_id) => return Ok(JobMeta { job_id }),
                Err(CallError::Refused(message)) => {
                    return Err(Error::bad_spec(format!("statement: {message}")));
                }
                Err(e) if attempt >= attempts => return Err(downstream(e)),
                Err(_) => attempt += 1,
            }
        }
    }

    /// The job's state; a job the service does not know (it restarted) is the system's error.
    async fn get(&self, meta: &JobMeta) -> Result<JobState> {
        self.client.status(&meta.job_id).await.map_err(downstream)
    }

    /// Cancels the job; the service ignores a job that is done or gone.
    async fn delete(&self, meta: &JobMeta) -> Result<()> {
        self.client.cancel(&meta.job_id).await.map_err(downstream)
    }

    /// Running while the job runs; success with `rows`, `row_count` and `columns` when it is
    /// done; a permanent failure when it failed or was cancelled.
    async fn status(
        &self,
        _ctx: &StatusContext,
        meta: &JobMeta,
        resource: &JobState,
    ) -> Result<PhaseInfo> {
        let mut custom_info = Map::new();
        custom_info.insert("jobId".into(), Value::from(meta.job_id.as_str()));
        let info = TaskInfo::with_custom_info(custom_info);
        Ok(match resource {
            JobState::Running => PhaseInfo::running().with_reason("the query runs"),
            JobState::Done { columns, rows } => {
                let text = flyteplug_runtime::serde_json::to_string(rows)
                    .map_err(|e| Error::system(codes::RUNTIME_FAILURE, format!("rows: {e}")))?;
                let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
                PhaseInfo::success_with_outputs(literal_map([
                    ("rows", string(text)),
                    ("row_count", integer(count)),
                    ("columns", string(columns.join(","))),
                ]))
            }
            JobState::Failed { error } => PhaseInfo::failure("QueryFailed", error.clone()),
            JobState::Cancelled => PhaseInfo::failure("QueryCancelled", "the query was cancelled"),
        }
        .with_info(info))
    }
}
