//! The server-side data of one app as the dispatcher sees it: the secret that signs session
//! cookies and `Serverside` keys, and the steps before and after each callback call (find and
//! load the keys among the arguments, load the session; store staged values, sign their keys,
//! save the session).

use std::collections::{HashMap, HashSet};

use axum::http::HeaderMap;
use futures_util::future::try_join_all;
use serde_json::{Map, Value};

use super::{ServerDataSettings, Session, Sessions};
use crate::callback::serverside::{
    find_keys, key_scope, seal, sign_key, storage_key, verify_key, ServersideCall, Staged,
    MAX_KEYS_PER_CALL,
};
use crate::callback::{CallbackSpec, MissingValue};
use crate::protocol::{Failure, Reply, ServersideProblem};
use crate::signing::Signer;
use crate::store::{DataStore, StoreError};

/// The scope of session cookie signatures.
const COOKIE_SCOPE: &str = "session";

/// The secrets: the current one signs, every one verifies.
pub(crate) struct Keys {
    current: Signer,
    previous: Vec<Signer>,
}

impl Keys {
    /// The value of `token` for `scope` and whether the current secret signed it.
    fn verify<'a>(&self, scope: &str, token: &'a str) -> Option<(&'a str, bool)> {
        if let Some(v) = self.current.verify(scope, token) {
            return Some((v, true));
        }
        self.previous
            .iter()
            .find_map(|s| s.verify(scope, token))
            .map(|v| (v, false))
    }

    /// A session id from a cookie value, and whether the cookie should be re-signed.
    pub(crate) fn session_id<'a>(&self, cookie: &'a str) -> Option<(&'a str, bool)> {
        self.verify(COOKIE_SCOPE, cookie)
            .filter(|(id, _)| is_session_id(id))
    }

    /// The cookie value for a session id.
    pub(crate) fn session_cookie(&self, id: &str) -> String {
        self.current.sign(COOKIE_SCOPE, id)
    }

    fn verify_value_key<'a>(&self, scope: &str, key: &'a str) -> Option<&'a str> {
        verify_key(&self.current, scope, key)
            .or_else(|| self.previous.iter().find_map(|s| verify_key(s, scope, key)))
    }
}

/// A fresh session id: 128 random bits, hex.
pub(crate) fn new_session_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn is_session_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn session_key(id: &str) -> String {
    format!("session:{id}")
}

/// One app's sessions and `Serverside` settings, with its data store.
pub(crate) struct ServerData {
    store: DataStore,
    settings: ServerDataSettings,
    /// `Sessions::secret`, else `DASH_SECRET_KEY`.
    configured_secret: Option<Vec<u8>>,
    keys: tokio::sync::OnceCell<Keys>,
}

impl std::fmt::Debug for ServerData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerData")
            .field("sessions", &self.settings.sessions)
            .field("missing", &self.settings.missing)
            .finish()
    }
}

/// How much of the server-side data a call needs before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Verify the keys among the arguments and load their values (a regular call).
    Load,
    /// Verify the keys only (a background job's start: the job loads them where it runs).
    Verify,
    /// Look at no key (a background poll: the arguments are not used).
    Skip,
}

/// What one call carries: its `Serverside` values and its session.
#[derive(Debug)]
pub(crate) struct CallData {
    pub serverside: std::sync::Arc<ServersideCall>,
    pub session: Option<Session>,
}

impl CallData {
    /// Make the call's values and session reachable from its callback context.
    pub(crate) fn attach(&self, extensions: &mut axum::http::Extensions) {
        extensions.insert(self.serverside.clone());
        if let Some(session) = &self.session {
            extensions.insert(session.clone());
        }
    }
}

impl ServerData {
    pub(crate) fn new(store: DataStore, settings: ServerDataSettings) -> Self {
        let configured_secret = settings
            .sessions
            .as_ref()
            .and_then(|s| s.secret.clone())
            .or_else(|| {
                std::env::var("DASH_SECRET_KEY")
                    .ok()
                    .filter(|k| !k.is_empty())
                    .map(String::into_bytes)
            });
        ServerData {
            store,
            settings,
            configured_secret,
            keys: tokio::sync::OnceCell::new(),
        }
    }

