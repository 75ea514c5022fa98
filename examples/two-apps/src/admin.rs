//! The admin app, served under `/admin/`: the same ids as the sales app, its own callback.

use dash_runtime::prelude::*;

/// Answers the search box of the admin app.
#[callback(app = "admin", output = Output("out", "children"), inputs = [Input("q", "value")])]
fn admin_search(q: Option<String>) -> String {
    format!("admin: {}", q.unwrap_or_default())
}

/// The admin app.
pub fn app() -> Dash {
    Dash::new()
        .name("admin")
        .title("Admin")
        .url_base_pathname("/admin/")
        .layout(super::page("Admin"))
}
