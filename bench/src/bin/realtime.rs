//! `dash-bench-realtime`: callbacks over the websocket (`_dash-ws-callback`) against
//! `POST /_dash-update-component`, for dash-rs and Python Dash 4.4.1 on the FastAPI backend
//! (uvicorn, one process), on 127.0.0.1.
//!
//! 1. **Round trip** of the `hello` greeting (`name.value` → `greeting.children`, declared
//!    `websocket = true`): closed-loop clients, each on its own websocket or its own
//!    keep-alive HTTP/1.1 connection, at 1 and at 16 clients; p50/p99 latency and req/s.
//! 2. **Background jobs**: a trivial job (it returns its input), jobs one after another,
//!    start to result. dash-rs (embedded manager) pushed (the job is sent over the websocket
//!    and the server follows it) and polled over HTTP the way dash-renderer polls (every
//!    100 ms, the renderer's `interval`, and every 10 ms); Python's DiskcacheManager polled
//!    only (Dash's renderer never sends background callbacks over the websocket).
//!
//! ```text
//! cargo run --release -p dash-bench --bin dash-bench-realtime -- --write docs/benchmarks.md
//! ```
//!
//! The same binary is the dash-rs app under test (`serve`); the Python twin is
//! `bench/python/realtime.py`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use dash_bench::stats::nearest_rank;
use dash_bench::{doc, greeting, probe, python};
use dash_e2e::app::{free_port, workspace_root, RunningApp};
use dash_e2e::http;
use dash_e2e::python::{ensure_venv, PythonServer};
use dash_runtime::background::BackgroundManager;
use dash_runtime::prelude::*;
use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

/// The greeting of the `hello` example, also served over the websocket. Formatting a string
/// never blocks, so it runs inline (`blocking = false`), as in `hello`.
#[callback(
    output = Output("greeting", "children"),
    inputs = [Input("name", "value")],
    websocket = true,
    blocking = false,
)]
fn greet(name: Option<String>) -> String {
    let name = name
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "stranger".to_owned());
    format!("Hello, {name}!")
}

/// The job under test: it returns its input. Over the websocket the server follows the job
/// and answers with its result; over HTTP it is started and polled.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
    background = true,
    websocket = true,
    interval = 100,
    prevent_initial_call = true,
)]
async fn echo(value: Option<String>) -> Option<String> {
    value
}

/// The app under test: default settings, the embedded job manager on `BENCH_EMBEDDED_DB`.
fn serve_app() -> Result<(), Error> {
    let manager = match std::env::var_os("BENCH_EMBEDDED_DB") {
        Some(path) => BackgroundManager::embedded_at(PathBuf::from(path)),
        None => BackgroundManager::embedded(),
    };
    Dash::new()
        .background_manager(manager)
        .layout(html::div((
            dcc::Input::new().id("name").value("world").r#type("text"),
            html::Div::new().id("greeting"),
            dcc::Input::new().id("in"),
            html::Div::new().id("out"),
        )))
        .run()?;
    Ok(())
}

const USAGE: &str = "\
usage: dash-bench-realtime [options]

Callbacks over the websocket (_dash-ws-callback) against POST /_dash-update-component:
1. the round trip of a trivial greeting callback, closed-loop clients each on its own
   websocket or keep-alive HTTP connection: p50/p99 latency and req/s;
2. background-job latency, jobs one after another: dash-rs pushed over the websocket
   (the server follows the job) and polled over HTTP (every 100 ms like the renderer, and
   every 10 ms); Python's DiskcacheManager polled.
Targets: dash-rs (this binary's `serve`), Python Dash 4.4.1 on FastAPI + uvicorn, one
process (bench/python/realtime.py). 127.0.0.1 only; prints markdown tables.

options:
  --clients LIST   comma-separated concurrent clients of the round trip (default 1,16;
                   each 1 to 64)
  --warmup SECS    unmeasured seconds before each round-trip row (default 1, 0 to 10)
  --duration SECS  measured seconds of each round-trip row (default 5, 1 to 60)
  --jobs N         measured background jobs per row, after 2 unmeasured (default 20, 1 to
                   200)
  --targets LIST   comma-separated subset of: rust,python (default both)
  --note TEXT      a line for the report, e.g. what else ran (repeatable)
  --write FILE     also write the section to FILE (replacing an earlier one)
  -h, --help       this text

BENCH_SHOW_SERVER_OUTPUT=1 prints each server's output.
Subcommand used internally: `serve` (the dash-rs app).";

/// Connect, read and write timeout of every socket.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Pause after a failed request, so a broken server is not hammered.
const ERROR_PAUSE: Duration = Duration::from_millis(10);

/// Bound of one background job (start to result) before it counts as failed.
const JOB_TIMEOUT: Duration = Duration::from_secs(30);

/// Bound of one background-job row; the jobs not started by then are left out.
const JOB_ROW_LIMIT: Duration = Duration::from_secs(60);

/// Unmeasured jobs before each background-job row.
const WARM_JOBS: usize = 2;

/// The name of the section in the results file (`<!-- dash-bench-realtime -->`).
const SECTION: &str = "realtime";

type Error = dash_bench::error::RunError;

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
    Python,
}

