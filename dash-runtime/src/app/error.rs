//! Start-up errors.

use super::config::ConfigError;
use crate::assets::AssetError;

/// Why an app could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Settings are inconsistent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The front-end packages could not be prepared.
    #[error(transparent)]
    Assets(#[from] AssetError),
    /// No layout was given.
    #[error("the app has no layout: call Dash::layout or Dash::layout_fn")]
    NoLayout,
    /// Binding or serving failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}
