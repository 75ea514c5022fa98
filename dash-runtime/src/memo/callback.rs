//! Memoized callbacks: the dispatcher's side (see the [module docs](super)).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::flight::{Begin, Memo, Ticket};
use super::key::KeyHasher;
use super::{Memoize, MemoizeBy};
use crate::callback::dispatch::CallResult;
use crate::callback::{CallbackContext, CallbackSpec};
use crate::store::{codec, DataStore};

/// One output value as kept: set, or left unchanged (`NoUpdate`).
#[derive(Debug, Serialize, Deserialize)]
enum Slot {
    Keep,
    Set(Value),
}

/// A callback's answer as kept: its output values and `set_props` side updates.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CachedCall {
    outputs: Vec<Slot>,
    side: Map<String, Value>,
}

impl CachedCall {
    /// Replay the answer: side updates go to `ctx` (as `set_props` would have put them), the
    /// output values are returned.
    pub(crate) fn replay(self, ctx: &CallbackContext) -> CallResult {
        if !self.side.is_empty() {
            let mut side = ctx
                .side_updates
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            side.extend(self.side);
        }
        Ok(self
            .outputs
            .into_iter()
            .map(|slot| match slot {
                Slot::Keep => None,
                Slot::Set(v) => Some(v),
            })
            .collect())
    }
}

impl CachedCall {
    /// Whether an output or side update holds a `Serverside` key (or a marker of one).
    fn holds_serverside_keys(&self) -> bool {
        fn holds(value: &Value) -> bool {
            match value {
                Value::String(s) => s.starts_with(crate::callback::KEY_PREFIX),
                Value::Array(items) => items.iter().any(holds),
                Value::Object(map) => map.values().any(holds),
                _ => false,
            }
        }
        self.side.values().any(holds)
            || self.outputs.iter().any(|slot| match slot {
                Slot::Set(v) => holds(v),
                Slot::Keep => false,
            })
    }
}

/// A memoized call in progress.
pub(crate) enum CallMemo {
    /// The kept answer.
    Hit(CachedCall),
    /// Not kept (or undecodable): run the callback, then [`finish`].
    Miss(Ticket),
}

/// The session id of the call, when the app has sessions.
fn session_id(ctx: &CallbackContext) -> Option<String> {
    ctx.session().map(|s| s.id().to_owned())
}

/// The values of the `memoize_by` parts; `None` when the call cannot be keyed (`"session"`
/// without a session).
fn request_parts(spec: &CallbackSpec, by: &[MemoizeBy], ctx: &CallbackContext) -> Option<Value> {
    by.iter()
        .map(|part| match part {
            MemoizeBy::Session => match session_id(ctx) {
                Some(id) => Some(Value::String(id)),
                None => {
                    warn_no_session(spec);
                    None
                }
            },
            MemoizeBy::Header(name) => {
                let values: Vec<Value> = ctx
                    .headers
                    .get_all(*name)
                    .iter()
                    .map(|v| Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect();
                Some(Value::Array(values))
            }
            MemoizeBy::Cookie(name) => Some(ctx.cookie(name).map_or(Value::Null, Value::String)),
            MemoizeBy::Triggered => Some(Value::from(ctx.changed_prop_ids.clone())),
        })
        .collect::<Option<Vec<Value>>>()
        .map(Value::Array)
}

/// Once per process: a callback keyed by session runs unmemoized without sessions.
fn warn_no_session(spec: &CallbackSpec) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        tracing::warn!(
            callback = spec.name,
            location = %spec.location(),
            "memoize_by = [\"session\"] but this call has no session (turn them on with `Dash::sessions`): it runs unmemoized"
        );
    }
}

/// The key of one call of a memoized callback: the callback, its code, its input and state
/// values with their ids (pattern-matching calls stay apart), and the `memoize_by` parts. What
/// triggered the call counts only with `memoize_by = ["triggered"]`, so the initial call and a
/// later one with the same values share an entry.
pub(crate) fn key(
    descriptor: &str,
    memo: &Memoize,
    ctx: &CallbackContext,
    parts: &Value,
) -> String {
    KeyHasher::new("callback")
        .bytes(descriptor.as_bytes())
        .bytes(memo.fingerprint.as_bytes())
        .json(&ctx.inputs_list)
        .json(&ctx.states_list)
        .json(parts)
        .finish("cb")
}

