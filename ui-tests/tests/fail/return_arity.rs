use dash_runtime::prelude::*;

#[callback(
    output = [Output("a", "children"), Output("b", "children")],
    inputs = [Input("in", "value")],
)]
fn cb(value: Option<String>) -> (String, String, String) {
    let v = value.unwrap_or_default();
    (v.clone(), v.clone(), v)
}

fn main() {}
