//! Typed errors that carry Flyte's error kind: the user's fault or the system's.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Who is at fault for an error, as Flyte's `ExecutionError.ErrorKind` says it.
///
/// The kind decides what the connector reports: a [`System`](ErrorKind::System) error is a
/// retryable failure (infrastructure hiccups may pass), a [`User`](ErrorKind::User) error is a
/// permanent one (a bad specification stays bad).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The user's code or specification is wrong; retrying cannot help.
    User,
    /// The platform, the plugin's infrastructure or a downstream system failed; a retry may help.
    System,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::User => "user",
            ErrorKind::System => "system",
        })
    }
}

/// Error codes Flyte's plugins use (the `code` of an [`Error`]). Any string is allowed; these
/// are the ones FlytePropeller and its plugins already speak.
pub mod codes {
    /// The task template, its custom or its inputs are invalid.
    pub const BAD_TASK_SPECIFICATION: &str = "BadTaskSpecification";
    /// The task ran and failed.
    pub const TASK_FAILED_WITH_ERROR: &str = "TaskFailedWithError";
    /// A system the plugin depends on failed.
    pub const DOWNSTREAM_SYSTEM_ERROR: &str = "DownstreamSystemError";
    /// The plugin itself failed at run time.
    pub const RUNTIME_FAILURE: &str = "RuntimeFailure";
    /// A generic system error.
    pub const SYSTEM_ERROR: &str = "SystemError";
    /// A Kubernetes object to create already exists.
    pub const ALREADY_EXISTS: &str = "AlreadyExists";
    /// The Kubernetes object of a task disappeared before the task finished.
    pub const RESOURCE_DELETED_EXTERNALLY: &str = "ResourceDeletedExternally";
}

/// An error from a plugin or from the runtime, with Flyte's error kind and a short code.
///
/// Construct it with [`Error::user`], [`Error::system`] or one of the shortcuts; the connector
/// turns it into a failed `Resource` whose `AgentError` says whether a retry may help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("[{code}] {message}")]
pub struct Error {
    kind: ErrorKind,
    code: String,
    message: String,
}

impl Error {
    /// An error of the given kind.
    pub fn new(kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            kind,
            code: code.into(),
            message: message.into(),
        }
    }

    /// A user error: permanent, the task fails without retry.
    pub fn user(code: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::User, code, message)
    }

    /// A system error: retryable, the task may be retried.
    pub fn system(code: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::System, code, message)
    }

    /// A user error with code [`codes::BAD_TASK_SPECIFICATION`].
    pub fn bad_spec(message: impl Into<String>) -> Self {
        Error::user(codes::BAD_TASK_SPECIFICATION, message)
    }

    /// A system error with code [`codes::DOWNSTREAM_SYSTEM_ERROR`].
    pub fn downstream(message: impl Into<String>) -> Self {
        Error::system(codes::DOWNSTREAM_SYSTEM_ERROR, message)
    }

    /// Who is at fault.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The short error code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether a retry may help: true for system errors.
    pub fn is_retryable(&self) -> bool {
        self.kind == ErrorKind::System
    }
}

/// The result type of plugin methods.
pub type Result<T, E = Error> = std::result::Result<T, E>;
