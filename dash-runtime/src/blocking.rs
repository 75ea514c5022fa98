//! The bounded pool that runs blocking user code: synchronous callbacks, layout functions,
//! page layouts and `on_error` handlers.
//!
//! Dash users write plain functions that block (a database query, a pandas-style crunch):
//! they must never run on the async workers that serve every other request. A call is first
//! *admitted* (at most `threads + queue` calls at once; beyond that the server answers 503
//! with `Retry-After`), then waits, in order, for one of `threads` slots, and runs on Tokio's
//! blocking threads holding that slot until the function returns, even when the request
//! that asked for it timed out or went away: a slot is never handed out twice.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

use crate::callback::dispatch::panic_error;
use crate::callback::CallbackError;

/// The default number of threads: eight per core, at least 8 (gunicorn's rule of thumb
/// for I/O-bound sync workers, `2-4 × cores` workers with several threads each).
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(8, |n| n.get() * 8)
        .max(8)
}

/// The default queue length beyond the running calls: 64 per thread, at least 1024 (what a
/// burst of page loads needs before answering 503 makes sense; each waiting call holds only
/// its parsed request).
pub fn default_queue(threads: usize) -> usize {
    threads.saturating_mul(64).max(1024)
}

/// A pool with `threads` concurrent calls and `queue` waiting ones.
#[derive(Debug, Clone)]
pub struct BlockingPool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    threads: usize,
    queue: usize,
    /// Calls admitted (running or waiting): `threads + queue` permits.
    admitted: Arc<Semaphore>,
    /// Calls running: `threads` permits.
    running: Arc<Semaphore>,
}

/// The pool is full: every thread is busy and the queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("every callback thread is busy and the queue is full")]
pub struct PoolFull;

/// A call admitted to the pool; [`Admission::run`] runs it.
#[derive(Debug)]
pub struct Admission {
    pool: BlockingPool,
    permit: Option<OwnedSemaphorePermit>,
}

impl BlockingPool {
    /// A pool of `threads` (at least 1) running calls and `queue` waiting ones.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use dash_runtime::blocking::BlockingPool;
    ///
    /// let pool = BlockingPool::new(2, 8);
    /// let answer = pool.try_admit().unwrap().run(|| 6 * 7).await;
    /// assert_eq!(answer.unwrap(), 42);
    /// # }
    /// ```
    pub fn new(threads: usize, queue: usize) -> Self {
        let threads = threads.max(1);
        BlockingPool {
            inner: Arc::new(Inner {
                threads,
                queue,
                admitted: Arc::new(Semaphore::new(threads.saturating_add(queue))),
                running: Arc::new(Semaphore::new(threads)),
            }),
        }
    }

    /// How many calls run at once.
    pub fn threads(&self) -> usize {
        self.inner.threads
    }

    /// How many calls may wait beyond the running ones.
    pub fn queue(&self) -> usize {
        self.inner.queue
    }

    /// Calls running now.
    pub fn busy(&self) -> usize {
        self.inner.threads - self.inner.running.available_permits()
    }

    /// Calls admitted and waiting for a thread.
    pub fn waiting(&self) -> usize {
        let admitted =
            self.inner.threads + self.inner.queue - self.inner.admitted.available_permits();
        admitted.saturating_sub(self.busy())
    }

    /// Admit a call, or refuse it when the pool and its queue are full.
    pub fn try_admit(&self) -> Result<Admission, PoolFull> {
        match self.inner.admitted.clone().try_acquire_owned() {
            Ok(permit) => Ok(Admission {
                pool: self.clone(),
                permit: Some(permit),
            }),
            Err(TryAcquireError::NoPermits | TryAcquireError::Closed) => Err(PoolFull),
        }
    }

    /// Admit a call, waiting for room instead of refusing (for work that belongs to a call
    /// already accepted, such as its `on_error` handler).
    pub async fn admit(&self) -> Admission {
        // The semaphore is never closed, so this always holds a permit.
        let permit = self.inner.admitted.clone().acquire_owned().await.ok();
        Admission {
            pool: self.clone(),
            permit,
        }
    }

    fn report(&self) {
        crate::observability::pool_state(self.busy(), self.waiting());
    }
}

impl Admission {
    /// Wait for a thread (in order of arrival), then run `f` there. A panic becomes
    /// [`CallbackError::Panic`]. Dropping the returned future before `f` starts gives the
    /// place back; once `f` started, its slot stays taken until `f` returns.
    pub async fn run<R, F>(self, f: F) -> Result<R, CallbackError>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        let Admission { pool, permit } = self;
        let slot = match pool.inner.running.clone().acquire_owned().await {
            Ok(slot) => slot,
            Err(_) => return Err(CallbackError::Panic("the callback pool was closed".into())),
        };
        pool.report();
        let reporter = pool.clone();
        let task = tokio::task::spawn_blocking(move || {
            let result = f();
            drop((slot, permit));
            reporter.report();
            result
        });
        match task.await {
            Ok(value) => Ok(value),
            Err(err) if err.is_panic() => {
                pool.report();
                Err(panic_error(&*err.into_panic()))
            }
            Err(_) => Err(CallbackError::Panic(
                "the callback's thread was stopped".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn full_pool_refuses_and_recovers() {
        let pool = BlockingPool::new(1, 1);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let first = pool.try_admit().expect("room for the first call");
        let running = tokio::spawn(first.run(move || rx.recv().is_ok()));
        let second = pool.try_admit().expect("room in the queue");
        assert_eq!(pool.try_admit().err(), Some(PoolFull));
        let queued = tokio::spawn(second.run(|| 2));
        for _ in 0..200 {
            if pool.busy() == 1 && pool.waiting() == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!((pool.busy(), pool.waiting()), (1, 1));
        tx.send(()).expect("the first call waits");
        assert!(running.await.expect("joined").expect("ran"));
        assert_eq!(queued.await.expect("joined").expect("ran"), 2);
        assert!(pool.try_admit().is_ok());
    }

    #[tokio::test]
    async fn panics_are_errors_and_free_the_slot() {
        let pool = BlockingPool::new(1, 0);
        let err = pool
            .try_admit()
            .expect("room")
            .run(|| -> u32 { panic!("boom") })
            .await
            .expect_err("a panic");
        assert!(matches!(err, CallbackError::Panic(m) if m == "boom"));
        assert_eq!(
            pool.try_admit().expect("room").run(|| 1).await.ok(),
            Some(1)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slot_stays_taken_until_the_function_returns() {
        let pool = BlockingPool::new(1, 0);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let call = pool
            .try_admit()
            .expect("room")
            .run(move || rx.recv().is_ok());
        // The caller gives up (a timeout) while the function still runs.
        let _ = tokio::time::timeout(Duration::from_millis(50), call).await;
        assert_eq!(pool.try_admit().err(), Some(PoolFull));
        tx.send(()).expect("still running");
        for _ in 0..200 {
            if pool.try_admit().is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the slot was not given back");
    }
}
