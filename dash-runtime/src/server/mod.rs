//! The axum server speaking the Dash protocol.

mod index;
mod routes;
mod signing;
mod state;
mod update;

use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

pub use signing::Signer;
pub(crate) use state::{AppState, ErrorHandler};

use crate::app::{Config, Dash, Error};
use crate::assets::{AssetsFolder, FrontEnd, FrontEndConfig};
use crate::registry::Registry;
use crate::validation::{validate, Layouts, ValidationOptions};

/// Startup validation: every callback against each other and against the layout.
fn validate_app(config: &Config, registry: &Registry, layout: &crate::app::Layout) -> Result<(), Error> {
    let value = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| layout.current()))
        .map_err(|_| Error::LayoutPanicked)?;
    let options = ValidationOptions {
        suppress_callback_exceptions: config.suppress_callback_exceptions,
        allow_missing_ids: config.allow_missing_ids.clone(),
    };
    validate(registry, &Layouts::new().add("the app layout", &value), &options)?;
    Ok(())
}

/// A built app, ready to serve: settings resolved, callbacks collected, front end prepared.
pub struct DashServer {
    state: Arc<AppState>,
    extra_routes: Option<Router>,
}

impl DashServer {
    pub(crate) async fn build(app: Dash) -> Result<DashServer, Error> {
        let config = app.settings.resolve(&crate::app::config_env())?;
        let layout = app.layout.ok_or(Error::NoLayout)?;
        let registry = Registry::collect(config.prevent_initial_callbacks);
        validate_app(&config, &registry, &layout)?;
        let mut fe_config = FrontEndConfig::from_env();
        fe_config.serve_locally = config.serve_locally;
        let front_end = FrontEnd::load(&fe_config).await?;
        let assets =
            AssetsFolder::try_scan(&config.assets_folder, config.assets_ignore.as_deref())?;
        let state = AppState::new(config, registry, layout, front_end, assets, app.on_error);
        Ok(DashServer {
            state: Arc::new(state),
            extra_routes: app.routes,
        })
    }

    /// The resolved settings.
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// The collected callbacks.
    pub fn registry(&self) -> &Registry {
        &self.state.registry
    }

    /// The complete axum router (the app's routes plus any added with [`Dash::routes`]).
    pub fn router(&self) -> Router {
        let router = routes::router(self.state.clone());
        match &self.extra_routes {
            Some(extra) => router.merge(extra.clone()),
            None => router,
        }
    }

    /// Serve on the configured host and port until Ctrl-C.
    pub async fn serve(self) -> Result<(), Error> {
        let addr = format!("{}:{}", self.state.config.host, self.state.config.port);
        let listener = TcpListener::bind(&addr).await?;
        self.serve_on(listener).await
    }

    /// Serve on an already bound listener until Ctrl-C.
    pub async fn serve_on(self, listener: TcpListener) -> Result<(), Error> {
        let local = listener.local_addr()?;
        tracing::info!(
            "Dash is running on http://{}{}",
            local,
            self.state.config.routes_prefix
        );
        axum::serve(listener, self.router())
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    }
}
