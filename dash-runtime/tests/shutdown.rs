//! Graceful shutdown of a real server process: SIGTERM while a slow callback runs.
//!
//! The test starts this test binary again, running only the ignored `server_process` test,
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

#[test]
fn sigterm_lets_in_flight_requests_finish() {
    let dir = std::env::temp_dir().join(format!(
        "dash-rs-shutdown-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
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

    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
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
