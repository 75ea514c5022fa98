//! Errors of the background-callback machinery.

/// Why a background manager could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum BackgroundError {
    /// The embedded manager's SQLite file could not be opened or used.
    #[error("background job store (SQLite {path}): {source}")]
    Sqlite {
        /// The database file.
        path: String,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The cache directory of the embedded manager could not be created.
    #[error("background job store: cannot create {path}: {source}")]
    Directory {
        /// The directory.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Talking to Redis failed.
    #[error("background job store (Redis): {0}")]
    Redis(#[from] redis::RedisError),
    /// A stored record could not be read back (written by another version, or damaged).
    #[error("background job store: unreadable record: {0}")]
    Corrupt(String),
    /// A blocking task of the embedded manager panicked or was cancelled.
    #[error("background job store: a storage task failed: {0}")]
    Task(String),
    /// Worker mode needs a queue that other processes can share.
    #[error("worker mode needs the Redis manager: set REDIS_URL (or call Dash::background_manager(BackgroundManager::redis(..)))")]
    WorkerNeedsRedis,
    /// The program has no background callbacks, so a worker would have nothing to run.
    #[error("worker mode: this program has no background callbacks")]
    NothingToRun,
}

impl BackgroundError {
    pub(crate) fn sqlite(path: &std::path::Path, source: rusqlite::Error) -> Self {
        BackgroundError::Sqlite {
            path: path.display().to_string(),
            source,
        }
    }
}
