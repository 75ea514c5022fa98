use dash_runtime::prelude::*;

// Background callbacks share results with `cache_by`, not `memoize`.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    memoize = "10m",
)]
fn job(n: Option<u32>) -> String {
    format!("{n:?}")
}

fn main() {}
