//! The app's data store: keyed, expiring byte values shared by every process of the app.
//!
//! Serverside values, memoized results and sessions live here. Two backends, chosen like the
//! background managers:
//!
//! - **embedded** (default): hot values in memory (an LRU map bounded by
//!   [`memory_budget`](DataStore::memory_budget)), every value written through to an SQLite
//!   file (`$DASH_RS_CACHE_DIR/data/<app name>.sqlite3`, else the user's cache directory;
//!   mode 0600 in a 0700 directory), so values survive a restart and other processes on the
//!   machine see them. Evicting a value from memory never loses it; expired values are swept.
//! - **Redis** (when `REDIS_URL` is set): `SET key value PX ttl` under
//!   `dash-rs:<app name>:data:<key>`; every process of the app on any machine sees the values.
//!
//! Values expire after their TTL ([`default_ttl`](DataStore::default_ttl), 1 hour unless
//! `DASH_STORE_TTL` says otherwise, in seconds). Typed values go through [`codec`]
//! (MessagePack, zstd above [`compress_above`](DataStore::compress_above)).
//!
//! The backend opens on first use: building a `DataStore` touches no file and no network.
//!
//! Metrics (through the app's metrics route): `dash_store_hits_total{kind}`,
//! `dash_store_misses_total{kind}` where `kind` comes from the key's first segment
//! (`serverside:..`, `memo:..`, `session:..`; anything else is `raw`),
//! `dash_store_evictions_total{reason}` (`memory_budget`: the embedded memory tier made room,
//! the value stays in the file; `expired`: rows past their TTL deleted from the file; Redis
//! counts its own expiries in `INFO stats`) and `dash_store_bytes` (memory tier).
//!
//! ```no_run
//! use std::time::Duration;
//! use dash_runtime::store::DataStore;
//!
//! # async fn demo() -> Result<(), dash_runtime::store::StoreError> {
//! let store = DataStore::from_env().default_ttl(Duration::from_secs(600));
//! store.put("raw:greeting", &vec!["hello", "world"], None).await?;
//! let back: Option<Vec<String>> = store.get("raw:greeting").await?;
//! assert_eq!(back.unwrap(), ["hello", "world"]);
//! # Ok(()) }
//! ```

pub mod codec;
mod embedded;
mod error;
#[cfg(feature = "polars")]
mod frame;
mod memory;
mod redis;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use error::StoreError;
#[cfg(feature = "polars")]
pub use frame::Frame;

pub(crate) use crate::callback::dispatch::BoxFuture;

/// The longest key, in bytes.
pub const MAX_KEY_LEN: usize = 1024;

/// The longest TTL a value can have (100 years): longer ones are cut to this.
const MAX_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Default bytes of the embedded store's memory tier (256 MiB).
pub const DEFAULT_MEMORY_BUDGET: usize = 256 << 20;
/// Default largest value (512 MiB).
pub const DEFAULT_MAX_VALUE_SIZE: usize = 512 << 20;
/// Default size above which typed values are compressed (64 KiB).
pub const DEFAULT_COMPRESS_ABOVE: usize = 64 << 10;
/// Default TTL (1 hour).
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// What a backend does: raw bytes by (already scoped) key. Small on purpose.
pub(crate) trait Backend: Send + Sync {
    /// The live value under `key`.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>>;
    /// Store `value` under `key` for `ttl`, replacing any value.
    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Store `value` unless a live value is under `key`; whether it was stored.
    fn put_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    /// Remove the value under `key`, if any.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    /// The memory tier, when the backend has one.
    fn memory(&self) -> Option<&memory::MemoryCache> {
        None
    }
}

/// Which backend a store opens.
#[derive(Debug, Clone)]
enum Kind {
    Embedded(Option<PathBuf>),
    Redis(String),
    Memory,
}

/// A store's settings (fixed once it opens).
#[derive(Debug, Clone)]
struct Settings {
    kind: Kind,
    app_name: Option<String>,
    memory_budget: usize,
    default_ttl: Duration,
    max_value_size: usize,
    compress_above: usize,
}

