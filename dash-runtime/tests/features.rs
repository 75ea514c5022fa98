//! Protocol tests of the callback features beyond Input → Output: groupings, triggers,
//! pattern-matching ids, `running`, clientside callbacks, `Patch`, `on_error`,
//! `allow_duplicate` and app-wide `prevent_initial_callbacks`.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tower::ServiceExt;

#[derive(Deserialize)]
struct Form {
    first: Option<String>,
    last: Option<String>,
}

#[derive(Serialize)]
struct Names {
    full: String,
    initials: Update<String>,
}

#[callback(
    output = {full: Output("full", "children"), initials: Output("initials", "children")},
    inputs = {form: {first: Input("first", "value"), last: Input("last", "value")}},
    state = {sep: State("sep", "value")},
)]
fn names(sep: Option<String>, form: Form) -> Names {
    let (first, last) = (
        form.first.unwrap_or_default(),
        form.last.unwrap_or_default(),
    );
    let initials = match (first.chars().next(), last.chars().next()) {
        (Some(a), Some(b)) => Update::Value(format!("{a}{b}")),
        _ => Update::NoUpdate,
    };
    Names {
        full: format!("{first}{}{last}", sep.unwrap_or_else(|| " ".into())),
        initials,
    }
}

#[callback(
    output = Output("sum", "children"),
    inputs = [(Input("x", "value"), Input("y", "value")), Trigger("go", "n_clicks")],
)]
fn sum(xy: (Option<i64>, Option<i64>)) -> i64 {
    xy.0.unwrap_or(0) + xy.1.unwrap_or(0)
}

#[callback(
    output = Output({"type": "label", "index": MATCH}, "style"),
    inputs = [Input({"type": "done", "index": MATCH}, "value")],
    state = [State({"type": "done", "index": ALLSMALLER}, "value")],
)]
fn strike(done: Option<Vec<String>>, before: Vec<Option<Vec<String>>>) -> Value {
    json!({"done": done.is_some_and(|d| !d.is_empty()), "before": before.len()})
}

#[callback(
    output = Output({"type": "out", "index": ALL}, "children"),
    inputs = [Input({"type": "in", "index": ALL}, "value")],
)]
fn echo_all(values: Vec<Option<String>>) -> Vec<Update<String>> {
    values
        .into_iter()
        .map(|v| v.map_or(Update::NoUpdate, Update::Value))
        .collect()
}

#[callback(
    output = Output("slow", "children"),
    inputs = [Input("run", "n_clicks")],
    running = [(Output("run", "disabled"), true, false), (Output("slow", "style"), json!({"opacity": 0.5}), json!({}))],
)]
fn slow(n: Option<u32>) -> String {
    format!("ran {}", n.unwrap_or(0))
}

clientside_callback! {
    output = Output("upper", "children"),
    inputs = [Input("text", "value")],
    js = "function(value) { return (value || '').toUpperCase(); }",
}

clientside_callback! {
    output = Output("lower", "children"),
    inputs = [Input("text", "value")],
    namespace = "text",
    function = "lower",
}

#[callback(
    output = Output("items", "children"),
    inputs = [Input("add-item", "n_clicks")],
    prevent_initial_call = true,
)]
fn add_item(n: Option<u64>) -> Patch {
    let mut patch = Patch::new();
    patch.append(html::li(format!("item {}", n.unwrap_or(0))));
    patch.at(0).at("props").at("children").add("!");
    patch
}

#[callback(
    output = Output("items", "children", allow_duplicate = true),
    inputs = [Input("clear-items", "n_clicks")],
    prevent_initial_call = true,
)]
fn clear_items(_n: Option<u64>) -> Patch {
    let mut patch = Patch::new();
    patch.clear();
    patch
}

fn fallback(err: &CallbackError) -> String {
    set_props("error-log", json!({"children": err.to_string()}));
    "failed".to_owned()
}

#[callback(
    output = Output("risky", "children"),
    inputs = [Input("risky-in", "value")],
    on_error = fallback,
)]
fn risky(value: Option<String>) -> Result<String, String> {
    match value.as_deref() {
        Some("panic") => panic!("risky panicked"),
        Some("err") => Err("risky failed".into()),
        other => Ok(format!("ok {}", other.unwrap_or(""))),
    }
}

#[callback(output = Output("plain-risky", "children"), inputs = [Input("plain-risky-in", "value")])]
fn plain_risky(_value: Option<String>) -> Result<String, String> {
    Err("plain failure".into())
}

fn layout() -> Component {
    html::div((
        html::Div::new().id("full"),
        dcc::Input::new().id("text"),
        html::Div::new().id("upper"),
    ))
    .into()
}

