//! The markdown report: one table row per target, plus how it was made.

use std::fmt::Write as _;
use std::time::Duration;

use crate::cli::Options;
use crate::doc;
use crate::stats::Summary;
use crate::targets::TargetKind;

/// The outcome of one target.
#[derive(Debug, Clone)]
pub struct Row {
    /// Which target.
    pub kind: TargetKind,
    /// Its measurements.
    pub summary: Summary,
}

/// The markdown table of `rows`, with throughput ratios against the bare handler and the
/// gunicorn twin (when they ran).
pub fn table(rows: &[Row]) -> String {
    let rate_of = |kind: TargetKind| {
        rows.iter()
            .find(|row| row.kind == kind)
            .map(|row| row.summary.throughput())
            .filter(|rate| *rate > 0.0)
    };
    let bare = rate_of(TargetKind::Bare);
    let gunicorn = rate_of(TargetKind::Gunicorn);
    let mut out = String::from(
        "| target | requests | errors | req/s | p50 | p99 | vs bare handler | vs Python gunicorn |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let s = &row.summary;
        let rate = s.throughput();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {} | {} | {} | {} |",
            row.kind.label(),
            s.requests,
            s.errors,
            rate,
            millis(s.p50),
            millis(s.p99),
            ratio(rate, bare),
            ratio(rate, gunicorn),
        );
    }
    out
}

/// The whole markdown document: table, the command that made it, the date, the setup and
/// `conditions` (e.g. the load average around the run).
pub fn document(options: &Options, command: &str, rows: &[Row], conditions: &[String]) -> String {
    let mut out = String::from("# Benchmarks\n\n");
    let _ = writeln!(
        out,
        "Callback throughput and latency of the `hello` example's greeting callback \
         (`POST /_dash-update-component`, `name.value` → `greeting.children`).\n"
    );
    let _ = writeln!(out, "- date (UTC): {}", doc::utc_now());
    let _ = writeln!(out, "- command: `{command}`");
    let _ = writeln!(
        out,
        "- load: {} keep-alive HTTP/1.1 connections, closed loop (each sends the next request \
         when the previous answer is complete), {} s warm-up then {} s measured per target, \
         127.0.0.1 only",
        options.connections,
        options.warmup.as_secs(),
        options.duration.as_secs(),
    );
    let _ = writeln!(
        out,
        "- machine: {} logical CPUs, shared by the load generator and the server; the \
         generator is one thread (a current-thread tokio runtime), so it uses at most one \
         core and the server can use the rest",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    for condition in conditions {
        let _ = writeln!(out, "- {condition}");
    }
    out.push_str("- targets:\n");
    for row in rows {
        let _ = writeln!(
            out,
            "  - **{}**: {}",
            row.kind.label(),
            row.kind.description(options)
        );
    }
    out.push_str(
        "- latency is measured from sending the request to receiving the whole body; \
         p50/p99 are nearest-rank percentiles over every request of the measured phase; \
         ratios compare req/s\n\n",
    );
    out.push_str(&table(rows));
    out.push_str(
        "\nAbsolute numbers move between runs (the machine is shared and small); compare the \
         targets within one run. Regenerate this file with the command above.\n",
    );
    out
}

pub fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn ratio(rate: f64, base: Option<f64>) -> String {
    match base {
        Some(base) => format!("{:.2}×", rate / base),
        None => "–".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_against_present_baselines() {
        let summary = |requests| Summary {
            requests,
            errors: 0,
            elapsed: Duration::from_secs(1),
            p50: Duration::from_micros(1500),
            p99: Duration::from_millis(3),
        };
        let rows = [
            Row {
                kind: TargetKind::Rust,
                summary: summary(900),
            },
            Row {
                kind: TargetKind::Bare,
                summary: summary(1000),
            },
        ];
        let table = table(&rows);
        assert!(
            table.contains("| 900 | 0 | 900 | 1.50 ms | 3.00 ms | 0.90× | – |"),
            "{table}"
        );
    }
}
