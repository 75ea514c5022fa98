//! The embedded backend: hot values in memory, every value in an SQLite file (WAL mode).
//!
//! Writes go through to the file before they return, so a value survives a restart and any
//! process using the same file reads it. Each row carries a random version; a value found in
//! memory is returned only after a one-row look-up confirms the file still holds that version
//! (another process may have replaced or deleted it), which costs no blob read. Expired rows
//! are deleted every [`SWEEP_EVERY`] by the next write.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use rusqlite::{params, Connection, OptionalExtension};

use super::memory::{Entry, MemoryCache};
use super::{now_ms, ttl_ms, Backend, BoxFuture, StoreError};
use crate::observability::{store_evictions, Eviction};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS data (
    key        TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    -- Last: SQLite reaches a column after a large value only by walking the value's
    -- overflow pages, and the version check of a value held in memory reads no value.
    value      BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS data_expiry ON data(expires_at);
";

/// How often expired rows (and expired memory entries) are deleted.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// `<cache dir>/data/<app name>.sqlite3`, the cache dir being `$DASH_RS_CACHE_DIR` or the
/// user's cache directory.
pub(crate) fn default_path(app_name: &str) -> PathBuf {
    std::env::var_os("DASH_RS_CACHE_DIR")
        .map(PathBuf::from)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(crate::assets::default_cache_dir)
        .join("data")
        .join(format!("{app_name}.sqlite3"))
}

/// One SQLite connection, used from Tokio's blocking pool.
struct Conn {
    conn: Mutex<Connection>,
}

/// The file: a connection for writes and one for reads (WAL lets reads run during a write).
struct Db {
    path: PathBuf,
    describe: String,
    writer: Conn,
    reader: Conn,
}

impl Db {
    fn open(path: &Path) -> Result<Db, StoreError> {
        let describe = format!("embedded {}", path.display());
        let err = |e: &dyn std::fmt::Display| StoreError::unavailable(&describe, e);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private_files::create_private_dir(dir).map_err(|e| err(&e))?;
        }
        crate::private_files::create_private_file(path).map_err(|e| err(&e))?;
        let connect = || -> rusqlite::Result<Connection> {
            let conn = Connection::open(path)?;
            conn.busy_timeout(Duration::from_secs(30))?;
            Ok(conn)
        };
        let writer = connect().map_err(|e| err(&e))?;
        writer
            .pragma_update(None, "journal_mode", "WAL")
            .and_then(|_| writer.pragma_update(None, "synchronous", "NORMAL"))
            .and_then(|_| writer.execute_batch(SCHEMA))
            .map_err(|e| err(&e))?;
        let reader = connect().map_err(|e| err(&e))?;
        Ok(Db {
            path: path.to_owned(),
            describe,
            writer: Conn {
                conn: Mutex::new(writer),
            },
            reader: Conn {
                conn: Mutex::new(reader),
            },
        })
    }

    async fn call<T, F>(self: &Arc<Self>, write: bool, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let db = self.clone();
        let task = tokio::task::spawn_blocking(move || {
            let conn = if write { &db.writer } else { &db.reader };
            let mut conn = conn.conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut conn).map_err(|e| StoreError::unavailable(&db.describe, e))
        });
        task.await
            .map_err(|e| StoreError::unavailable(&self.describe, e))?
    }
}

/// What a read found in the file.
struct Row {
    version: i64,
    expires_at: i64,
    /// `None` when the caller already holds this version.
    value: Option<Vec<u8>>,
}

/// The embedded backend.
pub(crate) struct Embedded {
    db: Arc<Db>,
    memory: MemoryCache,
    last_sweep: AtomicI64,
}

impl Embedded {
    /// Open (or create) the file; `budget` bytes of values are kept in memory.
    pub(crate) async fn open(path: PathBuf, budget: usize) -> Result<Embedded, StoreError> {
        let describe = format!("embedded {}", path.display());
        let db = tokio::task::spawn_blocking(move || Db::open(&path))
            .await
            .map_err(|e| StoreError::unavailable(&describe, e))??;
        tracing::debug!("data store: {}", db.path.display());
        Ok(Embedded {
            db: Arc::new(db),
            memory: MemoryCache::new(budget),
            last_sweep: AtomicI64::new(now_ms()),
        })
    }

