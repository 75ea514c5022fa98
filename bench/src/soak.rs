//! The soak: the greeting load at full concurrency for a long time, with the server's memory
//! sampled at the start (after the warm-up), after every minute and at the end.
//!
//! The load runs as consecutive phases of at most a minute (the connections are reopened
//! between phases, which takes well under a millisecond on 127.0.0.1), so each minute has its
//! own requests, errors and latency percentiles.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::cli::Options;
use crate::doc;
use crate::error::BenchError;
use crate::loadgen;
use crate::probe;
use crate::procfs;
use crate::report::millis;
use crate::stats::Summary;
use crate::targets::{self, TargetKind};

/// The name of the section in `docs/benchmarks.md`.
pub const SECTION: &str = "soak";

/// Length of one load phase (one row of the table).
const PHASE: Duration = Duration::from_secs(60);

/// One row: the memory at `at`, and the load of the phase that ended there.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Time since the measured load began.
    pub at: Duration,
    /// Summed VmRSS of the server's processes, when it could be read.
    pub rss_kib: Option<u64>,
    /// How many processes that sum covers.
    pub processes: usize,
    /// The load phase that ended at this sample (none for the first sample).
    pub phase: Option<Summary>,
}

/// The soak of one target.
#[derive(Debug, Clone)]
pub struct Soak {
    /// Which target.
    pub kind: TargetKind,
    /// Start, every minute, end.
    pub samples: Vec<Sample>,
}

impl Soak {
    fn phases(&self) -> impl Iterator<Item = &Summary> {
        self.samples.iter().filter_map(|s| s.phase.as_ref())
    }

    fn requests(&self) -> u64 {
        self.phases().map(|p| p.requests).sum()
    }

    fn errors(&self) -> u64 {
        self.phases().map(|p| p.errors).sum()
    }

    fn elapsed(&self) -> Duration {
        self.phases().map(|p| p.elapsed).sum()
    }
}

/// Start `kind`, warm it up, and load it for `length` while sampling its memory.
pub fn run(kind: TargetKind, options: &Options, length: Duration) -> Result<Soak, BenchError> {
    eprintln!("dash-bench: starting {}", kind.label());
    let running = targets::start(kind, options)?;
    let addr = running.addr();
    let path = probe::prepare(kind.label(), addr)?;
    let mut spec = probe::spec(addr, path, options);
    spec.warmup = Duration::ZERO;
    if !options.warmup.is_zero() {
        spec.duration = options.warmup;
        loadgen::run(&spec)?;
    }
    let pids = procfs::listeners(addr.port());
    if pids.is_empty() {
        eprintln!(
            "dash-bench: no process found listening on port {}; RSS will show as –",
            addr.port()
        );
    }
    let sample = |at: Duration, phase: Option<Summary>| {
        let (kib, processes) = procfs::total_rss_kib(&pids);
        Sample {
            at,
            rss_kib: (processes > 0).then_some(kib),
            processes,
            phase,
        }
    };
    let mut samples = vec![sample(Duration::ZERO, None)];
    eprintln!(
        "dash-bench: soak of {} s against {} ({addr}), {} connections; RSS at start {}",
        length.as_secs(),
        kind.label(),
        options.connections,
        samples[0].rss_kib.map_or("–".into(), procfs::mib),
    );
    let begun = Instant::now();
    let mut loaded = Duration::ZERO;
    while loaded < length {
        spec.duration = PHASE.min(length - loaded);
        let summary = loadgen::run(&spec)?;
        loaded += spec.duration;
        let row = sample(begun.elapsed(), Some(summary));
        eprintln!(
            "dash-bench: {:>4} s: RSS {}, {:.0} req/s, {} errors",
            row.at.as_secs(),
            row.rss_kib.map_or("–".into(), procfs::mib),
            row.phase.as_ref().map_or(0.0, Summary::throughput),
            row.phase.as_ref().map_or(0, |p| p.errors),
        );
        samples.push(row);
    }
    drop(running);
    Ok(Soak { kind, samples })
}

