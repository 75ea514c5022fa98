//! What can go wrong in the data store.

/// Why a data store operation failed.
///
/// ```
/// use dash_runtime::store::StoreError;
///
/// let err = StoreError::TooLarge { size: 10, limit: 4 };
/// assert!(err.to_string().contains("10 bytes"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend could not be reached or failed (Redis down, SQLite file not writable, ..).
    #[error("data store {backend} unavailable: {message}")]
    Unavailable {
        /// Which backend (`embedded <path>`, `redis <host>`, `memory`).
        backend: String,
        /// What went wrong.
        message: String,
    },
    /// The value is bigger than the store's [`max_value_size`](super::DataStore::max_value_size).
    #[error("value of {size} bytes is larger than the data store's limit of {limit} bytes")]
    TooLarge {
        /// The value's size (encoded, as stored).
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The value could not be encoded, or stored bytes could not be decoded into the type asked for.
    #[error("data store codec: {0}")]
    Codec(String),
    /// The key is empty or longer than [`MAX_KEY_LEN`](super::MAX_KEY_LEN) bytes.
    #[error("data store key is empty or longer than {} bytes", super::MAX_KEY_LEN)]
    InvalidKey,
}

impl StoreError {
    pub(crate) fn unavailable(backend: &str, message: impl std::fmt::Display) -> Self {
        StoreError::Unavailable {
            backend: backend.to_owned(),
            message: message.to_string(),
        }
    }
}
