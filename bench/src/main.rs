//! `dash-bench`: callback throughput and latency of dash-rs, a bare axum handler and Python
//! Dash, in one run; with `--soak SECS`, the same load for a long time with the server's
//! memory sampled every minute. See `cargo run --release -p dash-bench -- --help` and
//! `docs/benchmarks.md`.

use std::process::ExitCode;

use dash_bench::cli::{self, Command, Options};
use dash_bench::error::BenchError;
use dash_bench::report::{self, Row};
use dash_bench::{bare, doc, loadgen, probe, soak, targets};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dash-bench: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), BenchError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::parse(args.clone())? {
        Command::Help => println!("{}", cli::USAGE),
        Command::ServeBare(port) => bare::serve(port)?,
        Command::Run(options) => match options.soak {
            Some(length) => soak_run(&options, length, &args)?,
            None => benchmark(&options, &args)?,
        },
    }
    Ok(())
}

/// Load-average and free-text lines for a report.
fn conditions(options: &Options, before: Option<String>) -> Vec<String> {
    let mut conditions = Vec::new();
    if let (Some(before), Some(after)) = (before, doc::load_average()) {
        conditions.push(format!(
            "load average (1/5/15 min) before the run: {before}; after: {after}"
        ));
    }
    conditions.extend(options.notes.iter().cloned());
    conditions
}

fn write_error(path: &str) -> impl FnOnce(std::io::Error) -> BenchError + '_ {
    move |source| BenchError::Write {
        path: path.to_owned(),
        source,
    }
}

fn benchmark(options: &Options, args: &[String]) -> Result<(), BenchError> {
    let command = doc::command(None, args);
    let load_before = doc::load_average();
    let mut rows = Vec::new();
    for &kind in &options.targets {
        eprintln!("dash-bench: starting {}", kind.label());
        let running = targets::start(kind, options)?;
        let addr = running.addr();
        let path = probe::prepare(kind.label(), addr).map_err(|err| match err {
            BenchError::WrongAnswer { target, message } => BenchError::WrongAnswer {
                target,
                message: format!("{message}\nserver output:\n{}", running.output()),
            },
            other => other,
        })?;
        eprintln!(
            "dash-bench: {} connections, {} s warm-up + {} s against {} ({addr}{path})",
            options.connections,
            options.warmup.as_secs(),
            options.duration.as_secs(),
            kind.label(),
        );
        let summary = loadgen::run(&probe::spec(addr, path, options))?;
        eprintln!(
            "dash-bench: {} requests ({:.0}/s), {} errors",
            summary.requests,
            summary.throughput(),
            summary.errors
        );
        rows.push(Row { kind, summary });
        drop(running);
    }
    println!("{}", report::table(&rows));
    if let Some(path) = &options.write {
        let conditions = conditions(options, load_before);
        let document = report::document(options, &command, &rows, &conditions);
        // Only the head: the sections of the other binaries stay as they are.
        doc::write_head(path, &document).map_err(write_error(path))?;
        eprintln!("dash-bench: wrote {path}");
    }
    Ok(())
}

fn soak_run(
    options: &Options,
    length: std::time::Duration,
    args: &[String],
) -> Result<(), BenchError> {
    let command = doc::command(None, args);
    let load_before = doc::load_average();
    let mut soaks = Vec::new();
    for &kind in &options.targets {
        let soak = soak::run(kind, options, length)?;
        println!("{}\n{}", kind.label(), soak::table(&soak));
        soaks.push(soak);
    }
    if let Some(path) = &options.write {
        let conditions = conditions(options, load_before);
        let section = soak::section(&soaks, options, length, &command, &conditions);
        doc::write_section(path, soak::SECTION, &section).map_err(write_error(path))?;
        eprintln!("dash-bench: wrote the soak section of {path}");
    }
    Ok(())
}
