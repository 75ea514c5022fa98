use dash_runtime::prelude::*;

#[callback(
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
    timeout = "30 seconds",
)]
fn slow(_v: Option<u32>) -> String {
    String::new()
}

#[callback(
    output = Output("out2", "children"),
    inputs = [Input("in2", "value")],
    timeout = "0s",
)]
fn never(_v: Option<u32>) -> String {
    String::new()
}

fn main() {}
