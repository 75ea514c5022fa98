//! `dash-bench-store`: server-side data.
//!
//! 1. **A 1-million-row frame to the browser and back.** A callback fills a `dcc.Store` with
//!    a frame of 1,000,000 rows (`x` = 0..n as f64, `y` = sin(x / 1000), as in the `store`
//!    example) and another takes the store as `State` and answers
//!    "rows: <n>, mean y: <6 decimals>". Measured over the real protocol
//!    (`POST /_dash-update-component`, bodies as dash-renderer sends them): the size of the
//!    answer that fills the store and of the request that sends it back, and the time of
//!    both calls. Targets: Python Dash 4.4.1 with the frame as JSON (`bench/python/store_plain.py`
//!    under gunicorn); dash-rs with the frame as JSON; dash-rs with `Serverside<Frame>` on the
//!    embedded store and on Redis; dash-extensions 2.0.6's `ServersideOutputTransform` with its
//!    `FileSystemBackend` (`bench/python/store_extensions.py` under gunicorn, in a venv of its
//!    own, see `dash_bench::store`).
//! 2. **Store get/put latency** for 1 KB, 1 MB and 100 MB values: dash-rs's `DataStore`
//!    (`put_bytes`/`get_bytes`) on the embedded backend (SQLite file in a temporary
//!    directory; reads from the memory tier, and reads from the file with the memory tier
//!    off) and on Redis, and dash-extensions' `FileSystemBackend` (`set`/`get` from Python).
//!
//! ```text
//! cargo run --release -p dash-bench --bin dash-bench-store -- --write docs/benchmarks.md
//! ```

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use bytes::Bytes;
use dash_bench::stats::nearest_rank;
use dash_bench::{doc, loadgen, probe, python, store as ext};
use dash_e2e::app::{free_port, workspace_root, RunningApp};
use dash_e2e::python::PythonServer;
use dash_runtime::prelude::*;
use dash_runtime::store::DataStore;
use hyper::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Rows of the frame.
const ROWS: usize = 1_000_000;

/// A column-oriented frame: `x` is 0..n, `y` is `sin(x / 1000)` (the `store` example's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Frame {
    x: Vec<f64>,
    y: Vec<f64>,
}

impl Frame {
    fn generate(rows: usize) -> Frame {
        let x: Vec<f64> = (0..rows).map(|i| i as f64).collect();
        let y = x.iter().map(|x| (x / 1000.0).sin()).collect();
        Frame { x, y }
    }

    fn summary(&self) -> String {
        let mean = if self.y.is_empty() {
            0.0
        } else {
            self.y.iter().sum::<f64>() / self.y.len() as f64
        };
        format!("rows: {}, mean y: {mean:.6}", self.y.len())
    }
}

/// The frame as plain JSON in `frame.data`: what a Dash app does without server-side storage.
#[callback(
    output = Output("frame", "data"),
    inputs = [Input("load", "n_clicks")],
    prevent_initial_call = true,
)]
fn load(_clicks: Option<u64>) -> Frame {
    Frame::generate(ROWS)
}

/// The browser sends the whole frame back.
#[callback(
    output = Output("stats", "children"),
    inputs = [Input("go", "n_clicks")],
    state = [State("frame", "data")],
    prevent_initial_call = true,
)]
fn stats(_clicks: Option<u64>, frame: Option<Frame>) -> String {
    frame.map_or_else(|| "no data loaded".to_owned(), |f| f.summary())
}

/// The frame kept in the data store; the browser receives a key.
#[callback(
    output = Output("frame-ss", "data"),
    inputs = [Input("load-ss", "n_clicks")],
    prevent_initial_call = true,
)]
fn load_serverside(_clicks: Option<u64>) -> Serverside<Frame> {
    Serverside::new(Frame::generate(ROWS))
}

/// The browser sends the key back; the value is loaded from the store before the call.
#[callback(
    output = Output("stats-ss", "children"),
    inputs = [Input("go-ss", "n_clicks")],
    state = [State("frame-ss", "data")],
    prevent_initial_call = true,
)]
fn stats_serverside(_clicks: Option<u64>, frame: Option<Serverside<Frame>>) -> String {
    frame.map_or_else(|| "no data loaded".to_owned(), |f| f.summary())
}

