//! Command-line options.

use std::time::Duration;

use crate::error::BenchError;
use crate::targets::TargetKind;

/// Printed with `--help` and after a usage error.
pub const USAGE: &str = "\
usage: dash-bench [options]

Measures the hello greeting callback (POST /_dash-update-component) under concurrent
keep-alive load against each target, on 127.0.0.1 only, and prints a markdown table.

options:
  --duration SECS       measured seconds per target (default 10, at most 60)
  --warmup SECS         unmeasured warm-up seconds per target (default 2, at most 30)
  --connections N       concurrent keep-alive connections (default 64, at most 256)
  --workers N           Python server workers (default 2, at most 8)
  --gunicorn-threads N  threads per gunicorn worker: gthread workers (default 4);
                        1 selects sync workers (at most 64)
  --targets LIST        comma-separated subset of: rust,bare,gunicorn,uvicorn (default all;
                        with --soak: rust)
  --soak SECS           soak instead: after the warm-up, load each target for SECS seconds
                        (60 to 3600) and report the server's RSS (VmRSS of the processes
                        holding the listening socket) at the start, every minute and at the
                        end, with requests, errors and req/s per minute
  --hello-exe PATH      run this prebuilt `hello` binary as the rust target instead of
                        building the example (for comparing commits)
  --note TEXT           a line for the report, e.g. what else ran on the machine (repeatable)
  --write FILE          also write the table, command and date to FILE (markdown): the
                        greeting table at the top, or with --soak the Soak section
  -h, --help            this text";

/// Parsed options of a benchmark run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Measured phase per target.
    pub duration: Duration,
    /// Warm-up per target.
    pub warmup: Duration,
    /// Concurrent connections.
    pub connections: usize,
    /// Python workers (gunicorn and uvicorn).
    pub workers: usize,
    /// Threads per gunicorn worker (1: sync workers).
    pub gunicorn_threads: usize,
    /// Targets, in the order they run.
    pub targets: Vec<TargetKind>,
    /// Where to write the markdown report.
    pub write: Option<String>,
    /// Soak length: load for this long and sample memory, instead of the greeting table.
    pub soak: Option<Duration>,
    /// Free-text lines for the report (what else ran, ...).
    pub notes: Vec<String>,
    /// A prebuilt `hello` to run as the Rust target.
    pub hello_exe: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            duration: Duration::from_secs(10),
            warmup: Duration::from_secs(2),
            connections: 64,
            workers: 2,
            gunicorn_threads: 4,
            targets: TargetKind::ALL.to_vec(),
            write: None,
            soak: None,
            notes: Vec::new(),
            hello_exe: None,
        }
    }
}

/// What the binary was asked to do.
#[derive(Debug)]
pub enum Command {
    /// Run the benchmark.
    Run(Options),
    /// Serve the bare handler on a port (used by the benchmark itself).
    ServeBare(u16),
    /// Print usage.
    Help,
}

/// Parse the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, BenchError> {
    let mut args = args.into_iter();
    let mut options = Options::default();
    let mut targets_given = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| BenchError::Usage(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "serve-bare" => {
                let port = value("serve-bare")?;
                let port = port
                    .parse()
                    .map_err(|_| BenchError::Usage(format!("bad port {port:?}")))?;
                return Ok(Command::ServeBare(port));
            }
            "--duration" => options.duration = secs(&value("--duration")?, 1, 60)?,
            "--warmup" => options.warmup = secs(&value("--warmup")?, 0, 30)?,
            "--connections" => options.connections = number(&value("--connections")?, 1, 256)?,
            "--workers" => options.workers = number(&value("--workers")?, 1, 8)?,
            "--gunicorn-threads" => {
                options.gunicorn_threads = number(&value("--gunicorn-threads")?, 1, 64)?
            }
            "--targets" => {
                options.targets = targets(&value("--targets")?)?;
                targets_given = true;
            }
            "--write" => options.write = Some(value("--write")?),
            "--soak" => options.soak = Some(secs(&value("--soak")?, 60, 3600)?),
            "--note" => options.notes.push(value("--note")?),
            "--hello-exe" => options.hello_exe = Some(value("--hello-exe")?),
            other => return Err(BenchError::Usage(format!("unknown argument {other:?}"))),
        }
    }
    if options.soak.is_some() && !targets_given {
        options.targets = vec![TargetKind::Rust];
    }
    Ok(Command::Run(options))
}

fn number(text: &str, min: usize, max: usize) -> Result<usize, BenchError> {
    match text.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(BenchError::Usage(format!(
            "{text:?} is not a number from {min} to {max}"
        ))),
    }
}

fn secs(text: &str, min: usize, max: usize) -> Result<Duration, BenchError> {
    number(text, min, max).map(|n| Duration::from_secs(n as u64))
}

fn targets(text: &str) -> Result<Vec<TargetKind>, BenchError> {
    let mut kinds = Vec::new();
    for name in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let kind = TargetKind::from_name(name)
            .ok_or_else(|| BenchError::Usage(format!("unknown target {name:?}")))?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Err(BenchError::Usage("--targets is empty".into()));
    }
    Ok(kinds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, BenchError> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults() {
        let Ok(Command::Run(options)) = parse_strs(&[]) else {
            panic!("no arguments must run with defaults");
        };
        assert_eq!(options.connections, 64);
        assert_eq!(options.duration, Duration::from_secs(10));
        assert_eq!(options.targets, TargetKind::ALL.to_vec());
    }

    #[test]
    fn bounded() {
        assert!(parse_strs(&["--duration", "3600"]).is_err());
        assert!(parse_strs(&["--connections", "0"]).is_err());
        assert!(parse_strs(&["--targets", "rust,nginx"]).is_err());
    }

    #[test]
    fn subset_and_write() {
        let Ok(Command::Run(options)) = parse_strs(&[
            "--targets",
            "bare,rust",
            "--write",
            "x.md",
            "--duration",
            "2",
        ]) else {
            panic!("valid arguments");
        };
        assert_eq!(options.targets, vec![TargetKind::Bare, TargetKind::Rust]);
        assert_eq!(options.write.as_deref(), Some("x.md"));
    }

    #[test]
    fn soak_defaults_to_rust() {
        let Ok(Command::Run(options)) = parse_strs(&["--soak", "600", "--note", "quiet"]) else {
            panic!("valid arguments");
        };
        assert_eq!(options.soak, Some(Duration::from_secs(600)));
        assert_eq!(options.targets, vec![TargetKind::Rust]);
        assert_eq!(options.notes, vec!["quiet".to_string()]);
        let Ok(Command::Run(options)) = parse_strs(&["--soak", "60", "--targets", "rust,bare"])
        else {
            panic!("valid arguments");
        };
        assert_eq!(options.targets, vec![TargetKind::Rust, TargetKind::Bare]);
        assert!(parse_strs(&["--soak", "5"]).is_err());
    }
}
