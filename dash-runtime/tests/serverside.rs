//! `Serverside<T>` through the router: the browser holds a short signed key, callbacks
//! receive the value; expired, forged and foreign keys are refused without running the
//! callback; background jobs read and write values too.

mod server_data_support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use dash_runtime::background::BackgroundManager;
use dash_runtime::callback::MissingValue;
use dash_runtime::prelude::*;
use dash_runtime::store::DataStore;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use server_data_support::*;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Frame {
    x: Vec<f64>,
    label: String,
}

/// How often `probe` ran (it must not run for refused keys).
static PROBE_RUNS: AtomicU32 = AtomicU32::new(0);

/// Only the forged-key test calls this one.
#[callback(output = Output("ss-probe-out", "children"), inputs = [Input("ss-probe", "data")])]
fn probe(frame: Serverside<Frame>) -> String {
    PROBE_RUNS.fetch_add(1, Ordering::SeqCst);
    frame.label.clone()
}

#[callback(
    output = Output("ss-frame", "data"),
    inputs = [Input("ss-load", "n_clicks")],
    state = [State("ss-ttl-ms", "value")],
)]
fn load_frame(n: u32, ttl_ms: Option<u64>) -> Serverside<Frame> {
    let frame = Frame {
        x: (0..n).map(f64::from).collect(),
        label: format!("frame {n}"),
    };
    match ttl_ms {
        Some(ms) => Serverside::new(frame).ttl(Duration::from_millis(ms)),
        None => Serverside::new(frame),
    }
}

#[callback(
    output = Output("ss-stats", "children"),
    inputs = [Input("ss-frame", "data")],
)]
async fn frame_stats(frame: Option<Serverside<Frame>>) -> String {
    match frame {
        Some(frame) => format!(
            "{}: rows {}, sum {}",
            frame.label,
            frame.x.len(),
            frame.x.iter().sum::<f64>()
        ),
        None => "empty".to_owned(),
    }
}

/// Several stores at once (`ALL`), and a set_props into another store.
#[callback(
    output = Output("ss-joined", "children"),
    inputs = [Input({"type": "ss-part", "index": ALL}, "data")],
)]
fn join_parts(parts: Vec<Option<Serverside<String>>>) -> String {
    set_props(
        "ss-side",
        json!({"data": Serverside::new("from set_props".to_owned())}),
    );
    parts
        .into_iter()
        .map(|p| p.map_or_else(|| "-".to_owned(), Serverside::into_inner))
        .collect::<Vec<_>>()
        .join("+")
}

#[callback(
    output = Output({"type": "ss-part", "index": 0}, "data"),
    inputs = [Input("ss-part-go", "value")],
)]
fn make_part(text: String) -> Serverside<String> {
    Serverside::new(text)
}

#[callback(
    output = Output("ss-bg-frame", "data"),
    inputs = [Input("ss-bg-load", "n_clicks")],
    background = true,
    interval = 100,
    prevent_initial_call = true,
)]
async fn bg_load(n: u32) -> Serverside<Vec<u32>> {
    Serverside::new((0..n).collect())
}

#[callback(
    output = Output("ss-bg-stats", "children"),
    inputs = [Input("ss-bg-frame", "data")],
    background = true,
    interval = 100,
    prevent_initial_call = true,
)]
fn bg_stats(values: Serverside<Vec<u32>>) -> String {
    format!(
        "bg rows {}, sum {}",
        values.len(),
        values.iter().sum::<u32>()
    )
}

/// The same job, reading a value a regular callback stored.
#[callback(
    output = Output("ss-bg-from-regular", "children"),
    inputs = [Input("ss-frame", "data")],
    background = true,
    interval = 100,
    prevent_initial_call = true,
)]
fn bg_reads_regular(frame: Serverside<Frame>) -> String {
    format!("bg sees {}", frame.label)
}

fn load_body(n: u32, ttl_ms: Option<u64>) -> Value {
    body(
        ("ss-frame", "data"),
        vec![dep("ss-load", "n_clicks", json!(n))],
        vec![dep("ss-ttl-ms", "value", json!(ttl_ms))],
    )
}

