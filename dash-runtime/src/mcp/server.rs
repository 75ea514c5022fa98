//! The MCP endpoint: an `rmcp` server handler over the app's state, served statelessly with
//! Streamable HTTP on the app's own port.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, ContentBlock,
    GetTaskParams, GetTaskResult, InitializeResult, ListResourceTemplatesResult,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResponse, ReadResourceResult, ServerCapabilities,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use super::catalog::{self, callback_tools, CallbackTool, GET_COMPONENT, TASK_CANCEL, TASK_RESULT};
use super::functions::{self, McpArgs, McpToolHandler};
use super::layout_view::LayoutView;
use super::resources;
use super::run::{self, Answer};
use super::tasks::{task_json, Finished, TaskId, TaskState, Tasks};
use crate::callback::dispatch::Handler;
use crate::protocol::Query;
use crate::server::state::AppState;

/// What the server tells agents about the app.
const INSTRUCTIONS: &str = "This is a Dash web application. Calling a tool runs one of the app's \
callbacks on the server and returns what it would show; it does not change what any user sees \
in a browser. Use the results to answer questions about what the app produces for given inputs.";

/// The scope background job handles are signed for when no page token is involved.
const JOB_SCOPE: &str = "job:";

/// One MCP server over one app; cheap to clone (one per request in stateless mode).
#[derive(Clone)]
pub(crate) struct McpServer {
    app: Arc<AppState>,
    tasks: Arc<Tasks>,
}

fn from_json<T: DeserializeOwned>(value: Value) -> Result<T, McpError> {
    serde_json::from_value(value)
        .map_err(|e| McpError::internal_error(format!("building the MCP answer failed: {e}"), None))
}

fn text_result(value: &Value, structured: Option<Value>, is_error: bool) -> CallToolResult {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut result = if is_error {
        CallToolResult::error(vec![ContentBlock::text(text)])
    } else {
        CallToolResult::success(vec![ContentBlock::text(text)])
    };
    result.structured_content = structured;
    result
}

