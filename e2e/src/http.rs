//! A small blocking HTTP/1.1 client for servers on this machine (chromedriver, the app under
//! test, a Python twin). Plain `http://` only, one connection per request, no compression.
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

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use thiserror::Error;

/// Why a request failed.
#[derive(Debug, Error)]
pub enum HttpError {
    /// The URL is not of the form `http://host[:port][/path]`.
    #[error("unsupported URL {0:?}: expected http://host[:port][/path]")]
    Url(String),
    /// Connecting, writing or reading failed (including timeouts).
    #[error("{method} {url}: {source}")]
    Io {
        /// Request method.
        method: String,
        /// Request URL.
        url: String,
        /// What went wrong.
        #[source]
        source: io::Error,
    },
    /// The server's answer is not valid HTTP/1.x.
    #[error("{method} {url}: malformed response: {reason}")]
    Malformed {
        /// Request method.
        method: String,
        /// Request URL.
        url: String,
        /// What is wrong with it.
        reason: String,
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
    /// Header names (as sent) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
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

/// Sends one request and reads the whole response. `body` is `(content type, bytes)`;
/// `timeout` bounds connecting and each read or write (and ten times it the whole response).
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
    let target = Target::parse(url)?;
    let io_err = |source| HttpError::Io {
        method: method.to_owned(),
        url: url.to_owned(),
        source,
    };
    let malformed = |reason: String| HttpError::Malformed {
        method: method.to_owned(),
        url: url.to_owned(),
        reason,
    };

    let mut stream = connect(&target, timeout).map_err(io_err)?;
    stream.set_read_timeout(Some(timeout)).map_err(io_err)?;
    stream.set_write_timeout(Some(timeout)).map_err(io_err)?;

    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        target.path, target.authority
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let payload: &[u8] = match body {
        Some((content_type, bytes)) => {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
            bytes
        }
        None => &[],
    };
    if body.is_some() || method != "GET" {
        head.push_str(&format!("Content-Length: {}\r\n", payload.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(io_err)?;
    stream.write_all(payload).map_err(io_err)?;
    stream.flush().map_err(io_err)?;

    read_response(&mut stream, method == "HEAD", timeout).map_err(|e| match e {
        ReadError::Io(source) => io_err(source),
        ReadError::Malformed(reason) => malformed(reason),
    })
}

struct Target {
    authority: String,
    host: String,
    port: u16,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, HttpError> {
        let bad = || HttpError::Url(url.to_owned());
        let rest = url.strip_prefix("http://").ok_or_else(bad)?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.is_empty() {
            return Err(bad());
        }
        let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
            let (host, after) = bracketed.split_once(']').ok_or_else(bad)?;
            match after.strip_prefix(':') {
                Some(port) => (host, port.parse::<u16>().map_err(|_| bad())?),
                None if after.is_empty() => (host, 80),
                None => return Err(bad()),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad())?),
                None => (authority, 80),
            }
        };
        Ok(Self {
            authority: authority.to_owned(),
            host: host.to_owned(),
            port,
            path: path.to_owned(),
        })
    }
}

fn connect(target: &Target, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "host resolved to no address");
    for addr in (target.host.as_str(), target.port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(last)
}

enum ReadError {
    Io(io::Error),
    Malformed(String),
}

/// How the end of the body is known.
#[derive(Clone, Copy)]
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

fn read_response(
    stream: &mut TcpStream,
    head_only: bool,
    timeout: Duration,
) -> Result<Response, ReadError> {
    let started = Instant::now();
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 16 * 1024];
    let mut parsed: Option<Head> = None;
    loop {
        if let Some(head) = &parsed {
            let body = &buf[head.body_start..];
            let done = match head.framing {
                Framing::Length(n) => body.len() >= n,
                Framing::Chunked => dechunk(body)?.is_some(),
                Framing::UntilClose => false,
            };
            if done {
                let body = match head.framing {
                    Framing::Length(n) => body[..n].to_vec(),
                    Framing::Chunked => dechunk(body)?.unwrap_or_default(),
                    Framing::UntilClose => body.to_vec(),
                };
                return Ok(Response {
                    status: head.status,
                    headers: head.headers.clone(),
                    body,
                });
            }
        }
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if n == 0 {
            return match parsed {
                Some(Head {
                    status,
                    headers,
                    body_start,
                    framing: Framing::UntilClose,
                }) => Ok(Response {
                    status,
                    headers,
                    body: buf[body_start..].to_vec(),
                }),
                Some(_) => Err(ReadError::Malformed("connection closed mid-body".into())),
                None => Err(ReadError::Malformed(
                    "connection closed before the headers ended".into(),
                )),
            };
        }
        buf.extend_from_slice(&chunk[..n]);
        if parsed.is_none() {
            parsed = parse_head(&buf, head_only)?;
        }
        if started.elapsed() > timeout * 10 {
            return Err(ReadError::Io(io::Error::new(
                io::ErrorKind::TimedOut,
                "response took too long",
            )));
        }
    }
}

/// A parsed status line and headers.
struct Head {
    status: u16,
    headers: Vec<(String, String)>,
    /// Where the body starts in the receive buffer.
    body_start: usize,
    framing: Framing,
}

fn parse_head(buf: &[u8], head_only: bool) -> Result<Option<Head>, ReadError> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&buf[..end]);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Malformed(format!("status line {status_line:?}")));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| ReadError::Malformed(format!("status line {status_line:?}")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let framing = if head_only || status == 204 || status == 304 || (100..200).contains(&status) {
        Framing::Length(0)
    } else if find("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        Framing::Chunked
    } else if let Some(len) = find("content-length") {
        Framing::Length(
            len.parse()
                .map_err(|_| ReadError::Malformed(format!("content-length {len:?}")))?,
        )
    } else {
        Framing::UntilClose
    };
    Ok(Some(Head {
        status,
        headers,
        body_start: end + 4,
        framing,
    }))
}

/// Decodes a chunked body; `None` while it is incomplete.
fn dechunk(mut data: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| ReadError::Malformed(format!("chunk size {size_hex:?}")))?;
        data = &data[line_end + 2..];
        if size == 0 {
            // Trailers (if any) end with an empty line; we ignore their content.
            return Ok(data.windows(2).any(|w| w == b"\r\n").then_some(out));
        }
        if data.len() < size + 2 {
            return Ok(None);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

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
            // Keep the connection open: the client must stop at the framing, not at EOF.
            thread::sleep(Duration::from_secs(2));
        });
        port
    }

    #[test]
    fn reads_a_content_length_body_without_waiting_for_close() {
        let port = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
        let r = get(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(5)).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.text(), "hello");
        assert_eq!(r.header("x-a"), Some("b"));
    }

    #[test]
    fn decodes_chunked_bodies() {
        let port = serve_once(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n",
        );
        let r = post_json(
            &format!("http://127.0.0.1:{port}/x"),
            &serde_json::json!({}),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(r.json().unwrap(), serde_json::json!({"a": 1}));
    }

    #[test]
    fn rejects_other_schemes() {
        assert!(matches!(
            get("https://example.invalid/", Duration::from_secs(1)),
            Err(HttpError::Url(_))
        ));
    }

    #[test]
    fn parses_targets() {
        let t = Target::parse("http://127.0.0.1:9515/session/1?x=y").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 9515, "/session/1?x=y")
        );
        let t = Target::parse("http://[::1]:80").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.path.as_str()), ("::1", 80, "/"));
        let t = Target::parse("http://localhost").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("localhost", 80));
    }
}
