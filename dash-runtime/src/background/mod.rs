//! Background callbacks: long jobs that run outside the request, with progress, `set_props`,
//! cancellation and shared results.
//!
//! ```no_run
//! use dash_runtime::prelude::*;
//! use std::time::Duration;
//!
//! #[callback(
//!     output = Output("result", "children"),
//!     inputs = [Input("run", "n_clicks")],
//!     background = true,
//!     running = [(Output("run", "disabled"), true, false)],
//!     cancel = [Input("cancel", "n_clicks")],
//!     progress = [Output("bar", "value"), Output("bar", "max")],
//!     interval = 500,
//!     prevent_initial_call = true,
//! )]
//! async fn crunch(progress: Progress<(u32, u32)>, n: Option<u64>) -> Result<String, Cancelled> {
//!     for step in 1..=10 {
//!         progress.sleep(Duration::from_millis(200)).await?; // Err(Cancelled) once cancelled
//!         progress.set((step, 10));
//!     }
//!     Ok(format!("run {}", n.unwrap_or(0)))
//! }
//! ```
//!
//! Two managers store the jobs, behind one interface:
//!
//! - **embedded** (the default): an SQLite file in the app's cache directory
//!   (`$DASH_RS_CACHE_DIR/background/<app name>.sqlite3`, created with mode 0600 in a
//!   directory created with mode 0700); jobs run on the app's own runtime, at most
//!   `DASH_WORKER_CONCURRENCY` (default 4) at once per process, the others wait in the queue
//!   oldest first. Several processes may share the file.
//! - **Redis** (when `REDIS_URL` is set, or [`BackgroundManager::redis`]): jobs go on a Redis
//!   Stream; worker processes — the same program started with `--worker` or `DASH_WORKER=1` —
//!   run them. Web processes keep no job state, so any number of web processes and workers can
//!   run side by side:
//!
//!   ```text
//!   web:    REDIS_URL=redis://127.0.0.1:6379 ./my-app
//!   worker: REDIS_URL=redis://127.0.0.1:6379 ./my-app --worker
//!   ```
//!
//! What both guarantee:
//!
//! - results belong to their job; two requests share a result only with `cache_by`, and the
//!   cache is consulted before a job is queued;
//! - progress is kept until the job ends (a poll reads the latest value, reading removes
//!   nothing); every `set_props` call is delivered, in order;
//! - cancellation (a cancel input, or a newer run of the same callback) is cooperative: the
//!   job's [`CancelToken`] trips, an `async` job is dropped at its next `.await`, and nothing
//!   it reports afterwards is kept;
//! - a job whose worker died is taken over by another worker and run again as a new attempt;
//!   a stale attempt can never overwrite a newer one's result;
//! - job handles (`cacheKey`, `job`) are signed and bound to the page's `end_id`; forged or
//!   foreign handles are answered 204;
//! - job records, results and cache entries expire (`expire`, or the manager's result TTL);
//! - a stored job keeps no request headers except those the app lists
//!   ([`BackgroundManager::keep_headers`], `DASH_BACKGROUND_KEEP_HEADERS=x-user,x-team`):
//!   cookies and `authorization` are never written to disk or Redis unless listed;
//! - a job whose worker (or process) died is taken over about one lease after its last
//!   heartbeat (lease 5 s by default, renewed every second); a stopping process hands its
//!   jobs over at once ([`Jobs::hand_over`]), so a rolling restart loses none;
//! - a store that cannot be reached (Redis down) is reported within seconds, as a
//!   [`BackgroundError`] (an HTTP 503 to the browser), never a long hang; web processes and
//!   workers reconnect by themselves when Redis comes back.
//!
//! # The app's name
//!
//! The SQLite file and the Redis keys (`dash-rs:<app name>:`) are named after the app, so
//! that every web process and worker of one app — whatever their executables are called —
//! share them. The name is, first found: [`Dash::name`](crate::Dash::name) (or
//! [`BackgroundManager::app_name`] for a custom worker `main`), `DASH_APP_NAME`, the name of
//! the crate that defines most of the program's callbacks (as Rust spells it, `my_app`), the
//! executable's file name. Characters other than ASCII letters, digits, `.`, `_` and `-`
//! become `_`.

mod cache_key;
mod embedded;
mod error;
mod record;
mod redis;
mod requests;
mod runner;
mod store;
mod worker;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use crate::callback::background::{Background, CacheSpec, JobFn};
pub use crate::callback::job::{
    cancel_token, run_blocking, CancelToken, Cancelled, JobContext, Progress, MAX_PENDING_CALLS,
};
pub use error::BackgroundError;
pub use record::{JobInfo, JobState};

