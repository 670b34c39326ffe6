//! A fake Spark operator over an in-memory cluster, for the example and its tests.
//!
//! The real operator watches `SparkApplication` objects and writes
//! `status.applicationState.state` as the application goes through `SUBMITTED`, `RUNNING` and
//! `COMPLETED` (or `FAILED`). This one advances each object by one state every time the
//! connector reads it; an application whose `mainApplicationFile` contains `fail` ends
//! `FAILED`.

use flyteplug_runtime::serde_json::json;
use flyteplug_runtime::{InMemoryResourceClient, KubeObject, ObjectRef, ResourceClient, Result};

/// The in-memory cluster with the fake operator. Clones share the objects.
#[derive(Debug, Clone, Default)]
pub struct FakeSparkOperator {
    cluster: InMemoryResourceClient,
}

impl FakeSparkOperator {
    /// The objects in the cluster (to look at what the connector created).
    pub fn cluster(&self) -> &InMemoryResourceClient {
        &self.cluster
    }
}

/// The state after `state` for an application that fails or not.
fn next_state(state: Option<&str>, fails: bool) -> Option<&'static str> {
    match state {
        None | Some("") => Some("SUBMITTED"),
        Some("SUBMITTED") => Some("RUNNING"),
        Some("RUNNING") if fails => Some("FAILED"),
        Some("RUNNING") => Some("COMPLETED"),
        _ => None,
    }
}

impl ResourceClient for FakeSparkOperator {
    async fn create(&self, object: &KubeObject) -> Result<()> {
        self.cluster.create(object).await
    }

    async fn get(&self, object: &ObjectRef) -> Result<Option<KubeObject>> {
        let current = self.cluster.get(object).await?;
        if let Some(app) = &current {
            let state = app
                .status()
                .and_then(|s| s.pointer("/applicationState/state"))
                .and_then(|s| s.as_str());
            let fails = app
                .spec()
                .and_then(|s| s.get("mainApplicationFile"))
                .and_then(|f| f.as_str())
                .is_some_and(|f| f.contains("fail"));
            if let Some(next) = next_state(state, fails) {
                let mut status = json!({"applicationState": {"state": next}});
                if next == "FAILED" {
                    status["applicationState"]["errorMessage"] =
                        json!("driver container failed with ExitCode: 1");
                }
                self.cluster.set_status(object, status);
            }
        }
        Ok(current)
    }

    async fn delete(&self, object: &ObjectRef) -> Result<()> {
        self.cluster.delete(object).await
    }
}
