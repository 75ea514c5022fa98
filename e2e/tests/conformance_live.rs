//! Conformance: the `live` example against its Python Dash 4.4.1 twin on the FastAPI backend
//! (`conformance/python/live.py`; Flask speaks no websockets).
//!
//! Compared: the `websocket` entry of `_dash-config`, `_dash-layout`, `_dash-dependencies`
//! (the persistent ticker's output is a hash of its source location in both, so the two are
//! matched by shape), and the frames of one websocket exchange: `ask` sent as the renderer's
//! worker sends it, the server's `get_props_request`, the page's answer, the
//! `callback_response`; plus the heartbeat. One deliberate difference: dash-rs announces the
//! background callback `run` with `background: null`, because it follows the job over the
//! websocket itself and pushes its progress, where Dash's renderer polls it over HTTP.
//!
//! Run: `cargo nextest run -p dash-e2e --test conformance_live --no-capture`.

use std::net::TcpStream;
use std::time::Duration;

use dash_e2e::conformance_support::{compare_dependencies, dash_config, Deliberate, Pair, Report};
use dash_e2e::python::PythonServer;
use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

type Socket = WebSocket<TcpStream>;

/// The stand-in for the ticker's hashed output id in both lists.
const TICKER: &str = "<the persistent ticker>";

fn open(base: &str) -> Socket {
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let stream = TcpStream::connect(host).unwrap_or_else(|e| panic!("connect {host}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("a read timeout");
    let mut request = format!("ws://{host}/_dash-ws-callback")
        .into_client_request()
        .expect("a request");
    request.headers_mut().insert(
        "origin",
        format!("http://{host}").parse().expect("an origin"),
    );
    let (socket, _) = tungstenite::client(request, stream)
        .unwrap_or_else(|e| panic!("the websocket of {host}: {e}"));
    socket
}

/// The next JSON message; an array frame (Python batches) is split.
fn next(socket: &mut Socket, queue: &mut Vec<Value>) -> Value {
    loop {
        if !queue.is_empty() {
            return queue.remove(0);
        }
        match socket.read().expect("a frame") {
            Message::Text(text) => {
                match serde_json::from_str::<Value>(text.as_str()).expect("JSON") {
                    Value::Array(items) => queue.extend(items),
                    one => return one,
                }
            }
            _ => continue,
        }
    }
}

fn send(socket: &mut Socket, frame: &Value) {
    socket
        .send(Message::text(frame.to_string()))
        .expect("sends");
}

/// `ask` as the renderer's worker sends it, its `get_props` question answered with `name`.
fn ask_exchange(base: &str, name: &str) -> (Value, Value) {
    let mut socket = open(base);
    let mut queue = Vec::new();
    send(
        &mut socket,
        &json!({
            "type": "callback_request",
            "rendererId": "page-1",
            "requestId": "page-1-1",
            "payload": {
                "output": "answer.children",
                "outputs": {"id": "answer", "property": "children"},
                "inputs": [{"id": "ask", "property": "n_clicks", "value": 1}],
                "changedPropIds": ["ask.n_clicks"],
                "parsedChangedPropsIds": ["ask.n_clicks"],
            }
        }),
    );
    let mut question = next(&mut socket, &mut queue);
    let request_id = question["requestId"].clone();
    assert!(request_id.is_string(), "a question id: {question}");
    send(
        &mut socket,
        &json!({"type": "get_props_response", "rendererId": "page-1",
                "requestId": request_id, "payload": {"value": name}}),
    );
    let answer = next(&mut socket, &mut queue);
    // The question's id is random on both sides.
    question["requestId"] = json!("<random>");
    send(&mut socket, &json!({"type": "heartbeat"}));
    let ack = next(&mut socket, &mut queue);
    assert_eq!(ack, json!({"type": "heartbeat_ack"}), "{base}");
    let _ = socket.close(None);
    (question, answer)
}

/// The dependency list with the persistent ticker's hashed output replaced by [`TICKER`].
fn with_ticker_named(deps: &Value) -> Value {
    let mut deps = deps.clone();
    if let Some(list) = deps.as_array_mut() {
        for entry in list {
            if entry["persistent"] == true && entry["inputs"] == json!([]) {
                entry["output"] = json!(TICKER);
            }
        }
    }
    deps
}

#[test]
fn conformance_live_websocket_config_dependencies_and_frames() {
    let pair = Pair::start_on("live", PythonServer::FastApiDev, &[]);
    let mut report = Report::new(format!("live (websocket): Rust vs {}", pair.python_label));

    let config = |html: &str, who: &str| {
        dash_config(html).unwrap_or_else(|| panic!("no _dash-config in the {who} index"))
    };
    let python_config = config(&pair.python.get("/").text(), "Python");
    let rust_config = config(&pair.rust.get("/").text(), "Rust");
    let (mut python_ws, mut rust_ws) = (
        python_config["websocket"].clone(),
        rust_config["websocket"].clone(),
    );
    // The worker script's fingerprint differs (a file time in Python, the package in dash-rs).
    let prefix = "/_dash-component-suites/dash/dash-renderer/build/dash-ws-worker.v";
    for (who, ws) in [("Python", &mut python_ws), ("Rust", &mut rust_ws)] {
        let url = ws["worker_url"].as_str().unwrap_or_default().to_owned();
        assert!(
            url.starts_with(prefix) && url.ends_with(".js"),
            "{who} worker_url {url}"
        );
        ws["worker_url"] = json!("<fingerprinted worker>");
    }
    report.check("_dash-config websocket", &python_ws, &rust_ws);
    let worker = rust_config["websocket"]["worker_url"]
        .as_str()
        .unwrap_or_default();
    let served = pair.rust.get(worker);
    report.check("worker script served", &json!(200), &json!(served.status));

    pair.check_json_get("/_dash-layout", &mut report);
    let (python_deps, rust_deps) = pair.check_json_get("/_dash-dependencies", &mut report);
    compare_dependencies(
        &with_ticker_named(&python_deps),
        &with_ticker_named(&rust_deps),
        &mut report,
        &[Deliberate {
            output: "result.children",
            field: "background",
            reason: "dash-rs follows a websocket background job on the server and pushes its \
                     progress; the renderer sees a plain websocket callback and never polls",
        }],
    );

    for name in ["Ada", "Bo"] {
        let (python_q, python_a) = ask_exchange(&pair.python.base, name);
        let (rust_q, rust_a) = ask_exchange(&pair.rust.base, name);
        report.check(
            &format!("ask ({name}): get_props_request"),
            &python_q,
            &rust_q,
        );
        report.check(
            &format!("ask ({name}): callback_response"),
            &python_a,
            &rust_a,
        );
    }
    report.finish();
}
