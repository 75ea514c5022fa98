//! The dispatch core under load and faults: blocking callbacks on the pool, a full pool
//! answered 503, timeouts answered 504, and panics of sync, async and background callbacks
//! handed to their own `on_error`.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::background::BackgroundManager;
use dash_runtime::prelude::*;
use dash_runtime::server::DashServer;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Bound of every wait in this file (how long to keep polling, never a timing assertion).
const WAIT: Duration = Duration::from_secs(30);

/// A gate blocking callbacks until a test opens it; counts who is waiting at it.
struct Gate {
    state: Mutex<(bool, usize)>,
    changed: Condvar,
}

impl Gate {
    const fn new() -> Self {
        Gate {
            state: Mutex::new((false, 0)),
            changed: Condvar::new(),
        }
    }

    /// Block the calling thread until the gate opens.
    fn pass(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.1 += 1;
        self.changed.notify_all();
        while !state.0 {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.1 -= 1;
    }

    fn waiting(&self) -> usize {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1
    }

    fn open(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).0 = true;
        self.changed.notify_all();
    }

    async fn wait_for(&self, n: usize) {
        let begun = Instant::now();
        while self.waiting() < n {
            assert!(
                begun.elapsed() < WAIT,
                "only {} callbacks arrived",
                self.waiting()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

static SLOW_GATE: Gate = Gate::new();
static FULL_GATE: Gate = Gate::new();
static TIMEOUT_GATE: Gate = Gate::new();

#[callback(output = Output("slow-out", "children"), inputs = [Input("slow-in", "value")])]
fn slow(n: u32) -> String {
    SLOW_GATE.pass();
    format!("slow {n}")
}

#[callback(output = Output("full-out", "children"), inputs = [Input("full-in", "value")])]
fn held(n: u32) -> String {
    FULL_GATE.pass();
    format!("held {n}")
}

#[callback(output = Output("cheap-out", "children"), inputs = [Input("cheap-in", "value")])]
fn cheap(n: u32) -> u32 {
    n + 1
}

#[callback(
    output = Output("inline-out", "children"),
    inputs = [Input("inline-in", "value")],
    blocking = false,
)]
fn inline(n: u32) -> u32 {
    n * 2
}

#[callback(
    output = Output("late-out", "children"),
    inputs = [Input("late-in", "value")],
    timeout = "200ms",
)]
fn late(n: u32) -> u32 {
    TIMEOUT_GATE.pass();
    n
}

#[callback(
    output = Output("late-async-out", "children"),
    inputs = [Input("late-async-in", "value")],
    timeout = "100ms",
)]
async fn late_async(n: u64) -> u64 {
    tokio::time::sleep(Duration::from_secs(n)).await;
    n
}

fn recover(err: &CallbackError) -> String {
    format!("recovered: {err}")
}

#[callback(
    output = Output("sync-panic-out", "children"),
    inputs = [Input("sync-panic-in", "value")],
    on_error = recover,
)]
fn sync_panics(_n: u32) -> String {
    panic!("sync went wrong")
}

#[callback(
    output = Output("async-panic-out", "children"),
    inputs = [Input("async-panic-in", "value")],
    on_error = recover,
)]
async fn async_panics(_n: u32) -> String {
    tokio::task::yield_now().await;
    panic!("async went wrong")
}

#[callback(
    output = Output("bg-panic-out", "children"),
    inputs = [Input("bg-panic-in", "value")],
    background = true,
    on_error = recover,
    prevent_initial_call = true,
)]
async fn background_panics(_n: u32) -> String {
    tokio::task::yield_now().await;
    panic!("background went wrong")
}

#[callback(
    output = Output("bg-sync-panic-out", "children"),
    inputs = [Input("bg-sync-panic-in", "value")],
    background = true,
    on_error = recover,
    prevent_initial_call = true,
)]
fn background_sync_panics(_n: u32) -> String {
    panic!("background sync went wrong")
}

