//! Tests of the generated builders against the JSON Python Dash 4.4.1 produces.

use serde_json::{json, Value};

use super::generated::{known_props, CHILDREN_PROPS};
use super::{children_props, dash_table, dcc, html, Component, IntoChildren};

fn to_json(c: impl serde::Serialize) -> Value {
    serde_json::to_value(c).expect("components always serialise")
}

/// `json!` from the exact text Python Dash printed (`json.dumps(component, cls=PlotlyJSONEncoder)`).
fn python(text: &str) -> Value {
    serde_json::from_str(text).expect("valid test fixture")
}

#[test]
fn components_html_div_with_id_has_null_children() {
    assert_eq!(
        to_json(html::Div::new().id("x")),
        python(
            r#"{"props":{"children":null,"id":"x"},"type":"Div","namespace":"dash_html_components"}"#
        )
    );
    assert_eq!(html::Div::default(), html::Div::new());
}

#[test]
fn components_dcc_input_value_and_type() {
    assert_eq!(
        to_json(dcc::Input::new().id("name").value("world").r#type("text")),
        python(
            r#"{"props":{"value":"world","type":"text","id":"name"},"type":"Input","namespace":"dash_core_components"}"#
        )
    );
    assert_eq!(
        to_json(
            dcc::Input::new()
                .id("n")
                .value(3)
                .r#type("number")
                .debounce(true)
                .min(0)
                .max(10.5)
        ),
        python(
            r#"{"props":{"value":3,"type":"number","debounce":true,"min":0,"max":10.5,"id":"n"},"type":"Input","namespace":"dash_core_components"}"#
        )
    );
}

#[test]
fn components_dcc_checklist_options() {
    let checklist = dcc::Checklist::new()
        .id("c")
        .options(json!([
            {"label": "New York", "value": "NYC"},
            {"label": "Montreal", "value": "MTL"}
        ]))
        .value(["NYC"])
        .inline(true);
    assert_eq!(
        to_json(checklist),
        python(
            r#"{"props":{"options":[{"label":"New York","value":"NYC"},{"label":"Montreal","value":"MTL"}],"value":["NYC"],"inline":true,"id":"c"},"type":"Checklist","namespace":"dash_core_components"}"#
        )
    );
}

#[test]
fn components_datatable_columns_and_data() {
    #[derive(serde::Serialize)]
    struct Row {
        a: i32,
        b: &'static str,
    }
    let table = dash_table::DataTable::new()
        .id("t")
        .columns(json!([{"name": "A", "id": "a"}, {"name": "B", "id": "b"}]))
        .data(vec![Row { a: 1, b: "x" }, Row { a: 2, b: "y" }])
        .page_size(10);
    assert_eq!(
        to_json(table),
        python(
            r#"{"props":{"data":[{"a":1,"b":"x"},{"a":2,"b":"y"}],"columns":[{"name":"A","id":"a"},{"name":"B","id":"b"}],"page_size":10,"id":"t"},"type":"DataTable","namespace":"dash_table"}"#
        )
    );
}

#[test]
fn components_children_from_tuples_and_shortcuts() {
    let div = html::div(("Total: ", 3, html::b("bold")))
        .id("k")
        .class_name("row");
    assert_eq!(
        to_json(div),
        python(
            r#"{"props":{"children":["Total: ",3,{"props":{"children":"bold"},"type":"B","namespace":"dash_html_components"}],"id":"k","className":"row"},"type":"Div","namespace":"dash_html_components"}"#
        )
    );
}

#[test]
fn components_children_like_props_take_components() {
    let tab = dcc::Tab::new()
        .label(html::span("L"))
        .value("t1")
        .children(html::p("body"));
    assert_eq!(
        to_json(tab),
        python(
            r#"{"props":{"children":{"props":{"children":"body"},"type":"P","namespace":"dash_html_components"},"label":{"props":{"children":"L"},"type":"Span","namespace":"dash_html_components"},"value":"t1"},"type":"Tab","namespace":"dash_core_components"}"#
        )
    );
    // A plain string is fine too.
    assert_eq!(
        to_json(dcc::Tab::new().label("Tab one"))["props"]["label"],
        "Tab one"
    );
}

#[test]
fn components_numbers_bools_wildcards_keywords() {
    let button = html::button("Go")
        .id("btn")
        .n_clicks(0)
        .disabled(false)
        .prop("data-x", "1");
    assert_eq!(
        to_json(button),
        python(
            r#"{"props":{"children":"Go","id":"btn","disabled":false,"n_clicks":0,"data-x":"1"},"type":"Button","namespace":"dash_html_components"}"#
        )
    );
    assert_eq!(
        to_json(html::Script::new().r#async(true).src("a.js")),
        python(
            r#"{"props":{"children":null,"async":true,"src":"a.js"},"type":"Script","namespace":"dash_html_components"}"#
        )
    );
    // `default` would shadow `Default::default`, so the method gets a trailing underscore.
    assert_eq!(
        to_json(html::Track::new().default_(true))["props"]["default"],
        true
    );
}

#[test]
fn components_dict_ids_and_objects() {
    assert_eq!(
        to_json(
            html::Div::new()
                .id(json!({"type": "card", "index": 1}))
                .style(json!({"color": "red"}))
        ),
        python(
            r#"{"props":{"children":null,"id":{"type":"card","index":1},"style":{"color":"red"}},"type":"Div","namespace":"dash_html_components"}"#
        )
    );
}

#[test]
fn components_builders_convert_into_component() {
    let c: Component = dcc::Store::new().id("s").data(json!({"n": 1})).into();
    assert_eq!(c.namespace(), "dash_core_components");
    assert_eq!(c.type_name(), "Store");
    assert_eq!(c.get("data"), Some(&json!({"n": 1})));
    let kids = vec![html::li("a"), html::li("b")]
        .into_children()
        .into_value();
    assert_eq!(kids.as_array().map(Vec::len), Some(2));
}

#[test]
fn components_children_props_match_python_dash() {
    let props = children_props();
    let obj = props.as_object().expect("an object");
    let expected_counts = [
        ("dash_html_components", 125),
        ("dash_core_components", 26),
        ("dash_table", 1),
    ];
    assert_eq!(obj.len(), expected_counts.len());
    // What Python Dash 4.4.1 sends: these three lists, every other one empty.
    let non_empty = [
        (
            "dash_core_components",
            "Clipboard",
            json!(["copied_children"]),
        ),
        ("dash_core_components", "Loading", json!(["custom_spinner"])),
        ("dash_core_components", "Tab", json!(["label"])),
    ];
    for (namespace, count) in expected_counts {
        let types = obj[namespace].as_object().expect("an object per namespace");
        assert_eq!(types.len(), count, "{namespace}");
        for (type_name, paths) in types {
            let want = non_empty
                .iter()
                .find(|(ns, ty, _)| *ns == namespace && ty == type_name)
                .map_or(json!([]), |(_, _, paths)| paths.clone());
            assert_eq!(paths, &want, "{namespace}.{type_name}");
        }
    }
    assert_eq!(props["dash_html_components"]["Div"], json!([]));
    assert_eq!(props["dash_table"]["DataTable"], json!([]));
    assert_eq!(CHILDREN_PROPS.len(), 3);
    assert_eq!(dcc::Tab::CHILDREN_PROPS, &["label"]);
}

#[test]
fn components_known_props() {
    let (props, wildcards) = known_props("dash_html_components", "Div").expect("html.Div is known");
    assert!(props.contains(&"className") && props.contains(&"n_clicks"));
    assert!(props.contains(&"children") && props.contains(&"id"));
    assert!(!props.contains(&"setProps") && !props.contains(&"data-*"));
    assert_eq!(wildcards, &["data-", "aria-"]);
    assert_eq!(props, html::Div::PROPS);

    let (props, wildcards) =
        known_props("dash_core_components", "Input").expect("dcc.Input is known");
    assert!(props.contains(&"value") && props.contains(&"type") && props.contains(&"debounce"));
    assert!(wildcards.is_empty());

    let (props, _) = known_props("dash_table", "DataTable").expect("DataTable is known");
    assert!(props.contains(&"columns") && props.contains(&"loading_state"));

    assert_eq!(known_props("dash_html_components", "Nope"), None);
    assert_eq!(known_props("dash_leaflet", "Map"), None);
    assert_eq!(html::MapEl::TYPE, "MapEl");
    assert_eq!(html::Div::NAMESPACE, html::NAMESPACE);
}
