use dash_runtime::prelude::*;

// A `Serverside` parameter only receives a store's `data`, not an input's `value`.
#[callback(output = Output("summary", "children"), inputs = [Input("name", "value")])]
fn summary(name: Serverside<String>) -> String {
    name.into_inner()
}

fn main() {}
