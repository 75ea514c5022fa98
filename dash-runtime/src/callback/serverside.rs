//! `Serverside<T>`: a value kept in the app's data store while the browser holds only a
//! short signed key to it.
//!
//! A callback returns `Serverside::new(value)` into a `dcc.Store`'s `data`: the value is
//! encoded (MessagePack, zstd when large) and stored in the app's
//! [`DataStore`](crate::store::DataStore), and the browser receives a key of about 100 bytes,
//! `dash-ss:<id>~<signature>`. A callback that takes that store as an `Input` or `State` with a
//! parameter of type `Serverside<T>` receives the value itself: the dispatcher verifies the
//! key, loads the bytes before the call and the parameter is decoded from them straight into
//! `T` (no JSON on the way).
//!
//! ```
//! use dash_runtime::prelude::*;
//!
//! #[callback(output = Output("frame", "data"), inputs = [Input("load", "n_clicks")])]
//! fn load(_n: Option<u32>) -> Serverside<Vec<f64>> {
//!     Serverside::new((0..1_000_000).map(|i| i as f64).collect())
//! }
//!
//! #[callback(output = Output("stats", "children"), inputs = [Input("frame", "data")])]
//! fn stats(frame: Option<Serverside<Vec<f64>>>) -> String {
//!     match frame {
//!         Some(rows) => format!("rows: {}", rows.len()),
//!         None => "no data yet".to_owned(),
//!     }
//! }
//! ```
//!
//! Keys are signed with the app's secret and, when [sessions](crate::sessions) are on, bound
//! to the session: a key that was forged, or that belongs to another session, is refused
//! without running the callback (HTTP 403), and so is a key whose value has expired (HTTP
//! 410), unless the app chose [`MissingValue::PreventUpdate`].

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::context::callback_context;
use crate::store::codec;

/// What the browser receives instead of a [`Serverside`] value starts with this.
pub const KEY_PREFIX: &str = "dash-ss:";

/// The most server-side keys one call may carry (every input and state value together).
pub const MAX_KEYS_PER_CALL: usize = 1024;

/// A value kept on the server: sent to a `dcc.Store`'s `data` as a signed key, received from
/// it as the value.
///
/// `T` is any `Serialize + DeserializeOwned` type (`serde_json::Value`, a `Vec` of rows, your
/// own structs). Use it as a callback's return value (or an element of the returned tuple)
/// for an `Output(.., "data")` of a `dcc.Store`, and as the parameter type of an
/// `Input`/`State` on that store (`Option<Serverside<T>>` while the store may be empty).
///
/// ```
/// use dash_runtime::prelude::*;
/// use std::time::Duration;
///
/// let kept = Serverside::new(vec![1, 2, 3]).ttl(Duration::from_secs(600));
/// assert_eq!(kept.len(), 3); // derefs to the value
/// assert_eq!(kept.into_inner(), vec![1, 2, 3]);
/// ```
///
/// A store may also hold plain JSON (initial data given in the layout): a `Serverside<T>`
/// parameter then receives it deserialised as `T`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Serverside<T> {
    value: T,
    ttl: Option<Duration>,
}

impl<T> Serverside<T> {
    /// A value to keep on the server, for the data store's default time to live.
    pub fn new(value: T) -> Self {
        Serverside { value, ttl: None }
    }

