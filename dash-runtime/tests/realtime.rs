//! Websocket callbacks (`_dash-ws-callback`) over a real socket: what the index tells the
//! renderer, calls and their answers, `set_props` pushed while a callback runs, `get_props`
//! answered by the page, a persistent callback cancelled when the page goes away, and every
//! kind of bad frame or refused upgrade answered without harming the connection or server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dash_runtime::prelude::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Tickers running now (a guard counts down when the task ends or is cancelled).
static TICKERS: AtomicUsize = AtomicUsize::new(0);

struct Running;
impl Drop for Running {
    fn drop(&mut self) {
        TICKERS.fetch_sub(1, Ordering::SeqCst);
    }
}

#[callback(
    output = Output("echo-out", "children"),
    inputs = [Input("echo-in", "value")],
    websocket = true
)]
fn echo(value: Option<String>) -> String {
    format!("echo {}", value.unwrap_or_default())
}

/// Only over HTTP: not a websocket callback.
#[callback(output = Output("http-out", "children"), inputs = [Input("http-in", "value")])]
fn http_only(value: Option<String>) -> String {
    format!("http {}", value.unwrap_or_default())
}

#[callback(
    output = Output("answer", "children"),
    inputs = [Input("ask", "n_clicks")],
    websocket = true
)]
async fn ask(_clicks: Option<u64>) -> Result<String, GetPropsError> {
    let name: Option<String> = get_props("name", "value").await?;
    Ok(format!("Asked {}", name.unwrap_or_default()))
}

#[callback(inputs = [], websocket = true, persistent = true)]
async fn ticker() {
    TICKERS.fetch_add(1, Ordering::SeqCst);
    let _running = Running;
    for k in 1.. {
        set_props("ticker", json!({"children": format!("tick {k}")}));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[callback(
    output = Output("boom-out", "children"),
    inputs = [Input("boom", "n_clicks")],
    websocket = true
)]
fn boom(_clicks: Option<u64>) -> String {
    panic!("this callback always fails")
}

#[callback(
    output = Output("slow-out", "children"),
    inputs = [Input("slow", "n_clicks")],
    websocket = true
)]
async fn slow(clicks: Option<u64>) -> String {
    tokio::time::sleep(Duration::from_millis(600)).await;
    format!("slow {}", clicks.unwrap_or(0))
}

/// Steps the background job took, in all.
static JOB_STEPS: AtomicUsize = AtomicUsize::new(0);

/// `n` steps of 30 ms, each reported as progress.
#[callback(
    output = Output("job-out", "children"),
    inputs = [Input("job", "n_clicks")],
    background = true,
    websocket = true,
    progress = Output("job-bar", "value"),
    prevent_initial_call = true
)]
async fn job(progress: Progress<String>, n: Option<u64>) -> Result<String, Cancelled> {
    let steps = n.unwrap_or(0);
    for step in 1..=steps {
        progress.sleep(Duration::from_millis(30)).await?;
        progress.set(step.to_string());
        JOB_STEPS.fetch_add(1, Ordering::SeqCst);
    }
    Ok(format!("job {steps}"))
}

fn app() -> Dash {
    // Each test runs in its own process (nextest): its own job file.
    let db = std::env::temp_dir().join(format!(
        "dash-rs-realtime-{}-{}.sqlite",
        std::process::id(),
        rand_suffix()
    ));
    Dash::new()
        .background_manager(dash_runtime::background::BackgroundManager::embedded_at(db))
        .layout(html::div((
            dcc::Input::new().id("echo-in"),
            html::Div::new().id("echo-out"),
            dcc::Input::new().id("http-in"),
            html::Div::new().id("http-out"),
            dcc::Input::new().id("name").value("Ada"),
            html::button("Ask").id("ask"),
            html::Div::new().id("answer"),
            html::Div::new().id("ticker"),
            html::button("Boom").id("boom"),
            html::Div::new().id("boom-out"),
            html::button("Slow").id("slow"),
            html::Div::new().id("slow-out"),
            html::button("Job").id("job"),
            html::Progress::new().id("job-bar"),
            html::Div::new().id("job-out"),
        )))
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}

