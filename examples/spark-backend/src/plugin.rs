// Scaffolded by flyteplug for the `spark` plugin. This file is yours:
// `flyteplug::Builder::scaffold_into` (in build.rs) writes it when it is missing and never
// overwrites it.

//! The backend of the `spark` plugin.
//!
//! It is a Kubernetes operator plugin (Flyte's `k8s.Plugin`): on `CreateTask` the connector
//! builds an object with [`Plugin::build_resource`] and creates it through its
//! `ResourceClient`; on every `GetTask` it reads the object back and asks
//! [`Plugin::phase_from_resource`]; `DeleteTask` deletes it. `Plugin::properties` (the length
//! of generated names, keeping objects on delete) has a default.
//!
//! This one builds a `SparkApplication` for the Spark operator (`sparkoperator.k8s.io/v1beta2`)
//! from the task's `SparkJob` and its container, and maps the operator's
//! `status.applicationState.state` to a phase, as Flyte's own Spark plugin does.

use std::collections::BTreeMap;

use flyteplug_runtime::proto::flyteidl::admin::TaskExecutionMetadata;
use flyteplug_runtime::proto::flyteidl::core::task_template::Target;
use flyteplug_runtime::serde_json::{Map, Value, json};
use flyteplug_runtime::{
    Error, KubeObject, PhaseInfo, PluginInfo, Result, StatusContext, TaskInfo, codes,
};

/// The plugin's models, their codec and their glue to the runtime, generated into `OUT_DIR`
/// by `build.rs` (`flyteplug::Builder::generate_backend`) on every build.
#[allow(dead_code)] // a backend uses only part of the generated code
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/flyteplugins_spark.backend.rs"));
}

use generated::models::{Resources, SparkJobApplicationType, SparkJobPodSpec};
use generated::{Custom, Plugin, TaskContext};

/// The Spark operator's API version.
pub const API_VERSION: &str = "sparkoperator.k8s.io/v1beta2";
/// The Spark operator's kind.
pub const KIND: &str = "SparkApplication";

/// The backend: what every task shares (settings) goes here.
#[derive(Debug, Default)]
pub struct SparkBackend {}

