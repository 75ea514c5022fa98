//! `features`: every callback feature of dash-rs in one app.
//!
//! Named and grouped arguments, `Trigger`, pattern-matching ids (`MATCH`, `ALL`,
//! `ALLSMALLER`, `ALL` outputs), `running`, clientside callbacks (inline and from
//! `assets/features.js`), a callback without outputs, `set_props` beside outputs, `Patch` with
//! every operation, `PreventUpdate` after `set_props`, the callback context, `on_error`,
//! `prevent_initial_call` and `allow_duplicate`.
//!
//! Its Python twin, `conformance/python/features.py`, declares the same layout and callbacks
//! with Dash 4.4.1; the conformance tests compare the two servers' answers. Run with
//! `cargo run --release -p features` (HOST/PORT from the environment, like the other examples).

use dash_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// Named inputs, state and outputs

/// The `form` group of the named inputs.
#[derive(Debug, Deserialize)]
struct Form {
    first: Option<String>,
    last: Option<String>,
}

/// The named outputs.
#[derive(Debug, Serialize)]
struct Names {
    full: String,
    initials: Update<String>,
}

#[callback(
    output = {full: Output("full", "children"), initials: Output("initials", "children")},
    inputs = {form: {first: Input("first", "value"), last: Input("last", "value")}},
    state = {sep: State("sep", "value")},
)]
fn names(sep: Option<String>, form: Form) -> Names {
    let first = form.first.unwrap_or_default();
    let last = form.last.unwrap_or_default();
    let initials = match (first.chars().next(), last.chars().next()) {
        (Some(a), Some(b)) => Update::Value(format!("{a}{b}")),
        _ => Update::NoUpdate,
    };
    Names {
        full: format!("{first}{}{last}", sep.unwrap_or_else(|| " ".to_owned())),
        initials,
    }
}

// ---------------------------------------------------------------------------------------
// A grouped (tuple) input and a trigger

#[callback(
    output = Output("sum", "children"),
    inputs = [(Input("x", "value"), Input("y", "value")), Trigger("go", "n_clicks")],
)]
fn sum(xy: (Option<i64>, Option<i64>)) -> i64 {
    xy.0.unwrap_or(0) + xy.1.unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Pattern-matching ids

/// A pattern-matching id `{"type": kind, "index": n}`.
#[derive(Debug, Clone, Copy, Serialize)]
struct Indexed {
    #[serde(rename = "type")]
    kind: &'static str,
    index: u64,
}

fn indexed(kind: &'static str, index: u64) -> Indexed {
    Indexed { kind, index }
}

/// MATCH output and input, ALLSMALLER state.
#[callback(
    output = Output({"type": "label", "index": MATCH}, "style"),
    inputs = [Input({"type": "done", "index": MATCH}, "value")],
    state = [State({"type": "done", "index": ALLSMALLER}, "value")],
)]
fn strike(done: Option<Vec<String>>, before: Vec<Option<Vec<String>>>) -> Value {
    json!({"done": done.is_some_and(|d| !d.is_empty()), "before": before.len()})
}

/// MATCH and ALLSMALLER inputs: a running total.
#[callback(
    output = Output({"type": "cum", "index": MATCH}, "children"),
    inputs = [
        Input({"type": "num", "index": MATCH}, "value"),
        Input({"type": "num", "index": ALLSMALLER}, "value"),
    ],
)]
fn running_total(this: Option<i64>, earlier: Vec<Option<i64>>) -> i64 {
    this.unwrap_or(0) + earlier.into_iter().flatten().sum::<i64>()
}

/// ALL input, ALL output: one value per matched component.
#[callback(
    output = Output({"type": "out", "index": ALL}, "children"),
    inputs = [Input({"type": "in", "index": ALL}, "value")],
)]
fn echo_all(values: Vec<Option<String>>) -> Vec<Update<String>> {
    values.into_iter().map(Update::from).collect()
}

