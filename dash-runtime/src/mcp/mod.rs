//! The MCP server: an app's callbacks, layout, components and pages offered to AI agents
//! through the Model Context Protocol, as Dash 4.3+ does with `mcp_enabled`.
//!
//! Turned on with [`Dash::mcp`](crate::Dash::mcp) or `DASH_MCP_ENABLED=true`, it answers
//! Streamable HTTP at `<routes prefix>_mcp` on the app's own port (stateless, JSON answers).
//! What agents see:
//!
//! - **tools**: one per server callback (`mcp = false` in `#[callback]` leaves one out), named
//!   after the function, described by its outputs and its doc comment, with an input schema
//!   typed from the Rust parameters (`schemars`: `Option<String>` is `["string", "null"]`,
//!   `u64` an integer ≥ 0; a type without `JsonSchema` accepts any value);
//!   `get_dash_component`; for background callbacks, `get_background_task_result` and
//!   `cancel_background_task`; and every [`#[mcp_tool]`](crate::mcp_tool) function;
//! - **resources**: `dash://layout`, `dash://components`, `dash://pages`,
//!   `dash://clientside-callbacks` and the template `dash://page-layout/{path}`;
//! - **tasks**: a background callback's tool starts its job and answers a task
//!   (`tasks/get`, `tasks/cancel`) to clients that declare the tasks extension, and a
//!   task id to poll with `get_background_task_result` to the others.
//!
//! Calling a tool runs the callback the way the renderer's request would, through the same
//! dispatch core: the blocking pool, timeouts, `on_error` and the job store all apply.
//!
//! ```no_run
//! use dash_runtime::prelude::*;
//!
//! /// The greeting for a name.
//! #[callback(output = Output("greeting", "children"), inputs = [Input("name", "value")])]
//! fn greet(name: Option<String>) -> String {
//!     format!("Hello, {}!", name.unwrap_or_default())
//! }
//!
//! let app = Dash::new().mcp(true);
//! ```

mod catalog;
mod functions;
mod layout_view;
mod options;
mod resources;
mod run;
mod schema;
mod server;
mod tasks;

use std::sync::Arc;

use serde_json::{json, Value};

pub use functions::{mcp_tool_value, McpArgs, McpToolHandler, McpToolSpec};
pub use options::McpOptions;
pub(crate) use options::McpSettings;
pub use schema::{McpInfo, McpParam, McpSchemaAny, McpSchemaDerived, McpSchemaProbe};

use crate::server::state::AppState;

/// A `#[mcp_tool]` function as `tools/list` shows it.
fn function_tool(spec: &McpToolSpec) -> Value {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for p in spec.params {
        let schema = (p.schema)();
        if !schema::accepts_null(&schema) {
            required.push(json!(p.name));
        }
        properties.insert(p.name.to_owned(), schema);
    }
    let mut input = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        input["required"] = Value::Array(required);
    }
    let description = if spec.description.is_empty() {
        "MCP tool"
    } else {
        spec.description
    };
    let mut tool = json!({"name": spec.name, "description": description, "inputSchema": input});
    let output = (spec.output)();
    if !output.is_null() && output != json!({}) {
        tool["outputSchema"] = json!({
            "type": "object",
            "properties": {"result": output},
            "required": ["result"],
        });
    }
    tool
}

/// Whether an address is a loopback one (then only loopback `Host`s are answered).
fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]") || host.starts_with("127.")
}

/// The Streamable HTTP service for `_mcp`, mounted by the route table.
pub(crate) fn service(
    state: Arc<AppState>,
) -> rmcp::transport::StreamableHttpService<
    server::McpServer,
    rmcp::transport::streamable_http_server::session::never::NeverSessionManager,
> {
    let mut config = rmcp::transport::StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_max_request_body_bytes(state.config.max_request_body);
    config = match &state.config.mcp.allowed_hosts {
        Some(hosts) => config.with_allowed_hosts(hosts.clone()),
        None if is_loopback(&state.config.host) => config,
        None => config.disable_allowed_hosts(),
    };
    let handler = server::McpServer::new(state);
    rmcp::transport::StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(Default::default()),
        config,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("0.0.0.0"));
        assert!(!is_loopback("dash.example.com"));
    }
}
