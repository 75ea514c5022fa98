//! `dash-bench-slow`: what slow synchronous callbacks do to everything else.
//!
//! The app under test has a synchronous callback that blocks for a second (`sleep`, like a
//! database call) and a cheap one. Each round fires several slow calls at once and, while
//! they are in flight, a cheap callback request and a `GET /_dash-layout` every 50 ms; it
//! measures the latency of the cheap calls and of the layout, and the time until every slow
//! call has answered. Targets: dash-rs (this binary's `serve`), and the Python twin
//! `bench/python/slow.py` on Dash 4.4.1 under gunicorn and under uvicorn.
//!
//! ```text
//! cargo run --release -p dash-bench --bin dash-bench-slow -- --write docs/benchmarks.md
//! ```

use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use dash_bench::stats::nearest_rank;
use dash_bench::{doc, loadgen, probe, python};
use dash_e2e::app::{free_port, workspace_root, RunningApp};
use dash_e2e::python::PythonServer;
use dash_runtime::prelude::*;
use hyper::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::time::MissedTickBehavior;

/// How long the slow callback blocks its thread.
const SLOW_WORK: Duration = Duration::from_secs(1);

/// The slow callback: blocking work, as a synchronous database call would do.
#[callback(
    output = Output("slow-out", "children"),
    inputs = [Input("slow-in", "value")],
    prevent_initial_call = true,
)]
fn slow_query(value: Option<String>) -> String {
    std::thread::sleep(SLOW_WORK);
    format!("slow {}", value.unwrap_or_default())
}

/// The cheap callback.
#[callback(output = Output("cheap-out", "children"), inputs = [Input("cheap-in", "value")])]
fn cheap(value: Option<String>) -> String {
    format!("cheap {}", value.unwrap_or_default())
}

/// The app under test, with default settings.
fn serve_app() -> Result<(), Error> {
    Dash::new()
        .layout(html::div((
            dcc::Input::new().id("slow-in"),
            html::Div::new().id("slow-out"),
            dcc::Input::new().id("cheap-in"),
            html::Div::new().id("cheap-out"),
        )))
        .run()?;
    Ok(())
}

const USAGE: &str = "\
usage: dash-bench-slow [options]

Fires N slow synchronous callback calls (each blocks for 1 s) at once and, while they are in
flight, a cheap callback request and a GET /_dash-layout every 50 ms; reports the latency of
the cheap calls and of the layout, and the time until all slow calls have answered. Targets:
dash-rs, and Python Dash 4.4.1 (bench/python/slow.py) under gunicorn and under uvicorn.
127.0.0.1 only; prints a markdown table.

options:
  --rounds N                measured rounds per target, after one unmeasured (default 3,
                            at most 20)
  --slow N                  slow calls fired at once (default 8, at most 64)
  --every MS                period of the cheap and layout requests (default 50, 10 to 1000)
  --workers N               Python server workers (default 2, at most 8)
  --gunicorn-threads N      threads per gunicorn gthread worker (default 4, 2 to 64)
  --rust-callback-threads N run dash-rs with DASH_CALLBACK_THREADS=N (default: unset, the
                            runtime's default)
  --targets LIST            comma-separated subset of: rust,gunicorn,uvicorn (default all)
  --note TEXT               a line for the report, e.g. what else ran (repeatable)
  --write FILE              also write the section to FILE (replacing an earlier one)
  -h, --help                this text

Subcommand used internally: `serve` (the dash-rs app).";

/// Timeout of one HTTP exchange.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause between rounds.
const PAUSE: Duration = Duration::from_secs(1);

/// The name of the section in the results file (`<!-- dash-bench-slow -->`).
const SECTION: &str = "slow";

type Error = dash_bench::error::RunError;

/// A usage error with this binary's help text.
fn usage(message: String) -> Error {
    Error::Usage {
        message,
        usage: USAGE,
    }
}

// ---------------------------------------------------------------------------------------
// Options

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Rust,
    Gunicorn,
    Uvicorn,
}

