//! Which pages may open the websocket: the `Origin` of the upgrade request must be listed,
//! or name the same host and port the request was sent to (Dash's rule; the scheme is not
//! compared, so a TLS-terminating proxy in front does not break it).

use axum::http::{header, HeaderMap};

/// Why an upgrade was refused (answered 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginRefused {
    /// The request has no `Origin` header (browsers always send one).
    Missing,
    /// `Origin` is neither allowed nor this host.
    Foreign(String),
}

impl std::fmt::Display for OriginRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OriginRefused::Missing => f.write_str("the websocket upgrade has no Origin header"),
            OriginRefused::Foreign(o) => write!(
                f,
                "origin `{o}` may not open this app's websocket (same host only; \
                 list others with Dash::websocket_allowed_origins)"
            ),
        }
    }
}

/// Check an upgrade request's `Origin` against `allowed` and its `Host`.
pub(crate) fn check(headers: &HeaderMap, allowed: &[String]) -> Result<(), OriginRefused> {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .ok_or(OriginRefused::Missing)?;
    if allowed.iter().any(|a| a == origin) {
        return Ok(());
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    match (origin_host, host) {
        (Some(o), Some(h)) if o.eq_ignore_ascii_case(h) => Ok(()),
        _ => Err(OriginRefused::Foreign(origin.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, host.parse().unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, o.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_host_and_listed_origins_pass_others_do_not() {
        let host = "127.0.0.1:8050";
        assert_eq!(
            check(&headers(Some("http://127.0.0.1:8050"), host), &[]),
            Ok(())
        );
        // The scheme is not compared (TLS may end at a proxy).
        assert_eq!(
            check(&headers(Some("https://127.0.0.1:8050"), host), &[]),
            Ok(())
        );
        assert_eq!(
            check(&headers(None, host), &[]),
            Err(OriginRefused::Missing)
        );
        assert!(matches!(
            check(&headers(Some("http://evil.example"), host), &[]),
            Err(OriginRefused::Foreign(_))
        ));
        // Another port is another origin.
        assert!(check(&headers(Some("http://127.0.0.1:9000"), host), &[]).is_err());
        let allowed = vec!["http://allowed.example".to_owned()];
        assert_eq!(
            check(&headers(Some("http://allowed.example"), host), &allowed),
            Ok(())
        );
    }
}
