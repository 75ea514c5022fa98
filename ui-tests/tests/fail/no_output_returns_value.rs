use dash_runtime::prelude::*;

#[callback(inputs = [Input("in", "value")])]
fn cb(value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn main() {}
