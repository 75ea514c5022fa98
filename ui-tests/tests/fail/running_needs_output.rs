use dash_runtime::prelude::*;

#[callback(
    output = Output("out", "children"),
    inputs = [Input("go", "n_clicks")],
    running = [(Input("go", "disabled"), true, false)],
)]
fn cb(_n: Option<u32>) -> String {
    String::new()
}

fn main() {}
