//! The app builder: settings, layout and start-up.

mod config;
mod error;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;

pub use crate::layout::Layout;
pub use config::{Config, ConfigError, DevTools};
pub use error::Error;

use crate::components::IntoChildren;
use crate::server::DashServer;

/// A Dash app: settings, a layout, and every `#[callback]` of the program.
///
/// Settings follow Python Dash: an explicit builder call wins over the environment
/// (`HOST`, `PORT`, `DASH_DEBUG`, `DASH_URL_BASE_PATHNAME`, `DASH_ROUTES_PATHNAME_PREFIX`,
/// `DASH_REQUESTS_PATHNAME_PREFIX`, `DASH_APP_NAME`, `DASH_SUPPRESS_CALLBACK_EXCEPTIONS`,
/// `DASH_SERVE_LOCALLY`, `DASH_UPDATE_TITLE`, the `DASH_*` dev-tools flags), which wins over the default.
///
/// ```no_run
/// use dash_runtime::prelude::*;
///
/// Dash::new()
///     .title("My app")
///     .layout(html::div(html::h1("Hello")))
///     .run()
///     .expect("server failed");
/// ```
#[derive(Default)]
pub struct Dash {
    pub(crate) settings: config::Settings,
    pub(crate) layout: Option<Layout>,
    pub(crate) routes: Option<Router>,
    pub(crate) on_error: Option<crate::server::ErrorHandler>,
    pub(crate) background: Option<crate::background::BackgroundManager>,
    /// The app's data store ([`Dash::data_store`]); resolved at build time.
    pub(crate) data_store: Option<crate::store::DataStore>,
    /// Sessions and `Serverside` settings ([`Dash::sessions`], [`Dash::serverside_missing`]).
    pub(crate) server_data: crate::sessions::ServerDataSettings,
}

impl Dash {
    /// A new app with default settings.
    pub fn new() -> Self {
        Dash::default()
    }

