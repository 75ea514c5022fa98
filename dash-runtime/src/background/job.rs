//! What a running job holds: its progress setter, its cancel token and the channel its
//! `set_props` calls travel through.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch};

use crate::callback::dispatch::panic_error;
use crate::callback::{callback_context, sync_scope, CallbackError};

/// Something a job reported, in the order it reported it.
#[derive(Debug)]
pub(crate) enum JobEvent {
    /// New progress values, one per progress output.
    Progress(Vec<Value>),
    /// One `set_props` call: the stringified id and the properties.
    SetProps(String, Map<String, Value>),
    /// The job ended: write what came before, then stop.
    End,
}

/// The job's side of a background callback: handed to the job shim by the runtime.
#[derive(Clone)]
pub struct JobContext {
    inner: Arc<JobInner>,
}

struct JobInner {
    token: CancelToken,
    events: Option<mpsc::UnboundedSender<JobEvent>>,
    progress_len: usize,
}

impl std::fmt::Debug for JobContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobContext")
            .field("cancelled", &self.inner.token.is_cancelled())
            .field("progress_len", &self.inner.progress_len)
            .finish()
    }
}

impl JobContext {
    pub(crate) fn new(
        token: CancelToken,
        events: mpsc::UnboundedSender<JobEvent>,
        progress_len: usize,
    ) -> Self {
        JobContext {
            inner: Arc::new(JobInner {
                token,
                events: Some(events),
                progress_len,
            }),
        }
    }

    /// A context that reports nowhere: used to check a request's arguments without running
    /// the job.
    pub(crate) fn detached(progress_len: usize) -> Self {
        JobContext {
            inner: Arc::new(JobInner {
                token: CancelToken::new(),
                events: None,
                progress_len,
            }),
        }
    }

    /// The progress setter for the job's `progress` outputs.
    pub fn progress<T>(&self) -> Progress<T> {
        Progress {
            job: self.clone(),
            _value: PhantomData,
        }
    }

    /// The job's cancel token.
    pub fn cancel_token(&self) -> CancelToken {
        self.inner.token.clone()
    }

    fn send(&self, event: JobEvent) {
        if let Some(tx) = &self.inner.events {
            // The receiver lives until the job's outcome is stored; a failed send means the
            // job was abandoned (cancelled or superseded), so the event has nowhere to go.
            let _ = tx.send(event);
        }
    }

    pub(crate) fn set_props(&self, id: String, props: Map<String, Value>) {
        self.send(JobEvent::SetProps(id, props));
    }
}

/// The progress setter of a background callback with `progress = [..]`: the callback's first
/// parameter. `T` is one value for a single progress output, or a tuple (or list) with one
/// value per output.
///
/// Every value set is stored; a poll delivers the latest one (reading never removes it).
///
/// ```no_run
/// use dash_runtime::prelude::*;
///
/// #[callback(
///     output = Output("result", "children"),
///     inputs = [Input("run", "n_clicks")],
///     background = true,
///     progress = [Output("bar", "value"), Output("bar", "max")],
///     prevent_initial_call = true,
/// )]
/// async fn crunch(progress: Progress<(u32, u32)>, _n: Option<u64>) -> Result<String, Cancelled> {
///     for step in 1..=10 {
///         progress.sleep(std::time::Duration::from_millis(200)).await?;
///         progress.set((step, 10));
///     }
///     Ok("done".into())
/// }
/// ```
pub struct Progress<T> {
    job: JobContext,
    _value: PhantomData<fn(T)>,
}

impl<T> Clone for Progress<T> {
    fn clone(&self) -> Self {
        Progress {
            job: self.job.clone(),
            _value: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Progress<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress").field("job", &self.job).finish()
    }
}

impl<T: Serialize> Progress<T> {
    /// Report progress. A value that does not serialise, or a list whose length differs
    /// from the number of progress outputs, is logged and ignored.
    pub fn set(&self, value: T) {
        let value = match serde_json::to_value(value) {
            Ok(v) => v,
            Err(err) => {
                tracing::error!(%err, "progress value could not be serialised; ignored");
                return;
            }
        };
        let n = self.job.inner.progress_len;
        let values = match value {
            v if n == 1 => vec![v],
            Value::Array(items) if items.len() == n => items,
            other => {
                tracing::error!(
                    value = %other,
                    "progress needs {n} values (one per progress output); ignored"
                );
                return;
            }
        };
        self.job.send(JobEvent::Progress(values));
    }
}

impl<T> Progress<T> {
    /// Whether the job was cancelled (by a cancel input, a newer run, or the manager).
    pub fn is_cancelled(&self) -> bool {
        self.job.inner.token.is_cancelled()
    }

    /// The job's cancel token.
    pub fn cancel_token(&self) -> CancelToken {
        self.job.cancel_token()
    }

    /// Sleep, waking early with `Err(Cancelled)` when the job is cancelled.
    pub async fn sleep(&self, duration: Duration) -> Result<(), Cancelled> {
        self.job.inner.token.sleep(duration).await
    }