async fn app(builder: Dash) -> Router {
    builder
        .serve_locally(false)
        // This test binary's callbacks use ids its small layout lacks.
        .suppress_callback_exceptions(true)
        .layout(layout())
        .build()
        .await
        .expect("app builds")
        .router()
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn get_json(router: &Router, path: &str) -> Value {
    let (status, body) = send(router, Request::get(path).body(Body::empty()).expect("req")).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_str(&body).expect("json")
}

async fn post(router: &Router, body: Value) -> (StatusCode, Value) {
    let req = Request::post("/_dash-update-component")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, body) = send(router, req).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

fn dep(id: Value, prop: &str, value: Value) -> Value {
    json!({"id": id, "property": prop, "value": value})
}

fn entry<'a>(deps: &'a Value, output: &str) -> &'a Value {
    deps.as_array()
        .and_then(|a| a.iter().find(|d| d["output"] == output))
        .unwrap_or_else(|| panic!("no dependency entry {output}"))
}

#[tokio::test]
async fn dependency_entries_of_each_feature() {
    let router = app(Dash::new()).await;
    let deps = get_json(&router, "/_dash-dependencies").await;

    let names = entry(&deps, "..full.children...initials.children..");
    assert_eq!(
        names["inputs"],
        json!([{"id": "first", "property": "value"}, {"id": "last", "property": "value"}])
    );
    assert_eq!(names["state"], json!([{"id": "sep", "property": "value"}]));

    let sum = entry(&deps, "sum.children");
    assert_eq!(sum["inputs"].as_array().map(Vec::len), Some(3));

    let strike = entry(&deps, r#"{"index":["MATCH"],"type":"label"}.style"#);
    assert_eq!(
        strike["inputs"][0]["id"],
        r#"{"index":["MATCH"],"type":"done"}"#
    );
    assert_eq!(
        strike["state"][0]["id"],
        r#"{"index":["ALLSMALLER"],"type":"done"}"#
    );

    let slow = entry(&deps, "slow.children");
    assert_eq!(
        slow["running"],
        json!({"running": {"run.disabled": true, "slow.style": {"opacity": 0.5}},
               "runningOff": {"run.disabled": false, "slow.style": {}}})
    );
    assert!(entry(&deps, "sum.children").get("running").is_none());

    let upper = entry(&deps, "upper.children");
    assert_eq!(
        upper["clientside_function"]["namespace"],
        "_dashprivate_clientside_funcs"
    );
    assert_eq!(upper["dynamic_creator"], false);
    let lower = entry(&deps, "lower.children");
    assert_eq!(
        lower["clientside_function"],
        json!({"namespace": "text", "function_name": "lower"})
    );

    // allow_duplicate suffixes the output with the hash of the inputs.
    let dup = deps
        .as_array()
        .and_then(|a| {
            a.iter().find(|d| {
                d["output"]
                    .as_str()
                    .is_some_and(|o| o.starts_with("items.children@"))
            })
        })
        .expect("duplicate output entry");
    assert_eq!(dup["prevent_initial_call"], true);

    // The inline clientside function is defined in the index page under its hash.
    let (_, index) = send(&router, Request::get("/").body(Body::empty()).expect("req")).await;
    let hash = upper["clientside_function"]["function_name"]
        .as_str()
        .expect("hash");
    assert!(
        index.contains(hash) && index.contains("toUpperCase"),
        "{index}"
    );
}

#[tokio::test]
async fn named_and_grouped_arguments() {
    let router = app(Dash::new()).await;
    let (status, body) = post(
        &router,
        json!({
            "output": "..full.children...initials.children..",
            "outputs": [{"id": "full", "property": "children"}, {"id": "initials", "property": "children"}],
            "inputs": [dep(json!("first"), "value", json!("Ada")), dep(json!("last"), "value", json!("Lovelace"))],
            "state": [dep(json!("sep"), "value", json!("_"))],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["response"],
        json!({"full": {"children": "Ada_Lovelace"}, "initials": {"children": "AL"}})
    );

    let (_, body) = post(
        &router,
        json!({
            "output": "..full.children...initials.children..",
            "outputs": [{"id": "full", "property": "children"}, {"id": "initials", "property": "children"}],
            "inputs": [dep(json!("first"), "value", json!("Ada")), {"id": "last", "property": "value"}],
            "state": [dep(json!("sep"), "value", Value::Null)],
        }),
    )
    .await;
    assert_eq!(
        body["response"],
        json!({"full": {"children": "Ada "}}),
        "NoUpdate field left out"
    );

    let (status, body) = post(
        &router,
        json!({
            "output": "sum.children",
            "outputs": {"id": "sum", "property": "children"},
            "inputs": [dep(json!("x"), "value", json!(2)), dep(json!("y"), "value", json!(40)), dep(json!("go"), "n_clicks", json!(1))],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["response"]["sum"]["children"], 42);
}

#[tokio::test]
async fn pattern_matching_requests() {
    let router = app(Dash::new()).await;
    let (status, body) = post(
        &router,
        json!({
            "output": r#"{"index":["MATCH"],"type":"label"}.style"#,
            "outputs": {"id": {"type": "label", "index": 2}, "property": "style"},
            "inputs": [dep(json!({"type": "done", "index": 2}), "value", json!(["done"]))],
            "state": [[dep(json!({"type": "done", "index": 0}), "value", json!([])), dep(json!({"type": "done", "index": 1}), "value", json!(["done"]))]],
            "changedPropIds": [r#"{"index":2,"type":"done"}.value"#],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["response"],
        json!({r#"{"index":2,"type":"label"}"#: {"style": {"done": true, "before": 2}}})
    );

    let (status, body) = post(
        &router,
        json!({
            "output": r#"{"index":["ALL"],"type":"out"}.children"#,
            "outputs": [{"id": {"type": "out", "index": 0}, "property": "children"}, {"id": {"type": "out", "index": 1}, "property": "children"}],
            "inputs": [[dep(json!({"type": "in", "index": 0}), "value", json!("a")), dep(json!({"type": "in", "index": 1}), "value", Value::Null)]],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["response"],
        json!({r#"{"index":0,"type":"out"}"#: {"children": "a"}})
    );

    // An id that does not match the declared pattern is refused.
    let (status, _) = post(
        &router,
        json!({
            "output": r#"{"index":["ALL"],"type":"out"}.children"#,
            "outputs": [],
            "inputs": [[dep(json!({"type": "other", "index": 0}), "value", json!("a"))]],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn patch_outputs_and_clientside_refusal() {
    let router = app(Dash::new()).await;
    let (status, body) = post(
        &router,
        json!({
            "output": "items.children",
            "outputs": {"id": "items", "property": "children"},
            "inputs": [dep(json!("add-item"), "n_clicks", json!(3))],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let patch = &body["response"]["items"]["children"];
    assert_eq!(patch["__dash_patch_update"], "__dash_patch_update");
    assert_eq!(patch["operations"][0]["operation"], "Append");
    assert_eq!(
        patch["operations"][1],
        json!({"operation": "Add", "location": [0, "props", "children"], "params": {"value": "!"}})
    );

    let (status, _) = post(
        &router,
        json!({"output": "upper.children", "outputs": {"id": "upper", "property": "children"}, "inputs": [dep(json!("text"), "value", json!("a"))]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

fn risky_request(value: &str) -> Value {
    json!({
        "output": "risky.children",
        "outputs": {"id": "risky", "property": "children"},
        "inputs": [dep(json!("risky-in"), "value", json!(value))],
    })
}

#[tokio::test]
async fn per_callback_on_error_handles_errors_and_panics() {
    let router = app(Dash::new()).await;
    let (status, body) = post(&router, risky_request("fine")).await;
    assert_eq!(
        (status, &body["response"]["risky"]["children"]),
        (StatusCode::OK, &json!("ok fine"))
    );
    for trigger in ["err", "panic"] {
        let (status, body) = post(&router, risky_request(trigger)).await;
        assert_eq!(status, StatusCode::OK, "{trigger}: {body}");
        assert_eq!(body["response"]["risky"]["children"], "failed");
        assert!(body["sideUpdate"]["error-log"]["children"]
            .as_str()
            .is_some_and(|m| m.contains("risky")));
    }
}

#[tokio::test]
async fn app_wide_on_error_applies_to_callbacks_without_their_own() {
    let plain = json!({
        "output": "plain-risky.children",
        "outputs": {"id": "plain-risky", "property": "children"},
        "inputs": [dep(json!("plain-risky-in"), "value", json!("x"))],
    });
    let router = app(Dash::new()).await;
    let (status, _) = post(&router, plain.clone()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);

    let router =
        app(Dash::new().on_error(|err| set_props("banner", json!({"children": err.to_string()}))))
            .await;
    let (status, body) = post(&router, plain).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"multi": true, "sideUpdate": {"banner": {"children": "plain failure"}}, "response": {}})
    );
}

#[tokio::test]
async fn app_wide_prevent_initial_callbacks() {
    let router = app(Dash::new().prevent_initial_callbacks(true)).await;
    let deps = get_json(&router, "/_dash-dependencies").await;
    assert_eq!(entry(&deps, "sum.children")["prevent_initial_call"], true);
    let router = app(Dash::new()).await;
    let deps = get_json(&router, "/_dash-dependencies").await;
    assert_eq!(entry(&deps, "sum.children")["prevent_initial_call"], false);
}
