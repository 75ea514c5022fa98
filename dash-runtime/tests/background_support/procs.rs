//! Real processes for the fault tests: web and worker processes (this test binary again,
//! running one ignored test), a private `redis-server`, and a small HTTP client.
//!
//! A test file that uses them declares the two entry points:
//!
//! ```ignore
//! #[test]
//! #[ignore = "a child process of the fault tests"]
//! fn worker_process() { background_support::procs::worker_main() }
//! #[test]
//! #[ignore = "a child process of the fault tests"]
//! fn web_process() { background_support::procs::web_main() }
//! ```
//!
//! Children are configured through `DASH_BG_TEST_*` variables (see [`Role`]) and print
//! `LISTENING <port>` (web) once they serve.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use dash_runtime::background::{run_worker, shutdown_signal, BackgroundManager};
use dash_runtime::prelude::*;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{end_id, rand_suffix, Client, TempDir, WAIT};

// ---------------------------------------------------------------------------------------
// Redis

/// The shared Redis of the test suite (`REDIS_URL`, default 127.0.0.1:6379).
pub fn redis_url() -> String {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/".to_owned())
}

/// A key prefix of its own on a Redis, whose keys are deleted on drop.
pub struct Prefix {
    pub prefix: String,
    pub url: String,
}

impl Prefix {
    /// A prefix on the shared Redis.
    pub fn new(test: &str) -> Prefix {
        Prefix::on(&redis_url(), test)
    }

    /// A prefix on the Redis at `url`.
    pub fn on(url: &str, test: &str) -> Prefix {
        let client = redis::Client::open(url).expect("a redis URL");
        let mut conn = client.get_connection().unwrap_or_else(|e| {
            panic!("no redis-server at {url} ({e}); scripts/setup-test-env starts one")
        });
        let _: String = redis::cmd("PING")
            .query(&mut conn)
            .expect("redis answers PING");
        Prefix {
            prefix: format!(
                "dash-rs-test:{test}:{}-{}:",
                std::process::id(),
                rand_suffix()
            ),
            url: url.to_owned(),
        }
    }

    /// The manager of this prefix (lease 2 s, as the older tests use).
    pub fn manager(&self) -> BackgroundManager {
        BackgroundManager::redis(&self.url)
            .key_prefix(&self.prefix)
            .lease(Duration::from_secs(2))
    }

    /// A field of a job's record.
    pub fn job_field(&self, job: &str, field: &str) -> Option<String> {
        let id = job.split('~').next().unwrap_or(job);
        let client = redis::Client::open(self.url.as_str()).ok()?;
        let mut conn = client.get_connection().ok()?;
        redis::cmd("HGET")
            .arg(format!("{}job:{id}", self.prefix))
            .arg(field)
            .query(&mut conn)
            .ok()
            .flatten()
    }
}

impl Drop for Prefix {
    fn drop(&mut self) {
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(2)) else {
            return;
        };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<i64, _> = redis::cmd("DEL").arg(&keys).query(&mut conn);
        }
    }
}

/// A free TCP port on 127.0.0.1 (free when asked; good enough for a test).
pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A `redis-server` of this test only, on a free port, appending every write to its AOF
/// (`appendfsync always`) in a temporary directory. Killed (and its directory removed) on
/// drop.
pub struct RedisServer {
    pub port: u16,
    dir: TempDir,
    child: Option<Child>,
}