/// Look the call up (waiting for an identical call under way); `None` when this call is not
/// memoized (no session for a session-keyed callback).
pub(crate) async fn begin(
    spec: &'static CallbackSpec,
    memo: &Memoize,
    descriptor: &str,
    ctx: &CallbackContext,
) -> Option<CallMemo> {
    let parts = request_parts(spec, memo.by, ctx)?;
    let memo_ref = Memo {
        store: store_of(ctx),
        key: key(descriptor, memo, ctx, &parts),
        ttl: Some(memo.ttl),
        kind: "callback",
        name: spec.name,
    };
    let outputs = spec.outputs.len();
    let decode = |bytes: &[u8]| {
        codec::decode::<CachedCall>(bytes)
            .ok()
            .filter(|c| c.outputs.len() == outputs)
    };
    Some(match memo_ref.begin(decode).await {
        Begin::Hit(cached) => CallMemo::Hit(cached),
        Begin::Miss(ticket) => CallMemo::Miss(ticket),
    })
}

/// The app's store, as the dispatcher attached it.
fn store_of(ctx: &CallbackContext) -> DataStore {
    ctx.data_store().unwrap_or_else(crate::store::current)
}

/// The callback ran: keep its answer when it is one to keep (`Ok`, not made by `on_error`).
pub(crate) async fn finish(
    ticket: Ticket,
    result: &CallResult,
    handled: bool,
    ctx: &CallbackContext,
) {
    let compress_above = ticket.store().compression_threshold();
    let kept = match result {
        Ok(values) if !handled => {
            let side = ctx
                .side_updates
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            let cached = CachedCall {
                outputs: values
                    .iter()
                    .map(|v| v.clone().map_or(Slot::Keep, Slot::Set))
                    .collect(),
                side,
            };
            if cached.holds_serverside_keys() {
                // Their keys are signed per call (and per session): not replayable.
                return ticket.finish(None).await;
            }
            match codec::encode(&cached, compress_above) {
                Ok(bytes) => Some(bytes),
                Err(err) => {
                    tracing::warn!("memoize: the answer could not be encoded: {err}");
                    None
                }
            }
        }
        _ => None,
    };
    ticket.finish(kept).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kept_answers_replay_null_and_no_update_apart() {
        let cached = CachedCall {
            outputs: vec![
                Slot::Set(Value::Null),
                Slot::Keep,
                Slot::Set(json!({"a": [1, 2.5]})),
            ],
            side: Map::new(),
        };
        let bytes = codec::encode(&cached, usize::MAX).expect("encodes");
        let back: CachedCall = codec::decode(&bytes).expect("decodes");
        let ctx = CallbackContext::default();
        assert_eq!(
            back.replay(&ctx).expect("ok"),
            vec![Some(Value::Null), None, Some(json!({"a": [1, 2.5]}))]
        );
    }

    #[test]
    fn keys_follow_values_and_request_parts() {
        let memo = Memoize {
            ttl: std::time::Duration::from_secs(1),
            by: &[],
            fingerprint: "f",
        };
        let ctx = |v: Value| CallbackContext {
            inputs_list: vec![json!({"id": "n", "property": "value", "value": v})],
            ..Default::default()
        };
        let a = key("out.children", &memo, &ctx(json!(3)), &json!([]));
        assert_eq!(a, key("out.children", &memo, &ctx(json!(3)), &json!([])));
        assert_ne!(a, key("out.children", &memo, &ctx(json!(4)), &json!([])));
        assert_ne!(
            a,
            key("out.children", &memo, &ctx(json!(3)), &json!(["t1"]))
        );
        assert_ne!(a, key("other.children", &memo, &ctx(json!(3)), &json!([])));
    }
}
