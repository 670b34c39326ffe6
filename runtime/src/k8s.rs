//! Kubernetes operator plugins, served through the connector's create/get/delete cycle over a
//! [`ResourceClient`].
//!
//! In FlytePropeller, a Kubernetes plugin builds a custom resource (a `SparkApplication`, a
//! `RayJob`, ...) and Propeller creates and watches it. Run as a connector, the runtime does
//! that part: `CreateTask` builds the object with [`K8sPlugin::build_resource`] and creates it
//! through the client, `GetTask` reads it back and asks [`K8sPlugin::phase_from_resource`],
//! `DeleteTask` deletes it.
//!
//! # A real cluster client
//!
//! [`InMemoryResourceClient`] serves tests and examples. A real cluster client implements
//! [`ResourceClient`] over the Kubernetes API, for example with the `kube` crate's dynamic API
//! (a sketch, not compiled here):
//!
//! ```ignore
//! struct KubeClient(kube::Client);
//!
//! impl ResourceClient for KubeClient {
//!     async fn create(&self, object: &KubeObject) -> Result<()> {
//!         let r = object.object_ref();
//!         let api = dynamic_api(&self.0, &r); // Api<DynamicObject> for r's apiVersion, kind, namespace
//!         let obj: DynamicObject = serde_json::from_value(object.to_json()).map_err(bad)?;
//!         match api.create(&PostParams::default(), &obj).await {
//!             Ok(_) => Ok(()),
//!             Err(kube::Error::Api(e)) if e.code == 409 => {
//!                 Err(Error::system(codes::ALREADY_EXISTS, e.message))
//!             }
//!             Err(e) => Err(Error::downstream(e.to_string())),
//!         }
//!     }
//!     async fn get(&self, r: &ObjectRef) -> Result<Option<KubeObject>> {
//!         let obj = dynamic_api(&self.0, r).get_opt(&r.name).await.map_err(down)?;
//!         obj.map(|o| KubeObject::from_json(serde_json::to_value(o).unwrap())).transpose()
//!     }
//!     async fn delete(&self, r: &ObjectRef) -> Result<()> {
//!         match dynamic_api(&self.0, r).delete(&r.name, &DeleteParams::background()).await {
//!             Ok(_) => Ok(()),
//!             Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
//!             Err(e) => Err(Error::downstream(e.to_string())),
//!         }
//!     }
//! }
//! ```
//!
//! The connector then needs RBAC to create, get and delete the plugin's resource kind in the
//! execution namespaces.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::context::{CustomMessage, TaskContext};
use crate::error::{Error, Result, codes};
use crate::phase::PhaseInfo;
use crate::plugin::{PluginInfo, StatusContext};
use crate::proto::flyteidl::admin::TaskExecutionMetadata;

/// A Kubernetes object as JSON: `apiVersion`, `kind`, `metadata`, and whatever else the kind has
/// (`spec`, `status`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KubeObject(Map<String, Value>);

impl KubeObject {
    /// An empty object of a kind, e.g. `KubeObject::new("batch/v1", "Job")`.
    pub fn new(api_version: impl Into<String>, kind: impl Into<String>) -> Self {
        let mut map = Map::new();
        map.insert("apiVersion".into(), Value::String(api_version.into()));
        map.insert("kind".into(), Value::String(kind.into()));
        map.insert("metadata".into(), Value::Object(Map::new()));
        KubeObject(map)
    }

    /// An object from JSON; it must be a JSON object with string `apiVersion` and `kind`.
    pub fn from_json(value: Value) -> Result<Self> {
        let Value::Object(map) = value else {
            return Err(Error::system(
                codes::RUNTIME_FAILURE,
                "a Kubernetes object must be a JSON object",
            ));
        };
        for key in ["apiVersion", "kind"] {
            if !matches!(map.get(key), Some(Value::String(_))) {
                return Err(Error::system(
                    codes::RUNTIME_FAILURE,
                    format!("a Kubernetes object needs a string {key:?}"),
                ));
            }
        }
        Ok(KubeObject(map))
    }

    /// The object as JSON.
    pub fn to_json(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// The object's JSON members.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The object's JSON members, mutable.
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }

    fn str_at(&self, key: &str) -> &str {
        self.0.get(key).and_then(Value::as_str).unwrap_or("")
    }

