//! The axum server speaking the Dash protocol.

mod index;
mod ops;
mod options;
mod reload;
mod reply;
mod routes;
mod serve;
pub(crate) mod state;
mod update;

use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

pub use crate::signing::Signer;
pub use options::ServerOptions;
pub(crate) use options::ServerSettings;
pub(crate) use state::{AppState, ErrorHandler};

use crate::app::{Config, Dash, Error};
use crate::assets::{AssetsFolder, FrontEnd, FrontEndConfig};
use crate::pages::{page_container, routing_specs, PageRouter};
use crate::registry::Registry;
use crate::validation::{validate, Layouts, ValidationOptions};

/// Startup validation: every callback against each other and against the layout.
fn validate_app(
    config: &Config,
    registry: &Registry,
    layout: &crate::app::Layout,
    pages: Option<&PageRouter>,
) -> Result<Option<serde_json::Value>, Error> {
    let value = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| layout.current()))
        .map_err(|_| Error::LayoutPanicked)?;
    if pages.is_some() && !contains_id(&value, crate::pages::CONTENT_ID) {
        return Err(Error::Pages(
            "the app has pages, but its layout has no page container: add `dash_runtime::pages::page_container()` to the layout, or give no layout".to_owned(),
        ));
    }
    let page_layouts = pages
        .map(PageRouter::validation_layouts)
        .unwrap_or_default();
    let options = ValidationOptions {
        suppress_callback_exceptions: config.suppress_callback_exceptions,
        allow_missing_ids: config.allow_missing_ids.clone(),
    };
    let mut layouts = Layouts::new().add("the app layout", &value);
    for (name, page) in &page_layouts {
        layouts = layouts.add_page(name.clone(), page);
    }
    validate(registry, &layouts, &options)?;
    // The front end checks callback ids against the live layout; when pages or a layout
    // function can show more than that, it gets every layout at once instead (as Dash does).
    let dynamic = pages.is_some() || matches!(layout, crate::app::Layout::Dynamic(_));
    if config.suppress_callback_exceptions || !dynamic {
        return Ok(None);
    }
    let mut all: Vec<serde_json::Value> = page_layouts.into_iter().map(|(_, v)| v).collect();
    all.push(value);
    Ok(Some(
        crate::components::IntoComponent::into_component(crate::components::html::div(all))
            .into_value(),
    ))
}

/// The front end as configured; when it is to be served locally but neither npm nor pip can
/// fetch it (and no offline directory is set), the page links the public CDN instead, with a
/// warning: a newcomer with only cargo and a network still gets a working page.
async fn load_front_end(
    fe_config: &FrontEndConfig,
    config: &mut Config,
) -> Result<FrontEnd, Error> {
    let libraries = crate::libraries::linked();
    let err = match FrontEnd::load_with(fe_config, libraries, &config.themes).await {
        Ok(front_end) => return Ok(front_end),
        Err(err) => err,
    };
    let tool_missing = matches!(
        err,
        crate::assets::AssetError::NpmUnavailable { .. }
            | crate::assets::AssetError::PipUnavailable { .. }
    );
    if !tool_missing || fe_config.offline_dir.is_some() {
        return Err(err.into());
    }
    let cdn = FrontEndConfig {
        serve_locally: false,
        ..fe_config.clone()
    };
    match FrontEnd::load_with(&cdn, libraries, &config.themes).await {
        Ok(front_end) => {
            tracing::warn!(
                "{err}. Serving the page with the Dash front end from the public CDN instead (DASH_SERVE_LOCALLY=false)"
            );
            config.serve_locally = false;
            Ok(front_end)
        }
        // A library only this server could serve: the first reason is the one to fix.
        Err(_) => Err(err.into()),
    }
}

/// Whether a layout holds a component with this string id.
fn contains_id(value: &serde_json::Value, id: &str) -> bool {
    match value {
        serde_json::Value::Object(map) => {
            map.get("props")
                .and_then(|p| p.get("id"))
                .and_then(|v| v.as_str())
                == Some(id)
                || map.values().any(|v| contains_id(v, id))
        }
        serde_json::Value::Array(items) => items.iter().any(|v| contains_id(v, id)),
        _ => false,
    }
}

/// A built app, ready to serve: settings resolved, callbacks collected, front end prepared.
pub struct DashServer {
    state: Arc<AppState>,
    extra_routes: Option<Router>,
}

impl DashServer {
    pub(crate) async fn build(app: Dash) -> Result<DashServer, Error> {
        DashServer::build_with(app, true).await
    }

