//! The connector server: Flyte's `AsyncAgentService`, `SyncAgentService` and
//! `AgentMetadataService` over the registered plugins.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status, Streaming};

use crate::context::{TaskContext, TaskRequest};
use crate::error::{Error, codes};
use crate::host::{CoreHost, CoreHostOptions, new_task_id};
use crate::k8s::{K8sPlugin, ResourceClient, generated_name};
use crate::meta::{self, Body, Envelope};
use crate::phase::PhaseInfo;
use crate::plugin::{AsyncPlugin, CorePlugin, PluginInfo, StatusContext, SyncPlugin, TaskCategory};
use crate::proto::flyteidl::admin::{
    self, CreateTaskRequest, CreateTaskResponse, DeleteTaskRequest, DeleteTaskResponse,
    ExecuteTaskSyncRequest, ExecuteTaskSyncResponse, ExecuteTaskSyncResponseHeader,
    GetAgentRequest, GetAgentResponse, GetTaskLogsRequest, GetTaskLogsResponse,
    GetTaskMetricsRequest, GetTaskMetricsResponse, GetTaskRequest, GetTaskResponse,
    ListAgentsRequest, ListAgentsResponse, execute_task_sync_request, execute_task_sync_response,
};
use crate::proto::flyteidl::core::LiteralMap;
use crate::proto::flyteidl::service::agent_metadata_service_server::{
    AgentMetadataService, AgentMetadataServiceServer,
};
use crate::proto::flyteidl::service::async_agent_service_server::{
    AsyncAgentService, AsyncAgentServiceServer,
};
use crate::proto::flyteidl::service::sync_agent_service_server::{
    SyncAgentService, SyncAgentServiceServer,
};
use crate::wire;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
type BoxStream<T> = Pin<Box<dyn tokio_stream::Stream<Item = Result<T, Status>> + Send>>;

/// Why a backend call did not produce a phase: a plugin error (reported to Flyte as a failed
/// resource) or a protocol problem (reported as a gRPC status).
enum Fail {
    Plugin(Error),
    Status(Status),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail::Plugin(e)
    }
}

fn foreign_meta(plugin: &str, body: &Body) -> Fail {
    let kind = match body {
        Body::WebApi { .. } => "web_api",
        Body::K8s { .. } => "k8s",
        Body::Core { .. } => "core",
        Body::Failed { .. } => "failed",
    };
    Fail::Status(Status::invalid_argument(format!(
        "the resource meta is of kind {kind:?}, which plugin {plugin:?} did not write"
    )))
}

/// A plugin of any kind behind one object-safe interface.
trait Backend: Send + Sync {
    fn name(&self) -> &str;

    fn is_sync(&self) -> bool {
        false
    }

    fn create(&self, _request: Arc<TaskRequest>) -> BoxFuture<'_, Result<Body, Fail>> {
        Box::pin(async { Err(Fail::Status(Status::internal("not an async plugin"))) })
    }

    fn get(&self, _body: Body, _ctx: StatusContext) -> BoxFuture<'_, Result<PhaseInfo, Fail>> {
        Box::pin(async { Err(Fail::Status(Status::internal("not an async plugin"))) })
    }

    fn delete(&self, _body: Body) -> BoxFuture<'_, Result<(), Fail>> {
        Box::pin(async { Err(Fail::Status(Status::internal("not an async plugin"))) })
    }

    fn execute(&self, _request: Arc<TaskRequest>) -> BoxFuture<'_, Result<PhaseInfo, Fail>> {
        Box::pin(async { Err(Fail::Status(Status::internal("not a sync plugin"))) })
    }
}

struct WebApiBackend<P: AsyncPlugin> {
    name: String,
    plugin: P,
}

impl<P: AsyncPlugin> WebApiBackend<P> {
    fn meta(&self, body: Body) -> Result<P::ResourceMeta, Fail> {
        match body {
            Body::WebApi { meta } => serde_json::from_value(meta).map_err(|e| {
                Fail::Status(Status::invalid_argument(format!(
                    "the resource meta does not fit plugin {:?}: {e}",
                    self.name
                )))
            }),
            other => Err(foreign_meta(&self.name, &other)),
        }
    }
}

