//! Every other path.

use dash_runtime::prelude::*;

#[page(not_found, name = "Not found")]
fn not_found() -> html::Div {
    html::div((
        html::h2("Page not found").id("not-found"),
        dcc::link("Go home").href("/"),
    ))
}
