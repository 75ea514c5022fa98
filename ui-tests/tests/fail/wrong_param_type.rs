use dash_runtime::prelude::*;

struct NotDeserializable;

#[callback(output = Output("a", "children"), inputs = [Input("in", "value")])]
fn cb(_value: NotDeserializable) -> String {
    String::new()
}

fn main() {}
