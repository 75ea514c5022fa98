//! Sessions through the router: the cookie is issued on the first page load, verified,
//! re-signed after a secret rotation, `Secure` only behind TLS; session values persist across
//! requests; `Serverside` keys are bound to their session.

mod server_data_support;

use axum::http::StatusCode;
use dash_runtime::prelude::*;
use dash_runtime::sessions::{SameSite, Sessions};
use dash_runtime::store::DataStore;
use serde_json::{json, Value};
use server_data_support::*;

#[callback(output = Output("sess-visits", "children"), inputs = [Input("sess-go", "n_clicks")])]
fn count_visits(_n: Option<u32>) -> String {
    let Some(session) = callback_context().and_then(|c| c.session()) else {
        return "no session".to_owned();
    };
    let n = session.get::<u64>("visits").unwrap_or(0) + 1;
    if session.set("visits", n).is_err() {
        return "not saved".to_owned();
    }
    format!("visits {n} ({} chars of id)", session.id().len())
}

#[callback(output = Output("sess-frame", "data"), inputs = [Input("sess-load", "value")])]
fn session_frame(text: String) -> Serverside<String> {
    Serverside::new(text)
}

#[callback(output = Output("sess-read", "children"), inputs = [Input("sess-frame", "data")])]
fn session_read(text: Serverside<String>) -> String {
    text.into_inner()
}

fn visits_body() -> Value {
    body(
        ("sess-visits", "children"),
        vec![dep("sess-go", "n_clicks", json!(1))],
        vec![],
    )
}

async fn visit(app: &App, cookie: Option<&str>) -> String {
    let (status, _, answer, text) = post(&app.router, "", &visits_body(), cookie).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    answer["response"]["sess-visits"]["children"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn sessions_app(store: &DataStore, sessions: Sessions) -> Dash {
    Dash::new().data_store(store.clone()).sessions(sessions)
}

/// Load the page: the session cookie (`name=value`) and the whole `Set-Cookie` line.
async fn page_cookie(app: &App, headers: &[(&str, &str)]) -> (String, String) {
    let (status, response, _) = get(&app.router, "/", headers).await;
    assert_eq!(status, StatusCode::OK);
    let line = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("dash_session="))
        .expect("the page load sets the session cookie");
    let pair = cookie_pair(&response, "dash_session").unwrap_or_default();
    (pair, line)
}

#[tokio::test]
async fn the_cookie_is_issued_signed_and_http_only_secure_only_behind_tls() {
    let store = DataStore::in_memory();
    let app = app(sessions_app(&store, Sessions::new().secret("s3cret"))).await;
    let (pair, line) = page_cookie(&app, &[("accept", "text/html")]).await;
    println!("{line}");
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Lax"),
        "{line}"
    );
    assert!(
        line.contains("Path=/") && line.contains("Max-Age="),
        "{line}"
    );
    assert!(!line.contains("Secure"), "{line}");
    let value = pair.trim_start_matches("dash_session=");
    let (id, sig) = value.split_once('~').expect("id~signature");
    assert_eq!((id.len(), sig.len()), (32, 64));

    let (_, tls) = page_cookie(&app, &[("x-forwarded-proto", "https")]).await;
    assert!(tls.contains("; Secure"), "{tls}");

    // A valid cookie on a callback request: no new cookie.
    let (_, headers, _, _) = post(&app.router, "", &visits_body(), Some(&pair)).await;
    assert!(
        set_cookies(&headers).is_empty(),
        "{:?}",
        set_cookies(&headers)
    );
    // A forged one: a new session and a new cookie.
    let forged = format!("dash_session={id}~{}", "0".repeat(64));
    let (_, headers, _, _) = post(&app.router, "", &visits_body(), Some(&forged)).await;
    let fresh = cookie_pair(&headers, "dash_session").expect("a new cookie");
    assert!(!fresh.contains(id), "{fresh}");

    let strict = self::app(sessions_app(
        &store,
        Sessions::new()
            .cookie_name("my_session")
            .same_site(SameSite::Strict),
    ))
    .await;
    let (_, headers, _) = get(&strict.router, "/", &[]).await;
    let line = set_cookies(&headers).join("\n");
    assert!(
        line.starts_with("my_session=") && line.contains("SameSite=Strict"),
        "{line}"
    );
}

