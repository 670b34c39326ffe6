//! The resource meta the connector hands to Flyte: self-describing bytes that any instance of
//! the same connector decodes again, also after a restart.
//!
//! It is a small versioned JSON document:
//!
//! ```json
//! {"flyteplug":1,"category":{"name":"mytask","version":0},"kind":"web_api","meta":{"jobId":"j-1"}}
//! ```
//!
//! `kind` says which backend made it: `web_api` (the plugin's own resource meta, serialized
//! with serde), `k8s` (a reference to the created object), `core` (the host's task id and,
//! unless turned off, the whole request in base64 protobuf so a restarted host can resume it),
//! or `failed` (the task failed at create time; `GetTask` reports the error).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use prost::Message as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::context::TaskRequest;
use crate::error::Error;
use crate::k8s::ObjectRef;
use crate::plugin::TaskCategory;
use crate::proto::flyteidl::admin::CreateTaskRequest;

/// The envelope version this runtime writes and the newest it reads.
pub const VERSION: u32 = 1;

/// A decoded resource meta.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The envelope version.
    pub flyteplug: u32,
    /// The task category the meta belongs to.
    pub category: TaskCategory,
    /// What the backend keeps.
    #[serde(flatten)]
    pub body: Body,
}

/// What a backend keeps in the resource meta.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// A web API plugin's resource meta.
    WebApi {
        /// The plugin's resource meta as JSON.
        meta: Value,
    },
    /// A Kubernetes object.
    K8s {
        /// The object.
        object: ObjectRef,
    },
    /// A core plugin task.
    Core {
        /// The host's task id.
        id: String,
        /// The task request (`CreateTaskRequest` protobuf, base64), to resume after a restart.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<String>,
    },
    /// The task failed when it was created.
    Failed {
        /// The error.
        error: Error,
    },
}

impl Envelope {
    /// An envelope of the current version.
    pub fn new(category: TaskCategory, body: Body) -> Self {
        Envelope {
            flyteplug: VERSION,
            category,
            body,
        }
    }

    /// The bytes.
    pub fn encode(&self) -> Vec<u8> {
        // Serializing these types to JSON cannot fail (string keys, no non-finite floats
        // outside `Value`, which cannot hold them).
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Decodes bytes a connector of this runtime wrote; the error says why others are not.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let value: Value = serde_json::from_slice(bytes).map_err(|_| {
            "the resource meta was not written by a flyteplug connector".to_string()
        })?;
        let version = value
            .get("flyteplug")
            .and_then(Value::as_u64)
            .ok_or_else(|| {
                "the resource meta was not written by a flyteplug connector".to_string()
            })?;
        if version > u64::from(VERSION) || version == 0 {
            return Err(format!(
                "the resource meta has envelope version {version}; this connector reads up to {VERSION}"
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("the resource meta is malformed: {e}"))
    }
}

/// The request as base64 protobuf (for [`Body::Core`]).
pub fn encode_request(request: &TaskRequest) -> String {
    let wire = CreateTaskRequest {
        inputs: Some(request.inputs.clone()),
        template: Some(request.template.clone()),
        output_prefix: request.output_prefix.clone(),
        task_execution_metadata: Some(request.metadata.clone()),
    };
    STANDARD.encode(wire.encode_to_vec())
}

/// The request from [`encode_request`]'s text.
pub fn decode_request(text: &str) -> Result<TaskRequest, String> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| format!("the stored request is not base64: {e}"))?;
    let wire = CreateTaskRequest::decode(bytes.as_slice())
        .map_err(|e| format!("the stored request does not decode: {e}"))?;
    Ok(TaskRequest {
        template: wire.template.unwrap_or_default(),
        inputs: wire.inputs.unwrap_or_default(),
        output_prefix: wire.output_prefix,
        metadata: wire.task_execution_metadata.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::flyteidl::core::TaskTemplate;
    use serde_json::json;

    #[test]
    fn the_format_is_the_documented_json() {
        let e = Envelope::new(
            TaskCategory::new("mytask", 0),
            Body::WebApi {
                meta: json!({"jobId": "j-1"}),
            },
        );
        let text = String::from_utf8(e.encode()).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            json!({"flyteplug": 1, "category": {"name": "mytask", "version": 0},
                   "kind": "web_api", "meta": {"jobId": "j-1"}})
        );
        assert_eq!(Envelope::decode(text.as_bytes()).unwrap(), e);
    }

    #[test]
    fn every_body_round_trips() {
        let bodies = [
            Body::K8s {
                object: ObjectRef {
                    api_version: "batch/v1".into(),
                    kind: "Job".into(),
                    namespace: "ns".into(),
                    name: "n".into(),
                },
            },
            Body::Core {
                id: "1".into(),
                request: Some("AA==".into()),
            },
            Body::Core {
                id: "2".into(),
                request: None,
            },
            Body::Failed {
                error: Error::bad_spec("x: bad"),
            },
        ];
        for body in bodies {
            let e = Envelope::new(TaskCategory::new("t", 3), body);
            assert_eq!(Envelope::decode(&e.encode()).unwrap(), e);
        }
    }

    #[test]
    fn foreign_or_future_bytes_are_refused_clearly() {
        assert!(
            Envelope::decode(b"\x00\x01")
                .unwrap_err()
                .contains("not written by")
        );
        assert!(
            Envelope::decode(b"{\"a\":1}")
                .unwrap_err()
                .contains("not written by")
        );
        let future =
            br#"{"flyteplug":2,"category":{"name":"t","version":0},"kind":"web_api","meta":1}"#;
        assert!(Envelope::decode(future).unwrap_err().contains("version 2"));
        let bad = br#"{"flyteplug":1,"category":{"name":"t","version":0},"kind":"nope"}"#;
        assert!(Envelope::decode(bad).unwrap_err().contains("malformed"));
    }

    #[test]
    fn requests_round_trip() {
        let r = TaskRequest::new(TaskTemplate {
            r#type: "t".into(),
            task_type_version: 2,
            ..Default::default()
        })
        .with_output_prefix("s3://b/p");
        assert_eq!(decode_request(&encode_request(&r)).unwrap(), r);
    }
}
