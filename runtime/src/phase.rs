//! Task phases and phase info, mirroring Flyte's plugin machinery (`pluginsCore.Phase` and
//! `pluginsCore.PhaseInfo`).

use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, codes};
use crate::proto::flyteidl::core::LiteralMap;

/// The phase of a task, in Flyte's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Nothing is known yet.
    Undefined,
    /// The task cannot start yet (e.g. a quota is exhausted).
    NotReady,
    /// The task waits for resources.
    WaitingForResources,
    /// The task is accepted and waits to start.
    Queued,
    /// The task is being set up.
    Initializing,
    /// The task runs.
    Running,
    /// The task succeeded.
    Success,
    /// The task failed; a retry may succeed.
    RetryableFailure,
    /// The task failed; retrying cannot help.
    PermanentFailure,
    /// The task waits for a cached result another execution is producing.
    WaitingForCache,
    /// The task was aborted.
    Aborted,
}

impl Phase {
    /// Whether the phase is final: success, either failure, or aborted.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Phase::Success | Phase::RetryableFailure | Phase::PermanentFailure | Phase::Aborted
        )
    }

    /// Whether the phase is a failure (retryable or permanent).
    pub fn is_failure(self) -> bool {
        matches!(self, Phase::RetryableFailure | Phase::PermanentFailure)
    }

    /// Whether the phase is success.
    pub fn is_success(self) -> bool {
        self == Phase::Success
    }
}

/// A link to the logs of a task, shown in Flyte's console.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogLink {
    /// The name shown for the link.
    pub name: String,
    /// The link.
    pub uri: String,
    /// Show the link while the task is still pending.
    pub show_while_pending: bool,
    /// Hide the link once the task has finished.
    pub hide_once_finished: bool,
}

impl LogLink {
    /// A link with a name and a URI.
    pub fn new(name: impl Into<String>, uri: impl Into<String>) -> Self {
        LogLink {
            name: name.into(),
            uri: uri.into(),
            ..LogLink::default()
        }
    }
}

/// Extra information about a task: log links, custom info and when the phase was observed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskInfo {
    /// Links to the task's logs.
    pub logs: Vec<LogLink>,
    /// Free-form information shown with the task (a `google.protobuf.Struct` on the wire).
    pub custom_info: Option<Map<String, Value>>,
    /// When the phase was observed. The connector protocol does not carry it; it is for
    /// plugins and hosts that keep their own records.
    pub occurred_at: Option<SystemTime>,
}

impl TaskInfo {
    /// Task info with log links.
    pub fn with_logs(logs: Vec<LogLink>) -> Self {
        TaskInfo {
            logs,
            ..TaskInfo::default()
        }
    }

    /// Task info with custom info.
    pub fn with_custom_info(custom_info: Map<String, Value>) -> Self {
        TaskInfo {
            custom_info: Some(custom_info),
            ..TaskInfo::default()
        }
    }
}

/// The phase of a task with everything that goes with it: a version, a reason, task info, the
/// error of a failure and the outputs of a success.
///
/// Build it with the constructor of the phase (`PhaseInfo::running()`,
/// `PhaseInfo::success()`, `PhaseInfo::failure(...)`, ...) and the `with_*` methods.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseInfo {
    phase: Phase,
    version: u32,
    reason: String,
    info: Option<TaskInfo>,
    error: Option<Error>,
    outputs: Option<LiteralMap>,
}

impl PhaseInfo {
    fn of(phase: Phase, reason: impl Into<String>) -> Self {
        PhaseInfo {
            phase,
            version: 0,
            reason: reason.into(),
            info: None,
            error: None,
            outputs: None,
        }
    }

    /// Nothing known yet.
    pub fn undefined() -> Self {
        PhaseInfo::of(Phase::Undefined, "")
    }

    /// The task cannot start yet.
    pub fn not_ready(reason: impl Into<String>) -> Self {
        PhaseInfo::of(Phase::NotReady, reason)
    }

    /// The task waits for resources.
    pub fn waiting_for_resources(reason: impl Into<String>) -> Self {
        PhaseInfo::of(Phase::WaitingForResources, reason)
    }

    /// The task is queued.
    pub fn queued(reason: impl Into<String>) -> Self {
        PhaseInfo::of(Phase::Queued, reason)
    }

