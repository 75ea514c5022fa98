//! `dash-bench-background`: background callbacks of dash-rs (embedded manager, and Redis
//! with worker processes) against Python Dash 4.4.1's DiskcacheManager, on 127.0.0.1.
//!
//! Two measurements per target, with a trivial job (it returns its input):
//!
//! - **latency**: jobs one after another; the time from the start request to the poll that
//!   brings the result (the client polls every 10 ms, not at the renderer's `interval`, so
//!   the server's own delay is what shows);
//! - **throughput**: many jobs through several concurrent clients; jobs per second from the
//!   first start request to the last result.
//!
//! ```text
//! cargo run --release -p dash-bench --bin dash-bench-background -- --help
//! ```
//!
//! The same binary is also the app under test: `serve` runs the web side, `--worker` a Redis
//! worker (what `Dash::run` does for any app).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use dash_bench::doc;
use dash_bench::probe::end_id;
use dash_bench::stats::nearest_rank as percentile;
use dash_e2e::app::{free_port, workspace_root, AppError, RunningApp};
use dash_e2e::http;
use dash_e2e::python::ensure_venv;
use dash_runtime::background::BackgroundManager;
use dash_runtime::prelude::*;
use serde_json::{json, Value};

/// The job under test: it returns its input.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
    background = true,
    interval = 100,
    prevent_initial_call = true,
)]
async fn echo(value: Option<String>) -> Option<String> {
    value
}

const USAGE: &str = "\
usage: dash-bench-background [options]

Measures a trivial background callback: latency (start request to result, jobs one after
another) and throughput (jobs per second through concurrent clients), for dash-rs with the
embedded manager, dash-rs with Redis and worker processes, and Python Dash 4.4.1's
DiskcacheManager. 127.0.0.1 only; prints a markdown table.

options:
  --latency-jobs N   sequential jobs for the latency (default 30, at most 500)
  --jobs N           jobs for the throughput (default 100, at most 2000)
  --clients N        concurrent clients for the throughput (default 4, at most 64)
  --workers N        Redis worker processes (default 2, at most 8)
  --targets LIST     comma-separated subset of: embedded,redis,python (default all)
  --write FILE       also write the section to FILE (replacing an earlier one)
  -h, --help         this text

