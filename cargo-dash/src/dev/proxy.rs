//! The reverse proxy on the user's port: forwards to the current app process, holds requests
//! while the app restarts, and answers with the error page while it does not build.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::page;

/// The longest a request waits for the app to come (back) up.
pub const WAIT: Duration = Duration::from_secs(60);

/// What the proxy does with requests.
#[derive(Clone, Debug)]
pub enum Phase {
    /// Building or restarting: requests wait.
    Starting,
    /// The app listens on this local port.
    Serving(u16),
    /// The app does not build or did not start.
    Failed(Arc<Failure>),
}

/// A failed build or start, as shown to the browser.
#[derive(Debug)]
pub struct Failure {
    /// The `_reload-hash` answered meanwhile: new for each failure, so an open page reloads
    /// into the error page, and the error page reloads when the app serves again.
    pub hash: String,
    /// The error page.
    pub page: String,
}

impl Failure {
    /// A failure with a fresh hash; `prefix` is the app's requests prefix.
    pub fn new(heading: &str, details: &str, prefix: &str) -> Failure {
        let hash = format!("cargo-dash-{:016x}", rand_u64());
        let page = page::page(heading, details, &hash, prefix);
        Failure { hash, page }
    }
}

/// 64 random bits, from the standard library's randomly keyed hasher.
fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// Serves the proxy on `listener` until the task is aborted.
pub async fn serve(listener: TcpListener, phase: watch::Receiver<Phase>) -> std::io::Result<()> {
    let router = axum::Router::new().fallback(forward).with_state(phase);
    axum::serve(listener, router).await
}

async fn forward(State(mut phase): State<watch::Receiver<Phase>>, request: Request) -> Response {
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut request = Some(request);
    loop {
        let current =
            tokio::time::timeout_at(deadline, phase.wait_for(|p| !matches!(p, Phase::Starting)))
                .await
                .map(|p| p.map(|p| p.clone()));
        let Ok(Ok(current)) = current else {
            return (StatusCode::SERVICE_UNAVAILABLE, "the app is still building").into_response();
        };
        let Some(req) = request.take() else {
            return (StatusCode::BAD_GATEWAY, "the app went away").into_response();
        };
        match current {
            // `wait_for` returned: not starting. A restart in between is a refused connect.
            Phase::Starting => request = Some(req),
            Phase::Failed(failure) => return failed(&failure, &req),
            Phase::Serving(port) => match TcpStream::connect(("127.0.0.1", port)).await {
                Ok(stream) => return send(stream, req).await,
                Err(_) => {
                    // Restarting: wait for the next phase (bounded by the deadline).
                    request = Some(req);
                    phase.mark_unchanged();
                    if tokio::time::timeout_at(deadline, phase.changed())
                        .await
                        .is_err()
                    {
                        return (StatusCode::SERVICE_UNAVAILABLE, "the app does not answer")
                            .into_response();
                    }
                }
            },
        }
    }
}

/// While the app fails: `_reload-hash` answers the failure's hash (hard), page loads get the
/// error page, anything else 503.
fn failed(failure: &Failure, req: &Request) -> Response {
    let path = req.uri().path();
    if path.ends_with("/_reload-hash") {
        let body = serde_json::json!({
            "files": [],
            "hard": true,
            "packages": ["dash", "plotly"],
            "reloadHash": failure.hash,
        });
        return (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body.to_string(),
        )
            .into_response();
    }
    let wants_page = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|a| a.contains("text/html") || a.contains("*/*"));
    let is_dash_route = path.contains("/_dash-") || path.contains("/_reload");
    if wants_page && !is_dash_route {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            failure.page.clone(),
        )
            .into_response();
    }
    (StatusCode::SERVICE_UNAVAILABLE, "the app does not build").into_response()
}

/// Sends one request to the app over its own connection; a `101 Switching Protocols` answer
/// (the `_dash-ws-callback` websocket) joins the two upgraded connections.
async fn send(stream: TcpStream, mut req: Request) -> Response {
    let client_upgrade = req
        .headers()
        .contains_key(header::UPGRADE)
        .then(|| hyper::upgrade::on(&mut req));
    let (mut sender, connection) =
        match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
            Ok(pair) => pair,
            Err(e) => return bad_gateway(&e),
        };
    // Ends with the connection (or the upgraded stream).
    tokio::spawn(async move {
        let _ = connection.with_upgrades().await;
    });
    let mut response = match sender.send_request(req).await {
        Ok(response) => response,
        Err(e) => return bad_gateway(&e),
    };
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        if let Some(client_upgrade) = client_upgrade {
            let app_upgrade = hyper::upgrade::on(&mut response);
            // Ends when either side closes.
            tokio::spawn(async move {
                if let (Ok(client), Ok(app)) = (client_upgrade.await, app_upgrade.await) {
                    let _ = tokio::io::copy_bidirectional(
                        &mut TokioIo::new(client),
                        &mut TokioIo::new(app),
                    )
                    .await;
                }
            });
        }
    }
    response.map(Body::new)
}

fn bad_gateway(e: &hyper::Error) -> Response {
    (
        StatusCode::BAD_GATEWAY,
        format!("the app did not answer: {e}"),
    )
        .into_response()
}
