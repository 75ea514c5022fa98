//! Shared by the background-callback protocol tests: the test callbacks, an in-process app,
//! and requests built the way dash-renderer builds them (§6.2 of the protocol).

#![allow(dead_code)]

pub mod procs;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::background::{BackgroundManager, JobInfo, Jobs};
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Bound of every wait (never a timing assertion: only how long to keep polling).
pub const WAIT: Duration = Duration::from_secs(60);

/// How many times each job ran, by its label.
static RUNS: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);

pub fn count_run(label: &str) -> u32 {
    let mut runs = RUNS.lock().unwrap_or_else(PoisonError::into_inner);
    let n = runs
        .get_or_insert_with(HashMap::new)
        .entry(label.to_owned())
        .or_insert(0);
    *n += 1;
    *n
}

/// Jobs of each group running right now and the most seen at once; a label's group is the
/// label without its last `-` part (`emb-bounded-3` is in `emb-bounded`).
static IN_FLIGHT: Mutex<Option<HashMap<String, (u32, u32)>>> = Mutex::new(None);

fn group_of(label: &str) -> &str {
    label.rsplit_once('-').map_or(label, |(group, _)| group)
}

/// Counts a job of `label`'s group as running until it is dropped (also on cancel or panic).
pub struct InFlight(String);

impl InFlight {
    pub fn enter(label: &str) -> InFlight {
        let group = group_of(label).to_owned();
        let mut all = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
        let (now, most) = all
            .get_or_insert_with(HashMap::new)
            .entry(group.clone())
            .or_insert((0, 0));
        *now += 1;
        *most = (*most).max(*now);
        InFlight(group)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut all = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((now, _)) = all.as_mut().and_then(|m| m.get_mut(&self.0)) {
            *now = now.saturating_sub(1);
        }
    }
}

/// The most jobs of `group` that ran at the same moment, as the jobs themselves saw it.
pub fn most_in_flight(group: &str) -> u32 {
    IN_FLIGHT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(|m| m.get(group))
        .map_or(0, |(_, most)| *most)
}

pub fn runs(label: &str) -> u32 {
    RUNS.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(|m| m.get(label).copied())
        .unwrap_or(0)
}

/// `steps` steps of `pause_ms`, each reporting progress and calling `set_props` on two ids.
#[callback(
    output = Output("step-out", "children"),
    inputs = [Input("step-go", "n_clicks")],
    state = [State("step-label", "value"), State("step-count", "value"), State("step-pause", "value")],
    background = true,
    progress = [Output("step-bar", "value"), Output("step-bar", "max")],
    progress_default = [0, 10],
    cancel = [Input("step-cancel", "n_clicks")],
    interval = 100,
    prevent_initial_call = true,
)]
async fn stepper(
    progress: Progress<(u32, u32)>,
    n: Option<u64>,
    label: String,
    steps: u32,
    pause_ms: u64,
) -> Result<String, Cancelled> {
    count_run(&label);
    let _running = InFlight::enter(&label);
    for step in 1..=steps {
        progress.sleep(Duration::from_millis(pause_ms)).await?;
        progress.set((step, steps));
        set_props("side-a", json!({"children": step}));
        if step == 1 {
            set_props("side-b", json!({"title": "first step"}));
        }
    }
    Ok(format!("{label}: done {}", n.unwrap_or(0)))
}

fn version() -> &'static str {
    "v1"
}

/// A synchronous job whose results are shared through `cache_by`.
#[callback(
    output = Output("cached-out", "children"),
    inputs = [Input("cached-in", "value")],
    background = true,
    cache_by = [version],
    prevent_initial_call = true,
)]
fn cached(value: String) -> String {
    let run = count_run(&format!("cached:{value}"));
    format!("{value} (run {run})")
}

/// The same job without `cache_by`: every request runs it.
#[callback(
    output = Output("uncached-out", "children"),
    inputs = [Input("uncached-in", "value")],
    background = true,
    prevent_initial_call = true,
)]
fn uncached(value: String) -> String {
    let run = count_run(&format!("uncached:{value}"));
    format!("{value} (run {run})")
}

