//! The plugin traits, one per backend kind, mirroring Flyte's Go plugin machinery.
//!
//! | Flyte (Go)                 | here                                   |
//! |----------------------------|----------------------------------------|
//! | `webapi.AsyncPlugin`       | [`AsyncPlugin`]: create, get, delete, status |
//! | `webapi.SyncPlugin`        | [`SyncPlugin`]: do                     |
//! | `k8s.Plugin`               | [`K8sPlugin`](crate::k8s::K8sPlugin): build resource, build identity resource, phase from resource, properties |
//! | `core.Plugin`              | [`CorePlugin`]: handle, abort, finalize |
//!
//! Methods are `async`: the traits declare them as `fn ... -> impl Future<Output = ...> + Send`,
//! and an implementation simply writes `async fn`. The `Send` bound lets the connector run
//! plugins on Tokio's multi-threaded runtime. The connector erases the plugin types internally,
//! so neither `async-trait` nor boxed futures show up in the traits.

use std::fmt;
use std::future::Future;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::context::{CustomMessage, TaskContext};
use crate::error::Result;
use crate::phase::PhaseInfo;
use crate::proto::flyteidl::admin;

/// A task category: the task type and its version. The connector routes tasks by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TaskCategory {
    /// The task type (`TaskTemplate.type`).
    pub name: String,
    /// The task type version (`TaskTemplate.task_type_version`).
    pub version: i32,
}

impl TaskCategory {
    /// A category.
    pub fn new(name: impl Into<String>, version: i32) -> Self {
        TaskCategory {
            name: name.into(),
            version,
        }
    }
}

impl fmt::Display for TaskCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} version {}", self.name, self.version)
    }
}

impl From<&admin::TaskCategory> for TaskCategory {
    fn from(c: &admin::TaskCategory) -> Self {
        TaskCategory::new(&c.name, c.version)
    }
}

impl From<TaskCategory> for admin::TaskCategory {
    fn from(c: TaskCategory) -> Self {
        admin::TaskCategory {
            name: c.name,
            version: c.version,
        }
    }
}

/// A plugin's name and the task categories it serves; the metadata service lists it as an
/// `Agent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginInfo {
    /// The plugin's name (the `Agent.name` of the metadata service).
    pub name: String,
    /// The task categories it serves.
    pub categories: Vec<TaskCategory>,
}

impl PluginInfo {
    /// A plugin with a name and no categories yet.
    pub fn new(name: impl Into<String>) -> Self {
        PluginInfo {
            name: name.into(),
            categories: Vec::new(),
        }
    }

    /// Adds a task category.
    pub fn with_category(mut self, task_type: impl Into<String>, version: i32) -> Self {
        self.categories.push(TaskCategory::new(task_type, version));
        self
    }
}

/// What a status call knows about the task besides the resource meta.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatusContext {
    /// The task category.
    pub category: TaskCategory,
    /// Where the task's outputs go.
    pub output_prefix: String,
}

impl Default for TaskCategory {
    fn default() -> Self {
        TaskCategory::new("", 0)
    }
}

/// A web API plugin for long-running jobs (Flyte's `webapi.AsyncPlugin`): it starts a job on an
/// external service, then is polled until the job is done.
///
/// The connector calls [`create`](AsyncPlugin::create) on `CreateTask`, persists the returned
/// resource meta (serialized with serde) inside the bytes Flyte stores, and on every `GetTask`
/// calls [`get`](AsyncPlugin::get) then [`status`](AsyncPlugin::status). `DeleteTask` calls
/// [`delete`](AsyncPlugin::delete).
pub trait AsyncPlugin: Send + Sync + 'static {
    /// The custom message of the task template.
    type Custom: CustomMessage;
    /// The state that identifies a started job (e.g. a job id). It is serialized into the
    /// resource meta Flyte keeps, so it survives connector restarts; keep it small.
    type ResourceMeta: Serialize + DeserializeOwned + Send + Sync + 'static;
    /// The latest observed state of a job, as [`get`](AsyncPlugin::get) fetches it.
    type Resource: Send + Sync + 'static;

    /// The plugin's name and task categories.
    fn info(&self) -> PluginInfo;

    /// Starts the job and returns its resource meta. Errors: a user error for a bad
    /// specification, a system error for a failing service.
    fn create(
        &self,
        ctx: &TaskContext<Self::Custom>,
    ) -> impl Future<Output = Result<Self::ResourceMeta>> + Send;

    /// Fetches the job's latest state.
    fn get(&self, meta: &Self::ResourceMeta)
    -> impl Future<Output = Result<Self::Resource>> + Send;

    /// Cancels the job, or releases what it holds once it is done. Called once per task, also
    /// after success; deleting something already gone must succeed.
    fn delete(&self, meta: &Self::ResourceMeta) -> impl Future<Output = Result<()>> + Send;

    /// Maps the job's state to a phase (with outputs on success).
    fn status(
        &self,
        ctx: &StatusContext,
        meta: &Self::ResourceMeta,
        resource: &Self::Resource,
    ) -> impl Future<Output = Result<PhaseInfo>> + Send;
}

/// A web API plugin for requests that complete within one call (Flyte's `webapi.SyncPlugin`).
/// The connector serves it through `ExecuteTaskSync`.
pub trait SyncPlugin: Send + Sync + 'static {
    /// The custom message of the task template.
    type Custom: CustomMessage;

    /// The plugin's name and task categories.
    fn info(&self) -> PluginInfo;

    /// Runs the task to the end (Go's `Do`) and returns its final phase: success with outputs,
    /// or a failure.
    fn do_task(
        &self,
        ctx: &TaskContext<Self::Custom>,
    ) -> impl Future<Output = Result<PhaseInfo>> + Send;
}

/// A core plugin (Flyte's `core.Plugin`): a state machine that the host drives by calling
/// [`handle`](CorePlugin::handle) until it returns a terminal phase.
///
/// `handle` must not block and must be idempotent: it is called repeatedly, and after a
/// connector restart the host starts again from the default state.
pub trait CorePlugin: Send + Sync + 'static {
    /// The custom message of the task template.
    type Custom: CustomMessage;
    /// The plugin's state between `handle` calls (Go's plugin state); starts as the default.
    type State: Default + Send + 'static;

    /// The plugin's name and task categories.
    fn info(&self) -> PluginInfo;

    /// Advances the task one step and returns its phase.
    fn handle(
        &self,
        ctx: &TaskContext<Self::Custom>,
        state: &mut Self::State,
    ) -> impl Future<Output = Result<PhaseInfo>> + Send;

    /// Stops a task that has not reached a terminal phase.
    fn abort(
        &self,
        ctx: &TaskContext<Self::Custom>,
        state: &mut Self::State,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Releases what the task holds; called once after a terminal phase or an abort.
    fn finalize(
        &self,
        ctx: &TaskContext<Self::Custom>,
        state: &mut Self::State,
    ) -> impl Future<Output = Result<()>> + Send;
}
