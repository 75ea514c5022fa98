//! Websocket callbacks: persistent and no-input ones, `get_props`, a background job over the
//! websocket.

use dash_runtime::prelude::*;

#[callback(inputs = [], websocket = true, persistent = true)]
async fn ticker() {
    set_props("ticker", serde_json::json!({"children": "tick"}));
}

#[callback(
    output = Output("answer", "children"),
    inputs = [Input("ask", "n_clicks")],
    websocket = true
)]
async fn ask(_n: Option<u64>) -> Result<String, GetPropsError> {
    let name: Option<String> = get_props("name", "value").await?;
    Ok(name.unwrap_or_default())
}

/// Only State: fired once when the page loads.
#[callback(
    output = Output("greeting", "children"),
    inputs = [],
    state = [State("name", "value")],
    websocket = true
)]
fn greeting(name: Option<String>) -> String {
    name.unwrap_or_default()
}

#[callback(
    output = Output("result", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    websocket = true,
    progress = Output("bar", "value"),
)]
async fn run(progress: Progress<u32>, _n: Option<u64>) -> String {
    progress.set(1);
    String::from("done")
}

fn main() {}