    fn meta_str(&self, key: &str) -> &str {
        self.0
            .get("metadata")
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    fn metadata_mut(&mut self) -> &mut Map<String, Value> {
        let meta = self
            .0
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !meta.is_object() {
            *meta = Value::Object(Map::new());
        }
        match meta {
            Value::Object(m) => m,
            _ => unreachable!("metadata was just made an object"),
        }
    }

    /// `apiVersion`.
    pub fn api_version(&self) -> &str {
        self.str_at("apiVersion")
    }

    /// `kind`.
    pub fn kind(&self) -> &str {
        self.str_at("kind")
    }

    /// `metadata.name` (empty when unset).
    pub fn name(&self) -> &str {
        self.meta_str("name")
    }

    /// `metadata.namespace` (empty when unset).
    pub fn namespace(&self) -> &str {
        self.meta_str("namespace")
    }

    /// Sets `metadata.name`.
    pub fn set_name(&mut self, name: impl Into<String>) {
        self.metadata_mut()
            .insert("name".into(), Value::String(name.into()));
    }

    /// Sets `metadata.namespace`.
    pub fn set_namespace(&mut self, namespace: impl Into<String>) {
        self.metadata_mut()
            .insert("namespace".into(), Value::String(namespace.into()));
    }

    /// Adds a label unless the object already has one with that key.
    pub fn add_label(&mut self, key: &str, value: &str) {
        self.add_meta_entry("labels", key, value);
    }

    /// Adds an annotation unless the object already has one with that key.
    pub fn add_annotation(&mut self, key: &str, value: &str) {
        self.add_meta_entry("annotations", key, value);
    }

    fn add_meta_entry(&mut self, field: &str, key: &str, value: &str) {
        let entries = self
            .metadata_mut()
            .entry(field)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entries {
            m.entry(key)
                .or_insert_with(|| Value::String(value.to_string()));
        }
    }

    /// `spec`, if present.
    pub fn spec(&self) -> Option<&Value> {
        self.0.get("spec")
    }

    /// Sets `spec`.
    pub fn set_spec(&mut self, spec: Value) {
        self.0.insert("spec".into(), spec);
    }

    /// `status`, if present.
    pub fn status(&self) -> Option<&Value> {
        self.0.get("status")
    }

    /// Sets `status`.
    pub fn set_status(&mut self, status: Value) {
        self.0.insert("status".into(), status);
    }

    /// The reference that names this object.
    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version().to_string(),
            kind: self.kind().to_string(),
            namespace: self.namespace().to_string(),
            name: self.name().to_string(),
        }
    }
}

/// Names one Kubernetes object. The connector keeps it in the resource meta.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// `apiVersion`, e.g. `"batch/v1"`.
    pub api_version: String,
    /// `kind`, e.g. `"Job"`.
    pub kind: String,
    /// The namespace.
    pub namespace: String,
    /// The name.
    pub name: String,
}

/// Settings of a Kubernetes plugin (Go's `k8s.PluginProperties`, the parts a connector uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K8sPluginProperties {
    /// The longest object name to generate (Kubernetes names allow 63 for most kinds).
    pub generated_name_max_length: usize,
    /// Keep the object on `DeleteTask` (Go's `DisableDeleteResourceOnFinalize`).
    pub disable_delete_resource_on_finalize: bool,
}

impl Default for K8sPluginProperties {
    fn default() -> Self {
        K8sPluginProperties {
            generated_name_max_length: 63,
            disable_delete_resource_on_finalize: false,
        }
    }
}

/// A Kubernetes operator plugin (Flyte's `k8s.Plugin`).
pub trait K8sPlugin: Send + Sync + 'static {
    /// The custom message of the task template.
    type Custom: CustomMessage;

    /// The plugin's name and task categories.
    fn info(&self) -> PluginInfo;

    /// The plugin's settings.
    fn properties(&self) -> K8sPluginProperties {
        K8sPluginProperties::default()
    }

    /// An empty object of the kind the plugin creates (`apiVersion` and `kind` only).
    fn build_identity_resource(&self, metadata: &TaskExecutionMetadata) -> Result<KubeObject>;

    /// Builds the object to create for a task: reads the template and its custom. The runtime
    /// fills in a generated name and the execution's namespace, labels and annotations where the
    /// object has none.
    fn build_resource(
        &self,
        ctx: &TaskContext<Self::Custom>,
    ) -> impl Future<Output = Result<KubeObject>> + Send;

    /// Maps the object's current state (usually its `status`) to a phase.
    fn phase_from_resource(&self, ctx: &StatusContext, resource: &KubeObject) -> Result<PhaseInfo>;
}

/// Creates, reads and deletes Kubernetes objects for the connector.
///
/// See the [module documentation](self) for how a real cluster client plugs in.
pub trait ResourceClient: Send + Sync + 'static {
    /// Creates the object. If it exists already, returns an error with code
    /// [`codes::ALREADY_EXISTS`] (the connector then goes on with the existing object).
    fn create(&self, object: &KubeObject) -> impl Future<Output = Result<()>> + Send;

    /// Reads the object; `None` when it does not exist.
    fn get(&self, object: &ObjectRef) -> impl Future<Output = Result<Option<KubeObject>>> + Send;

    /// Deletes the object; deleting one that does not exist succeeds.
    fn delete(&self, object: &ObjectRef) -> impl Future<Output = Result<()>> + Send;
}

/// A [`ResourceClient`] that keeps objects in memory, for tests and examples. Clones share the
/// same objects, so a test can play the operator: read what the connector created and set its
/// status.
#[derive(Debug, Clone, Default)]
pub struct InMemoryResourceClient {
    objects: Arc<Mutex<BTreeMap<ObjectRef, KubeObject>>>,
}

