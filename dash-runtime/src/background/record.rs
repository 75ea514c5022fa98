//! What the managers store about a job: the request it runs, its outcome, and what a poll
//! reads back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::callback::{CallbackContext, CallbackError};
use crate::protocol::is_no_update_marker;

/// Everything a worker needs to run a job, in any process: the callback and a copy of the
/// request's callback context (Dash hands jobs the same copy).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JobPayload {
    /// The callback's output descriptor.
    pub callback: String,
    /// Argument values, inputs then state.
    pub values: Vec<Value>,
    pub inputs_list: Vec<Value>,
    pub states_list: Vec<Value>,
    pub outputs_list: Value,
    pub changed_prop_ids: Vec<String>,
    /// Request headers whose values are text.
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub path: String,
}

impl JobPayload {
    pub(crate) fn new(callback: &str, values: Vec<Value>, ctx: &CallbackContext) -> Self {
        JobPayload {
            callback: callback.to_owned(),
            values,
            inputs_list: ctx.inputs_list.clone(),
            states_list: ctx.states_list.clone(),
            outputs_list: ctx.outputs_list.clone(),
            changed_prop_ids: ctx.changed_prop_ids.clone(),
            headers: ctx
                .headers
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect(),
            query: ctx.query.clone(),
            path: ctx.path.clone(),
        }
    }

    /// The callback context of the job (without the job link, which the runner adds).
    pub(crate) fn context(&self) -> CallbackContext {
        let mut headers = HeaderMap::new();
        for (k, v) in &self.headers {
            if let (Ok(k), Ok(v)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                headers.append(k, v);
            }
        }
        CallbackContext {
            inputs_list: self.inputs_list.clone(),
            states_list: self.states_list.clone(),
            outputs_list: self.outputs_list.clone(),
            changed_prop_ids: self.changed_prop_ids.clone(),
            headers,
            query: self.query.clone(),
            path: self.path.clone(),
            ..Default::default()
        }
    }
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// One value per output; Dash's `no_update` marker for an output left unchanged.
    Values {
        values: Vec<Value>,
        /// Ids of the `Serverside` values the job stored: their keys are signed for the
        /// session that polls.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        serverside: Vec<String>,
    },
    /// The job returned `PreventUpdate` (or was told to stop).
    Prevented,
    /// The job failed; shown like a failed callback.
    Error { message: String },
}

impl Outcome {
    pub(crate) fn from_result(result: Result<Vec<Option<Value>>, CallbackError>) -> Self {
        match result {
            Ok(values) => Outcome::Values {
                values: values
                    .into_iter()
                    .map(|v| v.unwrap_or_else(no_update_marker))
                    .collect(),
                serverside: Vec::new(),
            },
            Err(CallbackError::PreventUpdate) => Outcome::Prevented,
            Err(err) => Outcome::Error {
                message: err.to_string(),
            },
        }
    }

    /// The output values (`None`: leave unchanged), if the job produced values.
    pub(crate) fn output_values(&self) -> Option<Vec<Option<Value>>> {
        match self {
            Outcome::Values { values, .. } => Some(
                values
                    .iter()
                    .map(|v| (!is_no_update_marker(v)).then(|| v.clone()))
                    .collect(),
            ),
            _ => None,
        }
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"kind":"prevented"}"#.to_owned())
    }

    pub(crate) fn from_json(text: &str) -> Result<Self, super::BackgroundError> {
        serde_json::from_str(text).map_err(|e| super::BackgroundError::Corrupt(e.to_string()))
    }
}

fn no_update_marker() -> Value {
    serde_json::json!({"_dash_no_update": "_dash_no_update"})
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// A worker runs it.
    Running,
    /// Finished; the result waits for a poll.
    Done,
    /// Finished, and the result was delivered.
    Delivered,
    /// Cancelled before it finished.
    Cancelled,
}

impl JobState {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "delivered" => JobState::Delivered,
            "cancelled" => JobState::Cancelled,
            _ => return None,
        })
    }
}

/// What one poll found. Reading consumes the result (when there is one) and the pending
/// `set_props` updates, never the progress.
#[derive(Debug, Default)]
pub(crate) struct PollRead {
    /// `None`: no such job for this callback (unknown, expired, or another callback's).
    pub state: Option<JobState>,
    /// The result, taken by this read (so `state` was `Done` before it).
    pub outcome: Option<Outcome>,
    /// The latest progress values.
    pub progress: Option<Vec<Value>>,
    /// Every `set_props` call not delivered yet, in call order.
    pub side_updates: Vec<(String, Map<String, Value>)>,
}

/// What an operator (or a test) can see about a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInfo {
    /// Where the job is.
    pub state: JobState,
    /// How many times a worker started it (more than 1 after a worker died mid-job).
    pub attempt: u32,
    /// The worker (or process) that runs or ran the latest attempt.
    pub worker: Option<String>,
    /// The callback's output descriptor.
    pub callback: String,
}

/// A new job id: 128 random bits, hex.
pub(crate) fn new_job_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A duration in whole milliseconds (at least 1), for stores that count in milliseconds.
pub(crate) fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX).max(1)
}

/// Merge `set_props` calls in order into one `sideUpdate` object: later properties of the
/// same id win, every id is kept.
pub(crate) fn merge_side_updates(calls: Vec<(String, Map<String, Value>)>) -> Map<String, Value> {
    let mut merged = Map::new();
    for (id, props) in calls {
        match merged
            .entry(id)
            .or_insert_with(|| Value::Object(Map::new()))
        {
            Value::Object(existing) => existing.extend(props),
            other => *other = Value::Object(props),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn outcome_round_trip_keeps_no_update() {
        let o = Outcome::from_result(Ok(vec![Some(json!(1)), None, Some(Value::Null)]));
        let back = Outcome::from_json(&o.to_json()).ok();
        assert_eq!(back.as_ref(), Some(&o));
        assert_eq!(
            o.output_values(),
            Some(vec![Some(json!(1)), None, Some(Value::Null)])
        );
        assert_eq!(
            Outcome::from_result(Err(CallbackError::PreventUpdate)),
            Outcome::Prevented
        );
    }

    #[test]
    fn side_updates_keep_every_id() {
        let calls = vec![
            (
                "a".to_owned(),
                json!({"x": 1}).as_object().cloned().unwrap_or_default(),
            ),
            (
                "b".to_owned(),
                json!({"y": 2}).as_object().cloned().unwrap_or_default(),
            ),
            (
                "a".to_owned(),
                json!({"x": 3, "z": 4})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            ),
        ];
        assert_eq!(
            Value::Object(merge_side_updates(calls)),
            json!({"a": {"x": 3, "z": 4}, "b": {"y": 2}})
        );
    }
}
