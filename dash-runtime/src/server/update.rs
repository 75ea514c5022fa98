//! `POST _dash-update-component`: decode the request, hand it to the dispatch core, encode
//! the reply.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Uri};
use axum::response::Response;

use super::reply::{failure_response, reply_response};
use super::AppState;
use crate::dispatch::CallRequest;
use crate::protocol::{Query, RequestError, UpdateRequest};

pub(super) async fn update_component(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let debug = state.config.debug;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if !is_json {
        return failure_response(&RequestError::NotJson.into(), debug);
    }
    let update = match UpdateRequest::parse(&body) {
        Ok(update) => update,
        Err(err) => return failure_response(&err.into(), debug),
    };
    let request = CallRequest {
        update,
        query: Query::parse(uri.query()),
        path: uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers,
        extensions: Default::default(),
    };
    match state.dispatcher.call(request).await {
        Ok(reply) => reply_response(reply),
        Err(failure) => failure_response(&failure, debug),
    }
}
