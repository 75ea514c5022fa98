//! The baseline: a bare axum handler doing the greeting callback's JSON work by hand, with no
//! Dash runtime around it. It runs in a child process of the bench binary
//! (`dash-bench serve-bare`) on a multi-thread tokio runtime, like the examples.

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::error::BenchError;
use crate::greeting::{self, CallbackRequest};

/// Serve the bare handler on `127.0.0.1:port` until the process is killed.
pub fn serve(port: u16) -> Result<(), BenchError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(BenchError::Runtime)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(BenchError::Bind)?;
        axum::serve(listener, router())
            .await
            .map_err(BenchError::Serve)
    })
}

fn router() -> Router {
    Router::new()
        .route("/", get(|| async { "bare handler" }))
        .route("/_dash-update-component", post(update_component))
}

async fn update_component(body: Bytes) -> Response {
    let request: CallbackRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => return (StatusCode::BAD_REQUEST, err.to_string()).into_response(),
    };
    match greeting::respond(&request) {
        Some(answer) => (
            [(header::CONTENT_TYPE, "application/json")],
            answer.to_string(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "unknown callback").into_response(),
    }
}
