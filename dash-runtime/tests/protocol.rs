//! Protocol tests: the router driven in-process, request by request, as dash-renderer would.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

#[callback(output = Output("greeting", "children"), inputs = [Input("name", "value")])]
fn greet(name: Option<String>) -> String {
    format!(
        "Hello, {}!",
        name.filter(|n| !n.is_empty())
            .unwrap_or_else(|| "stranger".into())
    )
}

#[callback(
    output = [Output("sq", "children"), Output("cube", "children")],
    inputs = [Input("num", "value")],
    state = [State("unit", "value")],
)]
fn powers(n: Option<i64>, unit: Option<String>) -> Result<(Update<i64>, String), PreventUpdate> {
    let n = n.ok_or(PreventUpdate)?;
    let sq = if n < 0 {
        Update::NoUpdate
    } else {
        Update::Value(n * n)
    };
    Ok((sq, format!("{}{}", n * n * n, unit.unwrap_or_default())))
}

#[callback(output = Output("boom", "children"), inputs = [Input("boom-in", "value")])]
fn fails(value: Option<String>) -> Result<String, String> {
    Err(format!("secret detail {}", value.unwrap_or_default()))
}

#[callback(output = Output("panic", "children"), inputs = [Input("panic-in", "value")])]
fn panics(_value: Option<String>) -> String {
    panic!("callback blew up")
}

#[callback(output = Output("async-out", "children"), inputs = [Input("async-in", "value")])]
async fn later(value: Option<String>) -> String {
    tokio::task::yield_now().await;
    format!("later: {}", value.unwrap_or_default())
}

#[callback(
    output = Output("who", "children"),
    inputs = [Input("b1", "n_clicks"), Input("b2", "n_clicks")],
)]
fn who(_a: Option<u32>, _b: Option<u32>) -> String {
    let ctx = callback_context().expect("inside a callback");
    ctx.set_props("status", json!({"children": "seen"}));
    format!("{:?}", ctx.triggered_id())
}

#[callback(inputs = [Input("silent", "n_clicks")])]
fn silent(n: Option<u32>) {
    if n.unwrap_or(0) > 1 {
        set_props("status", json!({"children": n}));
    }
}

fn layout() -> Component {
    html::div((
        dcc::Input::new().id("name").value("world"),
        html::Div::new().id("greeting"),
    ))
    .into()
}

async fn app(builder: Dash) -> Router {
    builder
        .serve_locally(false)
        // This test binary's callbacks use ids its small layouts lack.
        .suppress_callback_exceptions(true)
        .build()
        .await
        .expect("app builds")
        .router()
}

async fn default_app() -> Router {
    app(Dash::new().layout(layout())).await
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, String, Option<String>) {
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), ctype)
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("request")
}

fn post_json(body: impl Into<String>) -> Request<Body> {
    Request::post("/_dash-update-component?endId=x")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.into()))
        .expect("request")
}

fn dep(id: &str, prop: &str, value: Value) -> Value {
    json!({"id": id, "property": prop, "value": value})
}

#[tokio::test]
async fn index_page_has_config_and_scripts() {
    let router = default_app().await;
    let (status, body, ctype) = send(&router, get("/")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype.as_deref(), Some("text/html; charset=utf-8"));
    for needle in [
        "id=\"react-entry-point\"",
        "id=\"_dash-config\"",
        "dash-renderer",
        "new DashRenderer",
        "\"end_id\":",
        "<title>Dash</title>",
    ] {
        assert!(body.contains(needle), "index lacks {needle}: {body}");
    }
    let start = body.find("application/json\">").expect("config tag") + "application/json\">".len();
    let end = start + body[start..].find("</script>").expect("config end");
    let config: Value = serde_json::from_str(&body[start..end]).expect("config is JSON");
    assert_eq!(config["requests_pathname_prefix"], "/");
    assert_eq!(config["update_title"], "Updating...");
    assert!(config["children_props"]["dash_core_components"].is_object());
    // Each page load gets its own end id; any other GET path is the index too.
    let (_, again, _) = send(&router, get("/some/page")).await;
    assert!(again.contains("\"end_id\":"));
    assert_ne!(body, again);
}

