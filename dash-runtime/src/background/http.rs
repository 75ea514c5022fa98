//! The background-callback side of `POST _dash-update-component` (§6.2 of the protocol):
//! starting a job, answering polls, cancelling.

use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::cache_key::cache_key;
use super::job::JobContext;
use super::record::{merge_side_updates, new_job_id, JobPayload, JobState, Outcome};
use super::spec::Background;
use super::store::NewJob;
use super::Service;
use crate::callback::dispatch::{catch_panic, Args};
use crate::callback::{sync_scope, CallbackContext, CallbackError};
use crate::protocol::{OutputTarget, UpdateResponse};
use crate::registry::RegisteredCallback;
use crate::server::{AppState, Signer};

/// The query parameters of a callback request, percent-decoded.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn new(raw: &[(String, String)]) -> Self {
        Query(
            raw.iter()
                .map(|(k, v)| (percent_decode(k), percent_decode(v)))
                .collect(),
        )
    }

    fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The verified page token value, or `""` (Dash's scope for a missing or invalid one).
    fn end<'a>(&'a self, signer: &Signer) -> &'a str {
        self.first("endId")
            .and_then(|t| signer.verify("end", t))
            .unwrap_or("")
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn job_scope(end: &str) -> String {
    format!("job:{end}")
}

fn cache_scope(end: &str) -> String {
    format!("cacheKey:{end}")
}

/// Cancel every job named by a verified `cancelJob` parameter (any callback's request may
/// carry them; in practice the cancel helper's).
pub(crate) async fn cancel_requested(service: &Service, signer: &Signer, raw: &[(String, String)]) {
    let query = Query::new(raw);
    let scope = job_scope(query.end(signer));
    for handle in query.all("cancelJob") {
        if let Some(id) = signer.verify(&scope, handle) {
            if let Err(err) = service.store.cancel(id).await {
                tracing::warn!(job = %id, "cancelling a job failed: {err}");
            }
        }
    }
}

fn json_body(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(body).unwrap_or_default(),
    )
        .into_response()
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