    /// Blocking sleep for synchronous jobs, waking early with `Err(Cancelled)`.
    pub fn sleep_blocking(&self, duration: Duration) -> Result<(), Cancelled> {
        self.job.inner.token.sleep_blocking(duration)
    }
}

/// A job was cancelled. Returning it from a job ends it; a cancelled job's outputs are never
/// updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, thiserror::Error)]
#[error("the job was cancelled")]
pub struct Cancelled;

impl From<Cancelled> for CallbackError {
    fn from(_: Cancelled) -> Self {
        CallbackError::PreventUpdate
    }
}

/// Cooperative cancellation of one job: check it, sleep on it or await it.
///
/// Cancellation never kills a thread or a process: an `async` job is dropped at its next
/// `.await` once cancelled, and a synchronous job stops when it next checks its token (or
/// the result it eventually returns is discarded).
#[derive(Clone)]
pub struct CancelToken {
    inner: Arc<TokenInner>,
}

struct TokenInner {
    flag: AtomicBool,
    watch: watch::Sender<bool>,
    blocking: Mutex<bool>,
    wake: Condvar,
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        let (watch, _) = watch::channel(false);
        CancelToken {
            inner: Arc::new(TokenInner {
                flag: AtomicBool::new(false),
                watch,
                blocking: Mutex::new(false),
                wake: Condvar::new(),
            }),
        }
    }

    /// Cancel: every waiter wakes up.
    pub fn cancel(&self) {
        if self.inner.flag.swap(true, Ordering::SeqCst) {
            return;
        }
        self.inner.watch.send_replace(true);
        *self
            .inner
            .blocking
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = true;
        self.inner.wake.notify_all();
    }

    /// Whether the job was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.inner.flag.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` once cancelled: `token.check()?` in a loop.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Completes when the job is cancelled.
    pub async fn cancelled(&self) {
        let mut rx = self.inner.watch.subscribe();
        // The sender lives as long as `self`, so this only ends when the flag is set.
        let _ = rx.wait_for(|cancelled| *cancelled).await;
    }

    /// Sleep, waking early with `Err(Cancelled)`.
    pub async fn sleep(&self, duration: Duration) -> Result<(), Cancelled> {
        self.check()?;
        tokio::select! {
            _ = tokio::time::sleep(duration) => self.check(),
            _ = self.cancelled() => Err(Cancelled),
        }
    }

    /// Blocking sleep (for synchronous jobs), waking early with `Err(Cancelled)`.
    pub fn sleep_blocking(&self, duration: Duration) -> Result<(), Cancelled> {
        let guard = self
            .inner
            .blocking
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .inner
            .wake
            .wait_timeout_while(guard, duration, |cancelled| !*cancelled)
            .unwrap_or_else(PoisonError::into_inner);
        if *guard {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// The cancel token of the background job running now (`None` outside a job): for jobs
/// that have no `Progress` parameter.
///
/// ```
/// // Outside a background job there is none.
/// assert!(dash_runtime::background::cancel_token().is_none());
/// ```
pub fn cancel_token() -> Option<CancelToken> {
    callback_context().and_then(|ctx| ctx.job.as_ref().map(JobContext::cancel_token))
}

/// Shim helper: run a synchronous job on Tokio's blocking pool with the callback context
/// (so `set_props`, `callback_context()` and [`cancel_token`] work inside it). A panic
/// becomes [`CallbackError::Panic`].
pub async fn run_blocking<R, F>(f: F) -> Result<R, CallbackError>
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let ctx = callback_context();
    let task = tokio::task::spawn_blocking(move || match ctx {
        Some(ctx) => sync_scope(ctx, f),
        None => f(),
    });
    match task.await {
        Ok(value) => Ok(value),
        Err(err) if err.is_panic() => Err(panic_error(&*err.into_panic())),
        Err(_) => Err(CallbackError::Panic("the job's thread was stopped".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn progress_values_are_shaped_per_output() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let job = JobContext::new(CancelToken::new(), tx, 2);
        job.progress::<(u32, u32)>().set((3, 10));
        job.progress::<u32>().set(3); // wrong shape: ignored
        let one = JobContext::new(CancelToken::new(), job.inner.events.clone().unwrap(), 1);
        one.progress::<Vec<u32>>().set(vec![1, 2]);
        drop((job, one));
        let mut seen = Vec::new();
        while let Some(JobEvent::Progress(v)) = rx.recv().await {
            seen.push(Value::Array(v));
        }
        assert_eq!(seen, vec![json!([3, 10]), json!([[1, 2]])]);
    }

    #[tokio::test]
    async fn cancel_wakes_sleepers() {
        let token = CancelToken::new();
        let t2 = token.clone();
        let sleeper = tokio::spawn(async move { t2.sleep(Duration::from_secs(3600)).await });
        let t3 = token.clone();
        let blocking =
            tokio::task::spawn_blocking(move || t3.sleep_blocking(Duration::from_secs(3600)));
        tokio::task::yield_now().await;
        token.cancel();
        assert_eq!(sleeper.await.ok(), Some(Err(Cancelled)));
        assert_eq!(blocking.await.ok(), Some(Err(Cancelled)));
        assert!(token.check().is_err());
        token.cancelled().await;
    }
}