impl Target {
    fn parse(name: &str) -> Option<Target> {
        match name {
            "rust" => Some(Target::Rust),
            "python" => Some(Target::Python),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Target::Rust => "dash-rs",
            Target::Python => "Python Dash 4.4.1, FastAPI + uvicorn",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Target::Rust => {
                "the app of `bench/src/bin/realtime.rs` (`dash-bench-realtime serve`), \
                 `Dash::new()` with default settings and the embedded job manager (SQLite \
                 file in a temporary directory, jobs on the web process's runtime); the \
                 greeting is a plain `fn` with `websocket = true, blocking = false`, the job \
                 an `async fn` with `background = true, websocket = true`"
            }
            Target::Python => {
                "`bench/python/realtime.py`: `dash.Dash(__name__, backend=\"fastapi\")` served \
                 by `uvicorn.run(app.server)` in one process (uvloop, httptools, `websockets`); \
                 the greeting is a plain `def` with `websocket=True` (over the websocket it \
                 runs on Dash's callback thread pool), the job a `background=True` callback \
                 on `DiskcacheManager` (one process per job)"
            }
        }
    }
}

#[derive(Debug)]
struct Options {
    clients: Vec<usize>,
    warmup: Duration,
    duration: Duration,
    jobs: usize,
    targets: Vec<Target>,
    notes: Vec<String>,
    write: Option<String>,
}

fn parse(args: &[String]) -> Result<Option<Options>, Error> {
    let mut o = Options {
        clients: vec![1, 16],
        warmup: Duration::from_secs(1),
        duration: Duration::from_secs(5),
        jobs: 20,
        targets: vec![Target::Rust, Target::Python],
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
        let number = |name: &str, v: &str, min: usize, max: usize| -> Result<usize, Error> {
            match v.trim().parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(usage(format!("{name} takes a number from {min} to {max}"))),
            }
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--clients" => {
                let mut clients = Vec::new();
                for v in value(arg)?.split(',') {
                    let n = number(arg, v, 1, 64)?;
                    if !clients.contains(&n) {
                        clients.push(n);
                    }
                }
                o.clients = clients;
            }
            "--warmup" => o.warmup = Duration::from_secs(number(arg, &value(arg)?, 0, 10)? as u64),
            "--duration" => {
                o.duration = Duration::from_secs(number(arg, &value(arg)?, 1, 60)? as u64)
            }
            "--jobs" => o.jobs = number(arg, &value(arg)?, 1, 200)?,
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
    dash_bench::error::exit_code("dash-bench-realtime", result)
}

// ---------------------------------------------------------------------------------------
// Targets

