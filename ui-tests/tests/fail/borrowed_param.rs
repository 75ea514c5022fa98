use dash_runtime::prelude::*;

#[callback(output = Output("a", "children"), inputs = [Input("in", "value")])]
fn cb(value: &str) -> String {
    value.to_owned()
}

fn main() {}