impl<P: AsyncPlugin> Backend for WebApiBackend<P> {
    fn name(&self) -> &str {
        &self.name
    }

    fn create(&self, request: Arc<TaskRequest>) -> BoxFuture<'_, Result<Body, Fail>> {
        Box::pin(async move {
            let ctx = TaskContext::<P::Custom>::from_request(request)?;
            let meta = self.plugin.create(&ctx).await?;
            let meta = serde_json::to_value(&meta).map_err(|e| {
                Error::system(
                    codes::RUNTIME_FAILURE,
                    format!("the plugin's resource meta does not serialize: {e}"),
                )
            })?;
            Ok(Body::WebApi { meta })
        })
    }

    fn get(&self, body: Body, ctx: StatusContext) -> BoxFuture<'_, Result<PhaseInfo, Fail>> {
        Box::pin(async move {
            let meta = self.meta(body)?;
            let resource = self.plugin.get(&meta).await?;
            Ok(self.plugin.status(&ctx, &meta, &resource).await?)
        })
    }

    fn delete(&self, body: Body) -> BoxFuture<'_, Result<(), Fail>> {
        Box::pin(async move {
            let meta = self.meta(body)?;
            Ok(self.plugin.delete(&meta).await?)
        })
    }
}

struct SyncBackend<P: SyncPlugin> {
    name: String,
    plugin: P,
}

impl<P: SyncPlugin> Backend for SyncBackend<P> {
    fn name(&self) -> &str {
        &self.name
    }

    fn is_sync(&self) -> bool {
        true
    }

    fn execute(&self, request: Arc<TaskRequest>) -> BoxFuture<'_, Result<PhaseInfo, Fail>> {
        Box::pin(async move {
            let ctx = TaskContext::<P::Custom>::from_request(request)?;
            Ok(self.plugin.do_task(&ctx).await?)
        })
    }
}

struct K8sBackend<P: K8sPlugin, C: ResourceClient> {
    name: String,
    plugin: P,
    client: C,
}

impl<P: K8sPlugin, C: ResourceClient> Backend for K8sBackend<P, C> {
    fn name(&self) -> &str {
        &self.name
    }

    fn create(&self, request: Arc<TaskRequest>) -> BoxFuture<'_, Result<Body, Fail>> {
        Box::pin(async move {
            let ctx = TaskContext::<P::Custom>::from_request(request)?;
            let identity = self.plugin.build_identity_resource(ctx.metadata())?;
            let mut object = self.plugin.build_resource(&ctx).await?;
            if (object.api_version(), object.kind()) != (identity.api_version(), identity.kind()) {
                return Err(Error::system(
                    codes::RUNTIME_FAILURE,
                    format!(
                        "plugin {:?} built a {} {} but its identity resource is a {} {}",
                        self.name,
                        object.api_version(),
                        object.kind(),
                        identity.api_version(),
                        identity.kind()
                    ),
                )
                .into());
            }
            let metadata = ctx.metadata();
            if object.name().is_empty() {
                let max = self.plugin.properties().generated_name_max_length;
                object.set_name(generated_name(metadata, max));
            }
            if object.namespace().is_empty() {
                let ns = if metadata.namespace.is_empty() {
                    "default"
                } else {
                    &metadata.namespace
                };
                object.set_namespace(ns);
            }
            for (k, v) in sorted(&metadata.labels) {
                object.add_label(k, v);
            }
            for (k, v) in sorted(&metadata.annotations) {
                object.add_annotation(k, v);
            }
            let object_ref = object.object_ref();
            match self.client.create(&object).await {
                Ok(()) => {}
                Err(e) if e.code() == codes::ALREADY_EXISTS => {
                    tracing::info!(object = ?object_ref, "the object exists already; using it");
                }
                Err(e) => return Err(e.into()),
            }
            Ok(Body::K8s { object: object_ref })
        })
    }

    fn get(&self, body: Body, ctx: StatusContext) -> BoxFuture<'_, Result<PhaseInfo, Fail>> {
        Box::pin(async move {
            let Body::K8s { object } = body else {
                return Err(foreign_meta(&self.name, &body));
            };
            match self.client.get(&object).await? {
                Some(resource) => Ok(self.plugin.phase_from_resource(&ctx, &resource)?),
                None => Ok(PhaseInfo::system_retryable_failure(
                    codes::RESOURCE_DELETED_EXTERNALLY,
                    format!(
                        "{} {}/{} was deleted before the task finished",
                        object.kind, object.namespace, object.name
                    ),
                )),
            }
        })
    }

    fn delete(&self, body: Body) -> BoxFuture<'_, Result<(), Fail>> {
        Box::pin(async move {
            let Body::K8s { object } = body else {
                return Err(foreign_meta(&self.name, &body));
            };
            if self.plugin.properties().disable_delete_resource_on_finalize {
                return Ok(());
            }
            Ok(self.client.delete(&object).await?)
        })
    }
}

