//! `POST _dash-update-component` request bodies.

use serde::Deserialize;
use serde_json::Value;

use crate::callback::CallbackSpec;
use crate::dependencies::{stringify_id, Dependency, IdSpec, OutputDep, Wildcard};

/// Why a request was refused before any callback ran. Each maps to a precise 4xx status.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The body is not valid JSON, or not the shape Dash sends (400).
    #[error("malformed callback request: {0}")]
    Malformed(String),
    /// The body was not declared as JSON (415).
    #[error("callback requests must have Content-Type: application/json")]
    NotJson,
    /// No callback has this output descriptor (404).
    #[error("no callback is registered for output '{0}'")]
    UnknownCallback(String),
    /// The request does not match the callback's declaration (400).
    #[error("request does not match callback '{callback}': {problem}")]
    Mismatch {
        /// The callback's Rust name.
        callback: &'static str,
        /// What differs.
        problem: String,
    },
}

impl RequestError {
    /// The HTTP status for this error.
    pub fn status(&self) -> u16 {
        match self {
            RequestError::Malformed(_) | RequestError::Mismatch { .. } => 400,
            RequestError::NotJson => 415,
            RequestError::UnknownCallback(_) => 404,
        }
    }
}

/// The body the renderer posts to run a callback (§5.2).
#[derive(Debug, Clone, Deserialize)]
pub struct UpdateRequest {
    /// The output descriptor from `_dash-dependencies`.
    pub output: String,
    /// The resolved output targets (absent for callbacks without outputs).
    #[serde(default)]
    pub outputs: Option<Value>,
    /// Input values, in declaration order.
    pub inputs: Vec<Value>,
    /// State values, in declaration order.
    #[serde(default)]
    pub state: Vec<Value>,
    /// Prop ids of the triggering inputs.
    #[serde(default, rename = "changedPropIds")]
    pub changed_prop_ids: Vec<String>,
}

/// Where each output value goes: the stringified id and the property (without `@hash`).
#[derive(Debug, Clone, PartialEq)]
pub enum OutputTarget {
    /// One component.
    One(String, &'static str),
    /// An `ALL` output: one entry per matched component.
    Many(Vec<String>, &'static str),
}

impl UpdateRequest {
    /// Parse a body.
    pub fn parse(body: &[u8]) -> Result<UpdateRequest, RequestError> {
        serde_json::from_slice(body).map_err(|e| RequestError::Malformed(e.to_string()))
    }

    /// Check the request against `spec` and flatten the argument values: one value per input,
    /// then per state; `ALL`/`ALLSMALLER` dependencies give an array of values.
    pub fn argument_values(&self, spec: &'static CallbackSpec) -> Result<Vec<Value>, RequestError> {
        let mismatch = |problem: String| RequestError::Mismatch {
            callback: spec.name,
            problem,
        };
        if self.inputs.len() != spec.inputs.len() {
            return Err(mismatch(format!(
                "expected {} inputs, got {}",
                spec.inputs.len(),
                self.inputs.len()
            )));
        }
        if self.state.len() != spec.state.len() {
            return Err(mismatch(format!(
                "expected {} state values, got {}",
                spec.state.len(),
                self.state.len()
            )));
        }
        let mut values = Vec::with_capacity(spec.inputs.len() + spec.state.len());
        for (kind, sent, declared) in [
            ("inputs", &self.inputs, spec.inputs),
            ("state", &self.state, spec.state),
        ] {
            for (i, (item, dep)) in sent.iter().zip(declared).enumerate() {
                values.push(
                    dependency_value(item, dep)
                        .map_err(|p| mismatch(format!("{kind}[{i}]: {p}")))?,
                );
            }
        }
        Ok(values)
    }

    /// Check `outputs` against the declaration and resolve the response targets.
    pub fn output_targets(
        &self,
        spec: &'static CallbackSpec,
    ) -> Result<Vec<OutputTarget>, RequestError> {
        let mismatch = |problem: String| RequestError::Mismatch {
            callback: spec.name,
            problem,
        };
        if spec.outputs.is_empty() {
            return Ok(Vec::new());
        }
        let Some(sent) = &self.outputs else {
            return Err(mismatch("missing field `outputs`".into()));
        };
        let items: Vec<&Value> = if spec.multi_output {
            match sent {
                Value::Array(items) if items.len() == spec.outputs.len() => items.iter().collect(),
                Value::Array(items) => {
                    return Err(mismatch(format!(
                        "expected {} outputs, got {}",
                        spec.outputs.len(),
                        items.len()
                    )))
                }
                _ => return Err(mismatch("`outputs` must be an array".into())),
            }
        } else {
            vec![sent]
        };
        items
            .into_iter()
            .zip(spec.outputs)
            .enumerate()
            .map(|(i, (item, dep))| {
                output_target(item, dep).map_err(|p| mismatch(format!("outputs[{i}]: {p}")))
            })
            .collect()
    }
}

fn is_multi(id: &IdSpec) -> bool {
    id.wildcards()
        .any(|(_, w)| matches!(w, Wildcard::All | Wildcard::AllSmaller))
}

/// Check one `{id, property, value}` item against a declared id/property.
fn check_item<'a>(item: &'a Value, id: &IdSpec, property: &str) -> Result<&'a Value, String> {
    let Value::Object(obj) = item else {
        return Err("expected an object with `id` and `property`".into());
    };
    let sent_id = obj.get("id").ok_or("missing `id`")?;
    if !id.matches(sent_id) {
        return Err(format!(
            "id {} does not match {}",
            stringify_id(sent_id),
            id.stringify()
        ));
    }
    let sent_prop = obj
        .get("property")
        .and_then(Value::as_str)
        .ok_or("missing `property`")?;
    let bare = sent_prop.split_once('@').map_or(sent_prop, |(p, _)| p);
    if bare != property {
        return Err(format!(
            "property `{sent_prop}` does not match `{property}`"
        ));
    }
    Ok(sent_id)
}

fn dependency_value(item: &Value, dep: &Dependency) -> Result<Value, String> {
    let value_of = |v: &Value| v.get("value").cloned().unwrap_or(Value::Null);
    if is_multi(&dep.id) {
        let Value::Array(items) = item else {
            return Err(format!("expected an array for wildcard {}", dep.prop_id()));
        };
        let mut out = Vec::with_capacity(items.len());
        for entry in items {
            check_item(entry, &dep.id, dep.property)?;
            out.push(value_of(entry));
        }
        return Ok(Value::Array(out));
    }
    if item.is_null() && dep.allow_optional {
        return Ok(Value::Null);
    }
    check_item(item, &dep.id, dep.property)?;
    Ok(value_of(item))
}

fn output_target(item: &Value, dep: &OutputDep) -> Result<OutputTarget, String> {
    if is_multi(&dep.id) {
        let Value::Array(items) = item else {
            return Err(format!("expected an array for wildcard {}", dep.prop_id()));
        };
        let ids = items
            .iter()
            .map(|entry| check_item(entry, &dep.id, dep.property).map(stringify_id))
            .collect::<Result<_, _>>()?;
        return Ok(OutputTarget::Many(ids, dep.property));
    }
    let id = check_item(item, &dep.id, dep.property)?;
    Ok(OutputTarget::One(stringify_id(id), dep.property))
}
