use dash_runtime::prelude::*;

#[callback(
    output = Output("out", "children"),
    inputs = {name: Input("name", "value"), age: Input("age", "value")},
)]
fn greet(name: Option<String>, years: Option<u32>) -> String {
    format!("{name:?} {years:?}")
}

fn main() {}
