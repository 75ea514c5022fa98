//! `POST _dash-update-component` response bodies.

use serde_json::{Map, Value};

use super::request::OutputTarget;
use crate::callback::is_no_update_marker;
use crate::callback::CallbackError;

/// The `{"multi": true, "sideUpdate": ..., "response": ...}` body of a successful update.
#[derive(Debug, Default)]
pub struct UpdateResponse {
    response: Map<String, Value>,
    side_update: Map<String, Value>,
    /// A background job's latest progress, sent with its result.
    progress: Option<Value>,
}

impl UpdateResponse {
    /// Place each output value at its target; `None` values are left out (no update).
    pub fn from_outputs(
        targets: &[OutputTarget],
        values: Vec<Option<Value>>,
    ) -> Result<Self, CallbackError> {
        if targets.len() != values.len() {
            return Err(CallbackError::Output(format!(
                "expected {} output values, got {}",
                targets.len(),
                values.len()
            )));
        }
        let mut out = UpdateResponse::default();
        for (target, value) in targets.iter().zip(values) {
            let Some(value) = value else { continue };
            match target {
                OutputTarget::One(id, prop) => out.set(id, prop, value),
                OutputTarget::Many(ids, prop) => {
                    let Value::Array(items) = value else {
                        return Err(CallbackError::Output(format!(
                            "an ALL output ({prop}) needs a list of {} values",
                            ids.len()
                        )));
                    };
                    if items.len() != ids.len() {
                        return Err(CallbackError::Output(format!(
                            "an ALL output ({prop}) matched {} components but got {} values",
                            ids.len(),
                            items.len()
                        )));
                    }
                    for (id, item) in ids.iter().zip(items) {
                        if !is_no_update_marker(&item) {
                            out.set(id, prop, item);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    fn set(&mut self, id: &str, prop: &str, value: Value) {
        if let Value::Object(props) = self
            .response
            .entry(id.to_owned())
            .or_insert_with(|| Value::Object(Map::new()))
        {
            props.insert(prop.to_owned(), value);
        }
    }

    /// Add `set_props` updates.
    pub fn with_side_updates(mut self, side: Map<String, Value>) -> Self {
        self.side_update = side;
        self
    }

    /// Add a background job's progress values (`{"progress": {..}}`).
    pub fn with_progress(mut self, progress: Value) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Every output and `set_props` value, to rewrite in place.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.response
            .values_mut()
            .chain(self.side_update.values_mut())
    }

    /// Whether there is nothing to send (answered 204 for callbacks without outputs).
    pub fn is_empty(&self) -> bool {
        self.response.is_empty() && self.side_update.is_empty()
    }

    /// The JSON body.
    pub fn to_json(&self) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            multi: bool,
            #[serde(rename = "sideUpdate", skip_serializing_if = "Map::is_empty")]
            side_update: &'a Map<String, Value>,
            response: &'a Map<String, Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            progress: Option<&'a Value>,
        }
        serde_json::to_vec(&Body {
            multi: true,
            side_update: &self.side_update,
            response: &self.response,
            progress: self.progress.as_ref(),
        })
        .unwrap_or_default()
    }
}