#[tokio::test]
async fn layout_and_dependencies() {
    let router = default_app().await;
    let (status, body, ctype) = send(&router, get("/_dash-layout")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype.as_deref(), Some("application/json"));
    let layout: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(layout["type"], "Div");
    assert_eq!(layout["props"]["children"][0]["props"]["id"], "name");

    let (status, body, _) = send(&router, get("/_dash-dependencies")).await;
    assert_eq!(status, StatusCode::OK);
    let deps: Vec<Value> = serde_json::from_str(&body).expect("json array");
    let greet = deps
        .iter()
        .find(|d| d["output"] == "greeting.children")
        .expect("greet registered");
    assert_eq!(
        greet["inputs"],
        json!([{"id": "name", "property": "value"}])
    );
    assert_eq!(greet["state"], json!([]));
    assert_eq!(greet["prevent_initial_call"], false);
    assert_eq!(greet["no_output"], false);
    let powers = deps
        .iter()
        .find(|d| d["output"] == "..sq.children...cube.children..")
        .expect("multi");
    assert_eq!(
        powers["state"],
        json!([{"id": "unit", "property": "value"}])
    );
    let silent = deps
        .iter()
        .find(|d| d["inputs"][0]["id"] == "silent")
        .expect("no-output");
    assert_eq!(silent["no_output"], true);
}

#[tokio::test]
async fn single_output_update() {
    let router = default_app().await;
    let body = json!({
        "output": "greeting.children",
        "outputs": {"id": "greeting", "property": "children"},
        "inputs": [dep("name", "value", json!("Ada"))],
        "changedPropIds": ["name.value"],
    });
    let (status, body, ctype) = send(&router, post_json(body.to_string())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype.as_deref(), Some("application/json"));
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        v,
        json!({"multi": true, "response": {"greeting": {"children": "Hello, Ada!"}}})
    );

    // A missing value (the renderer omits `value` for undefined props) is None.
    let body = json!({
        "output": "greeting.children",
        "outputs": {"id": "greeting", "property": "children"},
        "inputs": [{"id": "name", "property": "value"}],
        "changedPropIds": [],
    });
    let (_, body, _) = send(&router, post_json(body.to_string())).await;
    assert!(body.contains("Hello, stranger!"), "{body}");
}

fn powers_request(n: Value) -> String {
    json!({
        "output": "..sq.children...cube.children..",
        "outputs": [{"id": "sq", "property": "children"}, {"id": "cube", "property": "children"}],
        "inputs": [dep("num", "value", n)],
        "state": [dep("unit", "value", json!("m"))],
        "changedPropIds": ["num.value"],
    })
    .to_string()
}

#[tokio::test]
async fn multi_output_no_update_and_prevent_update() {
    let router = default_app().await;
    let (status, body, _) = send(&router, post_json(powers_request(json!(3)))).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        v["response"],
        json!({"sq": {"children": 9}, "cube": {"children": "27m"}})
    );

    let (status, body, _) = send(&router, post_json(powers_request(json!(-2)))).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["response"], json!({"cube": {"children": "-8m"}}));

    let (status, body, _) = send(&router, post_json(powers_request(Value::Null))).await;
    assert_eq!((status, body.as_str()), (StatusCode::NO_CONTENT, ""));
}

#[tokio::test]
async fn wrong_input_type_is_a_400_naming_the_dependency() {
    let router = default_app().await;
    let (status, body, _) = send(&router, post_json(powers_request(json!("three")))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("num.value"), "{body}");
}