pub(crate) use requests::{cancel_requested, JobRequest};

use crate::registry::Registry;
use runner::Lookup;
use store::Store;

/// Which manager stores background jobs, and its settings.
///
/// ```no_run
/// use dash_runtime::background::BackgroundManager;
/// use dash_runtime::prelude::*;
/// use std::time::Duration;
///
/// Dash::new()
///     .background_manager(
///         BackgroundManager::redis("redis://127.0.0.1:6379/0").result_ttl(Duration::from_secs(600)),
///     )
///     .layout(html::div(()))
///     .run()
///     .expect("server");
/// ```
#[derive(Debug, Clone)]
pub struct BackgroundManager {
    kind: Kind,
    settings: Settings,
}

#[derive(Debug, Clone)]
enum Kind {
    Embedded(Option<PathBuf>),
    Redis(String),
}

/// Manager settings shared by both kinds.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub result_ttl: Duration,
    pub lease: Duration,
    pub max_attempts: u32,
    pub concurrency: usize,
    pub sweep_every: Duration,
    pub shutdown_grace: Duration,
    pub key_prefix: Option<String>,
    /// Request headers kept in stored jobs (lower case).
    pub keep_headers: Vec<String>,
    /// The app's name (see the module docs); `None`: found at start-up.
    pub app_name: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            result_ttl: Duration::from_secs(3600),
            lease: Duration::from_secs(5),
            max_attempts: 3,
            concurrency: 4,
            sweep_every: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(20),
            key_prefix: None,
            keep_headers: Vec::new(),
            app_name: None,
        }
    }
}

impl Default for BackgroundManager {
    fn default() -> Self {
        BackgroundManager::from_env()
    }
}

impl BackgroundManager {
    /// The embedded manager with its file in the cache directory
    /// (`$DASH_RS_CACHE_DIR`, else the user's cache directory).
    pub fn embedded() -> Self {
        BackgroundManager {
            kind: Kind::Embedded(None),
            settings: Settings::default(),
        }
    }

    /// The embedded manager with its SQLite file at `path`.
    pub fn embedded_at(path: impl Into<PathBuf>) -> Self {
        BackgroundManager {
            kind: Kind::Embedded(Some(path.into())),
            settings: Settings::default(),
        }
    }

    /// The Redis manager (`redis://[:password@]host:port[/db]`).
    pub fn redis(url: impl Into<String>) -> Self {
        BackgroundManager {
            kind: Kind::Redis(url.into()),
            settings: Settings::default(),
        }
    }

