use dash_runtime::prelude::*;

#[callback(
    output = Output("a", "children", allow_duplicate = true),
    inputs = [Input("in", "value")],
    prevent_initial_call = false,
)]
fn cb(value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn main() {}