impl Target {
    const ALL: [Target; 3] = [Target::Rust, Target::Gunicorn, Target::Uvicorn];

    fn parse(name: &str) -> Option<Target> {
        match name {
            "rust" => Some(Target::Rust),
            "gunicorn" => Some(Target::Gunicorn),
            "uvicorn" => Some(Target::Uvicorn),
            _ => None,
        }
    }

    fn label(self, o: &Options) -> String {
        match (self, o.rust_callback_threads) {
            (Target::Rust, None) => "dash-rs (default settings)".into(),
            (Target::Rust, Some(n)) => format!("dash-rs, `DASH_CALLBACK_THREADS={n}`"),
            (Target::Gunicorn, _) => format!(
                "Python Dash 4.4.1, Flask + gunicorn ({} gthread workers × {} threads)",
                o.workers, o.gunicorn_threads
            ),
            (Target::Uvicorn, _) => format!(
                "Python Dash 4.4.1, FastAPI + uvicorn ({} workers)",
                o.workers
            ),
        }
    }

    fn description(self, o: &Options) -> String {
        match self {
            Target::Rust => {
                let threads = match o.rust_callback_threads {
                    Some(n) => format!("`DASH_CALLBACK_THREADS={n}`"),
                    None => "no `DASH_CALLBACK_THREADS`, no builder settings".into(),
                };
                format!(
                    "the app of `bench/src/bin/slow.rs` (`dash-bench-slow serve`), \
                     `Dash::new()` with {threads}, dash-runtime on tokio's multi-thread \
                     runtime"
                )
            }
            Target::Gunicorn => format!(
                "`bench/python/slow.py` (Flask backend) under gunicorn, {} `gthread` workers \
                 x {} threads",
                o.workers, o.gunicorn_threads
            ),
            Target::Uvicorn => format!(
                "`bench/python/slow.py` with `DASH_BACKEND=fastapi` under uvicorn with {} \
                 workers (uvloop + httptools)",
                o.workers
            ),
        }
    }
}

#[derive(Debug)]
struct Options {
    rounds: usize,
    slow: usize,
    every: Duration,
    workers: usize,
    gunicorn_threads: usize,
    rust_callback_threads: Option<usize>,
    targets: Vec<Target>,
    notes: Vec<String>,
    write: Option<String>,
}

fn parse(args: &[String]) -> Result<Option<Options>, Error> {
    let mut o = Options {
        rounds: 3,
        slow: 8,
        every: Duration::from_millis(50),
        workers: 2,
        gunicorn_threads: 4,
        rust_callback_threads: None,
        targets: Target::ALL.to_vec(),
        notes: Vec::new(),
        write: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        let number = |name: &str, v: String, min: usize, max: usize| -> Result<usize, Error> {
            match v.parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(usage(format!("{name} takes a number from {min} to {max}"))),
            }
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--rounds" => o.rounds = number(arg, value(arg)?, 1, 20)?,
            "--slow" => o.slow = number(arg, value(arg)?, 1, 64)?,
            "--every" => {
                o.every = Duration::from_millis(number(arg, value(arg)?, 10, 1000)? as u64)
            }
            "--workers" => o.workers = number(arg, value(arg)?, 1, 8)?,
            "--gunicorn-threads" => o.gunicorn_threads = number(arg, value(arg)?, 2, 64)?,
            "--rust-callback-threads" => {
                o.rust_callback_threads = Some(number(arg, value(arg)?, 1, 1024)?)
            }
            "--note" => o.notes.push(value(arg)?),
            "--write" => o.write = Some(value(arg)?),
            "--targets" => {
                let mut targets = Vec::new();
                for name in value(arg)?.split(',').map(str::trim) {
                    let t = Target::parse(name)
                        .ok_or_else(|| usage(format!("unknown target {name:?}")))?;
                    if !targets.contains(&t) {
                        targets.push(t);
                    }
                }
                o.targets = targets;
            }
            other => return Err(usage(format!("unknown argument {other:?}"))),
        }
    }
    Ok(Some(o))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve_app(),
        _ => match parse(&args) {
            Ok(None) => {
                println!("{USAGE}");
                Ok(())
            }
            Ok(Some(options)) => benchmark(&options, &args),
            Err(e) => Err(e),
        },
    };
    dash_bench::error::exit_code("dash-bench-slow", result)
}