fn sorted(map: &std::collections::HashMap<String, String>) -> Vec<(&String, &String)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort();
    entries
}

struct CoreBackend<P: CorePlugin> {
    name: String,
    host: CoreHost<P>,
}

impl<P: CorePlugin> Backend for CoreBackend<P> {
    fn name(&self) -> &str {
        &self.name
    }

    fn create(&self, request: Arc<TaskRequest>) -> BoxFuture<'_, Result<Body, Fail>> {
        Box::pin(async move {
            let ctx = TaskContext::<P::Custom>::from_request(Arc::clone(&request))?;
            let id = new_task_id();
            self.host.start_with_id(&id, ctx);
            let request = self
                .host
                .options()
                .resume_after_restart
                .then(|| meta::encode_request(&request));
            Ok(Body::Core { id, request })
        })
    }

    fn get(&self, body: Body, _ctx: StatusContext) -> BoxFuture<'_, Result<PhaseInfo, Fail>> {
        Box::pin(async move {
            let Body::Core { id, request } = body else {
                return Err(foreign_meta(&self.name, &body));
            };
            if let Some(info) = self.host.status(&id) {
                return Ok(info);
            }
            if self.host.is_deleted(&id) {
                return Ok(PhaseInfo::aborted("the task was deleted"));
            }
            let Some(text) = request else {
                return Ok(PhaseInfo::system_retryable_failure(
                    codes::SYSTEM_ERROR,
                    format!("this connector does not know core task {id}; it was restarted"),
                ));
            };
            let request = meta::decode_request(&text)
                .map_err(|e| Fail::Status(Status::invalid_argument(e)))?;
            let ctx = TaskContext::<P::Custom>::from_request(request)?;
            if self.host.start_with_id(&id, ctx) {
                tracing::info!(task_id = %id, "resumed a core task from its resource meta");
            }
            Ok(self
                .host
                .status(&id)
                .unwrap_or_else(|| PhaseInfo::queued("resuming")))
        })
    }

    fn delete(&self, body: Body) -> BoxFuture<'_, Result<(), Fail>> {
        Box::pin(async move {
            let Body::Core { id, .. } = body else {
                return Err(foreign_meta(&self.name, &body));
            };
            self.host.delete(&id).await;
            Ok(())
        })
    }
}

/// Why a [`ConnectorBuilder`] could not build.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// Two plugins serve the same task category.
    #[error("task category {category} is served by both {first:?} and {second:?}")]
    DuplicateCategory {
        /// The category.
        category: TaskCategory,
        /// The plugin registered first.
        first: String,
        /// The plugin registered second.
        second: String,
    },
    /// Two plugins have the same name.
    #[error("two plugins are named {0:?}")]
    DuplicateName(String),
    /// A plugin serves no task category.
    #[error("plugin {0:?} serves no task category")]
    NoCategories(String),
}

