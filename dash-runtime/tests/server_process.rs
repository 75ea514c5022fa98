//! The server as a real process: graceful shutdown on SIGTERM while a slow callback runs, and
//! memory under a stream of hostile requests.
//!
//! The tests start this test binary again, running only the ignored `server_process` test,
//! which serves an app on a free port and prints `LISTENING <port>`. The slow callback
//! sleeps 2 s, then waits for the test to create a `release` file, so that the test can check
//! that new connections are refused while the answer is still being computed, without
//! relying on timing.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use dash_runtime::prelude::*;

/// Bound of every wait (never a timing assertion: only how long to keep trying).
const WAIT: Duration = Duration::from_secs(60);

/// The folder where the callback leaves `started` and waits for `release`.
fn signal_dir() -> Option<PathBuf> {
    std::env::var_os("DASH_SHUTDOWN_TEST_DIR").map(PathBuf::from)
}

#[callback(
    output = Output("slow-out", "children"),
    inputs = [Input("slow-in", "value")],
    prevent_initial_call = true,
)]
fn slow(value: String) -> String {
    let dir = signal_dir().unwrap_or_else(std::env::temp_dir);
    let _ = std::fs::write(dir.join("started"), b"1");
    std::thread::sleep(Duration::from_secs(2));
    let deadline = Instant::now() + WAIT;
    while !dir.join("release").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    format!("finished {value}")
}

#[callback(output = Output("echo-out", "children"), inputs = [Input("echo-in", "value")])]
fn echo(value: Option<serde_json::Value>) -> String {
    match value {
        Some(serde_json::Value::Array(items)) => format!("{} items", items.len()),
        Some(v) => format!("got {v}"),
        None => "nothing".to_owned(),
    }
}

