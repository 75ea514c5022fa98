//! Latency and throughput summaries.

use std::time::Duration;

/// The measurements of one target.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Requests that completed with the expected status.
    pub requests: u64,
    /// Requests that failed: transport errors or an unexpected status.
    pub errors: u64,
    /// Wall-clock time of the measured phase.
    pub elapsed: Duration,
    /// Median latency.
    pub p50: Duration,
    /// 99th-percentile latency.
    pub p99: Duration,
}

impl Summary {
    /// Build a summary from per-request latencies in microseconds (any order).
    ///
    /// ```ignore
    /// let s = Summary::from_latencies(vec![1, 2, 3], 0, Duration::from_secs(1));
    /// assert_eq!(s.requests, 3);
    /// ```
    pub fn from_latencies(mut micros: Vec<u32>, errors: u64, elapsed: Duration) -> Self {
        micros.sort_unstable();
        Summary {
            requests: micros.len() as u64,
            errors,
            elapsed,
            p50: percentile(&micros, 50.0),
            p99: percentile(&micros, 99.0),
        }
    }

    /// Successful requests per second.
    pub fn throughput(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.requests as f64 / secs
        } else {
            0.0
        }
    }
}

/// Nearest-rank percentile of sorted durations; zero for no samples.
pub fn nearest_rank(sorted: &[Duration], pct: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((pct / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Nearest-rank percentile of sorted microsecond samples; zero for no samples.
fn percentile(sorted: &[u32], pct: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((pct / 100.0) * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    Duration::from_micros(u64::from(sorted[index]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<u32> = (1..=100).rev().collect();
        let s = Summary::from_latencies(samples, 0, Duration::from_secs(2));
        assert_eq!(s.requests, 100);
        assert_eq!(s.p50, Duration::from_micros(50));
        assert_eq!(s.p99, Duration::from_micros(99));
        assert!((s.throughput() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn nearest_rank_of_durations() {
        let sorted: Vec<Duration> = (1..=10).map(Duration::from_millis).collect();
        assert_eq!(nearest_rank(&sorted, 50.0), Duration::from_millis(5));
        assert_eq!(nearest_rank(&sorted, 100.0), Duration::from_millis(10));
        assert_eq!(nearest_rank(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn empty_is_zero() {
        let s = Summary::from_latencies(Vec::new(), 3, Duration::ZERO);
        assert_eq!(s.p99, Duration::ZERO);
        assert_eq!(s.throughput(), 0.0);
        assert_eq!(s.errors, 3);
    }
}
