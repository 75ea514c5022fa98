//! Hostile input: malformed and oversized requests, garbage query strings, slow clients and
//! property-based request bodies. Every case must end in a precise 4xx or a correct answer,
//! never a 5xx or a panic, and the server must keep answering. (Memory under hostile
//! requests is checked on a real server process in `server_process.rs`.)

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::prelude::*;
use dash_runtime::protocol::UpdateRequest;
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Bound of every wait (never a timing assertion: only how long to keep trying).
const WAIT: Duration = Duration::from_secs(60);

#[callback(output = Output("echo-out", "children"), inputs = [Input("echo-in", "value")])]
fn echo(value: Option<Value>) -> String {
    match value {
        Some(Value::Array(items)) => format!("{} items", items.len()),
        Some(v) => format!("got {v}"),
        None => "nothing".to_owned(),
    }
}

#[callback(output = Output("num-out", "children"), inputs = [Input("num-in", "value")])]
fn double(n: Option<f64>) -> String {
    format!("{}", n.unwrap_or(0.0) * 2.0)
}

fn dash() -> Dash {
    Dash::new().serve_locally(false).layout(html::div((
        dcc::Input::new().id("echo-in"),
        html::Div::new().id("echo-out"),
        dcc::Input::new().id("num-in"),
        html::Div::new().id("num-out"),
    )))
}

async fn router() -> Router {
    dash().build().await.expect("the app builds").router()
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    (status, body)
}

fn post(body: impl Into<Body>) -> Request<Body> {
    Request::post("/_dash-update-component")
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("request")
}