    /// Build; without `front_end` nothing of the renderer's packages is loaded (pages
    /// served by the result link the CDN).
    pub(crate) async fn build_with(app: Dash, front_end: bool) -> Result<DashServer, Error> {
        let mut config = app.settings.resolve(&crate::app::config_env())?;
        let selection = app.selection();
        let router = PageRouter::new(&config.requests_prefix, &config.title, &selection);
        let pages = (!router.is_empty()).then(|| Arc::new(router));
        let (layout, registry) = match &pages {
            None => (
                app.layout.ok_or(Error::NoLayout)?,
                Registry::collect_with(config.prevent_initial_callbacks, &[], &selection),
            ),
            Some(router) => {
                let problems = router.problems();
                if !problems.is_empty() {
                    return Err(Error::Pages(problems.join("\n")));
                }
                (
                    app.layout
                        .unwrap_or_else(|| crate::app::Layout::fixed(page_container())),
                    Registry::collect_with(
                        config.prevent_initial_callbacks,
                        &routing_specs(),
                        &selection,
                    ),
                )
            }
        };
        config.validation_layout = validate_app(&config, &registry, &layout, pages.as_deref())?;
        let mut fe_config = FrontEndConfig::from_env();
        fe_config.serve_locally = config.serve_locally;
        let front_end = if front_end {
            load_front_end(&fe_config, &mut config).await?
        } else {
            FrontEnd::cdn()
        };
        let assets =
            AssetsFolder::try_scan(&config.assets_folder, config.assets_ignore.as_deref())?;
        let data_store = app.data_store.clone().unwrap_or_else(crate::store::current);
        let background = crate::background::Service::start(
            app.background,
            &registry,
            data_store.clone(),
            app.server_data.missing,
        )
        .await?;
        let mut signer = Signer::from_env();
        if let Some(service) = &background {
            // Job handles must verify in every process sharing the manager.
            if std::env::var("DASH_SECRET_KEY").map_or(true, |k| k.is_empty()) {
                let secret = service.shared_secret().await.map_err(Error::SharedSecret)?;
                signer = Signer::new(secret);
            }
        }
        let server_data = Arc::new(crate::sessions::ServerData::new(
            data_store,
            app.server_data,
        ));
        let state = AppState::new(state::AppParts {
            config,
            registry,
            layout,
            front_end,
            assets,
            on_error: app.on_error,
            pages,
            signer,
            background,
            server_data,
        });
        Ok(DashServer {
            state: Arc::new(state),
            extra_routes: app.routes,
        })
    }

    /// The shared state the routes read.
    pub(crate) fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// The resolved settings.
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// The dispatch core: runs callback calls for any transport (and shows the blocking
    /// pool's state).
    pub fn dispatcher(&self) -> &crate::dispatch::Dispatcher {
        &self.state.dispatcher
    }

    /// The collected callbacks.
    pub fn registry(&self) -> &Registry {
        &self.state.registry
    }

    /// The app's background jobs (`None` when it has no background callbacks).
    pub fn background_jobs(&self) -> Option<crate::background::Jobs> {
        self.state
            .background
            .clone()
            .map(crate::background::Jobs::new)
    }

    /// The complete axum router (the app's routes, `_dash-health`, the metrics route when
    /// configured, and any added with [`Dash::routes`]), with compression and the body read
    /// timeout applied.
    pub fn router(&self) -> Router {
        self.router_with(ops::Draining::default(), true)
    }

    fn router_with(&self, draining: ops::Draining, fallback: bool) -> Router {
        let router = routes::router(self.state.clone(), fallback)
            .merge(ops::routes(self.state.clone(), draining));
        let router = match &self.extra_routes {
            Some(extra) => router.merge(extra.clone()),
            None => router,
        };
        let options = &self.state.config.server;
        ops::layers(router, options.body_timeout, options.compress)
    }

    /// One router holding every app's routes side by side (each under its own prefix).
    ///
    /// Fails when no app is given, or when two apps claim the same route (the same prefix,
    /// the same metrics path or the same extra route).
    pub fn router_of(servers: &[DashServer]) -> Result<Router, Error> {
        DashServer::together(servers, &ops::Draining::default())
    }

