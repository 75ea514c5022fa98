//! What one callback call comes to, before any transport turns it into bytes.
//!
//! The dispatch core answers every call with a [`Reply`] or a [`Failure`]; the HTTP route,
//! and later other transports, only encode them.

use std::time::Duration;

use serde_json::Value;

use super::request::RequestError;
use super::response::UpdateResponse;

/// A successful call.
#[derive(Debug)]
pub enum Reply {
    /// New output values and `set_props` updates (`{"multi": true, ...}`).
    Update(UpdateResponse),
    /// A background-callback body: a started job's handles, or a poll's progress.
    Job(Value),
    /// Nothing to change (`PreventUpdate`, a callback without outputs that set nothing, a
    /// poll with nothing new). HTTP answers 204.
    NoContent,
}

/// Why a call produced no reply. [`Failure::status`] is the HTTP status; every variant names
/// what went wrong precisely enough for a log line.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The request itself is wrong (4xx by [`RequestError::status`]).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// An input or state value does not fit the callback's parameter (400).
    #[error("callback {callback}: {message}")]
    Argument {
        /// The callback's Rust name.
        callback: &'static str,
        /// The dependency and what was wrong with its value.
        message: String,
    },
    /// The callback (or its `on_error` handler) failed: an error, a panic or a bad return
    /// value (500; the message is shown to the browser only in debug mode).
    #[error("callback {callback} ({location}) failed: {message}")]
    Callback {
        /// The callback's Rust name.
        callback: &'static str,
        /// `file:line` of its declaration.
        location: String,
        /// What happened.
        message: String,
        /// Whether this is a background callback's job.
        background: bool,
    },
    /// The layout function failed (500).
    #[error("the layout function failed: {0}")]
    Layout(String),
    /// Every blocking-pool thread is busy and its queue is full (503 with `Retry-After`).
    #[error("the server is busy: every callback thread is in use and the queue is full")]
    Busy {
        /// When to try again.
        retry_after: Duration,
    },
    /// The callback ran longer than its `timeout` (504).
    #[error("callback {callback} ({location}) timed out after {after:?}")]
    TimedOut {
        /// The callback's Rust name.
        callback: &'static str,
        /// `file:line` of its declaration.
        location: String,
        /// Its timeout.
        after: Duration,
    },
    /// A service the call needs is unreachable, e.g. the background job store (503).
    #[error("{0}")]
    Unavailable(String),
    /// A `Serverside` input or state value cannot be used; the callback did not run (410
    /// when the value expired, 403 for a key this app did not issue to this session, 400 for
    /// too many keys).
    #[error("callback {callback}: the server-side value of {dependency} {problem}")]
    Serverside {
        /// The callback's Rust name.
        callback: &'static str,
        /// The store's dependency (`id.data`).
        dependency: String,
        /// What is wrong with it.
        problem: ServersideProblem,
    },
}

/// Why a `Serverside` key in a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServersideProblem {
    /// The key is genuine but its value is gone: expired, or deleted (410).
    Expired,
    /// The key was not issued by this app to this session: forged, from another session, or
    /// signed with a secret the app no longer knows (403).
    Forged,
    /// The request carries more keys than one call may load (400).
    TooMany,
}

impl std::fmt::Display for ServersideProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServersideProblem::Expired => {
                "has expired: its key is valid but the data store no longer holds the value; run the callback that fills the store again"
            }
            ServersideProblem::Forged => {
                "has a key this app did not issue to this session (forged, from another session, or signed with an old secret)"
            }
            ServersideProblem::TooMany => "is one of too many server-side keys in one request",
        })
    }
}

impl Failure {
    /// The HTTP status of this failure.
    ///
    /// ```
    /// use dash_runtime::protocol::Failure;
    /// use std::time::Duration;
    ///
    /// assert_eq!(Failure::Busy { retry_after: Duration::from_secs(1) }.status(), 503);
    /// ```
    pub fn status(&self) -> u16 {
        match self {
            Failure::Request(err) => err.status(),
            Failure::Argument { .. } => 400,
            Failure::Callback { .. } | Failure::Layout(_) => 500,
            Failure::Busy { .. } | Failure::Unavailable(_) => 503,
            Failure::TimedOut { .. } => 504,
            Failure::Serverside { problem, .. } => match problem {
                ServersideProblem::Expired => 410,
                ServersideProblem::Forged => 403,
                ServersideProblem::TooMany => 400,
            },
        }
    }
}
