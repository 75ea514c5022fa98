use dash_runtime::prelude::*;

#[callback(
    output = Output({"type": "out", "index": ALLSMALLER}, "children"),
    inputs = [Input({"type": "in", "index": ALL}, "value")],
)]
fn cb(values: Vec<String>) -> Vec<String> {
    values
}

fn main() {}