fn failed(state: &AppState, callback: &RegisteredCallback, message: &str) -> Response {
    let spec = callback.spec;
    tracing::error!(callback = spec.name, location = %spec.location(), "background callback failed: {message}");
    let body = if state.config.debug {
        format!(
            "<h3>Background callback {} ({}) failed</h3><pre>{}</pre>",
            escape_html(spec.name),
            escape_html(&spec.location()),
            escape_html(message)
        )
    } else {
        "Internal Server Error".to_owned()
    };
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn unavailable(err: &super::BackgroundError) -> Response {
    tracing::error!("background job store unavailable: {err}");
    text(
        StatusCode::SERVICE_UNAVAILABLE,
        "the background job store is unavailable".to_owned(),
    )
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Answer a request for a background callback: a poll when it carries a `cacheKey`,
/// otherwise the start of a new job.
pub(crate) async fn respond(
    state: &AppState,
    callback: &RegisteredCallback,
    bg: &'static Background,
    ctx: Arc<CallbackContext>,
    values: Vec<Value>,
    targets: Vec<OutputTarget>,
) -> Response {
    let Some(service) = state.background.as_deref() else {
        return failed(
            state,
            callback,
            "no background manager is running (this is a bug: one starts whenever the app has background callbacks)",
        );
    };
    let query = Query::new(&ctx.query);
    if query.first("cacheKey").is_some() {
        poll(state, service, callback, bg, &query, ctx, targets).await
    } else {
        start(state, service, callback, bg, &query, &ctx, values).await
    }
}

async fn start(
    state: &AppState,
    service: &Service,
    callback: &RegisteredCallback,
    bg: &'static Background,
    query: &Query,
    ctx: &CallbackContext,
    values: Vec<Value>,
) -> Response {
    let signer = &state.signer;
    let end = query.end(signer);
    for handle in query.all("oldJob") {
        if let Some(id) = signer.verify(&job_scope(end), handle) {
            if let Err(err) = service.store.cancel(id).await {
                return unavailable(&err);
            }
        }
    }
    // The shim deserialises the arguments before it builds the job: a bad value is this
    // request's error. The job itself is dropped unpolled, so no user code runs here.
    let checked = (bg.run)(
        Args::new(callback.spec, values.clone()),
        JobContext::detached(bg.progress.len()),
    );
    match checked {
        Ok(job) => drop(job),
        Err(err @ CallbackError::Argument { .. }) => {
            return text(
                StatusCode::BAD_REQUEST,
                format!("callback {}: {err}", callback.spec.name),
            )
        }
        Err(err) => return failed(state, callback, &err.to_string()),
    }
    let ttl_ms = service.ttl_ms(bg);
    let key = bg.cache.as_ref().map(|cache| {
        cache_key(
            &callback.descriptor,
            bg,
            cache,
            &values,
            &ctx.changed_prop_ids,
        )
    });
    let id = new_job_id();
    let job = NewJob {
        id: id.clone(),
        payload: JobPayload::new(&callback.descriptor, values, ctx),
        cache_key: key.clone(),
        ttl_ms,
    };
    let cached = match &key {
        Some(key) => match service.store.cached(key, ttl_ms).await {
            Ok(found) => found,
            Err(err) => return unavailable(&err),
        },
        None => None,
    };
    let created = match cached {
        Some(outcome) => service.store.submit_done(job, outcome).await,
        None => service.store.submit(job).await,
    };
    if let Err(err) = created {
        return unavailable(&err);
    }
    let mut body = Map::new();
    body.insert(
        "cacheKey".into(),
        Value::String(signer.sign(&cache_scope(end), key.as_deref().unwrap_or(&id))),
    );
    body.insert(
        "job".into(),
        Value::String(signer.sign(&job_scope(end), &id)),
    );
    if !bg.cancel.is_empty() {
        body.insert(
            "cancel".into(),
            bg.cancel
                .iter()
                .map(|d| json!({"id": d.id.stringify(), "property": d.property}))
                .collect(),
        );
    }
    if let Some(defaults) = bg.progress_default_map() {
        body.insert("progressDefault".into(), Value::Object(defaults));
    }
    json_body(StatusCode::OK, &Value::Object(body))
}

async fn poll(
    state: &AppState,
    service: &Service,
    callback: &RegisteredCallback,
    bg: &'static Background,
    query: &Query,
    ctx: Arc<CallbackContext>,
    targets: Vec<OutputTarget>,
) -> Response {
    let signer = &state.signer;
    let end = query.end(signer);
    let key = query
        .first("cacheKey")
        .and_then(|k| signer.verify(&cache_scope(end), k));
    let job = query
        .first("job")
        .and_then(|j| signer.verify(&job_scope(end), j));
    let (Some(_), Some(job)) = (key, job) else {
        // Forged handles, or handles of another page: nothing to say.
        return StatusCode::NO_CONTENT.into_response();
    };
    let read = match service.store.poll(job, &callback.descriptor).await {
        Ok(read) => read,
        Err(err) => return unavailable(&err),
    };
    let Some(job_state) = read.state else {
        return StatusCode::NO_CONTENT.into_response();
    };
    let progress = read
        .progress
        .filter(|_| !bg.progress.is_empty())
        .map(|values| Value::Object(bg.progress_map(values)));
    let side = merge_side_updates(read.side_updates);
    let response = match (job_state, read.outcome) {
        (JobState::Queued | JobState::Running, _) => {
            let mut body = Map::new();
            body.insert("multi".into(), Value::Bool(true));
            if let Some(progress) = progress {
                body.insert("progress".into(), progress);
            }
            if !side.is_empty() {
                body.insert("sideUpdate".into(), Value::Object(side));
            }
            return json_body(StatusCode::OK, &Value::Object(body));
        }
        (JobState::Done, Some(outcome @ Outcome::Values { .. })) => {
            let values = outcome.output_values().unwrap_or_default();
            match UpdateResponse::from_outputs(&targets, values) {
                Ok(resp) => resp.with_side_updates(side),
                Err(err) => return failed(state, callback, &err.to_string()),
            }
        }
        (JobState::Done, Some(Outcome::Error { message })) => {
            let Some(handler) = &state.on_error else {
                return failed(state, callback, &message);
            };
            tracing::warn!(callback = callback.spec.name, location = %callback.spec.location(), "background callback failed, handled by on_error: {message}");
            let err = CallbackError::User(message);
            let handled = catch_panic(|| sync_scope(ctx.clone(), || handler(&err)));
            if let Err(panic) = handled {
                return failed(state, callback, &panic.to_string());
            }
            let mut all = side;
            all.extend(ctx.take_side_updates());
            UpdateResponse::default().with_side_updates(all)
        }
        // Prevented, cancelled, already delivered: no outputs, only what set_props left.
        _ => UpdateResponse::default().with_side_updates(side),
    };
    if response.is_empty() {
        return StatusCode::NO_CONTENT.into_response();
    }
    let mut body: Value = serde_json::from_slice(&response.to_json()).unwrap_or_else(|_| json!({}));
    if let (Some(progress), Value::Object(map)) = (progress, &mut body) {
        map.insert("progress".into(), progress);
    }
    json_body(StatusCode::OK, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded() {
        let q = Query::new(&[
            ("job".into(), "ab%7Ecd".into()),
            ("oldJob".into(), "x".into()),
            ("oldJob".into(), "y".into()),
        ]);
        assert_eq!(q.first("job"), Some("ab~cd"));
        assert_eq!(q.all("oldJob").collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
