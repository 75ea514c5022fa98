use dash_runtime::prelude::*;

struct Opaque;

#[callback(output = Output("a", "children"), inputs = [Input("in", "value")])]
fn cb(_value: Option<String>) -> Opaque {
    Opaque
}

fn main() {}