The Redis target needs a redis-server (REDIS_URL, default redis://127.0.0.1:6379/);
without one it is skipped. BENCH_SHOW_SERVER_OUTPUT=1 prints each server's output.
Subcommands used internally: `serve` (the app), `--worker`.";

/// Client poll period.
const POLL: Duration = Duration::from_millis(10);

/// Bound of one job (start to result) before it counts as an error.
const JOB_TIMEOUT: Duration = Duration::from_secs(30);

/// Timeout of one HTTP exchange.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The name of the section in the results file (`<!-- dash-bench-background -->`).
const SECTION: &str = "background";

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    #[error("{0}")]
    Start(String),
    #[error("{target}: {message}")]
    Wrong { target: String, message: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    App(#[from] dash_runtime::Error),
}

impl From<AppError> for Error {
    fn from(e: AppError) -> Self {
        Error::Start(e.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Embedded,
    Redis,
    Python,
}

impl Target {
    fn parse(name: &str) -> Option<Target> {
        match name {
            "embedded" => Some(Target::Embedded),
            "redis" => Some(Target::Redis),
            "python" => Some(Target::Python),
            _ => None,
        }
    }

    fn label(self, workers: usize) -> String {
        match self {
            Target::Embedded => {
                "dash-rs, embedded manager (SQLite, jobs in the web process)".into()
            }
            Target::Redis => format!("dash-rs, Redis manager, 1 web process + {workers} workers"),
            Target::Python => "Python Dash 4.4.1, DiskcacheManager (Flask dev server)".into(),
        }
    }
}

#[derive(Debug)]
struct Options {
    latency_jobs: usize,
    jobs: usize,
    clients: usize,
    workers: usize,
    targets: Vec<Target>,
    write: Option<String>,
}

fn parse(args: &[String]) -> Result<Option<Options>, Error> {
    let mut o = Options {
        latency_jobs: 30,
        jobs: 100,
        clients: 4,
        workers: 2,
        targets: vec![Target::Embedded, Target::Redis, Target::Python],
        write: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| Error::Usage(format!("{name} needs a value")))
        };
        let number = |name: &str, v: String, max: usize| -> Result<usize, Error> {
            match v.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(Error::Usage(format!(
                    "{name} takes a number from 1 to {max}"
                ))),
            }
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--latency-jobs" => o.latency_jobs = number(arg, value(arg)?, 500)?,
            "--jobs" => o.jobs = number(arg, value(arg)?, 2000)?,
            "--clients" => o.clients = number(arg, value(arg)?, 64)?,
            "--workers" => o.workers = number(arg, value(arg)?, 8)?,
            "--write" => o.write = Some(value(arg)?),
            "--targets" => {
                o.targets = value(arg)?
                    .split(',')
                    .map(|t| {
                        Target::parse(t.trim())
                            .ok_or_else(|| Error::Usage(format!("unknown target {t:?}")))
                    })
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(Error::Usage(format!("unknown argument {other:?}"))),
        }
    }
    Ok(Some(o))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") | Some("--worker") => serve_app(),
        _ => match parse(&args) {
            Ok(None) => {
                println!("{USAGE}");
                Ok(())
            }
            Ok(Some(options)) => benchmark(&options, &args),
            Err(e) => Err(e),
        },
    };
    dash_bench::error::exit_code("dash-bench-background", result)
}

/// The app under test (web side, or a worker with `--worker`).
fn serve_app() -> Result<(), Error> {
    let manager = match std::env::var_os("BENCH_EMBEDDED_DB") {
        Some(path) => BackgroundManager::embedded_at(PathBuf::from(path)),
        None => BackgroundManager::from_env(),
    };
    Dash::new()
        .serve_locally(false)
        .background_manager(manager)
        .layout(html::div((
            dcc::Input::new().id("in"),
            html::Div::new().id("out"),
        )))
        .run()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Running the targets

/// A started target; dropping it stops everything it started.
struct Running {
    web: RunningApp,
    workers: Vec<Child>,
    cleanup: Option<String>,
    _dir: Option<TempDir>,
}

impl Drop for Running {
    fn drop(&mut self) {
        for w in &mut self.workers {
            let _ = w.kill();
            let _ = w.wait();
        }
        if let Some(prefix) = &self.cleanup {
            delete_keys(prefix);
        }
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn redis_url() -> String {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/".to_owned())
}

fn redis_available() -> bool {
    redis::Client::open(redis_url())
        .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(2)))
        .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
        .is_ok()
}

fn delete_keys(prefix: &str) {
    let Ok(client) = redis::Client::open(redis_url()) else {
        return;
    };
    let Ok(mut conn) = client.get_connection() else {
        return;
    };
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut conn)
        .unwrap_or_default();
    if !keys.is_empty() {
        let _: Result<i64, _> = redis::cmd("DEL").arg(&keys).query(&mut conn);
    }
}

fn suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}-{nanos:08x}", std::process::id())
}

fn start(target: Target, options: &Options) -> Result<Running, Error> {
    let exe = std::env::current_exe().map_err(|e| Error::Start(e.to_string()))?;
    let port = free_port()?;
    match target {
        Target::Embedded => {
            let dir = std::env::temp_dir().join(format!("dash-bench-bg-{}", suffix()));
            std::fs::create_dir_all(&dir).map_err(|e| Error::Start(e.to_string()))?;
            let mut cmd = Command::new(exe);
            cmd.arg("serve")
                .env_remove("REDIS_URL")
                .env("BENCH_EMBEDDED_DB", dir.join("jobs.sqlite3"))
                .env("RUST_LOG", "warn");
            Ok(Running {
                web: RunningApp::start_command(cmd, port)?,
                workers: Vec::new(),
                cleanup: None,
                _dir: Some(TempDir(dir)),
            })
        }
        Target::Redis => {
            let prefix = format!("dash-bench:{}:", suffix());
            let configure = |cmd: &mut Command| {
                cmd.env("REDIS_URL", redis_url())
                    .env("DASH_BACKGROUND_KEY_PREFIX", &prefix)
                    .env("RUST_LOG", "warn");
            };
            let mut workers = Vec::new();
            for _ in 0..options.workers {
                let mut cmd = Command::new(&exe);
                cmd.arg("--worker")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::inherit());
                configure(&mut cmd);
                workers.push(
                    cmd.spawn()
                        .map_err(|e| Error::Start(format!("worker: {e}")))?,
                );
            }
            let mut cmd = Command::new(exe);
            cmd.arg("serve");
            configure(&mut cmd);
            Ok(Running {
                web: RunningApp::start_command(cmd, port)?,
                workers,
                cleanup: Some(prefix),
                _dir: None,
            })
        }
        Target::Python => {
            let venv = ensure_venv().map_err(|e| Error::Start(e.to_string()))?;
            let mut cmd = Command::new(venv.join("bin").join("python"));
            cmd.arg(workspace_root().join("bench/python/background_trivial.py"))
                .env("PYTHONDONTWRITEBYTECODE", "1");
            Ok(Running {
                web: RunningApp::start_command(cmd, port)?,
                workers: Vec::new(),
                cleanup: None,
                _dir: None,
            })
        }
    }
}

