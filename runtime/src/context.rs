//! The task context a plugin receives: the task template with its typed custom, the inputs, the
//! output prefix and the execution metadata.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::json::struct_to_json;
use crate::plugin::TaskCategory;
use crate::proto::flyteidl::admin::TaskExecutionMetadata;
use crate::proto::flyteidl::core::{LiteralMap, TaskTemplate};

/// A custom message failed to decode. The message starts with the JSON path of the bad value,
/// as flyteplug's generated codecs write it (`sparkConf.x: expected a string, got number`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CustomError {
    message: String,
}

impl CustomError {
    /// An error with this message (which should start with the JSON path).
    pub fn new(message: impl Into<String>) -> Self {
        CustomError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A decoded custom message and the unknown keys the decoder skipped (as JSON paths).
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<T> {
    /// The decoded message.
    pub value: T,
    /// The JSON paths of keys the decoder did not know (ignored, and logged by the runtime).
    pub unknown_keys: Vec<String>,
}

impl<T> Decoded<T> {
    /// A decoded value without unknown keys.
    pub fn new(value: T) -> Self {
        Decoded {
            value,
            unknown_keys: Vec::new(),
        }
    }
}

/// The typed decode hook for `TaskTemplate.custom`: a plugin's custom message type implements it
/// (flyteplug's generated glue does, with the generated codec).
///
/// The runtime converts the template's `custom` Struct to JSON and calls
/// [`from_custom_json`](CustomMessage::from_custom_json); `None` means the template has no
/// custom (flytekit omits an empty one), which must decode as the default message.
pub trait CustomMessage: Sized + Send + Sync + 'static {
    /// Decodes the custom JSON leniently: unknown keys are returned, not rejected.
    fn from_custom_json(custom: Option<&Value>) -> Result<Decoded<Self>, CustomError>;
}

/// The raw JSON: a missing custom is the empty object.
impl CustomMessage for Value {
    fn from_custom_json(custom: Option<&Value>) -> Result<Decoded<Self>, CustomError> {
        Ok(Decoded::new(
            custom.cloned().unwrap_or_else(|| Value::Object(Map::new())),
        ))
    }
}

/// No custom at all: whatever the template holds is ignored.
impl CustomMessage for () {
    fn from_custom_json(_custom: Option<&Value>) -> Result<Decoded<Self>, CustomError> {
        Ok(Decoded::new(()))
    }
}

/// Everything a connector receives to start a task, before the custom is decoded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskRequest {
    /// The task template.
    pub template: TaskTemplate,
    /// The task's inputs.
    pub inputs: LiteralMap,
    /// Where the task's outputs go (a blob-store prefix).
    pub output_prefix: String,
    /// The execution's metadata: ids, namespace, labels, service account, environment.
    pub metadata: TaskExecutionMetadata,
}

impl TaskRequest {
    /// A request for this template, with no inputs, output prefix or metadata.
    pub fn new(template: TaskTemplate) -> Self {
        TaskRequest {
            template,
            ..TaskRequest::default()
        }
    }

    /// Sets the inputs.
    pub fn with_inputs(mut self, inputs: LiteralMap) -> Self {
        self.inputs = inputs;
        self
    }

    /// Sets the output prefix.
    pub fn with_output_prefix(mut self, output_prefix: impl Into<String>) -> Self {
        self.output_prefix = output_prefix.into();
        self
    }

    /// Sets the execution metadata.
    pub fn with_metadata(mut self, metadata: TaskExecutionMetadata) -> Self {
        self.metadata = metadata;
        self
    }

    /// The task category (type and version) of the template.
    pub fn category(&self) -> TaskCategory {
        TaskCategory::new(&self.template.r#type, self.template.task_type_version)
    }

    /// The template's custom as JSON; `None` when the template has none.
    pub fn custom_json(&self) -> Result<Option<Value>, CustomError> {
        self.template
            .custom
            .as_ref()
            .map(|s| struct_to_json(s).map(Value::Object))
            .transpose()
    }
}

/// The context of one task for a plugin: the request and its custom, decoded to `C`.
///
/// Cheap to clone (the request is shared).
#[derive(Debug)]
pub struct TaskContext<C> {
    request: Arc<TaskRequest>,
    custom_json: Option<Value>,
    custom: Arc<C>,
    unknown_keys: Vec<String>,
}

impl<C> Clone for TaskContext<C> {
    fn clone(&self) -> Self {
        TaskContext {
            request: Arc::clone(&self.request),
            custom_json: self.custom_json.clone(),
            custom: Arc::clone(&self.custom),
            unknown_keys: self.unknown_keys.clone(),
        }
    }
}

impl<C: CustomMessage> TaskContext<C> {
    /// Decodes the request's custom into `C`.
    ///
    /// A missing custom decodes as the default message; unknown keys are logged (`warn`) and
    /// kept in [`unknown_custom_keys`](TaskContext::unknown_custom_keys). A custom that fails to
    /// decode is a user error with code `BadTaskSpecification` whose message names the JSON
    /// path.
    pub fn from_request(request: impl Into<Arc<TaskRequest>>) -> Result<Self, Error> {
        let request = request.into();
        let category = request.category();
        let bad_spec = |e: CustomError| {
            Error::bad_spec(format!(
                "invalid custom for task category {category}: {}",
                e.message()
            ))
        };
        let custom_json = request.custom_json().map_err(bad_spec)?;
        let decoded = C::from_custom_json(custom_json.as_ref()).map_err(bad_spec)?;
        if !decoded.unknown_keys.is_empty() {
            tracing::warn!(
                category = %category,
                unknown_keys = ?decoded.unknown_keys,
                "the task's custom has keys this plugin does not know; they are ignored"
            );
        }
        Ok(TaskContext {
            request,
            custom_json,
            custom: Arc::new(decoded.value),
            unknown_keys: decoded.unknown_keys,
        })
    }
}

impl<C> TaskContext<C> {
    /// The decoded custom message.
    pub fn custom(&self) -> &C {
        &self.custom
    }

    /// The template's custom as JSON, as received (`None` when the template has none).
    pub fn custom_json(&self) -> Option<&Value> {
        self.custom_json.as_ref()
    }

    /// The JSON paths of custom keys the decoder did not know.
    pub fn unknown_custom_keys(&self) -> &[String] {
        &self.unknown_keys
    }

    /// The task template.
    pub fn template(&self) -> &TaskTemplate {
        &self.request.template
    }

    /// The task category (type and version).
    pub fn category(&self) -> TaskCategory {
        self.request.category()
    }

    /// The task's inputs.
    pub fn inputs(&self) -> &LiteralMap {
        &self.request.inputs
    }

    /// Where the task's outputs go.
    pub fn output_prefix(&self) -> &str {
        &self.request.output_prefix
    }

    /// The execution's metadata.
    pub fn metadata(&self) -> &TaskExecutionMetadata {
        &self.request.metadata
    }

    /// The whole request.
    pub fn request(&self) -> &Arc<TaskRequest> {
        &self.request
    }
}
