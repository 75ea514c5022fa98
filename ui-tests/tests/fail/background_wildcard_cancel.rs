use dash_runtime::prelude::*;

// Background callbacks take no wildcards in `cancel` (nor in `progress`).
#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    cancel = [Input({"type": "stop", "index": ALL}, "n_clicks")],
)]
fn job(n: Option<u32>) -> String {
    format!("{n:?}")
}

fn main() {}
