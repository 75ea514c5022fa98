//! Single flight: concurrent identical calls compute once and share the result.
//!
//! A lookup ([`Memo::begin`]) first reads the store. On a miss the caller joins the flight of
//! its key:
//!
//! - **in this process**, a map from key to a [`watch`] channel: the first caller (the leader)
//!   computes, later callers wait on the channel for the encoded value. The map holds at most
//!   [`MAX_IN_FLIGHT`] keys (beyond that callers compute on their own) and an entry leaves it
//!   when its leader finishes, fails, panics or is dropped (a guard's `Drop`);
//! - **across processes**, a lock in the store (`put_if_absent` of `memo:lock:<key>` with a
//!   lease of [`LEASE`], renewed while the leader computes): a process that finds the lock
//!   taken polls for the value, or for the lock to vanish (its holder died or failed; then it
//!   takes the lock and computes), for at most [`MAX_REMOTE_WAIT`].
//!
//! Only values the caller hands to [`Ticket::finish`] are shared and stored; when the leader
//! has nothing to store (an error), waiting callers compute on their own, so every caller sees
//! the answer it would have seen without memoization.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::store::DataStore;

/// Most keys computed at once in this process with followers allowed to wait on them.
pub(crate) const MAX_IN_FLIGHT: usize = 4096;
/// How long a store lock lives unless its holder renews it.
pub(crate) const LEASE: Duration = Duration::from_secs(10);
/// How long a process waits for another process's computation before computing itself.
pub(crate) const MAX_REMOTE_WAIT: Duration = Duration::from_secs(120);
/// First and longest pause between polls of a remote computation.
const POLL_FIRST: Duration = Duration::from_millis(10);
const POLL_MAX: Duration = Duration::from_millis(200);

/// What a flight's followers receive.
#[derive(Clone)]
enum Landing {
    Pending,
    Done(Arc<Vec<u8>>),
}

/// One key in flight: the channel its leader lands on, and how many callers wait on it.
struct Flight {
    rx: watch::Receiver<Landing>,
    waiting: Arc<AtomicUsize>,
}

type Flights = Mutex<HashMap<String, Flight>>;

fn flights() -> &'static Flights {
    static FLIGHTS: std::sync::OnceLock<Flights> = std::sync::OnceLock::new();
    FLIGHTS.get_or_init(Default::default)
}

/// The number of keys being computed in this process now, with followers allowed (for tests
/// and debugging).
///
/// ```
/// assert_eq!(dash_runtime::memo::flight::in_flight(), 0);
/// ```
pub fn in_flight() -> usize {
    flights()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .len()
}

/// The number of calls in this process waiting for an identical call under way here (for
/// tests and debugging).
///
/// ```
/// assert_eq!(dash_runtime::memo::flight::waiting(), 0);
/// ```
pub fn waiting() -> usize {
    flights()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .values()
        .map(|f| f.waiting.load(Ordering::Relaxed))
        .sum()
}

/// What is memoized where: the store, the key, the TTL and names for metrics and logs.
pub(crate) struct Memo {
    pub store: DataStore,
    /// The value's key (`memo:..`).
    pub key: String,
    /// `None`: the store's default TTL.
    pub ttl: Option<Duration>,
    /// `callback` or `function`.
    pub kind: &'static str,
    /// The callback's or function's name.
    pub name: &'static str,
}

/// The outcome of a lookup.
pub(crate) enum Begin<T> {
    /// A stored (or just shared) value.
    Hit(T),
    /// Compute, then hand the result to the ticket.
    Miss(Ticket),
}

/// The right (and duty) to compute a missing value: [`finish`](Ticket::finish) it with the
/// encoded value. Dropping it unfinished lets waiting callers compute on their own.
pub(crate) struct Ticket {
    memo: Memo,
    /// Whether the value may be stored (the store answered the lookup).
    store_result: bool,
    flight: Option<FlightGuard>,
    lock: Option<LockGuard>,
}

/// This process's flight of one key, as its leader.
struct FlightGuard {
    key: String,
    tx: watch::Sender<Landing>,
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        let mut map = flights().lock().unwrap_or_else(PoisonError::into_inner);
        if map
            .get(&self.key)
            .is_some_and(|f| f.rx.same_channel(&self.tx.subscribe()))
        {
            map.remove(&self.key);
        }
    }
}

