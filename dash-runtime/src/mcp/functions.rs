//! `#[mcp_tool]` functions: plain functions offered as MCP tools.

use futures_util::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::schema::McpParam;

/// One `#[mcp_tool]` function, registered with `inventory`.
#[derive(Debug)]
pub struct McpToolSpec {
    /// The tool name (the function's, or `name = ".."`).
    pub name: &'static str,
    /// The doc comment.
    pub description: &'static str,
    /// The arguments, in the function's order.
    pub params: &'static [McpParam],
    /// The schema of the returned value (`null` for `()`).
    pub output: fn() -> serde_json::Value,
    /// The generated shim.
    pub handler: McpToolHandler,
    /// `file!()` of the attribute.
    pub file: &'static str,
    /// `line!()` of the attribute.
    pub line: u32,
}

inventory::collect!(McpToolSpec);

/// How a tool function is called.
#[derive(Debug, Clone, Copy)]
pub enum McpToolHandler {
    /// A plain `fn`: runs on the app's blocking pool.
    Sync(fn(&mut McpArgs) -> Result<Value, String>),
    /// An `async fn`: awaited on the runtime.
    Async(fn(McpArgs) -> BoxFuture<'static, Result<Value, String>>),
}

/// The arguments of one tool call, taken by name.
#[derive(Debug, Default)]
pub struct McpArgs(Map<String, Value>);

impl McpArgs {
    /// Wrap a call's `arguments` object.
    pub fn new(arguments: Map<String, Value>) -> Self {
        McpArgs(arguments)
    }

    /// Deserialise argument `name` (a missing one reads as `null`, so `Option` parameters may
    /// be left out).
    pub fn take<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, String> {
        let value = self.0.remove(name).unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|err| format!("argument `{name}`: {err}"))
    }
}

/// A tool function's return value as JSON.
pub fn mcp_tool_value<T: Serialize>(value: T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|err| format!("the result is not JSON: {err}"))
}

/// Every registered tool function, by name.
pub(crate) fn registered() -> Vec<&'static McpToolSpec> {
    let mut all: Vec<&'static McpToolSpec> = inventory::iter::<McpToolSpec>.into_iter().collect();
    all.sort_by_key(|t| (t.name, t.file, t.line));
    all
}
