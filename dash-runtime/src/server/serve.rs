//! The accept loop: HTTP/1 and HTTP/2 on one port, a header-read timeout, a connection limit,
//! and graceful shutdown.
//!
//! `axum::serve` has neither a header-read timeout nor a bounded drain, so connections are
//! served with hyper-util's connection builder directly.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::options::ServerOptions;

/// How a serve loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Drained {
    /// Every connection finished within the grace period.
    Clean,
    /// The grace period ran out with this many connections still open; they were dropped.
    TimedOut(usize),
}

/// Whether an accept error concerns only the one connection (the loop goes on at once).
fn per_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// Serve `router` on `listener` until `shutdown` completes; then stop accepting (the listener
/// is closed, so new connections are refused), run `on_shutdown` while open connections finish
/// their requests, for up to `options.shutdown_grace` in all, and return.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    options: &ServerOptions,
    shutdown: impl Future<Output = ()>,
    on_shutdown: impl Future<Output = ()>,
) -> Drained {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(options.max_connections));
    let open = Arc::new(AtomicUsize::new(0));
    tokio::pin!(shutdown);

    loop {
        // Over the limit, further clients wait in the kernel's listen queue.
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) if per_connection(&e) => continue,
                Err(e) => {
                    // Out of file descriptors and the like: wait for connections to close.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let conn = graceful.watch(conn);
        let open = open.clone();
        crate::observability::connections_open(open.fetch_add(1, Ordering::Relaxed) + 1);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection closed with an error: {e}");
            }
            crate::observability::connections_open(open.fetch_sub(1, Ordering::Relaxed) - 1);
            drop(permit);
        });
    }

    // Refuse new connections from now on.
    drop(listener);
    let still_open = open.load(Ordering::Relaxed);
    tracing::info!(
        "shutting down: {still_open} connection(s) open, waiting up to {:?}",
        options.shutdown_grace
    );
    let both = async { tokio::join!(graceful.shutdown(), on_shutdown) };
    match tokio::time::timeout(options.shutdown_grace, both).await {
        Ok(_) => Drained::Clean,
        Err(_) => {
            let left = open.load(Ordering::Relaxed);
            tracing::warn!("shutdown grace period over: dropping {left} connection(s)");
            Drained::TimedOut(left)
        }
    }
}