/// A held store lock: renewed in the background, released on finish or drop.
struct LockGuard {
    store: DataStore,
    key: String,
    token: Vec<u8>,
    renewal: tokio::task::JoinHandle<()>,
    /// Still to be released (by `release`, or else by `Drop`).
    held: bool,
}

impl LockGuard {
    async fn release(mut self) {
        self.renewal.abort();
        self.held = false;
        if let Err(err) = release_lock(&self.store, &self.key, &self.token).await {
            tracing::debug!(key = %self.key, "memoize: lock not released (it expires): {err}");
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        self.renewal.abort();
        if !self.held {
            return;
        }
        // Unfinished (a panic or a dropped request): free the lock now rather than at the end
        // of its lease, when a runtime is there to do it.
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let (store, key, token) = (self.store.clone(), self.key.clone(), self.token.clone());
            handle.spawn(async move {
                let _ = release_lock(&store, &key, &token).await;
            });
        }
    }
}

/// Delete the lock if it is still ours.
async fn release_lock(
    store: &DataStore,
    key: &str,
    token: &[u8],
) -> Result<(), crate::store::StoreError> {
    if store.get_bytes(key).await?.as_deref() == Some(token) {
        store.delete(key).await?;
    }
    Ok(())
}

/// Keep the lock alive while its holder computes.
fn renew(store: DataStore, key: String, token: Vec<u8>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(LEASE / 3).await;
            match store.get_bytes(&key).await {
                Ok(Some(held)) if held == token => {
                    if let Err(err) = store.put_bytes(&key, token.clone(), Some(LEASE)).await {
                        tracing::debug!(%key, "memoize: lock lease not renewed: {err}");
                    }
                }
                // Lost (expired and taken by another process): nothing to renew.
                Ok(_) => return,
                Err(err) => tracing::debug!(%key, "memoize: lock lease not renewed: {err}"),
            }
        }
    })
}

/// How a caller relates to this process's flight of a key.
enum Role {
    Leader(FlightGuard),
    Follower(watch::Receiver<Landing>, Arc<AtomicUsize>),
    /// The map is full: compute without single flight.
    Alone,
}

fn join(key: &str) -> Role {
    let mut map = flights().lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(flight) = map.get(key) {
        return Role::Follower(flight.rx.clone(), flight.waiting.clone());
    }
    if map.len() >= MAX_IN_FLIGHT {
        return Role::Alone;
    }
    let (tx, rx) = watch::channel(Landing::Pending);
    map.insert(
        key.to_owned(),
        Flight {
            rx,
            waiting: Arc::default(),
        },
    );
    Role::Leader(FlightGuard {
        key: key.to_owned(),
        tx,
    })
}

/// Counts a waiting caller while it lives.
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Wait for the leader's value: `None` when it finished without one or went away.
async fn follow(
    mut rx: watch::Receiver<Landing>,
    waiting: Arc<AtomicUsize>,
) -> Option<Arc<Vec<u8>>> {
    waiting.fetch_add(1, Ordering::Relaxed);
    let _counted = Waiting(waiting);
    loop {
        if let Landing::Done(bytes) = &*rx.borrow_and_update() {
            return Some(bytes.clone());
        }
        rx.changed().await.ok()?;
    }
}

impl Memo {
    fn lock_key(&self) -> String {
        format!("memo:lock:{}", self.key.trim_start_matches("memo:"))
    }