/// ALL state.
#[callback(
    output = Output("filled", "children"),
    inputs = [Input("count-btn", "n_clicks")],
    state = [State({"type": "in", "index": ALL}, "value")],
)]
fn filled(_n_clicks: Option<u64>, values: Vec<Option<String>>) -> String {
    let filled = values
        .iter()
        .filter(|v| v.as_ref().is_some_and(|s| !s.is_empty()))
        .count();
    format!("{filled} of {} filled", values.len())
}

// ---------------------------------------------------------------------------------------
// running

#[callback(
    output = Output("slow", "children"),
    inputs = [Input("run", "n_clicks")],
    running = [
        (Output("run", "disabled"), true, false),
        (Output("slow", "style"), json!({"opacity": 0.5}), json!({})),
    ],
)]
fn slow(n_clicks: Option<u64>) -> String {
    format!("ran {}", n_clicks.unwrap_or(0))
}

// ---------------------------------------------------------------------------------------
// Clientside callbacks (the Python twin uses byte-identical JavaScript)

clientside_callback! {
    output = Output("upper", "children"),
    inputs = [Input("text", "value")],
    js = "function(value) { return (value || '').toUpperCase(); }",
}

clientside_callback! {
    output = Output("lower", "children"),
    inputs = [Input("text", "value")],
    namespace = "text",
    function = "lower",
}

// ---------------------------------------------------------------------------------------
// set_props: without outputs, and beside outputs

#[callback(inputs = [Input("ping", "n_clicks")], prevent_initial_call = true)]
fn ping(n_clicks: Option<u64>) {
    let n = n_clicks.unwrap_or(0);
    if n % 2 == 1 {
        set_props("ping-out", json!({"children": format!("ping {n}")}));
    }
}

#[callback(output = Output("side-main", "children"), inputs = [Input("side-in", "value")])]
fn side(value: Option<String>) -> String {
    let value = value.unwrap_or_default();
    set_props("side-note", json!({"children": format!("note {value}")}));
    // A second call for the same id merges; a pattern id is stringified like Dash does.
    set_props("side-note", json!({"title": value}));
    set_props(
        indexed("label", 0),
        json!({"title": format!("side {value}")}),
    );
    format!("main {value}")
}

/// `PreventUpdate` after `set_props`: nothing is sent, the side updates included.
#[callback(output = Output("guard-out", "children"), inputs = [Input("guard-in", "value")])]
fn guard(value: Option<String>) -> Result<String, PreventUpdate> {
    set_props("guard-note", json!({"children": "guard ran"}));
    match value {
        Some(v) if v != "stop" => Ok(format!("guarded {v}")),
        _ => Err(PreventUpdate),
    }
}

/// The callback context: which pattern-matched button fired.
#[callback(
    output = Output("which", "data"),
    inputs = [Input({"type": "pick", "index": ALL}, "n_clicks")],
)]
fn which(clicks: Vec<Option<u64>>) -> Value {
    let triggered = callback_context().and_then(|ctx| ctx.triggered_id());
    json!({"triggered_id": triggered, "buttons": clicks.len()})
}

// ---------------------------------------------------------------------------------------
// Patch: every operation

#[callback(
    output = [Output("patch-store", "data"), Output("patch-list", "children")],
    inputs = [Input("patch-btn", "n_clicks")],
    prevent_initial_call = true,
)]
fn patch_all(n_clicks: Option<i64>) -> (Patch, Patch) {
    let n = n_clicks.unwrap_or(0);
    let mut data = Patch::new();
    data.at("count").add(n).sub(1).mul(2).div(4);
    data.at("label").add("!");
    data.at("meta").merge(json!({"clicks": n}));
    data.at("meta").at("last").assign(n);
    data.at("items")
        .append(n)
        .prepend(-n)
        .insert(1, "inserted")
        .extend(json!([n, n + 1]))
        .remove(n + 1)
        .reverse();
    data.at("items").at(-1).assign("last");
    data.delete("obsolete");
    data.at("trash").clear();

    let mut items = Patch::new();
    items.append(html::li(format!("item {n}")));
    items.prepend(html::li("first"));
    items.insert(1, html::li("second"));
    items.extend(vec![html::li("x"), html::li("y")]);
    items.remove(html::li("x"));
    items.delete(0);
    items.at(0).assign(html::li("replaced"));
    items.reverse();
    (data, items)
}

