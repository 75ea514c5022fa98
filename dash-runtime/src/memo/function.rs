//! `#[memoize]` functions: what their expansion calls (see the [module docs](super)).

use std::future::Future;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::runtime::{Handle, RuntimeFlavor};

use super::flight::{Begin, Memo};
use super::key::KeyHasher;
use crate::store::{codec, DataStore};

/// A memoized function, as its `#[memoize]` expansion describes it.
#[derive(Debug)]
pub struct MemoFn {
    /// `module_path!()::name`.
    pub path: &'static str,
    /// A hash of the function's tokens.
    pub fingerprint: &'static str,
    /// `ttl = ".."` (`None`: the store's default TTL).
    pub ttl: Option<Duration>,
}

impl MemoFn {
    /// Start the key of a call; the expansion adds each argument with [`MemoKey::arg`].
    pub fn key(&'static self) -> MemoKey {
        let mut hasher = KeyHasher::new("function");
        hasher
            .bytes(self.path.as_bytes())
            .bytes(self.fingerprint.as_bytes());
        MemoKey {
            function: self,
            hasher: Some(hasher),
        }
    }

    fn memo(&'static self, key: String, store: DataStore) -> Memo {
        Memo {
            store,
            key,
            ttl: self.ttl,
            kind: "function",
            name: self.path,
        }
    }
}

/// The key of one call of a memoized function, argument by argument.
pub struct MemoKey {
    function: &'static MemoFn,
    /// `None` once an argument could not be encoded (the call then runs uncached).
    hasher: Option<KeyHasher>,
}

impl std::fmt::Debug for MemoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoKey")
            .field("function", &self.function.path)
            .finish_non_exhaustive()
    }
}

impl MemoKey {
    /// Add the next argument (encoded with the store's codec).
    pub fn arg<T: MemoArg + ?Sized>(&mut self, value: &T) {
        let Some(hasher) = &mut self.hasher else {
            return;
        };
        match value.encode_arg() {
            Ok(bytes) => {
                hasher.bytes(&bytes);
            }
            Err(err) => {
                tracing::warn!(
                    function = self.function.path,
                    "memoize: an argument could not be encoded, running uncached: {err}"
                );
                self.hasher = None;
            }
        }
    }

    /// The key (`None`: an argument could not be encoded).
    pub fn finish(self) -> Option<String> {
        self.hasher.map(|h| h.finish("fn"))
    }
}

/// An argument of a `#[memoize]` function: it joins the cache key, so it must serialise.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a #[memoize] function",
    label = "arguments of #[memoize] functions must implement `serde::Serialize` (they form the cache key)",
    note = "derive `Serialize` for it, or pass a serialisable identifier instead"
)]
pub trait MemoArg {
    /// The argument's bytes in the key.
    fn encode_arg(&self) -> Result<Vec<u8>, crate::store::StoreError>;
}

impl<T: Serialize + ?Sized> MemoArg for T {
    fn encode_arg(&self) -> Result<Vec<u8>, crate::store::StoreError> {
        codec::encode(self, usize::MAX)
    }
}

/// A value a `#[memoize]` function returns (or the `Ok` value of its `Result`): it is stored
/// and read back.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned by a #[memoize] function",
    label = "memoized values must implement `serde::Serialize` and `serde::de::DeserializeOwned` (they are stored and read back)",
    note = "derive `Serialize` and `Deserialize` for it"
)]
pub trait MemoValue: Sized {
    /// The value's stored bytes.
    fn encode_value(&self, compress_above: usize) -> Result<Vec<u8>, crate::store::StoreError>;
    /// The value from stored bytes.
    fn decode_value(bytes: &[u8]) -> Result<Self, crate::store::StoreError>;
}