// ---------------------------------------------------------------------------------------
// Targets

fn start(target: Target, o: &Options) -> Result<RunningApp, Error> {
    let failed = |message: String| Error::Start {
        target: target.label(o),
        message,
    };
    match target {
        Target::Rust => {
            let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
            let port = free_port().map_err(|e| failed(e.to_string()))?;
            let mut cmd = Command::new(exe);
            cmd.arg("serve").current_dir(workspace_root());
            match o.rust_callback_threads {
                Some(n) => cmd.env("DASH_CALLBACK_THREADS", n.to_string()),
                // Default settings: nothing inherited from the caller's environment either.
                None => cmd.env_remove("DASH_CALLBACK_THREADS"),
            };
            RunningApp::start_command(cmd, port).map_err(|e| failed(e.to_string()))
        }
        Target::Gunicorn => python::start(
            "slow",
            PythonServer::Gunicorn {
                workers: o.workers,
                threads: o.gunicorn_threads,
            },
        )
        .map_err(failed),
        Target::Uvicorn => {
            python::start("slow", PythonServer::Uvicorn { workers: o.workers }).map_err(failed)
        }
    }
}

// ---------------------------------------------------------------------------------------
// The client

#[derive(Debug, Clone, Copy)]
enum Callback {
    Slow,
    Cheap,
}

impl Callback {
    fn ids(self) -> (&'static str, &'static str) {
        match self {
            Callback::Slow => ("slow-in", "slow-out"),
            Callback::Cheap => ("cheap-in", "cheap-out"),
        }
    }

    fn body(self, value: &str) -> Bytes {
        let (input, output) = self.ids();
        Bytes::from(
            json!({
                "output": format!("{output}.children"),
                "outputs": {"id": output, "property": "children"},
                "inputs": [{"id": input, "property": "value", "value": value}],
                "changedPropIds": [format!("{input}.value")],
                "parsedChangedPropsIds": [format!("{input}.value")],
            })
            .to_string(),
        )
    }

    fn expected(self, value: &str) -> String {
        match self {
            Callback::Slow => format!("slow {value}"),
            Callback::Cheap => format!("cheap {value}"),
        }
    }
}

/// Where to send what.
#[derive(Debug)]
struct Endpoint {
    addr: SocketAddr,
    /// `/_dash-update-component`, with `?endId=` when the index page has one.
    update: String,
}

async fn exchange(
    addr: SocketAddr,
    method: Method,
    path: &str,
    body: Option<Bytes>,
) -> Result<(StatusCode, Bytes), String> {
    match tokio::time::timeout(HTTP_TIMEOUT, loadgen::send_once(addr, method, path, body)).await {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", HTTP_TIMEOUT.as_secs())),
    }
}

/// One callback request on a new connection: its latency and when it answered.
async fn call(
    endpoint: Arc<Endpoint>,
    callback: Callback,
    value: String,
) -> Result<(Duration, Instant), String> {
    let started = Instant::now();
    let (status, body) = exchange(
        endpoint.addr,
        Method::POST,
        &endpoint.update,
        Some(callback.body(&value)),
    )
    .await?;
    let finished = Instant::now();
    let answer: Option<Value> = serde_json::from_slice(&body).ok();
    let (_, output) = callback.ids();
    let got = answer
        .as_ref()
        .and_then(|a| a.get("response")?.get(output)?.get("children")?.as_str());
    if status != StatusCode::OK || got != Some(callback.expected(&value).as_str()) {
        return Err(format!("{status} {}", String::from_utf8_lossy(&body)));
    }
    Ok((finished - started, finished))
}

