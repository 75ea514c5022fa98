use dash_runtime::prelude::*;

// A `Progress` parameter without `background = true`.
#[callback(output = Output("out", "children"), inputs = [Input("run", "n_clicks")])]
fn job(progress: Progress<u32>, n: Option<u32>) -> String {
    progress.set(1);
    format!("{n:?}")
}

fn main() {}