    /// The page title (default `Dash`).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.settings.title = Some(title.into());
        self
    }

    /// The app's name (default: `DASH_APP_NAME`, else the name of the crate that defines the
    /// callbacks). It names the background manager's SQLite file and Redis keys, which every
    /// web process and worker of the app shares; see [`crate::background`]. It does not
    /// change any URL.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.settings.name = Some(name.into());
        self
    }

    /// Serve, of the callbacks and pages that name no app (`app = ".."`), only those declared
    /// in these modules or below them (module paths such as `my_app::admin` or a crate's
    /// name). Callbacks naming this app are always served; see [`crate::apps`].
    ///
    /// ```
    /// use dash_runtime::prelude::*;
    /// let admin = Dash::new().name("admin").include_modules(["my_app::admin", "counter_aio"]);
    /// ```
    pub fn include_modules<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        modules: I,
    ) -> Self {
        self.settings.modules = modules.into_iter().map(Into::into).collect();
        self
    }

    /// Which callbacks and pages this app serves.
    pub(crate) fn selection(&self) -> crate::apps::AppSelection {
        crate::apps::AppSelection {
            name: self.settings.name.clone().filter(|n| !n.trim().is_empty()),
            modules: self.settings.modules.clone(),
        }
    }

    /// The title shown while callbacks run (default `Updating...`); `None` disables it.
    pub fn update_title(mut self, title: Option<&str>) -> Self {
        self.settings.update_title = Some(title.map(str::to_owned));
        self
    }

    /// Debug mode: dev tools in the browser, error messages in callback error answers.
    pub fn debug(mut self, debug: bool) -> Self {
        self.settings.debug = Some(debug);
        self
    }

    /// Sets both the routes and the requests prefix (e.g. `/app/`).
    pub fn url_base_pathname(mut self, prefix: impl Into<String>) -> Self {
        self.settings.url_base_pathname = Some(prefix.into());
        self
    }

    /// Where the server mounts its routes (must start and end with `/`).
    pub fn routes_pathname_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.settings.routes_pathname_prefix = Some(prefix.into());
        self
    }

    /// The prefix the browser puts in front of every URL (for apps behind a proxy).
    pub fn requests_pathname_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.settings.requests_pathname_prefix = Some(prefix.into());
        self
    }

    /// Ids that may be absent from the layout at start-up because callbacks create them
    /// (exact ids, or prefixes ending in `*`); a narrower opt-out than
    /// [`suppress_callback_exceptions`](Self::suppress_callback_exceptions).
    pub fn allow_missing_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.settings
            .allow_missing_ids
            .extend(ids.into_iter().map(Into::into));
        self
    }

    /// Turn off the checks for ids that are not in the initial layout.
    pub fn suppress_callback_exceptions(mut self, suppress: bool) -> Self {
        self.settings.suppress_callback_exceptions = Some(suppress);
        self
    }

    /// Serve the front-end JavaScript from this server (default) or emit CDN URLs.
    pub fn serve_locally(mut self, local: bool) -> Self {
        self.settings.serve_locally = Some(local);
        self
    }

    /// Default `prevent_initial_call` for every callback that does not set it.
    pub fn prevent_initial_callbacks(mut self, prevent: bool) -> Self {
        self.settings.prevent_initial_callbacks = Some(prevent);
        self
    }

    /// The folder whose `.css`/`.js` files are included automatically (default `assets`).
    pub fn assets_folder(mut self, folder: impl Into<PathBuf>) -> Self {
        self.settings.assets_folder = Some(folder.into());
        self
    }

    /// Asset files whose name contains this text are served but not linked.
    pub fn assets_ignore(mut self, pattern: impl Into<String>) -> Self {
        self.settings.assets_ignore = Some(pattern.into());
        self
    }

    /// Stylesheets linked before the app's own CSS.
    pub fn external_stylesheets<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        urls: I,
    ) -> Self {
        self.settings.external_stylesheets = urls.into_iter().map(Into::into).collect();
        self
    }

    /// A stylesheet from a pinned npm package (e.g. `dash_bootstrap_components::themes::BOOTSTRAP`),
    /// fetched, verified and served by the app like the core front end and linked before the
    /// external stylesheets. Call it once per theme; they are linked in that order.
    ///
    /// ```
    /// # use dash_runtime::libraries::Theme;
    /// # fn demo(theme: Theme) {
    /// let app = dash_runtime::Dash::new().theme(theme);
    /// # let _ = app; }
    /// ```
    pub fn theme(mut self, theme: crate::libraries::Theme) -> Self {
        self.settings.themes.push(theme);
        self
    }

    /// Scripts loaded before the component libraries.
    pub fn external_scripts<I: IntoIterator<Item = S>, S: Into<String>>(mut self, urls: I) -> Self {
        self.settings.external_scripts = urls.into_iter().map(Into::into).collect();
        self
    }

    /// Extra `<meta>` tags: each a list of `(attribute, value)` pairs.
    pub fn meta_tag<I: IntoIterator<Item = (K, V)>, K: Into<String>, V: Into<String>>(
        mut self,
        attrs: I,
    ) -> Self {
        self.settings.meta_tags.push(
            attrs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }

    /// Show the undo/redo toolbar.
    pub fn show_undo_redo(mut self, show: bool) -> Self {
        self.settings.show_undo_redo = Some(show);
        self
    }

    /// The largest callback request body accepted, in bytes (default 64 MiB; uploads travel
    /// in request bodies).
    pub fn max_request_body(mut self, bytes: usize) -> Self {
        self.settings.max_request_body = Some(bytes);
        self
    }

    /// Threads that run synchronous callbacks, layout functions and `on_error` handlers
    /// (otherwise `DASH_CALLBACK_THREADS`; default 8 per core, at least 8). Plain `fn`
    /// callbacks may block (a database query, a long computation): they run here, never on
    /// the threads that serve requests, so at most this many run at once.
    ///
    /// ```
    /// use dash_runtime::prelude::*;
    /// let app = Dash::new().callback_threads(32).callback_queue(256);
    /// ```
    pub fn callback_threads(mut self, threads: usize) -> Self {
        self.settings.callback_threads = Some(threads);
        self
    }

    /// Calls that may wait for a callback thread (otherwise `DASH_CALLBACK_QUEUE`; default 64
    /// per thread, at least 1024). When every thread is busy and the queue is full, further calls are
    /// answered `503 Service Unavailable` with `Retry-After` instead of piling up.
    pub fn callback_queue(mut self, calls: usize) -> Self {
        self.settings.callback_queue = Some(calls);
        self
    }

    /// Interface and port to listen on (otherwise `HOST`/`PORT`, default 127.0.0.1:8050).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.settings.host = Some(addr.ip().to_string());
        self.settings.port = Some(addr.port());
        self
    }

    /// How long in-flight requests may take to finish once SIGTERM or Ctrl-C arrives
    /// (otherwise `DASH_SHUTDOWN_GRACE` in seconds; default 30 s). New connections are
    /// refused at once; answers still running after the grace period are dropped.
    ///
    /// ```
    /// use std::time::Duration;
    /// use dash_runtime::prelude::*;
    /// let app = Dash::new().shutdown_grace(Duration::from_secs(10));
    /// ```
    pub fn shutdown_grace(mut self, grace: std::time::Duration) -> Self {
        self.settings.server.shutdown_grace = Some(grace);
        self
    }

    /// How long a client may take to send a request's headers before the connection is
    /// closed (otherwise `DASH_HEADER_TIMEOUT` in seconds; default 10 s).
    pub fn header_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.settings.server.header_timeout = Some(timeout);
        self
    }

    /// The longest pause allowed while a request body arrives (otherwise `DASH_BODY_TIMEOUT`
    /// in seconds; default 30 s).
    pub fn body_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.settings.server.body_timeout = Some(timeout);
        self
    }

    /// Serve every server callback over the page's websocket, not only those declared with
    /// `websocket = true` (otherwise `DASH_WEBSOCKET_CALLBACKS`; default off). Background
    /// callbacks keep polling over HTTP. See [`crate::realtime`].
    ///
    /// ```
    /// use dash_runtime::prelude::*;
    /// let app = Dash::new().websocket_callbacks(true);
    /// ```
    pub fn websocket_callbacks(mut self, on: bool) -> Self {
        self.settings.websocket.callbacks = Some(on);
        self
    }

    /// Serve the MCP server at `_mcp` (otherwise `DASH_MCP_ENABLED`; default off): agents
    /// list and call the app's callbacks as tools and read its layout (see [`crate::mcp`]).
    ///
    /// ```
    /// # use dash_runtime::Dash;
    /// let app = Dash::new().mcp(true);
    /// ```
    pub fn mcp(mut self, on: bool) -> Self {
        self.settings.mcp.enabled = Some(on);
        self
    }

    /// Where the MCP server answers, under the routes prefix (otherwise `DASH_MCP_PATH`;
    /// default `_mcp`, as in Dash).
    pub fn mcp_path(mut self, path: impl Into<String>) -> Self {
        self.settings.mcp.path = Some(path.into());
        self
    }

    /// `Host` header values the MCP endpoint answers, a guard against DNS rebinding (default:
    /// the loopback names when the app listens on a loopback address, any host otherwise).
    ///
    /// ```
    /// # use dash_runtime::Dash;
    /// let app = Dash::new().mcp(true).mcp_allowed_hosts(["dash.example.com"]);
    /// ```
    pub fn mcp_allowed_hosts<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        hosts: I,
    ) -> Self {
        self.settings.mcp.allowed_hosts = Some(hosts.into_iter().map(Into::into).collect());
        self
    }

    /// Origins besides the app's own host that may open its websocket (exact strings such
    /// as `https://dashboard.example.com`; the app's own host and port always may).
    ///
    /// ```
    /// use dash_runtime::prelude::*;
    /// let app = Dash::new().websocket_allowed_origins(["https://dashboard.example.com"]);
    /// ```
    pub fn websocket_allowed_origins<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        origins: I,
    ) -> Self {
        self.settings.websocket.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// Open websockets at most (otherwise `DASH_WEBSOCKET_MAX_CONNECTIONS`; default 1024);
    /// further pages get 503 for the upgrade and their callbacks fall back to HTTP.
    pub fn websocket_max_connections(mut self, connections: usize) -> Self {
        self.settings.websocket.max_connections = Some(connections);
        self
    }

    /// Calls running at once on one websocket (default 64); more are answered with an error
    /// at once instead of queueing without bound.
    pub fn websocket_max_in_flight(mut self, calls: usize) -> Self {
        self.settings.websocket.max_in_flight = Some(calls);
        self
    }

    /// How often the page's worker sends a heartbeat (default 30 s); the server closes a
    /// websocket that has sent nothing for three of these.
    pub fn websocket_heartbeat_interval(mut self, every: std::time::Duration) -> Self {
        self.settings.websocket.heartbeat_interval = Some(every);
        self
    }

    /// How long the page keeps an idle websocket open (default 5 minutes; zero: forever).
    pub fn websocket_inactivity_timeout(mut self, after: std::time::Duration) -> Self {
        self.settings.websocket.inactivity_timeout = Some(after);
        self
    }

    /// Open connections at most; further clients wait in the listen queue (otherwise
    /// `DASH_MAX_CONNECTIONS`; default 4096).
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.settings.server.max_connections = Some(connections);
        self
    }

    /// Compress answers of 1 KiB and more (JSON, HTML, scripts, styles) with gzip, Brotli or
    /// zstd as the client accepts (otherwise `DASH_COMPRESS`; default on), like Dash's
    /// `compress=True`.
    pub fn compress(mut self, compress: bool) -> Self {
        self.settings.server.compress = Some(compress);
        self
    }

    /// Serve Prometheus metrics at this path (otherwise `DASH_METRICS_PATH`; default: not
    /// served). Callback calls, errors and latency, blocking-pool and background-queue state;
    /// see the metric names in the README.
    ///
    /// ```
    /// use dash_runtime::prelude::*;
    /// let app = Dash::new().metrics("/_dash-metrics");
    /// ```
    pub fn metrics(mut self, path: impl Into<String>) -> Self {
        self.settings.server.metrics_path = Some(Some(path.into()));
        self
    }

    /// The layout: a component (or anything that can be children), serialised once.
    pub fn layout(mut self, layout: impl IntoChildren) -> Self {
        self.layout = Some(Layout::fixed(layout));
        self
    }

    /// A layout built afresh on every page load.
    pub fn layout_fn<F, C>(mut self, f: F) -> Self
    where
        F: Fn() -> C + Send + Sync + 'static,
        C: IntoChildren,
    {
        self.layout = Some(Layout::dynamic(f));
        self
    }

    /// An app-wide handler for callback errors (returned errors and panics) of every callback
    /// that has no `on_error` of its own. The failed callback's outputs are left unchanged and
    /// the answer is 200; use [`set_props`](crate::set_props) in the handler to show the problem.
    ///
    /// ```no_run
    /// use dash_runtime::prelude::*;
    /// Dash::new()
    ///     .on_error(|err| set_props("error-banner", serde_json::json!({"children": err.to_string()})))
    ///     .layout(html::div(html::Div::new().id("error-banner")))
    ///     .run()
    ///     .expect("server");
    /// ```
    pub fn on_error(
        mut self,
        handler: impl Fn(&crate::CallbackError) + Send + Sync + 'static,
    ) -> Self {
        self.on_error = Some(std::sync::Arc::new(handler));
        self
    }

    /// Extra axum routes served next to the app's (they win over the index catch-all).
    pub fn routes(mut self, router: Router) -> Self {
        self.routes = Some(match self.routes.take() {
            Some(existing) => existing.merge(router),
            None => router,
        });
        self
    }

    /// The manager of background callbacks (default: Redis when `REDIS_URL` is set, else the
    /// embedded SQLite manager in the cache directory). See [`crate::background`].
    pub fn background_manager(mut self, manager: crate::background::BackgroundManager) -> Self {
        self.background = Some(manager);
        self
    }

    /// The app's data store, for `Serverside` values, memoized results and sessions
    /// (default: [`DataStore::from_env`](crate::store::DataStore::from_env), opened only when
    /// something uses it). See [`crate::store`].
    ///
    /// ```no_run
    /// use dash_runtime::prelude::*;
    /// use dash_runtime::store::DataStore;
    ///
    /// let app = Dash::new().data_store(DataStore::embedded().memory_budget(64 << 20));
    /// ```
    pub fn data_store(mut self, store: crate::store::DataStore) -> Self {
        self.data_store = Some(store);
        self
    }

    /// Run background jobs from the Redis queue instead of serving, until Ctrl-C or SIGTERM.
    /// [`run`](Self::run) does this when the program is started with `--worker` or
    /// `DASH_WORKER=1`.
    pub async fn work(mut self) -> Result<(), Error> {
        let manager = self
            .named_background()
            .unwrap_or_else(crate::background::BackgroundManager::from_env);
        self.named_store();
        crate::background::run_worker(manager, crate::background::shutdown_signal()).await?;
        Ok(())
    }

    /// Resolve settings, collect callbacks and prepare the front end.
    pub async fn build(mut self) -> Result<DashServer, Error> {
        self.background = self.named_background();
        self.named_store();
        DashServer::build(self).await
    }

    /// As [`build`](Self::build), without the front end (for the headless test app).
    pub(crate) async fn build_headless(mut self) -> Result<DashServer, Error> {
        self.background = self.named_background();
        self.named_store();
        DashServer::build_with(self, false).await
    }

    /// Resolve the data store (given the app's name when [`name`](Self::name) set one) and
    /// make it the process's [`store::current`](crate::store::current).
    fn named_store(&mut self) -> crate::store::DataStore {
        let store = self
            .data_store
            .take()
            .unwrap_or_else(crate::store::DataStore::from_env);
        store.set_default_app_name(self.settings.name.as_deref());
        crate::store::set_current(&store);
        self.data_store = Some(store.clone());
        store
    }

    /// The background manager, given the app's name when [`name`](Self::name) set one.
    fn named_background(&mut self) -> Option<crate::background::BackgroundManager> {
        let manager = self.background.take();
        match self.settings.name.clone().filter(|n| !n.trim().is_empty()) {
            Some(name) => Some(
                manager
                    .unwrap_or_else(crate::background::BackgroundManager::from_env)
                    .app_name(name),
            ),
            None => manager,
        }
    }

    /// Build and serve until SIGTERM or Ctrl-C (then drain, see [`Dash::shutdown_grace`]),
    /// on the current Tokio runtime.
    pub async fn serve(self) -> Result<(), Error> {
        self.build().await?.serve().await
    }

    /// Build and serve until SIGTERM or Ctrl-C (then drain, see [`Dash::shutdown_grace`]),
    /// starting a Tokio runtime (for a plain `fn main`).
    ///
    /// Started with `--worker` (or `DASH_WORKER=1`), the program runs background jobs from
    /// the Redis queue instead ([`work`](Self::work)): one binary, two process types
    /// (`web: my-app`, `worker: my-app --worker`).
    ///
    /// Started with `DASH_ASSETS_PREPARE=DIR`, it fetches and verifies the front end and every
    /// component library linked into the program into `DIR`, prints one line per package and
    /// exits, for an offline machine that then runs the app with `DASH_RS_ASSETS_DIR=DIR`.
    pub fn run(self) -> Result<(), Error> {
        if let Some(dir) = std::env::var_os("DASH_ASSETS_PREPARE").filter(|d| !d.is_empty()) {
            let extra = crate::assets::theme_packages(&self.settings.themes);
            return prepare_assets(std::path::Path::new(&dir), &extra);
        }
        init_tracing();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Error::Io)?;
        let result = runtime.block_on(async move {
            if crate::background::worker_mode_requested() {
                self.work().await
            } else {
                self.serve().await
            }
        });
        // The shutdown grace is over: a sync callback still running does not hold the exit.
        runtime.shutdown_timeout(std::time::Duration::from_secs(1));
        result
    }
}

/// Log to stderr at `RUST_LOG`'s levels (default `info`), unless a subscriber is set.
pub(crate) fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
}

/// `DASH_ASSETS_PREPARE=DIR`: the front end and the linked libraries into `DIR`.
fn prepare_assets(
    dir: &std::path::Path,
    extra: &[crate::assets::packages::Package],
) -> Result<(), Error> {
    let reports = crate::assets::prepare_with(dir, crate::libraries::linked(), extra)?;
    let mut failed = None;
    for report in reports {
        match report.result {
            Ok(files) => println!("ok      {} ({files} files)", report.package),
            Err(e) => {
                println!("FAILED  {}: {e}", report.package);
                failed.get_or_insert(e);
            }
        }
    }
    match failed {
        Some(e) => Err(Error::Assets(e)),
        None => {
            println!("prepared {}", dir.display());
            Ok(())
        }
    }
}

/// The process environment, as settings read it.
pub(crate) fn config_env() -> config::ProcessEnv {
    config::ProcessEnv
}