    /// Whether this write should also delete expired rows.
    fn sweep_due(&self, now: i64) -> bool {
        let last = self.last_sweep.load(Ordering::Relaxed);
        now - last >= ttl_ms(SWEEP_EVERY)
            && self
                .last_sweep
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    fn sweep_memory(&self, due: bool, now: i64) {
        if due {
            self.memory.sweep(now);
        }
    }

    /// Write a value to the file, then to memory. With `only_if_expired`, an unexpired value
    /// under the key is left alone (a lock); returns whether the value was written.
    async fn write(
        &self,
        key: &str,
        value: Bytes,
        ttl: Duration,
        only_if_expired: bool,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let expires_at = now.saturating_add(ttl_ms(ttl));
        let version: i64 = rand::random();
        let due = self.sweep_due(now);
        let (owned, stored) = (key.to_owned(), value.clone());
        let changed = self
            .db
            .call(true, move |conn| {
                let changed = conn.execute(
                    "INSERT INTO data (key, value, expires_at, version) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value,
                         expires_at = excluded.expires_at, version = excluded.version
                     WHERE ?6 = 0 OR data.expires_at <= ?5",
                    params![
                        owned,
                        &stored[..],
                        expires_at,
                        version,
                        now,
                        only_if_expired
                    ],
                )?;
                sweep(conn, due, now)?;
                Ok(changed)
            })
            .await?;
        self.sweep_memory(due, now);
        if changed == 0 {
            return Ok(false);
        }
        self.memory.insert(
            key,
            Entry {
                value,
                expires_at,
                version,
            },
        );
        Ok(true)
    }
}

/// When `due`, deletes the rows expired at `now` (counted in the metrics); returns how many.
fn sweep(conn: &Connection, due: bool, now: i64) -> rusqlite::Result<usize> {
    if !due {
        return Ok(0);
    }
    let purged = conn.execute("DELETE FROM data WHERE expires_at <= ?1", params![now])?;
    if purged > 0 {
        store_evictions(Eviction::Expired, purged as u64);
    }
    Ok(purged)
}

impl Backend for Embedded {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>> {
        Box::pin(async move {
            let now = now_ms();
            let held = self.memory.get(key, now);
            let known = held.as_ref().map(|e| e.version);
            let owned = key.to_owned();
            let row = self
                .db
                .call(false, move |conn| {
                    conn.query_row(
                        "SELECT version, expires_at,
                                CASE WHEN version = ?3 THEN NULL ELSE value END
                         FROM data WHERE key = ?1 AND expires_at > ?2",
                        params![owned, now, known],
                        |r| {
                            Ok(Row {
                                version: r.get(0)?,
                                expires_at: r.get(1)?,
                                value: r.get(2)?,
                            })
                        },
                    )
                    .optional()
                })
                .await?;
            match (row, held) {
                (None, held) => {
                    if held.is_some() {
                        self.memory.remove(key);
                    }
                    Ok(None)
                }
                (Some(Row { value: None, .. }), Some(held)) => Ok(Some(held.value)),
                (Some(row), _) => {
                    let value = Bytes::from(row.value.unwrap_or_default());
                    self.memory.insert(
                        key,
                        Entry {
                            value: value.clone(),
                            expires_at: row.expires_at,
                            version: row.version,
                        },
                    );
                    Ok(Some(value))
                }
            }
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { self.write(key, value, ttl, false).await.map(drop) })
    }

    fn put_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.write(key, value, ttl, true))
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.memory.remove(key);
            let owned = key.to_owned();
            self.db
                .call(true, move |conn| {
                    conn.execute("DELETE FROM data WHERE key = ?1", params![owned])
                        .map(|_| ())
                })
                .await
        })
    }

    fn memory(&self) -> Option<&MemoryCache> {
        Some(&self.memory)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_sweep_deletes_only_expired_rows_and_counts_them() {
        let conn = Connection::open_in_memory().expect("in-memory SQLite");
        conn.execute_batch(SCHEMA).expect("schema");
        for (key, expires_at) in [("old", 10), ("older", 5), ("live", 1_000)] {
            conn.execute(
                "INSERT INTO data (key, value, expires_at, version) VALUES (?1, x'00', ?2, 1)",
                params![key, expires_at],
            )
            .expect("insert");
        }
        assert_eq!(sweep(&conn, false, 100).expect("sweep"), 0);
        assert_eq!(sweep(&conn, true, 100).expect("sweep"), 2);
        let left: Vec<String> = conn
            .prepare("SELECT key FROM data")
            .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
            .expect("rows");
        assert_eq!(left, ["live"]);
    }
}
