use dash_runtime::prelude::*;

// With `progress`, the first parameter must be the progress setter.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    progress = [Output("bar", "value"), Output("bar", "max")],
)]
fn job(n: Option<u32>) -> String {
    format!("{n:?}")
}

fn main() {}