fn call_body(output: &str, input: &str, value: &str) -> String {
    format!(
        r#"{{"output":"{output}.children","outputs":{{"id":"{output}","property":"children"}},"inputs":[{{"id":"{input}","property":"value","value":{value}}}],"changedPropIds":["{input}.value"]}}"#
    )
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// A status that a hostile request may get: a precise client error, or a correct answer.
fn acceptable(status: StatusCode) -> bool {
    status.is_success() || status.is_client_error() || status.is_redirection()
}

async fn still_alive(router: &Router) {
    let (status, body) = send(router, post(call_body("echo-out", "echo-in", "\"ok\""))).await;
    assert_eq!(status, StatusCode::OK, "{}", text(&body));
    assert!(text(&body).contains(r#"got \"ok\""#), "{}", text(&body));
}

#[tokio::test]
async fn invalid_utf8_bodies_are_400() {
    let router = router().await;
    let inside_string = call_body("echo-out", "echo-in", "\"a\u{1}b\"")
        .into_bytes()
        .into_iter()
        .map(|b| if b == 1 { 0xff } else { b })
        .collect::<Vec<u8>>();
    let cases: Vec<Vec<u8>> = vec![
        inside_string,
        vec![0xff, 0xfe, 0xfd],
        b"{\"output\":\"echo-out.children\xc3\x28\"}".to_vec(),
        vec![0xc0, 0x80],
        b"\xef\xbb\xbf{}".to_vec(),
    ];
    for bytes in cases {
        let (status, body) = send(&router, post(bytes.clone())).await;
        println!("{bytes:?} -> {status} {}", text(&body));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", text(&body));
    }
    still_alive(&router).await;
}

#[tokio::test]
async fn numbers_out_of_range() {
    let router = router().await;
    for (value, expect) in [
        ("1e999999", None),
        ("-1e999999", None),
        ("1e-999999", Some("0")),
        (
            "123456789012345678901234567890",
            Some("246913578024691360000000000000"),
        ),
        ("0.1", Some("0.2")),
    ] {
        let (status, body) = send(&router, post(call_body("num-out", "num-in", value))).await;
        println!("{value} -> {status} {}", text(&body));
        match expect {
            None => assert_eq!(status, StatusCode::BAD_REQUEST, "{}", text(&body)),
            Some(answer) => {
                assert_eq!(status, StatusCode::OK, "{}", text(&body));
                assert!(
                    text(&body).contains(&format!("\"{answer}\"")),
                    "{}",
                    text(&body)
                );
            }
        }
    }
    let (status, body) = send(&router, post(call_body("echo-out", "echo-in", "1e999999"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", text(&body));
    still_alive(&router).await;
}

#[tokio::test]
async fn million_element_arrays() {
    let router = router().await;
    let million = format!("[{}0]", "0,".repeat(999_999));
    let (status, body) = send(&router, post(call_body("echo-out", "echo-in", &million))).await;
    println!("million numbers ({} bytes) -> {status}", million.len());
    assert_eq!(status, StatusCode::OK, "{}", text(&body));
    assert!(text(&body).contains("1000000 items"), "{}", text(&body));

    // A million inputs where one is declared: refused as a mismatch.
    let dep = r#"{"id":"echo-in","property":"value","value":1},"#;
    let inputs = format!("[{}{}]", dep.repeat(999_999), &dep[..dep.len() - 1]);
    let many = format!(
        r#"{{"output":"echo-out.children","outputs":{{"id":"echo-out","property":"children"}},"inputs":{inputs}}}"#
    );
    let (status, body) = send(&router, post(many.clone())).await;
    println!("million inputs ({} bytes) -> {status}", many.len());
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", text(&body));

    // Deep nesting: serde_json's recursion limit answers 400, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, _) = send(&router, post(call_body("echo-out", "echo-in", &deep))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Over the body limit: 413.
    let small = dash()
        .max_request_body(64 * 1024)
        .build()
        .await
        .expect("builds")
        .router();
    let (status, _) = send(&small, post(call_body("echo-out", "echo-in", &million))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    still_alive(&router).await;
}

const GARBAGE_QUERIES: &[&str] = &[
    "",
    "?",
    "?%ff%fe%fd",
    "?a=%",
    "?a=%zz&b=%e2%82",
    "?&&&===&=&",
    "?a[]=1&a[=2&a]=3",
    "?%00=%00",
    "?probe=live&probe=ready",
    "?__proto__=1&constructor=2",
];

const PATHS: &[&str] = &[
    "/",
    "/_dash-layout",
    "/_dash-dependencies",
    "/_dash-update-component",
    "/_reload-hash",
    "/_favicon.ico",
    "/_dash-health",
    "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v1.min.js",
    "/_dash-component-suites/%2e%2e/%2e%2e/etc/passwd",
    "/assets/missing.css",
    "/assets/..%2f..%2fCargo.toml",
    "/some/page",
];

#[tokio::test]
async fn garbage_query_strings_on_every_route() {
    let router = router().await;
    let long = format!("?{}", "a=%ff&".repeat(5_000));
    let mut checked = 0;
    for path in PATHS {
        for query in GARBAGE_QUERIES.iter().copied().chain([long.as_str()]) {
            let uri = format!("{path}{query}");
            for method in ["GET", "POST", "HEAD", "OPTIONS", "DELETE"] {
                let body = if method == "POST" {
                    Body::from(call_body("echo-out", "echo-in", "1"))
                } else {
                    Body::empty()
                };
                let req = Request::builder()
                    .method(method)
                    .uri(&uri)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .expect("request");
                let (status, body) = send(&router, req).await;
                assert!(
                    acceptable(status),
                    "{method} {uri} -> {status}: {}",
                    text(&body)
                );
                checked += 1;
            }
        }
    }
    println!("{checked} requests with garbage query strings, none a 5xx");
    still_alive(&router).await;
}

/// Arbitrary JSON, biased toward the field names of a callback request.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z.\\-{}\":@]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("echo-out.children"),
            Just("num-out.children"),
            Just("echo-in.value"),
            Just("..a..b...c.."),
            Just("{\"type\":\"x\"}.children"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("output".to_owned()),
                        Just("outputs".to_owned()),
                        Just("inputs".to_owned()),
                        Just("state".to_owned()),
                        Just("changedPropIds".to_owned()),
                        Just("id".to_owned()),
                        Just("property".to_owned()),
                        Just("value".to_owned()),
                        "[a-z]{1,6}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A request body: a near-valid request with one part replaced, arbitrary JSON, or bytes.
fn request_body() -> impl Strategy<Value = Vec<u8>> {
    let near_valid = (
        prop_oneof![
            4 => Just(json!("echo-out.children")),
            1 => Just(json!("num-out.children")),
            1 => json_value()
        ],
        prop_oneof![
            4 => Just(json!({"id": "echo-out", "property": "children"})),
            1 => json_value()
        ],
        prop_oneof![
            4 => json_value().prop_map(|v| json!([{"id": "echo-in", "property": "value", "value": v}])),
            2 => json_value().prop_map(|v| json!([{"id": "num-in", "property": "value", "value": v}])),
            1 => json_value()
        ],
        prop_oneof![
            Just(Value::Null),
            Just(json!(["echo-in.value"])),
            Just(json!(["num-in.value", "echo-in.value"])),
            json_value()
        ],
    )
        .prop_map(|(output, outputs, inputs, changed)| {
            let mut body = json!({"output": output, "outputs": outputs, "inputs": inputs});
            if !changed.is_null() {
                body["changedPropIds"] = changed;
            }
            body.to_string().into_bytes()
        });
    prop_oneof![
        4 => near_valid,
        2 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..256),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = UpdateRequest::parse(&bytes);
    }

    #[test]
    fn parse_of_json_never_panics(body in request_body()) {
        if let Err(e) = UpdateRequest::parse(&body) {
            prop_assert!(matches!(e.status(), 400..=499), "{e}");
        }
    }
}

#[test]
fn router_answers_every_generated_body_with_4xx_or_a_correct_answer() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let router = runtime.block_on(router());
    let statuses = std::cell::RefCell::new(std::collections::BTreeMap::<u16, u32>::new());
    let config = ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&request_body(), |body| {
        let (status, answer) = runtime.block_on(send(&router, post(body.clone())));
        *statuses.borrow_mut().entry(status.as_u16()).or_default() += 1;
        prop_assert!(
            acceptable(status),
            "{} for {}: {}",
            status,
            text(&body),
            text(&answer)
        );
        if status == StatusCode::OK {
            let value: Value = serde_json::from_slice(&answer).map_err(|e| {
                TestCaseError::fail(format!("200 without JSON ({e}): {}", text(&answer)))
            })?;
            prop_assert!(value["response"].is_object(), "{value}");
        }
        Ok(())
    });
    println!("statuses of generated bodies: {:?}", statuses.borrow());
    if let Err(e) = result {
        panic!("{e}");
    }
    runtime.block_on(still_alive(&router));
}

/// Serve the app over TCP with short timeouts; returns its address and a stop switch.
async fn serve_tcp(app: Dash) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let server = app.build().await.expect("the app builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve_until(listener, async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// One request over a new connection; the whole answer as text.
fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(WAIT))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )?;
    let mut text = String::new();
    stream.read_to_string(&mut text)?;
    Ok(text)
}

/// Reads until the peer closes the connection; what it sent before.
fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_others_are_served() {
    let app = dash()
        .header_timeout(Duration::from_secs(1))
        .body_timeout(Duration::from_secs(1));
    let (addr, stop) = serve_tcp(app).await;
    let outcome = tokio::task::spawn_blocking(move || {
        const SLOW: usize = 100;
        let mut slow = Vec::new();
        for i in 0..SLOW {
            let mut stream = TcpStream::connect(addr).expect("connect");
            stream.set_read_timeout(Some(WAIT)).expect("timeout");
            if i % 2 == 0 {
                // Headers that never end.
                stream
                    .write_all(b"POST /_dash-update-component HTTP/1.1\r\nHost: test\r\nX-Slow: ")
                    .expect("write");
            } else {
                // Complete headers, then a tenth of the announced body.
                stream
                    .write_all(
                        b"POST /_dash-update-component HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"output\":",
                    )
                    .expect("write");
            }
            slow.push(stream);
        }
        // Others are answered while the slow clients hold their connections.
        let started = Instant::now();
        for _ in 0..5 {
            let answer = http_get(addr, "/_dash-health").expect("health answers");
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        }
        let others = started.elapsed();
        // Every slow connection is closed by the server.
        let started = Instant::now();
        let mut answers = std::collections::BTreeMap::<String, u32>::new();
        for stream in &mut slow {
            let text = read_until_closed(stream);
            let first = text.lines().next().unwrap_or("(closed without an answer)");
            *answers.entry(first.to_owned()).or_default() += 1;
        }
        (others, started.elapsed(), answers)
    })
    .await
    .expect("client thread");
    let (others, closed_in, answers) = outcome;
    println!("5 normal requests beside 100 slow clients took {others:?}");
    println!("all 100 slow connections closed within {closed_in:?}: {answers:?}");
    assert!(
        closed_in < WAIT,
        "slow connections were not closed within {WAIT:?}"
    );
    // Stalled headers: closed without an answer; stalled bodies: 408.
    for first in answers.keys() {
        assert!(
            first == "(closed without an answer)" || first.starts_with("HTTP/1.1 408"),
            "a slow client got {first}"
        );
    }
    let answer = tokio::task::spawn_blocking(move || http_get(addr, "/_dash-health"))
        .await
        .expect("thread")
        .expect("health answers");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = stop.send(());
}
