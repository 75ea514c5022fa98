//! Before the load: learn the request path a browser would use and check the answer.

use std::net::SocketAddr;

use bytes::Bytes;
use hyper::{Method, StatusCode};
use serde_json::Value;

use crate::error::BenchError;
use crate::greeting;
use crate::loadgen::{self, LoadSpec};

/// Fetch the index page (for `end_id`, which dash-renderer appends as `?endId=`), send the
/// greeting request once, check that the answer is the expected JSON, and return the
/// request path to load.
pub fn prepare(label: &str, addr: SocketAddr) -> Result<String, BenchError> {
    let wrong = |message: String| BenchError::WrongAnswer {
        target: label.to_string(),
        message,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(BenchError::Runtime)?;
    runtime.block_on(async {
        let (_, index) = loadgen::send_once(addr, Method::GET, "/", None)
            .await
            .map_err(|e| wrong(format!("GET /: {e}")))?;
        let path = match end_id(&String::from_utf8_lossy(&index)) {
            Some(end_id) => format!("/_dash-update-component?endId={end_id}"),
            None => "/_dash-update-component".to_string(),
        };
        let body = Bytes::from(greeting::request_body().to_string());
        let (status, answer) = loadgen::send_once(addr, Method::POST, &path, Some(body))
            .await
            .map_err(|e| wrong(format!("POST {path}: {e}")))?;
        let parsed: Option<Value> = serde_json::from_slice(&answer).ok();
        if status != StatusCode::OK || parsed != Some(greeting::expected_response()) {
            return Err(wrong(format!(
                "POST {path}: {status} {}",
                String::from_utf8_lossy(&answer)
            )));
        }
        Ok(path)
    })
}

/// The load for `addr` on `path`, with the greeting body.
pub fn spec(addr: SocketAddr, path: String, options: &crate::cli::Options) -> LoadSpec {
    LoadSpec {
        addr,
        path_and_query: path,
        body: Bytes::from(greeting::request_body().to_string()),
        connections: options.connections,
        warmup: options.warmup,
        duration: options.duration,
    }
}

/// `end_id` from the `_dash-config` script of an index page, if there is one.
pub fn end_id(html: &str) -> Option<String> {
    let tag = html.find("id=\"_dash-config\"")?;
    let start = tag + html[tag..].find('>')? + 1;
    let end = start + html[start..].find("</script>")?;
    let config: Value = serde_json::from_str(&html[start..end]).ok()?;
    let id = config.get("end_id")?.as_str()?;
    // The renderer appends it without encoding; Dash tokens are [A-Za-z0-9~] only.
    id.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '~')
        .then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_end_id() {
        let html = r#"<footer><script id="_dash-config" type="application/json">{"url_base_pathname":null,"end_id":"abc~123"}</script></footer>"#;
        assert_eq!(end_id(html).as_deref(), Some("abc~123"));
        assert_eq!(end_id("<html></html>"), None);
        let odd = r#"<script id="_dash-config" type="application/json">{"end_id":"a&b"}</script>"#;
        assert_eq!(end_id(odd), None);
    }
}
