//! Conditional-request helpers shared by the suites, the assets folder and the favicon.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// `Cache-Control` of fingerprinted (versioned) URLs.
pub(crate) const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of URLs that may change content: always revalidate.
pub(crate) const REVALIDATE: &str = "no-cache";

/// Whether `If-None-Match` lists `etag` (weak comparison, as RFC 9110 asks for this header).
pub(crate) fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    let wanted = etag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == wanted)
}

/// A header value from text we built ourselves; invalid bytes degrade to an empty value.
pub(crate) fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `404 Not Found` with a short plain-text body.
pub(crate) fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Not Found",
    )
        .into_response()
}

/// A response from a status, headers and body.
pub(crate) fn respond(status: StatusCode, headers: HeaderMap, body: Body) -> Response {
    (status, headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(inm: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, value(inm));
        h
    }

    #[test]
    fn etag_matching() {
        assert!(etag_matches(&with("\"abc\""), "\"abc\""));
        assert!(etag_matches(&with("\"x\", \"abc\""), "\"abc\""));
        assert!(etag_matches(&with("W/\"abc\""), "\"abc\""));
        assert!(etag_matches(&with("*"), "\"abc\""));
        assert!(!etag_matches(&with("\"abd\""), "\"abc\""));
        assert!(!etag_matches(&with("abc"), "\"abc\""));
        assert!(!etag_matches(&HeaderMap::new(), "\"abc\""));
    }
}