/// Fails, or prevents the update after a `set_props`.
#[callback(
    output = Output("odd-out", "children"),
    inputs = [Input("odd-in", "value")],
    background = true,
    prevent_initial_call = true,
)]
fn odd(mode: String) -> Result<String, CallbackError> {
    match mode.as_str() {
        "fail" => Err(CallbackError::new("the job failed on purpose")),
        "panic" => panic!("the job panicked on purpose"),
        _ => {
            set_props("odd-side", json!({"children": "kept"}));
            Err(CallbackError::PreventUpdate)
        }
    }
}

/// An app with only the test callbacks' ids, run by `manager`.
pub struct App {
    pub router: Router,
    pub end_id: String,
    pub jobs: Jobs,
}

pub async fn app(manager: BackgroundManager) -> App {
    let server = Dash::new()
        .serve_locally(false)
        .suppress_callback_exceptions(true)
        .background_manager(manager)
        .layout(html::div(html::Div::new().id("root")))
        .build()
        .await
        .expect("the app builds");
    let jobs = server
        .background_jobs()
        .expect("the app has background callbacks");
    let router = server.router();
    let index = send(
        &router,
        Request::get("/").body(Body::empty()).expect("request"),
    )
    .await;
    let end_id = end_id(&index.1).expect("the index page has an end_id");
    App {
        router,
        end_id,
        jobs,
    }
}

pub fn end_id(html: &str) -> Option<String> {
    let tag = html.find("id=\"_dash-config\"")?;
    let start = tag + html[tag..].find('>')? + 1;
    let end = start + html[start..].find("</script>")?;
    let config: Value = serde_json::from_str(&html[start..end]).ok()?;
    config["end_id"].as_str().map(str::to_owned)
}

pub async fn send(router: &Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

pub fn dep(id: &str, prop: &str, value: Value) -> Value {
    json!({"id": id, "property": prop, "value": value})
}

/// A request body for the stepper.
pub fn stepper_body(n: u64, label: &str, steps: u32, pause_ms: u64) -> Value {
    json!({
        "output": "step-out.children",
        "outputs": {"id": "step-out", "property": "children"},
        "inputs": [dep("step-go", "n_clicks", json!(n))],
        "state": [
            dep("step-label", "value", json!(label)),
            dep("step-count", "value", json!(steps)),
            dep("step-pause", "value", json!(pause_ms)),
        ],
        "changedPropIds": ["step-go.n_clicks"],
    })
}

/// A request body for a one-input background callback.
pub fn simple_body(output: &str, input: &str, value: Value) -> Value {
    json!({
        "output": format!("{output}.children"),
        "outputs": {"id": output, "property": "children"},
        "inputs": [dep(input, "value", value)],
        "changedPropIds": [format!("{input}.value")],
    })
}

/// What a poll body looks like: every value nulled, as the renderer sends it.
pub fn nulled(body: &Value) -> Value {
    let mut body = body.clone();
    for key in ["inputs", "state"] {
        if let Some(Value::Array(items)) = body.get_mut(key) {
            for item in items {
                item["value"] = Value::Null;
            }
        }
    }
    body
}

pub fn encode(s: &str) -> String {
    s.replace('~', "%7E")
}

/// The body of an answer: JSON, a JSON string for other text, null when empty.
pub fn parse_body(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(text).unwrap_or(Value::String(text.to_owned()))
    }
}

/// Something that answers `_dash-update-component`: an app in this process, or a web
/// process over HTTP.
#[allow(async_fn_in_trait)]
pub trait Client {
    /// The page token of the page the requests come from.
    fn end_id(&self) -> &str;

    /// `POST _dash-update-component?<query>`.
    async fn post(&self, query: &str, body: &Value) -> (StatusCode, Value);

    /// Start a job: `(status, start answer)`.
    async fn start(&self, body: &Value) -> (StatusCode, Value) {
        self.start_with(body, "").await
    }