/// `GET /_dash-layout` on a new connection: its latency.
async fn layout(endpoint: Arc<Endpoint>) -> Result<Duration, String> {
    let started = Instant::now();
    let (status, body) = exchange(endpoint.addr, Method::GET, "/_dash-layout", None).await?;
    let took = started.elapsed();
    if status != StatusCode::OK || serde_json::from_slice::<Value>(&body).is_err() {
        return Err(format!("{status} {}", String::from_utf8_lossy(&body)));
    }
    Ok(took)
}

/// Learn the update path from the index page and check both callbacks and the layout once.
async fn prepare(addr: SocketAddr) -> Result<Endpoint, String> {
    let (status, index) = exchange(addr, Method::GET, "/", None).await?;
    if status != StatusCode::OK {
        return Err(format!("GET / answered {status}"));
    }
    let update = match probe::end_id(&String::from_utf8_lossy(&index)) {
        Some(end_id) => format!("/_dash-update-component?endId={end_id}"),
        None => "/_dash-update-component".to_string(),
    };
    let endpoint = Arc::new(Endpoint { addr, update });
    call(endpoint.clone(), Callback::Cheap, "probe".into())
        .await
        .map_err(|e| format!("cheap callback: {e}"))?;
    call(endpoint.clone(), Callback::Slow, "probe".into())
        .await
        .map_err(|e| format!("slow callback: {e}"))?;
    layout(endpoint.clone())
        .await
        .map_err(|e| format!("GET /_dash-layout: {e}"))?;
    Arc::try_unwrap(endpoint).map_err(|_| "endpoint still shared".to_string())
}

/// What one round measured.
#[derive(Debug, Default)]
struct Round {
    /// Time from firing the slow calls to the last slow answer.
    slow_total: Duration,
    /// When each slow call answered, from the start of the round.
    slow_answers: Vec<Duration>,
    slow_errors: Vec<String>,
    cheap: Vec<Duration>,
    cheap_errors: Vec<String>,
    layout: Vec<Duration>,
    layout_errors: Vec<String>,
}

