//! The dispatch core: one callback call, transport-neutral.
//!
//! A [`CallRequest`] (the parsed body plus the request's headers, query and path) goes in; a
//! [`Reply`] or a [`Failure`] comes out. Nothing here knows HTTP: the `_dash-update-component`
//! route (and any other transport) only decodes requests and encodes replies.
//!
//! How a callback runs:
//!
//! - a plain `fn` callback runs on the app's [`BlockingPool`] (unless it opted out with
//!   `blocking = false`), so a callback that blocks for seconds never stalls the server; when
//!   the pool and its queue are full the call fails with [`Failure::Busy`];
//! - an `async fn` callback runs on the runtime;
//! - with `timeout = ".."` a call that takes longer fails with [`Failure::TimedOut`] (a sync
//!   call keeps its pool thread until the function returns);
//! - an error or a panic goes to the callback's own `on_error`, then to the app's, both run on
//!   the pool;
//! - background callbacks are answered by their job manager.

mod call;

use std::sync::Arc;
use std::time::Instant;

use axum::http::HeaderMap;
use serde_json::Value;
use tracing::Instrument;

use crate::blocking::BlockingPool;
use crate::callback::ErrorHandler;
use crate::layout::Layout;
use crate::pages::PageRouter;
use crate::protocol::{Failure, Query, Reply, RequestError, UpdateRequest};
use crate::registry::Registry;
use crate::signing::Signer;

/// One callback call as a transport received it.
#[derive(Debug)]
pub struct CallRequest {
    /// The parsed body.
    pub update: UpdateRequest,
    /// The request headers (read by `callback_context().headers()`).
    pub headers: HeaderMap,
    /// The decoded query string (background callbacks' handles ride here).
    pub query: Query,
    /// The request path with its query string.
    pub path: String,
    /// Attached to the call's context by the transport (the websocket's push handle).
    pub extensions: axum::http::Extensions,
}

/// Runs callback calls for one app: its registry, handlers, job manager and blocking pool.
pub struct Dispatcher {
    registry: Arc<Registry>,
    signer: Signer,
    on_error: Option<ErrorHandler>,
    /// Attached to every call's context (the page router, when the app has pages).
    extensions: axum::http::Extensions,
    background: Option<Arc<crate::background::Service>>,
    pool: BlockingPool,
    /// Sessions and `Serverside` values: loaded before a call, stored after it.
    server_data: Arc<crate::sessions::ServerData>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("callbacks", &self.registry.callbacks().len())
            .field("threads", &self.pool.threads())
            .field("queue", &self.pool.queue())
            .finish()
    }
}

impl Dispatcher {
    pub(crate) fn new(
        registry: Arc<Registry>,
        signer: Signer,
        on_error: Option<ErrorHandler>,
        pages: Option<Arc<PageRouter>>,
        background: Option<Arc<crate::background::Service>>,
        pool: BlockingPool,
        server_data: Arc<crate::sessions::ServerData>,
    ) -> Self {
        let mut extensions = axum::http::Extensions::new();
        if let Some(pages) = pages {
            extensions.insert(pages);
        }
        // The app's data store: `callback_context().data_store()`.
        extensions.insert(server_data.store().clone());
        Dispatcher {
            registry,
            signer,
            on_error,
            extensions,
            background,
            pool,
            server_data,
        }
    }

    /// The pool that runs blocking user code.
    pub fn pool(&self) -> &BlockingPool {
        &self.pool
    }

    /// Run one callback call.
    pub async fn call(&self, request: CallRequest) -> Result<Reply, Failure> {
        let Some(callback) = self.registry.get(&request.update.output) else {
            return Err(RequestError::UnknownCallback(request.update.output).into());
        };
        let started = Instant::now();
        let spec = callback.spec;
        let result = call::run(self, callback, request)
            .instrument(crate::observability::callback_span(spec))
            .await;
        let status = match &result {
            Ok(Reply::NoContent) => 204,
            Ok(_) => 200,
            Err(failure) => failure.status(),
        };
        crate::observability::callback_finished(spec.name, status, started.elapsed());
        result
    }

    /// Cancel the background jobs named by `cancelJob` handles in `query` (a transport whose
    /// page went away while they ran).
    pub(crate) async fn cancel_jobs(&self, query: &Query) {
        if let Some(background) = &self.background {
            crate::background::cancel_requested(background, &self.signer, query).await;
        }
    }

    /// The layout for a page load: a layout function runs on the blocking pool.
    pub async fn layout(&self, layout: &Layout) -> Result<Value, Failure> {
        let function = match layout {
            Layout::Fixed(value) => return Ok(Value::clone(value)),
            Layout::Dynamic(function) => function.clone(),
        };
        let admission = self.pool.try_admit().map_err(|_| call::busy())?;
        admission.run(move || function()).await.map_err(|err| {
            tracing::error!("the layout function failed: {err}");
            Failure::Layout(err.to_string())
        })
    }
}