    /// The task is being set up.
    pub fn initializing(reason: impl Into<String>) -> Self {
        PhaseInfo::of(Phase::Initializing, reason)
    }

    /// The task runs.
    pub fn running() -> Self {
        PhaseInfo::of(Phase::Running, "")
    }

    /// The task waits for a cached result.
    pub fn waiting_for_cache() -> Self {
        PhaseInfo::of(Phase::WaitingForCache, "")
    }

    /// The task succeeded.
    pub fn success() -> Self {
        PhaseInfo::of(Phase::Success, "")
    }

    /// The task succeeded with these outputs.
    pub fn success_with_outputs(outputs: LiteralMap) -> Self {
        PhaseInfo::success().with_outputs(outputs)
    }

    /// The task was aborted.
    pub fn aborted(reason: impl Into<String>) -> Self {
        PhaseInfo::of(Phase::Aborted, reason)
    }

    /// A failure in the given phase with the given error. A phase that is not a failure
    /// becomes [`Phase::PermanentFailure`].
    pub fn failed(phase: Phase, error: Error) -> Self {
        let phase = if phase.is_failure() {
            phase
        } else {
            Phase::PermanentFailure
        };
        PhaseInfo {
            error: Some(error),
            ..PhaseInfo::of(phase, "")
        }
    }

    /// A permanent failure that is the user's fault (Go's `PhaseInfoFailure`).
    pub fn failure(code: impl Into<String>, message: impl Into<String>) -> Self {
        PhaseInfo::failed(Phase::PermanentFailure, Error::user(code, message))
    }

    /// A retryable failure that is the user's fault (Go's `PhaseInfoRetryableFailure`).
    pub fn retryable_failure(code: impl Into<String>, message: impl Into<String>) -> Self {
        PhaseInfo::failed(Phase::RetryableFailure, Error::user(code, message))
    }

    /// A permanent failure that is the system's fault (Go's `PhaseInfoSystemFailure`).
    pub fn system_failure(code: impl Into<String>, message: impl Into<String>) -> Self {
        PhaseInfo::failed(Phase::PermanentFailure, Error::system(code, message))
    }

    /// A retryable failure that is the system's fault (Go's `PhaseInfoSystemRetryableFailure`).
    pub fn system_retryable_failure(code: impl Into<String>, message: impl Into<String>) -> Self {
        PhaseInfo::failed(Phase::RetryableFailure, Error::system(code, message))
    }

    /// The failure an [`Error`] stands for: a system error is retryable, a user error is
    /// permanent.
    pub fn from_error(error: Error) -> Self {
        let phase = match error.kind() {
            ErrorKind::System => Phase::RetryableFailure,
            ErrorKind::User => Phase::PermanentFailure,
        };
        PhaseInfo::failed(phase, error)
    }

    /// Sets the phase version (bump it to report a change within the same phase).
    pub fn with_version(mut self, version: u32) -> Self {
        self.version = version;
        self
    }

    /// Sets the reason, a message for people.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }

    /// Sets the task info.
    pub fn with_info(mut self, info: TaskInfo) -> Self {
        self.info = Some(info);
        self
    }

    /// Sets the outputs (reported with a success).
    pub fn with_outputs(mut self, outputs: LiteralMap) -> Self {
        self.outputs = Some(outputs);
        self
    }

    /// The phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The phase version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The task info, if any.
    pub fn info(&self) -> Option<&TaskInfo> {
        self.info.as_ref()
    }

    /// The error of a failure. A failure built without one reports
    /// [`codes::TASK_FAILED_WITH_ERROR`] on the wire.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// The outputs, if any.
    pub fn outputs(&self) -> Option<&LiteralMap> {
        self.outputs.as_ref()
    }

    /// The message for people: the error's message for a failure, else the reason.
    pub fn message(&self) -> &str {
        match &self.error {
            Some(e) => e.message(),
            None => &self.reason,
        }
    }

    /// The error code a failure reports: the error's code, or
    /// [`codes::TASK_FAILED_WITH_ERROR`].
    pub fn error_code(&self) -> &str {
        self.error
            .as_ref()
            .map_or(codes::TASK_FAILED_WITH_ERROR, |e| e.code())
    }
}

impl From<Error> for PhaseInfo {
    fn from(error: Error) -> Self {
        PhaseInfo::from_error(error)
    }
}