    /// Keep the value for `ttl` instead of the data store's default (1 hour unless the app
    /// set another).
    ///
    /// ```
    /// # use dash_runtime::prelude::*;
    /// let day = Serverside::new("report").ttl(std::time::Duration::from_secs(86_400));
    /// # let _ = day;
    /// ```
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Serverside<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Serverside<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T> From<T> for Serverside<T> {
    fn from(value: T) -> Self {
        Serverside::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Serverside<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Serverside")
            .field("value", &self.value)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl<T: Serialize> Serialize for Serverside<T> {
    /// Inside a running callback: encode and stage the value for the data store, and write the
    /// key the browser receives. Outside one there is no store to keep it in: an error.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let call = callback_context()
            .and_then(|ctx| ctx.extension::<Arc<ServersideCall>>())
            .ok_or_else(|| {
                S::Error::custom(
                    "a `Serverside` value can only be sent by a running callback (it is kept in the app's data store)",
                )
            })?;
        let marker = call.stage(&self.value, self.ttl).map_err(|e| {
            S::Error::custom(format!("the `Serverside` value could not be encoded: {e}"))
        })?;
        serializer.serialize_str(&marker)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Serverside<T> {
    /// A key: the value the dispatcher loaded for it, decoded into `T`. Anything else: plain
    /// data, deserialised as `T`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(key) if key.starts_with(KEY_PREFIX) => {
                let call =
                    callback_context().and_then(|ctx| ctx.extension::<Arc<ServersideCall>>());
                let bytes = call
                    .as_ref()
                    .and_then(|call| call.loaded.get(&key).cloned());
                let Some(bytes) = bytes else {
                    if let Some(call) = call.filter(|c| c.deferred) {
                        call.deferred_hit.store(true, Ordering::Relaxed);
                        return Err(D::Error::custom(
                            "the server-side value is loaded where the job runs",
                        ));
                    }
                    return Err(D::Error::custom(
                        "no server-side value was loaded for this key (`Serverside` values are read from a callback's inputs and state)",
                    ));
                };
                codec::decode::<T>(&bytes)
                    .map(Serverside::new)
                    .map_err(|e| {
                        D::Error::custom(format!("the server-side value does not fit: {e}"))
                    })
            }
            other => T::deserialize(other)
                .map(Serverside::new)
                .map_err(D::Error::custom),
        }
    }
}

/// What a callback does when a `Serverside` input's value is gone (expired, evicted, or its
/// key was signed by another secret or session).
///
/// ```no_run
/// use dash_runtime::callback::MissingValue;
/// use dash_runtime::prelude::*;
///
/// Dash::new()
///     .serverside_missing(MissingValue::PreventUpdate)
///     .layout(html::div(()))
///     .run()
///     .expect("server");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingValue {
    /// The call is refused: 410 for an expired value, 403 for a forged or foreign key, each
    /// naming the store (the default).
    #[default]
    Error,
    /// The call is answered 204 (nothing changes), as if the callback raised `PreventUpdate`.
    PreventUpdate,
}

/// Components whose `data` property may hold [`Serverside`] values: `dcc.Store`, and any
/// component the app declares store-like by implementing this trait (for typed ids,
/// `TypedId<C>`).
///
/// ```
/// use dash_runtime::callback::StoreLike;
/// use dash_runtime::prelude::*;
///
/// fn store_like<C: StoreLike>() {}
/// store_like::<dcc::Store>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a store: `Serverside` values are kept only in a `dcc.Store`'s `data`",
    label = "this id's component cannot hold a `Serverside` value",
    note = "use a `TypedId<dcc::Store>`, or implement `dash_runtime::callback::StoreLike` for a component that keeps JSON in `data`"
)]
pub trait StoreLike {}

impl StoreLike for crate::components::dcc::Store {}

/// Macro helper: the typed id's component must be [`StoreLike`]. Never called at run time.
#[doc(hidden)]
pub fn serverside_store<C: StoreLike>(_id: &crate::ids::TypedId<C>) {}

/// One `Serverside` dependency, recorded by `#[callback]` for start-up validation (a string
/// id used with `Serverside` must be a `dcc.Store` of the layout).
#[doc(hidden)]
#[derive(Debug)]
pub struct ServersideUse {
    /// The callback's Rust name.
    pub callback: &'static str,
    /// `file!()` of the callback.
    pub file: &'static str,
    /// `line!()` of the callback.
    pub line: u32,
    /// The component id.
    pub id: &'static str,
    /// The property (`data`).
    pub property: &'static str,
    /// Whether the value is an output (else an input or state).
    pub output: bool,
}

inventory::collect!(ServersideUse);

