use dash_runtime::prelude::*;

// `progress_default` needs one value per progress output.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    progress = [Output("bar", "value"), Output("bar", "max")],
    progress_default = [0],
)]
fn job(progress: Progress<(u32, u32)>, n: Option<u32>) -> String {
    progress.set((1, 2));
    format!("{n:?}")
}

fn main() {}