    /// Redis when `REDIS_URL` is set, the embedded manager otherwise. `DASH_WORKER_CONCURRENCY`,
    /// `DASH_BACKGROUND_KEY_PREFIX` and `DASH_BACKGROUND_KEEP_HEADERS` (comma-separated header
    /// names) are read too.
    pub fn from_env() -> Self {
        let mut manager = match std::env::var("REDIS_URL") {
            Ok(url) if !url.trim().is_empty() => BackgroundManager::redis(url.trim()),
            _ => BackgroundManager::embedded(),
        };
        if let Some(n) = std::env::var("DASH_WORKER_CONCURRENCY")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| *n > 0)
        {
            manager.settings.concurrency = n;
        }
        if let Ok(prefix) = std::env::var("DASH_BACKGROUND_KEY_PREFIX") {
            if !prefix.is_empty() {
                manager.settings.key_prefix = Some(prefix);
            }
        }
        if let Ok(headers) = std::env::var("DASH_BACKGROUND_KEEP_HEADERS") {
            manager = manager.keep_headers(headers.split(','));
        }
        manager
    }

    /// Whether this is the Redis manager.
    pub fn is_redis(&self) -> bool {
        matches!(self.kind, Kind::Redis(_))
    }

    /// How long a job's records and an unread result are kept (default 1 hour); a callback's
    /// `expire` overrides it for that callback.
    pub fn result_ttl(mut self, ttl: Duration) -> Self {
        self.settings.result_ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// How long a running job may go without its worker's heartbeat before another worker
    /// takes it over (default 5 s; heartbeats come every second, or every third of a shorter
    /// lease). Every process of one app should use the same lease.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.settings.lease = lease.max(Duration::from_millis(600));
        self
    }

    /// How often a job is started before it is given up as failing (default 3).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.settings.max_attempts = attempts.max(1);
        self
    }

    /// Jobs one process runs at once (default 4, `DASH_WORKER_CONCURRENCY`): a Redis worker,
    /// or a web process of the embedded manager. Further jobs wait in the queue, oldest
    /// first, and report `queued`.
    pub fn worker_concurrency(mut self, jobs: usize) -> Self {
        self.settings.concurrency = jobs.max(1);
        self
    }

    /// How often the embedded manager deletes expired records (default 30 s).
    pub fn sweep_every(mut self, every: Duration) -> Self {
        self.settings.sweep_every = every.max(Duration::from_millis(200));
        self
    }

    /// How long a stopping Redis worker lets the jobs in hand finish before it hands them
    /// over to other workers (default 20 s; keep it below the time your process manager
    /// waits between SIGTERM and SIGKILL).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.settings.shutdown_grace = grace;
        self
    }

    /// The prefix of every Redis key (default `dash-rs:<app name>:`); web processes and
    /// workers of one app must agree on it.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.settings.key_prefix = Some(prefix.into());
        self
    }

    /// Request headers a stored job keeps (and the job sees in its callback context), by
    /// name, case-insensitive. Default: none — no cookie, no `authorization`, nothing is
    /// written to the store unless listed here. `DASH_BACKGROUND_KEEP_HEADERS=a,b` sets it
    /// from the environment.
    pub fn keep_headers<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.settings.keep_headers = names
            .into_iter()
            .map(|n| n.as_ref().trim().to_ascii_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        self
    }

    /// The app's name, which names the SQLite file and the Redis key prefix (see the
    /// [module docs](self)). [`Dash::name`](crate::Dash::name) sets it for the app's own
    /// processes; call this in a custom worker `main` that does not go through [`Dash`](crate::Dash).
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.settings.app_name = (!name.trim().is_empty()).then_some(name);
        self
    }

    fn prefix(&self, app_name: &str) -> String {
        self.settings
            .key_prefix
            .clone()
            .unwrap_or_else(|| format!("dash-rs:{app_name}:"))
    }

    fn embedded_path(path: &Option<PathBuf>, app_name: &str) -> PathBuf {
        path.clone().unwrap_or_else(|| {
            let dir = std::env::var_os("DASH_RS_CACHE_DIR")
                .map(PathBuf::from)
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(crate::assets::default_cache_dir);
            embedded::default_path(&dir, app_name)
        })
    }

    /// The app's name: set, `DASH_APP_NAME`, the callbacks' crate, the executable.
    fn resolve_app_name(&self, registry: &Registry) -> String {
        crate::app_name::resolve(
            self.settings.app_name.as_deref(),
            registry.callbacks().iter().map(|c| c.spec.module),
        )
    }
}

/// The running manager of an app (web side).
pub(crate) struct Service {
    store: Arc<dyn Store>,
    settings: Settings,
    description: String,
}

impl Service {
    /// Start the manager when the app has background callbacks (`None` otherwise).
    pub(crate) async fn start(
        manager: Option<BackgroundManager>,
        registry: &Registry,
        data: crate::store::DataStore,
        missing: crate::callback::MissingValue,
    ) -> Result<Option<Arc<Service>>, BackgroundError> {
        let lookup = Lookup::from_registry(registry).with_data(data, missing);
        if lookup.is_empty() {
            return Ok(None);
        }
        let manager = manager.unwrap_or_else(BackgroundManager::from_env);
        let app_name = manager.resolve_app_name(registry);
        let (store, description): (Arc<dyn Store>, String) = match &manager.kind {
            Kind::Embedded(path) => {
                let path = BackgroundManager::embedded_path(path, &app_name);
                let store = embedded::Embedded::open(&path, lookup, manager.settings.clone())?;
                let description = format!("embedded (SQLite {})", store.path().display());
                (store, description)
            }
            Kind::Redis(url) => {
                let prefix = manager.prefix(&app_name);
                let store =
                    redis::RedisStore::connect_web(url, &prefix, &manager.settings.keep_headers)
                        .await?;
                (
                    Arc::new(store),
                    format!("Redis (key prefix {prefix}; run workers with --worker)"),
                )
            }
        };
        tracing::info!("background callbacks: {description}");
        Ok(Some(Arc::new(Service {
            store,
            settings: manager.settings,
            description,
        })))
    }

    /// Shutdown: stop taking jobs in this process and hand its running jobs over to the other
    /// processes at once (embedded manager: back to the queue in the shared file, for another
    /// process or the next one started; Redis web processes run no jobs). Call it when the
    /// process is asked to stop, before or while in-flight requests finish: jobs they start
    /// are queued for other processes. Returns how many jobs were handed over; a failure is
    /// logged too (the jobs are then taken over when their lease lapses).
    pub(crate) async fn hand_over(&self) -> Result<usize, BackgroundError> {
        let handed = self.store.hand_over().await;
        if let Err(err) = &handed {
            tracing::warn!("handing background jobs over failed: {err}");
        }
        handed
    }

