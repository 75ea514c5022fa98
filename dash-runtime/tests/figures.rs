//! Protocol tests of charts: a `Figure` answered with typed arrays, a figure in `State` and
//! graph events as typed parameters, and streaming updates (`extendData`, a figure `Patch`).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::figure::{ClickData, ExtendData, Figure, FigurePatch, RelayoutData};
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const POINTS: u32 = 1000;

#[callback(output = Output("wave", "figure"), inputs = [Input("points", "value")])]
fn wave(points: Option<u32>) -> Figure {
    let n = points.unwrap_or(POINTS);
    let x: Vec<u32> = (0..n).collect();
    let y: Vec<f64> = x.iter().map(|x| (f64::from(*x) / 100.0).sin()).collect();
    Figure::new()
        .trace(json!({"type": "scattergl", "mode": "markers", "x": x, "y": y}))
        .layout(json!({"title": {"text": "wave"}}))
}

/// The clicked point, and the figure's own numbers read from `State`.
#[callback(
    output = Output("picked", "children"),
    inputs = [Input("wave", "clickData")],
    state = [State("wave", "figure")],
)]
fn picked(click: Option<ClickData>, figure: Option<Figure>) -> String {
    let point = click.as_ref().and_then(|c| c.points.first());
    let ys = figure.and_then(|f| f.numbers(0, "y")).unwrap_or_default();
    match point.and_then(|p| p.index()) {
        Some(i) => format!(
            "point {i}: y {:.4} of {} points",
            ys.get(i).copied().unwrap_or(f64::NAN),
            ys.len()
        ),
        None => "nothing picked".to_owned(),
    }
}

#[callback(output = Output("wave", "extendData"), inputs = [Input("tick", "n_intervals")])]
fn more(n: Option<u32>) -> ExtendData {
    let n = n.unwrap_or(0);
    ExtendData::new()
        .points(0, "x", [POINTS + n])
        .points(0, "y", [0.5])
        .max_points(POINTS as usize)
}

#[callback(output = Output("live", "figure"), inputs = [Input("wave", "relayoutData")])]
fn follow(relayout: Option<RelayoutData>) -> Update<FigurePatch> {
    match relayout.and_then(|r| r.range_f64("xaxis")) {
        Some((from, to)) => Update::Value(FigurePatch::new().axis_range("xaxis", from, to)),
        None => Update::NoUpdate,
    }
}

async fn app() -> Router {
    Dash::new()
        .serve_locally(false)
        .layout(html::div((
            dcc::Input::new().id("points").r#type("number"),
            dcc::Graph::new().id("wave"),
            dcc::Graph::new().id("live"),
            dcc::Interval::new().id("tick"),
            html::Div::new().id("picked"),
        )))
        .build()
        .await
        .expect("app builds")
        .router()
}

async fn post(router: &Router, body: Value) -> (StatusCode, Value, usize) {
    let req = Request::post("/_dash-update-component")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value, bytes.len())
}

fn call(output: &str, outputs: Value, inputs: Value, state: Value) -> Value {
    json!({"output": output, "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": []})
}

#[tokio::test]
async fn figures_go_out_as_typed_arrays_and_come_back_as_numbers() {
    let router = app().await;
    let (status, answer, bytes) = post(
        &router,
        call(
            "wave.figure",
            json!({"id": "wave", "property": "figure"}),
            json!([{"id": "points", "property": "value", "value": POINTS}]),
            json!([]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let figure = &answer["response"]["wave"]["figure"];
    assert_eq!(figure["data"][0]["x"]["dtype"], "u2");
    assert_eq!(figure["data"][0]["y"]["dtype"], "f8");
    assert!(figure.get("frames").is_none());
    println!("{POINTS}-point figure answer: {bytes} bytes");

    // The browser sends the same figure back in State (typed arrays and all) with a click.
    let (status, answer, _) = post(
        &router,
        call(
            "picked.children",
            json!({"id": "picked", "property": "children"}),
            json!([{"id": "wave", "property": "clickData", "value": {"points": [
                {"curveNumber": 0, "pointNumber": 157, "pointIndex": 157, "x": 157, "y": 0.9999,
                 "bbox": {"x0": 1, "x1": 2, "y0": 3, "y1": 4}}
            ]}}]),
            json!([{"id": "wave", "property": "figure", "value": figure}]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let expected = format!("point 157: y {:.4} of {POINTS} points", (1.57f64).sin());
    assert_eq!(answer["response"]["picked"]["children"], expected);
}

#[tokio::test]
async fn streaming_updates_extend_and_patch() {
    let router = app().await;
    let (status, answer, _) = post(
        &router,
        call(
            "wave.extendData",
            json!({"id": "wave", "property": "extendData"}),
            json!([{"id": "tick", "property": "n_intervals", "value": 3}]),
            json!([]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["response"]["wave"]["extendData"],
        json!([{"x": [[POINTS + 3]], "y": [[0.5]]}, [0], POINTS])
    );

    let zoom = json!({"xaxis.range[0]": 10.5, "xaxis.range[1]": 20, "yaxis.autorange": true});
    let (status, answer, _) = post(
        &router,
        call(
            "live.figure",
            json!({"id": "live", "property": "figure"}),
            json!([{"id": "wave", "property": "relayoutData", "value": zoom}]),
            json!([]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let patch = &answer["response"]["live"]["figure"];
    assert_eq!(patch["__dash_patch_update"], "__dash_patch_update");
    assert_eq!(
        patch["operations"][0]["location"],
        json!(["layout", "xaxis"])
    );
    assert_eq!(
        patch["operations"][0]["params"]["value"],
        json!({"range": [10.5, 20.0], "autorange": false})
    );

    // Only the autosize of a first layout: nothing to follow (`no_update`: 200, no outputs).
    let (status, answer, _) = post(
        &router,
        call(
            "live.figure",
            json!({"id": "live", "property": "figure"}),
            json!([{"id": "wave", "property": "relayoutData", "value": {"autosize": true}}]),
            json!([]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["response"], json!({}));
}