/// Registers plugins and builds a [`Connector`].
///
/// ```no_run
/// # use flyteplug_runtime::{Connector, ServeOptions};
/// # async fn example(my_plugin: impl flyteplug_runtime::AsyncPlugin) {
/// let connector = Connector::builder().async_plugin(my_plugin).build().unwrap();
/// flyteplug_runtime::serve(connector, ServeOptions::default()).await.unwrap();
/// # }
/// ```
pub struct ConnectorBuilder {
    backends: Vec<(PluginInfo, Arc<dyn Backend>)>,
    max_message_size: usize,
}

impl std::fmt::Debug for ConnectorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorBuilder")
            .field(
                "plugins",
                &self.backends.iter().map(|(i, _)| i).collect::<Vec<_>>(),
            )
            .field("max_message_size", &self.max_message_size)
            .finish()
    }
}

impl Default for ConnectorBuilder {
    fn default() -> Self {
        ConnectorBuilder {
            backends: Vec::new(),
            max_message_size: 64 * 1024 * 1024,
        }
    }
}

impl ConnectorBuilder {
    fn add(mut self, info: PluginInfo, backend: Arc<dyn Backend>) -> Self {
        self.backends.push((info, backend));
        self
    }

    /// Registers a web API plugin for long-running jobs (served by `AsyncAgentService`).
    pub fn async_plugin<P: AsyncPlugin>(self, plugin: P) -> Self {
        let info = plugin.info();
        let name = info.name.clone();
        self.add(info, Arc::new(WebApiBackend { name, plugin }))
    }

    /// Registers a web API plugin for requests that complete within one call (served by
    /// `SyncAgentService`).
    pub fn sync_plugin<P: SyncPlugin>(self, plugin: P) -> Self {
        let info = plugin.info();
        let name = info.name.clone();
        self.add(info, Arc::new(SyncBackend { name, plugin }))
    }

    /// Registers a Kubernetes operator plugin with the client that creates its objects (served by
    /// `AsyncAgentService`).
    pub fn k8s_plugin<P: K8sPlugin, C: ResourceClient>(self, plugin: P, client: C) -> Self {
        let info = plugin.info();
        let name = info.name.clone();
        self.add(
            info,
            Arc::new(K8sBackend {
                name,
                plugin,
                client,
            }),
        )
    }

    /// Registers a core plugin, run by a [`CoreHost`] (served by `AsyncAgentService`).
    pub fn core_plugin<P: CorePlugin>(self, plugin: P, options: CoreHostOptions) -> Self {
        let info = plugin.info();
        let name = info.name.clone();
        let host = CoreHost::new(plugin, options);
        self.add(info, Arc::new(CoreBackend { name, host }))
    }

    /// The largest gRPC message to accept or send, in bytes (default 64 MiB).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// Builds the connector; fails when plugins share a name or a task category.
    pub fn build(self) -> Result<Connector, BuildError> {
        let mut routes: BTreeMap<TaskCategory, usize> = BTreeMap::new();
        let mut agents: Vec<admin::Agent> = Vec::new();
        let mut backends = Vec::new();
        for (index, (info, backend)) in self.backends.into_iter().enumerate() {
            if info.categories.is_empty() {
                return Err(BuildError::NoCategories(info.name));
            }
            if agents.iter().any(|a| a.name == info.name) {
                return Err(BuildError::DuplicateName(info.name));
            }
            for category in &info.categories {
                if let Some(&other) = routes.get(category) {
                    return Err(BuildError::DuplicateCategory {
                        category: category.clone(),
                        first: agents[other].name.clone(),
                        second: info.name,
                    });
                }
                routes.insert(category.clone(), index);
            }
            #[allow(deprecated)]
            agents.push(admin::Agent {
                name: info.name.clone(),
                supported_task_types: info.categories.iter().map(|c| c.name.clone()).collect(),
                is_sync: backend.is_sync(),
                supported_task_categories: info
                    .categories
                    .iter()
                    .cloned()
                    .map(Into::into)
                    .collect(),
            });
            backends.push(backend);
        }
        Ok(Connector {
            inner: Arc::new(Inner {
                routes,
                agents,
                backends,
                max_message_size: self.max_message_size,
            }),
        })
    }
}