/// A string map as a JSON object.
fn object(map: &BTreeMap<String, String>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The operator's settings of one pod kind (driver or executor).
fn pod(spec: Option<&SparkJobPodSpec>, service_account: &str, executor: bool) -> Value {
    let mut pod = Map::new();
    if let Some(spec) = spec {
        if let Some(Resources { cpu, memory, gpu }) = &spec.resources {
            if !cpu.is_empty() {
                pod.insert("coreRequest".into(), json!(cpu));
            }
            if !memory.is_empty() {
                pod.insert("memory".into(), json!(memory));
            }
            if *gpu > 0 {
                pod.insert(
                    "gpu".into(),
                    json!({"name": "nvidia.com/gpu", "quantity": gpu}),
                );
            }
        }
        if executor && spec.instances > 0 {
            pod.insert("instances".into(), json!(spec.instances));
        }
        if !spec.labels.is_empty() {
            pod.insert("labels".into(), object(&spec.labels));
        }
    }
    if !service_account.is_empty() {
        pod.insert("serviceAccount".into(), json!(service_account));
    }
    Value::Object(pod)
}

impl Plugin for SparkBackend {
    type Custom = Custom;

    fn info(&self) -> PluginInfo {
        generated::info()
    }

    /// A `SparkApplication` without a spec.
    fn build_identity_resource(&self, _metadata: &TaskExecutionMetadata) -> Result<KubeObject> {
        Ok(KubeObject::new(API_VERSION, KIND))
    }

    /// The `SparkApplication` of a task: the application type, file and class of the
    /// `SparkJob`, its Spark and Hadoop settings, driver and executor sizes; the image and
    /// arguments of the task's container. An empty `mainApplicationFile` is taken from the
    /// container's first argument. The runtime fills in the name, namespace and labels.
    async fn build_resource(&self, ctx: &TaskContext) -> Result<KubeObject> {
        let job = ctx.custom();
        let kind = match job.application_type {
            SparkJobApplicationType::Python => "Python",
            SparkJobApplicationType::Java => "Java",
            SparkJobApplicationType::Scala => "Scala",
            SparkJobApplicationType::R => "R",
            SparkJobApplicationType::Unrecognized(n) => {
                return Err(Error::bad_spec(format!(
                    "applicationType: {n} is not an application type this backend knows"
                )));
            }
        };
        if matches!(kind, "Java" | "Scala") && job.main_class.is_empty() {
            return Err(Error::bad_spec(format!(
                "mainClass: a {kind} application needs a main class"
            )));
        }
        let container = match &ctx.template().target {
            Some(Target::Container(c)) => Some(c),
            _ => None,
        };
        let mut arguments: Vec<String> = container.map(|c| c.args.clone()).unwrap_or_default();
        let main_file = if job.main_application_file.is_empty() {
            if arguments.is_empty() {
                return Err(Error::bad_spec(
                    "mainApplicationFile: empty, and the task has no container arguments to take it from",
                ));
            }
            arguments.remove(0)
        } else {
            job.main_application_file.clone()
        };
        let mut spark_conf = job.spark_conf.clone();
        if !job.executor_path.is_empty() {
            for key in ["spark.pyspark.python", "spark.pyspark.driver.python"] {
                spark_conf
                    .entry(key.to_string())
                    .or_insert_with(|| job.executor_path.clone());
            }
        }
        let restart = if job.retry_backoff_seconds > 0 {
            json!({
                "type": "OnFailure",
                "onFailureRetryInterval": job.retry_backoff_seconds,
                "onSubmissionFailureRetryInterval": job.retry_backoff_seconds,
            })
        } else {
            json!({"type": "Never"})
        };
        let account = &ctx.metadata().k8s_service_account;
        let mut spec = json!({
            "type": kind,
            "mode": "cluster",
            "mainApplicationFile": main_file,
            "arguments": arguments,
            "sparkConf": object(&spark_conf),
            "hadoopConf": object(&job.hadoop_conf),
            "restartPolicy": restart,
            "driver": pod(job.driver.as_ref(), account, false),
            "executor": pod(job.executor.as_ref(), account, true),
        });
        if !job.main_class.is_empty() {
            spec["mainClass"] = json!(job.main_class);
        }
        if let Some(c) = container.filter(|c| !c.image.is_empty()) {
            spec["image"] = json!(c.image);
        }
        let mut app = KubeObject::new(API_VERSION, KIND);
        app.set_spec(spec);
        Ok(app)
    }

    /// The operator's `status.applicationState.state` as a phase: not yet submitted or
    /// submitted is queued, `COMPLETED` is success, `FAILED` and `SUBMISSION_FAILED` are
    /// retryable failures with the operator's error message, anything else is running.
    fn phase_from_resource(
        &self,
        _ctx: &StatusContext,
        resource: &KubeObject,
    ) -> Result<PhaseInfo> {
        let app_state = resource.status().and_then(|s| s.get("applicationState"));
        let field = |name: &str| {
            app_state
                .and_then(|s| s.get(name))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let state = field("state");
        let mut custom_info = Map::new();
        custom_info.insert("applicationState".into(), json!(state));
        let info = TaskInfo::with_custom_info(custom_info);
        Ok(match state {
            "" | "NEW" => PhaseInfo::queued("waiting for the Spark operator"),
            "SUBMITTED" | "PENDING_SUBMISSION" => PhaseInfo::queued("submitted"),
            "COMPLETED" => PhaseInfo::success(),
            "FAILED" | "SUBMISSION_FAILED" => PhaseInfo::system_retryable_failure(
                codes::DOWNSTREAM_SYSTEM_ERROR,
                format!("the Spark application failed: {}", field("errorMessage")),
            ),
            other => PhaseInfo::running().with_reason(other.to_string()),
        }
        .with_info(info))
    }
}
