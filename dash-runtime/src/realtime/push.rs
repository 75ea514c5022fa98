//! The way out of one websocket: answers and requests in order, `set_props` pushed as they
//! happen, and `get_props` questions waiting for the page's answer.
//!
//! Pushed properties are coalesced per component property until the socket takes them: a
//! callback never waits for a slow page, memory is bounded by the number of distinct
//! properties pushed, and the page always ends with the latest value of each. A property
//! pushed by a call is written before that call's answer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use indexmap::IndexMap;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot, Notify};

use super::messages::{GetPropsPayload, Outgoing, SetPropsPayload};

/// `get_props` questions one websocket may have open at once.
const MAX_OPEN_QUESTIONS: usize = 1024;

/// Why `get_props` has no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GetPropsError {
    /// `get_props` was called outside a callback, or in one that did not come over the
    /// websocket (HTTP calls cannot ask the page; give the callback `websocket = true`).
    #[error("get_props needs a callback called over the websocket (`websocket = true`)")]
    NotOverWebsocket,
    /// The page went away before it answered.
    #[error("the page disconnected before answering get_props({id}, {prop})")]
    Disconnected {
        /// The stringified component id.
        id: String,
        /// The property.
        prop: String,
    },
    /// The page did not answer in time.
    #[error("timed out waiting for {id}.{prop} from the page")]
    TimedOut {
        /// The stringified component id.
        id: String,
        /// The property.
        prop: String,
    },
    /// Too many questions are open on this websocket.
    #[error("too many get_props requests are waiting on this websocket")]
    TooMany,
    /// The id could not be serialised, or the page's value is not of the requested type.
    #[error("get_props({id}, {prop}): {message}")]
    Value {
        /// The stringified component id.
        id: String,
        /// The property.
        prop: String,
        /// What serde said.
        message: String,
    },
}

/// The key of a pushed property: renderer, component id, property.
type PropKey = (Arc<str>, String, String);

/// The way out of one websocket, shared by its sender task and every call on it.
pub(crate) struct Outbox {
    frames: mpsc::Sender<String>,
    props: Mutex<IndexMap<PropKey, Value>>,
    wake: Notify,
    questions: Mutex<HashMap<String, oneshot::Sender<Map<String, Value>>>>,
    closed: AtomicBool,
}

impl Outbox {
    /// An outbox and the receiving end of its ordered frames (for the sender task).
    pub(crate) fn new(capacity: usize) -> (Arc<Outbox>, mpsc::Receiver<String>) {
        let (frames, rx) = mpsc::channel(capacity.max(1));
        let outbox = Outbox {
            frames,
            props: Mutex::new(IndexMap::new()),
            wake: Notify::new(),
            questions: Mutex::new(HashMap::new()),
            closed: AtomicBool::new(false),
        };
        (Arc::new(outbox), rx)
    }

    /// Queue a frame behind the ones already queued (waits while the queue is full).
    pub(crate) async fn send(&self, frame: String) {
        if !self.is_closed() {
            // A closed receiver means the socket is gone: the frame has nowhere to go.
            let _ = self.frames.send(frame).await;
        }
    }

    /// Queue a frame if there is room (for frames the reader answers itself).
    pub(crate) fn try_send(&self, frame: String) -> bool {
        self.frames.try_send(frame).is_ok()
    }

    /// Wait until properties were pushed.
    pub(crate) async fn pushed(&self) {
        self.wake.notified().await;
    }

    /// The pushed properties not yet written, as `set_props` frames, oldest first.
    pub(crate) fn take_props(&self) -> Vec<String> {
        let props = std::mem::take(&mut *self.props.lock().unwrap_or_else(PoisonError::into_inner));
        props
            .into_iter()
            .map(|((renderer, component, prop), value)| {
                let mut props = Map::new();
                props.insert(prop, value);
                Outgoing::SetProps {
                    renderer_id: &renderer,
                    payload: SetPropsPayload {
                        component_id: &component,
                        props,
                    },
                }
                .to_text()
            })
            .collect()
    }

    fn push(&self, renderer: &Arc<str>, component: &str, props: Map<String, Value>) {
        if self.is_closed() {
            return;
        }
        {
            let mut pending = self.props.lock().unwrap_or_else(PoisonError::into_inner);
            for (prop, value) in props {
                let key = (renderer.clone(), component.to_owned(), prop);
                // A newer value replaces the older one and moves to the back.
                pending.shift_remove(&key);
                pending.insert(key, value);
            }
        }
        self.wake.notify_one();
    }

    /// The page answered question `request_id`.
    pub(crate) fn answer(&self, request_id: &str, payload: Map<String, Value>) {
        let waiting = self
            .questions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(request_id);
        if let Some(tx) = waiting {
            let _ = tx.send(payload);
        }
    }