/// The app under test. Its data store: `BENCH_STORE_REDIS` (with `BENCH_STORE_APP` naming the
/// key prefix), else the SQLite file `BENCH_STORE_DB`, else the default.
fn serve_app() -> Result<(), Error> {
    let store = match (
        std::env::var("BENCH_STORE_REDIS"),
        std::env::var_os("BENCH_STORE_DB"),
    ) {
        (Ok(url), _) => DataStore::redis(url).app_name(
            std::env::var("BENCH_STORE_APP").unwrap_or_else(|_| "dash-bench-store".into()),
        ),
        (Err(_), Some(path)) => DataStore::embedded_at(PathBuf::from(path)),
        (Err(_), None) => DataStore::from_env(),
    };
    Dash::new()
        .serve_locally(false)
        .data_store(store)
        .layout(html::div((
            html::button("Load data").id("load"),
            dcc::Store::new().id("frame"),
            html::button("Stats").id("go"),
            html::Div::new().id("stats"),
            html::button("Load data (server-side)").id("load-ss"),
            dcc::Store::new().id("frame-ss"),
            html::button("Stats (server-side)").id("go-ss"),
            html::Div::new().id("stats-ss"),
        )))
        .run()?;
    Ok(())
}

const USAGE: &str = "\
usage: dash-bench-store [options]

1. A 1,000,000-row frame to the browser and back: the answer that fills a dcc.Store and the
   request that sends it back as State (sizes and times), for Python Dash 4.4.1 (JSON),
   dash-rs (JSON), dash-rs Serverside<Frame> (embedded store, Redis) and dash-extensions
   2.0.6 ServersideOutputTransform + FileSystemBackend.
2. Store get/put latency for 1 KB, 1 MB and 100 MB values: dash-rs embedded (SQLite in a
   temporary directory) and Redis, dash-extensions FileSystemBackend.
127.0.0.1 only; prints markdown tables. dash-extensions goes into a venv of its own,
target/store-bench-venv, made on first use.

options:
  --rounds N        measured round trips per target, after one unmeasured (default 5, 1-20)
  --runs N          measured get/put runs for 1 KB and 1 MB, after one unmeasured
                    (default 20, 1-1000)
  --big-runs N      measured get/put runs for 100 MB (default 3, 1-20)
  --targets LIST    comma-separated subset of: python,rust-json,rust-embedded,rust-redis,
                    extensions (default all)
  --latency LIST    comma-separated subset of: embedded,redis,extensions, or none
                    (default all)
  --workers N       gunicorn workers for the Python apps (default 2, 1-8)
  --threads N       threads per gunicorn gthread worker (default 4, 2-64)
  --note TEXT       a line for the report, e.g. what else ran (repeatable)
  --write FILE      also write the section to FILE (replacing an earlier one)
  -h, --help        this text

Redis: REDIS_URL, default redis://127.0.0.1:6379/; skipped when no server answers. Keys go
under a prefix unique to the run and are deleted afterwards.

Subcommand used internally: `serve` (the dash-rs app).";

/// Timeout of one HTTP exchange.
const HTTP_TIMEOUT: Duration = Duration::from_secs(180);

/// The name of the section in the results file (`<!-- dash-bench-store -->`).
const SECTION: &str = "store";

/// The value sizes of the latency table.
const SIZES: [usize; 3] = [1_000, 1_000_000, 100_000_000];

/// TTL of the values the latency runs write (they are deleted right after).
const LATENCY_TTL: Duration = Duration::from_secs(600);

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
    Python,
    RustJson,
    RustEmbedded,
    RustRedis,
    Extensions,
}

impl Target {
    const ALL: [Target; 5] = [
        Target::Python,
        Target::RustJson,
        Target::RustEmbedded,
        Target::RustRedis,
        Target::Extensions,
    ];

    fn parse(name: &str) -> Option<Target> {
        match name {
            "python" => Some(Target::Python),
            "rust-json" => Some(Target::RustJson),
            "rust-embedded" => Some(Target::RustEmbedded),
            "rust-redis" => Some(Target::RustRedis),
            "extensions" => Some(Target::Extensions),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Target::Python => "Python Dash 4.4.1, frame as JSON in `dcc.Store`",
            Target::RustJson => "dash-rs, frame as JSON in `dcc.Store`",
            Target::RustEmbedded => "dash-rs, `Serverside<Frame>`, embedded store",
            Target::RustRedis => "dash-rs, `Serverside<Frame>`, Redis store",
            Target::Extensions => {
                "dash-extensions 2.0.6, `ServersideOutputTransform` + `FileSystemBackend`"
            }
        }
    }

