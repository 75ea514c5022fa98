//! Protocol results as HTTP responses: the one place that turns a [`Reply`] or a [`Failure`]
//! into a status, headers and a body.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::escape::escape_html;
use crate::protocol::{Failure, Reply};

/// A JSON body with status 200.
pub(super) fn json_response(body: impl Into<axum::body::Body>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.into(),
    )
        .into_response()
}

/// A successful call: 200 with its JSON, or 204.
pub(super) fn reply_response(reply: Reply) -> Response {
    match reply {
        Reply::Update(update) => json_response(update.to_json()),
        Reply::Job(body) => json_response(serde_json::to_vec(&body).unwrap_or_default()),
        Reply::NoContent => StatusCode::NO_CONTENT.into_response(),
    }
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A failed call. Request problems say exactly what is wrong; callback failures show their
/// message (in the dev-tools error page format) only in debug mode.
pub(super) fn failure_response(failure: &Failure, debug: bool) -> Response {
    let status =
        StatusCode::from_u16(failure.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match failure {
        Failure::Request(_) | Failure::Argument { .. } | Failure::Serverside { .. } => {
            text(status, failure.to_string())
        }
        Failure::Callback {
            callback,
            location,
            message,
            background,
        } if debug => {
            let kind = if *background {
                "Background callback"
            } else {
                "Callback"
            };
            html(
                status,
                format!(
                    "<h3>{kind} {} ({}) failed</h3><pre>{}</pre>",
                    escape_html(callback),
                    escape_html(location),
                    escape_html(message)
                ),
            )
        }
        Failure::Layout(message) if debug => html(
            status,
            format!(
                "<h3>The layout function failed</h3><pre>{}</pre>",
                escape_html(message)
            ),
        ),
        Failure::Callback { .. } | Failure::Layout(_) => {
            html(status, "Internal Server Error".to_owned())
        }
        Failure::Busy { retry_after } => {
            let mut response = text(status, failure.to_string());
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after.as_secs().max(1)),
            );
            response
        }
        Failure::TimedOut {
            callback,
            location,
            after,
        } => {
            let body = if debug {
                format!("callback {callback} ({location}) timed out after {after:?}")
            } else {
                "the callback timed out".to_owned()
            };
            text(status, body)
        }
        Failure::Unavailable(message) => text(status, message.clone()),
    }
}
