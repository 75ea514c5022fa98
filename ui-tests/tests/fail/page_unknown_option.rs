use dash_runtime::prelude::*;

#[page(path = "/", titel = "Home")]
fn home() -> html::Div {
    html::div("home")
}

fn main() {}