impl Settings {
    fn new(kind: Kind) -> Self {
        let default_ttl = std::env::var("DASH_STORE_TTL")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map_or(DEFAULT_TTL, Duration::from_secs);
        Settings {
            kind,
            app_name: None,
            memory_budget: DEFAULT_MEMORY_BUDGET,
            default_ttl,
            max_value_size: DEFAULT_MAX_VALUE_SIZE,
            compress_above: DEFAULT_COMPRESS_ABOVE,
        }
    }
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
}

struct Inner {
    settings: Settings,
    /// The app's name when [`Settings::app_name`] is unset, given by the app at build time
    /// (shared by every clone, so a handle kept by the program opens the same file).
    default_name: OnceLock<String>,
    backend: tokio::sync::OnceCell<Arc<dyn Backend>>,
    counters: Counters,
}

/// One app's data store: keyed, expiring byte values shared by every process of the app.
///
/// Cheap to clone (clones share the backend). Configure it before first use: each builder
/// call returns a new, unopened store.
///
/// ```
/// use std::time::Duration;
/// use dash_runtime::store::DataStore;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = DataStore::in_memory().default_ttl(Duration::from_secs(60));
/// store.put_bytes("raw:k", b"v".to_vec(), None).await.unwrap();
/// assert_eq!(store.get_bytes("raw:k").await.unwrap(), Some(b"v".to_vec()));
/// assert!(!store.put_if_absent("raw:k", b"w".to_vec(), Duration::from_secs(1)).await.unwrap());
/// store.delete("raw:k").await.unwrap();
/// assert_eq!(store.get_bytes("raw:k").await.unwrap(), None);
/// # });
/// ```
#[derive(Clone)]
pub struct DataStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for DataStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataStore")
            .field("backend", &self.describe())
            .field("app_name", &self.inner.settings.app_name)
            .finish_non_exhaustive()
    }
}

impl Default for DataStore {
    fn default() -> Self {
        DataStore::from_env()
    }
}

/// Hit, miss and memory numbers of one store (this process only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreStats {
    /// Reads that found a value.
    pub hits: u64,
    /// Reads that found none.
    pub misses: u64,
    /// Values dropped from the memory tier to keep its budget (embedded: still on disk).
    pub evictions: u64,
    /// Bytes held in the memory tier.
    pub memory_bytes: usize,
    /// Values held in the memory tier.
    pub memory_entries: usize,
}

impl DataStore {
    fn with_settings(settings: Settings) -> Self {
        DataStore {
            inner: Arc::new(Inner {
                settings,
                default_name: OnceLock::new(),
                backend: tokio::sync::OnceCell::new(),
                counters: Counters::default(),
            }),
        }
    }

    fn change(self, f: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = self.inner.settings.clone();
        f(&mut settings);
        DataStore::with_settings(settings)
    }

    /// The embedded store: memory in front of `<cache dir>/data/<app name>.sqlite3`
    /// (`$DASH_RS_CACHE_DIR`, else the user's cache directory).
    pub fn embedded() -> Self {
        DataStore::with_settings(Settings::new(Kind::Embedded(None)))
    }

    /// The embedded store with its SQLite file at `path`.
    ///
    /// ```
    /// let store = dash_runtime::store::DataStore::embedded_at("data/app.sqlite3");
    /// assert!(!store.is_redis());
    /// ```
    pub fn embedded_at(path: impl Into<PathBuf>) -> Self {
        DataStore::with_settings(Settings::new(Kind::Embedded(Some(path.into()))))
    }

    /// The Redis store (`redis://[:password@]host:port[/db]`). It connects on first use, so
    /// an app starts while Redis is down (its store calls fail with
    /// [`StoreError::Unavailable`] until Redis is back).
    pub fn redis(url: impl Into<String>) -> Self {
        DataStore::with_settings(Settings::new(Kind::Redis(url.into())))
    }