fn stats_body(key: &Value) -> Value {
    body(
        ("ss-stats", "children"),
        vec![dep("ss-frame", "data", key.clone())],
        vec![],
    )
}

/// Load a frame of `n` rows: the key the browser receives.
async fn load(app: &App, n: u32, ttl_ms: Option<u64>) -> String {
    let (status, _, answer, text) = post(&app.router, "", &load_body(n, ttl_ms), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    answer["response"]["ss-frame"]["data"]
        .as_str()
        .unwrap_or_else(|| panic!("a key string: {answer}"))
        .to_owned()
}

async fn stats(app: &App, key: &Value) -> (StatusCode, Value, String) {
    let (status, _, answer, text) = post(&app.router, "", &stats_body(key), None).await;
    (status, answer, text)
}

fn memory_app() -> Dash {
    Dash::new().data_store(DataStore::in_memory())
}

#[tokio::test]
async fn a_regular_callback_round_trip_sends_only_a_short_key() {
    let app = app(memory_app()).await;
    let key = load(&app, 100_000, None).await;
    println!("key ({} bytes): {key}", key.len());
    assert!(key.starts_with("dash-ss:"));
    assert!(key.len() < 200, "the key has {} bytes", key.len());
    let (status, answer, text) = stats(&app, &json!(key)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        answer["response"]["ss-stats"]["children"],
        json!("frame 100000: rows 100000, sum 4999950000")
    );
    // Two loads give two keys; each reads its own value.
    let other = load(&app, 3, None).await;
    assert_ne!(other, key);
    let (_, answer, _) = stats(&app, &json!(other)).await;
    assert_eq!(
        answer["response"]["ss-stats"]["children"],
        json!("frame 3: rows 3, sum 3")
    );
    // An empty store: the parameter is `None`.
    let (_, answer, _) = stats(&app, &Value::Null).await;
    assert_eq!(answer["response"]["ss-stats"]["children"], json!("empty"));
}

#[tokio::test]
async fn wildcard_lists_and_set_props_carry_keys_too() {
    let app = app(memory_app()).await;
    let made = body(
        ("{\"index\":0,\"type\":\"ss-part\"}", "data"),
        vec![dep("ss-part-go", "value", json!("alpha"))],
        vec![],
    );
    let made = json!({
        "output": made["output"],
        "outputs": {"id": {"type": "ss-part", "index": 0}, "property": "data"},
        "inputs": made["inputs"],
        "changedPropIds": made["changedPropIds"],
    });
    let (status, _, answer, text) = post(&app.router, "", &made, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let key = answer["response"]["{\"index\":0,\"type\":\"ss-part\"}"]["data"].clone();
    assert!(
        key.as_str().is_some_and(|k| k.starts_with("dash-ss:")),
        "{answer}"
    );

    let parts = json!({
        "output": "ss-joined.children",
        "outputs": {"id": "ss-joined", "property": "children"},
        "inputs": [[
            {"id": {"type": "ss-part", "index": 0}, "property": "data", "value": key},
            {"id": {"type": "ss-part", "index": 1}, "property": "data", "value": null},
            {"id": {"type": "ss-part", "index": 2}, "property": "data", "value": key},
        ]],
        "changedPropIds": [],
    });
    let (status, _, answer, text) = post(&app.router, "", &parts, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        answer["response"]["ss-joined"]["children"],
        json!("alpha+-+alpha")
    );
    // The value sent through set_props went to the store too: its key reads back.
    let side = answer["sideUpdate"]["ss-side"]["data"].clone();
    assert!(
        side.as_str()
            .is_some_and(|k| k.starts_with("dash-ss:") && k.contains('~')),
        "{answer}"
    );
    let reread = json!({
        "output": "ss-joined.children",
        "outputs": {"id": "ss-joined", "property": "children"},
        "inputs": [[{"id": {"type": "ss-part", "index": 0}, "property": "data", "value": side}]],
        "changedPropIds": [],
    });
    let (_, _, answer, _) = post(&app.router, "", &reread, None).await;
    assert_eq!(
        answer["response"]["ss-joined"]["children"],
        json!("from set_props")
    );
}

#[tokio::test]
async fn forged_keys_are_refused_without_running_the_callback() {
    let app = app(memory_app()).await;
    let key = load(&app, 10, None).await;
    let (id, sig) = key
        .trim_start_matches("dash-ss:")
        .split_once('~')
        .expect("id~signature");
    let flipped = if sig.starts_with('0') { "1" } else { "0" };
    let forged = [
        format!("dash-ss:{id}~{flipped}{}", &sig[1..]),
        format!("dash-ss:{}~{sig}", hex_of_other(id)),
        format!("dash-ss:{id}"),
        "dash-ss:".to_owned(),
        "dash-ss:not-a-key~zz".to_owned(),
    ];
    let probe = |key: &str| {
        body(
            ("ss-probe-out", "children"),
            vec![dep("ss-probe", "data", json!(key))],
            vec![],
        )
    };
    let (status, _, answer, text) = post(&app.router, "", &probe(&key), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        answer["response"]["ss-probe-out"]["children"],
        json!("frame 10")
    );
    assert_eq!(PROBE_RUNS.load(Ordering::SeqCst), 1);
    for key in forged {
        let (status, _, _, text) = post(&app.router, "", &probe(&key), None).await;
        println!("{key}: {status} {text}");
        assert_eq!(status, StatusCode::FORBIDDEN, "{key}: {text}");
        assert!(
            text.contains("probe") && text.contains("ss-probe.data"),
            "{text}"
        );
        let (status, _, text) = stats(&app, &json!(key)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{key}: {text}");
        assert!(
            text.contains("frame_stats") && text.contains("ss-frame.data"),
            "{text}"
        );
    }
    // A key signed by another app (another secret) is foreign too.
    let other = app_with_secret("another secret").await;
    let foreign = load(&other, 10, None).await;
    let (status, _, text) = stats(&app, &json!(foreign)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    let (status, _, _, text) = post(&app.router, "", &probe(&foreign), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert_eq!(PROBE_RUNS.load(Ordering::SeqCst), 1, "the callback ran");
}

fn hex_of_other(id: &str) -> String {
    id.chars()
        .map(|c| if c == 'a' { 'b' } else { 'a' })
        .collect()
}

async fn app_with_secret(secret: &str) -> App {
    app(Dash::new()
        .data_store(DataStore::in_memory())
        .sessions(dash_runtime::sessions::Sessions::new().secret(secret)))
    .await
}

#[tokio::test]
async fn expired_values_answer_410_naming_the_store() {
    let app = app(memory_app()).await;
    let key = load(&app, 5, Some(300)).await;
    let begun = Instant::now();
    let text = loop {
        let (status, _, text) = stats(&app, &json!(key)).await;
        if status == StatusCode::GONE {
            break text;
        }
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(begun.elapsed() < WAIT, "the value never expired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    println!("{text}");
    assert!(
        text.contains("ss-frame.data") && text.contains("expired"),
        "{text}"
    );
}

#[tokio::test]
async fn prevent_update_mode_answers_204() {
    let app = app(memory_app().serverside_missing(MissingValue::PreventUpdate)).await;
    let key = load(&app, 5, Some(1)).await;
    let begun = Instant::now();
    loop {
        let (status, _, text) = stats(&app, &json!(key)).await;
        if status == StatusCode::NO_CONTENT {
            break;
        }
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(begun.elapsed() < WAIT, "the value never expired");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, _, _) = stats(&app, &json!("dash-ss:forged~00")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // (`frame_stats` always answers 200 with a value when it runs.)
}

/// Start a background job and poll it to its end: the final answer.
async fn run_job(app: &App, body: &Value) -> (StatusCode, Value) {
    let query = format!("endId={}", encode(&app.end_id));
    let (status, _, started, text) = post(&app.router, &query, body, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let poll = format!(
        "endId={}&cacheKey={}&job={}",
        encode(&app.end_id),
        encode(started["cacheKey"].as_str().unwrap_or("")),
        encode(started["job"].as_str().unwrap_or(""))
    );
    let begun = Instant::now();
    loop {
        let (status, _, answer, text) = post(&app.router, &poll, body, None).await;
        if status != StatusCode::OK || answer.get("response").is_some() {
            return (
                status,
                if answer.is_null() {
                    json!(text)
                } else {
                    answer
                },
            );
        }
        assert!(begun.elapsed() < WAIT, "the job never ended: {answer}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_jobs_write_and_read_values() {
    let dir = std::env::temp_dir().join(format!(
        "dash-rs-ss-bg-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let app = app(memory_app()
        .debug(true)
        .background_manager(BackgroundManager::embedded_at(dir.join("jobs.sqlite3"))))
    .await;

    let load = body(
        ("ss-bg-frame", "data"),
        vec![dep("ss-bg-load", "n_clicks", json!(1000))],
        vec![],
    );
    let (status, answer) = run_job(&app, &load).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let key = answer["response"]["ss-bg-frame"]["data"].clone();
    let text = key.as_str().unwrap_or_default();
    assert!(
        text.starts_with("dash-ss:") && text.contains('~') && text.len() < 200,
        "{answer}"
    );

    // A job reads it; so does a regular request path (forged keys are refused at the start).
    let read = body(
        ("ss-bg-stats", "children"),
        vec![dep("ss-bg-frame", "data", key.clone())],
        vec![],
    );
    let (status, answer) = run_job(&app, &read).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["response"]["ss-bg-stats"]["children"],
        json!("bg rows 1000, sum 499500")
    );
    let forged = body(
        ("ss-bg-stats", "children"),
        vec![dep("ss-bg-frame", "data", json!(format!("{text}0")))],
        vec![],
    );
    let (status, _, _, body_text) = post(
        &app.router,
        &format!("endId={}", encode(&app.end_id)),
        &forged,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body_text}");

    // A value from a regular callback, read by a job.
    let regular = load_frame_key(&app).await;
    let cross = body(
        ("ss-bg-from-regular", "children"),
        vec![dep("ss-frame", "data", json!(regular))],
        vec![],
    );
    let (status, answer) = run_job(&app, &cross).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["response"]["ss-bg-from-regular"]["children"],
        json!("bg sees frame 4")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

async fn load_frame_key(app: &App) -> String {
    load(app, 4, None).await
}

fn rand_suffix() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    )
}

#[tokio::test]
async fn a_string_id_used_with_serverside_must_be_a_store() {
    let result = Dash::new()
        .serve_locally(false)
        .data_store(DataStore::in_memory())
        .allow_missing_ids(["*"])
        .layout(html::div((
            html::Div::new().id("ss-frame"),
            dcc::Store::new().id("ss-bg-frame"),
        )))
        .build()
        .await;
    let Err(err) = result else {
        panic!("an html.Div holding a Serverside value must be refused");
    };
    let text = err.to_string();
    println!("{text}");
    assert!(
        text.contains("Serverside value outside a dcc.Store"),
        "{text}"
    );
    assert!(
        text.contains("ss-frame.data") && text.contains("html.Div"),
        "{text}"
    );
    assert!(!text.contains("ss-bg-frame.data` of"), "{text}");
}

fn redis_url() -> String {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/".to_owned())
}

/// Two web processes of one app: each has its own router and its own Redis client, and they
/// share `DASH_SECRET_KEY` (nextest runs every test in its own process, so setting it here
/// touches no other test). A key handed out by one is read by the other.
#[tokio::test]
async fn two_web_processes_on_one_redis_share_values() {
    std::env::set_var("DASH_SECRET_KEY", "shared-by-both-web-processes");
    let name = format!("ss-two-{}-{}", std::process::id(), rand_suffix());
    let store = || DataStore::redis(redis_url()).app_name(&name);
    let first = app(Dash::new().data_store(store())).await;
    let second = app(Dash::new().data_store(store())).await;
    let key = load(&first, 1000, None).await;
    let (status, answer, text) = stats(&second, &json!(key)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        answer["response"]["ss-stats"]["children"],
        json!("frame 1000: rows 1000, sum 499500")
    );
    // A process with another secret refuses the key instead of reading the value.
    std::env::set_var("DASH_SECRET_KEY", "another-deployment");
    let stranger = app(Dash::new().data_store(store())).await;
    let (status, _, text) = stats(&stranger, &json!(key)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
}
