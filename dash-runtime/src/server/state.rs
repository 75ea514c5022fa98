//! Shared state of a running app.

use std::sync::Arc;

use axum::body::Bytes;

use super::index::IndexTemplate;
use super::signing::Signer;
use crate::app::{Config, Layout};
use crate::assets::{AssetsFolder, FrontEnd};
use crate::pages::PageRouter;
use crate::registry::Registry;

/// Everything the route handlers read; built once.
pub(crate) struct AppState {
    pub config: Config,
    pub registry: Registry,
    pub layout: Layout,
    pub front_end: FrontEnd,
    pub assets: AssetsFolder,
    pub signer: Signer,
    pub dependencies_json: Bytes,
    pub index: IndexTemplate,
    pub reload_hash: String,
    pub on_error: Option<ErrorHandler>,
    pub pages: Option<Arc<PageRouter>>,
    /// The background job manager, when the app has background callbacks.
    pub background: Option<Arc<crate::background::Service>>,
}

/// The app-wide `on_error` handler.
pub(crate) type ErrorHandler =
    std::sync::Arc<dyn Fn(&crate::callback::CallbackError) + Send + Sync>;

impl AppState {
    pub fn new(
        config: Config,
        registry: Registry,
        layout: Layout,
        front_end: FrontEnd,
        assets: AssetsFolder,
        on_error: Option<ErrorHandler>,
        pages: Option<Arc<PageRouter>>,
    ) -> Self {
        let dependencies_json =
            Bytes::from(serde_json::to_vec(&registry.dependencies()).unwrap_or_default());
        let index = IndexTemplate::new(&config, &front_end, &assets, &registry.inline_clientside());
        let reload_hash = hex::encode(rand::random::<[u8; 16]>());
        AppState {
            config,
            registry,
            layout,
            front_end,
            assets,
            signer: Signer::from_env(),
            dependencies_json,
            index,
            reload_hash,
            on_error,
            pages,
            background: None,
        }
    }
}
