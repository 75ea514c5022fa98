//! Shared by the `Serverside` and session protocol tests: an in-process app and requests
//! built as dash-renderer builds them.

#![allow(dead_code)]

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Bound of every wait (never a timing assertion: only how long to keep polling).
pub const WAIT: Duration = Duration::from_secs(60);

/// An app under test: its router and the page token of one page load.
pub struct App {
    pub router: Router,
    pub end_id: String,
}

/// Build `dash` (with a one-div layout unless it has one) and load its index page once.
pub async fn app(dash: Dash) -> App {
    let server = dash
        .serve_locally(false)
        .suppress_callback_exceptions(true)
        .layout(html::div(html::Div::new().id("root")))
        .build()
        .await
        .expect("the app builds");
    let router = server.router();
    let (_, _, html) = get(&router, "/", &[]).await;
    let end_id = end_id(&html).expect("the index page has an end_id");
    App { router, end_id }
}

pub fn end_id(html: &str) -> Option<String> {
    let tag = html.find("id=\"_dash-config\"")?;
    let start = tag + html[tag..].find('>')? + 1;
    let end = start + html[start..].find("</script>")?;
    let config: Value = serde_json::from_str(&html[start..end]).ok()?;
    config["end_id"].as_str().map(str::to_owned)
}

/// Send a request: status, headers and body text.
pub async fn send(router: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// `GET path` with extra headers.
pub async fn get(
    router: &Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(router, req.body(Body::empty()).expect("request")).await
}

/// `POST _dash-update-component?query` with `body`, sending `cookie` when given.
pub async fn post(
    router: &Router,
    query: &str,
    body: &Value,
    cookie: Option<&str>,
) -> (StatusCode, HeaderMap, Value, String) {
    let mut req = Request::post(format!("/_dash-update-component?{query}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let (status, headers, text) = send(
        router,
        req.body(Body::from(body.to_string())).expect("request"),
    )
    .await;
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, json, text)
}

pub fn dep(id: &str, prop: &str, value: Value) -> Value {
    json!({"id": id, "property": prop, "value": value})
}

/// A request body: one output, the inputs and the state.
pub fn body(output: (&str, &str), inputs: Vec<Value>, state: Vec<Value>) -> Value {
    let changed: Vec<String> = inputs
        .iter()
        .filter_map(|i| Some(format!("{}.{}", i["id"].as_str()?, i["property"].as_str()?)))
        .take(1)
        .collect();
    json!({
        "output": format!("{}.{}", output.0, output.1),
        "outputs": {"id": output.0, "property": output.1},
        "inputs": inputs,
        "state": state,
        "changedPropIds": changed,
    })
}

/// Percent-encode a query value.
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `Set-Cookie` headers of a response.
pub fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// `name=value` of the first `Set-Cookie` named `name`.
pub fn cookie_pair(headers: &HeaderMap, name: &str) -> Option<String> {
    set_cookies(headers)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next().map(str::to_owned))
}
