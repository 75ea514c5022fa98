use dash_runtime::prelude::*;

#[callback(
    output = [Output("a", "children"), Output("b", "children")],
    inputs = [Input("in", "value")],
)]
fn cb(value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn main() {}
