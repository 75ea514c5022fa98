use dash_runtime::prelude::*;

#[page(path_template = "/report/<1st>")]
fn report() -> html::Div {
    html::div("report")
}

fn main() {}
