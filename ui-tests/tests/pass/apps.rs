//! Callbacks and pages that belong to named apps, and apps served side by side.

use dash_runtime::prelude::*;

#[callback(app = "admin", output = Output("out", "children"), inputs = [Input("q", "value")])]
fn admin_search(q: Option<String>) -> String {
    q.unwrap_or_default()
}

#[page(path = "/", app = "admin")]
fn admin_home() -> html::Div {
    html::div((dcc::Input::new().id("q"), html::Div::new().id("out")))
}

fn main() {
    let admin = Dash::new()
        .name("admin")
        .url_base_pathname("/admin/")
        .include_modules(["apps"]);
    let _ = dash_runtime::pages::page_registry_of("admin");
    let _run: fn(Vec<Dash>) -> Result<(), dash_runtime::Error> = dash_runtime::apps::run;
    drop(admin);
}