// ---------------------------------------------------------------------------------------
// The client

struct Client {
    label: String,
    url: String,
}

impl Client {
    fn new(label: String, base: &str) -> Result<Client, Error> {
        let wrong = |message: String| Error::Wrong {
            target: label.clone(),
            message,
        };
        let index =
            http::get(&format!("{base}/"), HTTP_TIMEOUT).map_err(|e| wrong(e.to_string()))?;
        let html = index.text();
        let end_id = end_id(&html).ok_or_else(|| wrong("no end_id in the index page".into()))?;
        Ok(Client {
            url: format!("{base}/_dash-update-component?endId={end_id}"),
            label,
        })
    }

    /// One job, start to result: the time it took.
    fn job(&self, value: &str) -> Result<Duration, String> {
        let body = json!({
            "output": "out.children",
            "outputs": {"id": "out", "property": "children"},
            "inputs": [{"id": "in", "property": "value", "value": value}],
            "changedPropIds": ["in.value"],
        });
        let begun = Instant::now();
        let started = http::post_json(&self.url, &body, HTTP_TIMEOUT).map_err(|e| e.to_string())?;
        if started.status != 200 {
            return Err(format!(
                "start answered {}: {}",
                started.status,
                started.text()
            ));
        }
        let started = started.json().map_err(|e| e.to_string())?;
        let (Some(key), Some(job)) = (started["cacheKey"].as_str(), started["job"].as_str()) else {
            return Err(format!("start answer without handles: {started}"));
        };
        let poll_url = format!("{}&cacheKey={key}&job={job}", self.url);
        let mut poll_body = body.clone();
        poll_body["inputs"][0]["value"] = Value::Null;
        loop {
            let answer =
                http::post_json(&poll_url, &poll_body, HTTP_TIMEOUT).map_err(|e| e.to_string())?;
            if answer.status != 200 {
                return Err(format!(
                    "poll answered {}: {}",
                    answer.status,
                    answer.text()
                ));
            }
            let answer = answer.json().map_err(|e| e.to_string())?;
            if let Some(response) = answer.get("response") {
                let got = &response["out"]["children"];
                if got != value {
                    return Err(format!("wrong result {got} for {value:?}"));
                }
                return Ok(begun.elapsed());
            }
            if begun.elapsed() > JOB_TIMEOUT {
                return Err(format!("no result within {} s", JOB_TIMEOUT.as_secs()));
            }
            thread::sleep(POLL);
        }
    }
}

struct Measured {
    label: String,
    latencies: Vec<Duration>,
    latency_errors: usize,
    jobs: usize,
    errors: usize,
    elapsed: Duration,
}