    /// The socket is gone: later pushes are dropped and open questions fail.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.questions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// Properties waiting to be written (for tests and metrics).
    #[cfg(test)]
    pub(crate) fn pending_props(&self) -> usize {
        self.props
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// What a call over the websocket carries in its context: its page and the way out.
#[derive(Clone)]
pub(crate) struct Push {
    outbox: Arc<Outbox>,
    renderer: Arc<str>,
    timeout: Duration,
}

impl Push {
    pub(crate) fn new(outbox: Arc<Outbox>, renderer: Arc<str>, timeout: Duration) -> Self {
        Push {
            outbox,
            renderer,
            timeout,
        }
    }

    /// Push properties of `component` (a stringified id) to the page now.
    pub(crate) fn set_props(&self, component: &str, props: Map<String, Value>) {
        self.outbox.push(&self.renderer, component, props);
    }

    /// Ask the page for `component.prop`.
    pub(crate) async fn get_prop(
        &self,
        component: &str,
        prop: &str,
    ) -> Result<Value, GetPropsError> {
        let request_id = hex::encode(rand::random::<[u8; 16]>());
        let (tx, rx) = oneshot::channel();
        {
            let mut open = self
                .outbox
                .questions
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if self.outbox.is_closed() {
                return Err(disconnected(component, prop));
            }
            if open.len() >= MAX_OPEN_QUESTIONS {
                return Err(GetPropsError::TooMany);
            }
            open.insert(request_id.clone(), tx);
        }
        let frame = Outgoing::GetPropsRequest {
            renderer_id: &self.renderer,
            request_id: &request_id,
            payload: GetPropsPayload {
                component_id: component,
                properties: [prop],
            },
        }
        .to_text();
        self.outbox.send(frame).await;
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(mut answer)) => Ok(answer.remove(prop).unwrap_or(Value::Null)),
            Ok(Err(_)) => Err(disconnected(component, prop)),
            Err(_) => {
                self.outbox
                    .questions
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&request_id);
                Err(GetPropsError::TimedOut {
                    id: component.to_owned(),
                    prop: prop.to_owned(),
                })
            }
        }
    }
}

fn disconnected(component: &str, prop: &str) -> GetPropsError {
    GetPropsError::Disconnected {
        id: component.to_owned(),
        prop: prop.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn pushes_coalesce_per_property_keeping_the_latest() {
        let (outbox, _rx) = Outbox::new(4);
        let push = Push::new(outbox.clone(), "r".into(), Duration::from_secs(1));
        for k in 1..=1000 {
            push.set_props("ticker", props(&[("children", json!(format!("tick {k}")))]));
        }
        push.set_props(
            "other",
            props(&[("title", json!("t")), ("children", json!(1))]),
        );
        assert_eq!(outbox.pending_props(), 3);
        let frames = outbox.take_props();
        assert_eq!(frames.len(), 3);
        assert!(frames[0].contains(r#""componentId":"ticker","props":{"children":"tick 1000"}"#));
        assert!(outbox.take_props().is_empty());
        outbox.close();
        push.set_props("ticker", props(&[("children", json!("late"))]));
        assert_eq!(outbox.pending_props(), 0);
    }

    #[tokio::test]
    async fn get_prop_is_answered_times_out_or_fails_on_close() {
        let (outbox, mut rx) = Outbox::new(4);
        let push = Push::new(outbox.clone(), "r".into(), Duration::from_millis(200));
        let asking = tokio::spawn({
            let push = push.clone();
            async move { push.get_prop("name", "value").await }
        });
        let frame: Value = serde_json::from_str(&rx.recv().await.unwrap()).unwrap();
        assert_eq!(frame["type"], "get_props_request");
        assert_eq!(
            frame["payload"],
            json!({"componentId": "name", "properties": ["value"]})
        );
        let id = frame["requestId"].as_str().unwrap().to_owned();
        outbox.answer(&id, props(&[("value", json!("Ada"))]));
        assert_eq!(asking.await.unwrap(), Ok(json!("Ada")));

        let unanswered = push.get_prop("name", "value").await;
        assert!(matches!(unanswered, Err(GetPropsError::TimedOut { .. })));
        assert!(outbox.questions.lock().unwrap().is_empty());

        let asking = tokio::spawn({
            let push = push.clone();
            async move { push.get_prop("name", "value").await }
        });
        let _ = rx.recv().await;
        outbox.close();
        assert!(matches!(
            asking.await.unwrap(),
            Err(GetPropsError::Disconnected { .. })
        ));
    }
}
