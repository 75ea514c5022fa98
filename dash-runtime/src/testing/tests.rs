//! The runtime's own macros, used inside the runtime (`extern crate self as dash_runtime`),
//! driven by the test app.

use serde_json::json;

use super::TestApp;
use crate::prelude::*;

// Named for its own app, so that other apps built in this test binary can tell it apart.
#[callback(
    app = "runtime-self-test",
    output = Output("double", "children"),
    inputs = [Input("n", "value")],
)]
fn double(n: Option<i64>) -> String {
    (n.unwrap_or(0) * 2).to_string()
}

#[test]
fn the_runtime_uses_its_own_callback_macro() {
    let app = Dash::new().name("runtime-self-test").layout(html::div((
        dcc::Input::new().id("n").value(21),
        html::Div::new().id("double"),
    )));
    let mut page = TestApp::new(app).expect("starts");
    assert_eq!(page.text("double"), "42");
    page.set("n", "value", json!(5)).expect("runs");
    assert_eq!(page.text("double"), "10");
    assert_eq!(page.calls().len(), 2);
}

#[test]
fn include_modules_leaves_out_callbacks_from_other_modules() {
    // An app without a name takes every callback, unless `include_modules` narrows them.
    let app = Dash::new()
        .suppress_callback_exceptions(true)
        .include_modules(["dash_runtime::nowhere"])
        .layout(html::div((
            dcc::Input::new().id("n").value(21),
            html::Div::new().id("double"),
        )));
    let page = TestApp::new(app).expect("starts");
    assert_eq!(page.text("double"), "");
    assert!(page.calls().is_empty());
}