    /// Values in this process's memory only (bounded by
    /// [`memory_budget`](Self::memory_budget); an evicted value is gone). For tests and
    /// single-process apps that need no persistence.
    pub fn in_memory() -> Self {
        DataStore::with_settings(Settings::new(Kind::Memory))
    }

    /// Redis when `REDIS_URL` is set, else the embedded store.
    pub fn from_env() -> Self {
        match std::env::var("REDIS_URL") {
            Ok(url) if !url.trim().is_empty() => DataStore::redis(url.trim()),
            _ => DataStore::embedded(),
        }
    }

    /// The app's name, which names the SQLite file and the Redis key prefix. Default: the
    /// app's ([`Dash::name`](crate::Dash::name), `DASH_APP_NAME`, the callbacks' crate, the
    /// executable).
    pub fn app_name(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.change(|s| s.app_name = (!name.trim().is_empty()).then_some(name))
    }

    /// Embedded store: bytes kept in memory (least recently used values leave first; they
    /// stay on disk). Default 256 MiB.
    pub fn memory_budget(self, bytes: usize) -> Self {
        self.change(|s| s.memory_budget = bytes)
    }

    /// How long a value lives when its writer gives no TTL (default 1 hour, or
    /// `DASH_STORE_TTL` seconds).
    pub fn default_ttl(self, ttl: Duration) -> Self {
        self.change(|s| s.default_ttl = ttl.max(Duration::from_millis(1)))
    }

    /// The largest value, as stored (default 512 MiB); bigger ones are refused with
    /// [`StoreError::TooLarge`].
    pub fn max_value_size(self, bytes: usize) -> Self {
        self.change(|s| s.max_value_size = bytes)
    }

    /// Typed values whose encoding is larger than this are compressed with zstd (default
    /// 64 KiB).
    pub fn compress_above(self, bytes: usize) -> Self {
        self.change(|s| s.compress_above = bytes)
    }

    /// Whether this is the Redis store.
    pub fn is_redis(&self) -> bool {
        matches!(self.inner.settings.kind, Kind::Redis(_))
    }

    /// The default TTL.
    pub fn ttl(&self) -> Duration {
        self.inner.settings.default_ttl
    }

    /// The size above which typed values are compressed (for callers encoding themselves
    /// with [`codec::encode`]).
    pub fn compression_threshold(&self) -> usize {
        self.inner.settings.compress_above
    }

    /// Which backend, for messages: `embedded <path>`, `redis <host>` or `memory`.
    pub fn describe(&self) -> String {
        match &self.inner.settings.kind {
            Kind::Embedded(Some(path)) => format!("embedded {}", path.display()),
            Kind::Embedded(None) => "embedded".to_owned(),
            Kind::Redis(url) => format!("redis {}", redis::host_of(url)),
            Kind::Memory => "memory".to_owned(),
        }
    }