    fn description(self, o: &Options) -> String {
        let gunicorn = format!(
            "under gunicorn, {} `gthread` workers x {} threads",
            o.workers, o.threads
        );
        match self {
            Target::Python => format!(
                "`bench/python/store_plain.py` (Flask backend, lists of floats, no pandas) \
                 {gunicorn}, from the conformance venv"
            ),
            Target::RustJson => "the app of `bench/src/bin/store.rs` (`dash-bench-store \
                                 serve`): the callback returns the `Frame` struct (two \
                                 `Vec<f64>`), serialised as JSON; the State parameter is \
                                 `Option<Frame>`, deserialised from the request"
                .into(),
            Target::RustEmbedded => "the same app: the callback returns \
                                     `Serverside::new(frame)` (MessagePack, zstd-compressed) \
                                     into the embedded store (SQLite file in a temporary \
                                     directory, memory tier in front), the State parameter is \
                                     `Option<Serverside<Frame>>`"
                .into(),
            Target::RustRedis => "the same app with `DataStore::redis` (the local \
                                  `redis-server`, keys under a prefix of this run, deleted \
                                  afterwards)"
                .into(),
            Target::Extensions => format!(
                "`bench/python/store_extensions.py`: `DashProxy` with \
                 `ServersideOutputTransform(backends=[FileSystemBackend(<temporary \
                 directory>)])`, the callback returns `Serverside(frame)` (pickled to a file), \
                 the State callback receives the frame loaded by the transform; {gunicorn}, in \
                 a venv of its own (`target/store-bench-venv`: {})",
                ext::REQUIREMENTS.join(", ")
            ),
        }
    }

