//! Metrics and tracing: every metric name of the runtime, and the small helpers the rest of
//! the code calls.
//!
//! Metrics go through the [`metrics`] facade. Until an app turns on its metrics route
//! ([`Dash::metrics`](crate::Dash::metrics)) no recorder is installed and every helper here is
//! a no-op costing a few loads. The Prometheus recorder is installed once per process; several
//! apps in one process share it (and so share their numbers).
//!
//! | metric | kind | labels |
//! | --- | --- | --- |
//! | `dash_callback_calls_total` | counter | `callback`, `status`, `outcome` |
//! | `dash_callback_errors_total` | counter | `callback` |
//! | `dash_callback_duration_seconds` | histogram | `callback` |
//! | `dash_blocking_pool_busy` | gauge | |
//! | `dash_blocking_pool_queued` | gauge | |
//! | `dash_background_queue_depth` | gauge | |
//! | `dash_http_connections_open` | gauge | |
//! | `dash_store_hits_total` | counter | `kind` |
//! | `dash_store_misses_total` | counter | `kind` |
//! | `dash_store_evictions_total` | counter | `reason` (`memory_budget`, `expired`) |
//! | `dash_store_bytes` | gauge | |
//! | `dash_memo_hits_total` | counter | `kind`, `name` |
//! | `dash_memo_misses_total` | counter | `kind`, `name` |
//! | `dash_memo_waits_total` | counter | `kind`, `name` |
//! | `dash_websockets_open` | gauge | |
//! | `dash_websocket_calls_running` | gauge | |
//! | `dash_websocket_frames_rejected_total` | counter | `reason` (`malformed`, `binary`, `busy`) |

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::callback::spec::CallbackSpec;

/// Callback calls, by callback, HTTP status and outcome (`ok`, `prevented`, `rejected`, `error`).
pub(crate) const CALLBACK_CALLS: &str = "dash_callback_calls_total";
/// Callback calls that failed on the server side (status 500 and up).
pub(crate) const CALLBACK_ERRORS: &str = "dash_callback_errors_total";
/// Time from parsed request to answer, per callback.
pub(crate) const CALLBACK_DURATION: &str = "dash_callback_duration_seconds";
/// Blocking-pool threads running a callback now.
pub(crate) const POOL_BUSY: &str = "dash_blocking_pool_busy";
/// Callback calls waiting for a blocking-pool thread.
pub(crate) const POOL_QUEUED: &str = "dash_blocking_pool_queued";
/// Background jobs waiting in the queue.
pub(crate) const BACKGROUND_QUEUE_DEPTH: &str = "dash_background_queue_depth";
/// Open HTTP connections.
pub(crate) const CONNECTIONS_OPEN: &str = "dash_http_connections_open";

/// Data store reads that found a value, by kind (`serverside`, `memo`, `session`, `raw`).
pub(crate) const STORE_HITS: &str = "dash_store_hits_total";
/// Data store reads that found none, by kind.
pub(crate) const STORE_MISSES: &str = "dash_store_misses_total";
/// Values dropped from the data store, by `reason`: `memory_budget` (the embedded store's
/// memory tier made room; the value stays in its SQLite file) or `expired` (rows past their
/// TTL deleted from the SQLite file). Redis expires and evicts keys itself; its own
/// `INFO stats` (`expired_keys`, `evicted_keys`) counts those.
pub(crate) const STORE_EVICTIONS: &str = "dash_store_evictions_total";
/// Bytes held in the data store's memory tier.
pub(crate) const STORE_BYTES: &str = "dash_store_bytes";

/// Memoized calls answered from the store (or shared by a concurrent identical call), by
/// `kind` (`callback`, `function`) and `name`.
pub(crate) const MEMO_HITS: &str = "dash_memo_hits_total";
/// Memoized calls not found in the store.
pub(crate) const MEMO_MISSES: &str = "dash_memo_misses_total";
/// Memoized calls that waited for an identical call under way (single flight).
pub(crate) const MEMO_WAITS: &str = "dash_memo_waits_total";

/// Histogram buckets for callback latency, in seconds (1 ms to 60 s).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// How often histogram samples are folded into buckets when nobody scrapes (keeps memory flat).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// A status code as a label value without allocating.
fn status_label(status: u16) -> &'static str {
    let exact = match status {
        200 => Some("200"),
        204 => Some("204"),
        400 => Some("400"),
        404 => Some("404"),
        408 => Some("408"),
        413 => Some("413"),
        422 => Some("422"),
        500 => Some("500"),
        503 => Some("503"),
        504 => Some("504"),
        _ => None,
    };
    exact.unwrap_or(match status / 100 {
        2 => "2xx",
        4 => "4xx",
        5 => "5xx",
        _ => "other",
    })
}

/// The outcome label of a callback answer's status.
fn outcome_label(status: u16) -> &'static str {
    match status {
        204 => "prevented",
        200..=299 => "ok",
        400..=499 => "rejected",
        _ => "error",
    }
}