    fn together(servers: &[DashServer], draining: &ops::Draining) -> Result<Router, Error> {
        if servers.is_empty() {
            return Err(Error::Apps("no app was given".to_owned()));
        }
        let mut prefixes: Vec<&str> = Vec::new();
        let mut metrics: Vec<&str> = Vec::new();
        let mut router = Router::new();
        for server in servers {
            let prefix = server.state.config.routes_prefix.as_str();
            if prefixes.contains(&prefix) {
                return Err(Error::Apps(format!(
                    "two apps are served under {prefix:?}: give each its own url_base_pathname"
                )));
            }
            prefixes.push(prefix);
            if let Some(path) = server.state.config.server.metrics_path.as_deref() {
                if metrics.contains(&path) {
                    return Err(Error::Apps(format!(
                        "two apps serve metrics at {path:?}: set Dash::metrics on one of them (the metrics cover the whole process)"
                    )));
                }
                metrics.push(path);
            }
            let own = server.router_with(draining.clone(), false);
            // axum panics on a route two routers both define: report it instead.
            router =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || router.merge(own)))
                    .map_err(|_| {
                    Error::Apps(format!(
                    "the app under {prefix:?} adds a route (Dash::routes) another app defines too"
                ))
                })?;
        }
        Ok(router.fallback(routes::not_found))
    }

    /// Serve several apps side by side on the first one's host and port until SIGTERM or
    /// Ctrl-C, then drain them all (see [`crate::apps`]).
    pub async fn serve_together(servers: Vec<DashServer>) -> Result<(), Error> {
        let draining = ops::Draining::default();
        let router = DashServer::together(&servers, &draining)?;
        let first = &servers[0].state.config;
        let listener = TcpListener::bind(format!("{}:{}", first.host, first.port)).await?;
        let local = listener.local_addr()?;
        for server in &servers {
            tracing::info!(
                "Dash is running on http://{}{}",
                local,
                server.state.config.routes_prefix
            );
        }
        let options = first.server.clone();
        let states: Vec<Arc<AppState>> = servers.iter().map(|s| s.state.clone()).collect();
        serve_apps(
            listener,
            router,
            &options,
            states,
            draining,
            crate::background::shutdown_signal(),
        )
        .await
    }

    /// Serve on the configured host and port until SIGTERM or Ctrl-C (see
    /// [`serve_until`](Self::serve_until)).
    pub async fn serve(self) -> Result<(), Error> {
        let addr = format!("{}:{}", self.state.config.host, self.state.config.port);
        let listener = TcpListener::bind(&addr).await?;
        self.serve_on(listener).await
    }

    /// Serve on an already bound listener until SIGTERM or Ctrl-C (see
    /// [`serve_until`](Self::serve_until)).
    pub async fn serve_on(self, listener: TcpListener) -> Result<(), Error> {
        self.serve_until(listener, crate::background::shutdown_signal())
            .await
    }

    /// Serve on an already bound listener until `shutdown` completes. Then new connections
    /// are refused, `_dash-health` answers 503, and requests in flight get up to the
    /// shutdown grace ([`Dash::shutdown_grace`]) to finish before this returns.
    ///
    /// ```no_run
    /// # async fn demo(server: dash_runtime::server::DashServer) -> Result<(), dash_runtime::Error> {
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// tokio::spawn(server.serve_until(listener, async { let _ = stopped.await; }));
    /// // ... later:
    /// let _ = stop.send(());
    /// # Ok(()) }
    /// ```
    pub async fn serve_until(
        self,
        listener: TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), Error> {
        let local = listener.local_addr()?;
        tracing::info!(
            "Dash is running on http://{}{}",
            local,
            self.state.config.routes_prefix
        );
        let draining = ops::Draining::default();
        let router = self.router_with(draining.clone(), true);
        let options = self.state.config.server.clone();
        serve_apps(
            listener,
            router,
            &options,
            vec![self.state.clone()],
            draining,
            shutdown,
        )
        .await
    }
}

/// Serve `router` (the routes of `apps`) until `shutdown` completes, watching each app's
/// assets for hot reload meanwhile. Then health answers 503, open websockets close (the pages
/// reconnect to another process, or to this one when it is back) and each app's background
/// jobs are handed over to other processes, while requests in flight finish.
async fn serve_apps(
    listener: TcpListener,
    router: Router,
    options: &ServerOptions,
    apps: Vec<Arc<AppState>>,
    draining: ops::Draining,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), Error> {
    // Hot reload: the watchers live as long as this function serves.
    let mut _watches = Vec::new();
    for app in &apps {
        match reload::watch_assets(app) {
            Ok(watch) => _watches.push(watch),
            Err(e) => tracing::warn!("assets hot reload is off: {e}"),
        }
    }
    let on_shutdown = async move {
        draining.start();
        for app in &apps {
            if let Some(hub) = &app.realtime {
                hub.close_all();
            }
            if let Some(service) = &app.background {
                if let Ok(n) = service.hand_over().await {
                    tracing::info!("handed {n} background job(s) over");
                }
            }
        }
    };
    let drained = serve::serve(listener, router, options, shutdown, on_shutdown).await;
    if let serve::Drained::TimedOut(n) = drained {
        tracing::warn!("{n} connection(s) did not finish within the shutdown grace");
    }
    tracing::info!("Dash has stopped");
    Ok(())
}
