//! The embedded manager: an SQLite file (WAL mode) in the app's cache directory, jobs run on
//! the app's own Tokio runtime.
//!
//! Several processes may share the file (several web processes behind one proxy): every
//! read-modify-write runs in an `IMMEDIATE` transaction, handles are signed with a secret
//! kept in the file, and any process can answer any poll. A process that dies mid-job stops
//! renewing the job's lease; another process using the same file takes the job over (a new
//! attempt, which fences out the old one's writes) and runs it again.
//!
//! Each process runs at most `concurrency` jobs at once (`DASH_WORKER_CONCURRENCY`, default
//! 4). A new job is stored as `queued`; any process with a free slot takes the oldest queued
//! job (or a job whose lease lapsed). Leases are renewed every second (or a third of the
//! lease, when shorter), so a dead process's job is taken over about one lease (default 5 s)
//! after its last renewal. On shutdown, `hand_over` puts this process's running
//! jobs back in the queue at once.
//!
//! The file is created with mode 0600 in a directory created with mode 0700 (Unix).

use crate::private_files::{create_private_dir, create_private_file};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::{Map, Value};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use super::record::{ms, now_ms, JobInfo, JobPayload, JobState, Outcome, PollRead};
use super::runner::{self, Lookup};
use super::store::{encode_side_updates, payload_at_rest, Claim, NewJob, Store, StoreFuture};
use super::{BackgroundError, Settings};
use crate::callback::job::CancelToken;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id          TEXT PRIMARY KEY,
    callback    TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    owner       TEXT,
    lease_until INTEGER,
    payload     TEXT NOT NULL,
    cache_key   TEXT,
    ttl_ms      INTEGER NOT NULL,
    outcome     TEXT,
    progress    TEXT,
    expires_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    released    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, state);
CREATE INDEX IF NOT EXISTS jobs_lease ON jobs(state, lease_until);
CREATE INDEX IF NOT EXISTS jobs_expiry ON jobs(expires_at);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs(state, created_at);
CREATE TABLE IF NOT EXISTS side_updates (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    job   TEXT NOT NULL,
    call  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS side_updates_job ON side_updates(job, seq);
CREATE TABLE IF NOT EXISTS cache (
    key        TEXT PRIMARY KEY,
    outcome    TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// The default database file: `<cache dir>/background/<app name>.sqlite3`.
pub(crate) fn default_path(cache_dir: &Path, app_name: &str) -> PathBuf {
    cache_dir
        .join("background")
        .join(format!("{app_name}.sqlite3"))
}

/// Files written by earlier versions lack `jobs.released`: add it.
fn add_released_column(conn: &Connection) -> rusqlite::Result<()> {
    let present: i64 = conn.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = 'released'",
        [],
        |r| r.get(0),
    )?;
    if present > 0 {
        return Ok(());
    }
    match conn.execute(
        "ALTER TABLE jobs ADD COLUMN released INTEGER NOT NULL DEFAULT 0",
        [],
    ) {
        // Another process added it in the meantime.
        Err(e) if e.to_string().contains("duplicate column") => Ok(()),
        other => other.map(|_| ()),
    }
}

/// One SQLite connection, used from Tokio's blocking pool.
struct Db {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl Db {
    fn open(path: &Path) -> Result<Db, BackgroundError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|source| BackgroundError::Directory {
                path: dir.display().to_string(),
                source,
            })?;
        }
        create_private_file(path).map_err(|source| BackgroundError::Directory {
            path: path.display().to_string(),
            source,
        })?;
        let err = |e| BackgroundError::sqlite(path, e);
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        add_released_column(&conn).map_err(err)?;
        Ok(Db {
            path: path.to_owned(),
            conn: Mutex::new(conn),
        })
    }

    async fn call<T, F>(self: &Arc<Self>, f: F) -> Result<T, BackgroundError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let db = self.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut conn = db.conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut conn).map_err(|e| BackgroundError::sqlite(&db.path, e))
        });
        task.await
            .map_err(|e| BackgroundError::Task(e.to_string()))?
    }
}

/// A job this process runs.
struct Local {
    attempt: u32,
    token: CancelToken,
}

/// How often the maintenance loop looks for queued jobs and cancellations.
const TICK: Duration = Duration::from_millis(200);

/// The longest time between two lease renewals.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// The embedded manager.
pub(crate) struct Embedded {
    db: Arc<Db>,
    owner: String,
    lookup: Lookup,
    settings: Settings,
    local: Mutex<HashMap<String, Local>>,
    /// One permit per job this process may run at once.
    permits: Arc<Semaphore>,
    /// Wakes the maintenance loop: a job was queued or a slot freed.
    wake: Notify,
    /// Set by [`give_back`](Self::give_back): no more jobs are taken.
    stopping: AtomicBool,
    me: Weak<Embedded>,
}

