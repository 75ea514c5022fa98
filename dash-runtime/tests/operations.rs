//! Operations: `_dash-health`, the Prometheus route, answer compression (and that caching
//! headers of assets still work with it), and HTTP/2 on the served port.

use std::io::{Read, Write};
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

#[callback(output = Output("big-out", "children"), inputs = [Input("big-in", "value")])]
fn big(n: Option<usize>) -> String {
    "dash ".repeat(n.unwrap_or(0))
}

fn dash() -> Dash {
    Dash::new().serve_locally(false).layout(html::div((
        dcc::Input::new().id("big-in"),
        html::Div::new().id("big-out"),
    )))
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("request")
}

fn call(n: usize, encoding: Option<&str>) -> Request<Body> {
    let body = json!({
        "output": "big-out.children",
        "outputs": {"id": "big-out", "property": "children"},
        "inputs": [{"id": "big-in", "property": "value", "value": n}],
        "changedPropIds": ["big-in.value"],
    });
    let mut req =
        Request::post("/_dash-update-component").header(header::CONTENT_TYPE, "application/json");
    if let Some(encoding) = encoding {
        req = req.header(header::ACCEPT_ENCODING, encoding);
    }
    req.body(Body::from(body.to_string())).expect("request")
}

#[tokio::test]
async fn health_answers_ready_with_every_check() {
    let router = dash().build().await.expect("builds").router();
    let (status, headers, body) = send(&router, get("/_dash-health")).await;
    let value: Value = serde_json::from_slice(&body).expect("JSON");
    println!("{status} {value}");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(value["status"], "ok");
    assert_eq!(value["failed"], json!([]));
    for check in ["front_end", "assets", "shutdown"] {
        assert_eq!(value["checks"][check]["ok"], true, "{check}: {value}");
    }
    // No background callbacks in this program: no background check.
    assert!(value["checks"].get("background").is_none());

    let (status, _, body) = send(&router, get("/_dash-health?probe=live")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).expect("JSON"),
        json!({"status": "alive"})
    );

    // Under the routes prefix.
    let prefixed = dash()
        .url_base_pathname("/app/")
        .build()
        .await
        .expect("builds")
        .router();
    let (status, _, _) = send(&prefixed, get("/app/_dash-health")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_are_off_by_default_and_served_when_asked() {
    let plain = dash().build().await.expect("builds").router();
    let (_, headers, body) = send(&plain, get("/_dash-metrics")).await;
    // The index catch-all answers: no metrics here.
    assert!(!String::from_utf8_lossy(&body).contains("dash_callback_calls_total"));
    assert_ne!(
        headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(&b"text/plain; version=0.0.4; charset=utf-8"[..])
    );

    let router = dash()
        .metrics("/_dash-metrics")
        .build()
        .await
        .expect("builds")
        .router();
    // A second app in the same process shares the recorder.
    let second = dash()
        .metrics("/ops/metrics")
        .build()
        .await
        .expect("builds")
        .router();
    let (status, _, _) = send(&router, call(3, None)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, headers, body) = send(&router, get("/_dash-metrics")).await;
    let text = String::from_utf8_lossy(&body);
    println!("{text}");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(
        text.contains(r#"dash_callback_calls_total{callback="big",status="200",outcome="ok"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"dash_callback_duration_seconds_bucket{callback="big",le="+Inf"}"#),
        "{text}"
    );
    assert!(text.contains("# TYPE dash_callback_duration_seconds histogram"));
    assert!(text.contains("dash_blocking_pool_busy"), "{text}");
    let (status, _, body) = send(&second, get("/ops/metrics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("dash_callback_calls_total"));
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("gzip");
    text
}

#[tokio::test]
async fn answers_are_compressed_by_accept_encoding() {
    let router = dash().build().await.expect("builds").router();

    let (status, headers, body) = send(&router, call(2_000, Some("gzip"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert!(headers[header::VARY]
        .to_str()
        .unwrap_or_default()
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    let text = gunzip(&body);
    println!("10 kB answer sent as {} gzip bytes", body.len());
    assert!(body.len() < text.len() / 4);
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        value["response"]["big-out"]["children"],
        "dash ".repeat(2_000)
    );

    for encoding in ["br", "zstd"] {
        let (_, headers, _) = send(&router, call(2_000, Some(encoding))).await;
        assert_eq!(headers[header::CONTENT_ENCODING], encoding);
    }
    // Small answers and clients that accept nothing go as they are.
    let (_, headers, _) = send(&router, call(2, Some("gzip"))).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    let (_, headers, body) = send(&router, call(2_000, None)).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert!(String::from_utf8_lossy(&body).contains("dash dash"));

    // Off when asked.
    let off = dash()
        .compress(false)
        .build()
        .await
        .expect("builds")
        .router();
    let (_, headers, _) = send(&off, call(2_000, Some("gzip"))).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn assets_keep_etag_304_and_ranges_with_compression() {
    let dir = TempDir(std::env::temp_dir().join(format!(
        "dash-rs-ops-assets-{}-{:x}",
        std::process::id(),
        rand_id()
    )));
    std::fs::create_dir_all(&dir.0).expect("dir");
    let css = ".a { color: red; }\n".repeat(500);
    std::fs::write(dir.0.join("big.css"), &css).expect("write");
    std::fs::write(dir.0.join("logo.png"), vec![7u8; 4096]).expect("write");
    let router = dash()
        .assets_folder(&dir.0)
        .build()
        .await
        .expect("builds")
        .router();

    let with = |path: &str, pairs: &[(header::HeaderName, &str)]| {
        let mut req = Request::get(path);
        for (name, value) in pairs {
            req = req.header(name, *value);
        }
        req.body(Body::empty()).expect("request")
    };
    let (status, headers, body) = send(
        &router,
        with("/assets/big.css", &[(header::ACCEPT_ENCODING, "gzip")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(gunzip(&body), css);
    let etag = headers[header::ETAG].to_str().expect("etag").to_owned();

    let (status, headers, body) = send(
        &router,
        with(
            "/assets/big.css",
            &[
                (header::ACCEPT_ENCODING, "gzip"),
                (header::IF_NONE_MATCH, &etag),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert!(headers.get(header::CONTENT_ENCODING).is_none());

    // A range is sent as it is (compressing it would change what the offsets mean).
    let (status, headers, body) = send(
        &router,
        with(
            "/assets/big.css",
            &[
                (header::ACCEPT_ENCODING, "gzip"),
                (header::RANGE, "bytes=0-9"),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body, css.as_bytes()[..10].to_vec());

    // Images are compressed already.
    let (status, headers, _) = send(
        &router,
        with("/assets/logo.png", &[(header::ACCEPT_ENCODING, "gzip")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
}

fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_with_prior_knowledge_is_served() {
    let server = dash().build().await.expect("builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve_until(listener, async {
        let _ = stopped.await;
    }));
    let first_frame = tokio::task::spawn_blocking(move || -> std::io::Result<[u8; 9]> {
        let mut stream = std::net::TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
        // The client preface, then an empty SETTINGS frame.
        stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")?;
        stream.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0])?;
        let mut frame = [0u8; 9];
        stream.read_exact(&mut frame)?;
        Ok(frame)
    })
    .await
    .expect("client thread")
    .expect("the server answers the HTTP/2 preface");
    // The server's first frame is its SETTINGS frame (type 4) on stream 0.
    assert_eq!(first_frame[3], 4, "{first_frame:?}");
    assert_eq!(&first_frame[5..9], &[0, 0, 0, 0]);
    let _ = stop.send(());
}
