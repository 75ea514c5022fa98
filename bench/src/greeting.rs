//! The one request every target is measured with: the `hello` app's greeting callback, as
//! dash-renderer sends it when the user has typed a name.

use serde::Deserialize;
use serde_json::{json, Value};

/// The name carried by the benchmark request.
pub const NAME: &str = "bench";

/// The body of `POST /_dash-update-component` for the greeting callback.
pub fn request_body() -> Value {
    json!({
        "output": "greeting.children",
        "outputs": {"id": "greeting", "property": "children"},
        "inputs": [{"id": "name", "property": "value", "value": NAME}],
        "changedPropIds": ["name.value"],
        "parsedChangedPropsIds": ["name.value"],
    })
}

/// The answer every target must give to [`request_body`].
pub fn expected_response() -> Value {
    json!({"multi": true, "response": {"greeting": {"children": format!("Hello, {NAME}!")}}})
}

/// The parts of a callback request the bare handler reads.
#[derive(Debug, Deserialize)]
pub struct CallbackRequest {
    /// The output descriptor, e.g. `greeting.children`.
    pub output: String,
    /// The resolved output target (an object for a single-output callback).
    #[serde(default)]
    pub outputs: Value,
    /// The callback's inputs, in declaration order.
    pub inputs: Vec<InputValue>,
}

/// One input of a callback request.
#[derive(Debug, Deserialize)]
pub struct InputValue {
    /// Component id.
    pub id: Value,
    /// Property name.
    pub property: String,
    /// Current value; absent or `null` when the prop is undefined.
    #[serde(default)]
    pub value: Option<Value>,
}

/// What the greeting callback answers for `request`: the same JSON as `hello` builds.
///
/// Returns `None` when the request is not for the greeting callback.
pub fn respond(request: &CallbackRequest) -> Option<Value> {
    let targets_greeting = request.outputs.get("id").and_then(Value::as_str) == Some("greeting")
        && request.outputs.get("property").and_then(Value::as_str) == Some("children");
    if request.output != "greeting.children" || !targets_greeting {
        return None;
    }
    let name = request
        .inputs
        .first()
        .filter(|input| input.id.as_str() == Some("name") && input.property == "value")
        .and_then(|input| input.value.as_ref())
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
        .unwrap_or("stranger");
    Some(json!({
        "multi": true,
        "response": {"greeting": {"children": format!("Hello, {name}!")}},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_answer_matches_expected() {
        let request: CallbackRequest =
            serde_json::from_value(request_body()).expect("request body parses");
        assert_eq!(respond(&request), Some(expected_response()));
    }

    #[test]
    fn empty_name_is_a_stranger() {
        let request: CallbackRequest = serde_json::from_value(json!({
            "output": "greeting.children",
            "outputs": {"id": "greeting", "property": "children"},
            "inputs": [{"id": "name", "property": "value", "value": ""}],
        }))
        .expect("request body parses");
        let answer = respond(&request).expect("greeting callback");
        assert_eq!(
            answer["response"]["greeting"]["children"],
            "Hello, stranger!"
        );
    }
}