#[tokio::test]
async fn malformed_requests_get_precise_4xx() {
    let router = default_app().await;
    let (status, body, _) = send(&router, post_json("{not json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, _, _) = send(&router, post_json(r#"{"inputs": []}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body, _) = send(
        &router,
        post_json(json!({"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []}).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("nope.children"));

    let wrong_count = json!({
        "output": "greeting.children",
        "outputs": {"id": "greeting", "property": "children"},
        "inputs": [],
    });
    let (status, body, _) = send(&router, post_json(wrong_count.to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("expected 1 inputs"), "{body}");

    let wrong_id = json!({
        "output": "greeting.children",
        "outputs": {"id": "greeting", "property": "children"},
        "inputs": [dep("other", "value", json!("x"))],
    });
    let (status, _, _) = send(&router, post_json(wrong_id.to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let not_json = Request::post("/_dash-update-component")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("{}"))
        .expect("request");
    let (status, _, _) = send(&router, not_json).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let (status, _, _) = send(
        &router,
        Request::post("/elsewhere")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

    // Still serving after all of that.
    let (status, _, _) = send(&router, get("/_dash-layout")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn callback_errors_are_500_and_hide_details_outside_debug() {
    let router = default_app().await;
    let req = json!({
        "output": "boom.children",
        "outputs": {"id": "boom", "property": "children"},
        "inputs": [dep("boom-in", "value", json!("x"))],
    })
    .to_string();
    let (status, body, _) = send(&router, post_json(req.clone())).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body.contains("secret detail"), "{body}");

    let debug = app(Dash::new().debug(true).layout(layout())).await;
    let (status, body, _) = send(&debug, post_json(req)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("secret detail x"), "{body}");
}

#[tokio::test]
async fn panicking_callback_is_500_and_server_keeps_serving() {
    let router = default_app().await;
    let req = json!({
        "output": "panic.children",
        "outputs": {"id": "panic", "property": "children"},
        "inputs": [dep("panic-in", "value", json!("x"))],
    })
    .to_string();
    for _ in 0..3 {
        let (status, _, _) = send(&router, post_json(req.clone())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    }
    let (status, _, _) = send(&router, post_json(powers_request(json!(2)))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn async_callbacks_context_and_set_props() {
    let router = default_app().await;
    let req = json!({
        "output": "async-out.children",
        "outputs": {"id": "async-out", "property": "children"},
        "inputs": [dep("async-in", "value", json!("hi"))],
    });
    let (status, body, _) = send(&router, post_json(req.to_string())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("later: hi"));

    let req = json!({
        "output": "who.children",
        "outputs": {"id": "who", "property": "children"},
        "inputs": [dep("b1", "n_clicks", json!(1)), dep("b2", "n_clicks", json!(2))],
        "changedPropIds": ["b2.n_clicks"],
    });
    let (status, body, _) = send(&router, post_json(req.to_string())).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["response"]["who"]["children"], "Some(String(\"b2\"))");
    assert_eq!(v["sideUpdate"], json!({"status": {"children": "seen"}}));
}

#[tokio::test]
async fn no_output_callbacks_answer_204_or_side_updates() {
    let router = default_app().await;
    let req = |n: u32| {
        json!({
            "output": dash_runtime::dependencies::inputs_hash(&[dash_runtime::dependencies::Dependency {
                id: dash_runtime::dependencies::IdSpec::Str("silent"),
                property: "n_clicks",
                allow_optional: false,
            }]),
            "inputs": [dep("silent", "n_clicks", json!(n))],
        })
        .to_string()
    };
    let (status, _, _) = send(&router, post_json(req(1))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body, _) = send(&router, post_json(req(2))).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        v,
        json!({"multi": true, "sideUpdate": {"status": {"children": 2}}, "response": {}})
    );
}

#[tokio::test]
async fn url_prefix_mounts_routes_and_redirects_bare_prefix() {
    let router = app(Dash::new().url_base_pathname("/app/").layout(layout())).await;
    let (status, body, _) = send(&router, get("/app/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(r#""requests_pathname_prefix":"\u002fapp\u002f""#),
        "{body}"
    );
    let (status, _, _) = send(&router, get("/app/_dash-layout")).await;
    assert_eq!(status, StatusCode::OK);
    let resp = router.clone().oneshot(get("/app")).await.expect("answer");
    assert_eq!(resp.status(), StatusCode::PERMANENT_REDIRECT);
    let (status, _, _) = send(&router, get("/_dash-layout")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn layout_functions_run_per_load_and_user_routes_merge() {
    use std::sync::atomic::{AtomicU32, Ordering};
    static LOADS: AtomicU32 = AtomicU32::new(0);
    let extra = Router::new().route("/api/ping", axum::routing::get(|| async { "pong" }));
    let router = app(Dash::new()
        .layout_fn(|| html::div(LOADS.fetch_add(1, Ordering::SeqCst)))
        .routes(extra))
    .await;
    let (_, first, _) = send(&router, get("/_dash-layout")).await;
    let (_, second, _) = send(&router, get("/_dash-layout")).await;
    assert_ne!(first, second);
    let (status, body, _) = send(&router, get("/api/ping")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "pong"));
}

#[tokio::test]
async fn reload_hash_and_favicon() {
    let router = default_app().await;
    let (status, body, _) = send(&router, get("/_reload-hash")).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["reloadHash"], Value::Null);
    let (status, _, ctype) = send(&router, get("/_favicon.ico?v=4.4.1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype.as_deref(), Some("image/x-icon"));
}