    /// Start a job with extra query parameters (`&oldJob=..`).
    async fn start_with(&self, body: &Value, extra: &str) -> (StatusCode, Value) {
        self.post(&format!("endId={}{extra}", encode(self.end_id())), body)
            .await
    }

    /// One poll for the job a start answer names.
    async fn poll(&self, started: &Value, body: &Value) -> (StatusCode, Value) {
        let query = format!(
            "endId={}&cacheKey={}&job={}",
            encode(self.end_id()),
            encode(started["cacheKey"].as_str().unwrap_or("")),
            encode(started["job"].as_str().unwrap_or(""))
        );
        self.post(&query, &nulled(body)).await
    }

    /// Poll until the answer has a `response` or is not 200; returns it and every answer
    /// before it.
    async fn poll_to_end(&self, started: &Value, body: &Value) -> (StatusCode, Value, Vec<Value>) {
        self.poll_through(started, body, &[]).await
    }

    /// Like [`poll_to_end`](Self::poll_to_end), but answers with a status in `tolerated`
    /// (the store or the process is away for a while) are noted and polling goes on.
    async fn poll_through(
        &self,
        started: &Value,
        body: &Value,
        tolerated: &[StatusCode],
    ) -> (StatusCode, Value, Vec<Value>) {
        let begun = Instant::now();
        let mut seen = Vec::new();
        loop {
            let (status, answer) = self.poll(started, body).await;
            if tolerated.contains(&status) {
                seen.push(json!({"status": status.as_u16(), "answer": answer}));
            } else if status != StatusCode::OK || answer.get("response").is_some() {
                return (status, answer, seen);
            } else {
                seen.push(answer);
            }
            assert!(begun.elapsed() < WAIT, "the job did not finish: {seen:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Poll until an answer carries progress (the job runs); returns that answer.
    async fn wait_progress(&self, started: &Value, body: &Value) -> Value {
        let begun = Instant::now();
        loop {
            let (_, answer) = self.poll(started, body).await;
            if answer.get("progress").is_some() {
                return answer;
            }
            assert!(begun.elapsed() < WAIT, "the job never reported progress");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Client for App {
    fn end_id(&self) -> &str {
        &self.end_id
    }

    async fn post(&self, query: &str, body: &Value) -> (StatusCode, Value) {
        let req = Request::post(format!("/_dash-update-component?{query}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        let (status, text) = send(&self.router, req).await;
        (status, parse_body(&text))
    }
}

impl App {
    pub async fn info(&self, started: &Value) -> Option<JobInfo> {
        self.jobs
            .info(started["job"].as_str().unwrap_or(""))
            .await
            .expect("the job store answers")
    }

    /// Wait until `check` holds for the job's info.
    pub async fn wait_info(
        &self,
        started: &Value,
        what: &str,
        check: impl Fn(&Option<JobInfo>) -> bool,
    ) -> Option<JobInfo> {
        let begun = Instant::now();
        loop {
            let info = self.info(started).await;
            if check(&info) {
                return info;
            }
            assert!(
                begun.elapsed() < WAIT,
                "waited in vain for {what}; last info: {info:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A fresh directory for one test's SQLite file, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "dash-rs-bg-{name}-{}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn db(&self) -> PathBuf {
        self.0.join("jobs.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos:08x}")
}

// ---------------------------------------------------------------------------------------
// Scenarios shared by both managers

/// Start → polls with progress and side updates → result; every `set_props` id is kept,
/// progress is not consumed by reading, a late poll is 204.
pub async fn progress_side_updates_and_result(app: &App, label: &str) {
    let body = stepper_body(1, label, 3, 150);
    let (status, started) = app.start(&body).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    println!("start answer: {started}");
    let mut keys: Vec<&str> = started
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    assert_eq!(keys, ["cacheKey", "cancel", "job", "progressDefault"]);
    assert_eq!(
        started["cancel"],
        json!([{"id": "step-cancel", "property": "n_clicks"}])
    );
    assert_eq!(
        started["progressDefault"],
        json!({"step-bar.value": 0, "step-bar.max": 10})
    );
    assert!(started.get("response").is_none() && started.get("multi").is_none());

    let (status, last, seen) = app.poll_to_end(&started, &body).await;
    assert_eq!(status, StatusCode::OK);
    println!("polls before the result: {seen:?}");
    println!("final poll: {last}");
    for answer in &seen {
        assert_eq!(answer["multi"], json!(true));
        if let Some(progress) = answer.get("progress") {
            assert_eq!(progress["step-bar.max"], json!(3));
        }
    }
    assert_eq!(
        last["response"],
        json!({"step-out": {"children": format!("{label}: done 1")}})
    );
    assert_eq!(
        last["progress"],
        json!({"step-bar.value": 3, "step-bar.max": 3})
    );
    // Both ids survive, whatever the poll timing: those of earlier polls were delivered then.
    let mut side_ids: Vec<String> = seen
        .iter()
        .chain(std::iter::once(&last))
        .filter_map(|a| a.get("sideUpdate").and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
        .collect();
    side_ids.sort();
    side_ids.dedup();
    assert_eq!(side_ids, ["side-a", "side-b"]);
    let last_side_a = seen
        .iter()
        .chain(std::iter::once(&last))
        .filter_map(|a| a.pointer("/sideUpdate/side-a/children").cloned())
        .next_back();
    assert_eq!(last_side_a, Some(json!(3)));

    let (status, again) = app.poll(&started, &body).await;
    assert_eq!(
        status,
        StatusCode::NO_CONTENT,
        "a delivered result is gone: {again}"
    );
    let info = app
        .info(&started)
        .await
        .expect("the record is kept until it expires");
    assert_eq!(info.state, dash_runtime::background::JobState::Delivered);
    assert_eq!(info.attempt, 1);
    assert_eq!(runs(label), 1);
}

/// Reading progress twice gives it twice (reading never removes it).
pub async fn progress_survives_reads(app: &App, label: &str) {
    let body = stepper_body(1, label, 2, 1500);
    let (_, started) = app.start(&body).await;
    let begun = Instant::now();
    let first = loop {
        let (status, answer) = app.poll(&started, &body).await;
        assert_eq!(status, StatusCode::OK);
        if answer.get("progress").is_some() {
            break answer;
        }
        assert!(begun.elapsed() < WAIT, "no progress came");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (_, second) = app.poll(&started, &body).await;
    println!("two polls in a row: {first} then {second}");
    if second.get("response").is_none() {
        assert!(
            second.get("progress").is_some(),
            "progress was consumed by reading: {second}"
        );
    }
    let (status, _, _) = app.poll_to_end(&started, &body).await;
    assert_eq!(status, StatusCode::OK);
}

/// Forged handles, handles of another page and handles of another callback: 204.
pub async fn foreign_handles_are_204(app: &App, label: &str) {
    let body = stepper_body(1, label, 1, 10);
    let (_, started) = app.start(&body).await;
    let forged = json!({
        "cacheKey": started["cacheKey"],
        "job": format!("{}0", started["job"].as_str().unwrap_or("")),
    });
    assert_eq!(app.poll(&forged, &body).await.0, StatusCode::NO_CONTENT);
    let unsigned = json!({
        "cacheKey": started["cacheKey"],
        "job": started["job"].as_str().unwrap_or("").split('~').next(),
    });
    assert_eq!(app.poll(&unsigned, &body).await.0, StatusCode::NO_CONTENT);
    // Another page's end id: the same handles do not verify.
    let other_page = format!(
        "endId={}&cacheKey={}&job={}",
        encode("someone-else~00"),
        encode(started["cacheKey"].as_str().unwrap_or("")),
        encode(started["job"].as_str().unwrap_or(""))
    );
    assert_eq!(
        app.post(&other_page, &nulled(&body)).await.0,
        StatusCode::NO_CONTENT
    );
    // Another callback's request with this job's handles.
    let other = simple_body("uncached-out", "uncached-in", json!("x"));
    assert_eq!(app.poll(&started, &other).await.0, StatusCode::NO_CONTENT);
    // The real handles still work.
    let (status, last, _) = app.poll_to_end(&started, &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!(format!("{label}: done 1"))
    );
    // A forged cancel does nothing.
    let (_, again) = app.start(&stepper_body(2, label, 3, 200)).await;
    let query = format!(
        "endId={}&cancelJob={}",
        encode(&app.end_id),
        encode(&format!("{}00", again["job"].as_str().unwrap_or("")))
    );
    let cancel = json!({
        "output": "step-cancel.id",
        "outputs": {"id": "step-cancel", "property": "id"},
        "inputs": [dep("step-cancel", "n_clicks", json!(1))],
        "changedPropIds": ["step-cancel.n_clicks"],
    });
    assert_eq!(app.post(&query, &cancel).await.0, StatusCode::OK);
    let (status, last, _) = app
        .poll_to_end(&again, &stepper_body(2, label, 3, 200))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a forged cancelJob cancelled the job: {last}"
    );
}

/// The cancel helper with `cancelJob`: the job stops, its next poll is 204, nothing it does
/// later is kept.
pub async fn cancel_stops_the_job(app: &App, label: &str) {
    let body = stepper_body(1, label, 50, 100);
    let (_, started) = app.start(&body).await;
    let begun = Instant::now();
    loop {
        let (_, answer) = app.poll(&started, &body).await;
        if answer.get("progress").is_some() {
            break;
        }
        assert!(begun.elapsed() < WAIT, "the job never reported progress");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let query = format!(
        "endId={}&cancelJob={}",
        encode(&app.end_id),
        encode(started["job"].as_str().unwrap_or(""))
    );
    let cancel = json!({
        "output": "step-cancel.id",
        "outputs": {"id": "step-cancel", "property": "id"},
        "inputs": [dep("step-cancel", "n_clicks", json!(1))],
        "changedPropIds": ["step-cancel.n_clicks"],
    });
    let (status, answer) = app.post(&query, &cancel).await;
    assert_eq!(
        (status, answer.clone()),
        (StatusCode::OK, json!({"multi": true, "response": {}}))
    );
    let info = app.info(&started).await.expect("the job is known");
    println!("after cancel: {info:?}");
    assert_eq!(info.state, dash_runtime::background::JobState::Cancelled);
    // Pending set_props written before the cancel may still come once; then only 204.
    let begun = Instant::now();
    loop {
        let (status, answer) = app.poll(&started, &body).await;
        if status == StatusCode::NO_CONTENT {
            break;
        }
        assert!(
            answer.get("response").is_none_or(|r| r == &json!({})),
            "a cancelled job delivered: {answer}"
        );
        assert!(begun.elapsed() < WAIT);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.poll(&started, &body).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        app.info(&started).await.map(|i| i.state),
        Some(dash_runtime::background::JobState::Cancelled)
    );
}

/// A new run of the same callback with `oldJob`: the superseded job is cancelled, the new
/// one delivers.
pub async fn supersede_cancels_the_old_job(app: &App, label: &str) {
    let old_body = stepper_body(1, label, 50, 100);
    let (_, old) = app.start(&old_body).await;
    app.wait_info(&old, "the old job to run", |i| {
        i.as_ref()
            .is_some_and(|i| i.state == dash_runtime::background::JobState::Running)
    })
    .await;
    let new_body = stepper_body(2, label, 2, 20);
    let extra = format!("&oldJob={}", encode(old["job"].as_str().unwrap_or("")));
    let (status, new) = app.start_with(&new_body, &extra).await;
    assert_eq!(status, StatusCode::OK);
    let info = app.info(&old).await.expect("the old job is known");
    println!("old job after the new start: {info:?}");
    assert_eq!(info.state, dash_runtime::background::JobState::Cancelled);
    assert_eq!(app.poll(&old, &old_body).await.0, StatusCode::NO_CONTENT);
    let (status, last, _) = app.poll_to_end(&new, &new_body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!(format!("{label}: done 2"))
    );
}

/// With `cache_by`, the second request is served from the cache without running the job;
/// without it, every request runs its own job.
pub async fn cache_shares_only_when_asked(app: &App, label: &str) {
    let body = simple_body("cached-out", "cached-in", json!(label));
    let (_, first) = app.start(&body).await;
    let (_, a, _) = app.poll_to_end(&first, &body).await;
    let (_, second) = app.start(&body).await;
    assert_ne!(
        first["job"], second["job"],
        "each request has its own job handle"
    );
    let (_, b, _) = app.poll_to_end(&second, &body).await;
    println!("cached: {a} then {b}");
    assert_eq!(
        a["response"],
        json!({"cached-out": {"children": format!("{label} (run 1)")}})
    );
    assert_eq!(b["response"], a["response"]);
    assert_eq!(
        runs(&format!("cached:{label}")),
        1,
        "the cache was checked before queueing"
    );
    let info = app.info(&second).await.expect("known");
    assert_eq!(info.attempt, 0, "a cache hit runs nothing: {info:?}");

    let body = simple_body("uncached-out", "uncached-in", json!(label));
    let (_, first) = app.start(&body).await;
    let (_, a, _) = app.poll_to_end(&first, &body).await;
    let (_, second) = app.start(&body).await;
    let (_, b, _) = app.poll_to_end(&second, &body).await;
    println!("uncached: {a} then {b}");
    assert_eq!(
        a["response"]["uncached-out"]["children"],
        json!(format!("{label} (run 1)"))
    );
    assert_eq!(
        b["response"]["uncached-out"]["children"],
        json!(format!("{label} (run 2)"))
    );
}

/// A failing job is a 500 at the poll; a prevented one keeps its `set_props`; a bad argument
/// is refused at the start.
pub async fn errors_and_prevented_updates(app: &App) {
    let body = simple_body("odd-out", "odd-in", json!("fail"));
    let (_, started) = app.start(&body).await;
    let (status, answer, _) = app.poll_to_end(&started, &body).await;
    println!("failing job: {status} {answer}");
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);

    let body = simple_body("odd-out", "odd-in", json!("panic"));
    let (_, started) = app.start(&body).await;
    let (status, _, _) = app.poll_to_end(&started, &body).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);

    let body = simple_body("odd-out", "odd-in", json!("prevent"));
    let (_, started) = app.start(&body).await;
    let (status, answer, seen) = app.poll_to_end(&started, &body).await;
    println!("prevented job: {seen:?}, then {status} {answer}");
    // The side update arrives exactly once: with the final answer (200, empty response), or
    // in an earlier poll while the job was finishing (then the final answer is 204).
    let delivered: Vec<&Value> = seen
        .iter()
        .chain(std::iter::once(&answer))
        .filter_map(|a| a.get("sideUpdate"))
        .collect();
    assert_eq!(delivered, [&json!({"odd-side": {"children": "kept"}})]);
    match status {
        StatusCode::OK => assert_eq!(answer["response"], json!({})),
        other => assert_eq!(other, StatusCode::NO_CONTENT),
    }

    let bad = simple_body("odd-out", "odd-in", json!(42));
    let (status, answer) = app.start(&bad).await;
    println!("bad argument: {status} {answer}");
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// With a short result TTL, an unread result is removed.
pub async fn expired_results_are_removed(app: &App, label: &str) {
    let body = stepper_body(1, label, 1, 10);
    let (_, started) = app.start(&body).await;
    app.wait_info(&started, "the job to finish", |i| {
        i.as_ref()
            .is_some_and(|i| i.state == dash_runtime::background::JobState::Done)
    })
    .await;
    println!("finished, not read; waiting for expiry");
    app.wait_info(&started, "the record to expire", Option::is_none)
        .await;
    let (status, answer) = app.poll(&started, &body).await;
    println!("poll after expiry: {status} {answer}");
    assert_eq!(status, StatusCode::NO_CONTENT);
}