    /// The app's data store.
    pub(crate) fn store(&self) -> &DataStore {
        &self.store
    }

    /// The session settings, when sessions are on.
    pub(crate) fn sessions(&self) -> Option<&Sessions> {
        self.settings.sessions.as_ref()
    }

    /// The secrets, resolved on first use (the data store's shared secret needs the store).
    pub(crate) async fn keys(&self) -> Result<&Keys, Failure> {
        self.keys
            .get_or_try_init(|| async {
                let secret = match &self.configured_secret {
                    Some(secret) => secret.clone(),
                    None => self.store.shared_secret().await?,
                };
                let previous = self
                    .settings
                    .sessions
                    .as_ref()
                    .map(|s| s.previous.iter().cloned().map(Signer::new).collect())
                    .unwrap_or_default();
                Ok::<_, StoreError>(Keys {
                    current: Signer::new(secret),
                    previous,
                })
            })
            .await
            .map_err(|err| unavailable(&err))
    }

    /// The session id of a request (the session layer put a valid cookie in every request).
    async fn session_id(&self, headers: &HeaderMap) -> Result<Option<String>, Failure> {
        let Some(sessions) = self.sessions() else {
            return Ok(None);
        };
        let Some(cookie) = super::cookie::read_cookie(headers, &sessions.cookie_name) else {
            return Ok(None);
        };
        let keys = self.keys().await?;
        Ok(keys.session_id(&cookie).map(|(id, _)| id.to_owned()))
    }

    /// Before a call: find, verify and (for [`Admission::Load`]) load the `Serverside` keys
    /// among `values`, and load the session. `Err` answers the call without running it: a
    /// refusal, or 204 under [`MissingValue::PreventUpdate`].
    pub(crate) async fn admit(
        &self,
        spec: &'static CallbackSpec,
        headers: &HeaderMap,
        values: &[Value],
        admission: Admission,
    ) -> Result<CallData, Result<Reply, Failure>> {
        let session_id = self.session_id(headers).await.map_err(Err)?;
        let found = match admission {
            Admission::Skip => Vec::new(),
            Admission::Load | Admission::Verify => find_keys(values, MAX_KEYS_PER_CALL),
        };
        let refuse = |argument: usize, problem: ServersideProblem| {
            if self.settings.missing == MissingValue::PreventUpdate
                && problem != ServersideProblem::TooMany
            {
                return Ok(Reply::NoContent);
            }
            Err(Failure::Serverside {
                callback: spec.name,
                dependency: spec
                    .argument(argument)
                    .map_or_else(|| format!("argument {argument}"), |d| d.prop_id()),
                problem,
            })
        };
        if found.len() > MAX_KEYS_PER_CALL {
            return Err(refuse(found[0].argument, ServersideProblem::TooMany));
        }
        let mut loaded = HashMap::new();
        if !found.is_empty() {
            let keys = self.keys().await.map_err(Err)?;
            let scope = key_scope(session_id.as_deref());
            let mut ids = Vec::with_capacity(found.len());
            for f in &found {
                match keys.verify_value_key(&scope, &f.key) {
                    Some(id) => ids.push(id.to_owned()),
                    None => return Err(refuse(f.argument, ServersideProblem::Forged)),
                }
            }
            if admission == Admission::Load {
                let values = try_join_all(
                    ids.iter()
                        .map(|id| async move { self.store.get_shared(&storage_key(id)).await }),
                )
                .await
                .map_err(|e| Err(unavailable(&e)))?;
                for (f, value) in found.into_iter().zip(values) {
                    match value {
                        Some(bytes) => {
                            loaded.insert(f.key, bytes);
                        }
                        None => return Err(refuse(f.argument, ServersideProblem::Expired)),
                    }
                }
            }
        }
        let session = match session_id {
            Some(id) => Some(self.load_session(id).await.map_err(Err)?),
            None => None,
        };
        let serverside = ServersideCall::new(loaded, self.store.compression_threshold());
        let serverside = match admission {
            Admission::Verify => serverside.deferring(),
            Admission::Load | Admission::Skip => serverside,
        };
        Ok(CallData {
            serverside: std::sync::Arc::new(serverside),
            session,
        })
    }