/// Record one finished callback call: its answer's HTTP status and how long it took.
///
/// `204` counts as `prevented` (nothing to update), other 2xx as `ok`, 4xx as `rejected`
/// (a bad request) and 5xx as `error` (also counted in `dash_callback_errors_total`).
pub(crate) fn callback_finished(name: &'static str, status: u16, elapsed: Duration) {
    metrics::counter!(
        CALLBACK_CALLS,
        "callback" => name,
        "status" => status_label(status),
        "outcome" => outcome_label(status),
    )
    .increment(1);
    if status >= 500 {
        metrics::counter!(CALLBACK_ERRORS, "callback" => name).increment(1);
    }
    metrics::histogram!(CALLBACK_DURATION, "callback" => name).record(elapsed.as_secs_f64());
}

/// The blocking pool's state now: threads running a callback, and calls waiting for one.
pub(crate) fn pool_state(busy: usize, queued: usize) {
    metrics::gauge!(POOL_BUSY).set(busy as f64);
    metrics::gauge!(POOL_QUEUED).set(queued as f64);
}

/// Background jobs waiting in the queue now.
#[allow(dead_code)] // called by the background managers as they report their queue
pub(crate) fn background_queue_depth(n: u64) {
    metrics::gauge!(BACKGROUND_QUEUE_DEPTH).set(n as f64);
}

/// Open HTTP connections now.
pub(crate) fn connections_open(n: usize) {
    metrics::gauge!(CONNECTIONS_OPEN).set(n as f64);
}

/// One data store read of `kind` (`serverside`, `memo`, `session`, `raw`): a hit or a miss.
pub(crate) fn store_lookup(kind: &'static str, hit: bool) {
    let name = if hit { STORE_HITS } else { STORE_MISSES };
    metrics::counter!(name, "kind" => kind).increment(1);
}

/// Why values left the data store (see [`STORE_EVICTIONS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Eviction {
    /// Dropped from the memory tier to keep its byte budget.
    MemoryBudget,
    /// Deleted from the SQLite file after its TTL.
    Expired,
}

/// `n` values left the data store for `reason`.
pub(crate) fn store_evictions(reason: Eviction, n: u64) {
    let reason = match reason {
        Eviction::MemoryBudget => "memory_budget",
        Eviction::Expired => "expired",
    };
    metrics::counter!(STORE_EVICTIONS, "reason" => reason).increment(n);
}

/// Bytes held in the data store's memory tier now.
pub(crate) fn store_memory_bytes(bytes: usize) {
    metrics::gauge!(STORE_BYTES).set(bytes as f64);
}

/// A memoized call of `kind` (`callback`, `function`) answered from the store.
pub(crate) fn memo_hit(kind: &'static str, name: &'static str) {
    metrics::counter!(MEMO_HITS, "kind" => kind, "name" => name).increment(1);
}

/// A memoized call whose value was not in the store.
pub(crate) fn memo_miss(kind: &'static str, name: &'static str) {
    metrics::counter!(MEMO_MISSES, "kind" => kind, "name" => name).increment(1);
}

/// A memoized call that waited for an identical call under way, here or in another process.
pub(crate) fn memo_wait(kind: &'static str, name: &'static str) {
    metrics::counter!(MEMO_WAITS, "kind" => kind, "name" => name).increment(1);
}

/// The tracing span of one callback call: the Rust function's name and where it is declared.
///
/// Enter it (or `.instrument(..)` the future) around the call so that log lines of the
/// callback carry `callback=... at=file:line`.
pub(crate) fn callback_span(spec: &CallbackSpec) -> tracing::Span {
    tracing::info_span!(
        "callback",
        callback = spec.name,
        file = spec.file,
        line = spec.line
    )
}

/// Why the metrics route cannot render.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum MetricsError {
    /// Another metrics recorder was installed in this process first (by the program itself).
    #[error("another metrics recorder is installed in this process; its exporter has the numbers")]
    OtherRecorder,
}

/// The process-wide Prometheus recorder, installed on first use.
///
/// Safe to call from several apps: the first call installs it, later calls share it. When the
/// program installed a recorder of its own first, this is an error and the metrics go there.
pub(crate) fn prometheus() -> Result<PrometheusHandle, MetricsError> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(CALLBACK_DURATION.to_owned()),
                    LATENCY_BUCKETS,
                )
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => {
                    describe();
                    let upkeep = handle.clone();
                    // Fold histogram samples regularly even when nobody scrapes.
                    let spawned = std::thread::Builder::new()
                        .name("dash-metrics-upkeep".to_owned())
                        .spawn(move || loop {
                            std::thread::sleep(UPKEEP_EVERY);
                            upkeep.run_upkeep();
                        });
                    if let Err(e) = spawned {
                        tracing::warn!("metrics upkeep thread not started: {e}");
                    }
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!("metrics route disabled: {e}");
                    None
                }
            }
        })
        .clone()
        .ok_or(MetricsError::OtherRecorder)
}

/// The Prometheus text exposition of every metric of the process.
pub(crate) fn render(handle: &PrometheusHandle) -> String {
    handle.run_upkeep();
    handle.render()
}

