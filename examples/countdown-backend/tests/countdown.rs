//! The countdown backend end to end over gRPC: the example's connector on 127.0.0.1:0, driven
//! by the runtime's generated tonic clients the way FlytePropeller drives a connector
//! (create, get until terminal, delete).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use flyteplug_runtime::json::json_to_struct;
use flyteplug_runtime::literals::LiteralMapExt as _;
use flyteplug_runtime::proto::flyteidl::admin::{
    CreateTaskRequest, DeleteTaskRequest, GetTaskRequest, ListAgentsRequest, Resource,
    TaskCategory, agent_error,
};
use flyteplug_runtime::proto::flyteidl::core::{TaskTemplate, task_execution::Phase};
use flyteplug_runtime::proto::flyteidl::service::agent_metadata_service_client::AgentMetadataServiceClient;
use flyteplug_runtime::proto::flyteidl::service::async_agent_service_client::AsyncAgentServiceClient;
use flyteplug_runtime::serde_json::{Value, json};
use flyteplug_runtime::tonic::transport::Channel;
use tokio::sync::oneshot;

/// The example's connector, serving on a free loopback port until dropped.
struct Server {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl Server {
    async fn start() -> Server {
        let connector = countdown_backend::connector_with(Duration::from_millis(10)).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(connector.serve_with_listener(listener, async {
            let _ = stopped.await;
        }));
        Server { addr, _stop: stop }
    }

    async fn client(&self) -> AsyncAgentServiceClient<Channel> {
        AsyncAgentServiceClient::connect(format!("http://{}", self.addr))
            .await
            .unwrap()
    }
}

fn category() -> Option<TaskCategory> {
    Some(TaskCategory {
        name: "countdown".into(),
        version: 0,
    })
}

/// A countdown task: task type `countdown`, version 0 (the manifest's category).
fn template(custom: Option<Value>) -> TaskTemplate {
    TaskTemplate {
        r#type: "countdown".into(),
        task_type_version: 0,
        custom: custom.map(|c| json_to_struct(c.as_object().unwrap())),
        ..TaskTemplate::default()
    }
}

async fn create(client: &mut AsyncAgentServiceClient<Channel>, custom: Option<Value>) -> Vec<u8> {
    client
        .create_task(CreateTaskRequest {
            template: Some(template(custom)),
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
async fn counts_down_then_succeeds() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let meta = create(&mut client, Some(json!({"ticks": 3}))).await;
    let (done, seen) = poll(&mut client, &meta).await;
    // The host reports Queued until the first handle call, Running until the last.
    let order = [Phase::Queued, Phase::Running, Phase::Succeeded];
    assert!(
        seen.is_sorted_by_key(|p| order.iter().position(|o| o == p)),
        "{seen:?}"
    );
    assert_eq!(seen.last(), Some(&Phase::Succeeded), "{seen:?}");
    assert_eq!(done.outputs.unwrap().get_integer("ticks"), Some(3));
    assert!(done.agent_error.is_none());
    delete(&mut client, &meta).await;
}

#[tokio::test]
async fn a_missing_custom_is_zero_ticks() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let meta = create(&mut client, None).await;
    let (done, seen) = poll(&mut client, &meta).await;
    assert_eq!(seen.last(), Some(&Phase::Succeeded), "{seen:?}");
    assert_eq!(done.outputs.unwrap().get_integer("ticks"), Some(0));
    delete(&mut client, &meta).await;
}

#[tokio::test]
async fn unknown_keys_are_ignored() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let meta = create(
        &mut client,
        Some(json!({"ticks": 1, "fromANewerSdk": true})),
    )
    .await;
    let (done, _) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::Succeeded);
    assert_eq!(done.outputs.unwrap().get_integer("ticks"), Some(1));
    delete(&mut client, &meta).await;
}

#[tokio::test]
async fn min_duration_holds_success_back() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let started = Instant::now();
    let meta = create(
        &mut client,
        Some(json!({"ticks": 0, "minDuration": "0.300s"})),
    )
    .await;
    let (done, seen) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::Succeeded);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(seen.contains(&Phase::Running), "{seen:?}");
    delete(&mut client, &meta).await;
}

#[tokio::test]
async fn fail_with_fails_for_good() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let meta = create(
        &mut client,
        Some(json!({"ticks": 1, "failWith": "no luck"})),
    )
    .await;
    let (done, _) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::Failed);
    assert_eq!(done.message, "no luck");
    let error = done.agent_error.unwrap();
    assert_eq!(error.kind(), agent_error::Kind::NonRecoverable);
    delete(&mut client, &meta).await;
}

#[tokio::test]
async fn a_bad_custom_fails_for_good_naming_the_json_path() {
    let server = Server::start().await;
    let mut client = server.client().await;
    // `ticks` is a uint32: a negative number is out of its range.
    let meta = create(&mut client, Some(json!({"ticks": -1}))).await;
    let (done, _) = poll(&mut client, &meta).await;
    assert_eq!(done.phase(), Phase::Failed);
    let error = done.agent_error.unwrap();
    assert_eq!(error.kind(), agent_error::Kind::NonRecoverable);
    assert_eq!(error.code, "BadTaskSpecification");
    assert!(done.message.contains(": ticks: "), "{}", done.message);
    delete(&mut client, &meta).await;
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
    assert_eq!(agents[0].name, "countdown");
    assert!(!agents[0].is_sync);
    assert_eq!(
        agents[0].supported_task_categories,
        vec![category().unwrap()]
    );
}
