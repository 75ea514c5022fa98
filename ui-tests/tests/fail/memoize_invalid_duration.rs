use dash_runtime::prelude::*;

// `memoize` takes a duration above zero, written like `timeout`.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
    memoize = "10 minutes",
)]
fn slow(_v: Option<u32>) -> String {
    String::new()
}

#[callback(
    output = Output("out2", "children"),
    inputs = [Input("in2", "value")],
    memoize = "0s",
)]
fn never(_v: Option<u32>) -> String {
    String::new()
}

fn main() {}
