//! `GET _dash-ws-callback`: the upgrade (origin check, connection limit) and what the index
//! tells the renderer.

use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::{watch, Semaphore};

use super::connection::{serve, Session};
use super::{origin, WebsocketOptions};
use crate::registry::Registry;
use crate::server::AppState;

/// The route, below the routes prefix.
pub(crate) const ROUTE: &str = "_dash-ws-callback";

/// The renderer's worker script, in the `dash` namespace of the pinned front end.
const WORKER: &str = "dash-renderer/build/dash-ws-worker.js";

/// The open websockets of one app: their limit, and the signal that closes them all.
pub(crate) struct Hub {
    slots: Arc<Semaphore>,
    shutdown: watch::Sender<bool>,
}

impl Hub {
    pub(crate) fn new(options: &WebsocketOptions) -> Self {
        Hub {
            slots: Arc::new(Semaphore::new(options.max_connections)),
            shutdown: watch::Sender::new(false),
        }
    }

    /// Close every websocket (the server is shutting down); their calls are cancelled.
    pub(crate) fn close_all(&self) {
        self.shutdown.send_replace(true);
    }
}

/// Whether the app serves the websocket: some callback uses it (or the app-wide switch is on
/// and there are server callbacks), and the worker script is served from this origin.
pub(crate) fn wanted(registry: &Registry, options: &WebsocketOptions) -> bool {
    use crate::callback::dispatch::Handler;
    registry.callbacks().iter().any(|c| match c.spec.handler {
        Handler::Sync(_) | Handler::Async(_) => options.callbacks || c.spec.websocket,
        Handler::Background(_) => c.spec.websocket,
        Handler::Clientside(_) => false,
    })
}

/// The `websocket` entry of `_dash-config`, when the app serves the websocket.
pub(crate) fn index_config(
    requests_prefix: &str,
    options: &WebsocketOptions,
    worker_url: Option<String>,
) -> Option<Value> {
    let worker_url = worker_url?;
    Some(json!({
        "enabled": options.callbacks,
        "url": format!("{requests_prefix}{ROUTE}"),
        "worker_url": worker_url,
        "inactivity_timeout": options.inactivity_timeout.as_millis() as u64,
        "heartbeat_interval": options.heartbeat_interval.as_millis() as u64,
    }))
}

/// The script's path in the `dash` namespace.
pub(crate) const fn worker_path() -> &'static str {
    WORKER
}

pub(crate) async fn upgrade(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let Some(hub) = state.realtime.as_ref() else {
        return (
            StatusCode::NOT_FOUND,
            "this app serves no websocket callbacks (none has `websocket = true`, or the front end comes from a CDN)",
        )
            .into_response();
    };
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let options = &state.config.websocket;
    if *hub.shutdown.borrow() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down; callbacks still work over HTTP",
        )
            .into_response();
    }
    if let Err(refused) = origin::check(&headers, &options.allowed_origins) {
        tracing::warn!("websocket refused: {refused}");
        return (StatusCode::FORBIDDEN, refused.to_string()).into_response();
    }
    let Ok(slot) = hub.slots.clone().try_acquire_owned() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "too many open websockets (at most {}); callbacks still work over HTTP",
                options.max_connections
            ),
        )
            .into_response();
    };
    let session = Session {
        dispatcher: state.dispatcher.clone(),
        registry: state.registry.clone(),
        options: options.clone(),
        debug: state.config.debug,
        headers,
        path: uri.path().to_owned(),
        shutdown: hub.shutdown.subscribe(),
    };
    upgrade
        .max_message_size(state.config.max_request_body)
        .on_upgrade(move |socket| async move {
            serve(socket, session).await;
            drop(slot);
        })
}
