//! `_dash-health` and metrics of an app with background callbacks: the store is asked with a
//! cheap call, and the queue depth is read at scrape time.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dash_runtime::background::BackgroundManager;
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde_json::Value;
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

#[tokio::test]
async fn health_checks_the_background_store() {
    let dir = std::env::temp_dir().join(format!(
        "dash-rs-health-bg-{}-{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let router = Dash::new()
        .serve_locally(false)
        .metrics("/_dash-metrics")
        .background_manager(BackgroundManager::embedded_at(dir.join("jobs.sqlite")))
        .layout(html::div((
            dcc::Input::new().id("job-in"),
            html::Div::new().id("job-out"),
        )))
        .build()
        .await
        .expect("builds")
        .router();
    let resp = router
        .clone()
        .oneshot(
            Request::get("/_dash-health")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("answer");
    let status = resp.status();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    let value: Value = serde_json::from_slice(&body).expect("JSON");
    println!("{status} {value}");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(value["checks"]["background"]["ok"], true, "{value}");
    // The metrics route reads the queue depth from the store at scrape time.
    let resp = router
        .oneshot(
            Request::get("/_dash-metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("answer");
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.lines().any(|l| l == "dash_background_queue_depth 0"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
