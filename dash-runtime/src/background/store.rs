//! The storage interface both managers implement.
//!
//! The web side creates, polls and cancels jobs; the job side (the embedded manager's own
//! tasks, or Redis workers) writes progress, `set_props` calls and the outcome. Every job-side
//! write names the attempt that makes it and is refused unless that attempt is the job's
//! latest and the job still runs: a stale attempt never overwrites a newer one, and nothing
//! is written for a cancelled job.

use serde_json::{Map, Value};

use super::record::{JobInfo, JobPayload, Outcome, PollRead};
use super::BackgroundError;
use crate::callback::dispatch::BoxFuture;

/// A store operation's future.
pub(crate) type StoreFuture<'a, T> = BoxFuture<'a, Result<T, BackgroundError>>;

/// `set_props` calls as the JSON text both managers store, one entry per call.
pub(crate) fn encode_side_updates(calls: Vec<(String, Map<String, Value>)>) -> Vec<String> {
    calls
        .into_iter()
        .filter_map(|call| serde_json::to_string(&call).ok())
        .collect()
}

/// The JSON a store keeps for a job's payload: request headers are dropped except those on
/// the manager's allow-list (`keep_headers`; names in lower case), so nothing like a cookie
/// or an authorization header is written to disk or Redis unless the app asks for it.
pub(crate) fn payload_at_rest(
    payload: &JobPayload,
    keep_headers: &[String],
) -> Result<String, BackgroundError> {
    let mut kept = payload.clone();
    kept.headers
        .retain(|(name, _)| keep_headers.iter().any(|k| k.eq_ignore_ascii_case(name)));
    serde_json::to_string(&kept).map_err(|e| BackgroundError::Corrupt(e.to_string()))
}

/// A job to create.
#[derive(Debug, Clone)]
pub(crate) struct NewJob {
    pub id: String,
    pub payload: JobPayload,
    /// The cache key, for `cache_by` callbacks.
    pub cache_key: Option<String>,
    /// How long the job's records (and a cached result) are kept, in milliseconds.
    pub ttl_ms: i64,
}

/// A job a worker took, with the attempt number that fences its writes.
#[derive(Debug, Clone)]
pub(crate) struct Claim {
    pub id: String,
    pub attempt: u32,
    /// Earlier attempts handed over by a stopping process: they do not count as failures.
    pub released: u32,
    pub payload: JobPayload,
    pub cache_key: Option<String>,
    pub ttl_ms: i64,
}

impl Claim {
    /// Whether the job was started too often without finishing (its processes kept dying):
    /// attempts handed over at shutdown do not count.
    pub(crate) fn exhausted(&self, max_attempts: u32) -> bool {
        self.attempt.saturating_sub(self.released) > max_attempts
    }
}

/// Storage of jobs, progress, `set_props` calls, results and the result cache.
pub(crate) trait Store: Send + Sync + 'static {
    /// The secret that signs job handles, shared by every process using this store (the
    /// first process to ask creates it).
    fn shared_secret(&self) -> StoreFuture<'_, Vec<u8>>;

    /// A cached outcome, its expiry restarted.
    fn cached(&self, key: &str, ttl_ms: i64) -> StoreFuture<'_, Option<Outcome>>;

    /// Create a job and queue it (or, for the embedded manager, start it here).
    fn submit(&self, job: NewJob) -> StoreFuture<'_, ()>;

    /// Create a job that is already done: a cache hit, delivered by the first poll.
    fn submit_done(&self, job: NewJob, outcome: Outcome) -> StoreFuture<'_, ()>;

    /// Read a job of `callback` for a poll, taking its result and pending `set_props` calls.
    fn poll<'a>(&'a self, id: &'a str, callback: &'a str) -> StoreFuture<'a, PollRead>;

    /// Cancel a queued or running job; `false` when it was not pending.
    fn cancel<'a>(&'a self, id: &'a str) -> StoreFuture<'a, bool>;

    /// What is known about a job.
    fn info<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<JobInfo>>;

    /// Store the latest progress (fenced).
    fn write_progress<'a>(&'a self, claim: &'a Claim, values: Vec<Value>) -> StoreFuture<'a, bool>;

    /// Append `set_props` calls (fenced).
    fn push_side_updates<'a>(
        &'a self,
        claim: &'a Claim,
        calls: Vec<(String, Map<String, Value>)>,
    ) -> StoreFuture<'a, bool>;

    /// Store the outcome and, for a cached callback, the cache entry (fenced).
    fn finish<'a>(&'a self, claim: &'a Claim, outcome: &'a Outcome) -> StoreFuture<'a, bool>;

    /// Stop taking jobs in this process and give the running ones back to the queue at once
    /// (shutdown); returns how many were given back. Web processes of the Redis manager run
    /// no jobs: nothing to do.
    fn hand_over(&self) -> StoreFuture<'_, usize> {
        Box::pin(async { Ok(0) })
    }

    /// Jobs waiting for a worker now (queued, not started).
    fn queue_depth(&self) -> StoreFuture<'_, u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_headers_are_kept() {
        let payload = JobPayload {
            callback: "out.children".into(),
            values: Vec::new(),
            inputs_list: Vec::new(),
            states_list: Vec::new(),
            outputs_list: Value::Null,
            changed_prop_ids: Vec::new(),
            headers: vec![
                ("cookie".into(), "session=secret".into()),
                ("authorization".into(), "Bearer secret".into()),
                ("x-user".into(), "ada".into()),
                ("accept".into(), "*/*".into()),
            ],
            query: Vec::new(),
            path: "/".into(),
        };
        let none = payload_at_rest(&payload, &[]).unwrap_or_default();
        assert!(!none.contains("secret") && !none.contains("ada"), "{none}");
        let some = payload_at_rest(&payload, &["X-User".to_owned()]).unwrap_or_default();
        assert!(some.contains("ada") && !some.contains("secret"), "{some}");
    }
}
