use dash_runtime::prelude::*;

#[page(path = "reports")]
fn reports() -> html::Div {
    html::div("reports")
}

fn main() {}