fn tool_error(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

/// A callback's answer as a tool result: the JSON as text and as structured content.
fn answer_result(answer: Value) -> CallToolResult {
    text_result(&answer, Some(answer.clone()), false)
}

fn not_found(name: &str) -> McpError {
    McpError::new(
        rmcp::model::ErrorCode::METHOD_NOT_FOUND,
        format!(
            "Tool not found: {name}. The app's callbacks may have changed; call tools/list again."
        ),
        None,
    )
}

impl McpServer {
    pub(crate) fn new(app: Arc<AppState>) -> Self {
        McpServer {
            app,
            tasks: Arc::new(Tasks::default()),
        }
    }

    fn mcp_path(&self) -> String {
        format!(
            "{}{}",
            self.app.config.routes_prefix, self.app.config.mcp.path
        )
    }

    /// The layout now (a layout function runs on the blocking pool).
    async fn layout(&self) -> Result<Value, McpError> {
        self.app
            .dispatcher
            .layout(&self.app.layout)
            .await
            .map_err(|f| McpError::internal_error(f.to_string(), None))
    }

    /// The layout of the page at `path` (its layout function runs on the blocking pool).
    async fn page_layout(&self, path: &str) -> Result<Option<Value>, McpError> {
        let Some(router) = self.app.pages.clone() else {
            return Ok(None);
        };
        let path = path.to_owned();
        let layout = crate::layout::Layout::Dynamic(Arc::new(move || {
            router.page_layout(&path).unwrap_or(Value::Null)
        }));
        let value = self
            .app
            .dispatcher
            .layout(&layout)
            .await
            .map_err(|f| McpError::internal_error(f.to_string(), None))?;
        Ok(Some(value).filter(|v| !v.is_null()))
    }

    fn headers(context: &RequestContext<RoleServer>) -> axum::http::HeaderMap {
        context
            .extensions
            .get::<axum::http::request::Parts>()
            .map(|p| p.headers.clone())
            .unwrap_or_default()
    }

    fn interval_ms(tool: &CallbackTool<'_>) -> u64 {
        match tool.callback.spec.handler {
            Handler::Background(bg) => bg.interval_ms,
            _ => 1000,
        }
    }

    async fn call_callback(
        &self,
        tool: &CallbackTool<'_>,
        arguments: &Map<String, Value>,
        layout: &LayoutView<'_>,
        context: &RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let body = run::request_body(tool, arguments, layout);
        let answer = run::dispatch(
            &self.app.dispatcher,
            body,
            Self::headers(context),
            Query::default(),
            &self.mcp_path(),
        )
        .await;
        match answer {
            Ok(Answer::Update(answer)) => Ok(answer_result(answer).into()),
            Ok(Answer::Started { job, cache_key }) => {
                let id = TaskId::new(&tool.name, job, cache_key);
                let poll = Self::interval_ms(tool);
                let task = task_json(&id, &TaskState::Working { progress: None }, poll);
                let wants_task = context
                    .client_capabilities()
                    .is_some_and(|caps| caps.supports_tasks());
                if wants_task {
                    let mut created = task;
                    created["resultType"] = json!("task");
                    return Ok(CallToolResponse::Task(from_json(created)?));
                }
                let text = json!({
                    "taskId": id.render(),
                    "status": "working",
                    "pollInterval": poll,
                    "message": format!("This is a long-running background callback. Call the {TASK_RESULT} tool with this taskId to poll for the result."),
                });
                Ok(text_result(&text, None, false).into())
            }
            Ok(Answer::Running { .. }) => Ok(tool_error(format!(
                "Callback {} answered a job poll to a new call",
                tool.callback.descriptor
            ))
            .into()),
            Err(message) => Ok(tool_error(message).into()),
        }
    }

    /// Where a task is now: finished answers from this process, else the job store's.
    async fn poll(&self, raw: &str) -> Result<(TaskId, TaskState, u64), McpError> {
        let id = TaskId::parse(raw)
            .ok_or_else(|| McpError::invalid_params(format!("Malformed taskId: {raw:?}"), None))?;
        if self.app.signer.verify(JOB_SCOPE, &id.job).is_none() {
            return Err(McpError::invalid_params(
                format!("Invalid taskId: {raw:?}"),
                None,
            ));
        }
        let tools = callback_tools(&self.app.registry);
        let tool = tools
            .iter()
            .find(|t| t.name == id.tool && t.is_background())
            .ok_or_else(|| McpError::invalid_params(format!("Task not found: {raw:?}"), None))?;
        let poll_ms = Self::interval_ms(tool);
        if let Some(done) = self.tasks.finished(raw) {
            return Ok((id, TaskState::Done(done), poll_ms));
        }
        let layout = self.layout().await?;
        let view = LayoutView::new(&layout);
        let body = run::request_body(tool, &Map::new(), &view);
        let query = Query::from(vec![
            ("cacheKey".to_owned(), id.cache_key.clone()),
            ("job".to_owned(), id.job.clone()),
        ]);
        let state = match run::dispatch(
            &self.app.dispatcher,
            body,
            Default::default(),
            query,
            &self.mcp_path(),
        )
        .await
        {
            Ok(Answer::Running { progress }) => TaskState::Working { progress },
            Ok(Answer::Update(answer)) => TaskState::Done(Finished::Completed(answer)),
            Ok(Answer::Started { .. }) => TaskState::Working { progress: None },
            Err(message) => TaskState::Done(Finished::Failed(message)),
        };
        if let TaskState::Done(done) = &state {
            self.tasks.finish(raw, done.clone());
        }
        Ok((id, state, poll_ms))
    }

    async fn cancel(&self, raw: &str) -> Result<Value, McpError> {
        let (id, state, poll_ms) = self.poll(raw).await?;
        if let TaskState::Working { .. } = state {
            let query = Query::from(vec![("cancelJob".to_owned(), id.job.clone())]);
            self.app.dispatcher.cancel_jobs(&query).await;
            self.tasks.finish(raw, Finished::Cancelled);
            return Ok(task_json(
                &id,
                &TaskState::Done(Finished::Cancelled),
                poll_ms,
            ));
        }
        Ok(task_json(&id, &state, poll_ms))
    }

    async fn get_component(
        &self,
        arguments: &Map<String, Value>,
    ) -> Result<CallToolResult, McpError> {
        let Some(raw_id) = arguments
            .get("component_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            return Ok(tool_error("component_id is required"));
        };
        // A dict id may be given as JSON text.
        let id = match serde_json::from_str::<Value>(raw_id) {
            Ok(v @ Value::Object(_)) => crate::dependencies::stringify_id(&v),
            _ => raw_id.to_owned(),
        };
        let only = arguments
            .get("property")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let layout = self.layout().await?;
        let view = LayoutView::new(&layout);
        let tools = callback_tools(&self.app.registry);
        let outputs_to = |prop: &str| -> Vec<String> {
            tools
                .iter()
                .filter(|t| {
                    catalog::output_props(t.callback)
                        .iter()
                        .any(|(o, p)| *o == id && *p == prop)
                })
                .map(|t| t.name.clone())
                .collect()
        };
        let Some(node) = view.get(&id) else {
            let modifying: Vec<String> = tools
                .iter()
                .filter(|t| {
                    catalog::output_props(t.callback)
                        .iter()
                        .any(|(o, _)| *o == id)
                })
                .map(|t| t.name.clone())
                .collect();
            let mut message = format!("Component '{id}' is not in the layout.");
            if !modifying.is_empty() {
                message.push_str(&format!(" These tools would change it: {modifying:?}."));
            }
            message.push_str(" The dash://components resource lists the components that are.");
            return Ok(tool_error(message));
        };
        let mut properties = Map::new();
        for prop in node.props.keys() {
            if only.is_some_and(|o| o != prop) {
                continue;
            }
            let value = run::initial_value(
                &self.app.dispatcher,
                &tools,
                &view,
                id.clone(),
                prop.clone(),
                8,
                &self.mcp_path(),
            )
            .await
            .filter(|v| !v.is_null());
            let Some(value) = value else { continue };
            let inputs_to: Vec<String> = tools
                .iter()
                .filter(|t| {
                    t.arguments()
                        .iter()
                        .any(|a| a.dep.id.stringify() == id && a.dep.property == prop)
                })
                .map(|t| t.name.clone())
                .collect();
            properties.insert(
                prop.clone(),
                json!({
                    "initial_value": value,
                    "modified_by_tool": outputs_to(prop),
                    "input_to_tool": inputs_to,
                }),
            );
        }
        let labels = view.labels(&id);
        let structured = json!({
            "component_id": id,
            "component_type": node.type_name,
            "label": if labels.is_empty() { Value::Null } else { json!(labels) },
            "properties": properties,
        });
        Ok(text_result(&structured, Some(structured.clone()), false))
    }

    async fn call_function(
        &self,
        spec: &'static functions::McpToolSpec,
        arguments: Map<String, Value>,
    ) -> CallToolResult {
        let mut args = McpArgs::new(arguments);
        let outcome = match spec.handler {
            McpToolHandler::Async(f) => match tokio::spawn(f(args)).await {
                Ok(result) => result,
                Err(err) => Err(format!("the tool panicked: {err}")),
            },
            McpToolHandler::Sync(f) => match self.app.dispatcher.pool().try_admit() {
                Ok(admission) => admission
                    .run(move || f(&mut args))
                    .await
                    .unwrap_or_else(|err| Err(err.to_string())),
                Err(_) => Err("the server is busy: try again shortly".to_owned()),
            },
        };
        match outcome {
            Ok(value) => {
                let structured = json!({ "result": value });
                text_result(&value, Some(structured), false)
            }
            Err(message) => {
                tracing::warn!(tool = spec.name, location = %format!("{}:{}", spec.file, spec.line), "MCP tool failed: {message}");
                tool_error(message)
            }
        }
    }
}

/// The built-in tools' definitions.
fn builtin_tools(has_background: bool) -> Value {
    let mut tools = vec![json!({
        "name": GET_COMPONENT,
        "description": "Read a component's properties: their values when the page loads and which tools change them or take them as input. Give property to read just one. The dash://components resource lists the component ids.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "component_id": {"type": "string", "description": "The id of the component"},
                "property": {"type": "string", "description": "One property to read (such as 'value' or 'options'); leave out for all"},
            },
            "required": ["component_id"],
        },
        "outputSchema": {
            "type": "object",
            "properties": {
                "component_id": {"type": "string"},
                "component_type": {"type": "string"},
                "label": {"type": ["array", "null"], "items": {"type": "string"}},
                "properties": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {
                            "initial_value": {},
                            "modified_by_tool": {"type": "array", "items": {"type": "string"}},
                            "input_to_tool": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["initial_value", "modified_by_tool", "input_to_tool"],
                    },
                },
            },
            "required": ["component_id", "component_type", "properties"],
        },
    })];
    if has_background {
        let task_arg = |what: &str| {
            json!({
                "type": "object",
                "properties": {"taskId": {"type": "string", "description": what}},
                "required": ["taskId"],
            })
        };
        tools.push(json!({
            "name": TASK_RESULT,
            "description": "Poll a long-running background callback with the taskId its tool returned. While it runs this answers its status (call again later); when it is done, the callback's result.",
            "inputSchema": task_arg("The taskId the background callback's tool returned"),
        }));
        tools.push(json!({
            "name": TASK_CANCEL,
            "description": "Cancel a running background callback.",
            "inputSchema": task_arg("The taskId of the task to cancel"),
        }));
    }
    Value::Array(tools)
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> InitializeResult {
        let tools = callback_tools(&self.app.registry);
        let mut capabilities = json!({
            "tools": {"listChanged": true},
            "resources": {"listChanged": true},
        });
        if catalog::has_background(&tools) {
            capabilities["extensions"] = json!({ rmcp::model::TASKS_EXTENSION_ID: {} });
        }
        let info = json!({
            "protocolVersion": rmcp::model::ProtocolVersion::default(),
            "capabilities": capabilities,
            "serverInfo": {"name": "dash-rs", "version": env!("CARGO_PKG_VERSION")},
            "instructions": INSTRUCTIONS,
        });
        from_json(info).unwrap_or_else(|_| {
            InitializeResult::new(ServerCapabilities::default()).with_instructions(INSTRUCTIONS)
        })
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let layout = self.layout().await?;
        let view = LayoutView::new(&layout);
        let tools = callback_tools(&self.app.registry);
        let mut all: Vec<Value> = Vec::new();
        for tool in &tools {
            all.push(
                serde_json::to_value(tool.definition(&view, &tools))
                    .map_err(|e| McpError::internal_error(e.to_string(), None))?,
            );
        }
        if let Value::Array(builtins) = builtin_tools(catalog::has_background(&tools)) {
            all.extend(builtins);
        }
        for f in functions::registered() {
            all.push(super::function_tool(f));
        }
        from_json(json!({ "tools": all }))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let arguments = request.arguments.unwrap_or_default();
        let name = request.name.as_ref();
        let tools = callback_tools(&self.app.registry);
        if let Some(tool) = tools.iter().find(|t| t.name == name) {
            let layout = self.layout().await?;
            let view = LayoutView::new(&layout);
            return self.call_callback(tool, &arguments, &view, &context).await;
        }
        if name == GET_COMPONENT {
            return self.get_component(&arguments).await.map(Into::into);
        }
        if catalog::has_background(&tools) && (name == TASK_RESULT || name == TASK_CANCEL) {
            let Some(task_id) = arguments.get("taskId").and_then(Value::as_str) else {
                return Ok(tool_error("taskId is required").into());
            };
            let outcome = if name == TASK_CANCEL {
                self.cancel(task_id)
                    .await
                    .map(|t| text_result(&t, None, false))
            } else {
                self.poll(task_id)
                    .await
                    .map(|(id, state, poll)| match state {
                        TaskState::Done(Finished::Completed(answer)) => answer_result(answer),
                        TaskState::Done(Finished::Failed(message)) => tool_error(message),
                        other => text_result(&task_json(&id, &other, poll), None, false),
                    })
            };
            return Ok(outcome
                .unwrap_or_else(|e| tool_error(e.message.to_string()))
                .into());
        }
        if let Some(spec) = functions::registered().into_iter().find(|f| f.name == name) {
            return Ok(self.call_function(spec, arguments).await.into());
        }
        Err(not_found(name))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        from_json(resources::list(
            &self.app.registry,
            self.app.pages.as_deref(),
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        from_json(resources::templates(self.app.pages.as_deref()))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri.as_str();
        let pages = self.app.pages.as_deref().filter(|p| !p.is_empty());
        let value = match uri {
            resources::LAYOUT => self.layout().await?,
            resources::COMPONENTS => resources::components(&self.layout().await?),
            resources::PAGES if pages.is_some() => pages.map(resources::pages).unwrap_or_default(),
            resources::CLIENTSIDE => resources::clientside(&self.app.registry),
            _ => match (uri.strip_prefix(resources::PAGE_LAYOUT), pages) {
                (Some(path), Some(_)) => {
                    let path = format!("/{}", path.trim_start_matches('/'));
                    self.page_layout(&path).await?.ok_or_else(|| {
                        McpError::resource_not_found(format!("Page not found: {path}"), None)
                    })?
                }
                _ => {
                    return Err(McpError::resource_not_found(
                        format!("Unknown resource URI: {uri}"),
                        None,
                    ))
                }
            },
        };
        from_json::<ReadResourceResult>(resources::contents(uri, &value)).map(Into::into)
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        let (id, state, poll) = self.poll(&request.task_id).await?;
        let mut task = task_json(&id, &state, poll);
        match &state {
            TaskState::Done(Finished::Completed(answer)) => {
                task["result"] = serde_json::to_value(answer_result(answer.clone()))
                    .map_err(|e| McpError::internal_error(e.to_string(), None))?;
            }
            TaskState::Done(Finished::Failed(message)) => {
                task["error"] = json!({"code": -32603, "message": message});
            }
            _ => {}
        }
        task["resultType"] = json!("complete");
        from_json(task)
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.cancel(&request.task_id).await.map(|_| ())
    }
}
