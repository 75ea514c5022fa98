use dash_runtime::prelude::*;

#[page(path = "/")]
async fn home() -> html::Div {
    html::div("home")
}

fn main() {}
