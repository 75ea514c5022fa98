use dash_runtime::prelude::*;

#[callback(
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
    state = [State("store", "data")],
)]
fn cb(value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn main() {}
