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
//!   (`$DASH_RS_CACHE_DIR/background/<program>.sqlite3`); jobs run on the app's own runtime.
//!   Several processes may share the file.
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
//! - job records, results and cache entries expire (`expire`, or the manager's result TTL).

mod cache_key;
mod cancel;
mod embedded;
mod error;
mod http;
mod job;
mod record;
mod redis;
mod runner;
mod spec;
mod store;
mod worker;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use error::BackgroundError;
pub use job::{cancel_token, run_blocking, CancelToken, Cancelled, JobContext, Progress};
pub use record::{JobInfo, JobState};
pub use spec::{Background, CacheSpec, JobFn};

pub(crate) use cancel::{is_cancel_helper, with_cancel_helpers};
pub(crate) use http::{cancel_requested, respond};

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            result_ttl: Duration::from_secs(3600),
            lease: Duration::from_secs(15),
            max_attempts: 3,
            concurrency: 4,
            sweep_every: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(30),
            key_prefix: None,
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

    /// Redis when `REDIS_URL` is set, the embedded manager otherwise. `DASH_WORKER_CONCURRENCY`
    /// and `DASH_BACKGROUND_KEY_PREFIX` are read too.
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
    /// takes it over (default 15 s).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.settings.lease = lease.max(Duration::from_millis(600));
        self
    }

    /// How often a job is started before it is given up as failing (default 3).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.settings.max_attempts = attempts.max(1);
        self
    }

    /// Jobs one worker process runs at once (default 4; Redis workers only).
    pub fn worker_concurrency(mut self, jobs: usize) -> Self {
        self.settings.concurrency = jobs.max(1);
        self
    }

    /// How often the embedded manager deletes expired records (default 30 s).
    pub fn sweep_every(mut self, every: Duration) -> Self {
        self.settings.sweep_every = every.max(Duration::from_millis(200));
        self
    }

    /// How long a stopping worker waits for the jobs in hand (default 30 s).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.settings.shutdown_grace = grace;
        self
    }

    /// The prefix of every Redis key (default `dash-rs:<program name>:`); web processes and
    /// workers of one app must agree on it.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.settings.key_prefix = Some(prefix.into());
        self
    }

    fn prefix(&self) -> String {
        self.settings
            .key_prefix
            .clone()
            .unwrap_or_else(|| format!("dash-rs:{}:", program_name()))
    }

    fn embedded_path(path: &Option<PathBuf>) -> PathBuf {
        path.clone().unwrap_or_else(|| {
            let dir = std::env::var_os("DASH_RS_CACHE_DIR")
                .map(PathBuf::from)
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(crate::assets::default_cache_dir);
            embedded::default_path(&dir)
        })
    }
}

/// The file name of the running program (without extension), for default file and key names.
pub(crate) fn program_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "app".to_owned())
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
    ) -> Result<Option<Arc<Service>>, BackgroundError> {
        let lookup = Lookup::from_registry(registry);
        if lookup.is_empty() {
            return Ok(None);
        }
        let manager = manager.unwrap_or_else(BackgroundManager::from_env);
        let (store, description): (Arc<dyn Store>, String) = match &manager.kind {
            Kind::Embedded(path) => {
                let path = BackgroundManager::embedded_path(path);
                let store = embedded::Embedded::open(&path, lookup, manager.settings.clone())?;
                let description = format!("embedded (SQLite {})", store.path().display());
                (store, description)
            }
            Kind::Redis(url) => {
                let prefix = manager.prefix();
                let store = redis::RedisStore::connect(url, &prefix).await?;
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

    /// Which manager runs the jobs.
    pub fn describe(&self) -> &str {
        &self.service.description
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
/// in hand (up to the manager's shutdown grace). Every `#[callback(background = true)]` of the
/// program can run here.
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
    let store = Arc::new(redis::RedisStore::connect(url, &manager.prefix()).await?);
    worker::run(store, lookup, manager.settings.clone(), shutdown).await
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
