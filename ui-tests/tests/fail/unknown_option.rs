use dash_runtime::prelude::*;

#[callback(output = Output("out", "children"), input = [Input("in", "value")], debounce = true)]
fn cb(value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn main() {}