/// A started target; dropping it stops the server, then removes its files.
struct Running {
    app: RunningApp,
    _dir: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn start(target: Target) -> Result<Running, Error> {
    let failed = |message: String| Error::Start {
        target: target.label().to_owned(),
        message,
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!(
        "dash-bench-realtime-{}-{nanos:08x}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| failed(e.to_string()))?;
    let dir = TempDir(dir);
    match target {
        Target::Rust => {
            let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
            let port = free_port().map_err(|e| failed(e.to_string()))?;
            let mut cmd = Command::new(exe);
            cmd.arg("serve")
                .current_dir(workspace_root())
                .env("BENCH_EMBEDDED_DB", dir.0.join("jobs.sqlite3"))
                .env("RUST_LOG", "warn")
                // Default settings: nothing inherited from the caller's environment.
                .env_remove("DASH_WEBSOCKET_CALLBACKS")
                .env_remove("DASH_CALLBACK_THREADS")
                .env_remove("REDIS_URL");
            let app = RunningApp::start_command(cmd, port).map_err(|e| failed(e.to_string()))?;
            Ok(Running { app, _dir: dir })
        }
        Target::Python => {
            let venv = ensure_venv().map_err(|e| failed(e.to_string()))?;
            let env = [("BENCH_DISKCACHE_DIR", dir.0.clone().into_os_string())];
            let app = python::start_in(&venv, "realtime", PythonServer::FastApiDev, &env)
                .map_err(failed)?;
            Ok(Running { app, _dir: dir })
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

/// Learn the update path from the index page, and check the greeting over both transports
/// and the job over HTTP once.
fn prepare(addr: SocketAddr) -> Result<Endpoint, String> {
    let index = http::get(&format!("http://{addr}/"), IO_TIMEOUT).map_err(|e| e.to_string())?;
    if index.status != 200 {
        return Err(format!("GET / answered {}", index.status));
    }
    let update = match probe::end_id(&index.text()) {
        Some(end_id) => format!("/_dash-update-component?endId={end_id}"),
        None => "/_dash-update-component".to_owned(),
    };
    let endpoint = Endpoint { addr, update };
    let greeting = Greeting::new();
    let mut http = Conn::Http(HttpConn::new(addr));
    http.greet(&endpoint, &greeting)
        .map_err(|e| format!("the greeting over HTTP: {e}"))?;
    let mut ws = Conn::Ws(None, "probe".into());
    ws.greet(&endpoint, &greeting)
        .map_err(|e| format!("the greeting over the websocket: {e}"))?;
    let mut conn = HttpConn::new(addr);
    http_job(&mut conn, &endpoint, "probe", Duration::from_millis(10))
        .map_err(|e| format!("the job over HTTP: {e}"))?;
    Ok(endpoint)
}

// ---------------------------------------------------------------------------------------
// Clients: a blocking keep-alive HTTP/1.1 client and a websocket client, one per thread

fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
        .map_err(|e| format!("connect {addr}: {e}"))?;
    let configured = stream
        .set_nodelay(true)
        .and_then(|()| stream.set_read_timeout(Some(IO_TIMEOUT)))
        .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)));
    configured.map_err(|e| format!("configure the socket: {e}"))?;
    Ok(stream)
}

/// One keep-alive HTTP/1.1 connection, opened on first use and again after a failure.
struct HttpConn {
    addr: SocketAddr,
    reader: Option<BufReader<TcpStream>>,
}

/// Why an exchange failed; `retry` when the server closed a reused connection before
/// answering (an idle keep-alive connection: not an error, send again on a new one).
struct HttpFailure {
    retry: bool,
    message: String,
}

impl HttpFailure {
    fn io(retry: bool, e: &std::io::Error) -> HttpFailure {
        let timeout = matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        );
        HttpFailure {
            retry: retry && !timeout,
            message: e.to_string(),
        }
    }

    fn fatal(message: String) -> HttpFailure {
        HttpFailure {
            retry: false,
            message,
        }
    }
}

impl HttpConn {
    fn new(addr: SocketAddr) -> HttpConn {
        HttpConn { addr, reader: None }
    }

    /// `POST path` with a JSON body: status and body.
    fn post(&mut self, path: &str, body: &[u8]) -> Result<(u16, Vec<u8>), String> {
        let reused = self.reader.is_some();
        match self.exchange(path, body) {
            Ok(answer) => Ok(answer),
            Err(f) if reused && f.retry => self.exchange(path, body).map_err(|f| f.message),
            Err(f) => Err(f.message),
        }
    }

    fn exchange(&mut self, path: &str, body: &[u8]) -> Result<(u16, Vec<u8>), HttpFailure> {
        let reader = match &mut self.reader {
            Some(reader) => reader,
            None => self.reader.insert(BufReader::new(
                connect(self.addr).map_err(HttpFailure::fatal)?,
            )),
        };
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Accept: application/json\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        let sent = reader
            .get_mut()
            .write_all(&request)
            .map_err(|e| HttpFailure::io(true, &e));
        match sent.and_then(|()| read_response(reader)) {
            Ok((status, body, keep_alive)) => {
                if !keep_alive {
                    self.reader = None;
                }
                Ok((status, body))
            }
            Err(failure) => {
                self.reader = None;
                Err(failure)
            }
        }
    }
}

/// One response: status, body, and whether the connection stays open.
fn read_response(r: &mut BufReader<TcpStream>) -> Result<(u16, Vec<u8>, bool), HttpFailure> {
    let mut line = String::new();
    match r.read_line(&mut line) {
        Ok(0) => {
            return Err(HttpFailure {
                retry: true,
                message: "the server closed the connection".into(),
            })
        }
        Ok(_) => {}
        Err(e) => return Err(HttpFailure::io(true, &e)),
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HttpFailure::fatal(format!("not an HTTP status line: {line:?}")))?;
    let mut close = line.starts_with("HTTP/1.0");
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        let n = r
            .read_line(&mut line)
            .map_err(|e| HttpFailure::io(false, &e))?;
        let header = line.trim_end();
        if n == 0 || header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
    }
    let io = |e: std::io::Error| HttpFailure::io(false, &e);
    let body = if chunked {
        read_chunked(r).map_err(io)?
    } else if let Some(n) = length {
        let mut body = vec![0; n];
        r.read_exact(&mut body).map_err(io)?;
        body
    } else if status == 204 || status == 304 || (100..200).contains(&status) {
        Vec::new()
    } else {
        close = true;
        let mut body = Vec::new();
        r.read_to_end(&mut body).map_err(io)?;
        body
    };
    Ok((status, body, !close))
}

fn read_chunked(r: &mut BufReader<TcpStream>) -> std::io::Result<Vec<u8>> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let size = line.trim().split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| bad("bad chunk size"))?;
        if size == 0 {
            // Trailers up to the blank line.
            loop {
                line.clear();
                if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        line.clear();
        r.read_line(&mut line)?;
    }
}

