//! One websocket: read frames, run calls on the dispatch core, write answers and pushes.
//!
//! The reader never waits for user code: each call runs in its own task (at most
//! `max_in_flight` at once), the writer is a task of its own, and a frame that is not part
//! of the protocol is answered with an `error` frame while the connection stays open. When
//! the socket closes, goes silent for too long or the server shuts down, every call still
//! running on it is cancelled (an `async fn` stops at its next `.await`; a plain `fn` keeps
//! its pool thread until it returns, and its pushes go nowhere).

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket};
use axum::http::{Extensions, HeaderMap};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinSet;

use super::messages::{self, CallbackOutcome, ErrorPayload, Incoming, Outgoing};
use super::push::{Outbox, Push};
use super::WebsocketOptions;
use crate::callback::dispatch::Handler;
use crate::dispatch::{CallRequest, Dispatcher};
use crate::protocol::{Failure, Query, Reply, UpdateRequest};
use crate::registry::Registry;

/// The `error` frame codes this server sends.
mod code {
    /// The frame is not JSON or not a message of the protocol.
    pub const BAD_FRAME: u16 = 4400;
}

/// What a connection needs from its app.
pub(crate) struct Session {
    pub dispatcher: Arc<Dispatcher>,
    pub registry: Arc<Registry>,
    pub options: WebsocketOptions,
    pub debug: bool,
    /// The upgrade request's headers (`callback_context().headers()` of every call on it).
    pub headers: HeaderMap,
    /// The upgrade request's path.
    pub path: String,
    pub shutdown: watch::Receiver<bool>,
}

/// Serve one upgraded socket until it closes.
pub(crate) async fn serve(socket: WebSocket, session: Session) {
    let _open = crate::observability::websocket_opened();
    let (sink, mut stream) = socket.split();
    let Session {
        dispatcher,
        registry,
        options,
        debug,
        headers,
        path,
        mut shutdown,
    } = session;
    let (outbox, frames) = Outbox::new(options.max_in_flight * 2 + 16);
    let writer = tokio::spawn(write(sink, outbox.clone(), frames));
    let slots = Arc::new(Semaphore::new(options.max_in_flight));
    let mut calls = JoinSet::new();
    let call = Call {
        dispatcher,
        registry,
        outbox: outbox.clone(),
        options: options.clone(),
        debug,
        headers,
        path,
    };
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout(options.silence_limit(), stream.next()) => next,
            _ = shutdown.changed() => break,
            Some(_) = calls.join_next(), if !calls.is_empty() => continue,
        };
        let message = match next {
            Err(_) => {
                tracing::debug!(
                    "closing a websocket silent for {:?}",
                    options.silence_limit()
                );
                break;
            }
            Ok(None) | Ok(Some(Err(_))) => break,
            Ok(Some(Ok(message))) => message,
        };
        match message {
            Message::Text(text) => match messages::parse(text.as_str()) {
                Ok(Incoming::Heartbeat) => {
                    outbox.try_send(Outgoing::HeartbeatAck.to_text());
                }
                Ok(Incoming::GetPropsResponse {
                    request_id,
                    payload,
                }) => outbox.answer(&request_id, payload),
                Ok(Incoming::CallbackRequest {
                    renderer_id,
                    request_id,
                    payload,
                }) => {
                    let request_id = request_id.unwrap_or(Value::Null);
                    match slots.clone().try_acquire_owned() {
                        Ok(slot) => {
                            let call = call.clone();
                            calls.spawn(async move {
                                call.run(renderer_id.into(), request_id, payload).await;
                                drop(slot);
                            });
                        }
                        Err(_) => {
                            let outcome = CallbackOutcome::Error {
                                message: format!(
                                    "too many callbacks are running on this websocket (at most {})",
                                    options.max_in_flight
                                ),
                            };
                            crate::observability::websocket_frame_rejected("busy");
                            reject(&outbox, &renderer_id, &request_id, outcome);
                        }
                    }
                }
                Err(problem) => {
                    if matches!(problem, messages::FrameProblem::UnknownType(_)) {
                        // Dash ignores message types it does not know; so do we (logged).
                        tracing::debug!("websocket: {problem}");
                        continue;
                    }
                    crate::observability::websocket_frame_rejected("malformed");
                    tracing::warn!("websocket: {problem}");
                    let frame = Outgoing::Error {
                        renderer_id: &messages::renderer_of(text.as_str()),
                        payload: ErrorPayload {
                            message: problem.to_string(),
                            code: code::BAD_FRAME,
                        },
                    };
                    outbox.try_send(frame.to_text());
                }
            },
            Message::Binary(_) => {
                crate::observability::websocket_frame_rejected("binary");
                let frame = Outgoing::Error {
                    renderer_id: "",
                    payload: ErrorPayload {
                        message: "binary frames are not part of the Dash websocket protocol".into(),
                        code: code::BAD_FRAME,
                    },
                };
                outbox.try_send(frame.to_text());
            }
            Message::Ping(_) | Message::Pong(_) => {}
            Message::Close(_) => break,
        }
    }
    outbox.close();
    calls.abort_all();
    while calls.join_next().await.is_some() {}
    writer.abort();
}

