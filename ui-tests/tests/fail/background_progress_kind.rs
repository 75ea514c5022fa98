use dash_runtime::prelude::*;

// `progress` takes Outputs, `cancel` takes Inputs.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    progress = [Input("bar", "value")],
    cancel = [Output("stop", "n_clicks")],
)]
fn job(progress: Progress<u32>, n: Option<u32>) -> String {
    progress.set(1);
    format!("{n:?}")
}

fn main() {}