fn measure(client: Arc<Client>, options: &Options) -> Result<Measured, Error> {
    // Warm-up: a few jobs, unmeasured; one must work.
    let warm: Vec<Result<Duration, String>> =
        (0..3).map(|i| client.job(&format!("warm-{i}"))).collect();
    if let Some(Err(message)) = warm
        .iter()
        .find(|r| r.is_err())
        .filter(|_| warm.iter().all(Result::is_err))
    {
        return Err(Error::Wrong {
            target: client.label.clone(),
            message: message.clone(),
        });
    }
    let mut latencies = Vec::with_capacity(options.latency_jobs);
    let mut latency_errors = Vec::new();
    for i in 0..options.latency_jobs {
        match client.job(&format!("latency-{i}")) {
            Ok(took) => latencies.push(took),
            Err(e) => latency_errors.push(e),
        }
    }
    if let Some(first) = latency_errors.first() {
        eprintln!(
            "dash-bench-background: {}: {} failed sequential jobs, e.g. {first}",
            client.label,
            latency_errors.len()
        );
    }
    let queue: Arc<Mutex<VecDeque<usize>>> = Arc::new(Mutex::new((0..options.jobs).collect()));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let begun = Instant::now();
    let threads: Vec<_> = (0..options.clients)
        .map(|_| {
            let (client, queue, errors) = (client.clone(), queue.clone(), errors.clone());
            thread::spawn(move || loop {
                let next = queue
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pop_front();
                let Some(i) = next else { break };
                if let Err(e) = client.job(&format!("job-{i}")) {
                    errors
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(e);
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let elapsed = begun.elapsed();
    let errors = errors
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if let Some(first) = errors.first() {
        eprintln!(
            "dash-bench-background: {}: {} failed jobs, e.g. {first}",
            client.label,
            errors.len()
        );
    }
    Ok(Measured {
        label: client.label.clone(),
        latencies,
        latency_errors: latency_errors.len(),
        jobs: options.jobs,
        errors: errors.len(),
        elapsed,
    })
}

// ---------------------------------------------------------------------------------------
// Report

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn table(rows: &[Measured], options: &Options) -> String {
    let mut out = format!(
        "| target | latency p50 | latency p90 | latency max | throughput ({} jobs, {} clients) | failed jobs (latency + throughput) |\n|---|---:|---:|---:|---:|---:|\n",
        options.jobs, options.clients
    );
    for r in rows {
        let mut sorted = r.latencies.clone();
        sorted.sort();
        let per_sec = r.jobs.saturating_sub(r.errors) as f64 / r.elapsed.as_secs_f64().max(1e-9);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} jobs/s | {} + {} |\n",
            r.label,
            ms(percentile(&sorted, 50.0)),
            ms(percentile(&sorted, 90.0)),
            ms(sorted.last().copied().unwrap_or_default()),
            per_sec,
            r.latency_errors,
            r.errors
        ));
    }
    out
}

fn section(table: &str, options: &Options, command: &str, notes: &[String]) -> String {
    let mut s = format!("{}\n## Background callbacks\n\n", doc::marker(SECTION));
    s.push_str("A trivial background callback (it returns its input), started and polled the way dash-renderer does it (§6.2 of the protocol notes).\n\n");
    s.push_str(&format!(
        "- date (UTC): {}\n- command: `{command}`\n",
        doc::utc_now()
    ));
    s.push_str(&format!(
        "- latency: {} jobs one after another (after 3 unmeasured), percentiles over the finished ones, from the start request to the poll that brings the result; the client polls every {} ms instead of the renderer's `interval`, so what shows is the server's own delay\n",
        options.latency_jobs,
        POLL.as_millis()
    ));
    s.push_str(&format!(
        "- throughput: {} jobs through {} concurrent clients (each runs one job at a time, start to result), jobs per second from the first start to the last result\n",
        options.jobs, options.clients
    ));
    s.push_str("- targets: dash-rs embedded (SQLite file in a temporary directory, jobs on the web process's runtime); dash-rs Redis (one web process, worker processes of the same binary started with `--worker`, 4 jobs each at most, the local `redis-server`); Python Dash 4.4.1 with `DiskcacheManager` (one process per job, `bench/python/background_trivial.py` under the Flask development server)\n");
    s.push_str("- machine: 2 logical CPUs shared by the clients, the servers, the workers and Redis; 127.0.0.1 only\n");
    s.push_str("- errors: jobs that got no result (an error status, a 204 — the job's result was lost — or nothing within 30 s); throughput counts finished jobs only. Python's DiskcacheManager loses jobs when several run at once: their processes fail to store the result (`diskcache.core.Timeout`), and their polls answer 204 or 500, or never finish\n");
    for n in notes {
        s.push_str(&format!("- {n}\n"));
    }
    s.push('\n');
    s.push_str(table);
    s.push_str("\nAbsolute numbers move between runs; compare the rows of one run.\n");
    s
}

fn benchmark(options: &Options, args: &[String]) -> Result<(), Error> {
    let command = doc::command(Some("dash-bench-background"), args);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for &target in &options.targets {
        let label = target.label(options.workers);
        if target == Target::Redis && !redis_available() {
            eprintln!(
                "dash-bench-background: no redis-server at {}; skipping {label}",
                redis_url()
            );
            notes.push(format!("{label}: skipped, no redis-server answered"));
            continue;
        }
        eprintln!("dash-bench-background: starting {label}");
        let running = start(target, options)?;
        let client = Arc::new(Client::new(label.clone(), &running.web.url())?);
        eprintln!(
            "dash-bench-background: {} sequential jobs, then {} jobs through {} clients",
            options.latency_jobs, options.jobs, options.clients
        );
        let measured = measure(client, options);
        if std::env::var_os("BENCH_SHOW_SERVER_OUTPUT").is_some() {
            eprintln!("--- server output ---\n{}", running.web.output());
        }
        let measured = measured.map_err(|e| match e {
            Error::Wrong { target, message } => Error::Wrong {
                target,
                message: format!("{message}\nserver output:\n{}", running.web.output()),
            },
            other => other,
        })?;
        eprintln!(
            "dash-bench-background: {label}: {:.1} jobs/s",
            measured.jobs as f64 / measured.elapsed.as_secs_f64().max(1e-9)
        );
        rows.push(measured);
        drop(running);
    }
    let table = table(&rows, options);
    println!("{table}");
    if let Some(path) = &options.write {
        doc::write_section(path, SECTION, &section(&table, options, &command, &notes)).map_err(
            |source| Error::Write {
                path: path.clone(),
                source,
            },
        )?;
        eprintln!("dash-bench-background: wrote the background section of {path}");
    }
    Ok(())
}
