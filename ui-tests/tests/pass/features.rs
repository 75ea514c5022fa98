use dash_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Point {
    x: Option<f64>,
    y: Option<f64>,
}

#[derive(Serialize)]
struct Out {
    sum: f64,
    label: Update<String>,
}

#[callback(
    output = {sum: Output("sum", "children"), label: Output("label", "children")},
    inputs = {point: {x: Input("x", "value"), y: Input("y", "value")}},
    state = {name: State("name", "value")},
    running = [(Output("go", "disabled"), true, false)],
)]
fn named(point: Point, name: Option<String>) -> Out {
    Out {
        sum: point.x.unwrap_or(0.0) + point.y.unwrap_or(0.0),
        label: name.map_or(Update::NoUpdate, Update::Value),
    }
}

fn recover(err: &CallbackError) -> String {
    err.to_string()
}

#[callback(
    output = Output("pair", "children"),
    inputs = [(Input("a", "value"), Input("b", "value")), Trigger("go", "n_clicks")],
    on_error = recover,
)]
fn grouped(pair: (Option<String>, Option<String>)) -> Result<String, String> {
    Ok(format!("{pair:?}"))
}

#[callback(
    output = Output("fetched", "children"),
    inputs = [Input("fetch", "n_clicks")],
    on_error = recover,
    timeout = "1m30s",
)]
async fn fetch(n: Option<u32>) -> String {
    format!("{n:?}")
}

#[callback(
    output = Output("doubled", "children"),
    inputs = [Input("double", "value")],
    blocking = false,
    timeout = "250ms",
)]
fn double(n: Option<i64>) -> i64 {
    n.unwrap_or(0) * 2
}

#[callback(
    output = Output("items", "children", allow_duplicate = true),
    inputs = [Input("add", "n_clicks")],
    prevent_initial_call = true,
)]
fn patch(n: Option<u32>) -> Patch {
    let mut p = Patch::new();
    p.append(n.unwrap_or(0)).at(0).assign("first");
    p
}

clientside_callback! {
    output = Output("upper", "children"),
    inputs = [Input("text", "value")],
    js = "function(v) { return (v || '').toUpperCase(); }",
}

clientside_callback! {
    output = Output("lower", "children"),
    inputs = [Input("text", "value")],
    namespace = "text",
    function = "lower",
}

fn main() {
    let _ = named(Point { x: Some(1.0), y: None }, None);
    let _ = grouped((None, None));
    let _ = patch(None);
}