struct Served {
    addr: std::net::SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(app: Dash) -> Served {
    let server = app.build().await.expect("the app builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve_until(listener, async {
        let _ = stopped.await;
    }));
    Served { addr, _stop: stop }
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("writes");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("reads");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Open the websocket as the page at `origin` would.
async fn open(addr: std::net::SocketAddr, origin: Option<&str>) -> Result<Socket, StatusCode> {
    let mut request = format!("ws://{addr}/_dash-ws-callback")
        .into_client_request()
        .expect("a request");
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("an origin"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status()),
        Err(other) => panic!("the upgrade failed: {other}"),
    }
}

async fn page(addr: std::net::SocketAddr) -> Socket {
    open(addr, Some(&format!("http://{addr}")))
        .await
        .expect("the page's own origin may open the websocket")
}

async fn send(socket: &mut Socket, frame: Value) {
    socket
        .send(Message::text(frame.to_string()))
        .await
        .expect("sends");
}

/// The next JSON message (an array frame gives its first element and keeps the rest).
async fn next(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a frame within 10 s")
            .expect("the socket is open")
            .expect("a frame");
        if let Message::Text(text) = frame {
            return serde_json::from_str(text.as_str()).expect("JSON");
        }
    }
}

/// Messages until one of type `kind` arrives; the others are returned too.
async fn until(socket: &mut Socket, kind: &str) -> (Value, Vec<Value>) {
    let mut before = Vec::new();
    loop {
        let message = next(socket).await;
        if message["type"] == kind {
            return (message, before);
        }
        before.push(message);
    }
}

/// The persistent ticker's output id (a hash of its source location) from the dependencies.
async fn ticker_output(addr: std::net::SocketAddr) -> String {
    let deps: Value =
        serde_json::from_str(&http_get(addr, "/_dash-dependencies").await.1).expect("JSON");
    deps.as_array()
        .and_then(|a| a.iter().find(|d| d["persistent"] == true))
        .and_then(|d| d["output"].as_str())
        .expect("the ticker's id")
        .to_owned()
}

