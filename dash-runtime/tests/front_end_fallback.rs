//! Without npm (and without an offline directory), an app still starts: the page links the
//! Dash front end from the public CDN, with a warning.

use dash_runtime::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn no_npm_means_the_cdn_front_end() {
    let cache = std::env::temp_dir().join(format!("dash-rs-no-npm-{}", std::process::id()));
    // nextest runs each test in its own process: the variables stay in this test.
    std::env::set_var("DASH_RS_CACHE_DIR", &cache);
    std::env::set_var("DASH_RS_NPM", "/nonexistent/npm-is-not-installed");
    std::env::remove_var("DASH_RS_ASSETS_DIR");
    let server = Dash::new()
        .layout(html::div(html::h1("Hi").id("title")))
        .build()
        .await
        .expect("starts without npm");
    assert!(!server.config().serve_locally);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let addr = listener.local_addr().expect("addr");
    let router = server.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .expect("writes");
    let mut page = String::new();
    stream.read_to_string(&mut page).await.expect("reads");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("<script src=\"https://"), "{page}");
    assert!(
        !page.contains("_dash-component-suites/dash/dash-renderer"),
        "{page}"
    );
    let _ = std::fs::remove_dir_all(cache);
}
