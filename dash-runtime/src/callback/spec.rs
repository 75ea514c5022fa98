//! The registered description of one callback.

use std::time::Duration;

use crate::dependencies::{Dependency, OutputDep};

use super::dispatch::{CallResult, Handler};
use super::error::CallbackError;

/// Everything the `#[callback]` macro records about a callback; submitted to the global
/// registry with `inventory`.
#[derive(Debug)]
pub struct CallbackSpec {
    /// The Rust function's name.
    pub name: &'static str,
    /// `module_path!()` of the function.
    pub module: &'static str,
    /// `file!()` of the attribute.
    pub file: &'static str,
    /// `line!()` of the attribute.
    pub line: u32,
    /// The outputs, in declaration order.
    pub outputs: &'static [OutputDep],
    /// Whether outputs were declared as a list (the return value is a tuple).
    pub multi_output: bool,
    /// The inputs, in declaration order.
    pub inputs: &'static [Dependency],
    /// The state, in declaration order.
    pub state: &'static [Dependency],
    /// `prevent_initial_call`, if the callback set it (otherwise the app's default applies).
    pub prevent_initial_call: Option<bool>,
    /// Properties set while the callback runs and reset after (`running`).
    pub running: &'static [Running],
    /// The generated shim that calls the function (or the clientside JavaScript).
    pub handler: Handler,
    /// The callback's own `on_error` handler: turns an error or a panic into output values.
    pub on_error: Option<fn(&CallbackError) -> CallResult>,
    /// `timeout`: how long a call may take before it is answered 504.
    pub timeout: Option<Duration>,
    /// Whether a synchronous callback runs on the blocking pool (the default) or inline on
    /// the async worker (`blocking = false`, for trivial callbacks).
    pub blocking: bool,
    /// `memoize = ".."`: answers kept in the data store and reused for identical calls.
    pub memoize: Option<crate::memo::Memoize>,
    /// `websocket = true`: the renderer calls it over the app's websocket (see
    /// [`crate::realtime`]).
    pub websocket: bool,
    /// `persistent = true`: the page shows no loading state while it runs (for callbacks
    /// that run as long as the page is open).
    pub persistent: bool,
    /// What the app's MCP server offers agents for it (see [`crate::mcp`]).
    pub mcp: crate::mcp::McpInfo,
    /// `app = ".."`: the named app it belongs to (`None`: every app that takes it, see
    /// [`crate::apps`]).
    pub app: Option<&'static str>,
}

/// One `running` entry: an output set to `values().0` while the callback runs and to
/// `values().1` when it settles (applied by the front end).
#[derive(Debug)]
pub struct Running {
    /// The property.
    pub output: OutputDep,
    /// `(while running, after)`.
    pub values: fn() -> (serde_json::Value, serde_json::Value),
}

inventory::collect!(CallbackSpec);

impl CallbackSpec {
    /// `file:line` of the declaration, for error reports.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The dependency behind argument `index` (inputs first, then state).
    pub fn argument(&self, index: usize) -> Option<&Dependency> {
        self.inputs.get(index).or_else(|| {
            index
                .checked_sub(self.inputs.len())
                .and_then(|i| self.state.get(i))
        })
    }
}