/// A value staged by a callback, written to the store before the answer.
#[derive(Debug)]
pub(crate) struct Staged {
    pub id: String,
    /// The encoded value; `None` when it is stored already (a background job's result).
    pub bytes: Option<Vec<u8>>,
    pub ttl: Option<Duration>,
}

/// The server-side values of one call: those loaded for its arguments, those it staged.
#[derive(Debug, Default)]
pub(crate) struct ServersideCall {
    /// Stored bytes by the key string the browser sent.
    pub loaded: HashMap<String, Bytes>,
    staged: Mutex<Vec<Staged>>,
    compress_above: usize,
    /// The keys were verified but their values are loaded later (a background job's start:
    /// the job loads them where it runs).
    deferred: bool,
    /// A parameter met a deferred key: its error is not the request's.
    deferred_hit: AtomicBool,
}

impl ServersideCall {
    pub(crate) fn new(loaded: HashMap<String, Bytes>, compress_above: usize) -> Self {
        ServersideCall {
            loaded,
            staged: Mutex::default(),
            compress_above,
            deferred: false,
            deferred_hit: AtomicBool::new(false),
        }
    }

    /// Keys verified, values loaded later (see [`ServersideCall::deferred`]).
    pub(crate) fn deferring(mut self) -> Self {
        self.deferred = true;
        self
    }

    /// Whether a parameter failed only because its value is loaded later.
    pub(crate) fn met_deferred_key(&self) -> bool {
        self.deferred_hit.load(Ordering::Relaxed)
    }

    /// Encode and stage a value; returns the unsigned marker written into the output, which
    /// [`seal`] turns into the signed key.
    fn stage<T: Serialize + ?Sized>(
        &self,
        value: &T,
        ttl: Option<Duration>,
    ) -> Result<String, crate::store::StoreError> {
        let bytes = codec::encode(value, self.compress_above)?;
        let id = hex::encode(rand::random::<[u8; 16]>());
        let marker = format!("{KEY_PREFIX}{id}");
        self.staged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Staged {
                id,
                bytes: Some(bytes),
                ttl,
            });
        Ok(marker)
    }

    /// Have the keys of values stored elsewhere (by a background job) signed in this call's
    /// reply.
    pub(crate) fn adopt(&self, ids: impl IntoIterator<Item = String>) {
        self.staged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(ids.into_iter().map(|id| Staged {
                id,
                bytes: None,
                ttl: None,
            }));
    }

    /// Take the staged values.
    pub(crate) fn take_staged(&self) -> Vec<Staged> {
        std::mem::take(&mut *self.staged.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The store key of a value id.
pub(crate) fn storage_key(id: &str) -> String {
    format!("serverside:{id}")
}

/// The signature scope of keys: the session id, or none.
pub(crate) fn key_scope(session: Option<&str>) -> String {
    format!("serverside:{}", session.unwrap_or(""))
}

/// Whether `id` has the form of a value id (32 lower-case hex digits).
fn is_value_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The value id of an unsigned marker (`dash-ss:<id>`), if it is one.
fn marker_id(text: &str) -> Option<&str> {
    text.strip_prefix(KEY_PREFIX).filter(|id| is_value_id(id))
}

/// The value id of a key, if its signature holds for `scope`.
pub(crate) fn verify_key<'a>(
    signer: &crate::signing::Signer,
    scope: &str,
    key: &'a str,
) -> Option<&'a str> {
    let signed = key.strip_prefix(KEY_PREFIX)?;
    signer.verify(scope, signed).filter(|id| is_value_id(id))
}

/// The value id of a key without checking its signature (for values the dispatcher verified
/// before it stored them with a job).
pub(crate) fn key_id(key: &str) -> Option<&str> {
    let signed = key.strip_prefix(KEY_PREFIX)?;
    signed
        .split_once('~')
        .map(|(id, _)| id)
        .filter(|id| is_value_id(id))
}

/// The signed key of a value id.
pub(crate) fn sign_key(signer: &crate::signing::Signer, scope: &str, id: &str) -> String {
    format!("{KEY_PREFIX}{}", signer.sign(scope, id))
}

