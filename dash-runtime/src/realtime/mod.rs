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

/// The page's props as they are when a callback starts, for `get_props` in a callback that
/// no browser called: the headless test app answers from its copy of the page. Keyed by
/// stringified component id.
#[derive(Clone, Debug)]
pub(crate) struct PageSnapshot(
    pub std::sync::Arc<std::collections::HashMap<String, serde_json::Value>>,
);

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
    let ctx = crate::callback::callback_context().ok_or(GetPropsError::NotOverWebsocket)?;
    let push = ctx.extension::<Push>();
    let snapshot = ctx.extension::<PageSnapshot>();
    if push.is_none() && snapshot.is_none() {
        return Err(GetPropsError::NotOverWebsocket);
    }
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
    let value = match (push, snapshot) {
        (Some(push), _) => push.get_prop(&component, prop).await?,
        // An unset prop reads as `null`, as the renderer answers for `undefined`.
        (None, Some(page)) => page
            .0
            .get(&component)
            .and_then(|props| props.get(prop))
            .cloned()
            .unwrap_or(serde_json::Value::Null),
        (None, None) => return Err(GetPropsError::NotOverWebsocket),
    };
    serde_json::from_value(value).map_err(|err| GetPropsError::Value {
        id: component,
        prop: prop.to_owned(),
        message: err.to_string(),
    })
}
