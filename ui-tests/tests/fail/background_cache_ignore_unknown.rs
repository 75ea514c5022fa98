use dash_runtime::prelude::*;

fn version() -> &'static str {
    "1"
}

// `cache_args_to_ignore` names parameters that exist.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    cache_by = [version],
    cache_args_to_ignore = [3, "nope"],
)]
fn job(n: Option<u32>) -> String {
    format!("{n:?}")
}

fn main() {}
