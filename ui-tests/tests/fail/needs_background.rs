use dash_runtime::prelude::*;

#[callback(
    output = Output("out", "children"),
    inputs = [Input("run", "n_clicks")],
    progress = [Output("bar", "value")],
    interval = 500,
)]
fn job(_n: Option<u32>) -> String {
    String::new()
}

fn main() {}
