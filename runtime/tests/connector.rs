//! The connector server end to end over gRPC: a real tonic server on 127.0.0.1 with the toy
//! plugins, driven by the generated tonic clients.

#[path = "../examples/toy_connector/plugins.rs"]
mod plugins;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use flyteplug_runtime::json::json_to_struct;
use flyteplug_runtime::literals::{self, LiteralMapExt as _};
use flyteplug_runtime::proto::flyteidl::admin::{
    self, CreateRequestHeader, CreateTaskRequest, DeleteTaskRequest, ExecuteTaskSyncRequest,
    GetAgentRequest, GetTaskMetricsRequest, GetTaskRequest, ListAgentsRequest, Resource,
    TaskExecutionMetadata, agent_error, execute_task_sync_request, execute_task_sync_response,
};
use flyteplug_runtime::proto::flyteidl::core::{
    LiteralMap, NodeExecutionIdentifier, TaskExecutionIdentifier, TaskTemplate,
    WorkflowExecutionIdentifier, execution_error, task_execution::Phase as WirePhase,
};
use flyteplug_runtime::proto::flyteidl::service::agent_metadata_service_client::AgentMetadataServiceClient;
use flyteplug_runtime::proto::flyteidl::service::async_agent_service_client::AsyncAgentServiceClient;
use flyteplug_runtime::proto::flyteidl::service::sync_agent_service_client::SyncAgentServiceClient;
use flyteplug_runtime::serde_json::{Value, json};
use flyteplug_runtime::tonic::Code;
use flyteplug_runtime::tonic::transport::Channel;
use flyteplug_runtime::{Connector, CoreHostOptions, InMemoryResourceClient, ObjectRef};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