impl RedisServer {
    pub fn start(name: &str) -> RedisServer {
        let mut server = RedisServer {
            port: free_port(),
            dir: TempDir::new(name),
            child: None,
        };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Start it (again, on the same port and directory) and wait until it answers.
    pub fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "yes", "--appendfsync", "always"])
            .arg("--dir")
            .arg(&self.dir.0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts (is it installed?)");
        self.child = Some(child);
        let begun = Instant::now();
        loop {
            let up = redis::Client::open(self.url())
                .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(200)))
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
                .is_ok();
            if up {
                return;
            }
            assert!(
                begun.elapsed() < WAIT,
                "the private redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL it (nothing flushed beyond what the AOF already has).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------------------------------
// Child processes

/// What a child process is told, through `DASH_BG_TEST_*` variables.
#[derive(Debug, Clone, Default)]
pub struct Role {
    /// Redis URL and key prefix (Redis manager), or none (embedded manager).
    pub redis: Option<(String, String)>,
    /// The embedded manager's cache directory (`DASH_RS_CACHE_DIR`): the file is then named
    /// after the app.
    pub cache_dir: Option<PathBuf>,
    /// Lease in milliseconds (default: the manager's).
    pub lease_ms: Option<u64>,
    /// Worker shutdown grace in milliseconds.
    pub grace_ms: Option<u64>,
    /// Jobs at once.
    pub concurrency: Option<usize>,
}

impl Role {
    pub fn redis(prefix: &Prefix) -> Role {
        Role {
            redis: Some((prefix.url.clone(), prefix.prefix.clone())),
            ..Role::default()
        }
    }

    pub fn embedded(cache_dir: &Path) -> Role {
        Role {
            cache_dir: Some(cache_dir.to_owned()),
            ..Role::default()
        }
    }

    fn apply(&self, cmd: &mut Command) {
        cmd.env_remove("REDIS_URL")
            .env_remove("DASH_BACKGROUND_KEY_PREFIX");
        if let Some((url, prefix)) = &self.redis {
            cmd.env("REDIS_URL", url)
                .env("DASH_BACKGROUND_KEY_PREFIX", prefix);
        }
        if let Some(dir) = &self.cache_dir {
            cmd.env("DASH_RS_CACHE_DIR", dir);
        }
        if let Some(ms) = self.lease_ms {
            cmd.env("DASH_BG_TEST_LEASE_MS", ms.to_string());
        }
        if let Some(ms) = self.grace_ms {
            cmd.env("DASH_BG_TEST_GRACE_MS", ms.to_string());
        }
        if let Some(n) = self.concurrency {
            cmd.env("DASH_WORKER_CONCURRENCY", n.to_string());
        }
    }
}

/// The manager a child builds: from the environment, plus the test's lease and grace.
fn child_manager() -> BackgroundManager {
    let ms = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_millis)
    };
    let mut manager = BackgroundManager::from_env();
    if let Some(lease) = ms("DASH_BG_TEST_LEASE_MS") {
        manager = manager.lease(lease);
    }
    if let Some(grace) = ms("DASH_BG_TEST_GRACE_MS") {
        manager = manager.shutdown_grace(grace);
    }
    manager
}

fn child_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("info,dash_runtime=info")
        .try_init();
}

/// The body of the `worker_process` test: run jobs until SIGTERM.
pub fn worker_main() {
    if std::env::var("DASH_BG_TEST_CHILD").as_deref() != Ok("worker") {
        return;
    }
    child_logging();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    if let Err(err) = runtime.block_on(run_worker(child_manager(), shutdown_signal())) {
        panic!("worker failed: {err}");
    }
    println!("WORKER STOPPED");
}

/// The body of the `web_process` test: serve on a free port until SIGTERM; on SIGTERM the
/// background jobs are handed over at once.
pub fn web_main() {
    if std::env::var("DASH_BG_TEST_CHILD").as_deref() != Ok("web") {
        return;
    }
    child_logging();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let server = Dash::new()
            .serve_locally(false)
            .suppress_callback_exceptions(true)
            .background_manager(child_manager())
            .layout(html::div(html::Div::new().id("root")))
            .build()
            .await
            .expect("the app builds");
        let jobs = server
            .background_jobs()
            .expect("the app has background callbacks");
        println!("MANAGER {}", jobs.describe());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        println!("LISTENING {port}");
        let stop = async move {
            shutdown_signal().await;
            match jobs.hand_over().await {
                Ok(n) => println!("HANDED OVER {n}"),
                Err(err) => println!("HAND-OVER FAILED {err}"),
            }
        };
        server.serve_until(listener, stop).await.expect("serve");
    });
}

