//! The static description of a background callback, written by `#[callback(background = true)]`.

use serde_json::Value;

use super::dispatch::{Args, BoxFuture, CallResult};
use super::job::JobContext;
use super::CallbackError;
use crate::dependencies::{Dependency, OutputDep};

/// The job shim of a background callback: it deserialises the arguments at once (so a bad
/// value is reported when the job is requested) and returns the job, which runs only when
/// polled. The runtime calls it once on the web side to check the arguments and drops the
/// unpolled future; the worker calls it again and runs the future.
pub type JobFn = fn(Args, JobContext) -> Result<BoxFuture<'static, CallResult>, CallbackError>;

/// Everything `background = true` and its options declare.
#[derive(Debug)]
pub struct Background {
    /// The job shim.
    pub run: JobFn,
    /// Milliseconds the front end waits between one poll's answer and the next poll
    /// (`interval`, default 1000).
    pub interval_ms: u64,
    /// Outputs updated while the job runs (`progress`), in the order of the progress values.
    pub progress: &'static [OutputDep],
    /// Values the front end gives the progress outputs when the job ends or is cancelled
    /// (`progress_default`).
    pub progress_default: Option<fn() -> Vec<Value>>,
    /// Inputs that cancel a running job (`cancel`).
    pub cancel: &'static [Dependency],
    /// Result sharing between requests (`cache_by`); `None`: every request runs its own job.
    pub cache: Option<CacheSpec>,
    /// Seconds a stored result is kept (`expire`); a cached result's time restarts at each
    /// read. `None`: the manager's result TTL.
    pub expire_secs: Option<u64>,
    /// A hash of the function's source tokens: changing the function invalidates its cache.
    pub fingerprint: &'static str,
}

/// How results are shared (`cache_by` and its companions).
#[derive(Debug)]
pub struct CacheSpec {
    /// Functions whose values join the cache key (an app version, a time bucket, a user).
    pub by: &'static [fn() -> Value],
    /// Flat argument indices (inputs, then state) left out of the key (`cache_args_to_ignore`).
    pub ignore_args: &'static [usize],
    /// Whether the triggering inputs are left out of the key (`cache_ignore_triggered`,
    /// default true).
    pub ignore_triggered: bool,
}

impl Background {
    /// `progress_default` as `{"<id>.<prop>": value}`.
    pub(crate) fn progress_default_map(&self) -> Option<serde_json::Map<String, Value>> {
        let values = (self.progress_default?)();
        Some(
            self.progress
                .iter()
                .map(OutputDep::prop_id)
                .zip(values)
                .collect(),
        )
    }

    /// Progress values as `{"<id>.<prop>": value}`.
    pub(crate) fn progress_map(&self, values: Vec<Value>) -> serde_json::Map<String, Value> {
        self.progress
            .iter()
            .map(OutputDep::prop_id)
            .zip(values)
            .collect()
    }
}