struct Server {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Server {
    async fn start(k8s: InMemoryResourceClient) -> Server {
        let connector = Connector::builder()
            .async_plugin(plugins::ToyAsync)
            .sync_plugin(plugins::ToySync)
            .core_plugin(
                plugins::ToyCore,
                CoreHostOptions {
                    poll_interval: Duration::from_millis(10),
                    ..CoreHostOptions::default()
                },
            )
            .k8s_plugin(plugins::ToyK8s, k8s)
            .build()
            .unwrap();
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
        Server { addr, stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the server stops")
            .unwrap();
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn async_client(&self) -> AsyncAgentServiceClient<Channel> {
        AsyncAgentServiceClient::connect(self.url()).await.unwrap()
    }

    async fn sync_client(&self) -> SyncAgentServiceClient<Channel> {
        SyncAgentServiceClient::connect(self.url()).await.unwrap()
    }

    async fn metadata_client(&self) -> AgentMetadataServiceClient<Channel> {
        AgentMetadataServiceClient::connect(self.url())
            .await
            .unwrap()
    }
}

fn template(task_type: &str, custom: Option<Value>) -> TaskTemplate {
    TaskTemplate {
        r#type: task_type.into(),
        task_type_version: 0,
        custom: custom.map(|c| json_to_struct(c.as_object().unwrap())),
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
        labels: [("team".to_string(), "ml".to_string())].into(),
        ..TaskExecutionMetadata::default()
    }
}

fn create_request(template: TaskTemplate, inputs: LiteralMap) -> CreateTaskRequest {
    CreateTaskRequest {
        inputs: Some(inputs),
        template: Some(template),
        output_prefix: "s3://bucket/out".into(),
        task_execution_metadata: Some(metadata()),
    }
}

fn category(task_type: &str) -> Option<admin::TaskCategory> {
    Some(admin::TaskCategory {
        name: task_type.into(),
        version: 0,
    })
}

async fn create(client: &mut AsyncAgentServiceClient<Channel>, req: CreateTaskRequest) -> Vec<u8> {
    client
        .create_task(req)
        .await
        .unwrap()
        .into_inner()
        .resource_meta
}

async fn get(
    client: &mut AsyncAgentServiceClient<Channel>,
    task_type: &str,
    meta: &[u8],
) -> Resource {
    client
        .get_task(GetTaskRequest {
            resource_meta: meta.to_vec(),
            task_category: category(task_type),
            output_prefix: "s3://bucket/out".into(),
            ..GetTaskRequest::default()
        })
        .await
        .unwrap()
        .into_inner()
        .resource
        .unwrap()
}

const TERMINAL: [WirePhase; 4] = [
    WirePhase::Succeeded,
    WirePhase::Failed,
    WirePhase::RetryableFailed,
    WirePhase::Aborted,
];

/// Polls GetTask until a terminal phase; returns it and the phases seen on the way.
async fn poll(
    client: &mut AsyncAgentServiceClient<Channel>,
    task_type: &str,
    meta: &[u8],
) -> (Resource, Vec<WirePhase>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    loop {
        let r = get(client, task_type, meta).await;
        let phase = r.phase();
        if seen.last() != Some(&phase) {
            seen.push(phase);
        }
        if TERMINAL.contains(&phase) {
            return (r, seen);
        }
        assert!(Instant::now() < deadline, "no terminal phase; saw {seen:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn delete(client: &mut AsyncAgentServiceClient<Channel>, task_type: &str, meta: &[u8]) {
    client
        .delete_task(DeleteTaskRequest {
            resource_meta: meta.to_vec(),
            task_category: category(task_type),
            ..DeleteTaskRequest::default()
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn lists_and_gets_agents() {
    let server = Server::start(InMemoryResourceClient::new()).await;
    let mut client = server.metadata_client().await;
    let agents = client
        .list_agents(ListAgentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .agents;
    let summary: Vec<(String, String, i32, bool)> = agents
        .iter()
        .map(|a| {
            assert_eq!(a.supported_task_categories.len(), 1);
            let c = &a.supported_task_categories[0];
            (a.name.clone(), c.name.clone(), c.version, a.is_sync)
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Toy Async Connector".into(), "toy_async".into(), 0, false),
            ("Toy Core Plugin".into(), "toy_core".into(), 0, false),
            ("Toy K8s Plugin".into(), "toy_k8s".into(), 0, false),
            ("Toy Sync Connector".into(), "toy_sync".into(), 0, true),
        ]
    );
    let one = client
        .get_agent(GetAgentRequest {
            name: "Toy Sync Connector".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .agent
        .unwrap();
    assert!(one.is_sync);
    let missing = client
        .get_agent(GetAgentRequest {
            name: "nope".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    assert!(
        missing.message().contains("\"nope\""),
        "{}",
        missing.message()
    );
    server.stop().await;
}

#[tokio::test]
async fn async_plugin_create_get_delete() {
    let server = Server::start(InMemoryResourceClient::new()).await;
    let mut client = server.async_client().await;
    let req = create_request(
        template(
            "toy_async",
            Some(json!({"sleepMs": 1000, "greeting": "Hi"})),
        ),
        literals::literal_map([("name", literals::string("Flyte"))]),
    );
    let meta = create(&mut client, req).await;
    let (done, seen) = poll(&mut client, "toy_async", &meta).await;
    assert_eq!(seen, vec![WirePhase::Running, WirePhase::Succeeded]);
    let outputs = done.outputs.unwrap();
    assert_eq!(outputs.get_string("message"), Some("Hi, Flyte!"));
    assert_eq!(outputs.get_integer("length"), Some(10));
    assert!(done.agent_error.is_none());
    assert_eq!(done.log_links.len(), 1);
    assert!(
        done.log_links[0]
            .uri
            .starts_with("http://toy.invalid/jobs/")
    );
    let custom_info = flyteplug_runtime::json::struct_to_json(&done.custom_info.unwrap()).unwrap();
    assert!(custom_info["jobId"].is_string());
    delete(&mut client, "toy_async", &meta).await;
    server.stop().await;
}

#[tokio::test]
async fn sync_plugin_execute_task_sync() {
    let server = Server::start(InMemoryResourceClient::new()).await;
    let mut client = server.sync_client().await;
    let header = CreateRequestHeader {
        template: Some(template("toy_sync", Some(json!({"factor": 3})))),
        output_prefix: "s3://bucket/out".into(),
        task_execution_metadata: Some(metadata()),
        max_dataset_size_bytes: 0,
    };
    let messages = vec![
        ExecuteTaskSyncRequest {
            part: Some(execute_task_sync_request::Part::Header(header)),
        },
        ExecuteTaskSyncRequest {
            part: Some(execute_task_sync_request::Part::Inputs(
                literals::literal_map([("x", literals::integer(14))]),
            )),
        },
    ];
    let mut responses = client
        .execute_task_sync(tokio_stream::iter(messages))
        .await
        .unwrap()
        .into_inner();
    let first = responses.message().await.unwrap().unwrap();
    let Some(execute_task_sync_response::Res::Header(header)) = first.res else {
        panic!("the first response is the header: {first:?}");
    };
    let resource = header.resource.unwrap();
    assert_eq!(resource.phase(), WirePhase::Succeeded);
    assert_eq!(resource.outputs.unwrap().get_integer("y"), Some(42));
    assert!(responses.message().await.unwrap().is_none());
    server.stop().await;
}

#[tokio::test]
async fn unknown_category_is_not_found_and_names_it() {
    let server = Server::start(InMemoryResourceClient::new()).await;
    let mut client = server.async_client().await;
    let status = client
        .create_task(create_request(
            template("no_such_type", None),
            LiteralMap::default(),
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().contains("\"no_such_type\" version 0"),
        "{}",
        status.message()
    );

    let mut sync = server.sync_client().await;
    let header = CreateRequestHeader {
        template: Some(template("no_such_sync", None)),
        ..CreateRequestHeader::default()
    };
    let status = sync
        .execute_task_sync(tokio_stream::iter(vec![ExecuteTaskSyncRequest {
            part: Some(execute_task_sync_request::Part::Header(header)),
        }]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().contains("no_such_sync"),
        "{}",
        status.message()
    );
    server.stop().await;
}

#[tokio::test]
async fn protocol_misuse_gets_clear_statuses() {
    let server = Server::start(InMemoryResourceClient::new()).await;
    let mut client = server.async_client().await;
    // Foreign bytes as resource meta.
    let status = client
        .get_task(GetTaskRequest {
            resource_meta: b"not ours".to_vec(),
            task_category: category("toy_async"),
            ..GetTaskRequest::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status
            .message()
            .contains("not written by a flyteplug connector")
    );
    // Resource meta of one category presented as another.
    let meta = create(
        &mut client,
        create_request(template("toy_async", None), LiteralMap::default()),
    )
    .await;
    let status = client
        .get_task(GetTaskRequest {
            resource_meta: meta,
            task_category: category("toy_core"),
            ..GetTaskRequest::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    // A sync plugin through the async service.
    let status = client
        .create_task(create_request(
            template("toy_sync", None),
            LiteralMap::default(),
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(status.message().contains("ExecuteTaskSync"));
    // No template.
    let status = client
        .create_task(CreateTaskRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    // Metrics are not served.
    let status = client
        .get_task_metrics(GetTaskMetricsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented);
    server.stop().await;
}

#[tokio::test]
async fn system_error_is_retryable_user_error_is_not() {
    let server = Server::start(InMemoryResourceClient::new()).await;
    let mut client = server.async_client().await;
    for (fail, phase, kind, origin) in [
        (
            "system",
            WirePhase::RetryableFailed,
            agent_error::Kind::Recoverable,
            execution_error::ErrorKind::System,
        ),
        (
            "user",
            WirePhase::Failed,
            agent_error::Kind::NonRecoverable,
            execution_error::ErrorKind::User,
        ),
    ] {
        let meta = create(
            &mut client,
            create_request(
                template("toy_async", Some(json!({"fail": fail}))),
                LiteralMap::default(),
            ),
        )
        .await;
        let r = get(&mut client, "toy_async", &meta).await;
        assert_eq!(r.phase(), phase, "{fail}");
        let e = r.agent_error.clone().unwrap();
        assert_eq!(e.kind(), kind, "{fail}");
        assert_eq!(e.origin(), origin, "{fail}");
        assert!(r.message.contains("asked to fail"), "{}", r.message);
        delete(&mut client, "toy_async", &meta).await;
    }
    // The same through the sync service.
    let mut sync = server.sync_client().await;
    let header = CreateRequestHeader {
        template: Some(template("toy_sync", Some(json!({"fail": "system"})))),
        ..CreateRequestHeader::default()
    };
    let mut responses = sync
        .execute_task_sync(tokio_stream::iter(vec![ExecuteTaskSyncRequest {
            part: Some(execute_task_sync_request::Part::Header(header)),
        }]))
        .await
        .unwrap()
        .into_inner();
    let Some(execute_task_sync_response::Res::Header(h)) =
        responses.message().await.unwrap().unwrap().res
    else {
        panic!("no header");
    };
    let r = h.resource.unwrap();
    assert_eq!(r.phase(), WirePhase::RetryableFailed);
    assert_eq!(
        r.agent_error.unwrap().kind(),
        agent_error::Kind::Recoverable
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_custom_is_non_recoverable_and_names_the_path() {
    let server = Server::start(InMemoryResourceClient::new()).await;
    let mut client = server.async_client().await;
    let meta = create(
        &mut client,
        create_request(
            template("toy_async", Some(json!({"sleepMs": "soon"}))),
            LiteralMap::default(),
        ),
    )
    .await;
    let r = get(&mut client, "toy_async", &meta).await;
    assert_eq!(r.phase(), WirePhase::Failed);
    let e = r.agent_error.clone().unwrap();
    assert_eq!(e.code, "BadTaskSpecification");
    assert_eq!(e.kind(), agent_error::Kind::NonRecoverable);
    assert_eq!(e.origin(), execution_error::ErrorKind::User);
    assert!(
        r.message
            .contains("sleepMs: expected a non-negative integer"),
        "{}",
        r.message
    );
    server.stop().await;
}

#[tokio::test]
async fn resource_meta_survives_a_restart() {
    let before = Server::start(InMemoryResourceClient::new()).await;
    let mut client = before.async_client().await;
    let async_meta = create(
        &mut client,
        create_request(
            template("toy_async", Some(json!({"sleepMs": 200}))),
            literals::literal_map([("name", literals::string("again"))]),
        ),
    )
    .await;
    let core_meta = create(
        &mut client,
        create_request(
            template("toy_core", Some(json!({"steps": 4}))),
            LiteralMap::default(),
        ),
    )
    .await;
    drop(client);
    before.stop().await;

    let after = Server::start(InMemoryResourceClient::new()).await;
    let mut client = after.async_client().await;
    let (done, _) = poll(&mut client, "toy_async", &async_meta).await;
    assert_eq!(done.phase(), WirePhase::Succeeded);
    assert_eq!(
        done.outputs.unwrap().get_string("message"),
        Some("Hello, again!")
    );
    let (done, _) = poll(&mut client, "toy_core", &core_meta).await;
    assert_eq!(done.phase(), WirePhase::Succeeded);
    assert_eq!(done.outputs.unwrap().get_integer("calls"), Some(4));
    delete(&mut client, "toy_async", &async_meta).await;
    delete(&mut client, "toy_core", &core_meta).await;
    after.stop().await;
}

#[tokio::test]
async fn core_plugin_runs_in_the_background() {
    let server = Server::start(InMemoryResourceClient::new()).await;
    let mut client = server.async_client().await;
    let meta = create(
        &mut client,
        create_request(
            template("toy_core", Some(json!({"steps": 5}))),
            LiteralMap::default(),
        ),
    )
    .await;
    let (done, seen) = poll(&mut client, "toy_core", &meta).await;
    assert_eq!(done.phase(), WirePhase::Succeeded);
    assert_eq!(done.outputs.unwrap().get_integer("calls"), Some(5));
    assert_eq!(seen.last(), Some(&WirePhase::Succeeded));
    delete(&mut client, "toy_core", &meta).await;
    // After DeleteTask the task is gone for good, not restarted.
    let r = get(&mut client, "toy_core", &meta).await;
    assert_eq!(r.phase(), WirePhase::Aborted);

    let meta = create(
        &mut client,
        create_request(
            template("toy_core", Some(json!({"fail": "user"}))),
            LiteralMap::default(),
        ),
    )
    .await;
    let (done, _) = poll(&mut client, "toy_core", &meta).await;
    assert_eq!(done.phase(), WirePhase::Failed);
    delete(&mut client, "toy_core", &meta).await;
    server.stop().await;
}

#[tokio::test]
async fn k8s_plugin_through_a_resource_client() {
    let cluster = InMemoryResourceClient::new();
    let server = Server::start(cluster.clone()).await;
    let mut client = server.async_client().await;
    let meta = create(
        &mut client,
        create_request(
            template("toy_k8s", Some(json!({"greeting": "Yo"}))),
            LiteralMap::default(),
        ),
    )
    .await;
    let objects = cluster.objects();
    assert_eq!(objects.len(), 1);
    let object = &objects[0];
    assert_eq!(object.kind(), "ToyJob");
    assert_eq!(object.name(), "exec1-n0-1");
    assert_eq!(object.namespace(), "p-d");
    assert_eq!(object.as_map()["metadata"]["labels"]["team"], "ml");
    assert_eq!(object.spec(), Some(&json!({"greeting": "Yo"})));
    let object_ref: ObjectRef = object.object_ref();

    assert_eq!(
        get(&mut client, "toy_k8s", &meta).await.phase(),
        WirePhase::Queued
    );
    cluster.set_status(&object_ref, json!({"phase": "Running"}));
    assert_eq!(
        get(&mut client, "toy_k8s", &meta).await.phase(),
        WirePhase::Running
    );
    cluster.set_status(&object_ref, json!({"phase": "Succeeded"}));
    assert_eq!(
        get(&mut client, "toy_k8s", &meta).await.phase(),
        WirePhase::Succeeded
    );
    delete(&mut client, "toy_k8s", &meta).await;
    assert!(cluster.objects().is_empty());
    // The object is gone: a later GetTask reports it as deleted externally (retryable).
    let r = get(&mut client, "toy_k8s", &meta).await;
    assert_eq!(r.phase(), WirePhase::RetryableFailed);
    assert_eq!(r.agent_error.unwrap().code, "ResourceDeletedExternally");
    server.stop().await;
}