    /// Look the key up; on a miss, wait for a computation already under way (here or in
    /// another process) or become the one that computes. `decode` turns stored bytes into
    /// the value (`None`: undecodable, treated as a miss).
    pub(crate) async fn begin<T>(self, decode: impl Fn(&[u8]) -> Option<T>) -> Begin<T> {
        match self.store.get_bytes(&self.key).await {
            Ok(Some(bytes)) => {
                if let Some(value) = decode(&bytes) {
                    crate::observability::memo_hit(self.kind, self.name);
                    return Begin::Hit(value);
                }
                tracing::warn!(
                    function = self.name,
                    "memoize: a stored value could not be decoded; computing it again"
                );
            }
            Ok(None) => {}
            Err(err) => {
                tracing::warn!(
                    function = self.name,
                    "memoize: data store lookup failed, computing without the cache: {err}"
                );
                crate::observability::memo_miss(self.kind, self.name);
                return Begin::Miss(Ticket {
                    memo: self,
                    store_result: false,
                    flight: None,
                    lock: None,
                });
            }
        }
        crate::observability::memo_miss(self.kind, self.name);
        let flight = match join(&self.key) {
            Role::Follower(rx, waiting) => {
                crate::observability::memo_wait(self.kind, self.name);
                if let Some(value) = follow(rx, waiting).await.and_then(|b| decode(&b)) {
                    return Begin::Hit(value);
                }
                // The leader had nothing to share: compute on our own.
                None
            }
            Role::Alone => None,
            Role::Leader(guard) => Some(guard),
        };
        let mut ticket = Ticket {
            memo: self,
            store_result: true,
            flight,
            lock: None,
        };
        if ticket.flight.is_some() {
            match ticket.take_lock(&decode).await {
                Ok(Some(value)) => {
                    // Shared by another process: pass it on to our own followers too.
                    return Begin::Hit(value);
                }
                Ok(None) => {}
                Err(err) => tracing::debug!(
                    function = ticket.memo.name,
                    "memoize: no cross-process lock, computing: {err}"
                ),
            }
        }
        Begin::Miss(ticket)
    }
}

impl Ticket {
    /// The store the value goes to.
    pub(crate) fn store(&self) -> &DataStore {
        &self.memo.store
    }

    /// Take the store lock, or wait for the process holding it: `Some(value)` when that
    /// process stored one (then handed to this process's followers too).
    async fn take_lock<T>(
        &mut self,
        decode: &impl Fn(&[u8]) -> Option<T>,
    ) -> Result<Option<T>, crate::store::StoreError> {
        let store = self.memo.store.clone();
        let lock_key = self.memo.lock_key();
        let token: Vec<u8> = rand::random::<[u8; 16]>().to_vec();
        let begun = Instant::now();
        let mut pause = POLL_FIRST;
        let mut waited = false;
        loop {
            if store.put_if_absent(&lock_key, token.clone(), LEASE).await? {
                self.lock = Some(LockGuard {
                    store: store.clone(),
                    key: lock_key.clone(),
                    token: token.clone(),
                    renewal: renew(store.clone(), lock_key, token),
                    held: true,
                });
                if !waited {
                    return Ok(None);
                }
                // The holder went away; it may have stored the value just before.
                return Ok(self.shared(decode).await);
            }
            if !waited {
                waited = true;
                crate::observability::memo_wait(self.memo.kind, self.memo.name);
            }
            if begun.elapsed() >= MAX_REMOTE_WAIT {
                tracing::warn!(
                    function = self.memo.name,
                    "memoize: another process has been computing for {MAX_REMOTE_WAIT:?}; computing here too"
                );
                return Ok(None);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(POLL_MAX);
            if let Some(value) = self.shared(decode).await {
                return Ok(Some(value));
            }
        }
    }

    /// The value, if stored by now; handed to this process's followers.
    async fn shared<T>(&mut self, decode: &impl Fn(&[u8]) -> Option<T>) -> Option<T> {
        let bytes = self.memo.store.get_bytes(&self.memo.key).await.ok()??;
        let value = decode(&bytes)?;
        if let Some(flight) = &self.flight {
            flight.tx.send_replace(Landing::Done(Arc::new(bytes)));
        }
        Some(value)
    }

    /// The computation ended: store `value` (the encoded result, `None` when there is
    /// nothing to keep), share it with waiting callers and release the lock.
    pub(crate) async fn finish(mut self, value: Option<Vec<u8>>) {
        if let Some(bytes) = value {
            let bytes = Arc::new(bytes);
            if let Some(flight) = &self.flight {
                flight.tx.send_replace(Landing::Done(bytes.clone()));
            }
            if self.store_result {
                let stored = self
                    .memo
                    .store
                    .put_bytes(&self.memo.key, bytes.to_vec(), self.memo.ttl)
                    .await;
                if let Err(err) = stored {
                    tracing::warn!(
                        function = self.memo.name,
                        "memoize: the result could not be stored: {err}"
                    );
                }
            }
        }
        self.flight = None;
        if let Some(lock) = self.lock.take() {
            lock.release().await;
        }
    }
}
