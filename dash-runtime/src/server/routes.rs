//! The route table (§1 of the protocol).

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::reload::PACKAGES;
use super::reply::{failure_response, json_response};
use super::update::update_component;
use super::AppState;
use crate::assets::favicon_response;

async fn index(State(state): State<Arc<AppState>>, uri: Uri, headers: HeaderMap) -> Response {
    let metas = match &state.pages {
        Some(pages) => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let scheme = headers
                .get("x-forwarded-proto")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("http");
            let root = format!("{scheme}://{host}");
            let below = uri
                .path()
                .strip_prefix(state.config.routes_prefix.as_str())
                .unwrap_or(uri.path());
            pages.meta_tags(below, &format!("{root}{uri}"), &root)
        }
        None => String::new(),
    };
    let page = state
        .served()
        .index
        .render(&state.signer.new_end_id(), &metas);
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        page,
    )
        .into_response()
}

async fn layout(State(state): State<Arc<AppState>>) -> Response {
    // A layout function is user code: it runs on the blocking pool, and a panic there is a
    // 500, not a dead connection.
    match state.dispatcher.layout(&state.layout).await {
        Ok(value) => json_response(serde_json::to_vec(&value).unwrap_or_default()),
        Err(failure) => failure_response(&failure, state.config.debug),
    }
}

async fn dependencies(State(state): State<Arc<AppState>>) -> Response {
    json_response(state.dependencies_json.clone())
}

async fn reload_hash(State(state): State<Arc<AppState>>) -> Response {
    let body = match state.config.dev_tools.hot_reload {
        true => state.reload.answer().to_json(),
        // As Dash answers with hot reload off: no hash, so the page never reloads.
        false => json!({"files": [], "hard": false, "packages": PACKAGES, "reloadHash": null}),
    };
    json_response(serde_json::to_vec(&body).unwrap_or_default())
}

async fn suites(
    State(state): State<Arc<AppState>>,
    Path((namespace, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    state.front_end.serve_suite(&namespace, &path, &headers)
}

async fn assets(
    State(state): State<Arc<AppState>>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let served = state.served();
    served.assets.serve(&path, &headers).await
}

async fn favicon() -> Response {
    favicon_response()
}

pub(super) async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// Every route of the app, mounted under the routes prefix; with `fallback`, other paths
/// answer a plain 404 (apps served together share one fallback instead).
pub(super) fn router(state: Arc<AppState>, fallback: bool) -> Router {
    let r = state.config.routes_prefix.clone();
    let limit = state.config.max_request_body;
    let mut router = Router::new()
        .route(&format!("{r}_dash-layout"), get(layout))
        .route(&format!("{r}_dash-dependencies"), get(dependencies))
        .route(
            &format!("{r}_dash-update-component"),
            post(update_component)
                .get(index)
                .layer(DefaultBodyLimit::max(limit)),
        )
        .route(&format!("{r}_reload-hash"), get(reload_hash))
        .route(&format!("{r}_favicon.ico"), get(favicon))
        .route(
            &format!("{r}_dash-component-suites/{{namespace}}/{{*path}}"),
            get(suites),
        )
        .route(&format!("{r}assets/{{*path}}"), get(assets))
        .route(&r, get(index))
        .route(&format!("{r}{{*path}}"), get(index));
    // Always routed, so a page expecting a websocket the app does not serve gets a plain 404.
    router = router.route(
        &format!("{r}{}", crate::realtime::ROUTE),
        get(crate::realtime::upgrade),
    );
    if state.config.mcp.enabled {
        router = router.route_service(
            &format!("{r}{}", state.config.mcp.path),
            crate::mcp::service(state.clone()),
        );
    }
    if let Some(pages) = &state.pages {
        let q = state.config.requests_prefix.clone();
        for (from, to) in pages.redirects() {
            let target = format!("{q}{}", to.trim_start_matches('/'));
            router = router.route(
                &format!("{r}{}", from.trim_start_matches('/')),
                get(move || async move {
                    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, target)]).into_response()
                }),
            );
        }
    }
    if r != "/" {
        let bare = r.trim_end_matches('/').to_owned();
        let target = r.clone();
        router = router.route(
            &bare,
            get(move || async move { Redirect::permanent(&target) }),
        );
        if fallback {
            router = router.fallback(not_found);
        }
    }
    if state.server_data.sessions().is_some() {
        let path = match state.config.requests_prefix.as_str() {
            p if p.starts_with('/') => p.to_owned(),
            _ => "/".to_owned(),
        };
        let layer = crate::sessions::SessionLayer {
            data: state.server_data.clone(),
            path,
        };
        router = router.layer(axum::middleware::from_fn_with_state(
            layer,
            crate::sessions::session_layer,
        ));
    }
    router.with_state(state)
}
