//! The frames of `_dash-ws-callback`, both directions (the renderer's SharedWorker speaks
//! them; see `docs/realtime-protocol.md` §3).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A frame from the browser.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Incoming {
    /// A callback call: `payload` is the body the HTTP route would get.
    CallbackRequest {
        #[serde(rename = "rendererId", default)]
        renderer_id: String,
        #[serde(rename = "requestId", default)]
        request_id: Option<Value>,
        payload: Value,
    },
    /// The answer to a [`Outgoing::GetPropsRequest`].
    GetPropsResponse {
        #[serde(rename = "requestId")]
        request_id: String,
        #[serde(default)]
        payload: Map<String, Value>,
    },
    /// The worker's keep-alive.
    Heartbeat,
}

/// What a frame that is not an [`Incoming`] is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FrameProblem {
    /// Not JSON at all.
    NotJson(String),
    /// JSON, but not an object with a `type`.
    NoType,
    /// A `type` this server does not speak (ignored, like Dash does).
    UnknownType(String),
    /// A known `type` with missing or mistyped fields.
    Malformed(String),
}

impl std::fmt::Display for FrameProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameProblem::NotJson(e) => write!(f, "the frame is not JSON: {e}"),
            FrameProblem::NoType => f.write_str("the frame is not a JSON object with a `type`"),
            FrameProblem::UnknownType(t) => write!(f, "unknown message type `{t}`"),
            FrameProblem::Malformed(e) => write!(f, "malformed message: {e}"),
        }
    }
}

/// The three message types this server reads.
const KNOWN: &[&str] = &["callback_request", "get_props_response", "heartbeat"];

/// Parse one text frame.
pub(crate) fn parse(text: &str) -> Result<Incoming, FrameProblem> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| FrameProblem::NotJson(e.to_string()))?;
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .ok_or(FrameProblem::NoType)?;
    if !KNOWN.contains(&kind) {
        return Err(FrameProblem::UnknownType(kind.to_owned()));
    }
    serde_json::from_value(value).map_err(|e| FrameProblem::Malformed(e.to_string()))
}

/// The `rendererId` of a frame that failed to parse, when it has one (to address the error).
pub(crate) fn renderer_of(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("rendererId")?.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A frame to the browser.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Outgoing<'a> {
    /// The answer to a [`Incoming::CallbackRequest`].
    CallbackResponse {
        #[serde(rename = "rendererId")]
        renderer_id: &'a str,
        #[serde(rename = "requestId")]
        request_id: &'a Value,
        payload: CallbackOutcome,
    },
    /// One property of one component, pushed while a callback runs.
    SetProps {
        #[serde(rename = "rendererId")]
        renderer_id: &'a str,
        payload: SetPropsPayload<'a>,
    },
    /// Ask the page for a property's current value.
    GetPropsRequest {
        #[serde(rename = "rendererId")]
        renderer_id: &'a str,
        #[serde(rename = "requestId")]
        request_id: &'a str,
        payload: GetPropsPayload<'a>,
    },
    /// The answer to a heartbeat.
    HeartbeatAck,
    /// A frame that could not be served (the connection stays open).
    Error {
        #[serde(rename = "rendererId")]
        renderer_id: &'a str,
        payload: ErrorPayload,
    },
}

impl Outgoing<'_> {
    /// The frame's text.
    pub(crate) fn to_text(&self) -> String {
        // Every field is a string, a JSON value or a map of them: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// `set_props` payload: `componentId` is the stringified id (`{"index":1,"type":"cell"}`
/// for a dict id, as in `sideUpdate`).
#[derive(Debug, Serialize)]
pub(crate) struct SetPropsPayload<'a> {
    #[serde(rename = "componentId")]
    pub component_id: &'a str,
    pub props: Map<String, Value>,
}

/// `get_props_request` payload.
#[derive(Debug, Serialize)]
pub(crate) struct GetPropsPayload<'a> {
    #[serde(rename = "componentId")]
    pub component_id: &'a str,
    pub properties: [&'a str; 1],
}

