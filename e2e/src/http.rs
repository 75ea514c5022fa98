//! Blocking HTTP for the tests (the app under test, a Python twin): reqwest's blocking client
//! with what the conformance tests compare kept as sent. Redirects are not followed (the
//! tests look at `Location`), bodies are not decompressed (no compression feature: the tests
//! see the bytes and `Content-Encoding` the server chose), and connections are not reused (a
//! stopped app must not wait for idle keep-alive connections of ours).
//!
//! Every conformance request is an ordinary one that any client can make, so no raw-socket
//! helper is needed here; the websocket test uses tungstenite.
//!
//! ```no_run
//! use dash_e2e::http;
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), http::HttpError> {
//! let response = http::get("http://127.0.0.1:8050/_dash-layout", Duration::from_secs(10))?;
//! assert_eq!(response.status, 200);
//! let layout = response.json()?;
//! # let _ = layout;
//! # Ok(())
//! # }
//! ```

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use thiserror::Error;

/// Why a request failed.
#[derive(Debug, Error)]
pub enum HttpError {
    /// The method or a header is not valid HTTP.
    #[error("{method} {url}: invalid request: {reason}")]
    Invalid {
        /// Request method.
        method: String,
        /// Request URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Connecting, sending or reading failed (including timeouts and bad URLs).
    #[error("{method} {url}: {source}")]
    Transport {
        /// Request method.
        method: String,
        /// Request URL.
        url: String,
        /// What went wrong.
        #[source]
        source: reqwest::Error,
    },
    /// The body is not the JSON the caller asked for.
    #[error("response body is not JSON ({source}): {body}")]
    Json {
        /// The parse error.
        #[source]
        source: serde_json::Error,
        /// The start of the body.
        body: String,
    },
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code, e.g. 200.
    pub status: u16,
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, as sent (not decompressed).
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, HttpError> {
        serde_json::from_slice(&self.body).map_err(|source| HttpError::Json {
            source,
            body: self.text().chars().take(500).collect(),
        })
    }
}

/// `GET url`.
pub fn get(url: &str, timeout: Duration) -> Result<Response, HttpError> {
    request("GET", url, None, timeout)
}

/// `POST url` with a JSON body.
pub fn post_json(
    url: &str,
    body: &serde_json::Value,
    timeout: Duration,
) -> Result<Response, HttpError> {
    let bytes = body.to_string().into_bytes();
    request("POST", url, Some(("application/json", &bytes)), timeout)
}

/// Sends one request and reads the whole response, all within `timeout`. `body` is
/// `(content type, bytes)`.
pub fn request(
    method: &str,
    url: &str,
    body: Option<(&str, &[u8])>,
    timeout: Duration,
) -> Result<Response, HttpError> {
    request_with_headers(method, url, body, &[("Accept", "*/*")], timeout)
}

/// Like [`request`], with the request's own `headers` (name, value) instead of `Accept: */*`.
pub fn request_with_headers(
    method: &str,
    url: &str,
    body: Option<(&str, &[u8])>,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> Result<Response, HttpError> {
    let invalid = |reason: String| HttpError::Invalid {
        method: method.to_owned(),
        url: url.to_owned(),
        reason,
    };
    let transport = |source| HttpError::Transport {
        method: method.to_owned(),
        url: url.to_owned(),
        source,
    };
    let verb = Method::from_bytes(method.as_bytes()).map_err(|e| invalid(e.to_string()))?;
    let mut builder = client().request(verb, url).timeout(timeout);
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(ACCEPT.as_str()))
    {
        // reqwest would send `Accept: */*` anyway; say so, as the other requests do.
        builder = builder.header(ACCEPT, "*/*");
    }
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        let value = HeaderValue::from_str(value).map_err(|e| invalid(e.to_string()))?;
        builder = builder.header(name, value);
    }
    if let Some((content_type, bytes)) = body {
        builder = builder
            .header(CONTENT_TYPE, content_type)
            .body(bytes.to_vec());
    }
    let response = builder.send().map_err(transport)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response.bytes().map_err(transport)?.to_vec();
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// The one client of the test process (its own runtime thread, started on first use).
fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .build()
            // Only fails when the TLS backend or the system resolver cannot start; this client
            // has no TLS and resolves nothing but loopback names.
            .unwrap_or_else(|e| panic!("starting the HTTP client: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::thread;

    /// Serves one connection with `reply`, after reading the request head.
    fn serve_once(reply: &'static [u8]) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut req = Vec::new();
            let mut b = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = conn.read(&mut b).unwrap();
                if n == 0 {
                    break;
                }
                req.extend_from_slice(&b[..n]);
            }
            conn.write_all(reply).unwrap();
            thread::sleep(Duration::from_secs(2));
        });
        port
    }

    #[test]
    fn does_not_follow_redirects_and_keeps_headers() {
        let port =
            serve_once(b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n");
        let r = get(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(5)).unwrap();
        assert_eq!(r.status, 302);
        assert_eq!(r.header("LOCATION"), Some("/elsewhere"));
    }

    #[test]
    fn keeps_compressed_bodies_as_sent() {
        let port = serve_once(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc",
        );
        let r = get(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(5)).unwrap();
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert_eq!(r.body, b"abc");
    }

    #[test]
    fn reads_json_and_reports_bad_requests() {
        let port = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
        let r = post_json(
            &format!("http://127.0.0.1:{port}/x"),
            &serde_json::json!({}),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(r.json().unwrap(), serde_json::json!({"a": 1}));
        assert!(matches!(
            request(
                "BAD METHOD",
                "http://127.0.0.1:1/",
                None,
                Duration::from_secs(1)
            ),
            Err(HttpError::Invalid { .. })
        ));
    }
}
