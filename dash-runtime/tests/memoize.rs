//! Memoized callbacks (`memoize = ".."`) and functions (`#[memoize]`): answers equal to
//! unmemoized ones, reuse, expiry, request parts in the key, single flight in one process,
//! and two processes sharing results (and one computation) through Redis.
//!
//! Every app here shares one in-memory data store, so `store::current()` (used by
//! `#[memoize]` functions called outside callbacks) is the same store whichever app was built
//! last. The Redis test runs its apps in child processes of this test binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::memo::flight;
use dash_runtime::prelude::*;
use dash_runtime::store::DataStore;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Bound of every wait in this file (how long to keep polling, never a timing assertion).
const WAIT: Duration = Duration::from_secs(30);

/// Tests that watch `flight::waiting()` run one at a time (it counts the whole process).
static FLIGHT_TESTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn shared_store() -> DataStore {
    static STORE: OnceLock<DataStore> = OnceLock::new();
    STORE.get_or_init(DataStore::in_memory).clone()
}

async fn app() -> Router {
    Dash::new()
        .serve_locally(false)
        .suppress_callback_exceptions(true)
        .data_store(shared_store())
        .layout(html::div(()))
        .build()
        .await
        .expect("app builds")
        .router()
}

/// A call of a callback whose outputs are the `children` of `outputs`.
fn call(outputs: &[&str], input: &str, value: Value, headers: &[(&str, &str)]) -> Request<Body> {
    let (output, targets) = match outputs {
        [one] => (
            format!("{one}.children"),
            json!({"id": one, "property": "children"}),
        ),
        many => (
            format!(
                "..{}..",
                many.iter()
                    .map(|id| format!("{id}.children"))
                    .collect::<Vec<_>>()
                    .join("...")
            ),
            Value::Array(
                many.iter()
                    .map(|id| json!({"id": id, "property": "children"}))
                    .collect(),
            ),
        ),
    };
    let body = json!({
        "output": output,
        "outputs": targets,
        "inputs": [{"id": input, "property": "value", "value": value}],
        "changedPropIds": [format!("{input}.value")],
    });
    let mut req =
        Request::post("/_dash-update-component").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.body(Body::from(body.to_string())).expect("request")
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Block until `n` calls wait for an identical call under way (the leader calls this).
fn wait_for_followers(n: usize) {
    let begun = Instant::now();
    while flight::waiting() < n {
        assert!(
            begun.elapsed() < WAIT,
            "only {} calls waited",
            flight::waiting()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Every flight leaves the map (other tests' calls may be under way for a moment: poll).
async fn flights_land() {
    let begun = Instant::now();
    while flight::in_flight() > 0 {
        assert!(begun.elapsed() < WAIT, "a flight never left the map");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

// --- answers: memoized equal unmemoized ---------------------------------------------------

static TWIN_RUNS: AtomicUsize = AtomicUsize::new(0);

/// The body both twins share: a side update, `NoUpdate` for odd numbers, `null` for zero,
/// `PreventUpdate` below zero and an error for 13.
fn twin(n: i64) -> Result<(Option<String>, Update<i64>), CallbackError> {
    if n < 0 {
        return Err(CallbackError::PreventUpdate);
    }
    if n == 13 {
        return Err(CallbackError::from_user("unlucky"));
    }
    set_props(
        "twin-side",
        json!({"children": format!("side {n}"), "n": n}),
    );
    let text = (n != 0).then(|| format!("square: {}", n * n));
    let half = if n % 2 == 0 {
        Update::Value(n / 2)
    } else {
        Update::NoUpdate
    };
    Ok((text, half))
}

#[callback(
    output = [Output("twin-m-a", "children"), Output("twin-m-b", "children")],
    inputs = [Input("twin-m-in", "value")],
    memoize = "1m",
)]
fn twin_memoized(n: i64) -> Result<(Option<String>, Update<i64>), CallbackError> {
    TWIN_RUNS.fetch_add(1, Ordering::SeqCst);
    twin(n)
}

#[callback(
    output = [Output("twin-p-a", "children"), Output("twin-p-b", "children")],
    inputs = [Input("twin-p-in", "value")],
)]
fn twin_plain(n: i64) -> Result<(Option<String>, Update<i64>), CallbackError> {
    twin(n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memoized_answers_equal_unmemoized_ones_and_are_reused() {
    let router = app().await;
    let runs = || TWIN_RUNS.load(Ordering::SeqCst);
    for n in [4, 3, 0, -1, 13] {
        let plain = send(
            &router,
            call(&["twin-p-a", "twin-p-b"], "twin-p-in", json!(n), &[]),
        )
        .await;
        let before = runs();
        let first = send(
            &router,
            call(&["twin-m-a", "twin-m-b"], "twin-m-in", json!(n), &[]),
        )
        .await;
        let second = send(
            &router,
            call(&["twin-m-a", "twin-m-b"], "twin-m-in", json!(n), &[]),
        )
        .await;
        let same =
            |(status, body): &(StatusCode, String)| (*status, body.replace("twin-m-", "twin-p-"));
        assert_eq!(same(&first), plain, "n = {n}: first answer");
        assert_eq!(same(&second), plain, "n = {n}: answer from the store");
        // Ok answers are kept; PreventUpdate and errors run again.
        let expected = if n < 0 || n == 13 { 2 } else { 1 };
        assert_eq!(runs() - before, expected, "n = {n}: runs of the function");
    }
    // A different argument runs the function again; the first stays kept.
    let before = runs();
    send(
        &router,
        call(&["twin-m-a", "twin-m-b"], "twin-m-in", json!(6), &[]),
    )
    .await;
    send(
        &router,
        call(&["twin-m-a", "twin-m-b"], "twin-m-in", json!(4), &[]),
    )
    .await;
    assert_eq!(runs() - before, 1);
}

// --- expiry -------------------------------------------------------------------------------

static BRIEF_RUNS: AtomicUsize = AtomicUsize::new(0);

#[callback(
    output = Output("brief-out", "children"),
    inputs = [Input("brief-in", "value")],
    memoize = "300ms",
)]
async fn brief(n: u32) -> u32 {
    BRIEF_RUNS.fetch_add(1, Ordering::SeqCst);
    n + 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memoized_answers_expire() {
    let router = app().await;
    let (_, first) = send(&router, call(&["brief-out"], "brief-in", json!(1), &[])).await;
    assert!(first.contains(r#""children":2"#), "{first}");
    let begun = Instant::now();
    // Until the entry expires the function does not run again; after, it does.
    while BRIEF_RUNS.load(Ordering::SeqCst) < 2 {
        assert!(begun.elapsed() < WAIT, "the entry never expired");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (_, again) = send(&router, call(&["brief-out"], "brief-in", json!(1), &[])).await;
        assert_eq!(again, first);
    }
}

// --- request parts ------------------------------------------------------------------------

static TENANT_RUNS: AtomicUsize = AtomicUsize::new(0);

#[callback(
    output = Output("tenant-out", "children"),
    inputs = [Input("tenant-in", "value")],
    memoize = "1m",
    memoize_by = ["header:X-Tenant", "cookie:theme"],
)]
fn per_tenant(n: u32) -> String {
    TENANT_RUNS.fetch_add(1, Ordering::SeqCst);
    let tenant = callback_context()
        .and_then(|ctx| ctx.headers().get("x-tenant").cloned())
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        .unwrap_or_default();
    format!("{tenant}: {n}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memoize_by_keeps_tenants_apart() {
    let router = app().await;
    let runs = || TENANT_RUNS.load(Ordering::SeqCst);
    let ask = |tenant: &'static str, cookie: &'static str| {
        call(
            &["tenant-out"],
            "tenant-in",
            json!(7),
            &[("x-tenant", tenant), ("cookie", cookie)],
        )
    };
    let (_, a) = send(&router, ask("acme", "theme=dark")).await;
    let (_, b) = send(&router, ask("globex", "theme=dark")).await;
    assert!(a.contains("acme: 7") && b.contains("globex: 7"), "{a} {b}");
    assert_eq!(runs(), 2);
    let (_, a_again) = send(&router, ask("acme", "theme=dark")).await;
    assert_eq!(a_again, a);
    assert_eq!(runs(), 2, "the same tenant is answered from the store");
    send(&router, ask("acme", "theme=light")).await;
    assert_eq!(runs(), 3, "another cookie value is another entry");
}

// --- single flight ------------------------------------------------------------------------

static GATED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[callback(
    output = Output("gated-out", "children"),
    inputs = [Input("gated-in", "value")],
    memoize = "1m",
)]
fn gated(n: u32) -> String {
    GATED_RUNS.fetch_add(1, Ordering::SeqCst);
    wait_for_followers(4);
    format!("computed {n}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_concurrent_identical_calls_run_the_callback_once() {
    let _one_at_a_time = FLIGHT_TESTS.lock().await;
    let router = app().await;
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let router = router.clone();
            tokio::spawn(async move {
                send(&router, call(&["gated-out"], "gated-in", json!(5), &[])).await
            })
        })
        .collect();
    let mut bodies = Vec::new();
    for c in calls {
        let (status, body) = c.await.expect("joined");
        assert_eq!(status, StatusCode::OK, "{body}");
        bodies.push(body);
    }
    assert!(bodies[0].contains("computed 5"), "{}", bodies[0]);
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_eq!(GATED_RUNS.load(Ordering::SeqCst), 1);
    flights_land().await;
}

static DOUBLE_RUNS: AtomicUsize = AtomicUsize::new(0);

#[memoize(ttl = "1m")]
fn gated_double(n: u64) -> u64 {
    DOUBLE_RUNS.fetch_add(1, Ordering::SeqCst);
    if n == 21 {
        wait_for_followers(4);
    }
    n * 2
}

static TRIPLE_RUNS: AtomicUsize = AtomicUsize::new(0);

#[memoize]
async fn gated_triple(n: u64) -> Vec<u64> {
    TRIPLE_RUNS.fetch_add(1, Ordering::SeqCst);
    let begun = Instant::now();
    while flight::waiting() < 4 {
        assert!(
            begun.elapsed() < WAIT,
            "only {} calls waited",
            flight::waiting()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    vec![n; 3]
}

static FALLIBLE_RUNS: AtomicUsize = AtomicUsize::new(0);

#[memoize(ttl = "10m")]
fn fallible(n: u32) -> Result<u32, String> {
    FALLIBLE_RUNS.fetch_add(1, Ordering::SeqCst);
    if n % 2 == 1 {
        Err(format!("{n} is odd"))
    } else {
        Ok(n / 2)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memoized_functions_compute_once_and_keep_only_ok_values() {
    let _one_at_a_time = FLIGHT_TESTS.lock().await;
    // Building an app makes its store the process's current one.
    let _ = app().await;
    let calls: Vec<_> = (0..5)
        .map(|_| tokio::task::spawn_blocking(|| gated_double(21)))
        .collect();
    for c in calls {
        assert_eq!(c.await.expect("joined"), 42);
    }
    assert_eq!(
        DOUBLE_RUNS.load(Ordering::SeqCst),
        1,
        "sync: one computation"
    );
    // Called from an async worker too (block_in_place), answered from the store.
    assert_eq!(gated_double(21), 42);
    assert_eq!(gated_double(5), 10);
    assert_eq!(
        DOUBLE_RUNS.load(Ordering::SeqCst),
        2,
        "a new argument runs again"
    );

    let calls: Vec<_> = (0..5).map(|_| tokio::spawn(gated_triple(7))).collect();
    for c in calls {
        assert_eq!(c.await.expect("joined"), vec![7, 7, 7]);
    }
    assert_eq!(
        TRIPLE_RUNS.load(Ordering::SeqCst),
        1,
        "async: one computation"
    );

    assert_eq!(fallible(4), Ok(2));
    assert_eq!(fallible(4), Ok(2));
    assert_eq!(
        FALLIBLE_RUNS.load(Ordering::SeqCst),
        1,
        "Ok values are kept"
    );
    assert!(fallible(3).is_err());
    assert!(fallible(3).is_err());
    assert_eq!(FALLIBLE_RUNS.load(Ordering::SeqCst), 3, "errors are not");
    flights_land().await;
}

#[test]
fn memoized_functions_just_run_outside_a_runtime() {
    let before = FALLIBLE_RUNS.load(Ordering::SeqCst);
    assert_eq!(fallible(100), Ok(50));
    assert_eq!(fallible(100), Ok(50));
    assert_eq!(FALLIBLE_RUNS.load(Ordering::SeqCst) - before, 2);
}

// --- two processes on one Redis -----------------------------------------------------------

const CHILD_APP: &str = "DASH_MEMO_TEST_CHILD_APP";

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".to_owned())
}

/// The data store of the child apps, seen from the parent (no app is built here).
fn redis_store(app: &str) -> DataStore {
    DataStore::redis(redis_url()).app_name(app)
}

#[callback(
    output = Output("shared-out", "children"),
    inputs = [Input("shared-in", "value")],
    memoize = "1m",
)]
async fn shared_across_processes(n: u32) -> String {
    let store = callback_context()
        .and_then(|ctx| ctx.data_store())
        .expect("the app's store");
    // Count computations across processes: the second one would find the mark.
    if !store
        .put_if_absent("raw:computed", b"1".to_vec(), Duration::from_secs(60))
        .await
        .expect("redis")
    {
        store
            .put_bytes("raw:computed-twice", b"1".to_vec(), None)
            .await
            .expect("redis");
    }
    let begun = Instant::now();
    while store
        .get_bytes("raw:release")
        .await
        .expect("redis")
        .is_none()
    {
        assert!(begun.elapsed() < WAIT, "never released");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    format!("shared {n} from {}", std::process::id())
}

/// Child mode (only with `DASH_MEMO_TEST_CHILD_APP` set): one app on Redis makes one call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_process_call() {
    let Ok(app_name) = std::env::var(CHILD_APP) else {
        return;
    };
    let router = Dash::new()
        .serve_locally(false)
        .suppress_callback_exceptions(true)
        .data_store(redis_store(&app_name))
        .layout(html::div(()))
        .build()
        .await
        .expect("app builds")
        .router();
    println!("\n@calling@");
    let (status, body) = send(&router, call(&["shared-out"], "shared-in", json!(3), &[])).await;
    println!("\n@answer@ {status} {body}");
}

fn spawn_child(app: &str) -> std::process::Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_process_call",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD_APP, app)
        .env("REDIS_URL", redis_url())
        .stdout(Stdio::piped())
        .spawn()
        .expect("child starts")
}

/// The child's `answer ..` line, after telling `started` that it is calling.
fn read_answer(child: &mut std::process::Child, started: std::sync::mpsc::Sender<()>) -> String {
    let stdout = child.stdout.take().expect("piped");
    let mut answer = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("child output");
        if line.contains("@calling@") {
            let _ = started.send(());
        } else if let Some((_, rest)) = line.split_once("@answer@ ") {
            answer = rest.to_owned();
        }
    }
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_redis_share_one_computation() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let app = format!("memo-test-{}-{nanos}", std::process::id());
    let store = redis_store(&app);
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let mut child = spawn_child(&app);
            let started = started_tx.clone();
            std::thread::spawn(move || {
                let answer = read_answer(&mut child, started);
                let status = child.wait().expect("child exits");
                (status, answer)
            })
        })
        .collect();
    // Both children are calling and one of them computes; the other waits for it (or, if it
    // arrives later, finds the stored answer). Either way: one computation.
    for _ in 0..2 {
        started_rx.recv_timeout(WAIT).expect("both children call");
    }
    let begun = Instant::now();
    while store
        .get_bytes("raw:computed")
        .await
        .expect("redis")
        .is_none()
    {
        assert!(begun.elapsed() < WAIT, "nobody computed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    store
        .put_bytes("raw:release", b"1".to_vec(), None)
        .await
        .expect("redis");
    let answers: Vec<(std::process::ExitStatus, String)> = readers
        .into_iter()
        .map(|r| r.join().expect("reader"))
        .collect();
    let twice = store.get_bytes("raw:computed-twice").await.expect("redis");
    cleanup(&app).await;
    for (status, answer) in &answers {
        assert!(status.success(), "child failed: {answer}");
        assert!(
            answer.starts_with("200 ") && answer.contains("shared 3 from"),
            "{answer}"
        );
    }
    assert_eq!(answers[0].1, answers[1].1, "both processes answer the same");
    assert!(twice.is_none(), "computed in both processes");
}

/// Remove every key of the test's app from Redis.
async fn cleanup(app: &str) {
    let Ok(client) = redis::Client::open(redis_url()) else {
        return;
    };
    let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
        return;
    };
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("dash-rs:{app}:*"))
        .query_async(&mut conn)
        .await
        .unwrap_or_default();
    if !keys.is_empty() {
        let _: Result<(), _> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
    }
}

// --- what triggered the call ----------------------------------------------------------------

static INITIAL_RUNS: AtomicUsize = AtomicUsize::new(0);
static TRIGGERED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[callback(
    output = Output("init-out", "children"),
    inputs = [Input("init-in", "value")],
    memoize = "1m",
)]
fn by_values(n: i64) -> i64 {
    INITIAL_RUNS.fetch_add(1, Ordering::SeqCst);
    n * 2
}

#[callback(
    output = Output("trig-out", "children"),
    inputs = [Input("trig-in", "value")],
    memoize = "1m",
    memoize_by = ["triggered"],
)]
fn by_trigger(n: i64) -> String {
    TRIGGERED_RUNS.fetch_add(1, Ordering::SeqCst);
    let ctx = callback_context().expect("inside a callback");
    format!("{n} from {:?}", ctx.triggered_id())
}

