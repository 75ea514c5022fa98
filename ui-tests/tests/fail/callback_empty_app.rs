use dash_runtime::prelude::*;

#[callback(app = " ", output = Output("out", "children"), inputs = [Input("in", "value")])]
fn show(value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn main() {}
