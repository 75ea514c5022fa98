//! `cargo dash new` and `cargo dash dev` end to end: a scaffolded app builds and passes its
//! test; the dev runner serves it, picks up an edit, shows a compile error and recovers.
//!
//! The apps depend on this checkout's dash-runtime and build into the workspace's target
//! directory, so only the app itself is compiled.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Bound of the first build of an app (dash-runtime is usually built already).
const FIRST_BUILD: Duration = Duration::from_secs(600);
/// Bound of every other wait (never a timing assertion).
const WAIT: Duration = Duration::from_secs(180);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
}

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("cargo-dash-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cargo_dash() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-dash"));
    command.arg("dash").env("CARGO_TARGET_DIR", target_dir());
    command
}

/// `cargo dash new <name>` into `dir` with a path dependency on this checkout.
fn scaffold(name: &str, dir: &Path) {
    let status = cargo_dash()
        .args(["new", name, "--path"])
        .arg(dir)
        .arg("--dash-path")
        .arg(repo().join("dash-runtime"))
        .status()
        .expect("cargo dash new runs");
    assert!(status.success(), "cargo dash new failed");
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/main.rs",
        "tests/app.rs",
        "assets/style.css",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
}

#[test]
fn a_new_app_builds_and_passes_its_test() {
    let tmp = TempDir::new("new");
    let dir = tmp.0.join("fresh-app");
    scaffold("fresh-app", &dir);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("dash-runtime = { path = "), "{manifest}");
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .arg("test")
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo test runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("greets_by_name_or_stranger ... ok"), "{text}");
    // The headless test app drives the scaffolded page.
    assert!(
        text.contains("the_page_greets_as_you_type ... ok"),
        "{text}"
    );
    // A second app in the same place is refused.
    let again = cargo_dash()
        .args(["new", "fresh-app", "--path"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert!(!again.status.success());
}

/// A plain HTTP/1.1 GET: the status and body, or `None` when nobody answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(WAIT)).ok()?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/html,*/*\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Some((status, body))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Polls `path` until `done` holds for its answer; the answer.
fn until(
    port: u16,
    path: &str,
    within: Duration,
    what: &str,
    done: impl Fn(u16, &str) -> bool,
) -> (u16, String) {
    let deadline = Instant::now() + within;
    let mut last = None;
    loop {
        if let Some((status, body)) = get(port, path) {
            if done(status, &body) {
                return (status, body);
            }
            last = Some((status, body));
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; last answer: {last:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn reload_hash(port: u16) -> serde_json::Value {
    let (status, body) = get(port, "/_reload-hash").expect("the proxy answers");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

/// The running `cargo dash dev`: SIGTERM on drop (it stops the app), SIGKILL if it hangs.
struct Runner(Child);

impl Drop for Runner {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Processes running `exe` (Linux: read from /proc).
fn running(exe: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| std::fs::read_link(e.path().join("exe")).is_ok_and(|p| p == exe))
        .count()
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("source");
    assert!(text.contains(from), "{from} not in {}", file.display());
    std::fs::write(file, text.replace(from, to)).expect("edited");
}

#[test]
fn the_dev_runner_rebuilds_shows_errors_and_recovers() {
    let tmp = TempDir::new("dev");
    let dir = tmp.0.join("loop-app");
    scaffold("loop-app", &dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let runner = Runner(
        cargo_dash()
            .args(["dev", "--port", &port.to_string()])
            .current_dir(&dir)
            .env("DASH_SERVE_LOCALLY", "false")
            .stdin(Stdio::null())
            .spawn()
            .expect("cargo dash dev starts"),
    );

    // The page is held until the first build serves, then answered.
    let (status, page) = until(port, "/", FIRST_BUILD, "the app", |s, _| s == 200);
    assert_eq!(status, 200);
    assert!(page.contains("_dash-config"), "{page}");
    let (_, layout) = until(port, "/_dash-layout", WAIT, "the layout", |s, _| s == 200);
    assert!(layout.contains("Welcome to loop-app"), "{layout}");
    let first = reload_hash(port);

    // A one-line edit: the new process has a new hash and serves the new text.
    let lib = dir.join("src/lib.rs");
    let edited = Instant::now();
    edit(&lib, "Welcome to loop-app", "Edited loop-app");
    until(port, "/_dash-layout", WAIT, "the edited layout", |s, b| {
        s == 200 && b.contains("Edited loop-app")
    });
    println!(
        "edit to new layout: {:.2} s",
        edited.elapsed().as_secs_f64()
    );
    let second = reload_hash(port);
    assert_ne!(second["reloadHash"], first["reloadHash"]);
    assert_eq!(
        second["hard"], false,
        "a new process: the page reloads in place"
    );

    // A compile error: the page is the error page with rustc's message, and the hash
    // changes (hard) so an open page reloads into it.
    edit(
        &lib,
        "html::h1(\"Edited loop-app\")",
        "html::h1(no_such_value)",
    );
    let (status, error_page) = until(port, "/", WAIT, "the error page", |s, _| s == 500);
    assert_eq!(status, 500);
    assert!(
        error_page.contains("cannot find value `no_such_value`"),
        "{error_page}"
    );
    assert!(error_page.contains("_reload-hash"), "the error page polls");
    let broken = reload_hash(port);
    assert_ne!(broken["reloadHash"], second["reloadHash"]);
    assert_eq!(broken["hard"], true);

    // Fixed: the app serves again.
    edit(
        &lib,
        "html::h1(no_such_value)",
        "html::h1(\"Fixed loop-app\")",
    );
    until(port, "/_dash-layout", WAIT, "the fixed layout", |s, b| {
        s == 200 && b.contains("Fixed loop-app")
    });
    let (status, _) = get(port, "/").expect("the page");
    assert_eq!(status, 200);
    assert_ne!(reload_hash(port)["reloadHash"], broken["reloadHash"]);

    // Stopping the runner stops the app: no process of the app's binary is left.
    let exe = target_dir()
        .join("debug/loop-app")
        .canonicalize()
        .expect("the app's binary");
    assert_eq!(running(&exe), 1, "one app process while serving");
    drop(runner);
    let deadline = Instant::now() + Duration::from_secs(10);
    while running(&exe) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(running(&exe), 0, "the app outlived the runner");
}

/// The loop in a real page: headless Chromium on `cargo dash dev`'s port follows a Rust edit
/// without a navigation, reloads into the compile error, and back into the app once fixed.
#[test]
fn the_open_page_follows_edits_errors_and_fixes() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = TempDir::new("browser");
    let dir = tmp.0.join("page-app");
    scaffold("page-app", &dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())?;
    let _runner = Runner(
        cargo_dash()
            .args(["dev", "--port", &port.to_string()])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .spawn()?,
    );
    until(
        port,
        "/_dash-layout",
        FIRST_BUILD,
        "the first build",
        |s, _| s == 200,
    );
    let browser = dash_browser::Browser::launch()?;
    browser.goto(&format!("http://127.0.0.1:{port}/"))?;
    browser.wait_for_text("#title", "Welcome to page-app", WAIT)?;
    browser.wait_for_text("#greeting", "Hello, world!", WAIT)?;
    // Survives an in-place reload, not a navigation.
    browser.execute("window.__devLoopMarker = true; return null;", vec![])?;

    let lib = dir.join("src/lib.rs");
    let saved = Instant::now();
    edit(&lib, "Welcome to page-app", "Edited page-app");
    browser.wait_for_text("#title", "Edited page-app", WAIT)?;
    println!(
        "edit to updated page: {:.2} s",
        saved.elapsed().as_secs_f64()
    );
    let marker = browser.execute("return window.__devLoopMarker === true;", vec![])?;
    assert_eq!(marker, serde_json::Value::Bool(true), "the page navigated");

    edit(
        &lib,
        "html::h1(\"Edited page-app\")",
        "html::h1(no_such_value)",
    );
    browser.wait_for("the compile error in the page", WAIT, |b| {
        Ok(b.page_source()?
            .contains("cannot find value `no_such_value`")
            .then_some(()))
    })?;

    edit(
        &lib,
        "html::h1(no_such_value)",
        "html::h1(\"Fixed page-app\")",
    );
    browser.wait_for_text("#title", "Fixed page-app", WAIT)?;
    browser.wait_for_text("#greeting", "Hello, world!", WAIT)?;
    assert!(
        !browser.page_source()?.contains("no_such_value"),
        "the error is gone"
    );
    assert!(browser.callback_errors()?.is_empty());
    Ok(())
}