/// A child process: this test binary running one ignored test. Killed on drop.
pub struct Proc {
    child: Child,
    log: PathBuf,
    pub name: String,
}

impl Proc {
    fn start(test: &str, kind: &str, role: &Role, name: &str) -> Proc {
        let exe = std::env::current_exe().expect("the test binary's path");
        let log = std::env::temp_dir().join(format!("dash-rs-{name}-{}.log", rand_suffix()));
        let file = std::fs::File::create(&log).expect("log file");
        let err = file.try_clone().expect("log file");
        let mut cmd = Command::new(exe);
        cmd.args([
            test,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("DASH_BG_TEST_CHILD", kind)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err);
        role.apply(&mut cmd);
        let child = cmd.spawn().expect("start a child process");
        Proc {
            child,
            log,
            name: name.to_owned(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Send a signal (`KILL`, `TERM`, `STOP`, `CONT`).
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .expect("kill(1)");
        assert!(status.success(), "kill -{signal} {} failed", self.pid());
    }

    /// Wait (bounded) until it exits; `false` if it did not.
    pub fn wait_exit(&mut self, within: Duration) -> bool {
        let begun = Instant::now();
        while begun.elapsed() < within {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Wait until its output has a line starting with `prefix`; the rest of that line.
    pub fn wait_line(&mut self, prefix: &str) -> String {
        let begun = Instant::now();
        loop {
            let file = std::fs::File::open(&self.log).expect("log file");
            for line in BufReader::new(file).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix(prefix) {
                    return rest.trim().to_owned();
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before printing {prefix:?}:\n{}",
                    self.name,
                    self.output()
                );
            }
            assert!(
                begun.elapsed() < WAIT,
                "{} never printed {prefix:?}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A worker process (the file's `worker_process` test).
pub fn worker(role: &Role, name: &str) -> Proc {
    Proc::start("worker_process", "worker", role, name)
}

/// A web process (the file's `web_process` test), once it serves.
pub async fn web(role: &Role, name: &str) -> Web {
    let mut proc = Proc::start("web_process", "web", role, name);
    let port: u16 = tokio::task::block_in_place(|| proc.wait_line("LISTENING "))
        .parse()
        .expect("a port");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (_, index) = http(addr, "GET", "/", None).await.expect("the index page");
    let end_id = end_id(&index).expect("the index page has an end_id");
    Web { proc, addr, end_id }
}

/// A web process and the page token of its index page.
pub struct Web {
    pub proc: Proc,
    pub addr: SocketAddr,
    pub end_id: String,
}

impl Client for Web {
    fn end_id(&self) -> &str {
        &self.end_id
    }

    async fn post(&self, query: &str, body: &Value) -> (StatusCode, Value) {
        let target = format!("/_dash-update-component?{query}");
        match http(self.addr, "POST", &target, Some(&body.to_string())).await {
            Ok((status, text)) => (status, super::parse_body(&text)),
            // No answer at all (the process is gone): like a proxy would say.
            Err(err) => (StatusCode::BAD_GATEWAY, Value::String(err.to_string())),
        }
    }
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    body: Option<&str>,
) -> std::io::Result<(StatusCode, String)> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        let body = body.unwrap_or("");
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        Ok::<_, std::io::Error>(raw)
    };
    let raw = tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 30 s"))??;
    parse_response(&raw).ok_or_else(|| std::io::Error::other("a malformed HTTP answer"))
}

fn parse_response(raw: &[u8]) -> Option<(StatusCode, String)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut body = raw[split + 4..].to_vec();
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        body = dechunk(&body)?;
    }
    Some((
        StatusCode::from_u16(status).ok()?,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}