impl Embedded {
    /// Open (or create) the database and start the maintenance task on the current runtime.
    pub(crate) fn open(
        path: &Path,
        lookup: Lookup,
        settings: Settings,
    ) -> Result<Arc<Embedded>, BackgroundError> {
        let db = Arc::new(Db::open(path)?);
        let owner = format!(
            "pid{}-{}",
            std::process::id(),
            hex::encode(rand::random::<[u8; 4]>())
        );
        let manager = Arc::new_cyclic(|me| Embedded {
            db,
            owner,
            lookup,
            permits: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            settings,
            local: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            stopping: AtomicBool::new(false),
            me: me.clone(),
        });
        tokio::spawn(maintain(Arc::downgrade(&manager)));
        Ok(manager)
    }

    /// The database file.
    pub(crate) fn path(&self) -> &Path {
        &self.db.path
    }

    fn locals(&self) -> std::sync::MutexGuard<'_, HashMap<String, Local>> {
        self.local.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Run a claimed job on this runtime, holding one of the process's slots.
    fn spawn(&self, claim: Claim, permit: OwnedSemaphorePermit) {
        let Some(this) = self.me.upgrade() else {
            return;
        };
        let token = CancelToken::new();
        self.locals().insert(
            claim.id.clone(),
            Local {
                attempt: claim.attempt,
                token: token.clone(),
            },
        );
        tokio::spawn(async move {
            let id = claim.id.clone();
            let attempt = claim.attempt;
            let store: Arc<dyn Store> = this.clone();
            runner::run(&this.lookup, store, claim, token).await;
            {
                let mut locals = this.locals();
                if locals.get(&id).is_some_and(|l| l.attempt == attempt) {
                    locals.remove(&id);
                }
            }
            drop(permit);
            this.wake.notify_one();
        });
    }