    /// Name the store after the app unless [`app_name`](Self::app_name) named it (the app
    /// does this at build time, for this handle and all its clones). A store already in use
    /// keeps the name it opened with.
    pub(crate) fn set_default_app_name(&self, name: Option<&str>) {
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            if self.inner.backend.initialized() {
                tracing::debug!("data store already open: the app's name {name:?} is not used");
            }
            let _ = self.inner.default_name.set(name.to_owned());
        }
    }

    async fn backend(&self) -> Result<&Arc<dyn Backend>, StoreError> {
        self.inner
            .backend
            .get_or_try_init(|| {
                let name = self.inner.settings.app_name.as_deref().or(self
                    .inner
                    .default_name
                    .get()
                    .map(String::as_str));
                open(&self.inner.settings, name)
            })
            .await
    }

    fn check_key(key: &str) -> Result<(), StoreError> {
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(StoreError::InvalidKey);
        }
        Ok(())
    }

    fn check_size(&self, len: usize) -> Result<(), StoreError> {
        let limit = self.inner.settings.max_value_size;
        if len > limit {
            return Err(StoreError::TooLarge { size: len, limit });
        }
        Ok(())
    }

    fn ttl_or_default(&self, ttl: Option<Duration>) -> Duration {
        ttl.unwrap_or(self.inner.settings.default_ttl)
            .clamp(Duration::from_millis(1), MAX_TTL)
    }

    /// The value under `key`, without copying it out of the memory tier.
    pub(crate) async fn get_shared(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        Self::check_key(key)?;
        let value = self.backend().await?.get(key).await?;
        let kind = kind_of(key);
        if value.is_some() {
            self.inner.counters.hits.fetch_add(1, Ordering::Relaxed);
        } else {
            self.inner.counters.misses.fetch_add(1, Ordering::Relaxed);
        }
        crate::observability::store_lookup(kind, value.is_some());
        Ok(value)
    }

    /// The bytes under `key`, or `None` when there are none (never stored, expired, deleted).
    pub async fn get_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.get_shared(key).await?.map(|b| b.to_vec()))
    }

    /// Store `value` under `key` for `ttl` (`None`: the default TTL), replacing any value.
    pub async fn put_bytes(
        &self,
        key: &str,
        value: Vec<u8>,
        ttl: Option<Duration>,
    ) -> Result<(), StoreError> {
        Self::check_key(key)?;
        self.check_size(value.len())?;
        let ttl = self.ttl_or_default(ttl);
        self.backend()
            .await?
            .put(key, Bytes::from(value), ttl)
            .await
    }

    /// Store `value` unless a live value is under `key`: `true` when stored. Atomic across
    /// every process of the app, so it serves as a lock with a lease of `ttl`.
    pub async fn put_if_absent(
        &self,
        key: &str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        Self::check_key(key)?;
        self.check_size(value.len())?;
        let ttl = self.ttl_or_default(Some(ttl));
        self.backend()
            .await?
            .put_if_absent(key, Bytes::from(value), ttl)
            .await
    }

    /// Remove the value under `key` (nothing happens when there is none).
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        Self::check_key(key)?;
        self.backend().await?.delete(key).await
    }

    /// The value under `key` decoded as `T` (see [`codec`]).
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        match self.get_shared(key).await? {
            Some(bytes) => codec::decode(&bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Encode `value` (see [`codec`]) and store it under `key` for `ttl` (`None`: the
    /// default TTL).
    pub async fn put<T: Serialize + ?Sized>(
        &self,
        key: &str,
        value: &T,
        ttl: Option<Duration>,
    ) -> Result<(), StoreError> {
        let bytes = codec::encode(value, self.inner.settings.compress_above)?;
        self.put_bytes(key, bytes, ttl).await
    }

    /// A random secret (32 bytes) shared by every process using this store, made by the
    /// first one that asks (for signing keys handed to browsers when `DASH_SECRET_KEY` is
    /// not set).
    pub async fn shared_secret(&self) -> Result<Vec<u8>, StoreError> {
        const KEY: &str = "dash:shared-secret";
        let fresh: [u8; 32] = rand::random();
        self.put_if_absent(KEY, fresh.to_vec(), MAX_TTL).await?;
        match self.get_bytes(KEY).await? {
            Some(secret) if secret.len() == 32 => Ok(secret),
            _ => Err(StoreError::unavailable(
                &self.describe(),
                "the shared secret could not be read back",
            )),
        }
    }

    /// Hits, misses and the memory tier's state, for this process.
    pub fn stats(&self) -> StoreStats {
        let counters = &self.inner.counters;
        let mut stats = StoreStats {
            hits: counters.hits.load(Ordering::Relaxed),
            misses: counters.misses.load(Ordering::Relaxed),
            ..StoreStats::default()
        };
        if let Some(memory) = self.inner.backend.get().and_then(|b| b.memory()) {
            let (bytes, entries) = memory.usage();
            stats.memory_bytes = bytes;
            stats.memory_entries = entries;
            stats.evictions = memory.evictions();
        }
        stats
    }
}

/// Open the backend the settings name.
async fn open(settings: &Settings, name: Option<&str>) -> Result<Arc<dyn Backend>, StoreError> {
    let app_name = || crate::app_name::resolve_from_program(name);
    Ok(match &settings.kind {
        Kind::Memory => Arc::new(memory::MemoryBackend::new(settings.memory_budget)),
        Kind::Embedded(path) => {
            let path = path
                .clone()
                .unwrap_or_else(|| embedded::default_path(&app_name()));
            Arc::new(embedded::Embedded::open(path, settings.memory_budget).await?)
        }
        Kind::Redis(url) => {
            let prefix = format!("dash-rs:{}:data:", app_name());
            Arc::new(redis::RedisBackend::open(url, prefix)?)
        }
    })
}

/// The metrics kind of a key: its first `:`-separated segment when known, else `raw`.
pub(crate) fn kind_of(key: &str) -> &'static str {
    match key.split(':').next() {
        Some("serverside") => "serverside",
        Some("memo") => "memo",
        Some("session") => "session",
        _ => "raw",
    }
}

/// Milliseconds since the Unix epoch (shared by every process on the machine).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A TTL in whole milliseconds (at least 1).
pub(crate) fn ttl_ms(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX).max(1)
}

