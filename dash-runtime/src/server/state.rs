//! Shared state of a running app.

use std::sync::{Arc, PoisonError, RwLock};

use axum::body::Bytes;
use serde_json::Value;

use super::index::IndexTemplate;
use super::reload::ReloadHash;
use crate::app::{Config, Layout};
use crate::assets::{AssetChange, AssetsFolder, FrontEnd};
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
    /// The assets folder as last scanned and the index page that links it (replaced when
    /// hot reload sees the folder change).
    served: RwLock<Arc<Served>>,
    /// The `websocket` entry of the page config, kept to rebuild the index page.
    index_websocket: Option<Value>,
    pub signer: Signer,
    pub dependencies_json: Bytes,
    /// What `_reload-hash` answers.
    pub reload: ReloadHash,
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

/// The assets folder and the index page built from it, swapped together.
pub(crate) struct Served {
    pub assets: AssetsFolder,
    pub index: IndexTemplate,
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
            served: RwLock::new(Arc::new(Served { assets, index })),
            index_websocket: websocket,
            signer,
            dependencies_json,
            reload: ReloadHash::new(),
            pages,
            background,
            dispatcher,
            realtime,
            server_data,
        }
    }

    /// The assets folder and index page currently served.
    pub fn served(&self) -> Arc<Served> {
        self.served
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Scans the assets folder again; when anything changed, links the new set of files in
    /// the index page and returns what changed (blocking: it reads the folder).
    pub fn rescan_assets(&self) -> Vec<AssetChange> {
        let old = self.served();
        let assets = AssetsFolder::scan(
            &self.config.assets_folder,
            self.config.assets_ignore.as_deref(),
        );
        let changes = old.assets.changes(&assets, &self.config.requests_prefix);
        if !changes.is_empty() {
            let index = IndexTemplate::new(
                &self.config,
                &self.front_end,
                &assets,
                &self.registry.inline_clientside(),
                self.index_websocket.as_ref(),
            );
            *self.served.write().unwrap_or_else(PoisonError::into_inner) =
                Arc::new(Served { assets, index });
        }
        changes
    }
}
