//! A small closed-loop HTTP/1.1 load generator.
//!
//! `connections` keep-alive connections each send one request, wait for the whole answer,
//! and send the next, until the phase's deadline. Everything runs on **one** OS thread (a
//! current-thread tokio runtime), so on a 2-core machine the generator takes at most one
//! core and leaves the other to the server under test.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{ACCEPT, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::error::BenchError;
use crate::stats::Summary;

/// What to send and for how long.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// The server, always on the loopback interface.
    pub addr: SocketAddr,
    /// Path and query of the POST, e.g. `/_dash-update-component?endId=...`.
    pub path_and_query: String,
    /// The JSON body sent with every request.
    pub body: Bytes,
    /// Concurrent keep-alive connections.
    pub connections: usize,
    /// Unmeasured phase before the measurement (server warm-up, connection set-up).
    pub warmup: Duration,
    /// Measured phase.
    pub duration: Duration,
}

/// Run the warm-up and then the measured phase against `spec.addr`.
pub fn run(spec: &LoadSpec) -> Result<Summary, BenchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(BenchError::Runtime)?;
    let spec = Arc::new(spec.clone());
    runtime.block_on(async move {
        if !spec.warmup.is_zero() {
            phase(&spec, spec.warmup).await;
        }
        let started = Instant::now();
        let results = phase(&spec, spec.duration).await;
        let elapsed = started.elapsed();
        let errors = results.iter().map(|r| r.errors).sum();
        let latencies = results.into_iter().flat_map(|r| r.micros).collect();
        Ok(Summary::from_latencies(latencies, errors, elapsed))
    })
}

/// What one connection measured.
#[derive(Debug, Default)]
struct ConnectionResult {
    micros: Vec<u32>,
    errors: u64,
}

async fn phase(spec: &Arc<LoadSpec>, length: Duration) -> Vec<ConnectionResult> {
    let deadline = Instant::now() + length;
    let tasks: Vec<_> = (0..spec.connections)
        .map(|_| tokio::spawn(connection_loop(Arc::clone(spec), deadline)))
        .collect();
    let mut results = Vec::with_capacity(tasks.len());
    for task in tasks {
        // A panicking task would be a bug in this file; count it as lost, not as a crash.
        results.push(task.await.unwrap_or_else(|_| ConnectionResult {
            micros: Vec::new(),
            errors: 1,
        }));
    }
    results
}

async fn connection_loop(spec: Arc<LoadSpec>, deadline: Instant) -> ConnectionResult {
    let mut result = ConnectionResult {
        micros: Vec::with_capacity(1 << 14),
        errors: 0,
    };
    let mut sender: Option<SendRequest<Full<Bytes>>> = None;
    while Instant::now() < deadline {
        let mut current = match sender.take() {
            Some(s) if !s.is_closed() => s,
            _ => match connect(spec.addr).await {
                Ok(s) => s,
                Err(_) => {
                    result.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        // A server may close an idle keep-alive connection: reconnect, not an error.
        if current.ready().await.is_err() {
            continue;
        }
        let request = match build_request(&spec) {
            Ok(request) => request,
            Err(_) => {
                result.errors += 1;
                break;
            }
        };
        let start = Instant::now();
        match current.send_request(request).await {
            Ok(response) => {
                let status = response.status();
                let complete = response.into_body().collect().await.is_ok();
                if complete && status == StatusCode::OK {
                    let micros = start.elapsed().as_micros();
                    result
                        .micros
                        .push(u32::try_from(micros).unwrap_or(u32::MAX));
                } else {
                    result.errors += 1;
                }
                if complete {
                    sender = Some(current);
                }
            }
            Err(_) => result.errors += 1,
        }
    }
    result
}

fn build_request(spec: &LoadSpec) -> Result<Request<Full<Bytes>>, hyper::http::Error> {
    Request::builder()
        .method(Method::POST)
        .uri(spec.path_and_query.as_str())
        .header(HOST, spec.addr.to_string())
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, "application/json")
        .body(Full::new(spec.body.clone()))
}

async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, ConnectError> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // The connection ends when the server closes it or the sender is dropped.
        let _ = connection.await;
    });
    Ok(sender)
}

/// A connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// TCP connect or socket option failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The HTTP/1.1 handshake failed.
    #[error(transparent)]
    Http(#[from] hyper::Error),
}

/// One request, for probing a target before the load: returns status and body.
pub async fn send_once(
    addr: SocketAddr,
    method: Method,
    path_and_query: &str,
    body: Option<Bytes>,
) -> Result<(StatusCode, Bytes), OnceError> {
    let mut sender = connect(addr).await?;
    let mut builder = Request::builder()
        .method(method)
        .uri(path_and_query)
        .header(HOST, addr.to_string());
    if body.is_some() {
        builder = builder
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json");
    }
    let request = builder.body(Full::new(body.unwrap_or_default()))?;
    sender.ready().await.map_err(ConnectError::Http)?;
    let response = sender
        .send_request(request)
        .await
        .map_err(ConnectError::Http)?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(ConnectError::Http)?
        .to_bytes();
    Ok((status, bytes))
}

/// A probe request failed.
#[derive(Debug, thiserror::Error)]
pub enum OnceError {
    /// Transport failure.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The request could not be built.
    #[error(transparent)]
    Request(#[from] hyper::http::Error),
}