    /// Jobs waiting for a worker now.
    pub(crate) async fn queue_depth(&self) -> Result<u64, BackgroundError> {
        self.store.queue_depth().await
    }

    /// The secret shared by every process using this manager.
    pub(crate) async fn shared_secret(&self) -> Result<Vec<u8>, BackgroundError> {
        self.store.shared_secret().await
    }

    /// A callback's result TTL in milliseconds.
    fn ttl_ms(&self, bg: &Background) -> i64 {
        let ttl = bg
            .expire_secs
            .map(Duration::from_secs)
            .unwrap_or(self.settings.result_ttl);
        record::ms(ttl)
    }
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

/// A read-only view of an app's background jobs, for operators and tests.
#[derive(Clone)]
pub struct Jobs {
    service: Arc<Service>,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Jobs").field(&self.service).finish()
    }
}

impl Jobs {
    pub(crate) fn new(service: Arc<Service>) -> Self {
        Jobs { service }
    }

    /// What is known about a job, by its id or its `job` handle (`<id>~<signature>`).
    pub async fn info(&self, job: &str) -> Result<Option<JobInfo>, BackgroundError> {
        let id = job.split('~').next().unwrap_or(job);
        self.service.store.info(id).await
    }

    /// Jobs waiting for a worker now (queued, not started): what the metrics route reports
    /// as `dash_background_queue_depth`.
    pub async fn queue_depth(&self) -> Result<u64, BackgroundError> {
        self.service.queue_depth().await
    }

    /// Which manager runs the jobs.
    pub fn describe(&self) -> &str {
        &self.service.description
    }

    /// Shutdown: stop taking jobs in this process and hand its running jobs over to the
    /// other processes at once; returns how many were handed over. The embedded manager puts
    /// them back in the queue of the shared file (another process, or the next one started,
    /// runs them as a new attempt); web processes of the Redis manager run no jobs.
    pub async fn hand_over(&self) -> Result<usize, BackgroundError> {
        self.service.hand_over().await
    }
}

/// Whether this process was started as a worker: a `--worker` argument or `DASH_WORKER=1`.
pub fn worker_mode_requested() -> bool {
    std::env::args().skip(1).any(|a| a == "--worker")
        || std::env::var("DASH_WORKER")
            .map(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"))
            .unwrap_or(false)
}

/// Run background jobs from the Redis queue until `shutdown` completes, then finish the jobs
/// in hand (up to the manager's shutdown grace) and hand the unfinished ones over to other
/// workers at once. A Redis that cannot be reached at start is waited for. Every
/// `#[callback(background = true)]` of the program can run here.
///
/// [`Dash::run`](crate::Dash::run) calls this when the program is started with `--worker`
/// (or `DASH_WORKER=1`); call it yourself for a custom `main`.
pub async fn run_worker(
    manager: BackgroundManager,
    shutdown: impl Future<Output = ()>,
) -> Result<(), BackgroundError> {
    let Kind::Redis(url) = &manager.kind else {
        return Err(BackgroundError::WorkerNeedsRedis);
    };
    let registry = Registry::collect(false);
    let lookup = Lookup::from_registry(&registry);
    if lookup.is_empty() {
        return Err(BackgroundError::NothingToRun);
    }
    let app_name = manager.resolve_app_name(&registry);
    let prefix = manager.prefix(&app_name);
    tokio::pin!(shutdown);
    // Redis may be down when the worker starts (e.g. both restart): wait for it.
    let mut logged = false;
    let store = loop {
        match redis::RedisStore::connect(url, &prefix, &manager.settings.keep_headers).await {
            Ok(store) => break Arc::new(store),
            Err(BackgroundError::Redis(err))
                if err.is_io_error() || err.is_connection_refusal() || err.is_timeout() =>
            {
                if !std::mem::replace(&mut logged, true) {
                    tracing::warn!("worker: Redis cannot be reached ({err}); waiting for it");
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = &mut shutdown => return Ok(()),
                }
            }
            Err(err) => return Err(err),
        }
    };
    worker::run(store, lookup, manager.settings.clone(), &app_name, shutdown).await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_headers_are_lower_case() {
        let m = BackgroundManager::embedded().keep_headers(["X-User", " ", "Cookie "]);
        assert_eq!(m.settings.keep_headers, ["x-user", "cookie"]);
    }
}
