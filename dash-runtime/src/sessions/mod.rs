//! Sessions: a signed cookie naming a key/value map kept in the app's data store.
//!
//! Turn them on with [`Dash::sessions`](crate::Dash::sessions). The first page load gets a
//! cookie (`dash_session` by default: `HttpOnly`, `SameSite=Lax`, `Secure` when the request
//! came over TLS, i.e. `X-Forwarded-Proto: https` behind a proxy) holding a random session id
//! and its HMAC signature; the renderer's later requests carry it. Inside a callback,
//! `callback_context().session()` is that session's map: read before the call, written back
//! after it when the callback changed it.
//!
//! ```
//! use dash_runtime::prelude::*;
//!
//! #[callback(output = Output("visits", "children"), inputs = [Input("url", "pathname")])]
//! fn visits(_path: Option<String>) -> String {
//!     let Some(session) = callback_context().and_then(|c| c.session()) else {
//!         return "sessions are off".to_owned();
//!     };
//!     let n = session.get::<u64>("visits").unwrap_or(0) + 1;
//!     session.set("visits", n).ok();
//!     format!("visits this session: {n}")
//! }
//! ```
//!
//! With sessions on, [`Serverside`](crate::Serverside) keys are bound to the session that
//! made them: another browser cannot use them, even with the key in hand.
//!
//! The cookie's signature uses [`Sessions::secret`], else `DASH_SECRET_KEY`, else a secret
//! the data store shares between the app's processes. Rotate a secret by moving it to
//! [`Sessions::previous_secrets`]: cookies signed with it stay valid and are re-signed with
//! the new one on their next request.

mod cookie;
mod data;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

pub(crate) use cookie::{session_layer, SessionLayer};
pub(crate) use data::{Admission, ServerData};

use crate::callback::{CallbackContext, MissingValue};

/// The session settings of an app: [`Dash::sessions`](crate::Dash::sessions).
///
/// ```no_run
/// use dash_runtime::prelude::*;
/// use dash_runtime::sessions::{SameSite, Sessions};
/// use std::time::Duration;
///
/// Dash::new()
///     .sessions(
///         Sessions::new()
///             .cookie_name("my_app_session")
///             .secret(std::env::var("SESSION_SECRET").expect("SESSION_SECRET"))
///             .previous_secrets(["the-secret-before"])
///             .same_site(SameSite::Strict)
///             .ttl(Duration::from_secs(7 * 24 * 3600)),
///     )
///     .layout(html::div(()))
///     .run()
///     .expect("server");
/// ```
#[derive(Clone)]
pub struct Sessions {
    pub(crate) cookie_name: String,
    pub(crate) secret: Option<Vec<u8>>,
    pub(crate) previous: Vec<Vec<u8>>,
    pub(crate) same_site: SameSite,
    pub(crate) ttl: Duration,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("cookie_name", &self.cookie_name)
            .field("secret", &self.secret.as_ref().map(|_| ".."))
            .field("previous_secrets", &self.previous.len())
            .field("same_site", &self.same_site)
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// The cookie's `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SameSite {
    /// Sent on top-level navigations from other sites and on same-site requests (default).
    #[default]
    Lax,
    /// Sent on same-site requests only.
    Strict,
    /// Sent on every request (the cookie is then always `Secure`, as browsers require).
    None,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        }
    }
}

/// The default session lifetime: 14 days since the last page load.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(14 * 24 * 3600);

/// The longest cookie name accepted; longer ones fall back to `dash_session`.
const MAX_COOKIE_NAME: usize = 64;

impl Default for Sessions {
    fn default() -> Self {
        Sessions::new()
    }
}

impl Sessions {
    /// Sessions with the defaults: cookie `dash_session`, `SameSite=Lax`, 14 days.
    pub fn new() -> Self {
        Sessions {
            cookie_name: "dash_session".to_owned(),
            secret: None,
            previous: Vec::new(),
            same_site: SameSite::Lax,
            ttl: DEFAULT_SESSION_TTL,
        }
    }

    /// The cookie's name (letters, digits, `_` and `-`; anything else keeps the default).
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        let valid = !name.is_empty()
            && name.len() <= MAX_COOKIE_NAME
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid {
            self.cookie_name = name;
        } else {
            tracing::warn!(
                "session cookie name {name:?} is not a plain token; keeping {:?}",
                self.cookie_name
            );
        }
        self
    }

    /// The secret that signs session cookies (default: `DASH_SECRET_KEY`, else a secret the
    /// data store shares between the app's processes). It also signs `Serverside` keys.
    pub fn secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        let secret = secret.into();
        self.secret = (!secret.is_empty()).then_some(secret);
        self
    }

    /// Secrets used before: cookies and keys signed with them are still accepted (and
    /// cookies re-signed with the current secret).
    pub fn previous_secrets<I, S>(mut self, secrets: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Vec<u8>>,
    {
        self.previous = secrets
            .into_iter()
            .map(Into::into)
            .filter(|s: &Vec<u8>| !s.is_empty())
            .collect();
        self
    }

    /// The cookie's `SameSite` attribute (default `Lax`).
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = same_site;
        self
    }

    /// How long a session lives after the last page load (cookie) or change (its map in the
    /// data store). Default 14 days.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_secs(1));
        self
    }
}

