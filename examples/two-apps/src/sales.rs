//! The sales app, served under `/sales/`.

use dash_runtime::prelude::*;

/// Answers the search box of the sales app.
#[callback(app = "sales", output = Output("out", "children"), inputs = [Input("q", "value")])]
fn sales_search(q: Option<String>) -> String {
    format!("sales: {}", q.unwrap_or_default())
}

/// The sales app.
pub fn app() -> Dash {
    Dash::new()
        .name("sales")
        .title("Sales")
        .url_base_pathname("/sales/")
        .layout(super::page("Sales"))
}