/// One key found in the arguments: the argument's index and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundKey {
    pub argument: usize,
    pub key: String,
}

/// Every distinct key-shaped string in the argument values (in lists and objects too), at
/// most `limit` + 1 of them (one more than allowed tells the caller there are too many).
pub(crate) fn find_keys(values: &[Value], limit: usize) -> Vec<FoundKey> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (argument, value) in values.iter().enumerate() {
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) if s.starts_with(KEY_PREFIX) && seen.insert(s.as_str()) => {
                    out.push(FoundKey {
                        argument,
                        key: s.clone(),
                    });
                    if out.len() > limit {
                        return out;
                    }
                }
                Value::Array(items) => stack.extend(items.iter()),
                Value::Object(map) => stack.extend(map.values()),
                _ => {}
            }
        }
    }
    out
}

/// Replace the markers of `ids` in `value` (and everything inside it) by their signed keys.
/// Other strings, markers of other ids included, are left alone: only values this call (or
/// this job) staged are ever signed.
pub(crate) fn seal(value: &mut Value, ids: &HashSet<&str>, sign: &dyn Fn(&str) -> String) {
    if ids.is_empty() {
        return;
    }
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => {
                if let Some(id) = marker_id(s).filter(|id| ids.contains(id)) {
                    *s = sign(id);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::Signer;
    use serde_json::json;

    #[test]
    fn keys_are_short_signed_and_scoped() {
        let signer = Signer::new("secret");
        let id = hex::encode([7u8; 16]);
        let key = sign_key(&signer, &key_scope(Some("s1")), &id);
        assert!(key.len() < 200, "{} bytes", key.len());
        assert_eq!(
            verify_key(&signer, &key_scope(Some("s1")), &key),
            Some(id.as_str())
        );
        assert_eq!(verify_key(&signer, &key_scope(Some("s2")), &key), None);
        assert_eq!(verify_key(&signer, &key_scope(None), &key), None);
        assert_eq!(
            verify_key(&Signer::new("other"), &key_scope(Some("s1")), &key),
            None
        );
        assert_eq!(key_id(&key), Some(id.as_str()));
        assert_eq!(key_id("dash-ss:nothex~00"), None);
    }

    #[test]
    fn finds_keys_everywhere_once() {
        let k = "dash-ss:x~y".to_owned();
        let values = vec![
            json!(k),
            json!([1, k, {"a": [k, "dash-ss:z~w"]}]),
            json!("plain"),
        ];
        let found = find_keys(&values, 10);
        assert_eq!(
            found,
            vec![
                FoundKey {
                    argument: 0,
                    key: k.clone()
                },
                FoundKey {
                    argument: 1,
                    key: "dash-ss:z~w".into()
                },
            ]
        );
        assert_eq!(find_keys(&values, 1).len(), 2);
    }

    #[test]
    fn seals_only_staged_ids() {
        let mine = hex::encode([1u8; 16]);
        let other = hex::encode([2u8; 16]);
        let mut value = json!({"a": format!("dash-ss:{mine}"), "b": [format!("dash-ss:{other}")]});
        let ids: HashSet<&str> = [mine.as_str()].into_iter().collect();
        seal(&mut value, &ids, &|id| format!("signed:{id}"));
        assert_eq!(
            value,
            json!({"a": format!("signed:{mine}"), "b": [format!("dash-ss:{other}")]})
        );
    }

    #[test]
    fn plain_data_deserialises_as_the_value() {
        let v: Serverside<Vec<u32>> = serde_json::from_value(json!([1, 2])).unwrap_or_default();
        assert_eq!(*v, vec![1, 2]);
        // A key outside a callback: nothing was loaded for it.
        assert!(serde_json::from_value::<Serverside<u32>>(json!("dash-ss:a~b")).is_err());
        // Sending one outside a callback: no store to keep it in.
        assert!(serde_json::to_value(Serverside::new(1)).is_err());
    }
}