async fn round(endpoint: &Arc<Endpoint>, o: &Options, index: usize) -> Round {
    let begun = Instant::now();
    let slow: Vec<_> = (0..o.slow)
        .map(|i| {
            tokio::spawn(call(
                endpoint.clone(),
                Callback::Slow,
                format!("r{index}-q{i}"),
            ))
        })
        .collect();
    let mut all_slow = tokio::spawn(async move {
        let mut results = Vec::with_capacity(slow.len());
        for task in slow {
            results.push(task.await.unwrap_or_else(|e| Err(format!("task: {e}"))));
        }
        results
    });
    let start = tokio::time::Instant::from_std(begun + o.every);
    let mut ticker = tokio::time::interval_at(start, o.every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let (mut cheap, mut layouts) = (Vec::new(), Vec::new());
    let slow_results = loop {
        tokio::select! {
            results = &mut all_slow => break results.unwrap_or_default(),
            _ = ticker.tick() => {
                let n = cheap.len();
                cheap.push(tokio::spawn(call(
                    endpoint.clone(),
                    Callback::Cheap,
                    format!("r{index}-c{n}"),
                )));
                layouts.push(tokio::spawn(layout(endpoint.clone())));
            }
        }
    };
    let mut r = Round::default();
    for result in slow_results {
        match result {
            Ok((_, finished)) => r.slow_answers.push(finished - begun),
            Err(e) => r.slow_errors.push(e),
        }
    }
    r.slow_answers.sort();
    r.slow_total = r.slow_answers.last().copied().unwrap_or_default();
    // The cheap and layout requests issued while the slow calls ran count, however long
    // they take.
    for task in cheap {
        match task.await.unwrap_or_else(|e| Err(format!("task: {e}"))) {
            Ok((took, _)) => r.cheap.push(took),
            Err(e) => r.cheap_errors.push(e),
        }
    }
    for task in layouts {
        match task.await.unwrap_or_else(|e| Err(format!("task: {e}"))) {
            Ok(took) => r.layout.push(took),
            Err(e) => r.layout_errors.push(e),
        }
    }
    r
}

/// All rounds of one target.
struct Measured {
    label: String,
    rounds: Vec<Round>,
}

fn measure(target: Target, o: &Options) -> Result<Measured, Error> {
    let label = target.label(o);
    eprintln!("dash-bench-slow: starting {label}");
    let running = start(target, o)?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, running.port()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let rounds = runtime.block_on(async {
        let endpoint = Arc::new(prepare(addr).await.map_err(|message| Error::Wrong {
            target: label.clone(),
            message: format!("{message}\nserver output:\n{}", running.output()),
        })?);
        let mut rounds = Vec::with_capacity(o.rounds);
        for index in 0..=o.rounds {
            let r = round(&endpoint, o, index).await;
            let answers: Vec<String> = r
                .slow_answers
                .iter()
                .map(|d| format!("{:.2}", d.as_secs_f64()))
                .collect();
            eprintln!(
                "dash-bench-slow: {label}: round {index}{}: slow calls answered after [{}] s; \
                 {} cheap (max {}), {} layout (max {}); errors {} + {} + {}",
                if index == 0 { " (unmeasured)" } else { "" },
                answers.join(", "),
                r.cheap.len(),
                short(r.cheap.iter().max().copied().unwrap_or_default()),
                r.layout.len(),
                short(r.layout.iter().max().copied().unwrap_or_default()),
                r.slow_errors.len(),
                r.cheap_errors.len(),
                r.layout_errors.len(),
            );
            for e in r
                .slow_errors
                .iter()
                .chain(&r.cheap_errors)
                .chain(&r.layout_errors)
                .take(3)
            {
                eprintln!("dash-bench-slow:   error: {e}");
            }
            if index > 0 {
                rounds.push(r);
            }
            tokio::time::sleep(PAUSE).await;
        }
        Ok::<_, Error>(rounds)
    })?;
    drop(running);
    Ok(Measured { label, rounds })
}

// ---------------------------------------------------------------------------------------
// Report

/// `12.3 ms` below a second, `2.80 s` above.
fn short(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn table(rows: &[Measured], o: &Options) -> String {
    let mut out = format!(
        "| target | all {} slow calls answered after (per round) | cheap callback p50 | cheap \
         callback max | `_dash-layout` p50 | `_dash-layout` max | cheap + layout requests | \
         errors (slow + cheap + layout) |\n|---|---|---:|---:|---:|---:|---:|---:|\n",
        o.slow
    );
    for m in rows {
        let mut cheap: Vec<Duration> = m.rounds.iter().flat_map(|r| r.cheap.clone()).collect();
        let mut layout: Vec<Duration> = m.rounds.iter().flat_map(|r| r.layout.clone()).collect();
        cheap.sort();
        layout.sort();
        let totals: Vec<String> = m
            .rounds
            .iter()
            .map(|r| {
                if r.slow_errors.is_empty() {
                    short(r.slow_total)
                } else {
                    format!("{} ({} failed)", short(r.slow_total), r.slow_errors.len())
                }
            })
            .collect();
        let errors = |f: fn(&Round) -> usize| m.rounds.iter().map(f).sum::<usize>();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} + {} | {} + {} + {} |\n",
            m.label,
            totals.join(", "),
            short(nearest_rank(&cheap, 50.0)),
            short(cheap.last().copied().unwrap_or_default()),
            short(nearest_rank(&layout, 50.0)),
            short(layout.last().copied().unwrap_or_default()),
            cheap.len(),
            layout.len(),
            errors(|r| r.slow_errors.len()),
            errors(|r| r.cheap_errors.len()),
            errors(|r| r.layout_errors.len()),
        ));
    }
    out
}