/// What an app chose for sessions and `Serverside` values ([`Dash::sessions`],
/// [`Dash::serverside_missing`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct ServerDataSettings {
    pub sessions: Option<Sessions>,
    pub missing: MissingValue,
}

impl crate::app::Dash {
    /// Turn sessions on: a signed session cookie and `callback_context().session()`, a
    /// key/value map kept in the data store. See [`crate::sessions`].
    ///
    /// ```no_run
    /// use dash_runtime::prelude::*;
    /// use dash_runtime::sessions::Sessions;
    ///
    /// Dash::new().sessions(Sessions::new()).layout(html::div(())).run().expect("server");
    /// ```
    pub fn sessions(mut self, sessions: Sessions) -> Self {
        self.server_data.sessions = Some(sessions);
        self
    }

    /// What a callback does when a `Serverside` input's value is gone: refuse the call with
    /// a 4xx naming the store ([`MissingValue::Error`], the default), or change nothing
    /// ([`MissingValue::PreventUpdate`]).
    pub fn serverside_missing(mut self, missing: MissingValue) -> Self {
        self.server_data.missing = missing;
        self
    }
}

/// A session's key/value map, for the callback running now.
///
/// Values are any `Serialize` type, read back as any `DeserializeOwned` type. The map is read
/// before the callback runs and written back after it, only when it changed; concurrent calls
/// of one session each apply their own changes (the last write of a key wins).
///
/// ```
/// use dash_runtime::sessions::Session;
///
/// let session = Session::detached("s1");
/// session.set("user", "ada").unwrap();
/// assert_eq!(session.get::<String>("user").as_deref(), Some("ada"));
/// session.remove("user");
/// assert_eq!(session.get::<String>("user"), None);
/// ```
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    id: String,
    state: Mutex<SessionState>,
}

#[derive(Default)]
struct SessionState {
    values: Map<String, Value>,
    /// Keys changed by this call: the new value, or `None` when removed.
    changes: Vec<(String, Option<Value>)>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.inner.id)
            .finish()
    }
}

/// A session value that could not be serialised.
#[derive(Debug, thiserror::Error)]
#[error("session value {key:?} could not be serialised: {source}")]
pub struct SessionError {
    /// The key.
    pub key: String,
    /// Why.
    #[source]
    pub source: serde_json::Error,
}

impl Session {
    fn new(id: String, values: Map<String, Value>) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                id,
                state: Mutex::new(SessionState {
                    values,
                    changes: Vec::new(),
                }),
            }),
        }
    }

    /// An empty session that is not stored anywhere (for tests of code taking a `Session`).
    pub fn detached(id: impl Into<String>) -> Self {
        Session::new(id.into(), Map::new())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, SessionState> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The session id (random, 128 bits; the cookie holds it signed).
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The value under `key`, if there is one and it fits `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let value = self.state().values.get(key).cloned()?;
        serde_json::from_value(value).ok()
    }

    /// Set `key` to `value`.
    pub fn set<T: Serialize>(&self, key: impl Into<String>, value: T) -> Result<(), SessionError> {
        let key = key.into();
        let value = match serde_json::to_value(value) {
            Ok(v) => v,
            Err(source) => return Err(SessionError { key, source }),
        };
        let mut state = self.state();
        state.values.insert(key.clone(), value.clone());
        record(&mut state.changes, key, Some(value));
        Ok(())
    }

    /// Remove `key`.
    pub fn remove(&self, key: &str) {
        let mut state = self.state();
        state.values.remove(key);
        record(&mut state.changes, key.to_owned(), None);
    }

    /// The keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.state().values.keys().cloned().collect()
    }

    /// This call's changes, taken.
    fn take_changes(&self) -> Vec<(String, Option<Value>)> {
        std::mem::take(&mut self.state().changes)
    }
}

/// Keep one change per key (the latest).
fn record(changes: &mut Vec<(String, Option<Value>)>, key: String, value: Option<Value>) {
    changes.retain(|(k, _)| *k != key);
    changes.push((key, value));
}

impl CallbackContext {
    /// The session of the browser that made this request, when the app turned sessions on
    /// ([`Dash::sessions`](crate::Dash::sessions)); `None` otherwise (and in background jobs).
    pub fn session(&self) -> Option<Session> {
        self.extension::<Session>()
    }
}
