//! Settings whose effect the other tests do not see: the connection limit holds a second
//! client until the first one leaves, `DASH_STORE_TTL` sets the data store's default TTL, and
//! `DASH_CALLBACK_THREADS` / `DASH_CALLBACK_QUEUE` size the callback pool.

use std::time::Duration;

use dash_runtime::prelude::*;
use dash_runtime::store::DataStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bound of every wait (never a timing assertion).
const WAIT: Duration = Duration::from_secs(30);

async fn get_layout(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /_dash-layout HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("request written");
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(WAIT, stream.read(&mut buf))
        .await
        .expect("an answer")
        .expect("read");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_limit_holds_the_next_client_until_one_leaves() {
    let server = Dash::new()
        .serve_locally(false)
        .max_connections(1)
        .layout(html::div(html::Div::new().id("limited")))
        .build()
        .await
        .expect("builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_until(listener, async {
        let _ = stopped.await;
    }));

    let mut first = TcpStream::connect(addr).await.expect("first connects");
    assert!(get_layout(&mut first).await.starts_with("HTTP/1.1 200"));
    // The first connection stays open (keep-alive) and holds the only place.
    let mut second = TcpStream::connect(addr)
        .await
        .expect("queued by the kernel");
    second
        .write_all(b"GET /_dash-layout HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("request written");
    let mut buf = vec![0u8; 4096];
    let early = tokio::time::timeout(Duration::from_millis(300), second.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "the second client was served while the first held the only place"
    );
    drop(first);
    let n = tokio::time::timeout(WAIT, second.read(&mut buf))
        .await
        .expect("served once the first client left")
        .expect("read");
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = stop.send(());
    let _ = tokio::time::timeout(WAIT, serving).await;
}

#[tokio::test]
async fn environment_sizes_the_store_ttl_and_the_callback_pool() {
    // One test, so that nobody else changes the environment meanwhile.
    std::env::set_var("DASH_STORE_TTL", "7");
    let dir = std::env::temp_dir().join(format!("dash-rs-settings-{}", std::process::id()));
    assert_eq!(
        DataStore::embedded_at(dir.join("data.sqlite3")).ttl(),
        Duration::from_secs(7)
    );
    std::env::remove_var("DASH_STORE_TTL");

    std::env::set_var("DASH_CALLBACK_THREADS", "3");
    std::env::set_var("DASH_CALLBACK_QUEUE", "5");
    let server = Dash::new()
        .serve_locally(false)
        .layout(html::div(()))
        .build()
        .await
        .expect("builds");
    let pool = server.dispatcher().pool();
    assert_eq!((pool.threads(), pool.queue()), (3, 5));
    std::env::set_var("DASH_CALLBACK_THREADS", "many");
    let refused = Dash::new().layout(html::div(())).build().await;
    let message = match refused {
        Ok(_) => panic!("an invalid DASH_CALLBACK_THREADS was accepted"),
        Err(err) => err.to_string(),
    };
    assert!(message.contains("DASH_CALLBACK_THREADS"), "{message}");
    std::env::remove_var("DASH_CALLBACK_THREADS");
    std::env::remove_var("DASH_CALLBACK_QUEUE");
    let _ = std::fs::remove_dir_all(dir);
}
