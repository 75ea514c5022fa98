//! Shared state of a running app.

use std::sync::Arc;

use axum::body::Bytes;

use super::index::IndexTemplate;
use crate::app::{Config, Layout};
use crate::assets::{AssetsFolder, FrontEnd};
use crate::blocking::BlockingPool;
use crate::dispatch::Dispatcher;
use crate::pages::PageRouter;
use crate::registry::Registry;
use crate::signing::Signer;

pub(crate) use crate::callback::ErrorHandler;

/// Everything the route handlers read; built once.
pub(crate) struct AppState {
    pub config: Config,
    pub registry: Arc<Registry>,
    pub layout: Layout,
    pub front_end: FrontEnd,
    pub assets: AssetsFolder,
    pub signer: Signer,
    pub dependencies_json: Bytes,
    pub index: IndexTemplate,
    pub reload_hash: String,
    pub pages: Option<Arc<PageRouter>>,
    /// The background job manager, when the app has background callbacks.
    pub background: Option<Arc<crate::background::Service>>,
    /// Runs callback calls and layout functions (for every transport).
    pub dispatcher: Arc<Dispatcher>,
    /// The open websockets, when some callback is served over one.
    pub realtime: Option<crate::realtime::Hub>,
    /// Sessions and `Serverside` values.
    pub server_data: Arc<crate::sessions::ServerData>,
}

/// What an app is built from.
pub(crate) struct AppParts {
    pub config: Config,
    pub registry: Registry,
    pub layout: Layout,
    pub front_end: FrontEnd,
    pub assets: AssetsFolder,
    pub on_error: Option<ErrorHandler>,
    pub pages: Option<Arc<PageRouter>>,
    pub signer: Signer,
    pub background: Option<Arc<crate::background::Service>>,
    pub server_data: Arc<crate::sessions::ServerData>,
}

impl AppState {
    pub fn new(parts: AppParts) -> Self {
        let AppParts {
            config,
            registry,
            layout,
            front_end,
            assets,
            on_error,
            pages,
            signer,
            background,
            server_data,
        } = parts;
        let dependencies_json =
            Bytes::from(serde_json::to_vec(&registry.dependencies()).unwrap_or_default());
        let websocket = crate::realtime::wanted(&registry, &config.websocket)
            .then(|| {
                let worker = front_end.worker_url(&config.requests_prefix);
                if worker.is_none() {
                    tracing::warn!(
                        "websocket callbacks are answered over HTTP: the renderer's websocket \
                         worker must come from this server, and the front end is served from a CDN"
                    );
                }
                crate::realtime::index_config(&config.requests_prefix, &config.websocket, worker)
            })
            .flatten();
        let realtime = websocket
            .as_ref()
            .map(|_| crate::realtime::Hub::new(&config.websocket));
        let index = IndexTemplate::new(
            &config,
            &front_end,
            &assets,
            &registry.inline_clientside(),
            websocket.as_ref(),
        );
        let reload_hash = hex::encode(rand::random::<[u8; 16]>());
        let registry = Arc::new(registry);
        let pool = BlockingPool::new(config.callback_threads, config.callback_queue);
        let dispatcher = Arc::new(Dispatcher::new(
            registry.clone(),
            signer.clone(),
            on_error,
            pages.clone(),
            background.clone(),
            pool,
            server_data.clone(),
        ));
        AppState {
            config,
            registry,
            layout,
            front_end,
            assets,
            signer,
            dependencies_json,
            index,
            reload_hash,
            pages,
            background,
            dispatcher,
            realtime,
            server_data,
        }
    }
}