    async fn load_session(&self, id: String) -> Result<Session, Failure> {
        let values = match self
            .store
            .get::<Map<String, Value>>(&session_key(&id))
            .await
        {
            Ok(values) => values.unwrap_or_default(),
            Err(StoreError::Codec(err)) => {
                tracing::warn!(session = %id, "a stored session could not be read ({err}); starting it afresh");
                Map::new()
            }
            Err(err) => return Err(unavailable(&err)),
        };
        Ok(Session::new(id, values))
    }

    /// After a call: store the values it staged and sign their keys in the reply (only when
    /// the reply delivers them), and save the session when the call changed it.
    pub(crate) async fn finish(
        &self,
        spec: &'static CallbackSpec,
        data: &CallData,
        mut reply: Result<Reply, Failure>,
    ) -> Result<Reply, Failure> {
        let staged = data.serverside.take_staged();
        if let (Ok(Reply::Update(response)), false) = (&mut reply, staged.is_empty()) {
            self.store_staged(spec, &staged).await?;
            let keys = self.keys().await?;
            let scope = key_scope(data.session.as_ref().map(Session::id));
            let ids: HashSet<&str> = staged.iter().map(|s| s.id.as_str()).collect();
            let sign = |id: &str| sign_key(&keys.current, &scope, id);
            for value in response.values_mut() {
                seal(value, &ids, &sign);
            }
        }
        if let Some(session) = &data.session {
            self.save_session(session).await?;
        }
        reply
    }

    /// Write staged values to the store (those a job already stored are skipped).
    pub(crate) async fn store_staged(
        &self,
        spec: &'static CallbackSpec,
        staged: &[Staged],
    ) -> Result<(), Failure> {
        try_join_all(staged.iter().filter_map(|s| {
            let bytes = s.bytes.clone()?;
            let key = storage_key(&s.id);
            Some(async move { self.store.put_bytes(&key, bytes, s.ttl).await })
        }))
        .await
        .map(drop)
        .map_err(|err| match err {
            StoreError::TooLarge { .. } | StoreError::Codec(_) | StoreError::InvalidKey => {
                tracing::error!(callback = spec.name, location = %spec.location(), "a Serverside value could not be stored: {err}");
                Failure::Callback {
                    callback: spec.name,
                    location: spec.location(),
                    message: format!("a Serverside value could not be stored: {err}"),
                    background: false,
                }
            }
            other => unavailable(&other),
        })
    }

    async fn save_session(&self, session: &Session) -> Result<(), Failure> {
        let changes = session.take_changes();
        let Some(sessions) = self.sessions().filter(|_| !changes.is_empty()) else {
            return Ok(());
        };
        let key = session_key(session.id());
        // Re-read, so that concurrent calls of one session only overwrite the keys they set.
        let mut values = match self.store.get::<Map<String, Value>>(&key).await {
            Ok(values) => values.unwrap_or_default(),
            Err(StoreError::Codec(_)) => Map::new(),
            Err(err) => return Err(unavailable(&err)),
        };
        for (k, v) in changes {
            match v {
                Some(v) => values.insert(k, v),
                None => values.remove(&k),
            };
        }
        self.store
            .put(&key, &values, Some(sessions.ttl))
            .await
            .map_err(|err| unavailable(&err))
    }
}

fn unavailable(err: &StoreError) -> Failure {
    tracing::error!("data store: {err}");
    Failure::Unavailable(format!("the data store is unavailable: {err}"))
}
