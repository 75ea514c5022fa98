use dash_runtime::prelude::*;

#[callback(output = Output("a.b", "children"), inputs = [Input("in", "")], state = [Input("s", "value")])]
fn cb(value: Option<String>, _s: Option<String>) -> String {
    value.unwrap_or_default()
}

fn main() {}