fn section(table: &str, o: &Options, command: &str, conditions: &[String]) -> String {
    let mut s = format!("{}\n## Slow sync callbacks\n\n", doc::marker(SECTION));
    s.push_str(
        "An app with a synchronous callback that blocks its thread for 1 s (`sleep`, like a \
         database call) and a cheap callback: how long do the cheap callback and the layout \
         wait while slow calls run, and how long until the slow calls are all done?\n\n",
    );
    s.push_str(&format!(
        "- date (UTC): {}\n- command: `{command}`\n",
        doc::utc_now()
    ));
    s.push_str(&format!(
        "- scenario, per round: {} slow callback requests fired at once; from {} ms later \
         until the last slow call has answered, one cheap callback request and one \
         `GET /_dash-layout` every {} ms, each on its own new connection and not waiting for \
         the earlier ones; one unmeasured round, then {} measured rounds, {} s apart; \
         127.0.0.1 only\n",
        o.slow,
        o.every.as_millis(),
        o.every.as_millis(),
        o.rounds,
        PAUSE.as_secs(),
    ));
    s.push_str(
        "- reported: the time from firing the slow calls to the last slow answer (one value \
         per round); latency (request sent to whole answer received) of the cheap calls and \
         of the layout requests of all measured rounds, p50 (nearest rank) and max; failed \
         requests (an error status, a wrong answer, or no answer within 30 s)\n",
    );
    s.push_str("- targets:\n");
    for &t in &o.targets {
        s.push_str(&format!("  - **{}**: {}\n", t.label(o), t.description(o)));
    }
    s.push_str(&format!(
        "- machine: {} logical CPUs, shared by the client (one thread) and the server\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    ));
    for c in conditions {
        s.push_str(&format!("- {c}\n"));
    }
    s.push('\n');
    s.push_str(table);
    s.push_str(&format!(
        "\nWith every slow call on a thread of its own, the {} slow calls take about 1 s in \
         all and the cheap calls stay fast; a total of k s means they ran about {} / k at a \
         time.\n",
        o.slow, o.slow
    ));
    s
}

fn benchmark(o: &Options, args: &[String]) -> Result<(), Error> {
    let command = doc::command(Some("dash-bench-slow"), args);
    let load_before = doc::load_average();
    let mut rows = Vec::new();
    for &target in &o.targets {
        rows.push(measure(target, o)?);
    }
    let table = table(&rows, o);
    println!("{table}");
    if let Some(path) = &o.write {
        let mut conditions = Vec::new();
        if let (Some(before), Some(after)) = (load_before, doc::load_average()) {
            conditions.push(format!(
                "load average (1/5/15 min) before the run: {before}; after: {after}"
            ));
        }
        conditions.extend(o.notes.iter().cloned());
        doc::write_section(path, SECTION, &section(&table, o, &command, &conditions)).map_err(
            |source| Error::Write {
                path: path.clone(),
                source,
            },
        )?;
        eprintln!("dash-bench-slow: wrote the slow-callback section of {path}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_answers() {
        let body: Value =
            serde_json::from_slice(&Callback::Slow.body("x")).expect("the body is JSON");
        assert_eq!(body["output"], "slow-out.children");
        assert_eq!(body["inputs"][0]["id"], "slow-in");
        assert_eq!(Callback::Cheap.expected("y"), "cheap y");
        assert_eq!(cheap(None), "cheap ");
    }

    #[test]
    fn options() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let Ok(Some(o)) = parse(&args(&["--targets", "uvicorn,rust", "--every", "20"])) else {
            panic!("valid arguments");
        };
        assert_eq!(o.targets, vec![Target::Uvicorn, Target::Rust]);
        assert_eq!(o.every, Duration::from_millis(20));
        assert!(parse(&args(&["--slow", "0"])).is_err());
        assert!(parse(&args(&["--targets", "flask"])).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(short(Duration::from_micros(1240)), "1.2 ms");
        assert_eq!(short(Duration::from_millis(2800)), "2.80 s");
    }
}