async fn server(builder: Dash) -> DashServer {
    builder
        .serve_locally(false)
        .suppress_callback_exceptions(true)
        .layout_fn(|| html::div(html::Div::new().id("made-per-load")))
        .build()
        .await
        .expect("app builds")
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, String, Option<String>) {
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let retry = resp
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), retry)
}

fn call(output: &str, input: &str, value: Value) -> Request<Body> {
    call_with_query(output, input, value, "")
}

fn call_with_query(output: &str, input: &str, value: Value, query: &str) -> Request<Body> {
    let body = json!({
        "output": format!("{output}.children"),
        "outputs": {"id": output, "property": "children"},
        "inputs": [{"id": input, "property": "value", "value": value}],
        "changedPropIds": [format!("{input}.value")],
    });
    Request::post(format!("/_dash-update-component?{query}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn response_of(body: &str, id: &str) -> Value {
    let value: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    value["response"][id]["children"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cheap_calls_and_layout_answer_while_eight_sync_callbacks_block() {
    let server = server(Dash::new().callback_threads(16)).await;
    let router = server.router();
    let slow_calls: Vec<_> = (0..8)
        .map(|i| {
            let router = router.clone();
            tokio::spawn(async move { send(&router, call("slow-out", "slow-in", json!(i))).await })
        })
        .collect();
    // All eight are inside their callback at once, each holding a pool thread...
    SLOW_GATE.wait_for(8).await;
    // ...and the server still answers everything else.
    let (status, body, _) = send(&router, call("cheap-out", "cheap-in", json!(41))).await;
    assert_eq!(
        (status, response_of(&body, "cheap-out")),
        (StatusCode::OK, json!(42))
    );
    let (status, body, _) = send(&router, call("inline-out", "inline-in", json!(4))).await;
    assert_eq!(
        (status, response_of(&body, "inline-out")),
        (StatusCode::OK, json!(8))
    );
    let layout = Request::get("/_dash-layout")
        .body(Body::empty())
        .expect("request");
    let (status, body, _) = send(&router, layout).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("made-per-load"), "{body}");
    assert_eq!(
        SLOW_GATE.waiting(),
        8,
        "the slow callbacks were still running"
    );
    SLOW_GATE.open();
    let mut answers = Vec::new();
    for call in slow_calls {
        let (status, body, _) = call.await.expect("joined");
        assert_eq!(status, StatusCode::OK);
        answers.push(response_of(&body, "slow-out"));
    }
    let expected: Vec<Value> = (0..8).map(|i| json!(format!("slow {i}"))).collect();
    assert_eq!(answers, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pool_answers_503_with_retry_after_and_recovers() {
    let server = server(Dash::new().callback_threads(2).callback_queue(1)).await;
    let pool = server.dispatcher().pool().clone();
    let router = server.router();
    let mut held_calls = Vec::new();
    for i in 0..3 {
        let router = router.clone();
        held_calls.push(tokio::spawn(async move {
            send(&router, call("full-out", "full-in", json!(i))).await
        }));
    }
    FULL_GATE.wait_for(2).await;
    let begun = Instant::now();
    while pool.waiting() < 1 {
        assert!(begun.elapsed() < WAIT, "the third call never queued");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Two running, one queued: the next sync call and a layout load are refused at once.
    let (status, body, retry) = send(&router, call("cheap-out", "cheap-in", json!(1))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(retry.as_deref(), Some("1"));
    let layout = Request::get("/_dash-layout")
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        send(&router, layout).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // A `blocking = false` callback does not need the pool.
    let (status, _, _) = send(&router, call("inline-out", "inline-in", json!(1))).await;
    assert_eq!(status, StatusCode::OK);
    FULL_GATE.open();
    for call in held_calls {
        assert_eq!(call.await.expect("joined").0, StatusCode::OK);
    }
    let (status, body, _) = send(&router, call("cheap-out", "cheap-in", json!(1))).await;
    assert_eq!(
        (status, response_of(&body, "cheap-out")),
        (StatusCode::OK, json!(2))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_sync_call_is_504_and_keeps_its_thread_until_it_returns() {
    let server = server(
        Dash::new()
            .debug(true)
            .callback_threads(1)
            .callback_queue(0),
    )
    .await;
    let router = server.router();
    let (status, body, _) = send(&router, call("late-out", "late-in", json!(7))).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert!(
        body.contains("late") && body.contains("dispatch.rs"),
        "debug names the callback: {body}"
    );
    // The function still runs on the only thread: nothing else gets it.
    assert_eq!(TIMEOUT_GATE.waiting(), 1);
    let (status, _, _) = send(&router, call("cheap-out", "cheap-in", json!(1))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    TIMEOUT_GATE.open();
    let begun = Instant::now();
    loop {
        let (status, body, _) = send(&router, call("cheap-out", "cheap-in", json!(1))).await;
        if status == StatusCode::OK {
            assert_eq!(response_of(&body, "cheap-out"), json!(2));
            break;
        }
        assert!(begun.elapsed() < WAIT, "the thread never came back");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_timed_out_async_call_is_504_and_names_the_callback_only_in_debug() {
    let quiet = server(Dash::new()).await.router();
    let (status, body, _) = send(&quiet, call("late-async-out", "late-async-in", json!(60))).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert!(!body.contains("late_async"), "{body}");
    let debug = server(Dash::new().debug(true)).await.router();
    let (status, body, _) = send(&debug, call("late-async-out", "late-async-in", json!(60))).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert!(body.contains("late_async"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panics_of_sync_and_async_callbacks_reach_their_own_on_error() {
    let router = server(Dash::new()).await.router();
    for (output, input, message) in [
        ("sync-panic-out", "sync-panic-in", "sync went wrong"),
        ("async-panic-out", "async-panic-in", "async went wrong"),
    ] {
        let (status, body, _) = send(&router, call(output, input, json!(1))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            response_of(&body, output),
            json!(format!("recovered: callback panicked: {message}"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panics_of_background_jobs_reach_their_own_on_error() {
    let dir = std::env::temp_dir().join(format!(
        "dash-rs-dispatch-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let server = server(
        Dash::new().background_manager(BackgroundManager::embedded_at(dir.join("jobs.sqlite3"))),
    )
    .await;
    let router = server.router();
    let index = Request::get("/").body(Body::empty()).expect("request");
    let (_, html, _) = send(&router, index).await;
    let end_id = end_id(&html).expect("the index has an end id");
    for (output, input, message) in [
        ("bg-panic-out", "bg-panic-in", "background went wrong"),
        (
            "bg-sync-panic-out",
            "bg-sync-panic-in",
            "background sync went wrong",
        ),
    ] {
        let query = format!("endId={}", end_id.replace('~', "%7E"));
        let (status, started, _) =
            send(&router, call_with_query(output, input, json!(1), &query)).await;
        assert_eq!(status, StatusCode::OK, "{started}");
        let started: Value = serde_json::from_str(&started).expect("start answer");
        let poll = format!(
            "{query}&cacheKey={}&job={}",
            started["cacheKey"]
                .as_str()
                .unwrap_or("")
                .replace('~', "%7E"),
            started["job"].as_str().unwrap_or("").replace('~', "%7E"),
        );
        let begun = Instant::now();
        let answer = loop {
            let (status, body, _) =
                send(&router, call_with_query(output, input, Value::Null, &poll)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if response_of(&body, output) != Value::Null {
                break response_of(&body, output);
            }
            assert!(begun.elapsed() < WAIT, "the job never ended: {body}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(
            answer,
            json!(format!("recovered: callback panicked: {message}"))
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos().into())
}

fn end_id(html: &str) -> Option<String> {
    let tag = html.find("id=\"_dash-config\"")?;
    let start = tag + html[tag..].find('>')? + 1;
    let end = start + html[start..].find("</script>")?;
    let config: Value = serde_json::from_str(&html[start..end]).ok()?;
    config["end_id"].as_str().map(str::to_owned)
}
