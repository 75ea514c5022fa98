use dash_runtime::prelude::*;

const NAME: TypedId<dcc::Input> = TypedId::new("name");
const GREETING: TypedId<html::Div> = TypedId::new("greeting");
const BUTTON: TypedId<html::Button> = TypedId::new("button");
const TICKER: TypedId<dcc::Interval> = TypedId::new("ticker");
const STORE: TypedId<dcc::Store> = TypedId::new("store");

// String and number parameters, a children output.
#[callback(
    output = Output(GREETING, "children"),
    inputs = [Input(NAME, "value"), Input(NAME, "n_submit")],
)]
fn greet(name: Option<String>, _submits: Option<u32>) -> String {
    format!("Hello, {}!", name.unwrap_or_default())
}

// Several outputs of different kinds, `Update`, state, a `Result`, a wildcard property.
#[callback(
    output = [
        Output(TICKER, "disabled"),
        Output(BUTTON, "children"),
        Output(GREETING, "className"),
        Output(GREETING, "data-clicks"),
    ],
    inputs = [Input(BUTTON, "n_clicks")],
    state = [State(STORE, "data")],
    prevent_initial_call = true,
)]
fn clicked(
    n: Option<i64>,
    _store: serde_json::Value,
) -> Result<(bool, (&'static str, html::B), Update<String>, i64), PreventUpdate> {
    let n = n.ok_or(PreventUpdate)?;
    Ok((n > 3, ("Clicked ", html::b(n.to_string())), no_update(), n))
}

// Components as children, async.
#[callback(output = Output(GREETING, "children"), inputs = [Input(TICKER, "n_intervals")], prevent_initial_call = true)]
async fn tick(n: Option<f64>) -> Vec<Component> {
    vec![html::span(n.unwrap_or_default()).into()]
}

// Typed and string ids mix.
#[callback(output = Output("plain", "children"), inputs = [Input(NAME, "value")])]
fn plain(value: serde_json::Value) -> serde_json::Value {
    value
}

fn main() {
    let layout = html::div((
        dcc::Input::new().id(NAME),
        html::Div::new().id(GREETING),
        html::Button::new().id(BUTTON),
        dcc::Interval::new().id(TICKER),
        dcc::Store::new().id(STORE),
    ));
    assert_eq!(
        serde_json::to_value(&layout).unwrap()["props"]["children"][0]["props"]["id"],
        "name"
    );
    assert_eq!(greet(Some("Dash".into()), None), "Hello, Dash!");
    assert!(clicked(Some(5), serde_json::Value::Null).is_ok());
    let _ = plain(serde_json::Value::Null);
    let _ = tick(None);
}
