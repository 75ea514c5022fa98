//! `dash-bench`: callback throughput and latency of dash-rs, a bare axum handler and Python
//! Dash, in one run. See `cargo run --release -p dash-bench -- --help` and
//! `docs/benchmarks.md`.

mod bare;
mod cli;
mod error;
mod greeting;
mod loadgen;
mod probe;
mod report;
mod stats;
mod targets;

use std::process::ExitCode;

use cli::{Command, Options};
use error::BenchError;
use report::Row;

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
        Command::Run(options) => benchmark(&options, &args)?,
    }
    Ok(())
}

fn benchmark(options: &Options, args: &[String]) -> Result<(), BenchError> {
    let mut command = String::from("cargo run --release -p dash-bench");
    if !args.is_empty() {
        command.push_str(" -- ");
        command.push_str(&args.join(" "));
    }
    let load_before = load_average();
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
        let mut conditions = Vec::new();
        if let (Some(before), Some(after)) = (load_before, load_average()) {
            conditions.push(format!(
                "load average (1/5/15 min) before the run: {before}; after: {after}"
            ));
        }
        let document = report::document(options, &command, &rows, &conditions);
        let write_error = |source| BenchError::Write {
            path: path.clone(),
            source,
        };
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(write_error)?;
            }
        }
        // Keep the section `dash-bench-background` maintains in the same file.
        let kept = std::fs::read_to_string(path).ok().and_then(|old| {
            old.find("<!-- dash-bench-background -->")
                .map(|at| old[at..].to_owned())
        });
        let document = match kept {
            Some(section) => format!("{}\n\n{section}", document.trim_end()),
            None => document,
        };
        std::fs::write(path, document).map_err(write_error)?;
        eprintln!("dash-bench: wrote {path}");
    }
    Ok(())
}

/// The system load averages from `/proc/loadavg`, where there is one.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let parts: Vec<&str> = text.split_whitespace().take(3).collect();
    (parts.len() == 3).then(|| parts.join(" "))
}
