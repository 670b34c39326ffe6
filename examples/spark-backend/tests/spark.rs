//! The Spark backend end to end over gRPC: the example's connector on 127.0.0.1:0 over the
//! fake operator's in-memory cluster, driven by the runtime's generated tonic clients the way
//! FlytePropeller drives a connector (create, get until terminal, delete).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use flyteplug_runtime::json::json_to_struct;
use flyteplug_runtime::proto::flyteidl::admin::{
    CreateTaskRequest, DeleteTaskRequest, GetTaskRequest, ListAgentsRequest, Resource,
    TaskCategory, TaskExecutionMetadata, agent_error,
};
use flyteplug_runtime::proto::flyteidl::core::{
    Container, NodeExecutionIdentifier, TaskExecutionIdentifier, TaskTemplate,
    WorkflowExecutionIdentifier, task_execution::Phase, task_template::Target,
};
use flyteplug_runtime::proto::flyteidl::service::agent_metadata_service_client::AgentMetadataServiceClient;
use flyteplug_runtime::proto::flyteidl::service::async_agent_service_client::AsyncAgentServiceClient;
use flyteplug_runtime::serde_json::{Value, json};
use flyteplug_runtime::tonic::transport::Channel;
use spark_backend::operator::FakeSparkOperator;
use tokio::sync::oneshot;

/// The example's connector over a fake operator, serving on a free loopback port until dropped.
struct Server {
    addr: SocketAddr,
    operator: FakeSparkOperator,
    _stop: oneshot::Sender<()>,
}