/// Not a test: the entry point of the server process (see the module docs).
#[test]
#[ignore = "runs as a server process started by sigterm_lets_in_flight_requests_finish"]
fn server_process() {
    if signal_dir().is_none() {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let result: Result<(), dash_runtime::Error> = runtime.block_on(async {
        let server = Dash::new()
            .serve_locally(false)
            .layout(html::div((
                dcc::Input::new().id("slow-in"),
                html::Div::new().id("slow-out"),
                dcc::Input::new().id("echo-in"),
                html::Div::new().id("echo-out"),
            )))
            .shutdown_grace(Duration::from_secs(30))
            .build()
            .await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("LISTENING {}", listener.local_addr()?.port());
        server.serve_on(listener).await
    });
    if let Err(e) = result {
        panic!("server failed: {e}");
    }
    println!("SERVER STOPPED");
}

struct ServerProcess {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl ServerProcess {
    fn start(dir: &Path) -> ServerProcess {
        let exe = std::env::current_exe().expect("the test binary's path");
        let mut child = Command::new(exe)
            .args([
                "server_process",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("DASH_SHUTDOWN_TEST_DIR", dir)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server process");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        ServerProcess {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `prefix`; returns what follows it.
    fn wait_line(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    // The test harness may print its own text before ours on the line.
                    if let Some(at) = line.find(prefix) {
                        return line[at + prefix.len()..].trim().to_owned();
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line {prefix:?} from the server; saw {:?}", self.seen);
    }

    fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill(1)");
        assert!(status.success(), "kill -TERM failed");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dash-rs-process-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Waits for the server process to exit; its status.
fn wait_exit(server: &mut ServerProcess) -> std::process::ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_lets_in_flight_requests_finish() {
    let dir = temp_dir();
    let mut server = ServerProcess::start(&dir);
    let port: u16 = server
        .wait_line("LISTENING ")
        .parse()
        .expect("a port number");

    // The slow request, answered on its own thread.
    let body = serde_json::json!({
        "output": "slow-out.children",
        "outputs": {"id": "slow-out", "property": "children"},
        "inputs": [{"id": "slow-in", "property": "value", "value": "in flight"}],
        "changedPropIds": ["slow-in.value"],
    })
    .to_string();
    let request = format!(
        "POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let answer = std::thread::spawn(move || -> std::io::Result<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(WAIT))?;
        stream.write_all(request.as_bytes())?;
        // The server closes the connection after answering, since it is shutting down.
        let mut text = String::new();
        stream.read_to_string(&mut text)?;
        Ok(text)
    });
    wait_for("the callback to start", || dir.join("started").exists());

    server.sigterm();
    // New connections are refused while the callback is still running.
    wait_for("new connections to be refused", || {
        TcpStream::connect(("127.0.0.1", port)).is_err()
    });
    let refused = TcpStream::connect(("127.0.0.1", port))
        .err()
        .map(|e| e.kind());
    assert_eq!(refused, Some(std::io::ErrorKind::ConnectionRefused));
    assert!(!answer.is_finished(), "the answer came before the release");

    std::fs::write(dir.join("release"), b"1").expect("release the callback");
    let text = answer
        .join()
        .expect("answer thread")
        .expect("the in-flight answer arrives");
    println!("in-flight answer after SIGTERM:\n{text}");
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        text.contains(r#""slow-out":{"children":"finished in flight"}"#),
        "{text}"
    );

    let status = wait_exit(&mut server);
    println!("server exit status: {status}");
    assert!(status.success(), "exit status {status}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(u64::from(std::process::id()));
    h.finish()
}

/// One request on a new connection (`Connection: close`); the status code of the answer.
fn request(port: u16, method: &str, path: &str, body: &[u8]) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(WAIT))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let status = answer
        .get(9..12)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(status)
}

/// The resident set of a process, in KiB (Linux only).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn call_body(input: &str, value: &str) -> Vec<u8> {
    format!(
        r#"{{"output":"echo-out.children","outputs":{{"id":"echo-out","property":"children"}},"inputs":[{{"id":"{input}","property":"value","value":{value}}}],"changedPropIds":["{input}.value"]}}"#
    )
    .into_bytes()
}

#[test]
fn memory_stays_flat_under_hostile_requests() {
    let dir = temp_dir();
    let mut server = ServerProcess::start(&dir);
    let port: u16 = server
        .wait_line("LISTENING ")
        .parse()
        .expect("a port number");
    let hundred_k = format!("[{}0]", "0,".repeat(99_999));
    let hostile: Vec<(&str, String, Vec<u8>)> = vec![
        (
            "POST",
            "/_dash-update-component".into(),
            call_body("echo-in", &hundred_k),
        ),
        (
            "POST",
            "/_dash-update-component".into(),
            call_body("echo-in", "1e999999"),
        ),
        ("POST", "/_dash-update-component".into(), vec![0xff; 4096]),
        (
            "POST",
            "/_dash-update-component".into(),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
        (
            "POST",
            "/_dash-update-component".into(),
            call_body("nope-in", "1"),
        ),
        (
            "POST",
            "/_dash-update-component?%ff=%zz&&a[=".into(),
            call_body("echo-in", "\"fine\""),
        ),
        (
            "GET",
            format!("/_dash-layout?{}", "a=%ff&".repeat(1_000)),
            Vec::new(),
        ),
        (
            "GET",
            "/_dash-component-suites/%2e%2e/%2e%2e/x.js?%00".into(),
            Vec::new(),
        ),
    ];
    let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
    let mut round = |n: usize| {
        for i in 0..n {
            let (method, path, body) = &hostile[i % hostile.len()];
            let status = request(port, method, path, body).expect("the server answers");
            assert!((200..500).contains(&status), "{method} {path} -> {status}");
            *statuses.entry(status).or_default() += 1;
        }
    };
    round(400);
    let pid = server.child.id();
    let Some(before) = rss_kib(pid) else {
        println!("no /proc/<pid>/status: memory check skipped");
        return;
    };
    round(4_000);
    let after = rss_kib(pid).unwrap_or(before);
    println!(
        "server RSS after 400 warm-up requests: {before} KiB; after 4000 more hostile requests: {after} KiB ({:+} KiB); statuses {statuses:?}",
        after as i64 - before as i64
    );
    assert!(
        after < before + 256 * 1024,
        "the server's RSS grew from {before} KiB to {after} KiB"
    );
    server.sigterm();
    let status = wait_exit(&mut server);
    assert!(status.success(), "exit status {status}");
    let _ = std::fs::remove_dir_all(&dir);
}