/// One websocket, as the renderer's worker uses it.
struct WsConn {
    socket: WebSocket<TcpStream>,
    /// Messages of an array frame not handed out yet (Python batches).
    queue: VecDeque<Value>,
    renderer: String,
    counter: u64,
    /// `set_props` frames received.
    pushed: usize,
}

impl WsConn {
    fn open(addr: SocketAddr, renderer: String) -> Result<WsConn, String> {
        let stream = connect(addr)?;
        let mut request = format!("ws://{addr}/_dash-ws-callback")
            .into_client_request()
            .map_err(|e| e.to_string())?;
        let origin = format!("http://{addr}")
            .parse()
            .map_err(|e| format!("an Origin header: {e}"))?;
        request.headers_mut().insert("origin", origin);
        let (socket, _) =
            tungstenite::client(request, stream).map_err(|e| format!("websocket upgrade: {e}"))?;
        Ok(WsConn {
            socket,
            queue: VecDeque::new(),
            renderer,
            counter: 0,
            pushed: 0,
        })
    }

    /// Send a `callback_request` with `payload` (JSON text) and wait for its
    /// `callback_response`: that response's payload.
    fn call(&mut self, payload: &str) -> Result<Value, String> {
        self.counter += 1;
        let request_id = format!("{}-{}", self.renderer, self.counter);
        let frame = format!(
            r#"{{"type":"callback_request","rendererId":"{}","requestId":"{request_id}","payload":{payload}}}"#,
            self.renderer
        );
        self.socket
            .send(Message::text(frame))
            .map_err(|e| format!("send: {e}"))?;
        loop {
            let mut message = self.next_message()?;
            match message["type"].as_str() {
                Some("callback_response") if message["requestId"] == request_id.as_str() => {
                    return Ok(message["payload"].take());
                }
                Some("set_props") => self.pushed += 1,
                _ => {}
            }
        }
    }

    /// The next message; an array frame is split.
    fn next_message(&mut self) -> Result<Value, String> {
        loop {
            if let Some(message) = self.queue.pop_front() {
                return Ok(message);
            }
            match self.socket.read().map_err(|e| format!("read: {e}"))? {
                Message::Text(text) => match serde_json::from_str::<Value>(text.as_str())
                    .map_err(|e| format!("a frame that is not JSON ({e}): {}", text.as_str()))?
                {
                    Value::Array(items) => self.queue.extend(items),
                    one => return Ok(one),
                },
                Message::Close(frame) => return Err(format!("closed by the server: {frame:?}")),
                _ => {}
            }
        }
    }
}

impl Drop for WsConn {
    fn drop(&mut self) {
        let _ = self.socket.close(None);
        let _ = self.socket.flush();
    }
}

// ---------------------------------------------------------------------------------------
// 1. Round trip

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Websocket,
    Http,
}

impl Transport {
    fn label(self) -> &'static str {
        match self {
            Transport::Websocket => "websocket",
            Transport::Http => "HTTP keep-alive POST",
        }
    }
}

/// The greeting request (as JSON text) and the answer it must get.
struct Greeting {
    body: String,
    expected: Value,
}

impl Greeting {
    fn new() -> Greeting {
        Greeting {
            body: greeting::request_body().to_string(),
            expected: greeting::expected_response(),
        }
    }
}

/// One client's connection; reopened after a failure.
enum Conn {
    Http(HttpConn),
    /// The socket (when open) and the renderer id to open it with.
    Ws(Option<Box<WsConn>>, String),
}

impl Conn {
    fn new(transport: Transport, addr: SocketAddr, renderer: String) -> Conn {
        match transport {
            Transport::Http => Conn::Http(HttpConn::new(addr)),
            Transport::Websocket => Conn::Ws(None, renderer),
        }
    }

    /// One greeting round trip, its answer checked.
    fn greet(&mut self, endpoint: &Endpoint, greeting: &Greeting) -> Result<(), String> {
        match self {
            Conn::Http(conn) => {
                let (status, body) = conn.post(&endpoint.update, greeting.body.as_bytes())?;
                let answer: Option<Value> = serde_json::from_slice(&body).ok();
                if status != 200 || answer.as_ref() != Some(&greeting.expected) {
                    return Err(format!("{status} {}", String::from_utf8_lossy(&body)));
                }
                Ok(())
            }
            Conn::Ws(slot, renderer) => {
                let ws = match slot {
                    Some(ws) => ws,
                    None => slot.insert(Box::new(WsConn::open(endpoint.addr, renderer.clone())?)),
                };
                match ws.call(&greeting.body) {
                    Ok(payload) => {
                        if payload["status"] != "ok" || payload["data"] != greeting.expected {
                            return Err(format!("answered {payload}"));
                        }
                        Ok(())
                    }
                    Err(e) => {
                        *slot = None;
                        Err(e)
                    }
                }
            }
        }
    }
}