/// Answer a call that did not run with an error, if the queue has room.
fn reject(outbox: &Outbox, renderer: &str, request_id: &Value, outcome: CallbackOutcome) {
    let frame = Outgoing::CallbackResponse {
        renderer_id: renderer,
        request_id,
        payload: outcome,
    };
    outbox.try_send(frame.to_text());
}

/// Write queued frames, pushed properties first (so a call's pushes precede its answer).
async fn write(
    mut sink: SplitSink<WebSocket, Message>,
    outbox: Arc<Outbox>,
    mut frames: mpsc::Receiver<String>,
) {
    loop {
        let frame = tokio::select! {
            biased;
            frame = frames.recv() => match frame {
                Some(frame) => Some(frame),
                None => break,
            },
            _ = outbox.pushed() => None,
        };
        for pushed in outbox.take_props() {
            if sink.feed(Message::Text(pushed.into())).await.is_err() {
                return;
            }
        }
        if let Some(frame) = frame {
            if sink.feed(Message::Text(frame.into())).await.is_err() {
                return;
            }
        }
        if sink.flush().await.is_err() {
            return;
        }
    }
}

/// Everything a call over this websocket needs; cloned into each call's task.
#[derive(Clone)]
struct Call {
    dispatcher: Arc<Dispatcher>,
    registry: Arc<Registry>,
    outbox: Arc<Outbox>,
    options: WebsocketOptions,
    debug: bool,
    headers: HeaderMap,
    path: String,
}

impl Call {
    async fn run(self, renderer: Arc<str>, request_id: Value, payload: Value) {
        let outcome = self.outcome(&renderer, payload).await;
        let frame = Outgoing::CallbackResponse {
            renderer_id: &renderer,
            request_id: &request_id,
            payload: outcome,
        };
        self.outbox.send(frame.to_text()).await;
    }

    async fn outcome(&self, renderer: &Arc<str>, payload: Value) -> CallbackOutcome {
        let output = payload.get("output").and_then(Value::as_str).unwrap_or("");
        let background = self
            .registry
            .get(output)
            .is_some_and(|c| matches!(c.spec.handler, Handler::Background(_)));
        if let Some(refused) = self.refusal(output) {
            return CallbackOutcome::Error { message: refused };
        }
        let _running = crate::observability::websocket_call_started();
        if background {
            return self.job(renderer, &payload).await;
        }
        match self.dispatch(renderer, &payload, Query::default()).await {
            Ok(Reply::Job(_)) => CallbackOutcome::Error {
                message: "a job answer for a regular callback (a bug)".into(),
            },
            other => settled(other, self.debug),
        }
    }

    /// One call through the dispatch core, with this page's push handle in its context.
    async fn dispatch(
        &self,
        renderer: &Arc<str>,
        payload: &Value,
        query: Query,
    ) -> Result<Reply, Failure> {
        let update = UpdateRequest::deserialize(payload).map_err(|err| {
            Failure::from(crate::protocol::RequestError::Malformed(format!(
                "the callback request does not fit Dash's protocol: {err}"
            )))
        })?;
        let mut extensions = Extensions::new();
        extensions.insert(Push::new(
            self.outbox.clone(),
            renderer.clone(),
            self.options.get_props_timeout,
        ));
        let request = CallRequest {
            update,
            headers: self.headers.clone(),
            query,
            path: self.path.clone(),
            extensions,
        };
        self.dispatcher.call(request).await
    }

