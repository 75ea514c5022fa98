//! Start-up errors.

use super::config::ConfigError;
use crate::assets::AssetError;

/// Why an app could not start.
///
/// `Debug` prints the same readable text as `Display`, so `fn main() -> Result<(), Error>`
/// shows the whole startup report.
#[derive(thiserror::Error)]
pub enum Error {
    /// Settings are inconsistent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The front-end packages could not be prepared.
    #[error(transparent)]
    Assets(#[from] AssetError),
    /// Startup validation found problems in the callbacks or layouts.
    #[error("the app's callbacks and layout have problems, so it will not start:\n\n{0}")]
    Validation(#[from] crate::validation::Report),
    /// The pages of the app are inconsistent.
    #[error("the app's pages have problems:\n{0}")]
    Pages(String),
    /// The layout function panicked when it was called for validation.
    #[error("the layout function panicked when called at start-up")]
    LayoutPanicked,
    /// No layout was given.
    #[error("the app has no layout: call Dash::layout or Dash::layout_fn")]
    NoLayout,
    /// The background job manager could not start (or a worker failed).
    #[error(transparent)]
    Background(#[from] crate::background::BackgroundError),
    /// The background job store keeps the secret that signs job handles for every process,
    /// and it could not be read.
    #[error("the background job store is unreachable, so the shared secret that signs job handles cannot be read ({0}); start it, or set DASH_SECRET_KEY (the same value in every web process and worker) to start without it")]
    SharedSecret(crate::background::BackgroundError),
    /// Apps served together do not fit side by side (none given, or two claim a route).
    #[error("the apps cannot be served together: {0}")]
    Apps(String),
    /// Binding or serving failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
