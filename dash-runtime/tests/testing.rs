//! The headless test app against the renderer's rules: chain order, wildcards, side updates,
//! duplicate outputs, initial-call rules, errors naming the callback.

use dash_runtime::prelude::*;
use dash_runtime::testing::{TestApp, TestError};
use serde_json::{json, Value};

// A chain a → b → c, and d reading both a and c: the renderer holds d back until c is
// settled, so d runs once on load, with c's final value.
#[callback(output = Output("b", "children"), inputs = [Input("a", "value")])]
fn a_to_b(a: Option<String>) -> String {
    format!("b({})", a.unwrap_or_default())
}

#[callback(output = Output("c", "children"), inputs = [Input("b", "children")])]
fn b_to_c(b: Option<String>) -> String {
    format!("c({})", b.unwrap_or_default())
}

#[callback(output = Output("d", "children"), inputs = [Input("a", "value"), Input("c", "children")])]
fn a_and_c_to_d(a: Option<String>, c: Option<String>) -> String {
    format!("d({}, {})", a.unwrap_or_default(), c.unwrap_or_default())
}

// Each total adds up its own number and every number with a smaller index.
#[callback(
    output = Output({"type": "total", "index": MATCH}, "children"),
    inputs = [Input({"type": "num", "index": MATCH}, "value")],
    state = [State({"type": "num", "index": ALLSMALLER}, "value")],
)]
fn running_total(own: Option<i64>, smaller: Vec<Option<i64>>) -> String {
    let sum: i64 = own.unwrap_or(0) + smaller.into_iter().flatten().sum::<i64>();
    sum.to_string()
}

// set_props next to the output; `PreventUpdate` for an empty value.
#[callback(
    output = Output("echo", "children"),
    inputs = [Input("say", "value")],
    prevent_initial_call = true
)]
fn echo(say: Option<String>) -> Result<String, PreventUpdate> {
    let say = say.filter(|s| !s.is_empty()).ok_or(PreventUpdate)?;
    set_props("side", json!({"children": format!("side {say}")}));
    Ok(format!("echo {say}"))
}

// Two callbacks writing one output.
#[callback(output = Output("log", "children"), inputs = [Input("first", "n_clicks")], prevent_initial_call = true)]
fn first_writes(_n: Option<u64>) -> &'static str {
    "first"
}

#[callback(
    output = Output("log", "children", allow_duplicate = true),
    inputs = [Input("second", "n_clicks")],
    prevent_initial_call = true
)]
fn second_writes(_n: Option<u64>) -> &'static str {
    "second"
}

// No inputs: fired once on load with the state's value.
#[callback(output = Output("loaded", "children"), inputs = [], state = [State("a", "value")])]
fn on_load(a: Option<String>) -> String {
    format!("loaded with {}", a.unwrap_or_default())
}

#[callback(output = Output("boom-out", "children"), inputs = [Input("boom", "n_clicks")], prevent_initial_call = true)]
fn explodes(_n: Option<u64>) -> String {
    panic!("kaboom")
}

// A list appended to with Patch, and an item count over ALL rows, including rows added later.
#[callback(
    output = Output("rows", "children"),
    inputs = [Input("add-row", "n_clicks")],
    prevent_initial_call = true
)]
fn add_row(n: Option<u64>) -> Patch {
    let mut patch = Patch::new();
    patch.append(
        dcc::Input::new()
            .id(json!({"type": "row", "index": n.unwrap_or(0)}))
            .value(format!("row {}", n.unwrap_or(0))),
    );
    patch
}

#[callback(output = Output("row-count", "children"), inputs = [Input({"type": "row", "index": ALL}, "value")])]
fn count_rows(rows: Vec<Option<String>>) -> String {
    format!("{} rows", rows.len())
}

fn app() -> Dash {
    let num = |i: i64| {
        dcc::Input::new()
            .id(json!({"type": "num", "index": i}))
            .value(i + 1)
    };
    let total = |i: i64| html::Div::new().id(json!({"type": "total", "index": i}));
    Dash::new().layout(html::div((
        html::div((
            dcc::Input::new().id("a").value("x"),
            html::Div::new().id("b"),
            html::Div::new().id("c"),
            html::Div::new().id("d"),
        )),
        html::div((num(0), num(1), num(2), total(0), total(1), total(2))),
        dcc::Input::new().id("say").value(""),
        html::Div::new().id("echo").children("nothing yet"),
        html::Div::new().id("side"),
        html::button("1").id("first"),
        html::button("2").id("second"),
        html::Div::new().id("log"),
        html::div((
            html::Div::new().id("loaded"),
            html::button("boom").id("boom"),
            html::Div::new().id("boom-out"),
            html::button("add").id("add-row"),
            html::Div::new()
                .id("rows")
                .children(Vec::<Component>::new()),
            html::Div::new().id("row-count"),
        )),
    )))
}

