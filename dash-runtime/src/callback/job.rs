//! What a running job holds: its progress setter, its cancel token and the buffer its reports
//! (`set_props` calls and progress) travel through to the store.
//!
//! The buffer is bounded. Progress is one slot (the latest value wins). `set_props` calls wait
//! in a queue of at most [`MAX_PENDING_CALLS`]; when it is full, the queued calls are first
//! coalesced (calls on the same id merge, later properties win — what a poll delivers anyway),
//! and if that frees nothing the job waits until the store has taken the queue. A job on a
//! current-thread runtime cannot wait without stopping the writer; its queue then holds at
//! most one merged call per id.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::{watch, Notify};

use super::dispatch::panic_error;
use super::{callback_context, sync_scope, CallbackError};

/// How many `set_props` calls of one job may wait for the store before the job waits.
pub const MAX_PENDING_CALLS: usize = 256;

/// What a job reported and the store has not taken yet.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The latest progress values, one per progress output.
    pub progress: Option<Vec<Value>>,
    /// `set_props` calls in call order: the stringified id and the properties.
    pub calls: Vec<(String, Map<String, Value>)>,
}

impl Batch {
    pub(crate) fn is_empty(&self) -> bool {
        self.progress.is_none() && self.calls.is_empty()
    }
}

#[derive(Default)]
struct Pending {
    progress: Option<Vec<Value>>,
    calls: VecDeque<(String, Map<String, Value>)>,
    /// The job ended: the writer takes what is left and stops.
    ended: bool,
    /// The writer stopped: reports have nowhere to go.
    closed: bool,
}

/// The bounded buffer between a running job and the task that writes its reports.
#[derive(Default)]
pub(crate) struct Reports {
    pending: Mutex<Pending>,
    /// Wakes the writer.
    ready: Notify,
    /// Wakes a job waiting for room.
    room: Condvar,
}

impl Reports {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn progress(&self, values: Vec<Value>) {
        let mut pending = self.lock();
        if pending.closed {
            return;
        }
        pending.progress = Some(values);
        drop(pending);
        self.ready.notify_one();
    }

    fn call(&self, id: String, props: Map<String, Value>) {
        let mut pending = self.lock();
        if pending.calls.len() >= MAX_PENDING_CALLS {
            coalesce(&mut pending.calls);
        }
        if pending.calls.len() >= MAX_PENDING_CALLS && may_block() {
            self.ready.notify_one();
            pending = tokio::task::block_in_place(|| {
                self.room
                    .wait_while(pending, |p| !p.closed && p.calls.len() >= MAX_PENDING_CALLS)
                    .unwrap_or_else(PoisonError::into_inner)
            });
        }
        if pending.closed {
            return;
        }
        pending.calls.push_back((id, props));
        drop(pending);
        self.ready.notify_one();
    }

    /// The job ended: the writer writes what is left, then stops.
    pub(crate) fn end(&self) {
        self.lock().ended = true;
        self.ready.notify_one();
    }

    /// Writer side: the next batch, waiting for one; `None` once the job ended and everything
    /// was taken (the buffer is then closed).
    pub(crate) async fn next(&self) -> Option<Batch> {
        loop {
            {
                let mut pending = self.lock();
                if pending.closed {
                    return None;
                }
                let batch = Batch {
                    progress: pending.progress.take(),
                    calls: pending.calls.drain(..).collect(),
                };
                if !batch.is_empty() {
                    drop(pending);
                    self.room.notify_all();
                    return Some(batch);
                }
                if pending.ended {
                    pending.closed = true;
                    drop(pending);
                    self.room.notify_all();
                    return None;
                }
            }
            self.ready.notified().await;
        }
    }

    /// Stop for good: the writer stops, and whatever the job reports later is dropped.
    pub(crate) fn close(&self) {
        let mut pending = self.lock();
        pending.closed = true;
        pending.calls.clear();
        pending.progress = None;
        drop(pending);
        self.room.notify_all();
        self.ready.notify_one();
    }
}

/// Whether this thread may wait: not on a current-thread runtime (whose only thread also runs
/// the writer).
fn may_block() -> bool {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread,
        Err(_) => true,
    }
}

/// Merge queued calls per id (later properties win), keeping the order in which ids first
/// appear.
fn coalesce(calls: &mut VecDeque<(String, Map<String, Value>)>) {
    let mut merged: Vec<(String, Map<String, Value>)> = Vec::with_capacity(calls.len());
    for (id, props) in calls.drain(..) {
        match merged.iter_mut().find(|(seen, _)| *seen == id) {
            Some((_, existing)) => existing.extend(props),
            None => merged.push((id, props)),
        }
    }
    calls.extend(merged);
}

