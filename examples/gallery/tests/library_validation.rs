//! Startup validation and typed ids with components of a linked library
//! (dash-bootstrap-components): its property tables reach `#[callback]` at compile time and
//! the startup report at run time, exactly like html/dcc.

use dash_bootstrap_components as dbc;
use dash_runtime::callback::CallbackSpec;
use dash_runtime::prelude::*;
use dash_runtime::registry::Registry;
use dash_runtime::validation::{validate, Layouts, Problem, ValidationOptions};

/// `n_clicks` is checked against `dbc.Button`'s properties when this compiles.
const SAVE: TypedId<dbc::Button> = TypedId::new("save");

#[callback(output = Output("alert", "children"), inputs = [Input(SAVE, "n_clicks")])]
fn saved(n: Option<u64>) -> String {
    format!("Saved {} times", n.unwrap_or(0))
}

#[callback(output = Output("alert", "children"), inputs = [Input("save", "n_click")])]
fn saved_typo(n: Option<u64>) -> String {
    format!("{n:?}")
}

fn spec(name: &str) -> &'static CallbackSpec {
    dash_runtime::__private::inventory::iter::<CallbackSpec>()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no callback named {name}"))
}

fn layout() -> serde_json::Value {
    let layout: Component = html::div((
        dbc::button("Save").id("save"),
        dbc::alert("Not saved yet").id("alert"),
    ))
    .into();
    serde_json::to_value(layout).expect("a layout serialises")
}

#[test]
fn a_library_component_property_is_checked_at_startup() {
    let layout = layout();
    let layouts = Layouts::new().add("app layout", &layout);
    let ok = Registry::from_specs(vec![spec("saved")], false);
    let result = validate(&ok, &layouts, &ValidationOptions::default());
    assert!(
        result.is_ok(),
        "{}",
        result.err().map(|r| r.to_string()).unwrap_or_default()
    );

    let typo = Registry::from_specs(vec![spec("saved_typo")], false);
    let report = validate(&typo, &layouts, &ValidationOptions::default())
        .expect_err("n_click is not a dbc.Button property");
    let text = report.to_string();
    println!("{text}");
    assert!(
        matches!(
            report.problems.as_slice(),
            [Problem::UnknownProperty {
                property: "n_click",
                suggestion: Some("n_clicks"),
                ..
            }]
        ),
        "{text}"
    );
    assert!(
        text.contains("dash_bootstrap_components.Button has no property `n_click`"),
        "{text}"
    );
    // The report points at the callback's own file and line.
    let at = spec("saved_typo").location();
    assert!(text.contains(&at), "{at} not in {text}");
}
