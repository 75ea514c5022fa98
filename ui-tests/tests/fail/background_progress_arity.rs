use dash_runtime::prelude::*;

// Two progress outputs, but the setter takes a tuple of three.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    progress = [Output("bar", "value"), Output("bar", "max")],
)]
fn job(progress: Progress<(u32, u32, u32)>, n: Option<u32>) -> String {
    progress.set((1, 2, 3));
    format!("{n:?}")
}

fn main() {}
