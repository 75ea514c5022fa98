use dash_runtime::prelude::*;

#[callback(output = Output("out", "children"), inputs = [Input("in", "value")])]
fn single(value: Option<String>) -> String {
    value.unwrap_or_default()
}

#[callback(
    output = [Output("a", "children"), Output("b", "children")],
    inputs = [Input("in", "value")],
    state = [State("store", "data")],
    prevent_initial_call = true,
)]
fn multi(value: Option<f64>, _store: serde_json::Value) -> Result<(Update<f64>, String), PreventUpdate> {
    let v = value.ok_or(PreventUpdate)?;
    Ok((Update::Value(v * 2.0), v.to_string()))
}

#[callback(output = Output("out2", "children"), inputs = [Input("in", "value")])]
async fn asynchronous(value: Option<String>) -> Result<Component, std::io::Error> {
    Ok(html::span(value.unwrap_or_default()).into())
}

#[callback(inputs = [Input("btn", "n_clicks")])]
fn no_outputs(_n: Option<u32>) {
    set_props("status", serde_json::json!({"children": "clicked"}));
}

#[callback(
    output = Output({"type": "label", "index": MATCH}, "style"),
    inputs = [Input({"type": "done", "index": MATCH}, "value")],
)]
fn pattern(values: Vec<String>) -> serde_json::Value {
    serde_json::json!({ "done": !values.is_empty() })
}

fn main() {
    assert_eq!(single(Some("x".into())), "x");
    assert_eq!(multi(None, serde_json::Value::Null), Err(PreventUpdate));
    no_outputs(None);
    let _ = pattern(vec![]);
}