fn calls_of(page: &TestApp, name: &str) -> usize {
    page.calls().iter().filter(|c| c.callback == name).count()
}

#[test]
fn a_chain_settles_in_the_renderers_order() -> Result<(), TestError> {
    let mut page = TestApp::new(app())?;
    assert_eq!(page.text("c"), "c(b(x))");
    assert_eq!(page.text("d"), "d(x, c(b(x)))");
    assert_eq!(calls_of(&page, "a_and_c_to_d"), 1, "{:?}", page.calls());
    // Initial calls carry no changed props; a chained call names the prop that changed.
    let first = page.calls().iter().find(|c| c.callback == "a_to_b");
    assert_eq!(first.map(|c| c.changed_prop_ids.clone()), Some(vec![]));

    page.set("a", "value", "y")?;
    assert_eq!(page.text("d"), "d(y, c(b(y)))");
    assert_eq!(calls_of(&page, "a_and_c_to_d"), 2);
    let last = page.calls().iter().rev().find(|c| c.callback == "b_to_c");
    assert_eq!(
        last.map(|c| c.changed_prop_ids.clone()),
        Some(vec!["b.children".to_owned()])
    );
    assert_eq!(
        page.history("d", "children"),
        [json!("d(x, c(b(x)))"), json!("d(y, c(b(y)))")]
    );
    Ok(())
}

#[test]
fn match_and_allsmaller_resolve_per_component() -> Result<(), TestError> {
    let mut page = TestApp::new(app())?;
    let total = |page: &TestApp, i: i64| page.text(json!({"type": "total", "index": i}));
    assert_eq!(
        (total(&page, 0), total(&page, 1), total(&page, 2)),
        ("1".into(), "3".into(), "6".into())
    );
    page.set(json!({"type": "num", "index": 1}), "value", 10)?;
    // Only the MATCHed total reruns; the others keep what they showed.
    assert_eq!(
        (total(&page, 0), total(&page, 1), total(&page, 2)),
        ("1".into(), "11".into(), "6".into())
    );
    Ok(())
}

#[test]
fn set_props_prevent_update_and_duplicate_outputs() -> Result<(), TestError> {
    let mut page = TestApp::new(app())?;
    assert_eq!(calls_of(&page, "echo"), 0, "prevent_initial_call");
    page.set("say", "value", "hi")?;
    assert_eq!(page.text("echo"), "echo hi");
    assert_eq!(page.text("side"), "side hi");
    page.set("say", "value", "")?;
    assert_eq!(page.text("echo"), "echo hi");
    assert_eq!(page.calls().last().map(|c| c.status), Some(204));

    page.click("first")?;
    assert_eq!(page.text("log"), "first");
    page.click("second")?;
    assert_eq!(page.text("log"), "second");
    assert_eq!(page.text("loaded"), "loaded with x");
    assert_eq!(calls_of(&page, "on_load"), 1);
    Ok(())
}

#[test]
fn patches_add_components_whose_callbacks_then_fire() -> Result<(), TestError> {
    let mut page = TestApp::new(app())?;
    assert_eq!(page.text("row-count"), "0 rows");
    page.click("add-row")?;
    page.click("add-row")?;
    assert_eq!(page.text("row-count"), "2 rows");
    assert_eq!(
        page.get(json!({"type": "row", "index": 2}), "value"),
        "row 2"
    );
    page.set(json!({"type": "row", "index": 1}), "value", "edited")?;
    assert_eq!(page.text("row-count"), "2 rows");
    Ok(())
}

#[test]
fn a_failing_callback_is_named_with_its_location() {
    let mut page = TestApp::new(app()).expect("starts");
    let err = page.click("boom").expect_err("the callback panics");
    let TestError::Callback {
        callback,
        location,
        status,
        message,
    } = &err
    else {
        panic!("not a callback error: {err}");
    };
    assert_eq!((callback.as_str(), *status), ("explodes", 500));
    assert!(
        location.starts_with("dash-runtime/tests/testing.rs:"),
        "{location}"
    );
    assert!(message.contains("kaboom"), "{message}");
    assert!(err.to_string().contains("explodes"));
    // The page goes on serving.
    page.set("a", "value", "z").expect("still works");
    assert_eq!(page.text("b"), "b(z)");
    assert_eq!(page.errors().len(), 1);
}

#[test]
fn unknown_ids_are_reported_with_the_ids_there_are() {
    let mut page = TestApp::new(app()).expect("starts");
    let err = page.set("nope", "value", 1).expect_err("no such component");
    assert!(matches!(err, TestError::NoComponent { .. }));
    assert!(err.to_string().contains("\"say\""), "{err}");
    assert_eq!(page.prop("nope", "value"), None);
    assert_eq!(page.prop("b", "nonexistent"), None::<Value>);
}
