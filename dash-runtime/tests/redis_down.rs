//! A web process whose Redis is unreachable: it starts when `DASH_SECRET_KEY` is set, answers
//! background calls 503 with the reason and every other callback as usual; without the key
//! it refuses to start with a message saying what to do.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::background::BackgroundManager;
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

#[callback(
    output = Output("job-out", "children"),
    inputs = [Input("job-in", "value")],
    background = true,
    prevent_initial_call = true,
)]
fn job(value: String) -> String {
    value
}

#[callback(output = Output("plain-out", "children"), inputs = [Input("plain-in", "value")])]
fn plain(value: String) -> String {
    format!("plain {value}")
}

/// A Redis URL where nothing listens: a port the OS just handed out and took back.
fn nowhere() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    format!("redis://127.0.0.1:{port}/0")
}

async fn build(url: &str) -> Result<Router, dash_runtime::Error> {
    Ok(Dash::new()
        .serve_locally(false)
        .suppress_callback_exceptions(true)
        .background_manager(BackgroundManager::redis(url))
        .layout(html::div(()))
        .build()
        .await?
        .router())
}

async fn call(router: &Router, output: &str, input: &str) -> (StatusCode, String) {
    let body = json!({
        "output": format!("{output}.children"),
        "outputs": {"id": output, "property": "children"},
        "inputs": [{"id": input, "property": "value", "value": "x"}],
        "changedPropIds": [format!("{input}.value")],
    });
    let req = Request::post("/_dash-update-component")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = router.clone().oneshot(req).await.expect("answer");
    let status = resp.status();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_process_without_redis() {
    let url = nowhere();
    // One test, so that the environment is changed by nobody else.
    std::env::remove_var("DASH_SECRET_KEY");
    let message = match build(&url).await {
        Ok(_) => panic!("no secret, no start"),
        Err(refused) => refused.to_string(),
    };
    println!("{message}");
    assert!(message.contains("DASH_SECRET_KEY"), "{message}");

    std::env::set_var("DASH_SECRET_KEY", "test-secret-shared-by-all-processes");
    let router = build(&url).await.expect("starts with the secret set");
    let (status, body) = call(&router, "plain-out", "plain-in").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let value: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(value["response"]["plain-out"]["children"], "plain x");
    let (status, body) = call(&router, "job-out", "job-in").await;
    println!("background start: {status} {body}");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        body.contains("background job store is unavailable"),
        "{body}"
    );
    let health = Request::get("/_dash-health")
        .body(Body::empty())
        .expect("request");
    let resp = router.clone().oneshot(health).await.expect("answer");
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    std::env::remove_var("DASH_SECRET_KEY");
}