/// The job's side of a background callback: handed to the job shim by the runtime.
#[derive(Clone)]
pub struct JobContext {
    inner: Arc<JobInner>,
}

struct JobInner {
    token: CancelToken,
    reports: Option<Arc<Reports>>,
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
    pub(crate) fn new(token: CancelToken, reports: Arc<Reports>, progress_len: usize) -> Self {
        JobContext {
            inner: Arc::new(JobInner {
                token,
                reports: Some(reports),
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
                reports: None,
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

    /// Queue one `set_props` call. Waits while [`MAX_PENDING_CALLS`] calls are queued and
    /// cannot be coalesced (see the module docs).
    pub(crate) fn set_props(&self, id: String, props: Map<String, Value>) {
        if let Some(reports) = &self.inner.reports {
            reports.call(id, props);
        }
    }

    fn set_progress(&self, values: Vec<Value>) {
        if let Some(reports) = &self.inner.reports {
            reports.progress(values);
        }
    }
}

/// The progress setter of a background callback with `progress = [..]`: the callback's first
/// parameter. `T` is one value for a single progress output, or a tuple (or list) with one
/// value per output.
///
/// The latest value is stored (values set faster than the store takes them are coalesced);
/// a poll delivers it, and reading never removes it.
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
        self.job.set_progress(values);
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
        let reports = Arc::new(Reports::default());
        let job = JobContext::new(CancelToken::new(), reports.clone(), 2);
        job.progress::<(u32, u32)>().set((3, 10));
        job.progress::<u32>().set(3); // wrong shape: ignored
        let batch = reports.next().await.unwrap_or_default();
        assert_eq!(batch.progress, Some(vec![json!(3), json!(10)]));
        let one = JobContext::new(CancelToken::new(), reports.clone(), 1);
        one.progress::<Vec<u32>>().set(vec![1, 2]);
        one.progress::<Vec<u32>>().set(vec![3]); // the latest value wins
        reports.end();
        let batch = reports.next().await.unwrap_or_default();
        assert_eq!(batch.progress, Some(vec![json!([3])]));
        assert!(reports.next().await.is_none());
    }

    fn props(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_call_arrives_in_order_and_the_queue_stays_bounded() {
        let reports = Arc::new(Reports::default());
        let job = JobContext::new(CancelToken::new(), reports.clone(), 0);
        let total = 10 * MAX_PENDING_CALLS;
        let sender = tokio::task::spawn_blocking(move || {
            for i in 0..total {
                // Distinct ids: nothing can be coalesced, so the job has to wait.
                job.set_props(format!("id{i}"), props(json!({"n": i})));
            }
        });
        let mut seen = Vec::new();
        let mut largest = 0;
        while seen.len() < total {
            tokio::time::sleep(Duration::from_millis(1)).await;
            let Some(batch) = reports.next().await else {
                break;
            };
            largest = largest.max(batch.calls.len());
            seen.extend(batch.calls);
        }
        assert!(sender.await.is_ok());
        assert!(largest <= MAX_PENDING_CALLS, "{largest} calls were queued");
        let expected: Vec<String> = (0..total).map(|i| format!("id{i}")).collect();
        let ids: Vec<String> = seen.into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, expected);
    }

    #[tokio::test]
    async fn a_full_queue_coalesces_calls_on_the_same_id() {
        let reports = Arc::new(Reports::default());
        let job = JobContext::new(CancelToken::new(), reports.clone(), 0);
        // A current-thread runtime cannot wait: the queue coalesces instead.
        for i in 0..(3 * MAX_PENDING_CALLS) {
            job.set_props(format!("id{}", i % 2), props(json!({"n": i, "k": i % 3})));
        }
        let batch = reports.next().await.unwrap_or_default();
        assert!(batch.calls.len() <= MAX_PENDING_CALLS);
        let last: Vec<(String, Value)> = batch
            .calls
            .iter()
            .rev()
            .take(2)
            .map(|(id, p)| (id.clone(), Value::Object(p.clone())))
            .collect();
        let n = 3 * MAX_PENDING_CALLS;
        assert_eq!(
            last,
            vec![
                ("id1".to_owned(), json!({"n": n - 1, "k": (n - 1) % 3})),
                ("id0".to_owned(), json!({"n": n - 2, "k": (n - 2) % 3})),
            ]
        );
    }

    #[tokio::test]
    async fn a_closed_buffer_drops_reports() {
        let reports = Arc::new(Reports::default());
        let job = JobContext::new(CancelToken::new(), reports.clone(), 1);
        reports.close();
        job.set_props("a".into(), props(json!({"x": 1})));
        job.progress::<u32>().set(1);
        reports.end();
        assert!(reports.next().await.is_none());
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