struct Inner {
    routes: BTreeMap<TaskCategory, usize>,
    agents: Vec<admin::Agent>,
    backends: Vec<Arc<dyn Backend>>,
    max_message_size: usize,
}

/// A connector: the registered plugins behind Flyte's connector services. Cheap to clone.
///
/// Build one with [`Connector::builder`], then run it with [`serve`](crate::serve) or
/// [`Connector::serve_with_listener`], or mount its [`routes`](Connector::routes) in a server
/// of your own.
#[derive(Clone)]
pub struct Connector {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("agents", &self.inner.agents)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// A builder.
    pub fn builder() -> ConnectorBuilder {
        ConnectorBuilder::default()
    }

    /// The agents the metadata service lists, one per plugin, sorted by name.
    pub fn agents(&self) -> Vec<admin::Agent> {
        let mut agents = self.inner.agents.clone();
        agents.sort_by(|a, b| a.name.cmp(&b.name));
        agents
    }

    /// The three gRPC services, ready to add to a `tonic` server.
    pub fn routes(&self) -> tonic::service::Routes {
        let size = self.inner.max_message_size;
        let service = Service(Arc::clone(&self.inner));
        tonic::service::Routes::new(
            AsyncAgentServiceServer::new(service.clone())
                .max_decoding_message_size(size)
                .max_encoding_message_size(size),
        )
        .add_service(
            SyncAgentServiceServer::new(service.clone())
                .max_decoding_message_size(size)
                .max_encoding_message_size(size),
        )
        .add_service(
            AgentMetadataServiceServer::new(service)
                .max_decoding_message_size(size)
                .max_encoding_message_size(size),
        )
    }

    /// Serves on a bound listener until `shutdown` completes, then finishes the calls in flight.
    pub async fn serve_with_listener(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), tonic::transport::Error> {
        let addr = listener.local_addr().ok();
        tracing::info!(
            address = ?addr,
            agents = ?self.agents().iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            "connector serving"
        );
        let result = tonic::transport::Server::builder()
            .add_routes(self.routes())
            .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
            .await;
        tracing::info!("connector stopped");
        result
    }
}

#[derive(Clone)]
struct Service(Arc<Inner>);

impl Service {
    fn backend(&self, category: &TaskCategory) -> Result<&Arc<dyn Backend>, Status> {
        match self.0.routes.get(category) {
            Some(&i) => Ok(&self.0.backends[i]),
            None => {
                let served: Vec<String> = self.0.routes.keys().map(|c| c.to_string()).collect();
                Err(Status::not_found(format!(
                    "no agent serves task category {category}; this connector serves: {}",
                    served.join(", ")
                )))
            }
        }
    }

    fn async_backend(&self, category: &TaskCategory) -> Result<&Arc<dyn Backend>, Status> {
        let backend = self.backend(category)?;
        if backend.is_sync() {
            return Err(Status::failed_precondition(format!(
                "task category {category} is served by the sync agent {:?}: \
                 call SyncAgentService/ExecuteTaskSync",
                backend.name()
            )));
        }
        Ok(backend)
    }

    /// The category a Get/Delete request names: `task_category`, else the deprecated
    /// `task_type` (version 0), else the one in the resource meta. A request that names another
    /// category than the meta's is refused.
    fn category_of(
        &self,
        category: Option<&admin::TaskCategory>,
        task_type: &str,
        envelope: &Envelope,
    ) -> Result<TaskCategory, Status> {
        let named = match category {
            Some(c) if !c.name.is_empty() => Some(TaskCategory::from(c)),
            _ if !task_type.is_empty() => Some(TaskCategory::new(task_type, 0)),
            _ => None,
        };
        match named {
            Some(c) if c != envelope.category => Err(Status::invalid_argument(format!(
                "the request names task category {c} but the resource meta belongs to {}",
                envelope.category
            ))),
            _ => Ok(envelope.category.clone()),
        }
    }
}