#[tokio::test]
async fn session_values_persist_across_requests_and_stay_apart() {
    let store = DataStore::in_memory();
    let app = app(sessions_app(&store, Sessions::new())).await;
    let (alice, _) = page_cookie(&app, &[]).await;
    let (bob, _) = page_cookie(&app, &[]).await;
    assert_ne!(alice, bob);
    assert!(visit(&app, Some(&alice)).await.starts_with("visits 1 "));
    assert!(visit(&app, Some(&alice)).await.starts_with("visits 2 "));
    assert!(visit(&app, Some(&bob)).await.starts_with("visits 1 "));
    assert!(visit(&app, Some(&alice)).await.starts_with("visits 3 "));
    // A callback request without a cookie starts a session of its own.
    let (_, headers, answer, _) = post(&app.router, "", &visits_body(), None).await;
    assert!(answer["response"]["sess-visits"]["children"]
        .as_str()
        .is_some_and(|t| t.starts_with("visits 1 ")));
    assert!(cookie_pair(&headers, "dash_session").is_some());
    // Without sessions there is no session.
    let plain = self::app(Dash::new().data_store(store.clone())).await;
    assert_eq!(visit(&plain, None).await, "no session");
}

#[tokio::test]
async fn rotated_secrets_keep_sessions_and_re_sign_cookies() {
    let store = DataStore::in_memory();
    let before = app(sessions_app(&store, Sessions::new().secret("old secret"))).await;
    let (cookie, _) = page_cookie(&before, &[]).await;
    assert!(visit(&before, Some(&cookie)).await.starts_with("visits 1 "));

    let after = app(sessions_app(
        &store,
        Sessions::new()
            .secret("new secret")
            .previous_secrets(["old secret"]),
    ))
    .await;
    let (status, headers, answer, text) =
        post(&after.router, "", &visits_body(), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        answer["response"]["sess-visits"]["children"]
            .as_str()
            .is_some_and(|t| t.starts_with("visits 2 ")),
        "{answer}"
    );
    let resigned = cookie_pair(&headers, "dash_session").expect("re-signed cookie");
    let id = |c: &str| {
        c.trim_start_matches("dash_session=")
            .split('~')
            .next()
            .map(str::to_owned)
    };
    assert_eq!(id(&resigned), id(&cookie));
    assert_ne!(resigned, cookie);
    assert!(visit(&after, Some(&resigned))
        .await
        .starts_with("visits 3 "));

    // Without the old secret, the old cookie is just invalid: a new session.
    let forgot = app(sessions_app(&store, Sessions::new().secret("new secret"))).await;
    assert!(visit(&forgot, Some(&cookie)).await.starts_with("visits 1 "));
}

#[tokio::test]
async fn serverside_keys_are_bound_to_their_session() {
    let store = DataStore::in_memory();
    let app = app(sessions_app(&store, Sessions::new())).await;
    let (alice, _) = page_cookie(&app, &[]).await;
    let (bob, _) = page_cookie(&app, &[]).await;
    let make = body(
        ("sess-frame", "data"),
        vec![dep("sess-load", "value", json!("alice's data"))],
        vec![],
    );
    let (status, _, answer, text) = post(&app.router, "", &make, Some(&alice)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let key = answer["response"]["sess-frame"]["data"].clone();
    let read = body(
        ("sess-read", "children"),
        vec![dep("sess-frame", "data", key)],
        vec![],
    );
    let (status, _, answer, _) = post(&app.router, "", &read, Some(&alice)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer["response"]["sess-read"]["children"],
        json!("alice's data")
    );
    let (status, _, _, text) = post(&app.router, "", &read, Some(&bob)).await;
    println!("bob: {status} {text}");
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(
        text.contains("sess-frame.data") && text.contains("another session"),
        "{text}"
    );
    let (status, _, _, _) = post(&app.router, "", &read, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
