use dash_runtime::prelude::*;

// `tab` is not in the path template: it comes from the query string.
#[page(path_template = "/report/<id>")]
fn report(id: String, tab: String) -> html::Div {
    html::div(format!("{id} {tab}"))
}

fn main() {}