fn decode_envelope(bytes: &[u8]) -> Result<Envelope, Status> {
    Envelope::decode(bytes).map_err(Status::invalid_argument)
}

#[tonic::async_trait]
impl AsyncAgentService for Service {
    async fn create_task(
        &self,
        request: Request<CreateTaskRequest>,
    ) -> Result<Response<CreateTaskResponse>, Status> {
        let request = request.into_inner();
        let template = request
            .template
            .ok_or_else(|| Status::invalid_argument("CreateTaskRequest has no template"))?;
        let task = TaskRequest {
            template,
            inputs: request.inputs.unwrap_or_default(),
            output_prefix: request.output_prefix,
            metadata: request.task_execution_metadata.unwrap_or_default(),
        };
        let category = task.category();
        let backend = self.async_backend(&category)?;
        let body = match backend.create(Arc::new(task)).await {
            Ok(body) => {
                tracing::info!(category = %category, agent = backend.name(), "task created");
                body
            }
            Err(Fail::Plugin(error)) => {
                tracing::warn!(
                    category = %category,
                    agent = backend.name(),
                    error = %error,
                    "task failed at create; GetTask reports the failure"
                );
                Body::Failed { error }
            }
            Err(Fail::Status(status)) => return Err(status),
        };
        Ok(Response::new(CreateTaskResponse {
            resource_meta: Envelope::new(category, body).encode(),
        }))
    }

    async fn get_task(
        &self,
        request: Request<GetTaskRequest>,
    ) -> Result<Response<GetTaskResponse>, Status> {
        let request = request.into_inner();
        let envelope = decode_envelope(&request.resource_meta)?;
        #[allow(deprecated)]
        let task_type = request.task_type.as_str();
        let category = self.category_of(request.task_category.as_ref(), task_type, &envelope)?;
        let backend = self.async_backend(&category)?;
        let info = match envelope.body {
            Body::Failed { error } => PhaseInfo::from_error(error),
            body => {
                let ctx = StatusContext {
                    category: category.clone(),
                    output_prefix: request.output_prefix,
                };
                match backend.get(body, ctx).await {
                    Ok(info) => info,
                    Err(Fail::Plugin(error)) => {
                        tracing::warn!(category = %category, error = %error, "get failed");
                        PhaseInfo::from_error(error)
                    }
                    Err(Fail::Status(status)) => return Err(status),
                }
            }
        };
        tracing::debug!(category = %category, phase = ?info.phase(), "task status");
        Ok(Response::new(GetTaskResponse {
            resource: Some(wire::resource(info)),
        }))
    }

    async fn delete_task(
        &self,
        request: Request<DeleteTaskRequest>,
    ) -> Result<Response<DeleteTaskResponse>, Status> {
        let request = request.into_inner();
        let envelope = decode_envelope(&request.resource_meta)?;
        #[allow(deprecated)]
        let task_type = request.task_type.as_str();
        let category = self.category_of(request.task_category.as_ref(), task_type, &envelope)?;
        let backend = self.async_backend(&category)?;
        match envelope.body {
            Body::Failed { .. } => {}
            body => match backend.delete(body).await {
                Ok(()) => {}
                Err(Fail::Plugin(error)) => {
                    tracing::warn!(category = %category, error = %error, "delete failed");
                    let message = format!("failed to delete the task: {error}");
                    return Err(if error.is_retryable() {
                        Status::unavailable(message)
                    } else {
                        Status::internal(message)
                    });
                }
                Err(Fail::Status(status)) => return Err(status),
            },
        }
        tracing::info!(category = %category, agent = backend.name(), "task deleted");
        Ok(Response::new(DeleteTaskResponse {}))
    }