static CURRENT: RwLock<Option<DataStore>> = RwLock::new(None);

/// The store of the most recently built app in this process; before any app is built, one
/// store made by [`DataStore::from_env`] (the same one on every call). For code that runs
/// outside callbacks (a `#[memoize]` function called from `main`); inside a callback prefer
/// `callback_context().and_then(|c| c.data_store())`.
///
/// ```no_run
/// # async fn demo() {
/// let store = dash_runtime::store::current();
/// let _ = store.get_bytes("raw:k").await;
/// # }
/// ```
pub fn current() -> DataStore {
    if let Some(store) = CURRENT
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
    {
        return store.clone();
    }
    static FALLBACK: OnceLock<DataStore> = OnceLock::new();
    FALLBACK.get_or_init(DataStore::from_env).clone()
}

/// Make `store` the one [`current`] returns.
pub(crate) fn set_current(store: &DataStore) {
    *CURRENT.write().unwrap_or_else(PoisonError::into_inner) = Some(store.clone());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_first_segment() {
        assert_eq!(kind_of("serverside:abc"), "serverside");
        assert_eq!(kind_of("memo:f:123"), "memo");
        assert_eq!(kind_of("session:s1"), "session");
        assert_eq!(kind_of("anything"), "raw");
    }

    #[tokio::test]
    async fn limits_are_errors() {
        let store = DataStore::in_memory().max_value_size(10);
        let err = store.put_bytes("raw:k", vec![0; 11], None).await;
        assert!(matches!(
            err,
            Err(StoreError::TooLarge {
                size: 11,
                limit: 10
            })
        ));
        assert!(store.put_bytes("raw:k", vec![0; 10], None).await.is_ok());
        assert!(matches!(
            store.get_bytes("").await,
            Err(StoreError::InvalidKey)
        ));
        let long = "k".repeat(MAX_KEY_LEN + 1);
        assert!(matches!(
            store.delete(&long).await,
            Err(StoreError::InvalidKey)
        ));
    }

    #[tokio::test]
    async fn stats_count_hits_and_misses() {
        let store = DataStore::in_memory();
        store.put("memo:a", &1u32, None).await.unwrap();
        assert_eq!(store.get::<u32>("memo:a").await.unwrap(), Some(1));
        assert_eq!(store.get::<u32>("memo:b").await.unwrap(), None);
        let stats = store.stats();
        assert_eq!((stats.hits, stats.misses, stats.memory_entries), (1, 1, 1));
    }

    #[tokio::test]
    async fn the_shared_secret_is_stable() {
        let store = DataStore::in_memory();
        let a = store.shared_secret().await.unwrap();
        assert_eq!(a.len(), 32);
        assert_eq!(store.shared_secret().await.unwrap(), a);
    }
}