/// What one round-trip row measured.
struct Load {
    target: Target,
    transport: Transport,
    clients: usize,
    latencies: Vec<Duration>,
    errors: usize,
    warmup_errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
}

impl Load {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// What one client thread measured.
#[derive(Default)]
struct ClientResult {
    latencies: Vec<Duration>,
    errors: usize,
    warmup_errors: usize,
    first_error: Option<String>,
    last_answer: Option<Instant>,
}

fn client_loop(
    endpoint: &Endpoint,
    transport: Transport,
    index: usize,
    measure_from: Instant,
    until: Instant,
) -> ClientResult {
    let greeting = Greeting::new();
    let mut conn = Conn::new(transport, endpoint.addr, format!("bench-{index}"));
    let mut r = ClientResult::default();
    loop {
        let started = Instant::now();
        if started >= until {
            break;
        }
        let result = conn.greet(endpoint, &greeting);
        let finished = Instant::now();
        let measured = started >= measure_from;
        match result {
            Ok(()) if measured => r.latencies.push(finished - started),
            Ok(()) => {}
            Err(e) => {
                if measured {
                    r.errors += 1;
                } else {
                    r.warmup_errors += 1;
                }
                r.first_error.get_or_insert(e);
                thread::sleep(ERROR_PAUSE);
            }
        }
        if measured {
            r.last_answer = Some(finished);
        }
    }
    r
}

/// `clients` closed-loop clients for the warm-up and then the measured phase.
fn load(
    target: Target,
    endpoint: &Arc<Endpoint>,
    transport: Transport,
    clients: usize,
    o: &Options,
) -> Load {
    let begun = Instant::now();
    let measure_from = begun + o.warmup;
    let until = measure_from + o.duration;
    let threads: Vec<_> = (0..clients)
        .map(|index| {
            let endpoint = endpoint.clone();
            thread::spawn(move || client_loop(&endpoint, transport, index, measure_from, until))
        })
        .collect();
    let mut load = Load {
        target,
        transport,
        clients,
        latencies: Vec::new(),
        errors: 0,
        warmup_errors: 0,
        first_error: None,
        elapsed: o.duration,
    };
    let mut last = until;
    for t in threads {
        let r = t.join().unwrap_or_else(|_| ClientResult {
            errors: 1,
            first_error: Some("a client thread panicked".into()),
            ..ClientResult::default()
        });
        load.latencies.extend(r.latencies);
        load.errors += r.errors;
        load.warmup_errors += r.warmup_errors;
        if load.first_error.is_none() {
            load.first_error = r.first_error;
        }
        last = last.max(r.last_answer.unwrap_or(until));
    }
    load.elapsed = last - measure_from;
    load.latencies.sort();
    load
}

// ---------------------------------------------------------------------------------------
// 2. Background jobs

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobMode {
    /// Sent over the websocket; the server follows the job and answers with its result.
    Pushed,
    /// Started with a POST, then polled every so often, as the renderer does.
    Polled(Duration),
}

impl JobMode {
    fn label(self) -> String {
        match self {
            JobMode::Pushed => "pushed: one websocket request, the server follows the job".into(),
            JobMode::Polled(every) => format!(
                "polled over HTTP every {} ms{}",
                every.as_millis(),
                if every == Duration::from_millis(100) {
                    " (the renderer, `interval = 100`)"
                } else {
                    ""
                }
            ),
        }
    }
}

/// The job's request body for `value`, and for the polls (inputs `null`, as the renderer
/// sends them).
fn job_bodies(value: &str) -> (String, String) {
    let body = |value: Value| {
        json!({
            "output": "out.children",
            "outputs": {"id": "out", "property": "children"},
            "inputs": [{"id": "in", "property": "value", "value": value}],
            "changedPropIds": ["in.value"],
            "parsedChangedPropsIds": ["in.value"],
        })
        .to_string()
    };
    (body(json!(value)), body(Value::Null))
}

/// One job over HTTP, start to result: the requests it took (start included).
fn http_job(
    conn: &mut HttpConn,
    endpoint: &Endpoint,
    value: &str,
    every: Duration,
) -> Result<usize, String> {
    let begun = Instant::now();
    let (start, poll) = job_bodies(value);
    let (status, body) = conn.post(&endpoint.update, start.as_bytes())?;
    if status != 200 {
        return Err(format!(
            "start answered {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    let started: Value = serde_json::from_slice(&body).map_err(|e| {
        format!(
            "start answer is not JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    })?;
    let (Some(key), Some(job)) = (started["cacheKey"].as_str(), started["job"].as_str()) else {
        return Err(format!("start answer without job handles: {started}"));
    };
    let poll_url = format!(
        "{}{}cacheKey={key}&job={job}",
        endpoint.update,
        if endpoint.update.contains('?') {
            '&'
        } else {
            '?'
        }
    );
    let mut requests = 1;
    loop {
        // The renderer polls `interval` ms after each answer that has no result.
        thread::sleep(every);
        let (status, body) = conn.post(&poll_url, poll.as_bytes())?;
        requests += 1;
        if status != 200 {
            return Err(format!(
                "poll answered {status}: {}",
                String::from_utf8_lossy(&body)
            ));
        }
        let answer: Value =
            serde_json::from_slice(&body).map_err(|e| format!("poll answer is not JSON ({e})"))?;
        if let Some(response) = answer.get("response") {
            let got = &response["out"]["children"];
            if got != value {
                return Err(format!("wrong result {got} for {value:?}"));
            }
            return Ok(requests);
        }
        if begun.elapsed() > JOB_TIMEOUT {
            return Err(format!("no result within {} s", JOB_TIMEOUT.as_secs()));
        }
    }
}

/// One job over the websocket.
fn ws_job(ws: &mut WsConn, value: &str) -> Result<(), String> {
    let (body, _) = job_bodies(value);
    let payload = ws.call(&body)?;
    if payload["status"] != "ok" || payload["data"]["response"]["out"]["children"] != value {
        return Err(format!("answered {payload}"));
    }
    Ok(())
}

/// What one background-job row measured.
struct Jobs {
    target: Target,
    mode: JobMode,
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    /// HTTP requests (start and polls) or websocket requests of the measured jobs.
    requests: usize,
    /// `set_props` frames pushed during the measured jobs.
    pushed: usize,
    /// Jobs left out because the row's time ran out.
    skipped: usize,
}

fn jobs(target: Target, endpoint: &Endpoint, mode: JobMode, o: &Options) -> Jobs {
    let mut row = Jobs {
        target,
        mode,
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
        requests: 0,
        pushed: 0,
        skipped: 0,
    };
    let mut http = HttpConn::new(endpoint.addr);
    let mut ws: Option<WsConn> = None;
    let begun = Instant::now();
    for i in 0..WARM_JOBS + o.jobs {
        let measured = i >= WARM_JOBS;
        if begun.elapsed() > JOB_ROW_LIMIT {
            row.skipped = WARM_JOBS + o.jobs - i;
            break;
        }
        let value = format!("job-{i}");
        let started = Instant::now();
        let result = match mode {
            JobMode::Polled(every) => http_job(&mut http, endpoint, &value, every),
            JobMode::Pushed => {
                let opened = match &mut ws {
                    Some(ws) => Ok(ws),
                    None => {
                        WsConn::open(endpoint.addr, "bench-jobs".into()).map(|conn| ws.insert(conn))
                    }
                };
                match opened {
                    Ok(conn) => {
                        let before = conn.pushed;
                        let done = ws_job(conn, &value);
                        if measured {
                            row.pushed += conn.pushed - before;
                        }
                        if done.is_err() {
                            ws = None;
                        }
                        done.map(|()| 1)
                    }
                    Err(e) => Err(e),
                }
            }
        };
        let took = started.elapsed();
        if !measured {
            if let Err(e) = result {
                eprintln!("dash-bench-realtime: unmeasured job failed: {e}");
            }
            continue;
        }
        match result {
            Ok(requests) => {
                row.latencies.push(took);
                row.requests += requests;
            }
            Err(e) => {
                row.errors += 1;
                row.first_error.get_or_insert(e);
                thread::sleep(ERROR_PAUSE);
            }
        }
    }
    row.latencies.sort();
    row
}

/// Python's background callback sent over the websocket by hand (the renderer never does
/// this): what the server answers.
fn python_job_over_websocket(addr: SocketAddr) -> String {
    let outcome = WsConn::open(addr, "bench-probe".into()).and_then(|mut ws| {
        let (body, _) = job_bodies("probe");
        ws.call(&body)
    });
    match outcome {
        Ok(payload) => format!("answered `{payload}`"),
        Err(e) => format!("failed: {e}"),
    }
}

// ---------------------------------------------------------------------------------------
// Measuring one target

struct Measured {
    loads: Vec<Load>,
    jobs: Vec<Jobs>,
    notes: Vec<String>,
}

fn measure(target: Target, o: &Options) -> Result<Measured, Error> {
    let label = target.label();
    eprintln!("dash-bench-realtime: starting {label}");
    let running = start(target)?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, running.app.port()));
    let wrong = |message: String| Error::Wrong {
        target: label.to_owned(),
        message: format!("{message}\nserver output:\n{}", running.app.output()),
    };
    let endpoint = Arc::new(prepare(addr).map_err(wrong)?);
    let mut m = Measured {
        loads: Vec::new(),
        jobs: Vec::new(),
        notes: Vec::new(),
    };
    for &clients in &o.clients {
        for transport in [Transport::Websocket, Transport::Http] {
            let l = load(target, &endpoint, transport, clients, o);
            eprintln!(
                "dash-bench-realtime: {label}, {}, {clients} clients: {:.0} req/s, p50 {}, \
                 p99 {}, {} errors (+{} in the warm-up){}",
                transport.label(),
                l.per_second(),
                millis(nearest_rank(&l.latencies, 50.0)),
                millis(nearest_rank(&l.latencies, 99.0)),
                l.errors,
                l.warmup_errors,
                l.first_error
                    .as_deref()
                    .map(|e| format!(", e.g. {e}"))
                    .unwrap_or_default()
            );
            m.loads.push(l);
        }
    }
    let modes: &[JobMode] = match target {
        Target::Rust => &[
            JobMode::Pushed,
            JobMode::Polled(Duration::from_millis(100)),
            JobMode::Polled(Duration::from_millis(10)),
        ],
        Target::Python => &[
            JobMode::Polled(Duration::from_millis(100)),
            JobMode::Polled(Duration::from_millis(10)),
        ],
    };
    for &mode in modes {
        let j = jobs(target, &endpoint, mode, o);
        eprintln!(
            "dash-bench-realtime: {label}, jobs {}: p50 {}, max {}, {} failed{}",
            mode.label(),
            millis(nearest_rank(&j.latencies, 50.0)),
            millis(j.latencies.last().copied().unwrap_or_default()),
            j.errors,
            j.first_error
                .as_deref()
                .map(|e| format!(", e.g. {e}"))
                .unwrap_or_default()
        );
        m.jobs.push(j);
    }
    if target == Target::Python {
        let answer = python_job_over_websocket(addr);
        eprintln!("dash-bench-realtime: {label}: the job over the websocket {answer}");
        m.notes.push(format!(
            "{label}: its background callback (declared `websocket=True`) sent over the \
             websocket by hand, as the renderer never does: {answer}"
        ));
    }
    for l in &m.loads {
        if let Some(e) = &l.first_error {
            m.notes.push(format!(
                "{label}, {}, {} clients: {} failed requests (+{} in the warm-up), e.g. {e}",
                l.transport.label(),
                l.clients,
                l.errors,
                l.warmup_errors
            ));
        }
    }
    for j in &m.jobs {
        if let Some(e) = &j.first_error {
            m.notes.push(format!(
                "{label}, jobs {}: {} failed, e.g. {e}",
                j.mode.label(),
                j.errors
            ));
        }
        if j.skipped > 0 {
            m.notes.push(format!(
                "{label}, jobs {}: {} jobs left out, the row's {} s ran out",
                j.mode.label(),
                j.skipped,
                JOB_ROW_LIMIT.as_secs()
            ));
        }
    }
    if std::env::var_os("BENCH_SHOW_SERVER_OUTPUT").is_some() {
        eprintln!("--- server output ---\n{}", running.app.output());
    }
    drop(running);
    Ok(m)
}

// ---------------------------------------------------------------------------------------
// Report

fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn load_table(loads: &[Load]) -> String {
    let mut out = String::from(
        "| target | transport | clients | requests | errors | req/s | p50 | p99 | websocket \
         ÷ HTTP (req/s) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for l in loads {
        let ratio = match l.transport {
            Transport::Http => "–".to_owned(),
            Transport::Websocket => loads
                .iter()
                .find(|h| {
                    h.target == l.target && h.clients == l.clients && h.transport == Transport::Http
                })
                .filter(|h| h.per_second() > 0.0)
                .map_or("–".to_owned(), |h| {
                    format!("{:.2}×", l.per_second() / h.per_second())
                }),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.0} | {} | {} | {} |\n",
            l.target.label(),
            l.transport.label(),
            l.clients,
            l.latencies.len(),
            l.errors,
            l.per_second(),
            millis(nearest_rank(&l.latencies, 50.0)),
            millis(nearest_rank(&l.latencies, 99.0)),
            ratio
        ));
    }
    out
}

fn job_table(jobs: &[Jobs]) -> String {
    let mut out = String::from(
        "| target | how the result reaches the client | jobs done | failed | p50 | p90 | max | \
         client requests per job |\n|---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for j in jobs {
        let done = j.latencies.len();
        let per_job = if done == 0 {
            "–".to_owned()
        } else {
            format!("{:.1}", j.requests as f64 / done as f64)
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            j.target.label(),
            j.mode.label(),
            done,
            j.errors,
            millis(nearest_rank(&j.latencies, 50.0)),
            millis(nearest_rank(&j.latencies, 90.0)),
            millis(j.latencies.last().copied().unwrap_or_default()),
            per_job
        ));
    }
    out
}