    async fn get_task_metrics(
        &self,
        _request: Request<GetTaskMetricsRequest>,
    ) -> Result<Response<GetTaskMetricsResponse>, Status> {
        Err(Status::unimplemented(
            "GetTaskMetrics is not supported by flyteplug connectors",
        ))
    }

    type GetTaskLogsStream = BoxStream<GetTaskLogsResponse>;

    async fn get_task_logs(
        &self,
        _request: Request<GetTaskLogsRequest>,
    ) -> Result<Response<Self::GetTaskLogsStream>, Status> {
        Err(Status::unimplemented(
            "GetTaskLogs is not supported by flyteplug connectors; see the task's log links",
        ))
    }
}

#[tonic::async_trait]
impl SyncAgentService for Service {
    type ExecuteTaskSyncStream = BoxStream<ExecuteTaskSyncResponse>;

    async fn execute_task_sync(
        &self,
        request: Request<Streaming<ExecuteTaskSyncRequest>>,
    ) -> Result<Response<Self::ExecuteTaskSyncStream>, Status> {
        use execute_task_sync_request::Part;
        let mut stream = request.into_inner();
        let header = match stream.message().await? {
            Some(ExecuteTaskSyncRequest {
                part: Some(Part::Header(header)),
            }) => header,
            _ => {
                return Err(Status::invalid_argument(
                    "the first ExecuteTaskSync message must be the header",
                ));
            }
        };
        let inputs = match stream.message().await? {
            Some(ExecuteTaskSyncRequest {
                part: Some(Part::Inputs(inputs)),
            }) => inputs,
            None => LiteralMap::default(),
            Some(_) => {
                return Err(Status::invalid_argument(
                    "the second ExecuteTaskSync message must be the inputs",
                ));
            }
        };
        let template = header.template.ok_or_else(|| {
            Status::invalid_argument("the ExecuteTaskSync header has no template")
        })?;
        let task = TaskRequest {
            template,
            inputs,
            output_prefix: header.output_prefix,
            metadata: header.task_execution_metadata.unwrap_or_default(),
        };
        let category = task.category();
        let backend = self.backend(&category)?;
        if !backend.is_sync() {
            return Err(Status::failed_precondition(format!(
                "task category {category} is served by the async agent {:?}: \
                 call AsyncAgentService/CreateTask",
                backend.name()
            )));
        }
        let info = match backend.execute(Arc::new(task)).await {
            Ok(info) => info,
            Err(Fail::Plugin(error)) => {
                tracing::warn!(category = %category, error = %error, "sync task failed");
                PhaseInfo::from_error(error)
            }
            Err(Fail::Status(status)) => return Err(status),
        };
        tracing::info!(category = %category, phase = ?info.phase(), "sync task done");
        let response = ExecuteTaskSyncResponse {
            res: Some(execute_task_sync_response::Res::Header(
                ExecuteTaskSyncResponseHeader {
                    resource: Some(wire::resource(info)),
                },
            )),
        };
        Ok(Response::new(Box::pin(tokio_stream::once(Ok(response)))))
    }
}

#[tonic::async_trait]
impl AgentMetadataService for Service {
    async fn get_agent(
        &self,
        request: Request<GetAgentRequest>,
    ) -> Result<Response<GetAgentResponse>, Status> {
        let name = request.into_inner().name;
        match self.0.agents.iter().find(|a| a.name == name) {
            Some(agent) => Ok(Response::new(GetAgentResponse {
                agent: Some(agent.clone()),
            })),
            None => Err(Status::not_found(format!("no agent named {name:?}"))),
        }
    }

    async fn list_agents(
        &self,
        _request: Request<ListAgentsRequest>,
    ) -> Result<Response<ListAgentsResponse>, Status> {
        Ok(Response::new(ListAgentsResponse {
            agents: Connector {
                inner: Arc::clone(&self.0),
            }
            .agents(),
        }))
    }
}