/// `error` payload.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorPayload {
    pub message: String,
    pub code: u16,
}

/// How a call ended, as the renderer reads it.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub(crate) enum CallbackOutcome {
    /// The outputs: exactly the JSON body the HTTP route would answer.
    Ok { data: Value },
    /// Nothing to update (`PreventUpdate`, or a no-output callback).
    PreventUpdate,
    /// The call failed; the renderer shows `message` as a callback error.
    Error { message: String },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_three_frame_types_the_worker_sends() {
        let call = parse(
            r#"{"type":"callback_request","rendererId":"r","requestId":"r-1","payload":{"output":"out.children"}}"#,
        );
        assert!(matches!(
            call,
            Ok(Incoming::CallbackRequest { ref renderer_id, request_id: Some(ref id), .. })
                if renderer_id == "r" && id == "r-1"
        ));
        let props = parse(
            r#"{"type":"get_props_response","rendererId":"r","requestId":"g1","payload":{"value":"Ada"}}"#,
        );
        assert!(matches!(
            props,
            Ok(Incoming::GetPropsResponse { ref request_id, ref payload })
                if request_id == "g1" && payload["value"] == "Ada"
        ));
        assert!(matches!(
            parse(r#"{"type":"heartbeat"}"#),
            Ok(Incoming::Heartbeat)
        ));
    }

    #[test]
    fn names_what_is_wrong_with_a_bad_frame() {
        assert!(matches!(parse("{nope"), Err(FrameProblem::NotJson(_))));
        assert_eq!(parse("[1,2]").unwrap_err(), FrameProblem::NoType);
        assert_eq!(
            parse(r#"{"type":"bogus"}"#).unwrap_err(),
            FrameProblem::UnknownType("bogus".into())
        );
        assert!(matches!(
            parse(r#"{"type":"callback_request","rendererId":"r"}"#),
            Err(FrameProblem::Malformed(_))
        ));
        assert_eq!(renderer_of(r#"{"type":"x","rendererId":"r9"}"#), "r9");
        assert_eq!(renderer_of("{nope"), "");
    }

    #[test]
    fn writes_frames_in_the_shapes_the_renderer_reads() {
        let id = json!("r-1");
        let ok = Outgoing::CallbackResponse {
            renderer_id: "r",
            request_id: &id,
            payload: CallbackOutcome::Ok {
                data: json!({"multi": true, "response": {"out": {"children": "hi"}}}),
            },
        };
        assert_eq!(
            serde_json::to_value(&ok).unwrap(),
            json!({"type": "callback_response", "rendererId": "r", "requestId": "r-1",
                   "payload": {"status": "ok", "data": {"multi": true, "response": {"out": {"children": "hi"}}}}})
        );
        let prevented = Outgoing::CallbackResponse {
            renderer_id: "r",
            request_id: &id,
            payload: CallbackOutcome::PreventUpdate,
        };
        assert_eq!(
            serde_json::to_value(&prevented).unwrap()["payload"],
            json!({"status": "prevent_update"})
        );
        let mut props = Map::new();
        props.insert("children".into(), json!("tick 1"));
        let push = Outgoing::SetProps {
            renderer_id: "r",
            payload: SetPropsPayload {
                component_id: "ticker",
                props,
            },
        };
        assert_eq!(
            push.to_text(),
            r#"{"type":"set_props","rendererId":"r","payload":{"componentId":"ticker","props":{"children":"tick 1"}}}"#
        );
        let ask = Outgoing::GetPropsRequest {
            renderer_id: "r",
            request_id: "g1",
            payload: GetPropsPayload {
                component_id: "name",
                properties: ["value"],
            },
        };
        assert_eq!(
            serde_json::to_value(&ask).unwrap(),
            json!({"type": "get_props_request", "rendererId": "r", "requestId": "g1",
                   "payload": {"componentId": "name", "properties": ["value"]}})
        );
        assert_eq!(
            Outgoing::HeartbeatAck.to_text(),
            r#"{"type":"heartbeat_ack"}"#
        );
    }
}