/// The markdown table of one soak.
pub fn table(soak: &Soak) -> String {
    let mut out = String::from(
        "| time | RSS | requests | errors | req/s | p50 | p99 |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    let rss = |s: &Sample| s.rss_kib.map_or("–".to_string(), procfs::mib);
    for (i, s) in soak.samples.iter().enumerate() {
        let label = if i == 0 {
            "start (after the warm-up)".to_string()
        } else if i + 1 == soak.samples.len() {
            format!("{} s (end)", s.at.as_secs())
        } else {
            format!("{} s", s.at.as_secs())
        };
        match &s.phase {
            None => {
                let _ = writeln!(out, "| {label} | {} | – | – | – | – | – |", rss(s));
            }
            Some(p) => {
                let _ = writeln!(
                    out,
                    "| {label} | {} | {} | {} | {:.0} | {} | {} |",
                    rss(s),
                    p.requests,
                    p.errors,
                    p.throughput(),
                    millis(p.p50),
                    millis(p.p99),
                );
            }
        }
    }
    let first = soak.samples.first().and_then(|s| s.rss_kib);
    let last = soak.samples.last().and_then(|s| s.rss_kib);
    let change = match (first, last) {
        (Some(a), Some(b)) if b >= a => format!("+{}", procfs::mib(b - a)),
        (Some(a), Some(b)) => format!("−{}", procfs::mib(a - b)),
        _ => "–".to_string(),
    };
    let secs = soak.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        soak.requests() as f64 / secs
    } else {
        0.0
    };
    let _ = writeln!(
        out,
        "| **whole soak** | {change} (end − start) | {} | {} | {rate:.0} | – | – |",
        soak.requests(),
        soak.errors(),
    );
    out
}

/// The `Soak` section of `docs/benchmarks.md`.
pub fn section(
    soaks: &[Soak],
    options: &Options,
    length: Duration,
    command: &str,
    conditions: &[String],
) -> String {
    let mut out = format!("{}\n## Soak\n\n", doc::marker(SECTION));
    out.push_str(
        "The greeting load of the table at the top (the `hello` example's greeting callback) \
         at full load for a long time, watching the server's memory.\n\n",
    );
    let _ = writeln!(out, "- date (UTC): {}", doc::utc_now());
    let _ = writeln!(out, "- command: `{command}`");
    let _ = writeln!(
        out,
        "- load: {} keep-alive HTTP/1.1 connections, closed loop, {} s warm-up, then {} s \
         in phases of at most {} s (one row each; connections reopen between phases); \
         127.0.0.1 only",
        options.connections,
        options.warmup.as_secs(),
        length.as_secs(),
        PHASE.as_secs(),
    );
    let _ = writeln!(
        out,
        "- RSS: `VmRSS` from `/proc/<pid>/status`, summed over the processes that hold the \
         server's listening socket, read after the warm-up and at the end of every phase"
    );
    let _ = writeln!(
        out,
        "- machine: {} logical CPUs, shared by the load generator (one thread) and the server",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    for condition in conditions {
        let _ = writeln!(out, "- {condition}");
    }
    for soak in soaks {
        let processes = soak.samples.first().map_or(0, |s| s.processes);
        let _ = writeln!(
            out,
            "\n**{}** ({}; {} process{}):\n",
            soak.kind.label(),
            soak.kind.description(options),
            processes,
            if processes == 1 { "" } else { "es" },
        );
        out.push_str(&table(soak));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows() {
        let phase = |requests| Summary {
            requests,
            errors: 0,
            elapsed: Duration::from_secs(60),
            p50: Duration::from_micros(1500),
            p99: Duration::from_millis(4),
        };
        let soak = Soak {
            kind: TargetKind::Rust,
            samples: vec![
                Sample {
                    at: Duration::ZERO,
                    rss_kib: Some(10_240),
                    processes: 1,
                    phase: None,
                },
                Sample {
                    at: Duration::from_secs(60),
                    rss_kib: Some(11_264),
                    processes: 1,
                    phase: Some(phase(60_000)),
                },
                Sample {
                    at: Duration::from_secs(120),
                    rss_kib: Some(11_264),
                    processes: 1,
                    phase: Some(phase(120_000)),
                },
            ],
        };
        let table = table(&soak);
        assert!(
            table.contains("| start (after the warm-up) | 10.0 MiB | – |"),
            "{table}"
        );
        assert!(table.contains("| 60 s | 11.0 MiB | 60000 | 0 | 1000 | 1.50 ms | 4.00 ms |"));
        assert!(table.contains("| 120 s (end) | 11.0 MiB | 120000 |"));
        assert!(table.contains("| **whole soak** | +1.0 MiB (end − start) | 180000 | 0 | 1500 |"));
    }
}