/// Help texts and units, shown as `# HELP` lines.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        CALLBACK_CALLS,
        "Callback calls by callback, HTTP status and outcome."
    );
    describe_counter!(
        CALLBACK_ERRORS,
        "Callback calls that failed on the server side."
    );
    describe_histogram!(
        CALLBACK_DURATION,
        Unit::Seconds,
        "Callback latency from parsed request to answer."
    );
    describe_gauge!(POOL_BUSY, "Blocking-pool threads running a callback.");
    describe_gauge!(
        POOL_QUEUED,
        "Callback calls waiting for a blocking-pool thread."
    );
    describe_gauge!(
        BACKGROUND_QUEUE_DEPTH,
        "Background jobs waiting in the queue."
    );
    describe_gauge!(CONNECTIONS_OPEN, "Open HTTP connections.");
    describe_counter!(
        MEMO_HITS,
        "Memoized calls answered without running, by kind and name."
    );
    describe_counter!(MEMO_MISSES, "Memoized calls not found in the data store.");
    describe_counter!(
        MEMO_WAITS,
        "Memoized calls that waited for an identical call under way."
    );
    describe_counter!(STORE_HITS, "Data store reads that found a value, by kind.");
    describe_counter!(STORE_MISSES, "Data store reads that found none, by kind.");
    describe_counter!(
        STORE_EVICTIONS,
        "Values evicted from the data store's memory tier."
    );
    describe_gauge!(
        STORE_BYTES,
        Unit::Bytes,
        "Bytes held in the data store's memory tier."
    );
}

/// Open websockets.
pub(crate) const WEBSOCKETS_OPEN: &str = "dash_websockets_open";
/// Callback calls running over websockets now (persistent ones included).
pub(crate) const WEBSOCKET_CALLS_RUNNING: &str = "dash_websocket_calls_running";
/// Websocket frames answered with an error, by `reason`.
pub(crate) const WEBSOCKET_FRAMES_REJECTED: &str = "dash_websocket_frames_rejected_total";

/// Counts one gauge up while alive and down when dropped (so a cancelled task counts down).
pub(crate) struct GaugeGuard(&'static str);

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        metrics::gauge!(self.0).decrement(1.0);
    }
}

fn gauge_up(name: &'static str) -> GaugeGuard {
    metrics::gauge!(name).increment(1.0);
    GaugeGuard(name)
}

/// A websocket opened; counted until the guard drops.
pub(crate) fn websocket_opened() -> GaugeGuard {
    gauge_up(WEBSOCKETS_OPEN)
}

/// A call over a websocket started; counted until the guard drops.
pub(crate) fn websocket_call_started() -> GaugeGuard {
    gauge_up(WEBSOCKET_CALLS_RUNNING)
}

/// A websocket frame was answered with an error.
pub(crate) fn websocket_frame_rejected(reason: &'static str) {
    metrics::counter!(WEBSOCKET_FRAMES_REJECTED, "reason" => reason).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_without_allocation() {
        assert_eq!(status_label(200), "200");
        assert_eq!(status_label(299), "2xx");
        assert_eq!(status_label(418), "4xx");
        assert_eq!(status_label(42), "other");
        assert_eq!(outcome_label(204), "prevented");
        assert_eq!(outcome_label(200), "ok");
        assert_eq!(outcome_label(400), "rejected");
        assert_eq!(outcome_label(500), "error");
    }

    #[test]
    fn recorder_renders_every_family() {
        let handle = prometheus().expect("first recorder of the test process");
        // A second app in the same process gets the same recorder.
        assert!(prometheus().is_ok());
        callback_finished("observability_test_cb", 200, Duration::from_millis(3));
        callback_finished("observability_test_cb", 500, Duration::from_millis(30));
        pool_state(2, 5);
        background_queue_depth(7);
        store_lookup("memo", true);
        store_lookup("memo", false);
        store_evictions(Eviction::MemoryBudget, 2);
        store_evictions(Eviction::Expired, 3);
        let text = render(&handle);
        assert!(text.contains(
            r#"dash_callback_calls_total{callback="observability_test_cb",status="200",outcome="ok"} 1"#
        ), "{text}");
        assert!(text.contains(r#"dash_callback_errors_total{callback="observability_test_cb"} 1"#));
        assert!(text.contains(
            r#"dash_callback_duration_seconds_bucket{callback="observability_test_cb",le="0.005"} 1"#
        ), "{text}");
        assert!(text.contains("dash_blocking_pool_queued 5"));
        assert!(text.contains("dash_background_queue_depth 7"));
        assert!(
            text.contains(r#"dash_store_hits_total{kind="memo"}"#),
            "{text}"
        );
        assert!(text.contains(r#"dash_store_misses_total{kind="memo"}"#));
        assert!(
            text.contains(r#"dash_store_evictions_total{reason="memory_budget"} 2"#),
            "{text}"
        );
        assert!(text.contains(r#"dash_store_evictions_total{reason="expired"} 3"#));
    }
}
