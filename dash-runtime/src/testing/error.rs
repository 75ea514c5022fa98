//! What can go wrong in a test app.

/// An error of a [`TestApp`](super::TestApp) step.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TestError {
    /// The app could not be built (the same startup report `Dash::run` would print).
    #[error("the app did not start: {0}")]
    Build(String),
    /// A callback answered an error, as the browser would show it under "Callback error".
    #[error("callback `{callback}` ({location}) failed with status {status}: {message}")]
    Callback {
        /// The callback's Rust name.
        callback: String,
        /// Where it is declared (`file:line`).
        location: String,
        /// The HTTP status the page would have received.
        status: u16,
        /// What went wrong.
        message: String,
    },
    /// No component on the page has this id.
    #[error("no component with id {id} is on the page (ids on the page: {known})")]
    NoComponent {
        /// The id asked for, as JSON.
        id: String,
        /// The ids on the page, as JSON.
        known: String,
    },
    /// Background jobs were still running when the settle timeout passed.
    #[error("background callbacks still running after {seconds} s: {callbacks}")]
    Timeout {
        /// The timeout.
        seconds: u64,
        /// The callbacks still running.
        callbacks: String,
    },
    /// Callbacks kept triggering each other beyond the limit (a circular chain).
    #[error(
        "more than {0} callback calls for one action: do callbacks trigger each other in a circle?"
    )]
    Runaway(usize),
}