    /// Cancel local jobs that were cancelled (or taken over) elsewhere.
    async fn watch_cancellations(&self) -> Result<(), BackgroundError> {
        if self.locals().is_empty() {
            return Ok(());
        }
        let owner = self.owner.clone();
        let rows: Vec<(String, String, u32)> = self
            .db
            .call(move |c| {
                let mut stmt =
                    c.prepare_cached("SELECT id, state, attempt FROM jobs WHERE owner = ?1")?;
                let rows =
                    stmt.query_map(params![owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                rows.collect()
            })
            .await?;
        let live: HashMap<String, (String, u32)> = rows
            .into_iter()
            .map(|(id, state, attempt)| (id, (state, attempt)))
            .collect();
        for (id, local) in self.locals().iter() {
            let still_ours = live
                .get(id)
                .is_some_and(|(state, attempt)| state == "running" && *attempt == local.attempt);
            if !still_ours {
                local.token.cancel();
            }
        }
        Ok(())
    }

    /// Renew the leases of this process's running jobs.
    async fn heartbeat(&self) -> Result<(), BackgroundError> {
        let owner = self.owner.clone();
        let lease = ms(self.settings.lease);
        self.db
            .call(move |c| {
                let now = now_ms();
                c.execute(
                    "UPDATE jobs SET lease_until = ?2, expires_at = MAX(expires_at, ?3 + ttl_ms)
                     WHERE owner = ?1 AND state = 'running'",
                    params![owner, now + lease, now],
                )
            })
            .await?;
        Ok(())
    }

    /// Take the oldest queued jobs and jobs whose process stopped renewing their lease, as
    /// many as this process has free slots.
    async fn take_jobs(&self) -> Result<(), BackgroundError> {
        if self.stopping.load(Ordering::SeqCst) {
            return Ok(());
        }
        let free = self.permits.available_permits();
        if free == 0 {
            return Ok(());
        }
        let owner = self.owner.clone();
        let lease = ms(self.settings.lease);
        let limit = i64::try_from(free).unwrap_or(i64::MAX);
        let claims: Vec<Claim> = self
            .db
            .call(move |c| {
                let now = now_ms();
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let found: Vec<(String, u32, String, u32)> = {
                    let mut stmt = tx.prepare_cached(
                        "SELECT id, attempt, state, released FROM jobs
                         WHERE expires_at > ?1
                           AND (state = 'queued' OR (state = 'running' AND lease_until < ?1))
                         ORDER BY created_at, rowid LIMIT ?2",
                    )?;
                    let rows = stmt.query_map(params![now, limit], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })?;
                    rows.collect::<rusqlite::Result<_>>()?
                };
                let mut claims = Vec::new();
                for (id, attempt, state, released) in found {
                    tx.execute(
                        "UPDATE jobs SET attempt = ?2, owner = ?3, lease_until = ?4, state = 'running'
                         WHERE id = ?1",
                        params![id, attempt + 1, owner, now + lease],
                    )?;
                    let (payload, cache_key, ttl_ms): (String, Option<String>, i64) = tx.query_row(
                        "SELECT payload, cache_key, ttl_ms FROM jobs WHERE id = ?1",
                        params![id],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )?;
                    if state == "running" {
                        tracing::warn!(job = %id, attempt = attempt + 1, "taking over a job whose process stopped");
                    }
                    claims.push((id, attempt + 1, released, payload, cache_key, ttl_ms));
                }
                tx.commit()?;
                Ok(claims)
            })
            .await?
            .into_iter()
            .filter_map(|(id, attempt, released, payload, cache_key, ttl_ms)| {
                match serde_json::from_str::<JobPayload>(&payload) {
                    Ok(payload) => Some(Claim {
                        id,
                        attempt,
                        released,
                        payload,
                        cache_key,
                        ttl_ms,
                    }),
                    Err(err) => {
                        tracing::error!(job = %id, "unreadable job payload: {err}");
                        None
                    }
                }
            })
            .collect();
        for claim in claims {
            if claim.exhausted(self.settings.max_attempts) {
                let outcome = runner::abandoned(claim.attempt - 1);
                self.finish(&claim, &outcome).await?;
                continue;
            }
            match self.permits.clone().try_acquire_owned() {
                Ok(permit) => self.spawn(claim, permit),
                Err(_) => {
                    // Cannot happen (only this loop takes slots); the lease lapses and the
                    // job is taken again.
                    tracing::warn!(job = %claim.id, "no free slot for a claimed job");
                }
            }
        }
        Ok(())
    }

    /// Stop taking jobs and hand this process's running jobs over: they go back to the
    /// queue at once (another process sharing the file, or the next one started, takes
    /// them as a new attempt) and their local runs are cancelled.
    async fn give_back(&self) -> Result<usize, BackgroundError> {
        self.stopping.store(true, Ordering::SeqCst);
        let owner = self.owner.clone();
        let released = self
            .db
            .call(move |c| {
                c.execute(
                    "UPDATE jobs SET state = 'queued', owner = NULL, lease_until = NULL,
                                    released = released + 1
                     WHERE owner = ?1 AND state = 'running'",
                    params![owner],
                )
            })
            .await?;
        for local in self.locals().values() {
            local.token.cancel();
        }
        if released > 0 {
            tracing::info!(
                jobs = released,
                "handed running background jobs over to other processes"
            );
        }
        Ok(released)
    }

    /// Delete expired jobs, their reports and expired cache entries.
    pub(crate) async fn sweep(&self) -> Result<(), BackgroundError> {
        self.db
            .call(|c| {
                let now = now_ms();
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                tx.execute("DELETE FROM jobs WHERE expires_at <= ?1", params![now])?;
                tx.execute(
                    "DELETE FROM side_updates WHERE job NOT IN (SELECT id FROM jobs)",
                    [],
                )?;
                tx.execute("DELETE FROM cache WHERE expires_at <= ?1", params![now])?;
                tx.commit()
            })
            .await
    }
}

/// The maintenance loop: cancellations, leases, taking jobs and expiry, until the manager
/// is dropped.
async fn maintain(manager: Weak<Embedded>) {
    let mut ticks: u64 = 0;
    loop {
        {
            let Some(m) = manager.upgrade() else { return };
            let _ = tokio::time::timeout(TICK, m.wake.notified()).await;
        }
        ticks += 1;
        let Some(m) = manager.upgrade() else { return };
        let every = |d: Duration| {
            let n = (d.as_millis() / TICK.as_millis()).max(1);
            ticks % u64::try_from(n).unwrap_or(u64::MAX) == 0
        };
        let mut result = m.watch_cancellations().await;
        if result.is_ok() && every(HEARTBEAT.min(m.settings.lease / 3)) {
            result = m.heartbeat().await;
        }
        if result.is_ok() {
            result = m.take_jobs().await;
        }
        if result.is_ok() && every(m.settings.sweep_every) {
            result = m.sweep().await;
        }
        if let Err(err) = result {
            tracing::warn!("background manager maintenance: {err}");
        }
    }
}

fn outcome_of(text: Option<String>) -> Option<Outcome> {
    text.and_then(|t| Outcome::from_json(&t).ok())
}

impl Store for Embedded {
    fn shared_secret(&self) -> StoreFuture<'_, Vec<u8>> {
        Box::pin(async move {
            let candidate = hex::encode(rand::random::<[u8; 32]>());
            let secret: String = self
                .db
                .call(move |c| {
                    c.execute(
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('signing_secret', ?1)",
                        params![candidate],
                    )?;
                    c.query_row(
                        "SELECT value FROM meta WHERE key = 'signing_secret'",
                        [],
                        |r| r.get(0),
                    )
                })
                .await?;
            Ok(secret.into_bytes())
        })
    }