// ---------------------------------------------------------------------------------------
// allow_duplicate: two callbacks write items.children

#[callback(
    output = Output("items", "children"),
    inputs = [Input("add-item", "n_clicks")],
    prevent_initial_call = true,
)]
fn add_item(n_clicks: Option<u64>) -> Result<Patch, PreventUpdate> {
    let n = n_clicks.ok_or(PreventUpdate)?;
    let mut patch = Patch::new();
    patch.append(html::li(format!("item {n}")));
    patch.at(0).at("props").at("children").add("!");
    Ok(patch)
}

#[callback(
    output = Output("items", "children", allow_duplicate = true),
    inputs = [Input("clear-items", "n_clicks")],
    prevent_initial_call = true,
)]
fn clear_items(_n_clicks: Option<u64>) -> Patch {
    let mut patch = Patch::new();
    patch.clear();
    patch
}

// ---------------------------------------------------------------------------------------
// on_error per callback

/// The error's own message (a panic's payload, a returned error's text), as `str(err)` gives
/// it in Python.
fn message(err: &CallbackError) -> String {
    match err {
        CallbackError::User(m) | CallbackError::Panic(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Reports the error beside the output and shows "failed".
fn fallback(err: &CallbackError) -> String {
    set_props(
        "error-log",
        json!({"children": format!("error: {}", message(err))}),
    );
    "failed".to_owned()
}

/// Reports the error and leaves the output unchanged.
fn quietly(err: &CallbackError) -> Update<String> {
    set_props(
        "error-log",
        json!({"children": format!("quiet: {}", message(err))}),
    );
    Update::NoUpdate
}

#[callback(
    output = Output("risky", "children"),
    inputs = [Input("risky-in", "value")],
    on_error = fallback,
)]
fn risky(value: Option<String>) -> Result<String, CallbackError> {
    match value.as_deref() {
        Some("panic") => panic!("risky panicked"),
        Some("err") => Err(CallbackError::new("risky failed")),
        // Not an error: on_error is not called, the answer is 204.
        Some("stop") => Err(PreventUpdate.into()),
        other => Ok(format!("ok {}", other.unwrap_or_default())),
    }
}

#[callback(
    output = Output("quiet", "children"),
    inputs = [Input("quiet-in", "value")],
    on_error = quietly,
    prevent_initial_call = true,
)]
fn quiet(value: Option<String>) -> Result<Update<String>, String> {
    match value.as_deref() {
        Some("err") => Err("quiet failed".to_owned()),
        other => Ok(Update::Value(format!("ok {}", other.unwrap_or_default()))),
    }
}

// ---------------------------------------------------------------------------------------
// Layout

fn section(title: &str, children: impl IntoChildren) -> html::Div {
    html::div((html::h3(title.to_owned()), html::div(children)))
}

