//! Real time: callbacks over a websocket, with properties pushed while they run.
//!
//! The pinned dash-renderer can send callback calls over one websocket per page
//! (`_dash-ws-callback`, through its SharedWorker) instead of one HTTP request each. A
//! callback opts in with `#[callback(.., websocket = true)]`, or every server callback does
//! with [`Dash::websocket_callbacks`](crate::Dash::websocket_callbacks). Over the
//! websocket a callback may
//!
//! - push properties as it runs: [`set_props`](crate::set_props) sends them at once instead
//!   of with the answer, so a long-running `async fn` can stream updates;
//! - read the page's current values with [`get_props`];
//! - run for as long as the page is open (`persistent = true` keeps it out of the page's
//!   "Updating..." title); it is cancelled when the page goes away.
//!
//! The index only tells the renderer about the websocket when some callback uses it, and
//! only when the front end is served locally (the worker script must come from this
//! origin). Background callbacks keep polling over HTTP.
//!
//! ```no_run
//! use dash_runtime::prelude::*;
//! use std::time::Duration;
//!
//! /// Pushes "tick 1", "tick 2", ... while the page is open.
//! #[callback(inputs = [], websocket = true, persistent = true)]
//! async fn ticker() {
//!     for k in 1.. {
//!         set_props("ticker", serde_json::json!({"children": format!("tick {k}")}));
//!         tokio::time::sleep(Duration::from_millis(100)).await;
//!     }
//! }
//! ```

mod connection;
mod messages;
mod options;
mod origin;
mod push;
mod route;

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use options::WebsocketOptions;
pub(crate) use options::WebsocketSettings;
pub use push::GetPropsError;
pub(crate) use push::Push;
pub(crate) use route::{index_config, upgrade, wanted, worker_path, Hub, ROUTE};

/// The current value of `id.prop` in the page, asked over the websocket of the callback
/// running now.
///
/// ```no_run
/// use dash_runtime::prelude::*;
///
/// #[callback(output = Output("answer", "children"), inputs = [Input("ask", "n_clicks")], websocket = true)]
/// async fn ask(_: Option<u64>) -> Result<String, GetPropsError> {
///     let name: Option<String> = get_props("name", "value").await?;
///     Ok(format!("Asked {}", name.unwrap_or_default()))
/// }
/// ```
pub async fn get_props<T: DeserializeOwned>(
    id: impl Serialize,
    prop: &str,
) -> Result<T, GetPropsError> {
    let push = crate::callback::callback_context()
        .and_then(|ctx| ctx.extension::<Push>())
        .ok_or(GetPropsError::NotOverWebsocket)?;
    let component = match serde_json::to_value(id) {
        Ok(id) => crate::dependencies::stringify_id(&id),
        Err(err) => {
            return Err(GetPropsError::Value {
                id: String::new(),
                prop: prop.to_owned(),
                message: err.to_string(),
            })
        }
    };
    let value = push.get_prop(&component, prop).await?;
    serde_json::from_value(value).map_err(|err| GetPropsError::Value {
        id: component,
        prop: prop.to_owned(),
        message: err.to_string(),
    })
}