/// The same call as the page's initial one (no `changedPropIds`).
fn initial(output: &str, input: &str, value: Value) -> Request<Body> {
    let body = json!({
        "output": format!("{output}.children"),
        "outputs": {"id": output, "property": "children"},
        "inputs": [{"id": input, "property": "value", "value": value}],
        "changedPropIds": [],
    });
    Request::post("/_dash-update-component")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_initial_call_shares_its_entry_unless_keyed_by_trigger() {
    let router = app().await;
    let first = send(&router, initial("init-out", "init-in", json!(21))).await;
    let typed = send(&router, call(&["init-out"], "init-in", json!(21), &[])).await;
    assert_eq!(first, typed);
    assert_eq!(
        INITIAL_RUNS.load(Ordering::SeqCst),
        1,
        "keyed by values only"
    );

    let first = send(&router, initial("trig-out", "trig-in", json!(5))).await;
    let typed = send(&router, call(&["trig-out"], "trig-in", json!(5), &[])).await;
    assert_ne!(first, typed, "triggered_id differs: {first:?} / {typed:?}");
    assert_eq!(TRIGGERED_RUNS.load(Ordering::SeqCst), 2);
    let again = send(&router, call(&["trig-out"], "trig-in", json!(5), &[])).await;
    assert_eq!(again, typed);
    assert_eq!(TRIGGERED_RUNS.load(Ordering::SeqCst), 2);
}
