//! What can go wrong: [`BrowserError`] for the browser, [`ServerError`] for the app under test.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

/// Why a browser operation failed.
#[derive(Debug, Error)]
pub enum BrowserError {
    /// Chromium or chromedriver is not installed (or its environment variable names no file).
    #[error(
        "{program} not found ({looked}); install Debian's `{package}` package, or set {env} \
         to its path"
    )]
    NotInstalled {
        /// `chromium` or `chromedriver`.
        program: &'static str,
        /// The environment variable that names it.
        env: &'static str,
        /// The Debian package that installs it.
        package: &'static str,
        /// Where it was looked for.
        looked: String,
    },
    /// chromedriver could not be started.
    #[error("could not start {program}: {source}")]
    Spawn {
        /// The driver program.
        program: PathBuf,
        /// The spawn error.
        #[source]
        source: std::io::Error,
    },
    /// chromedriver did not accept connections in time (or exited).
    #[error("chromedriver on port {port} was not ready within {waited:?}; its log:\n{log}")]
    DriverNotReady {
        /// Its port.
        port: u16,
        /// How long we waited.
        waited: Duration,
        /// The end of its log.
        log: String,
    },
    /// chromedriver refused to open a Chromium session.
    #[error("could not open a Chromium session: {message}; chromedriver's log:\n{log}")]
    Session {
        /// What chromedriver said.
        message: String,
        /// The end of its log.
        log: String,
    },
    /// chromedriver answered with a W3C WebDriver error.
    #[error("{command}: {error}: {message}")]
    WebDriver {
        /// What was asked, e.g. `find #btn`.
        command: String,
        /// The W3C error code, e.g. `no such element`.
        error: String,
        /// Its message (first line).
        message: String,
    },
    /// Talking to chromedriver failed, or it answered something unexpected.
    #[error("{command}: {message}")]
    Protocol {
        /// What was asked.
        command: String,
        /// What went wrong.
        message: String,
    },
    /// One WebDriver command took longer than its bound.
    #[error("{command}: no answer from chromedriver within {waited:?}")]
    CommandTimeout {
        /// What was asked.
        command: String,
        /// How long we waited.
        waited: Duration,
    },
    /// A wait condition did not hold in time.
    #[error("timed out after {waited:?} waiting for {what}; last seen: {last}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long.
        waited: Duration,
        /// The last observation (or transient error) while polling.
        last: String,
    },
    /// A file (screenshot, profile directory) could not be written, or a runtime not started.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory (empty for the runtime).
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl BrowserError {
    /// Whether this is a transient "element not there (yet, or any more)" error that polling
    /// should ride over: Dash re-renders freely, so an element found a moment ago may be gone.
    pub fn is_transient(&self) -> bool {
        matches!(self, BrowserError::WebDriver { error, .. }
            if error == "no such element"
                || error == "stale element reference"
                || error == "element not interactable"
                || error == "element click intercepted")
    }

    /// This error as a [`Timeout`](BrowserError::Timeout) whose last observation is `last`;
    /// other errors unchanged.
    pub(crate) fn with_last(self, last: String) -> BrowserError {
        match self {
            BrowserError::Timeout { what, waited, .. } => {
                BrowserError::Timeout { what, waited, last }
            }
            other => other,
        }
    }

    /// A fantoccini error of `command`.
    pub(crate) fn from_cmd(command: &str, error: fantoccini::error::CmdError) -> BrowserError {
        use fantoccini::error::CmdError;
        match error {
            CmdError::Standard(wd) => BrowserError::WebDriver {
                command: command.to_owned(),
                error: wd.error(),
                message: wd.message.lines().next().unwrap_or_default().to_owned(),
            },
            other => BrowserError::Protocol {
                command: command.to_owned(),
                message: other.to_string(),
            },
        }
    }
}

/// Why the app under test could not be started or reached.
#[derive(Debug, Error)]
pub enum ServerError {
    /// Starting the server's Tokio runtime or binding its port failed.
    #[error("serving the app: {0}")]
    Io(#[from] std::io::Error),
    /// The app did not build (layout, callbacks, front end).
    #[error("building the app: {0}")]
    Build(#[from] dash_runtime::Error),
    /// [`AppServer::attach`](crate::AppServer::attach) was given something that is not an
    /// `http://host:port/...` URL.
    #[error("not an http URL with a host: {0:?}")]
    Url(String),
    /// The app at the URL did not accept connections in time.
    #[error("{url} did not accept connections within {waited:?}: {last}")]
    Unreachable {
        /// The app's URL.
        url: String,
        /// How long we waited.
        waited: Duration,
        /// The last connection error.
        last: String,
    },
}
