//! # dash-runtime
//!
//! Dash apps written in Rust. Callbacks are plain functions annotated with
//! [`#[callback]`](macro@callback); every callback of the program is collected at link time and
//! served over the Dash HTTP protocol to the real, unmodified Dash front end.
//!
//! ```no_run
//! use dash_runtime::prelude::*;
//!
//! #[callback(output = Output("greeting", "children"), inputs = [Input("name", "value")])]
//! fn greet(name: Option<String>) -> String {
//!     format!("Hello, {}!", name.unwrap_or_default())
//! }
//!
//! fn main() -> Result<(), dash_runtime::Error> {
//!     Dash::new()
//!         .layout(html::div((
//!             dcc::Input::new().id("name").value("world"),
//!             html::Div::new().id("greeting"),
//!         )))
//!         .run()
//! }
//! ```

#![warn(missing_docs)]

// The runtime's own code and tests use its macros, whose expansions name `::dash_runtime`.
extern crate self as dash_runtime;

pub mod app;
pub(crate) mod app_name;
pub mod apps;
pub mod assets;
pub mod background;
pub mod blocking;
pub mod callback;
pub mod components;
pub mod dependencies;
pub mod dispatch;
pub(crate) mod escape;
pub mod figure;
pub mod ids;
pub(crate) mod layout;
pub mod libraries;
pub mod mcp;
pub mod memo;
pub(crate) mod observability;
pub mod pages;
pub mod patch;
pub(crate) mod private_files;
pub mod protocol;
pub mod realtime;
pub mod registry;
pub mod server;
pub mod sessions;
pub(crate) mod signing;
pub mod store;
pub mod testing;
pub mod validation;

pub use app::{Dash, Error};
pub use callback::{
    callback_context, set_props, CallbackContext, CallbackError, NoUpdate, PreventUpdate,
    Serverside, Update,
};
pub use dash_macros::{callback, clientside_callback, mcp_tool, memoize, page};
pub use realtime::{get_props, GetPropsError};

/// The names most apps need: `use dash_runtime::prelude::*;`.
pub mod prelude {
    pub use crate::app::Dash;
    pub use crate::background::{CancelToken, Cancelled, Progress};
    pub use crate::callback::Serverside;
    pub use crate::callback::{
        callback_context, no_update, set_props, CallbackContext, CallbackError, PreventUpdate,
        Update,
    };
    pub use crate::components::{dash_table, dcc, html, Component, IntoChildren, IntoComponent};
    pub use crate::ids::TypedId;
    pub use crate::pages::{page_container, page_registry};
    pub use crate::patch::Patch;
    pub use crate::realtime::{get_props, GetPropsError};
    pub use dash_macros::{callback, clientside_callback, mcp_tool, memoize, page};
}

/// Items the macros expand to. Not public API: no stability guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::background::{run_blocking, Background, CacheSpec, JobContext};
    pub use crate::callback::dispatch::{
        catch_panic, catch_panic_async, output_multi, output_named, output_none, output_single,
        result_multi, result_named, result_none, result_single, Args, BoxFuture, CallResult,
        Clientside, Handler, IntoOutputs,
    };
    pub use crate::callback::spec::{CallbackSpec, Running};
    pub use crate::callback::{assert_all_output, CallbackError};
    pub use crate::components::IntoChildren;
    pub use crate::memo::{
        memo_async, memo_sync, memo_value_check, MemoFn, Memoize, MemoizeBy, OkOnly, Plain,
    };
    pub use crate::pages::{FromPageParam, PageArgs, PageParamError, PageSpec};

    /// A page layout function's result as layout JSON.
    pub fn page_layout<T: IntoChildren>(layout: T) -> Value {
        layout.into_children().into_value()
    }
    pub use crate::callback::serverside::{serverside_store, ServersideUse};
    pub use crate::dependencies::{Dependency, IdSpec, IdValue, OutputDep, Wildcard};
    pub use crate::ids::{accepts_property, prop_table};
    pub use crate::mcp::{
        mcp_tool_value, McpArgs, McpInfo, McpParam, McpSchemaAny, McpSchemaDerived, McpSchemaProbe,
        McpToolHandler, McpToolSpec,
    };
    pub use inventory;
    pub use serde_json::{to_value, Value};
}
