//! Hot reload over real HTTP: editing a file of the assets folder changes `_reload-hash`,
//! lists the file as the renderer expects, relinks the index page and serves the new bytes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dash_runtime::prelude::*;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bound of every wait (never a timing assertion).
const WAIT: Duration = Duration::from_secs(30);

/// A temporary assets folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("dash-rs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `GET path`: the status and the body.
async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request written");
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut raw))
        .await
        .expect("an answer in time")
        .expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a full answer");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, body)
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

async fn reload_hash(addr: std::net::SocketAddr) -> Value {
    let (status, body) = get(addr, "/_reload-hash").await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

/// Polls `_reload-hash` until its hash differs from `before`.
async fn next_hash(addr: std::net::SocketAddr, before: &Value) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let answer = reload_hash(addr).await;
        if answer["reloadHash"] != before["reloadHash"] {
            return answer;
        }
        assert!(Instant::now() < deadline, "the hash never changed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("asset written");
}

fn entry<'a>(answer: &'a Value, url: &str) -> Option<&'a Value> {
    answer["files"]
        .as_array()
        .expect("a file list")
        .iter()
        .find(|f| f["url"] == url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asset_edits_change_the_reload_hash_and_are_served_fresh() {
    let assets = TempDir::new("hot-reload");
    write(&assets.0, "style.css", "h1 { color: red; }");
    write(&assets.0, "app.js", "window.one = 1;");
    let server = Dash::new()
        .serve_locally(false)
        .debug(true)
        .assets_folder(&assets.0)
        .layout(html::div(html::h1("hot").id("title")))
        .build()
        .await
        .expect("builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_until(listener, async {
        let _ = stopped.await;
    }));

    let start = reload_hash(addr).await;
    assert_eq!(start["hard"], false);
    assert_eq!(start["files"], serde_json::json!([]));
    assert_eq!(
        reload_hash(addr).await["reloadHash"],
        start["reloadHash"],
        "stable while nothing changes"
    );

    // A stylesheet: the page swaps it in place, because every listed file is CSS.
    write(&assets.0, "style.css", "h1 { color: blue; }");
    let css = next_hash(addr, &start).await;
    assert_eq!(css["hard"], true, "{css}");
    let files = css["files"].as_array().expect("files");
    assert_eq!(files.len(), 1, "{css}");
    assert_eq!(files[0]["url"], "/assets/style.css");
    assert_eq!(files[0]["is_css"], true);
    assert!(
        files[0]["modified"].as_i64().is_some_and(|m| m > 0),
        "{css}"
    );
    // The URL the renderer swaps to is served with the new bytes.
    let swapped = format!("/assets/style.css?m={}", files[0]["modified"]);
    assert_eq!(
        get(addr, &swapped).await,
        (200, "h1 { color: blue; }".into())
    );

    // A script: listed as not CSS, so the page reloads.
    write(&assets.0, "app.js", "window.one = 2;");
    let js = next_hash(addr, &css).await;
    assert_eq!(js["hard"], true);
    let script = entry(&js, "/assets/app.js").expect("the script is listed");
    assert_eq!(script["is_css"], false);
    assert_eq!(get(addr, "/assets/app.js").await.1, "window.one = 2;");

    // A new file is linked by the index page; a deleted one is listed with modified -1.
    write(&assets.0, "extra.css", "p { margin: 0; }");
    let added = next_hash(addr, &js).await;
    assert!(entry(&added, "/assets/extra.css").is_some(), "{added}");
    let (_, page) = get(addr, "/").await;
    assert!(page.contains("/assets/extra.css?m="), "{page}");
    std::fs::remove_file(assets.0.join("extra.css")).expect("removed");
    let removed = next_hash(addr, &added).await;
    assert_eq!(
        entry(&removed, "/assets/extra.css").map(|f| f["modified"].clone()),
        Some(Value::from(-1))
    );
    let (_, page) = get(addr, "/").await;
    assert!(!page.contains("/assets/extra.css"), "{page}");

    let _ = stop.send(());
    let _ = tokio::time::timeout(WAIT, serving).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_hot_reload_nothing_is_watched() {
    let assets = TempDir::new("no-hot-reload");
    write(&assets.0, "style.css", "h1 { color: red; }");
    let server = Dash::new()
        .serve_locally(false)
        .assets_folder(&assets.0)
        .layout(html::div(html::h1("cold").id("title")))
        .build()
        .await
        .expect("builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_until(listener, async {
        let _ = stopped.await;
    }));
    assert_eq!(reload_hash(addr).await["reloadHash"], Value::Null);
    write(&assets.0, "extra.css", "p { margin: 0; }");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, page) = get(addr, "/").await;
    assert!(!page.contains("extra.css"), "the folder is not rescanned");
    let _ = stop.send(());
    let _ = tokio::time::timeout(WAIT, serving).await;
}
