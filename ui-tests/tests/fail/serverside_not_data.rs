use dash_runtime::prelude::*;

// A `Serverside` value only lives in a store's `data`: not in `children`, not in `value`.
#[callback(output = Output("summary", "children"), inputs = [Input("name", "value")])]
fn summary(name: Serverside<String>) -> Serverside<String> {
    name
}

fn main() {}