fn call(request_id: &str, output: &str, inputs: Value) -> Value {
    let (outputs, changed) = match output.split_once('.') {
        Some((id, prop)) if !output.contains("..") => (
            json!({"id": id, "property": prop}),
            inputs
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|i| {
                            format!(
                                "{}.{}",
                                i["id"].as_str().unwrap_or(""),
                                i["property"].as_str().unwrap_or("")
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        ),
        _ => (json!([]), Vec::new()),
    };
    json!({
        "type": "callback_request",
        "rendererId": "page-1",
        "requestId": request_id,
        "payload": {
            "output": output,
            "outputs": outputs,
            "inputs": inputs,
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
    })
}

#[tokio::test]
async fn the_index_and_dependencies_describe_the_websocket() {
    let served = serve(app()).await;
    let (status, index) = http_get(served.addr, "/").await;
    assert_eq!(status, 200);
    let config_start = index.find("<script id=\"_dash-config\"").expect("a config");
    let config_text = &index[config_start..];
    let json_start = config_text.find('>').expect("tag end") + 1;
    let json_end = config_text.find("</script>").expect("script end");
    let config: Value = serde_json::from_str(&config_text[json_start..json_end]).expect("JSON");
    let ws = &config["websocket"];
    println!("{ws}");
    assert_eq!(ws["enabled"], false, "only the callbacks that ask for it");
    assert_eq!(ws["url"], "/_dash-ws-callback");
    assert_eq!(ws["inactivity_timeout"], 300000);
    assert_eq!(ws["heartbeat_interval"], 30000);
    let worker = ws["worker_url"].as_str().expect("a worker url");
    assert!(
        worker.starts_with("/_dash-component-suites/dash/dash-renderer/build/dash-ws-worker.v"),
        "{worker}"
    );
    let (status, script) = http_get(served.addr, worker).await;
    assert_eq!(status, 200);
    assert!(script.contains("heartbeat"), "the renderer's worker script");

    let (_, deps) = http_get(served.addr, "/_dash-dependencies").await;
    let deps: Value = serde_json::from_str(&deps).expect("JSON");
    let entry = |output: &str| {
        deps.as_array()
            .and_then(|a| a.iter().find(|d| d["output"] == output))
            .cloned()
            .unwrap_or_else(|| panic!("no {output} in {deps}"))
    };
    assert_eq!(entry("echo-out.children")["websocket"], true);
    assert_eq!(entry("echo-out.children")["persistent"], false);
    assert_eq!(entry("http-out.children")["websocket"], false);
    let ticker = deps
        .as_array()
        .and_then(|a| a.iter().find(|d| d["persistent"] == true))
        .expect("the ticker");
    assert_eq!(ticker["inputs"], json!([]));
    assert_eq!(ticker["no_output"], true);
    assert_eq!(ticker["websocket"], true);
}

#[tokio::test]
async fn an_app_without_websocket_callbacks_tells_the_renderer_nothing() {
    // In a CDN-served app the worker cannot come from this origin: no websocket entry, and
    // the route is not there.
    let served = serve(app().serve_locally(false)).await;
    let (_, index) = http_get(served.addr, "/").await;
    assert!(
        !index.contains("\"websocket\""),
        "no websocket entry in CDN mode"
    );
    assert_eq!(
        open(served.addr, Some(&format!("http://{}", served.addr)))
            .await
            .err(),
        Some(StatusCode::NOT_FOUND)
    );
}

#[tokio::test]
async fn calls_are_answered_over_the_socket_like_over_http() {
    let served = serve(app()).await;
    let mut socket = page(served.addr).await;
    send(
        &mut socket,
        call(
            "page-1-1",
            "echo-out.children",
            json!([{"id": "echo-in", "property": "value", "value": "hi"}]),
        ),
    )
    .await;
    let answer = next(&mut socket).await;
    assert_eq!(
        answer,
        json!({"type": "callback_response", "rendererId": "page-1", "requestId": "page-1-1",
               "payload": {"status": "ok", "data": {"multi": true, "response": {"echo-out": {"children": "echo hi"}}}}})
    );

    // A callback without `websocket = true` is refused over the socket (it works over HTTP).
    send(
        &mut socket,
        call(
            "page-1-2",
            "http-out.children",
            json!([{"id": "http-in", "property": "value", "value": "x"}]),
        ),
    )
    .await;
    let refused = next(&mut socket).await;
    assert_eq!(refused["payload"]["status"], "error");
    assert!(
        refused["payload"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("websocket = true"),
        "{refused}"
    );

    // A panicking callback is an error answer; the connection keeps serving.
    send(
        &mut socket,
        call(
            "page-1-3",
            "boom-out.children",
            json!([{"id": "boom", "property": "n_clicks", "value": 1}]),
        ),
    )
    .await;
    let failed = next(&mut socket).await;
    assert_eq!(failed["requestId"], "page-1-3");
    assert_eq!(failed["payload"]["status"], "error");
    send(&mut socket, json!({"type": "heartbeat"})).await;
    assert_eq!(next(&mut socket).await, json!({"type": "heartbeat_ack"}));

    // An unknown output.
    send(&mut socket, call("page-1-4", "nope.children", json!([]))).await;
    let unknown = next(&mut socket).await;
    assert_eq!(unknown["payload"]["status"], "error");
}

#[tokio::test]
async fn get_props_asks_the_page_and_uses_its_answer() {
    let served = serve(app()).await;
    let mut socket = page(served.addr).await;
    for (i, name) in ["Ada", "Bo"].into_iter().enumerate() {
        let id = format!("page-1-{i}");
        send(
            &mut socket,
            call(
                &id,
                "answer.children",
                json!([{"id": "ask", "property": "n_clicks", "value": i + 1}]),
            ),
        )
        .await;
        let question = next(&mut socket).await;
        assert_eq!(question["type"], "get_props_request", "{question}");
        assert_eq!(question["rendererId"], "page-1");
        assert_eq!(
            question["payload"],
            json!({"componentId": "name", "properties": ["value"]})
        );
        send(
            &mut socket,
            json!({"type": "get_props_response", "rendererId": "page-1",
                   "requestId": question["requestId"], "payload": {"value": name}}),
        )
        .await;
        let answer = next(&mut socket).await;
        assert_eq!(answer["requestId"], id.as_str());
        assert_eq!(
            answer["payload"]["data"]["response"]["answer"]["children"],
            format!("Asked {name}")
        );
    }
}

#[tokio::test]
async fn a_persistent_callback_streams_until_the_page_goes_away() {
    let served = serve(app()).await;
    let mut socket = page(served.addr).await;
    let ticker = ticker_output(served.addr).await;
    send(&mut socket, call("page-1-1", &ticker, json!([]))).await;
    let mut last = 0;
    for _ in 0..10 {
        let pushed = next(&mut socket).await;
        assert_eq!(pushed["type"], "set_props", "{pushed}");
        assert_eq!(pushed["payload"]["componentId"], "ticker");
        let text = pushed["payload"]["props"]["children"]
            .as_str()
            .expect("text");
        let k: u64 = text.trim_start_matches("tick ").parse().expect("a count");
        assert!(k > last, "ticks only go up: {k} after {last}");
        last = k;
    }
    assert!(TICKERS.load(Ordering::SeqCst) >= 1);
    socket.close(None).await.expect("closes");
    drop(socket);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while TICKERS.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        TICKERS.load(Ordering::SeqCst),
        0,
        "closing the page cancels its persistent callback"
    );
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_connection_keeps_serving() {
    let served = serve(app()).await;
    let mut socket = page(served.addr).await;
    socket
        .send(Message::text("{not json"))
        .await
        .expect("sends");
    let error = next(&mut socket).await;
    assert_eq!(error["type"], "error");
    assert!(error["payload"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("not JSON"));

    socket
        .send(Message::binary(vec![0u8, 1, 2]))
        .await
        .expect("sends");
    assert_eq!(next(&mut socket).await["type"], "error");

    send(
        &mut socket,
        json!({"type": "callback_request", "rendererId": "page-1"}),
    )
    .await;
    let malformed = next(&mut socket).await;
    assert_eq!(malformed["type"], "error");
    assert_eq!(malformed["rendererId"], "page-1");

    // A payload that is not a callback request body.
    send(
        &mut socket,
        json!({"type": "callback_request", "rendererId": "page-1", "requestId": "r", "payload": {"inputs": 3}}),
    )
    .await;
    let answer = next(&mut socket).await;
    assert_eq!(answer["payload"]["status"], "error");

    // Unknown types are ignored, as Dash does; an answer to no question is dropped.
    send(&mut socket, json!({"type": "bogus"})).await;
    send(
        &mut socket,
        json!({"type": "get_props_response", "requestId": "never-asked", "payload": {}}),
    )
    .await;
    send(
        &mut socket,
        call(
            "page-1-9",
            "echo-out.children",
            json!([{"id": "echo-in", "property": "value", "value": "still"}]),
        ),
    )
    .await;
    let answer = next(&mut socket).await;
    assert_eq!(
        answer["payload"]["data"]["response"]["echo-out"]["children"],
        "echo still"
    );
}

#[tokio::test]
async fn upgrades_from_foreign_origins_or_beyond_the_limit_are_refused() {
    let served = serve(app().websocket_allowed_origins(["http://allowed.example"])).await;
    assert_eq!(
        open(served.addr, None).await.err(),
        Some(StatusCode::FORBIDDEN)
    );
    assert_eq!(
        open(served.addr, Some("http://evil.example")).await.err(),
        Some(StatusCode::FORBIDDEN)
    );
    assert!(open(served.addr, Some("http://allowed.example"))
        .await
        .is_ok());

    let limited = serve(app().websocket_max_connections(1)).await;
    let first = page(limited.addr).await;
    assert_eq!(
        open(limited.addr, Some(&format!("http://{}", limited.addr)))
            .await
            .err(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
    drop(first);
    // The slot comes back once the first page is gone.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match open(limited.addr, Some(&format!("http://{}", limited.addr))).await {
            Ok(_) => break,
            Err(status) if tokio::time::Instant::now() < deadline => {
                assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(status) => panic!("the slot never came back: {status}"),
        }
    }
}

#[tokio::test]
async fn calls_beyond_the_in_flight_limit_are_answered_at_once() {
    let served = serve(app().websocket_max_in_flight(1)).await;
    let mut socket = page(served.addr).await;
    send(
        &mut socket,
        call(
            "page-1-1",
            "slow-out.children",
            json!([{"id": "slow", "property": "n_clicks", "value": 1}]),
        ),
    )
    .await;
    send(
        &mut socket,
        call(
            "page-1-2",
            "echo-out.children",
            json!([{"id": "echo-in", "property": "value", "value": "x"}]),
        ),
    )
    .await;
    let first = next(&mut socket).await;
    assert_eq!(
        first["requestId"], "page-1-2",
        "the refusal comes before the slow answer"
    );
    assert_eq!(first["payload"]["status"], "error");
    assert!(first["payload"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("at most 1"));
    let (slow, _) = until(&mut socket, "callback_response").await;
    assert_eq!(slow["requestId"], "page-1-1");
    assert_eq!(
        slow["payload"]["data"]["response"]["slow-out"]["children"],
        "slow 1"
    );
}

#[tokio::test]
async fn shutdown_closes_every_socket_and_cancels_its_calls() {
    let served = serve(app()).await;
    let mut socket = page(served.addr).await;
    let ticker = ticker_output(served.addr).await;
    send(&mut socket, call("page-1-1", &ticker, json!([]))).await;
    assert_eq!(next(&mut socket).await["type"], "set_props");
    let Served { addr, _stop: stop } = served;
    let _ = stop.send(());
    // The server closes the socket (a close frame or the end of the stream) well within its
    // shutdown grace, and the ticker is cancelled.
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the socket was not closed on shutdown");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while TICKERS.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(TICKERS.load(Ordering::SeqCst), 0);
    let mut late = format!("ws://{addr}/_dash-ws-callback")
        .into_client_request()
        .expect("a request");
    late.headers_mut().insert(
        "origin",
        format!("http://{addr}").parse().expect("an origin"),
    );
    assert!(
        tokio_tungstenite::connect_async(late).await.is_err(),
        "no new websockets after shutdown"
    );
}

#[tokio::test]
async fn a_background_job_is_followed_and_its_progress_pushed() {
    let served = serve(app()).await;
    let (_, deps) = http_get(served.addr, "/_dash-dependencies").await;
    let deps: Value = serde_json::from_str(&deps).expect("JSON");
    let entry = deps
        .as_array()
        .and_then(|a| a.iter().find(|d| d["output"] == "job-out.children"))
        .expect("the job");
    assert_eq!(
        entry["background"],
        Value::Null,
        "the page must not poll it"
    );
    assert_eq!(entry["websocket"], true);

    let mut socket = page(served.addr).await;
    send(
        &mut socket,
        call(
            "page-1-1",
            "job-out.children",
            json!([{"id": "job", "property": "n_clicks", "value": 4}]),
        ),
    )
    .await;
    let (answer, pushed) = until(&mut socket, "callback_response").await;
    let bar: Vec<String> = pushed
        .iter()
        .filter(|m| m["type"] == "set_props" && m["payload"]["componentId"] == "job-bar")
        .filter_map(|m| m["payload"]["props"]["value"].as_str().map(str::to_owned))
        .collect();
    println!("progress pushed: {bar:?}; answer {answer}");
    assert_eq!(
        bar.last().map(String::as_str),
        Some("4"),
        "the last progress arrives too"
    );
    assert!(bar.len() >= 2, "progress arrives step by step: {bar:?}");
    assert_eq!(
        answer["payload"]["data"]["response"]["job-out"]["children"],
        "job 4"
    );
}

#[tokio::test]
async fn a_job_whose_page_goes_away_is_cancelled() {
    let served = serve(app()).await;
    let mut socket = page(served.addr).await;
    send(
        &mut socket,
        call(
            "page-1-1",
            "job-out.children",
            json!([{"id": "job", "property": "n_clicks", "value": 10_000}]),
        ),
    )
    .await;
    // Two steps pushed: the job runs.
    for _ in 0..2 {
        let (pushed, _) = until(&mut socket, "set_props").await;
        assert_eq!(pushed["payload"]["componentId"], "job-bar");
    }
    socket.close(None).await.expect("closes");
    drop(socket);
    // Cancelled: the step count stops moving.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut last = JOB_STEPS.load(Ordering::SeqCst);
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = JOB_STEPS.load(Ordering::SeqCst);
        if now == last {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the job kept running: {now} steps"
        );
        last = now;
    }
    assert!(last < 10_000, "the job stopped early, at step {last}");
}