    fn cached(&self, key: &str, ttl_ms: i64) -> StoreFuture<'_, Option<Outcome>> {
        let key = key.to_owned();
        Box::pin(async move {
            let text: Option<String> = self
                .db
                .call(move |c| {
                    let now = now_ms();
                    let found: Option<String> = c
                        .query_row(
                            "SELECT outcome FROM cache WHERE key = ?1 AND expires_at > ?2",
                            params![key, now],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if found.is_some() {
                        c.execute(
                            "UPDATE cache SET expires_at = ?2 WHERE key = ?1",
                            params![key, now + ttl_ms],
                        )?;
                    }
                    Ok(found)
                })
                .await?;
            Ok(outcome_of(text))
        })
    }

    fn submit(&self, job: NewJob) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let payload = payload_at_rest(&job.payload, &self.settings.keep_headers)?;
            let (id, callback, cache_key, ttl) =
                (job.id, job.payload.callback, job.cache_key, job.ttl_ms);
            self.db
                .call(move |c| {
                    let now = now_ms();
                    c.execute(
                        "INSERT INTO jobs (id, callback, state, attempt, payload, cache_key, ttl_ms,
                                           expires_at, created_at)
                         VALUES (?1, ?2, 'queued', 0, ?3, ?4, ?5, ?6, ?7)",
                        params![id, callback, payload, cache_key, ttl, now + ttl, now],
                    )
                })
                .await?;
            self.wake.notify_one();
            Ok(())
        })
    }

    fn submit_done(&self, job: NewJob, outcome: Outcome) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let payload = payload_at_rest(&job.payload, &self.settings.keep_headers)?;
            let outcome = outcome.to_json();
            self.db
                .call(move |c| {
                    let now = now_ms();
                    c.execute(
                        "INSERT INTO jobs (id, callback, state, attempt, payload, cache_key, ttl_ms,
                                           outcome, expires_at, created_at)
                         VALUES (?1, ?2, 'done', 0, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![
                            job.id,
                            job.payload.callback,
                            payload,
                            job.cache_key,
                            job.ttl_ms,
                            outcome,
                            now + job.ttl_ms,
                            now
                        ],
                    )
                })
                .await?;
            Ok(())
        })
    }

    fn poll<'a>(&'a self, id: &'a str, callback: &'a str) -> StoreFuture<'a, PollRead> {
        let (id, callback) = (id.to_owned(), callback.to_owned());
        Box::pin(async move {
            type Row = (String, Option<String>, Option<String>);
            let (row, calls): (Option<Row>, Vec<String>) = self
                .db
                .call(move |c| {
                    let now = now_ms();
                    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let row: Option<Row> = tx
                        .query_row(
                            "SELECT state, outcome, progress FROM jobs
                             WHERE id = ?1 AND callback = ?2 AND expires_at > ?3",
                            params![id, callback, now],
                            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                        )
                        .optional()?;
                    let Some(row) = row else {
                        return Ok((None, Vec::new()));
                    };
                    if row.0 == "done" {
                        tx.execute(
                            "UPDATE jobs SET state = 'delivered', outcome = NULL WHERE id = ?1",
                            params![id],
                        )?;
                    }
                    let calls: Vec<String> = {
                        let mut stmt = tx.prepare_cached(
                            "SELECT call FROM side_updates WHERE job = ?1 ORDER BY seq",
                        )?;
                        let rows = stmt.query_map(params![id], |r| r.get(0))?;
                        rows.collect::<rusqlite::Result<_>>()?
                    };
                    if !calls.is_empty() {
                        tx.execute("DELETE FROM side_updates WHERE job = ?1", params![id])?;
                    }
                    tx.commit()?;
                    Ok((Some(row), calls))
                })
                .await?;
            let Some((state, outcome, progress)) = row else {
                return Ok(PollRead::default());
            };
            let state = JobState::parse(&state)
                .ok_or_else(|| BackgroundError::Corrupt(format!("job state {state:?}")))?;
            Ok(PollRead {
                state: Some(state),
                outcome: if state == JobState::Done {
                    outcome_of(outcome)
                } else {
                    None
                },
                progress: progress.and_then(|p| serde_json::from_str(&p).ok()),
                side_updates: calls
                    .iter()
                    .filter_map(|c| serde_json::from_str::<(String, Map<String, Value>)>(c).ok())
                    .collect(),
            })
        })
    }

    fn cancel<'a>(&'a self, id: &'a str) -> StoreFuture<'a, bool> {
        let id = id.to_owned();
        Box::pin(async move {
            let key = id.clone();
            let changed = self
                .db
                .call(move |c| {
                    c.execute(
                        "UPDATE jobs SET state = 'cancelled', outcome = NULL
                         WHERE id = ?1 AND state IN ('queued', 'running')",
                        params![key],
                    )
                })
                .await?;
            if let Some(local) = self.locals().get(&id) {
                local.token.cancel();
            }
            Ok(changed > 0)
        })
    }

    fn info<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<JobInfo>> {
        let id = id.to_owned();
        Box::pin(async move {
            let row: Option<(String, u32, Option<String>, String)> = self
                .db
                .call(move |c| {
                    c.query_row(
                        "SELECT state, attempt, owner, callback FROM jobs
                         WHERE id = ?1 AND expires_at > ?2",
                        params![id, now_ms()],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )
                    .optional()
                })
                .await?;
            Ok(row.and_then(|(state, attempt, worker, callback)| {
                Some(JobInfo {
                    state: JobState::parse(&state)?,
                    attempt,
                    worker,
                    callback,
                })
            }))
        })
    }

    fn write_progress<'a>(&'a self, claim: &'a Claim, values: Vec<Value>) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let text = Value::Array(values).to_string();
            let (id, attempt) = (claim.id.clone(), claim.attempt);
            let changed = self
                .db
                .call(move |c| {
                    c.execute(
                        "UPDATE jobs SET progress = ?3, expires_at = MAX(expires_at, ?4 + ttl_ms)
                         WHERE id = ?1 AND attempt = ?2 AND state = 'running'",
                        params![id, attempt, text, now_ms()],
                    )
                })
                .await?;
            Ok(changed == 1)
        })
    }

    fn push_side_updates<'a>(
        &'a self,
        claim: &'a Claim,
        calls: Vec<(String, Map<String, Value>)>,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let texts = encode_side_updates(calls);
            let (id, attempt) = (claim.id.clone(), claim.attempt);
            self.db
                .call(move |c| {
                    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let ours: Option<i64> = tx
                        .query_row(
                            "SELECT 1 FROM jobs WHERE id = ?1 AND attempt = ?2 AND state = 'running'",
                            params![id, attempt],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if ours.is_none() {
                        return Ok(false);
                    }
                    for text in texts {
                        tx.execute(
                            "INSERT INTO side_updates (job, call) VALUES (?1, ?2)",
                            params![id, text],
                        )?;
                    }
                    tx.commit()?;
                    Ok(true)
                })
                .await
        })
    }

    fn finish<'a>(&'a self, claim: &'a Claim, outcome: &'a Outcome) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let text = outcome.to_json();
            let cacheable = matches!(outcome, Outcome::Values { .. });
            let (id, attempt, cache_key, ttl) = (
                claim.id.clone(),
                claim.attempt,
                claim.cache_key.clone(),
                claim.ttl_ms,
            );
            self.db
                .call(move |c| {
                    let now = now_ms();
                    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let changed = tx.execute(
                        "UPDATE jobs SET state = 'done', outcome = ?3, lease_until = NULL, expires_at = ?4
                         WHERE id = ?1 AND attempt = ?2 AND state = 'running'",
                        params![id, attempt, text, now + ttl],
                    )?;
                    if changed == 1 && cacheable {
                        if let Some(key) = cache_key {
                            tx.execute(
                                "INSERT OR REPLACE INTO cache (key, outcome, expires_at) VALUES (?1, ?2, ?3)",
                                params![key, text, now + ttl],
                            )?;
                        }
                    }
                    tx.commit()?;
                    Ok(changed == 1)
                })
                .await
        })
    }

    fn hand_over(&self) -> StoreFuture<'_, usize> {
        Box::pin(self.give_back())
    }

    fn queue_depth(&self) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let n: i64 = self
                .db
                .call(|c| {
                    c.query_row(
                        "SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND expires_at > ?1",
                        params![now_ms()],
                        |r| r.get(0),
                    )
                })
                .await?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }
}
