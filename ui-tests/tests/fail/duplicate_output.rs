use dash_runtime::prelude::*;

#[callback(
    output = [Output("a", "children"), Output("a", "children")],
    inputs = [Input("in", "value")],
)]
fn cb(value: Option<String>) -> (String, String) {
    let v = value.unwrap_or_default();
    (v.clone(), v)
}

fn main() {}