impl<T: Serialize + DeserializeOwned> MemoValue for T {
    fn encode_value(&self, compress_above: usize) -> Result<Vec<u8>, crate::store::StoreError> {
        codec::encode(self, compress_above)
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, crate::store::StoreError> {
        codec::decode(bytes)
    }
}

/// Expansion helper: a compile-time check that the (`Ok`) value can be stored.
pub fn memo_value_check<T: MemoValue>() {}

/// Which part of a function's result is kept.
pub trait MemoMode<R> {
    /// The kept type.
    type Kept: MemoValue;
    /// The part to keep, if any.
    fn kept(result: &R) -> Option<&Self::Kept>;
    /// The result rebuilt from a kept value.
    fn rebuild(kept: Self::Kept) -> R;
}

/// Keep the whole return value.
#[derive(Debug)]
pub struct Plain;

/// Keep the `Ok` value of a `Result`; errors are never kept.
#[derive(Debug)]
pub struct OkOnly;

impl<T: MemoValue> MemoMode<T> for Plain {
    type Kept = T;
    fn kept(result: &T) -> Option<&T> {
        Some(result)
    }
    fn rebuild(kept: T) -> T {
        kept
    }
}

impl<T: MemoValue, E> MemoMode<Result<T, E>> for OkOnly {
    type Kept = T;
    fn kept(result: &Result<T, E>) -> Option<&T> {
        result.as_ref().ok()
    }
    fn rebuild(kept: T) -> Result<T, E> {
        Ok(kept)
    }
}

/// The store of the callback running now, else the process's current one.
fn store() -> DataStore {
    crate::callback::callback_context()
        .and_then(|ctx| ctx.data_store())
        .unwrap_or_else(crate::store::current)
}

fn decode<M: MemoMode<R>, R>(bytes: &[u8]) -> Option<M::Kept> {
    M::Kept::decode_value(bytes).ok()
}

fn encode<M: MemoMode<R>, R>(result: &R, compress_above: usize) -> Option<Vec<u8>> {
    M::kept(result)?
        .encode_value(compress_above)
        .map_err(|err| tracing::warn!("memoize: the value could not be encoded: {err}"))
        .ok()
}

/// A runtime this thread may block on, and how.
enum Bridge {
    /// A multi-threaded runtime: `block_in_place` + `Handle::block_on`, on workers and
    /// blocking threads alike.
    InPlace(Handle),
    /// A blocking thread of a current-thread runtime: `Handle::block_on`.
    Direct(Handle),
}

impl Bridge {
    fn current() -> Option<Bridge> {
        let handle = Handle::try_current().ok()?;
        match handle.runtime_flavor() {
            RuntimeFlavor::MultiThread => Some(Bridge::InPlace(handle)),
            // A current-thread runtime's own thread must not block; its blocking threads
            // (Tokio's default name for them) may.
            _ if std::thread::current().name() == Some("tokio-runtime-worker") => {
                Some(Bridge::Direct(handle))
            }
            _ => None,
        }
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        match self {
            Bridge::InPlace(handle) => tokio::task::block_in_place(|| handle.block_on(fut)),
            Bridge::Direct(handle) => handle.block_on(fut),
        }
    }
}

/// Expansion helper: a memoized sync function's call. `f` runs the original body.
pub fn memo_sync<R, M: MemoMode<R>, F: FnOnce() -> R>(
    memo: &'static MemoFn,
    key: Option<String>,
    f: F,
) -> R {
    let (Some(key), Some(bridge)) = (key, Bridge::current()) else {
        return f();
    };
    let store = store();
    let compress_above = store.compression_threshold();
    // The function itself runs outside `block_on`, on this thread.
    match bridge.block_on(memo.memo(key, store).begin(decode::<M, R>)) {
        Begin::Hit(kept) => M::rebuild(kept),
        Begin::Miss(ticket) => {
            let result = f();
            bridge.block_on(ticket.finish(encode::<M, R>(&result, compress_above)));
            result
        }
    }
}

/// Expansion helper: a memoized async function's call. `fut` is the original body.
pub async fn memo_async<R, M: MemoMode<R>, Fut: Future<Output = R>>(
    memo: &'static MemoFn,
    key: Option<String>,
    fut: Fut,
) -> R {
    let Some(key) = key.filter(|_| Handle::try_current().is_ok()) else {
        return fut.await;
    };
    let store = store();
    let compress_above = store.compression_threshold();
    match memo.memo(key, store).begin(decode::<M, R>).await {
        Begin::Hit(kept) => M::rebuild(kept),
        Begin::Miss(ticket) => {
            let result = fut.await;
            ticket.finish(encode::<M, R>(&result, compress_above)).await;
            result
        }
    }
}
