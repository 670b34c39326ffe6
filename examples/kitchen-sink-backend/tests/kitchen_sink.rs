//! The kitchen-sink backend end to end over gRPC: the example's connector on 127.0.0.1:0,
//! driven through `SyncAgentService/ExecuteTaskSync` by the runtime's generated tonic client.

use std::net::SocketAddr;

use flyteplug_runtime::json::json_to_struct;
use flyteplug_runtime::literals::LiteralMapExt as _;
use flyteplug_runtime::proto::flyteidl::admin::{
    CreateRequestHeader, ExecuteTaskSyncRequest, ListAgentsRequest, Resource, TaskCategory,
    agent_error, execute_task_sync_request, execute_task_sync_response,
};
use flyteplug_runtime::proto::flyteidl::core::{TaskTemplate, task_execution::Phase};
use flyteplug_runtime::proto::flyteidl::service::agent_metadata_service_client::AgentMetadataServiceClient;
use flyteplug_runtime::proto::flyteidl::service::sync_agent_service_client::SyncAgentServiceClient;
use flyteplug_runtime::serde_json::{Value, json};
use flyteplug_runtime::tonic::{Code, Status};
use tokio::sync::oneshot;

/// The example's connector, serving on a free loopback port until dropped.
struct Server {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl Server {
    async fn start() -> Server {
        let connector = kitchen_sink_backend::connector().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(connector.serve_with_listener(listener, async {
            let _ = stopped.await;
        }));
        Server { addr, _stop: stop }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Runs a task of category (`kitchen_sink`, `version`) through ExecuteTaskSync.
    async fn execute(&self, version: i32, custom: Option<Value>) -> Result<Resource, Status> {
        let mut client = SyncAgentServiceClient::connect(self.url()).await.unwrap();
        let template = TaskTemplate {
            r#type: "kitchen_sink".into(),
            task_type_version: version,
            custom: custom.map(|c| json_to_struct(c.as_object().unwrap())),
            ..TaskTemplate::default()
        };
        let header = CreateRequestHeader {
            template: Some(template),
            output_prefix: "s3://bucket/out".into(),
            ..CreateRequestHeader::default()
        };
        let request = ExecuteTaskSyncRequest {
            part: Some(execute_task_sync_request::Part::Header(header)),
        };
        let mut responses = client
            .execute_task_sync(tokio_stream::iter(vec![request]))
            .await?
            .into_inner();
        let first = responses.message().await?.expect("a response");
        match first.res {
            Some(execute_task_sync_response::Res::Header(header)) => Ok(header.resource.unwrap()),
            other => panic!("the first response is the header: {other:?}"),
        }
    }
}

#[tokio::test]
async fn echoes_the_decoded_config_as_canonical_json() {
    let server = Server::start().await;
    let custom = json!({
        "retryCount": 3,
        "customKey": "x",
        "color": "CRIMSON",
        "scalars": {"fInt64": 12, "fBool": false, "fString": "s", "fDouble": 0.5},
        "timeoutSec": "7",
        "optionals": {"oInt32": 0},
        "choiceText": "t",
    });
    let done = server.execute(1, Some(custom)).await.unwrap();
    assert_eq!(done.phase(), Phase::Succeeded);
    let outputs = done.outputs.unwrap();
    // docs/json-contract.md: keys sorted, zero values of implicit-presence fields omitted, an
    // `optional` zero kept, 64-bit integers as strings, an enum alias printed by its first name.
    assert_eq!(
        outputs.get_string("config"),
        Some(
            r#"{"choiceText":"t","color":"RED","customKey":"x","optionals":{"oInt32":0},"retryCount":3,"scalars":{"fDouble":0.5,"fInt64":"12","fString":"s"},"timeoutSec":"7"}"#
        )
    );
    assert_eq!(outputs.get_integer("unknown_keys"), Some(0));
}

#[tokio::test]
async fn a_missing_custom_is_the_default_config() {
    let server = Server::start().await;
    let done = server.execute(1, None).await.unwrap();
    assert_eq!(done.phase(), Phase::Succeeded);
    assert_eq!(done.outputs.unwrap().get_string("config"), Some("{}"));
}

#[tokio::test]
async fn unknown_keys_are_ignored_and_counted() {
    let server = Server::start().await;
    let custom = json!({"retryCount": 2, "notAField": 1, "scalars": {"alsoNot": true}});
    let done = server.execute(1, Some(custom)).await.unwrap();
    assert_eq!(done.phase(), Phase::Succeeded);
    let outputs = done.outputs.unwrap();
    assert_eq!(
        outputs.get_string("config"),
        Some(r#"{"retryCount":2,"scalars":{}}"#)
    );
    assert_eq!(outputs.get_integer("unknown_keys"), Some(2));
}

#[tokio::test]
async fn a_bad_custom_fails_for_good_naming_the_json_path() {
    let server = Server::start().await;
    let custom = json!({"scalars": {"fInt32": "twelve"}});
    let done = server.execute(1, Some(custom)).await.unwrap();
    assert_eq!(done.phase(), Phase::Failed);
    let error = done.agent_error.unwrap();
    assert_eq!(error.kind(), agent_error::Kind::NonRecoverable);
    assert_eq!(error.code, "BadTaskSpecification");
    assert!(
        done.message.contains(": scalars.fInt32: "),
        "{}",
        done.message
    );
}

#[tokio::test]
async fn another_task_type_version_is_not_served() {
    let server = Server::start().await;
    let status = server.execute(0, None).await.unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().contains("\"kitchen_sink\" version 0"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn lists_the_manifest_category_as_a_sync_agent() {
    let server = Server::start().await;
    let mut client = AgentMetadataServiceClient::connect(server.url())
        .await
        .unwrap();
    let agents = client
        .list_agents(ListAgentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .agents;
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0].name, "kitchen-sink");
    assert!(agents[0].is_sync);
    assert_eq!(
        agents[0].supported_task_categories,
        vec![TaskCategory {
            name: "kitchen_sink".into(),
            version: 1,
        }]
    );
}
