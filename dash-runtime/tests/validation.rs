//! Start-up validation of callbacks declared with `#[callback]` against a layout built with
//! the typed components.

use dash_runtime::callback::CallbackSpec;
use dash_runtime::prelude::*;
use dash_runtime::registry::Registry;
use dash_runtime::validation::{validate, Layouts, Problem, ValidationOptions};
use serde_json::Value;

#[callback(output = Output("greeting", "children"), inputs = [Input("name", "value")])]
fn greet(name: Option<String>) -> String {
    format!("Hello, {}!", name.unwrap_or_default())
}

#[callback(output = Output("greeting", "children"), inputs = [Input("name", "valu")])]
fn greet_typo(name: Option<String>) -> String {
    name.unwrap_or_default()
}

#[callback(output = Output("status", "children"), inputs = [Input("nowhere", "n_clicks")])]
fn missing_input(n: Option<u32>) -> String {
    format!("{n:?}")
}

#[callback(output = Output("celsius", "value"), inputs = [Input("fahrenheit", "value")])]
fn to_celsius(f: Option<f64>) -> Option<f64> {
    f.map(|f| (f - 32.0) * 5.0 / 9.0)
}

#[callback(output = Output("fahrenheit", "value"), inputs = [Input("celsius", "value")])]
fn to_fahrenheit(c: Option<f64>) -> Option<f64> {
    c.map(|c| c * 9.0 / 5.0 + 32.0)
}

#[callback(
    output = Output("total", "children"),
    inputs = [Input({"type": "amount", "index": ALLSMALLER}, "value")],
)]
fn running_total(values: Vec<Option<f64>>) -> f64 {
    values.into_iter().flatten().sum()
}

#[callback(
    output = Output({"type": "label", "index": MATCH}, "children"),
    inputs = [Input({"type": "amount", "index": MATCH}, "value")],
)]
fn label(value: Option<f64>) -> String {
    format!("{value:?}")
}

/// The declared callbacks with these names, in this order.
fn specs(names: &[&str]) -> Vec<&'static CallbackSpec> {
    names
        .iter()
        .map(|name| {
            dash_runtime::__private::inventory::iter::<CallbackSpec>()
                .find(|s| s.name == *name)
                .unwrap_or_else(|| panic!("no callback named {name}"))
        })
        .collect()
}

/// The app layout; `extra` is added at the end.
fn layout(extra: Vec<Component>) -> Value {
    let layout: Component = html::div((
        dcc::Input::new().id("name").value("world"),
        html::Div::new().id("greeting"),
        html::Div::new().id("status"),
        dcc::Input::new().id("celsius"),
        dcc::Input::new().id("fahrenheit"),
        html::Div::new().id("total"),
        html::Div::new().children(extra),
    ))
    .into();
    serde_json::to_value(layout).expect("a layout serialises")
}

fn location(name: &str) -> String {
    let spec = specs(&[name])[0];
    format!("{name} ({})", spec.location())
}

#[test]
fn validation_accepts_a_valid_app() {
    let registry = Registry::from_specs(specs(&["greet", "label"]), false);
    let layout = layout(Vec::new());
    let options = ValidationOptions {
        allow_missing_ids: vec!["label".into(), "amount".into()],
        ..Default::default()
    };
    let result = validate(
        &registry,
        &Layouts::new().add("app layout", &layout),
        &options,
    );
    assert!(
        result.is_ok(),
        "{}",
        result.err().map(|r| r.to_string()).unwrap_or_default()
    );
}

#[test]
fn validation_reports_every_problem_with_its_location() {
    let registry = Registry::from_specs(
        specs(&[
            "greet",
            "greet_typo",
            "missing_input",
            "to_celsius",
            "to_fahrenheit",
            "running_total",
        ]),
        false,
    );
    let layout = layout(vec![html::Div::new().id("status").into()]);
    let report = validate(
        &registry,
        &Layouts::new().add("app layout", &layout),
        &ValidationOptions::default(),
    )
    .expect_err("the app has problems");
    let kinds: Vec<&str> = report.problems.iter().map(Problem::title).collect();
    assert_eq!(
        kinds,
        vec![
            "`Input` / `State` wildcards not in `Output`s",
            "Duplicate callback",
            "Circular Dependencies",
            "Duplicate component id",
            "Invalid prop for this component",
            "ID not found in layout",
        ],
        "{report}"
    );
    let text = report.to_string();
    println!("{text}");
    for name in [
        "greet",
        "greet_typo",
        "missing_input",
        "to_celsius",
        "to_fahrenheit",
        "running_total",
    ] {
        assert!(
            text.contains(&location(name)),
            "{name} missing from:\n{text}"
        );
    }
    assert!(
        text.contains("dcc.Input has no property `valu`; did you mean `value`?"),
        "{text}"
    );
    assert!(text.contains("the id `nowhere`"), "{text}");
    assert!(
        text.contains("the id `status` is given to 2 components"),
        "{text}"
    );
    assert!(text.starts_with("found 6 problems"), "{text}");
}
