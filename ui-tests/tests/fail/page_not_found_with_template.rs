use dash_runtime::prelude::*;

#[page(not_found, path_template = "/<rest>")]
fn missing(rest: String) -> html::Div {
    html::div(rest)
}

fn main() {}
