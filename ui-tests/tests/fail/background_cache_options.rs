use dash_runtime::prelude::*;

// Cache options need `cache_by`; per-callback managers do not exist.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    cache_args_to_ignore = [0],
    manager = "redis",
)]
fn job(n: Option<u32>) -> String {
    format!("{n:?}")
}

fn main() {}
