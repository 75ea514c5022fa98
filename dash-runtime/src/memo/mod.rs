//! Memoized callbacks and functions: results kept in the app's [data store](crate::store),
//! shared by every process of the app, computed once by concurrent identical calls.
//!
//! # Callbacks
//!
//! ```
//! use dash_runtime::prelude::*;
//!
//! #[callback(
//!     output = Output("square", "children"),
//!     inputs = [Input("n", "value")],
//!     memoize = "10m",                                 // kept for ten minutes
//!     memoize_by = ["session", "header:x-tenant"],     // optional: parts of the request
//! )]
//! fn square(n: Option<u64>) -> String {
//!     format!("square: {}", n.unwrap_or(0).pow(2))
//! }
//! ```
//!
//! The key is a SHA-256 of: the callback's output descriptor, a fingerprint of the function's
//! tokens (editing the function retires its old entries), the inputs and state as sent (ids,
//! properties and values) and the values of the `memoize_by` parts (`"session"`: the session
//! id; `"header:<name>"`, `"cookie:<name>"`: that header or cookie, absent counting as a value
//! of its own; `"triggered"`: which inputs triggered the call, for callbacks that read
//! `triggered_id`). The initial call and a later call with the same values share an entry.
//! With `"session"` and no session (sessions off), the call runs unmemoized.
//!
//! What is kept: the output values (outputs left unchanged with `NoUpdate` stay unchanged on a
//! hit) and the `set_props` side updates. What is not: errors, panics, values made by an
//! `on_error` handler, and `PreventUpdate` (the callback runs again next time). A hit answers
//! exactly what the callback answered when it ran.
//!
//! # Functions
//!
//! ```
//! use dash_runtime::prelude::*;
//!
//! #[memoize(ttl = "1h")]
//! fn load(region: String) -> Result<Vec<u32>, std::io::Error> {
//!     Ok(vec![1, 2, 3]) // a slow query
//! }
//! # assert_eq!(load("eu".into()).unwrap(), [1, 2, 3]);
//! ```
//!
//! The key is a SHA-256 of the function's path, its fingerprint and its arguments (encoded
//! with the store's [codec](crate::store::codec); a `HashMap` argument encodes in its own
//! iteration order, so equal maps may miss: prefer `BTreeMap`). For a `Result`, only `Ok`
//! values are kept. Inside a callback the app's store is used, elsewhere
//! [`store::current`](crate::store::current).
//!
//! A sync function waits for the store on its own thread: `block_in_place` plus
//! `Handle::block_on` on a multi-threaded runtime (a sync callback's pool thread or an async
//! worker alike), `Handle::block_on` on a current-thread runtime's blocking threads. On a
//! current-thread runtime's own thread, and outside any Tokio runtime, it just runs, uncached.
//!
//! # Single flight
//!
//! Concurrent identical calls compute once: see [`flight`] for the in-process map and the
//! cross-process lock. Metrics: `dash_memo_hits_total`, `dash_memo_misses_total` and
//! `dash_memo_waits_total` (labels `kind`: `callback` or `function`, and `name`).

pub(crate) mod callback;
pub mod flight;
mod function;
mod key;

use std::time::Duration;

pub use function::{
    memo_async, memo_sync, memo_value_check, MemoArg, MemoFn, MemoKey, MemoMode, MemoValue, OkOnly,
    Plain,
};

/// `memoize = ".."` of a callback, as recorded in its [`CallbackSpec`](crate::callback::CallbackSpec).
#[derive(Debug, Clone, Copy)]
pub struct Memoize {
    /// How long an answer is kept.
    pub ttl: Duration,
    /// Parts of the request that join the key (`memoize_by`).
    pub by: &'static [MemoizeBy],
    /// A hash of the function's tokens.
    pub fingerprint: &'static str,
}

/// One `memoize_by` part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoizeBy {
    /// `"session"`: the session id (the call is not memoized without a session).
    Session,
    /// `"triggered"`: which inputs triggered the call (for callbacks that read
    /// `callback_context().triggered_id()`).
    Triggered,
    /// `"header:<name>"`: that request header (lower-case name).
    Header(&'static str),
    /// `"cookie:<name>"`: that cookie.
    Cookie(&'static str),
}
