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
        }
    }
}