fn section(tables: &str, o: &Options, command: &str, conditions: &[String]) -> String {
    let mut s = format!("{}\n## Websocket callbacks\n\n", doc::marker(SECTION));
    s.push_str(
        "Callbacks over the page's websocket (`_dash-ws-callback`, the frames of \
         `docs/realtime-protocol.md`) against `POST /_dash-update-component`: the round trip \
         of a trivial callback, and how fast a background job's result reaches the page when \
         the server pushes it rather than the page polling for it.\n\n",
    );
    s.push_str(&format!(
        "- date (UTC): {}\n- command: `{command}`\n",
        doc::utc_now()
    ));
    let clients: Vec<String> = o.clients.iter().map(usize::to_string).collect();
    s.push_str(&format!(
        "- round trip: the `hello` greeting (`name.value` → `greeting.children`, answer \
         checked); {} closed-loop clients, each a thread with its own websocket (one \
         `callback_request` frame, then the matching `callback_response`; array frames \
         split) or its own keep-alive HTTP/1.1 connection (blocking client, `?endId=` as the \
         renderer sends it); {} s warm-up then {} s measured per row; latency from sending \
         the request to the whole answer, p50/p99 nearest rank; req/s = answered requests \
         / measured time\n",
        clients.join(" and "),
        o.warmup.as_secs(),
        o.duration.as_secs(),
    ));
    s.push_str(&format!(
        "- background jobs: a trivial job (it returns its input), {WARM_JOBS} unmeasured then \
         {} measured one after another, from the first request to the result. Pushed: the \
         job sent as a `callback_request` over one websocket; the server starts it, follows \
         it and answers with its result. Polled: `POST` to start, then, like dash-renderer, \
         `interval` ms after each answer without a result the next poll (inputs `null`, \
         `cacheKey` and `job` in the query), on one keep-alive connection; every 100 ms is \
         what the renderer does with `interval = 100`, every 10 ms shows the server's own \
         delay\n",
        o.jobs
    ));
    s.push_str("- targets:\n");
    for &t in &o.targets {
        s.push_str(&format!("  - **{}**: {}\n", t.label(), t.description()));
    }
    s.push_str(&format!(
        "- errors: a transport failure, an error status or a wrong answer (a job: also no \
         result within {} s)\n",
        JOB_TIMEOUT.as_secs()
    ));
    s.push_str(&format!(
        "- machine: {} logical CPUs, shared by the client threads and the server; 127.0.0.1 \
         only\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    ));
    for c in conditions {
        s.push_str(&format!("- {c}\n"));
    }
    s.push('\n');
    s.push_str(tables);
    s.push_str("\nAbsolute numbers move between runs; compare the rows of one run.\n");
    s
}

fn benchmark(o: &Options, args: &[String]) -> Result<(), Error> {
    let command = doc::command(Some("dash-bench-realtime"), args);
    let load_before = doc::load_average();
    let (mut loads, mut jobs, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    for &target in &o.targets {
        let m = measure(target, o)?;
        loads.extend(m.loads);
        jobs.extend(m.jobs);
        notes.extend(m.notes);
    }
    let tables = format!(
        "Round trip of the greeting:\n\n{}\nBackground job, start to result:\n\n{}",
        load_table(&loads),
        job_table(&jobs)
    );
    println!("{tables}");
    for n in &notes {
        println!("- {n}");
    }
    if let Some(path) = &o.write {
        let mut conditions = Vec::new();
        if let (Some(before), Some(after)) = (load_before, doc::load_average()) {
            conditions.push(format!(
                "load average (1/5/15 min) before the run: {before}; after: {after}"
            ));
        }
        conditions.extend(notes);
        conditions.extend(o.notes.iter().cloned());
        doc::write_section(path, SECTION, &section(&tables, o, &command, &conditions)).map_err(
            |source| Error::Write {
                path: path.clone(),
                source,
            },
        )?;
        eprintln!("dash-bench-realtime: wrote the websocket section of {path}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let Ok(Some(o)) = parse(&args(&["--clients", "4,1,4", "--targets", "python"])) else {
            panic!("valid arguments");
        };
        assert_eq!(o.clients, vec![4, 1]);
        assert_eq!(o.targets, vec![Target::Python]);
        assert!(parse(&args(&["--clients", "0"])).is_err());
        assert!(parse(&args(&["--jobs", "500"])).is_err());
        assert!(parse(&args(&["--targets", "flask"])).is_err());
    }

    #[test]
    fn callbacks() {
        assert_eq!(greet(None), "Hello, stranger!");
        assert_eq!(greet(Some(greeting::NAME.into())), "Hello, bench!");
    }

    #[test]
    fn job_bodies_null_the_inputs_of_polls() {
        let (start, poll) = job_bodies("x");
        let start: Value = serde_json::from_str(&start).expect("JSON");
        let poll: Value = serde_json::from_str(&poll).expect("JSON");
        assert_eq!(start["inputs"][0]["value"], "x");
        assert_eq!(poll["inputs"][0]["value"], Value::Null);
    }
}
