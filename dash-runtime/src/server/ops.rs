//! Operations routes (`_dash-health`, the optional metrics route) and the layers every route
//! gets: answer compression and the request-body read timeout.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutBody;

use super::AppState;

/// How long the health route waits for the background store.
const STORE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Answers smaller than this are sent as they are.
const COMPRESS_MIN_BYTES: u16 = 1024;

/// Whether the server has begun shutting down (health answers 503 from then on).
#[derive(Debug, Clone, Default)]
pub(crate) struct Draining(Arc<AtomicBool>);

impl Draining {
    pub(crate) fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Clone)]
struct HealthState {
    app: Arc<AppState>,
    draining: Draining,
}

/// One readiness check: `{"ok": true}` or `{"ok": false, "error": "..."}`.
fn check(ok: Result<(), &str>) -> Value {
    match ok {
        Ok(()) => json!({ "ok": true }),
        Err(e) => json!({ "ok": false, "error": e }),
    }
}

/// `GET _dash-health`: 200 with every check when the app can serve, 503 naming the failed
/// checks otherwise. `?probe=live` answers 200 as long as the process serves requests.
async fn health(State(h): State<HealthState>, RawQuery(query): RawQuery) -> Response {
    let live_only = query.is_some_and(|q| q.split('&').any(|pair| pair == "probe=live"));
    if live_only {
        return health_response(StatusCode::OK, json!({ "status": "alive" }));
    }
    let app = &h.app;
    let mut checks = serde_json::Map::new();
    let front_end = if !app.front_end.serve_locally() || !app.front_end.namespaces().is_empty() {
        Ok(())
    } else {
        Err("no front-end bundles loaded")
    };
    checks.insert("front_end".into(), check(front_end));
    let served = app.served();
    let assets = if served.assets.files().is_empty() || served.assets.dir().is_dir() {
        Ok(())
    } else {
        Err("the assets folder is gone")
    };
    checks.insert("assets".into(), check(assets));
    if let Some(service) = &app.background {
        // A cheap read of the store: the secret every process of the app shares.
        let reached = match tokio::time::timeout(STORE_CHECK_TIMEOUT, service.shared_secret()).await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => {
                tracing::warn!("health: background store unreachable: {e}");
                Err("background store unreachable")
            }
            Err(_) => {
                tracing::warn!("health: background store did not answer in time");
                Err("background store did not answer in time")
            }
        };
        checks.insert("background".into(), check(reached));
    }
    let shutdown = if h.draining.is_set() {
        Err("shutting down")
    } else {
        Ok(())
    };
    checks.insert("shutdown".into(), check(shutdown));
    let failed: Vec<&String> = checks
        .iter()
        .filter(|(_, v)| v["ok"] != Value::Bool(true))
        .map(|(k, _)| k)
        .collect();
    let (status, word) = if failed.is_empty() {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    let body = json!({ "status": word, "failed": failed, "checks": checks });
    health_response(status, body)
}

fn health_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `GET <metrics path>`: the Prometheus text format.
async fn metrics(State(app): State<Arc<AppState>>) -> Response {
    if let Some(service) = &app.background {
        // Read at scrape time: with Redis, the queue lives outside every web process.
        match tokio::time::timeout(Duration::from_secs(1), service.queue_depth()).await {
            Ok(Ok(depth)) => crate::observability::background_queue_depth(depth),
            Ok(Err(err)) => tracing::warn!("reading the background queue depth failed: {err}"),
            Err(_) => tracing::warn!("reading the background queue depth timed out"),
        }
    }
    match crate::observability::prometheus() {
        Ok(handle) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            )],
            crate::observability::render(&handle),
        )
            .into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    }
}

/// The operations routes, merged next to the app's.
pub(super) fn routes(app: Arc<AppState>, draining: Draining) -> Router {
    let prefix = app.config.routes_prefix.clone();
    let metrics_path = app.config.server.metrics_path.clone();
    let mut router = Router::new().route(
        &format!("{prefix}_dash-health"),
        get(health).with_state(HealthState {
            app: app.clone(),
            draining,
        }),
    );
    if let Some(path) = metrics_path {
        // Install the recorder now, so that calls before the first scrape count.
        if let Err(e) = crate::observability::prometheus() {
            tracing::warn!("metrics at {path}: {e}");
        }
        router = router.route(&path, get(metrics).with_state(app));
    }
    router
}

/// Content types that are compressed already (or streamed) and are sent as they are.
fn compressible() -> impl Predicate {
    SizeAbove::new(COMPRESS_MIN_BYTES)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE)
        .and(NotForContentType::const_new("font/woff"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/gzip"))
        .and(NotForContentType::const_new("application/x-gzip"))
        .and(NotForContentType::const_new("application/zstd"))
        .and(NotForContentType::const_new("application/octet-stream"))
        .and(NotForContentType::const_new("audio/"))
        .and(NotForContentType::const_new("video/"))
}

/// Reads request bodies with a pause limit; a body that stalls longer is answered
/// `408 Request Timeout` (the handler saw a failed body read) and the connection is closed.
async fn body_deadline(timeout: Duration, req: Request<Body>, next: Next) -> Response {
    let stalled = Arc::new(AtomicBool::new(false));
    let seen = stalled.clone();
    let req = req.map(|body| {
        Body::new(TimeoutBody::new(timeout, body).map_err(move |e| {
            seen.store(true, Ordering::Relaxed);
            e
        }))
    });
    let response = next.run(req).await;
    if stalled.load(Ordering::Relaxed) && response.status().is_client_error() {
        return (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, HeaderValue::from_static("close"))],
            "the request body did not arrive in time",
        )
            .into_response();
    }
    response
}

/// The layers of every route: the body read timeout, then (if on) compression.
pub(super) fn layers(router: Router, body_timeout: Duration, compress: bool) -> Router {
    let router = router.layer(axum::middleware::from_fn(move |req, next| {
        body_deadline(body_timeout, req, next)
    }));
    if compress {
        router.layer(CompressionLayer::new().compress_when(compressible()))
    } else {
        router
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use serde_json::Value;
    use tower::ServiceExt;

    use super::Draining;
    use crate::components::html;
    use crate::Dash;

    #[tokio::test]
    async fn health_is_503_once_shutdown_began() {
        let server = Dash::new()
            .serve_locally(false)
            .suppress_callback_exceptions(true)
            .layout(html::div(()))
            .build()
            .await
            .expect("builds");
        let draining = Draining::default();
        let router = server.router_with(draining.clone(), true);
        let health = || {
            Request::get("/_dash-health")
                .body(Body::empty())
                .expect("request")
        };
        let resp = router.clone().oneshot(health()).await.expect("answer");
        assert_eq!(resp.status(), StatusCode::OK);

        draining.start();
        let resp = router.clone().oneshot(health()).await.expect("answer");
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        let value: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(value["status"], "unavailable");
        assert_eq!(value["failed"], serde_json::json!(["shutdown"]));
        assert_eq!(value["checks"]["shutdown"]["error"], "shutting down");
        // Liveness is still fine.
        let live = Request::get("/_dash-health?probe=live")
            .body(Body::empty())
            .expect("request");
        let resp = router.oneshot(live).await.expect("answer");
        assert_eq!(resp.status(), StatusCode::OK);
    }
}
