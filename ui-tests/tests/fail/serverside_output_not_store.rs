use dash_runtime::prelude::*;

// A `Serverside` value is only sent to a store's `data`, not to `children`.
#[callback(output = Output("summary", "children"), inputs = [Input("name", "value")])]
fn summary(name: String) -> Serverside<String> {
    Serverside::new(name)
}

fn main() {}
