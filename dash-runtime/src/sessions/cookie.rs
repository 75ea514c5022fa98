//! The session cookie: read, verified, issued and rotated by a layer in front of the app's
//! routes.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::data::{new_session_id, ServerData};
use super::{SameSite, Sessions};

/// The value of cookie `name` in a request's `Cookie` headers.
pub(crate) fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

/// Replace cookie `name` in the request's `Cookie` headers by `value` (other cookies kept).
fn put_cookie(headers: &mut HeaderMap, name: &str, value: &str) {
    let mut pairs: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && pair.split_once('=').is_none_or(|(k, _)| k != name))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("{name}={value}"));
    if let Ok(joined) = HeaderValue::from_str(&pairs.join("; ")) {
        headers.remove(header::COOKIE);
        headers.insert(header::COOKIE, joined);
    }
}

/// Whether the request reached the app over TLS: a TLS proxy's `X-Forwarded-Proto: https`
/// (or `Forwarded: proto=https`), or an `https` request URI.
pub(crate) fn over_tls(request: &Request) -> bool {
    let headers = request.headers();
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|v| {
            v.split(';').any(|part| {
                part.trim().split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("proto")
                        && v.trim().trim_matches('"').eq_ignore_ascii_case("https")
                })
            })
        });
    forwarded_proto || forwarded || request.uri().scheme_str() == Some("https")
}

/// Whether the request is a page load (a browser asking for HTML).
fn is_page_load(request: &Request) -> bool {
    request.method() == axum::http::Method::GET
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// The `Set-Cookie` value for a session cookie.
pub(crate) fn set_cookie(sessions: &Sessions, value: &str, path: &str, secure: bool) -> String {
    let mut cookie = format!(
        "{}={value}; Path={path}; Max-Age={}; HttpOnly; SameSite={}",
        sessions.cookie_name,
        sessions.ttl.as_secs(),
        sessions.same_site.as_str()
    );
    // Browsers drop `SameSite=None` cookies that are not `Secure`.
    if secure || sessions.same_site == SameSite::None {
        cookie.push_str("; Secure");
    }
    cookie
}

/// What the session layer needs: the app's server-side data and the cookie's path.
#[derive(Clone)]
pub(crate) struct SessionLayer {
    pub data: Arc<ServerData>,
    pub path: String,
}

/// The session layer: every request reaches the app with a valid session cookie (a new
/// session when it had none, or an invalid one); the response sets the cookie when it was
/// new, signed with an old secret, or on a page load (which renews its lifetime).
pub(crate) async fn session_layer(
    State(layer): State<SessionLayer>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(sessions) = layer.data.sessions() else {
        return next.run(request).await;
    };
    let keys = match layer.data.keys().await {
        Ok(keys) => keys,
        Err(failure) => {
            return (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                failure.to_string(),
            )
                .into_response()
        }
    };
    let found = read_cookie(request.headers(), &sessions.cookie_name).and_then(|c| {
        keys.session_id(&c)
            .map(|(id, current)| (id.to_owned(), current))
    });
    let (id, rewrite) = match found {
        Some((id, current)) => (id, !current),
        None => (new_session_id(), true),
    };
    let value = keys.session_cookie(&id);
    if rewrite {
        put_cookie(request.headers_mut(), &sessions.cookie_name, &value);
    }
    let issue = rewrite || is_page_load(&request);
    let secure = over_tls(&request);
    let mut response = next.run(request).await;
    if issue {
        if let Ok(v) = HeaderValue::from_str(&set_cookie(sessions, &value, &layer.path, secure)) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_and_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; s=old; b=2"));
        assert_eq!(read_cookie(&headers, "s").as_deref(), Some("old"));
        put_cookie(&mut headers, "s", "new");
        assert_eq!(
            headers.get(header::COOKIE).and_then(|v| v.to_str().ok()),
            Some("a=1; b=2; s=new")
        );
        let mut empty = HeaderMap::new();
        put_cookie(&mut empty, "s", "v");
        assert_eq!(read_cookie(&empty, "s").as_deref(), Some("v"));
    }

    #[test]
    fn set_cookie_attributes() {
        let s = Sessions::new();
        let plain = set_cookie(&s, "v", "/", false);
        assert_eq!(
            plain,
            "dash_session=v; Path=/; Max-Age=1209600; HttpOnly; SameSite=Lax"
        );
        assert!(set_cookie(&s, "v", "/", true).ends_with("; Secure"));
        let none = Sessions::new().same_site(SameSite::None);
        assert!(set_cookie(&none, "v", "/", false).ends_with("SameSite=None; Secure"));
    }

    #[test]
    fn tls_comes_from_the_proxy_headers() {
        let req = |name: &str, value: &str| {
            Request::builder()
                .uri("/")
                .header(name, value)
                .body(axum::body::Body::empty())
                .unwrap_or_default()
        };
        assert!(over_tls(&req("x-forwarded-proto", "https")));
        assert!(over_tls(&req("x-forwarded-proto", "HTTPS, http")));
        assert!(!over_tls(&req("x-forwarded-proto", "http")));
        assert!(over_tls(&req("forwarded", "for=1.2.3.4;proto=https")));
        assert!(!over_tls(&req("x-other", "https")));
    }
}
