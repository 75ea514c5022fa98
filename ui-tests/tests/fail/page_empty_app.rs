use dash_runtime::prelude::*;

#[page(path = "/", app = "")]
fn home() -> html::Div {
    html::div("home")
}

fn main() {}