    fn ids(self) -> Ids {
        match self {
            Target::RustEmbedded | Target::RustRedis => Ids {
                load: "load-ss",
                store: "frame-ss",
                go: "go-ss",
                stats: "stats-ss",
            },
            _ => Ids {
                load: "load",
                store: "frame",
                go: "go",
                stats: "stats",
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Embedded,
    Redis,
    Extensions,
}

impl Backend {
    const ALL: [Backend; 3] = [Backend::Embedded, Backend::Redis, Backend::Extensions];

    fn parse(name: &str) -> Option<Backend> {
        match name {
            "embedded" => Some(Backend::Embedded),
            "redis" => Some(Backend::Redis),
            "extensions" => Some(Backend::Extensions),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Options {
    rounds: usize,
    runs: usize,
    big_runs: usize,
    targets: Vec<Target>,
    latency: Vec<Backend>,
    workers: usize,
    threads: usize,
    notes: Vec<String>,
    write: Option<String>,
}

fn list<T: PartialEq>(value: &str, parse: fn(&str) -> Option<T>) -> Result<Vec<T>, Error> {
    let mut out = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name == "none" {
            continue;
        }
        let item = parse(name).ok_or_else(|| usage(format!("unknown name {name:?}")))?;
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(out)
}

fn parse(args: &[String]) -> Result<Option<Options>, Error> {
    let mut o = Options {
        rounds: 5,
        runs: 20,
        big_runs: 3,
        targets: Target::ALL.to_vec(),
        latency: Backend::ALL.to_vec(),
        workers: 2,
        threads: 4,
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
            "--runs" => o.runs = number(arg, value(arg)?, 1, 1000)?,
            "--big-runs" => o.big_runs = number(arg, value(arg)?, 1, 20)?,
            "--workers" => o.workers = number(arg, value(arg)?, 1, 8)?,
            "--threads" => o.threads = number(arg, value(arg)?, 2, 64)?,
            "--targets" => o.targets = list(&value(arg)?, Target::parse)?,
            "--latency" => o.latency = list(&value(arg)?, Backend::parse)?,
            "--note" => o.notes.push(value(arg)?),
            "--write" => o.write = Some(value(arg)?),
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
    dash_bench::error::exit_code("dash-bench-store", result)
}

// ---------------------------------------------------------------------------------------
// Helpers: temporary directories, Redis

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> Result<TempDir, String> {
        let dir = std::env::temp_dir().join(format!("dash-bench-store-{what}-{}", suffix()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(TempDir(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}-{nanos:08x}", std::process::id())
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

/// The Redis key prefix of a data store named `app` (`dash-rs:<app>:`).
fn redis_prefix(app: &str) -> String {
    format!("dash-rs:{app}:")
}

/// Delete every key under `prefix`; how many there were.
fn delete_keys(prefix: &str) -> usize {
    let Ok(client) = redis::Client::open(redis_url()) else {
        return 0;
    };
    let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(2)) else {
        return 0;
    };
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut conn)
        .unwrap_or_default();
    if !keys.is_empty() {
        let _: Result<i64, _> = redis::cmd("DEL").arg(&keys).query(&mut conn);
    }
    keys.len()
}

// ---------------------------------------------------------------------------------------
// Part 1: the frame round trip

/// A started target; dropping it stops the server and removes what it wrote.
struct Running {
    app: RunningApp,
    redis_app: Option<String>,
    dir: Option<TempDir>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(app) = &self.redis_app {
            let n = delete_keys(&redis_prefix(app));
            eprintln!("dash-bench-store: deleted {n} Redis keys of {app}");
        }
    }
}

fn start(target: Target, o: &Options) -> Result<Running, Error> {
    let failed = |message: String| Error::Start {
        target: target.label().to_owned(),
        message,
    };
    let rust = |configure: &dyn Fn(&mut Command)| -> Result<RunningApp, Error> {
        let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
        let port = free_port().map_err(|e| failed(e.to_string()))?;
        let mut cmd = Command::new(exe);
        cmd.arg("serve")
            .current_dir(workspace_root())
            .env_remove("REDIS_URL")
            .env_remove("BENCH_STORE_REDIS")
            .env("RUST_LOG", "warn");
        configure(&mut cmd);
        RunningApp::start_command(cmd, port).map_err(|e| failed(e.to_string()))
    };
    match target {
        Target::Python => {
            let app = python::start(
                "store_plain",
                PythonServer::Gunicorn {
                    workers: o.workers,
                    threads: o.threads,
                },
            )
            .map_err(failed)?;
            Ok(Running {
                app,
                redis_app: None,
                dir: None,
            })
        }
        Target::RustJson | Target::RustEmbedded => {
            let dir = TempDir::new("app").map_err(failed)?;
            let db = dir.path().join("data.sqlite3");
            let app = rust(&|cmd| {
                cmd.env("BENCH_STORE_DB", &db);
            })?;
            Ok(Running {
                app,
                redis_app: None,
                dir: Some(dir),
            })
        }
        Target::RustRedis => {
            let name = format!("dash-bench-store-{}", suffix());
            let app = rust(&|cmd| {
                cmd.env("BENCH_STORE_REDIS", redis_url())
                    .env("BENCH_STORE_APP", &name);
            })?;
            Ok(Running {
                app,
                redis_app: Some(name),
                dir: None,
            })
        }
        Target::Extensions => {
            let venv = ext::ensure_extensions_venv().map_err(failed)?;
            let dir = TempDir::new("fs-backend").map_err(failed)?;
            let app = ext::start_app(&venv, dir.path(), o.workers, o.threads).map_err(failed)?;
            Ok(Running {
                app,
                redis_app: None,
                dir: Some(dir),
            })
        }
    }
}

/// The component ids of one half of the app.
#[derive(Debug, Clone, Copy)]
struct Ids {
    load: &'static str,
    store: &'static str,
    go: &'static str,
    stats: &'static str,
}

impl Ids {
    /// The renderer's body for the click on `load` that fills the store.
    fn fill_body(self, clicks: usize) -> Bytes {
        Bytes::from(
            json!({
                "output": format!("{}.data", self.store),
                "outputs": {"id": self.store, "property": "data"},
                "inputs": [{"id": self.load, "property": "n_clicks", "value": clicks}],
                "changedPropIds": [format!("{}.n_clicks", self.load)],
                "parsedChangedPropsIds": [format!("{}.n_clicks", self.load)],
            })
            .to_string(),
        )
    }

    /// The renderer's body for the click on `go`, with the store's data as State.
    fn stats_body(self, clicks: usize, data: &Value) -> Bytes {
        Bytes::from(
            json!({
                "output": format!("{}.children", self.stats),
                "outputs": {"id": self.stats, "property": "children"},
                "inputs": [{"id": self.go, "property": "n_clicks", "value": clicks}],
                "changedPropIds": [format!("{}.n_clicks", self.go)],
                "parsedChangedPropsIds": [format!("{}.n_clicks", self.go)],
                "state": [{"id": self.store, "property": "data", "value": data}],
            })
            .to_string(),
        )
    }
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

/// One timed callback request; the answer's `response.<id>.<property>`.
async fn call(
    addr: SocketAddr,
    path: &str,
    body: Bytes,
    id: &str,
    property: &str,
) -> Result<(Duration, usize, Value), String> {
    let started = Instant::now();
    let (status, answer) = exchange(addr, Method::POST, path, Some(body)).await?;
    let took = started.elapsed();
    let shown = |answer: &[u8]| {
        let text = String::from_utf8_lossy(&answer[..answer.len().min(300)]).into_owned();
        format!("{status} {text}")
    };
    if status != StatusCode::OK {
        return Err(shown(&answer));
    }
    let mut parsed: Value = serde_json::from_slice(&answer).map_err(|e| format!("{e}"))?;
    let value = parsed
        .get_mut("response")
        .and_then(|r| r.get_mut(id))
        .and_then(|r| r.get_mut(property))
        .map(Value::take)
        .ok_or_else(|| shown(&answer))?;
    Ok((took, answer.len(), value))
}

/// One measured round trip.
#[derive(Debug, Clone)]
struct RoundTrip {
    fill: Duration,
    answer_bytes: usize,
    stats: Duration,
    request_bytes: usize,
}

/// What the store holds after the fill: the frame itself, or a key of some bytes.
fn check_data(target: Target, data: &Value) -> Result<(), String> {
    let ok = match target {
        Target::Python | Target::RustJson => {
            data.get("x").and_then(Value::as_array).map(Vec::len) == Some(ROWS)
                && data.get("y").and_then(Value::as_array).map(Vec::len) == Some(ROWS)
        }
        Target::RustEmbedded | Target::RustRedis => data
            .as_str()
            .is_some_and(|k| k.starts_with(dash_runtime::callback::KEY_PREFIX)),
        Target::Extensions => data.as_str().is_some_and(|k| k.starts_with("SERVERSIDE_")),
    };
    if ok {
        Ok(())
    } else {
        let text = data.to_string();
        Err(format!(
            "unexpected store data: {}",
            &text[..text.len().min(200)]
        ))
    }
}

async fn round_trip(
    target: Target,
    addr: SocketAddr,
    path: &str,
    clicks: usize,
) -> Result<(RoundTrip, String), String> {
    let ids = target.ids();
    let (fill, answer_bytes, data) = call(addr, path, ids.fill_body(clicks), ids.store, "data")
        .await
        .map_err(|e| format!("fill: {e}"))?;
    check_data(target, &data)?;
    let key = data.as_str().map(str::to_owned).unwrap_or_default();
    let body = ids.stats_body(clicks, &data);
    drop(data);
    let request_bytes = body.len();
    let (stats, _, text) = call(addr, path, body, ids.stats, "children")
        .await
        .map_err(|e| format!("stats: {e}"))?;
    let text = text.as_str().unwrap_or_default().to_owned();
    if !text.starts_with(&format!("rows: {ROWS}, mean y: ")) {
        return Err(format!("stats answered {text:?}"));
    }
    Ok((
        RoundTrip {
            fill,
            answer_bytes,
            stats,
            request_bytes,
        },
        if key.is_empty() { text } else { key },
    ))
}

struct Measured {
    target: Target,
    trips: Vec<RoundTrip>,
    errors: Vec<String>,
    /// The stats text, or the key the store held (an example for the report).
    sample: String,
}

fn measure(target: Target, o: &Options) -> Result<Measured, Error> {
    let label = target.label();
    eprintln!("dash-bench-store: starting {label}");
    let running = start(target, o)?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, running.app.port()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let result = runtime.block_on(async {
        let (status, index) = exchange(addr, Method::GET, "/", None)
            .await
            .map_err(|m| (format!("GET /: {m}"), Vec::new()))?;
        if status != StatusCode::OK {
            return Err((format!("GET / answered {status}"), Vec::new()));
        }
        let path = match probe::end_id(&String::from_utf8_lossy(&index)) {
            Some(end_id) => format!("/_dash-update-component?endId={end_id}"),
            None => "/_dash-update-component".to_string(),
        };
        let (mut trips, mut errors, mut sample) = (Vec::new(), Vec::new(), String::new());
        for round in 0..=o.rounds {
            match round_trip(target, addr, &path, round + 1).await {
                Ok((trip, seen)) => {
                    eprintln!(
                        "dash-bench-store: {label}: round {round}{}: fill {:.1} ms ({} bytes), \
                         stats {:.1} ms ({} bytes sent)",
                        if round == 0 { " (unmeasured)" } else { "" },
                        ms(trip.fill),
                        trip.answer_bytes,
                        ms(trip.stats),
                        trip.request_bytes,
                    );
                    sample = seen;
                    if round > 0 {
                        trips.push(trip);
                    }
                }
                Err(e) if round == 0 => return Err((e, errors)),
                Err(e) => {
                    eprintln!("dash-bench-store: {label}: round {round}: {e}");
                    errors.push(e);
                }
            }
        }
        Ok((trips, errors, sample))
    });
    match result {
        Ok((trips, errors, sample)) => Ok(Measured {
            target,
            trips,
            errors,
            // dash-extensions' reference names the backend's directory: not for the report.
            sample: match running.dir.as_ref().and_then(|d| d.path().to_str()) {
                Some(dir) => sample.replace(dir, "<temporary directory>"),
                None => sample,
            },
        }),
        Err((message, _)) => Err(Error::Wrong {
            target: label.to_owned(),
            message: format!("{message}\nserver output:\n{}", running.app.output()),
        }),
    }
}

// ---------------------------------------------------------------------------------------
// Part 2: get/put latency

/// The get and put times of one backend and size.
struct Latency {
    backend: String,
    size: usize,
    put: Vec<Duration>,
    get: Vec<Duration>,
}

/// `n` bytes that do not compress (xorshift64).
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(n);
    out
}

fn runs_for(size: usize, o: &Options) -> usize {
    if size >= 100_000_000 {
        o.big_runs
    } else {
        o.runs
    }
}

/// `put_bytes` then `get_bytes` of a fresh key, `runs + 1` times per size (the first
/// unmeasured), each key deleted right after.
async fn store_latency(
    label: &str,
    store: &DataStore,
    o: &Options,
) -> Result<Vec<Latency>, String> {
    let mut out = Vec::new();
    for size in SIZES {
        let runs = runs_for(size, o);
        let mut row = Latency {
            backend: label.to_owned(),
            size,
            put: Vec::new(),
            get: Vec::new(),
        };
        for run in 0..=runs {
            let value = noise(size, (size + run) as u64);
            let key = format!("raw:dash-bench-store:{size}:{run}");
            let copy = value.clone();
            let started = Instant::now();
            store
                .put_bytes(&key, copy, Some(LATENCY_TTL))
                .await
                .map_err(|e| format!("{label}: put of {size} bytes: {e}"))?;
            let put = started.elapsed();
            let started = Instant::now();
            let back = store
                .get_bytes(&key)
                .await
                .map_err(|e| format!("{label}: get of {size} bytes: {e}"))?;
            let get = started.elapsed();
            if back.as_deref() != Some(&value[..]) {
                return Err(format!("{label}: the {size}-byte value did not come back"));
            }
            store
                .delete(&key)
                .await
                .map_err(|e| format!("{label}: delete: {e}"))?;
            if run > 0 {
                row.put.push(put);
                row.get.push(get);
            }
        }
        eprintln!(
            "dash-bench-store: {label}, {}: put p50 {:.2} ms, get p50 {:.2} ms",
            size_label(size),
            ms(median(&row.put)),
            ms(median(&row.get)),
        );
        out.push(row);
    }
    Ok(out)
}

const EMBEDDED_MEMORY: &str = "dash-rs embedded: SQLite write-through, read from the memory tier";
const EMBEDDED_FILE: &str =
    "dash-rs embedded, memory tier off (`memory_budget(0)`): reads from the SQLite file";
const REDIS: &str = "dash-rs Redis (`redis-server` on 127.0.0.1)";
const EXTENSIONS: &str = "dash-extensions 2.0.6 `FileSystemBackend` (`set`/`get` from Python)";

fn latency(o: &Options, notes: &mut Vec<String>) -> Result<Vec<Latency>, Error> {
    let failed = |target: &str, message: String| Error::Wrong {
        target: target.to_owned(),
        message,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let mut rows = Vec::new();
    for &backend in &o.latency {
        match backend {
            Backend::Embedded => {
                let dir = TempDir::new("latency").map_err(|m| failed(EMBEDDED_MEMORY, m))?;
                let hot = DataStore::embedded_at(dir.path().join("hot.sqlite3"));
                rows.extend(
                    runtime
                        .block_on(store_latency(EMBEDDED_MEMORY, &hot, o))
                        .map_err(|m| failed(EMBEDDED_MEMORY, m))?,
                );
                let cold = DataStore::embedded_at(dir.path().join("cold.sqlite3")).memory_budget(0);
                rows.extend(
                    runtime
                        .block_on(store_latency(EMBEDDED_FILE, &cold, o))
                        .map_err(|m| failed(EMBEDDED_FILE, m))?,
                );
            }
            Backend::Redis => {
                if !redis_available() {
                    eprintln!(
                        "dash-bench-store: no redis-server at {}; skipping",
                        redis_url()
                    );
                    notes.push(format!("{REDIS}: skipped, no redis-server answered"));
                    continue;
                }
                let app = format!("dash-bench-store-latency-{}", suffix());
                let store = DataStore::redis(redis_url()).app_name(&app);
                let result = runtime.block_on(store_latency(REDIS, &store, o));
                delete_keys(&redis_prefix(&app));
                rows.extend(result.map_err(|m| failed(REDIS, m))?);
            }
            Backend::Extensions => {
                let venv = ext::ensure_extensions_venv().map_err(|m| failed(EXTENSIONS, m))?;
                let dir = TempDir::new("fs-latency").map_err(|m| failed(EXTENSIONS, m))?;
                let sizes: Vec<(usize, usize)> =
                    SIZES.iter().map(|&s| (s, runs_for(s, o) + 1)).collect();
                for l in
                    ext::latency(&venv, dir.path(), &sizes).map_err(|m| failed(EXTENSIONS, m))?
                {
                    let micros = |v: &[u64]| -> Vec<Duration> {
                        v.iter()
                            .skip(1)
                            .map(|&us| Duration::from_micros(us))
                            .collect()
                    };
                    let row = Latency {
                        backend: EXTENSIONS.to_owned(),
                        size: l.size,
                        put: micros(&l.set_us),
                        get: micros(&l.get_us),
                    };
                    eprintln!(
                        "dash-bench-store: {EXTENSIONS}, {}: set p50 {:.2} ms, get p50 {:.2} ms",
                        size_label(row.size),
                        ms(median(&row.put)),
                        ms(median(&row.get)),
                    );
                    rows.push(row);
                }
            }
        }
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------------------
// Report

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    nearest_rank(&sorted, 50.0)
}

fn max(samples: &[Duration]) -> Duration {
    samples.iter().max().copied().unwrap_or_default()
}

/// `0.42 ms`, `12.3 ms`, `2.80 s`.
fn short(d: Duration) -> String {
    let m = ms(d);
    if m < 10.0 {
        format!("{m:.2} ms")
    } else if m < 1000.0 {
        format!("{m:.1} ms")
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// `137 B`, `28.4 MB` (decimal units).
fn bytes(n: usize) -> String {
    if n < 10_000 {
        format!("{n} B")
    } else if n < 10_000_000 {
        format!("{:.1} kB", n as f64 / 1e3)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

fn size_label(size: usize) -> &'static str {
    match size {
        1_000 => "1 KB",
        1_000_000 => "1 MB",
        100_000_000 => "100 MB",
        _ => "other",
    }
}

fn frame_table(rows: &[Measured]) -> String {
    let mut out = String::from(
        "| target | answer that fills the store | fill callback p50 | fill max | request that \
         sends it back | callback with it as State p50 | max | failed rounds |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for m in rows {
        let fill: Vec<Duration> = m.trips.iter().map(|t| t.fill).collect();
        let stats: Vec<Duration> = m.trips.iter().map(|t| t.stats).collect();
        let answer = m.trips.iter().map(|t| t.answer_bytes).max().unwrap_or(0);
        let request = m.trips.iter().map(|t| t.request_bytes).max().unwrap_or(0);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            m.target.label(),
            bytes(answer),
            short(median(&fill)),
            short(max(&fill)),
            bytes(request),
            short(median(&stats)),
            short(max(&stats)),
            m.errors.len(),
        ));
    }
    out
}

fn latency_table(rows: &[Latency]) -> String {
    let mut out = String::from(
        "| backend | value | put p50 | put max | get p50 | get max | runs |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.backend,
            size_label(r.size),
            short(median(&r.put)),
            short(max(&r.put)),
            short(median(&r.get)),
            short(max(&r.get)),
            r.put.len(),
        ));
    }
    out
}

fn section(
    tables: &(String, String),
    frames: &[Measured],
    o: &Options,
    command: &str,
    conditions: &[String],
) -> String {
    let mut s = format!("{}\n## Server-side data\n\n", doc::marker(SECTION));
    s.push_str(
        "A 1,000,000-row frame (`x` = 0..n as floats, `y` = sin(x / 1000), as in the `store` \
         example) put into a `dcc.Store` by one callback and taken back as `State` by another, \
         either as JSON in the store (what a Python Dash app does without dash-extensions) or \
         kept on the server with only a key in the browser; then the latency of the stores \
         themselves.\n\n",
    );
    s.push_str(&format!(
        "- date (UTC): {}\n- command: `{command}`\n",
        doc::utc_now()
    ));
    s.push_str(&format!(
        "- round trip: a click on `load` (`POST /_dash-update-component`, the body \
         dash-renderer sends), whose callback builds the frame and fills the store; then a \
         click on `go`, whose callback gets the store's `data` as `State` (the value the \
         first answer put there, sent back in the request body as the renderer does) and \
         answers `rows: 1000000, mean y: …`; one unmeasured round trip, then {} measured, \
         one after another, each request on a new connection; sizes are HTTP bodies without \
         compression (the client sends no `Accept-Encoding`); times from sending the request \
         to the whole answer; p50 is the nearest-rank median\n",
        o.rounds
    ));
    s.push_str(
        "- each fill builds the frame anew (in Python: two lists of 1,000,000 floats), so the \
         fill times include that work in every row; the State callback computes the mean of \
         `y`\n",
    );
    s.push_str("- targets:\n");
    for m in frames {
        s.push_str(&format!(
            "  - **{}**: {}\n",
            m.target.label(),
            m.target.description(o)
        ));
        if matches!(
            m.target,
            Target::RustEmbedded | Target::RustRedis | Target::Extensions
        ) && !m.sample.is_empty()
        {
            s.push_str(&format!(
                "    (what the browser held: `{}`, {} bytes)\n",
                m.sample.replace('`', "'"),
                m.sample.len()
            ));
        }
    }
    s.push_str(&format!(
        "- machine: {} logical CPUs, shared by the client (one thread), the servers, Redis \
         and whatever else ran; 127.0.0.1 only\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    ));
    for c in conditions {
        s.push_str(&format!("- {c}\n"));
    }
    s.push('\n');
    s.push_str(&tables.0);
    s.push_str("\n### Store get/put latency\n\n");
    s.push_str(&format!(
        "One value of random bytes (incompressible) per run under a fresh key: put, then get \
         of the same key (checked), then delete (not timed). {} runs for 1 KB and 1 MB, {} for \
         100 MB, after one unmeasured run each; p50 (nearest rank) and max. dash-rs: \
         `DataStore::put_bytes`/`get_bytes` called in this process (tokio multi-thread \
         runtime, 2 workers); the embedded store's file is in a temporary directory; on Redis \
         the keys are under a prefix of this run and deleted afterwards. dash-extensions: \
         `FileSystemBackend.set(key, value)` and `.get(key, ignore_expired=True)` (the calls \
         `ServersideOutputTransform` makes; values are pickled) timed in Python by \
         `bench/python/store_extensions.py latency`, in a temporary directory.\n\n",
        o.runs, o.big_runs
    ));
    s.push_str(&tables.1);
    s.push_str(
        "\nAbsolute numbers move between runs (the machine is shared and small); compare the \
         rows of one run.\n",
    );
    s
}

fn benchmark(o: &Options, args: &[String]) -> Result<(), Error> {
    let command = doc::command(Some("dash-bench-store"), args);
    let load_before = doc::load_average();
    let mut notes = Vec::new();
    let mut frames = Vec::new();
    for &target in &o.targets {
        if target == Target::RustRedis && !redis_available() {
            eprintln!(
                "dash-bench-store: no redis-server at {}; skipping",
                redis_url()
            );
            notes.push(format!(
                "{}: skipped, no redis-server answered",
                target.label()
            ));
            continue;
        }
        frames.push(measure(target, o)?);
    }
    let load_between = doc::load_average();
    let latency_rows = latency(o, &mut notes)?;
    let tables = (frame_table(&frames), latency_table(&latency_rows));
    println!("{}\n{}", tables.0, tables.1);
    if let Some(path) = &o.write {
        let mut conditions = Vec::new();
        if let (Some(before), Some(between), Some(after)) =
            (load_before, load_between, doc::load_average())
        {
            conditions.push(format!(
                "load average (1/5/15 min) before the run: {before}; after the round trips: \
                 {between}; at the end: {after}"
            ));
        }
        conditions.extend(notes);
        conditions.extend(o.notes.iter().cloned());
        doc::write_section(
            path,
            SECTION,
            &section(&tables, &frames, o, &command, &conditions),
        )
        .map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        eprintln!("dash-bench-store: wrote the server-side data section of {path}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        let ids = Target::RustEmbedded.ids();
        let fill: Value = serde_json::from_slice(&ids.fill_body(2)).expect("JSON");
        assert_eq!(fill["output"], "frame-ss.data");
        assert_eq!(fill["inputs"][0]["value"], 2);
        let stats: Value =
            serde_json::from_slice(&ids.stats_body(1, &json!("dash-ss:k"))).expect("JSON");
        assert_eq!(stats["state"][0]["id"], "frame-ss");
        assert_eq!(stats["state"][0]["value"], "dash-ss:k");
    }

    #[test]
    fn frames_and_checks() {
        let frame = Frame::generate(3);
        assert_eq!(frame.x, [0.0, 1.0, 2.0]);
        assert_eq!(
            stats(None, Some(frame)),
            format!(
                "rows: 3, mean y: {:.6}",
                (0.001f64.sin() + 0.002f64.sin()) / 3.0
            )
        );
        assert!(check_data(Target::Extensions, &json!("SERVERSIDE_{}")).is_ok());
        assert!(check_data(Target::RustJson, &json!({"x": [1]})).is_err());
    }

    #[test]
    fn options_and_formats() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let Ok(Some(o)) = parse(&args(&[
            "--targets",
            "rust-json,python",
            "--latency",
            "none",
        ])) else {
            panic!("valid arguments");
        };
        assert_eq!(o.targets, vec![Target::RustJson, Target::Python]);
        assert!(o.latency.is_empty());
        assert!(parse(&args(&["--targets", "flask"])).is_err());
        assert_eq!(bytes(137), "137 B");
        assert_eq!(bytes(28_400_000), "28.4 MB");
        assert_eq!(short(Duration::from_micros(420)), "0.42 ms");
        assert_eq!(noise(10, 1).len(), 10);
    }
}
