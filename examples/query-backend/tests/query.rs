//! The query backend end to end over gRPC: the example's query service and connector on
//! 127.0.0.1, driven by the runtime's generated tonic clients the way FlytePropeller drives a
//! connector (create, get until terminal, delete).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use flyteplug_runtime::json::{json_to_struct, struct_to_json};
use flyteplug_runtime::literals::{self, LiteralMapExt as _};
use flyteplug_runtime::proto::flyteidl::admin::{
    CreateTaskRequest, DeleteTaskRequest, GetTaskRequest, ListAgentsRequest, Resource,
    TaskCategory, agent_error,
};
use flyteplug_runtime::proto::flyteidl::core::{LiteralMap, TaskTemplate, task_execution::Phase};
use flyteplug_runtime::proto::flyteidl::service::agent_metadata_service_client::AgentMetadataServiceClient;
use flyteplug_runtime::proto::flyteidl::service::async_agent_service_client::AsyncAgentServiceClient;
use flyteplug_runtime::serde_json::{Value, json};
use flyteplug_runtime::tonic::transport::Channel;
use query_backend::service::QueryService;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A connector of the example, serving on a free loopback port, with the query service at
/// `service`.
struct Connector {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Connector {
    async fn start(service: SocketAddr) -> Connector {
        let connector = query_backend::connector(service).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            connector
                .serve_with_listener(listener, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Connector { addr, stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the connector stops")
            .unwrap();
    }

    async fn client(&self) -> AsyncAgentServiceClient<Channel> {
        AsyncAgentServiceClient::connect(format!("http://{}", self.addr))
            .await
            .unwrap()
    }
}

/// The query service and a connector using it.
async fn start() -> (QueryService, Connector) {
    let service = QueryService::start("127.0.0.1:0").await.unwrap();
    let connector = Connector::start(service.addr()).await;
    (service, connector)
}

fn category() -> Option<TaskCategory> {
    Some(TaskCategory {
        name: "query".into(),
        version: 0,
    })
}

async fn create(
    client: &mut AsyncAgentServiceClient<Channel>,
    custom: Value,
    inputs: LiteralMap,
) -> Vec<u8> {
    let template = TaskTemplate {
        r#type: "query".into(),
        task_type_version: 0,
        custom: Some(json_to_struct(custom.as_object().unwrap())),
        ..TaskTemplate::default()
    };
    client
        .create_task(CreateTaskRequest {
            template: Some(template),
            inputs: Some(inputs),
            output_prefix: "s3://bucket/out".into(),
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
                output_prefix: "s3://bucket/out".into(),
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
        tokio::time::sleep(Duration::from_millis(5)).await;
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
async fn runs_a_query_with_parameters_and_inputs() {
    let (_service, connector) = start().await;
    let mut client = connector.client().await;
    let custom = json!({
        "statement": "SELECT @day, @n AS n2, 'it''s'",
        "priority": "INTERACTIVE",
        "parameters": [{"name": "day", "stringValue": "2024-01-01"}, {"name": "n", "intValue": "1"}],
    });
    // The input `n` wins over the parameter of the same name.
    let inputs = literals::literal_map([("n", literals::integer(5))]);
    let meta = create(&mut client, custom, inputs).await;
    let (done, seen) = poll(&mut client, &meta).await;
    assert_eq!(seen.last(), Some(&Phase::Succeeded), "{seen:?}");
    assert!(
        seen[..seen.len() - 1].iter().all(|p| *p == Phase::Running),
        "{seen:?}"
    );
    let outputs = done.outputs.unwrap();
    assert_eq!(
        outputs.get_string("rows"),
        Some(r#"[["2024-01-01",5,"it's"]]"#)
    );
    assert_eq!(outputs.get_integer("row_count"), Some(1));
    assert_eq!(outputs.get_string("columns"), Some("day,n2,_col3"));
    let info = struct_to_json(&done.custom_info.unwrap()).unwrap();
    assert!(info["jobId"].is_string(), "{info:?}");
    delete(&mut client, &meta).await;
    connector.stop().await;
}

#[tokio::test]
async fn max_rows_zero_returns_no_rows() {
    let (_service, connector) = start().await;
    let mut client = connector.client().await;
    let custom = json!({"statement": "SELECT 1", "maxRows": "0"});
    let meta = create(&mut client, custom, LiteralMap::default()).await;
    let (done, _) = poll(&mut client, &meta).await;
    let outputs = done.outputs.unwrap();
    assert_eq!(outputs.get_string("rows"), Some("[]"));
    assert_eq!(outputs.get_integer("row_count"), Some(0));
    delete(&mut client, &meta).await;
}

#[tokio::test]
async fn delete_cancels_a_running_query() {
    let (_service, connector) = start().await;
    let mut client = connector.client().await;
    let custom = json!({"statement": "SELECT 1", "priority": "BATCH"});
    let meta = create(&mut client, custom, LiteralMap::default()).await;
    delete(&mut client, &meta).await;
    let (done, _) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::Failed);
    assert_eq!(done.message, "the query was cancelled");
}

#[tokio::test]
async fn failures_of_the_query_fail_for_good() {
    let (_service, connector) = start().await;
    let mut client = connector.client().await;
    for (custom, code, message) in [
        (
            json!({"statement": "SELECT 1", "timeout": "0.005s"}),
            "QueryFailed",
            "the query timed out after 5 ms",
        ),
        (
            json!({"statement": "SELECT @missing"}),
            "QueryFailed",
            "parameter @missing is not bound",
        ),
        (
            json!({"statement": "DROP TABLE t"}),
            "BadTaskSpecification",
            "statement: syntax error",
        ),
    ] {
        let meta = create(&mut client, custom, LiteralMap::default()).await;
        let (done, _) = poll(&mut client, &meta).await;
        assert_eq!(done.phase(), Phase::Failed);
        let error = done.agent_error.unwrap();
        assert_eq!(error.kind(), agent_error::Kind::NonRecoverable);
        assert_eq!(error.code, code);
        assert!(done.message.contains(message), "{}", done.message);
        delete(&mut client, &meta).await;
    }
}

#[tokio::test]
async fn a_bad_custom_fails_for_good_naming_the_json_path() {
    let (_service, connector) = start().await;
    let mut client = connector.client().await;
    let custom = json!({"statement": "SELECT 1", "parameters": [{"name": "a", "intValue": "x"}]});
    let meta = create(&mut client, custom, LiteralMap::default()).await;
    let (done, _) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::Failed);
    let error = done.agent_error.unwrap();
    assert_eq!(error.kind(), agent_error::Kind::NonRecoverable);
    assert_eq!(error.code, "BadTaskSpecification");
    assert!(
        done.message.contains(": parameters[0].intValue: "),
        "{}",
        done.message
    );
    delete(&mut client, &meta).await;
}

#[tokio::test]
async fn an_unreachable_service_is_a_retryable_failure() {
    // A port nothing listens on.
    let free = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = free.local_addr().unwrap();
    drop(free);
    let connector = Connector::start(dead).await;
    let mut client = connector.client().await;
    let custom = json!({"statement": "SELECT 1", "retryCount": 2});
    let meta = create(&mut client, custom, LiteralMap::default()).await;
    let (done, _) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::RetryableFailed);
    let error = done.agent_error.unwrap();
    assert_eq!(error.kind(), agent_error::Kind::Recoverable);
    assert_eq!(error.code, "DownstreamSystemError");
    connector.stop().await;
}

#[tokio::test]
async fn resource_meta_resolves_after_a_connector_restart() {
    let (service, first) = start().await;
    let mut client = first.client().await;
    let custom = json!({"statement": "SELECT 7 AS seven", "priority": "BATCH"});
    let meta = create(&mut client, custom, LiteralMap::default()).await;
    first.stop().await;
    let second = Connector::start(service.addr()).await;
    let mut client = second.client().await;
    let (done, _) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::Succeeded);
    assert_eq!(done.outputs.unwrap().get_string("rows"), Some("[[7]]"));
    delete(&mut client, &meta).await;
    second.stop().await;
}

#[tokio::test]
async fn lists_the_manifest_category() {
    let (_service, connector) = start().await;
    let mut client = AgentMetadataServiceClient::connect(format!("http://{}", connector.addr))
        .await
        .unwrap();
    let agents = client
        .list_agents(ListAgentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .agents;
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0].name, "query");
    assert!(!agents[0].is_sync);
    assert_eq!(
        agents[0].supported_task_categories,
        vec![category().unwrap()]
    );
}
