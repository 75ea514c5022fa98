use dash_runtime::prelude::*;

#[callback(
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
    blocking = false,
)]
async fn quick(_v: Option<u32>) -> String {
    String::new()
}

#[callback(
    output = Output("job-out", "children"),
    inputs = [Input("job-in", "n_clicks")],
    background = true,
    timeout = "10s",
    blocking = true,
)]
async fn job(_n: Option<u32>) -> String {
    String::new()
}

clientside_callback! {
    output = Output("cs-out", "children"),
    inputs = [Input("cs-in", "value")],
    js = "function(v) { return v; }",
    timeout = "1s",
}

fn main() {}