fn layout() -> html::Div {
    let done = |index: u64| {
        html::div((
            dcc::Checklist::new()
                .id(indexed("done", index))
                .options(json!([{"label": "", "value": "done"}]))
                .value(Vec::<String>::new()),
            html::span(format!("task {index}")).id(indexed("label", index)),
        ))
    };
    let number = |index: u64| {
        html::div((
            dcc::Input::new()
                .id(indexed("num", index))
                .r#type("number")
                .value(index + 1),
            html::Div::new().id(indexed("cum", index)),
        ))
    };
    let echo = |index: u64| {
        html::div((
            dcc::Input::new().id(indexed("in", index)).value(""),
            html::Div::new().id(indexed("out", index)),
        ))
    };
    let sections = [
        section(
            "Named arguments",
            (
                dcc::Input::new().id("first").value("Ada"),
                dcc::Input::new().id("last").value("Lovelace"),
                dcc::Input::new().id("sep").value(" "),
                html::Div::new().id("full"),
                html::Div::new().id("initials"),
            ),
        ),
        section(
            "Grouped input and trigger",
            (
                dcc::Input::new().id("x").r#type("number").value(1),
                dcc::Input::new().id("y").r#type("number").value(2),
                html::button("Go").id("go").n_clicks(0),
                html::Div::new().id("sum"),
            ),
        ),
        section(
            "Pattern matching",
            (
                html::div(vec![done(0), done(1), done(2)]),
                html::div(vec![number(0), number(1), number(2)]),
                html::div(vec![echo(0), echo(1)]),
                html::div(vec![
                    html::button("Pick 0").id(indexed("pick", 0)).n_clicks(0),
                    html::button("Pick 1").id(indexed("pick", 1)).n_clicks(0),
                ]),
                dcc::Store::new().id("which"),
                html::button("Count").id("count-btn").n_clicks(0),
                html::Div::new().id("filled"),
            ),
        ),
        section(
            "Running",
            (
                html::button("Run").id("run").n_clicks(0),
                html::Div::new().id("slow"),
            ),
        ),
        section(
            "Clientside",
            (
                dcc::Input::new().id("text").value("Hello"),
                html::Div::new().id("upper"),
                html::Div::new().id("lower"),
            ),
        ),
        section(
            "set_props",
            (
                html::button("Ping").id("ping").n_clicks(0),
                html::Div::new().id("ping-out"),
                dcc::Input::new().id("side-in").value("a"),
                html::Div::new().id("side-main"),
                html::Div::new().id("side-note"),
                dcc::Input::new().id("guard-in").value("go"),
                html::Div::new().id("guard-out"),
                html::Div::new().id("guard-note"),
            ),
        ),
        section(
            "Patch",
            (
                html::button("Patch").id("patch-btn").n_clicks(0),
                dcc::Store::new().id("patch-store").data(json!({
                    "count": 1,
                    "label": "x",
                    "meta": {},
                    "items": [],
                    "obsolete": true,
                    "trash": [1, 2],
                })),
                html::ul(vec![html::li("a")]).id("patch-list"),
            ),
        ),
        section(
            "allow_duplicate",
            (
                html::button("Add").id("add-item").n_clicks(0),
                html::button("Clear").id("clear-items").n_clicks(0),
                html::ul(Vec::<Component>::new()).id("items"),
            ),
        ),
        section(
            "on_error",
            (
                dcc::Input::new().id("risky-in").value("fine"),
                html::Div::new().id("risky"),
                dcc::Input::new().id("quiet-in").value(""),
                html::Div::new().id("quiet"),
                html::Div::new().id("error-log"),
            ),
        ),
    ];
    let mut children = vec![html::h1("Callback features").into_component()];
    children.extend(sections.map(IntoComponent::into_component));
    html::div(children)
}

fn main() -> Result<(), dash_runtime::Error> {
    Dash::new()
        .title("Features")
        .assets_folder(concat!(env!("CARGO_MANIFEST_DIR"), "/assets"))
        .layout(layout())
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_outputs_skip_missing_initials() {
        let names = names(
            None,
            Form {
                first: Some("Ada".into()),
                last: None,
            },
        );
        assert_eq!(names.full, "Ada ");
        assert_eq!(names.initials, Update::NoUpdate);
    }

    #[test]
    fn pattern_callbacks() {
        assert_eq!(running_total(Some(3), vec![Some(1), None, Some(2)]), 6);
        assert_eq!(
            echo_all(vec![Some("a".into()), None]),
            vec![Update::Value("a".to_owned()), Update::NoUpdate]
        );
        assert_eq!(
            filled(None, vec![Some("a".into()), Some(String::new())]),
            "1 of 2 filled"
        );
    }

    #[test]
    fn patch_uses_every_operation() {
        let (data, items) = patch_all(Some(2));
        let ops = |p: &Patch| -> Vec<String> {
            serde_json::to_value(p).expect("json")["operations"]
                .as_array()
                .expect("ops")
                .iter()
                .map(|o| o["operation"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let mut all = ops(&data);
        all.extend(ops(&items));
        for op in [
            "Assign", "Merge", "Extend", "Delete", "Insert", "Append", "Prepend", "Add", "Sub",
            "Mul", "Div", "Clear", "Reverse", "Remove",
        ] {
            assert!(all.iter().any(|o| o == op), "{op} missing from {all:?}");
        }
    }
}