    /// A background callback over the websocket: the job starts on the app's job manager
    /// like over HTTP, then this task follows it and pushes its progress and `set_props`
    /// the moment they are stored; the result is the call's answer. The page never polls.
    /// If the page goes away first, the job is cancelled.
    async fn job(&self, renderer: &Arc<str>, payload: &Value) -> CallbackOutcome {
        let started = match self.dispatch(renderer, payload, Query::default()).await {
            Ok(Reply::Job(body)) => body,
            other => return settled(other, self.debug),
        };
        let (Some(cache_key), Some(job)) = (
            started.get("cacheKey").and_then(Value::as_str),
            started.get("job").and_then(Value::as_str),
        ) else {
            return CallbackOutcome::Error {
                message: "the job manager answered without job handles (a bug)".into(),
            };
        };
        let push = Push::new(
            self.outbox.clone(),
            renderer.clone(),
            self.options.get_props_timeout,
        );
        if let Some(Value::Object(defaults)) = started.get("progressDefault") {
            push_prop_ids(&push, defaults);
        }
        let handles = Query::from(vec![
            ("cacheKey".to_owned(), cache_key.to_owned()),
            ("job".to_owned(), job.to_owned()),
        ]);
        let mut cancel = CancelOnDrop {
            dispatcher: Some(self.dispatcher.clone()),
            query: Query::from(vec![("cancelJob".to_owned(), job.to_owned())]),
        };
        let mut tick = JOB_FOLLOW_FIRST_TICK;
        loop {
            tokio::time::sleep(tick).await;
            tick = (tick * 2).min(JOB_FOLLOW_TICK);
            match self.dispatch(renderer, payload, handles.clone()).await {
                Ok(Reply::Job(body)) => {
                    if let Some(Value::Object(progress)) = body.get("progress") {
                        push_prop_ids(&push, progress);
                    }
                    if let Some(Value::Object(side)) = body.get("sideUpdate") {
                        for (id, props) in side {
                            if let Value::Object(props) = props {
                                push.set_props(id, props.clone());
                            }
                        }
                    }
                }
                done => {
                    cancel.dispatcher = None;
                    return settled(done, self.debug);
                }
            }
        }
    }

    /// Why a callback may not be called over the websocket, if it may not.
    fn refusal(&self, output: &str) -> Option<String> {
        let callback = self.registry.get(output)?;
        let spec = callback.spec;
        if matches!(spec.handler, Handler::Background(_)) && !spec.websocket {
            return Some(format!(
                "callback {} is a background callback without `websocket = true`: it is served over HTTP",
                spec.name
            ));
        }
        if !self.options.callbacks && !spec.websocket {
            return Some(format!(
                "callback {} ({}) is not a websocket callback: give it `websocket = true` or turn on Dash::websocket_callbacks",
                spec.name,
                spec.location()
            ));
        }
        None
    }
}

/// How often a job followed over the websocket is read from the job store, at most: the first
/// look comes after [`JOB_FOLLOW_FIRST_TICK`] and the wait doubles up to this, so a short job's
/// result is pushed within milliseconds and a long one costs one store read per tick.
const JOB_FOLLOW_TICK: std::time::Duration = std::time::Duration::from_millis(40);

/// The wait before the first look at a followed job.
const JOB_FOLLOW_FIRST_TICK: std::time::Duration = std::time::Duration::from_millis(5);

/// Push `{"<id>.<prop>": value}` entries (a job's progress) as properties.
fn push_prop_ids(push: &Push, values: &serde_json::Map<String, Value>) {
    for (prop_id, value) in values {
        if let Some((id, prop)) = prop_id.rsplit_once('.') {
            let mut props = serde_json::Map::new();
            props.insert(prop.to_owned(), value.clone());
            push.set_props(id, props);
        }
    }
}

/// Cancels the job it names when dropped armed (the page went away while it ran).
struct CancelOnDrop {
    dispatcher: Option<Arc<Dispatcher>>,
    query: Query,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(dispatcher) = self.dispatcher.take() else {
            return;
        };
        let query = std::mem::take(&mut self.query);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { dispatcher.cancel_jobs(&query).await });
        }
    }
}

/// The answer of a settled call.
fn settled(result: Result<Reply, Failure>, debug: bool) -> CallbackOutcome {
    match result {
        Ok(Reply::Update(update)) => match serde_json::from_slice(&update.to_json()) {
            Ok(data) => CallbackOutcome::Ok { data },
            Err(err) => CallbackOutcome::Error {
                message: format!("the answer could not be encoded: {err}"),
            },
        },
        Ok(Reply::NoContent) => CallbackOutcome::PreventUpdate,
        Ok(Reply::Job(_)) => CallbackOutcome::Error {
            message: "the job has not finished (a bug)".into(),
        },
        Err(failure) => CallbackOutcome::Error {
            message: failure_message(&failure, debug),
        },
    }
}

/// What the page is told about a failed call: request problems in full, a callback's own
/// failure only in debug mode (as over HTTP).
fn failure_message(failure: &Failure, debug: bool) -> String {
    match failure {
        Failure::Callback { .. } | Failure::Layout(_) | Failure::TimedOut { .. } if !debug => {
            "Internal Server Error".into()
        }
        other => other.to_string(),
    }
}