impl InMemoryResourceClient {
    /// An empty store.
    pub fn new() -> Self {
        InMemoryResourceClient::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<ObjectRef, KubeObject>> {
        self.objects
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every stored object, in reference order.
    pub fn objects(&self) -> Vec<KubeObject> {
        self.lock().values().cloned().collect()
    }

    /// One stored object.
    pub fn object(&self, object: &ObjectRef) -> Option<KubeObject> {
        self.lock().get(object).cloned()
    }

    /// Changes a stored object; returns false when there is none.
    pub fn update(&self, object: &ObjectRef, change: impl FnOnce(&mut KubeObject)) -> bool {
        match self.lock().get_mut(object) {
            Some(o) => {
                change(o);
                true
            }
            None => false,
        }
    }

    /// Sets the `status` of a stored object; returns false when there is none.
    pub fn set_status(&self, object: &ObjectRef, status: Value) -> bool {
        self.update(object, |o| o.set_status(status))
    }
}

impl ResourceClient for InMemoryResourceClient {
    async fn create(&self, object: &KubeObject) -> Result<()> {
        let key = object.object_ref();
        let mut objects = self.lock();
        if objects.contains_key(&key) {
            return Err(Error::system(
                codes::ALREADY_EXISTS,
                format!("{} {}/{} already exists", key.kind, key.namespace, key.name),
            ));
        }
        objects.insert(key, object.clone());
        Ok(())
    }

    async fn get(&self, object: &ObjectRef) -> Result<Option<KubeObject>> {
        Ok(self.lock().get(object).cloned())
    }

    async fn delete(&self, object: &ObjectRef) -> Result<()> {
        self.lock().remove(object);
        Ok(())
    }
}

/// The object name for a task: `<execution>-<node>-<attempt>`, lowercased to a Kubernetes name
/// (letters, digits, `-`), shortened with a hash suffix when longer than `max_len`.
pub fn generated_name(metadata: &TaskExecutionMetadata, max_len: usize) -> String {
    let id = metadata.task_execution_id.as_ref();
    let node = id.and_then(|i| i.node_execution_id.as_ref());
    let exec = node
        .and_then(|n| n.execution_id.as_ref())
        .map_or("", |e| e.name.as_str());
    let node_id = node.map_or("", |n| n.node_id.as_str());
    let attempt = id.map_or(0, |i| i.retry_attempt);
    let raw = format!("{exec}-{node_id}-{attempt}");
    let mut name: String = raw
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => c,
            _ => '-',
        })
        .collect();
    name = name.trim_matches('-').to_string();
    if name.is_empty() || exec.is_empty() {
        name = format!("flyteplug-{}", crate::host::new_task_id());
    }
    let max_len = max_len.max(24);
    if name.len() > max_len {
        let hash = fnv1a(raw.as_bytes());
        let keep = max_len - 17;
        name = format!("{}-{hash:016x}", name[..keep].trim_end_matches('-'));
    }
    name
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::flyteidl::core::{
        NodeExecutionIdentifier, TaskExecutionIdentifier, WorkflowExecutionIdentifier,
    };

    fn meta(exec: &str, node: &str, attempt: u32) -> TaskExecutionMetadata {
        TaskExecutionMetadata {
            task_execution_id: Some(TaskExecutionIdentifier {
                task_id: None,
                node_execution_id: Some(NodeExecutionIdentifier {
                    node_id: node.into(),
                    execution_id: Some(WorkflowExecutionIdentifier {
                        name: exec.into(),
                        ..Default::default()
                    }),
                }),
                retry_attempt: attempt,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn names_follow_the_execution() {
        assert_eq!(generated_name(&meta("ABC123", "n0", 2), 63), "abc123-n0-2");
        assert_eq!(
            generated_name(&meta("x_y", "n0.dn1", 0), 63),
            "x-y-n0-dn1-0"
        );
    }

    #[test]
    fn long_names_are_hashed_and_bounded() {
        let long = "e".repeat(100);
        let a = generated_name(&meta(&long, "n0", 0), 63);
        let b = generated_name(&meta(&long, "n0", 1), 63);
        assert!(a.len() <= 63 && b.len() <= 63, "{a} {b}");
        assert_ne!(a, b);
    }

    #[test]
    fn no_execution_id_gives_a_unique_name() {
        let a = generated_name(&TaskExecutionMetadata::default(), 63);
        let b = generated_name(&TaskExecutionMetadata::default(), 63);
        assert!(a.starts_with("flyteplug-"));
        assert_ne!(a, b);
    }

    #[test]
    fn labels_do_not_override() {
        let mut o = KubeObject::new("v1", "Pod");
        o.add_label("a", "1");
        o.add_label("a", "2");
        assert_eq!(o.as_map()["metadata"]["labels"]["a"], "1");
    }
}
