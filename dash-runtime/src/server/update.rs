//! `POST _dash-update-component`: run one callback.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use super::routes::json_response;
use super::AppState;
use crate::callback::dispatch::{catch_panic, panic_error, Args, Handler};
use crate::callback::{scope, sync_scope, CallbackContext, CallbackError};
use crate::protocol::{RequestError, UpdateRequest, UpdateResponse};

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn request_error(err: RequestError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        err.to_string(),
    )
        .into_response()
}

fn parse_query(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect()
}

pub(super) async fn update_component(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if !is_json {
        return request_error(RequestError::NotJson);
    }
    let request = match UpdateRequest::parse(&body) {
        Ok(r) => r,
        Err(e) => return request_error(e),
    };
    let Some(callback) = state.registry.get(&request.output) else {
        return request_error(RequestError::UnknownCallback(request.output));
    };
    let spec = callback.spec;
    let (values, targets) = match (request.argument_values(spec), request.output_targets(spec)) {
        (Ok(v), Ok(t)) => (v, t),
        (Err(e), _) | (_, Err(e)) => return request_error(e),
    };

    let ctx = Arc::new(CallbackContext {
        inputs_list: request.inputs,
        states_list: request.state,
        outputs_list: request.outputs.unwrap_or_default(),
        changed_prop_ids: request.changed_prop_ids,
        query: parse_query(&uri),
        path: uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers,
        side_updates: Default::default(),
        pages: state.pages.clone(),
        job: None,
    });
    if let Some(background) = &state.background {
        // `cancelJob` handles ride on the request of any callback sharing a cancel input.
        crate::background::cancel_requested(background, &state.signer, &ctx.query).await;
    }
    if let Handler::Background(bg) = spec.handler {
        return crate::background::respond(&state, callback, bg, ctx, values, targets).await;
    }
    let mut args = Args::new(spec, values);
    let outcome = match spec.handler {
        Handler::Sync(f) => catch_panic(|| sync_scope(ctx.clone(), || f(&mut args))),
        Handler::Async(f) => scope(ctx.clone(), AssertUnwindSafe(f(args)).catch_unwind())
            .await
            .map_err(|payload| panic_error(&*payload)),
        Handler::Background(_) => Ok(Err(CallbackError::Output(
            "background callbacks are answered by their job manager".into(),
        ))),
        Handler::Clientside(_) => {
            return request_error(RequestError::Mismatch {
                callback: spec.name,
                problem: "this is a clientside callback: it runs in the browser".into(),
            })
        }
    };
    let result = outcome.and_then(|r| r);
    let mut response = result.and_then(|values| UpdateResponse::from_outputs(&targets, values));
    if let (Err(err), Some(handler)) = (&response, &state.on_error) {
        if err.is_handled_by_on_error() {
            tracing::warn!(callback = spec.name, location = %spec.location(), "callback failed, handled by on_error: {err}");
            let handled = catch_panic(|| sync_scope(ctx.clone(), || handler(err)));
            if handled.is_ok() {
                response = Ok(UpdateResponse::default());
            }
        }
    }
    match response {
        Ok(resp) => {
            let resp = resp.with_side_updates(ctx.take_side_updates());
            if spec.outputs.is_empty() && resp.is_empty() {
                StatusCode::NO_CONTENT.into_response()
            } else {
                json_response(resp.to_json())
            }
        }
        Err(CallbackError::PreventUpdate) => StatusCode::NO_CONTENT.into_response(),
        Err(err @ CallbackError::Argument { .. }) => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("callback {}: {err}", spec.name),
        )
            .into_response(),
        Err(err) => {
            tracing::error!(callback = spec.name, location = %spec.location(), "callback failed: {err}");
            let body = if state.config.debug {
                format!(
                    "<h3>Callback {} ({}) failed</h3><pre>{}</pre>",
                    escape_html(spec.name),
                    escape_html(&spec.location()),
                    escape_html(&err.to_string())
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
    }
}