impl Server {
    async fn start() -> Server {
        let operator = FakeSparkOperator::default();
        let connector = spark_backend::connector(operator.clone()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(connector.serve_with_listener(listener, async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            operator,
            _stop: stop,
        }
    }

    async fn client(&self) -> AsyncAgentServiceClient<Channel> {
        AsyncAgentServiceClient::connect(format!("http://{}", self.addr))
            .await
            .unwrap()
    }
}

fn category() -> Option<TaskCategory> {
    Some(TaskCategory {
        name: "spark".into(),
        version: 0,
    })
}

/// A Spark task (task type `spark`, version 0) running `args` in a container.
fn template(custom: Value, args: &[&str]) -> TaskTemplate {
    TaskTemplate {
        r#type: "spark".into(),
        task_type_version: 0,
        custom: Some(json_to_struct(custom.as_object().unwrap())),
        target: Some(Target::Container(Container {
            image: "ghcr.io/acme/spark:1".into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            ..Container::default()
        })),
        ..TaskTemplate::default()
    }
}

fn metadata() -> TaskExecutionMetadata {
    TaskExecutionMetadata {
        task_execution_id: Some(TaskExecutionIdentifier {
            task_id: None,
            node_execution_id: Some(NodeExecutionIdentifier {
                node_id: "n0".into(),
                execution_id: Some(WorkflowExecutionIdentifier {
                    project: "p".into(),
                    domain: "d".into(),
                    name: "Exec1".into(),
                    org: String::new(),
                }),
            }),
            retry_attempt: 1,
        }),
        namespace: "p-d".into(),
        k8s_service_account: "spark-sa".into(),
        labels: [("team".to_string(), "ml".to_string())].into(),
        ..TaskExecutionMetadata::default()
    }
}

async fn create(client: &mut AsyncAgentServiceClient<Channel>, template: TaskTemplate) -> Vec<u8> {
    client
        .create_task(CreateTaskRequest {
            template: Some(template),
            output_prefix: "s3://bucket/out".into(),
            task_execution_metadata: Some(metadata()),
            ..CreateTaskRequest::default()
        })
        .await
        .unwrap()
        .into_inner()
        .resource_meta
}

/// Polls GetTask until a terminal phase; returns it and the phases seen on the way.
async fn poll(
    client: &mut AsyncAgentServiceClient<Channel>,
    meta: &[u8],
) -> (Resource, Vec<Phase>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    loop {
        let resource = client
            .get_task(GetTaskRequest {
                resource_meta: meta.to_vec(),
                task_category: category(),
                ..GetTaskRequest::default()
            })
            .await
            .unwrap()
            .into_inner()
            .resource
            .unwrap();
        let phase = resource.phase();
        if seen.last() != Some(&phase) {
            seen.push(phase);
        }
        if matches!(
            phase,
            Phase::Succeeded | Phase::Failed | Phase::RetryableFailed | Phase::Aborted
        ) {
            return (resource, seen);
        }
        assert!(Instant::now() < deadline, "no terminal phase; saw {seen:?}");
    }
}

async fn delete(client: &mut AsyncAgentServiceClient<Channel>, meta: &[u8]) {
    client
        .delete_task(DeleteTaskRequest {
            resource_meta: meta.to_vec(),
            task_category: category(),
            ..DeleteTaskRequest::default()
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn builds_a_spark_application_and_follows_the_operator() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let custom = json!({
        "applicationType": "PYTHON",
        "sparkConf": {"spark.executor.cores": "2"},
        "executorPath": "/usr/bin/python3",
        "driver": {"resources": {"cpu": "1", "memory": "2Gi"}},
        "executor": {"instances": 3, "resources": {"memory": "4Gi", "gpu": 1}, "labels": {"team": "ml"}},
    });
    let meta = create(
        &mut client,
        template(custom, &["local:///app/main.py", "--day", "2024-01-01"]),
    )
    .await;

    let objects = server.operator.cluster().objects();
    assert_eq!(objects.len(), 1);
    let app = &objects[0];
    assert_eq!(app.api_version(), "sparkoperator.k8s.io/v1beta2");
    assert_eq!(app.kind(), "SparkApplication");
    assert_eq!(app.namespace(), "p-d");
    assert_eq!(app.name(), "exec1-n0-1");
    assert_eq!(app.as_map()["metadata"]["labels"], json!({"team": "ml"}));
    assert_eq!(
        app.spec().unwrap(),
        &json!({
            "type": "Python",
            "mode": "cluster",
            "image": "ghcr.io/acme/spark:1",
            "mainApplicationFile": "local:///app/main.py",
            "arguments": ["--day", "2024-01-01"],
            "sparkConf": {
                "spark.executor.cores": "2",
                "spark.pyspark.driver.python": "/usr/bin/python3",
                "spark.pyspark.python": "/usr/bin/python3",
            },
            "hadoopConf": {},
            "restartPolicy": {"type": "Never"},
            "driver": {"coreRequest": "1", "memory": "2Gi", "serviceAccount": "spark-sa"},
            "executor": {
                "instances": 3,
                "memory": "4Gi",
                "gpu": {"name": "nvidia.com/gpu", "quantity": 1},
                "labels": {"team": "ml"},
                "serviceAccount": "spark-sa",
            },
        })
    );

    let (done, seen) = poll(&mut client, &meta).await;
    assert_eq!(
        seen,
        vec![Phase::Queued, Phase::Running, Phase::Succeeded],
        "{done:?}"
    );
    delete(&mut client, &meta).await;
    assert!(server.operator.cluster().objects().is_empty());
}

#[tokio::test]
async fn a_failed_application_is_a_retryable_failure() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let custom = json!({"mainApplicationFile": "local:///app/fail.py"});
    let meta = create(&mut client, template(custom, &[])).await;
    let (done, _) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::RetryableFailed);
    assert_eq!(
        done.agent_error.unwrap().kind(),
        agent_error::Kind::Recoverable
    );
    assert!(done.message.contains("ExitCode: 1"), "{}", done.message);
    delete(&mut client, &meta).await;
}

#[tokio::test]
async fn a_bad_custom_fails_for_good_naming_the_json_path() {
    let server = Server::start().await;
    let mut client = server.client().await;
    for (custom, path) in [
        (
            json!({"executor": {"instances": "many"}}),
            ": executor.instances: ",
        ),
        (json!({"applicationType": "JAVA"}), "mainClass: "),
    ] {
        let meta = create(&mut client, template(custom, &["local:///app/main.py"])).await;
        let (done, _) = poll(&mut client, &meta).await;
        assert_eq!(done.phase(), Phase::Failed);
        let error = done.agent_error.unwrap();
        assert_eq!(error.kind(), agent_error::Kind::NonRecoverable);
        assert_eq!(error.code, "BadTaskSpecification");
        assert!(done.message.contains(path), "{}", done.message);
        delete(&mut client, &meta).await;
    }
    assert!(server.operator.cluster().objects().is_empty());
}

#[tokio::test]
async fn lists_the_manifest_category() {
    let server = Server::start().await;
    let mut client = AgentMetadataServiceClient::connect(format!("http://{}", server.addr))
        .await
        .unwrap();
    let agents = client
        .list_agents(ListAgentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .agents;
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0].name, "spark");
    assert!(!agents[0].is_sync);
    assert_eq!(
        agents[0].supported_task_categories,
        vec![category().unwrap()]
    );
}
