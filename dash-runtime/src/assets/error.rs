//! The error type of the assets module.

use std::path::PathBuf;

/// Why the front end could not be obtained, verified or indexed.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// The `npm` client could not be started.
    #[error(
        "could not run `{program}` to fetch the Dash front end ({source}); install Node.js/npm, \
         set DASH_RS_NPM to the npm executable, or prepare an offline directory with \
         `dash-assets prepare DIR` on a connected machine and set DASH_RS_ASSETS_DIR=DIR"
    )]
    NpmUnavailable {
        /// The program that was started.
        program: String,
        /// The operating system's answer.
        #[source]
        source: std::io::Error,
    },

    /// `npm pack` ran but failed.
    #[error("`npm pack {specs}` failed ({status}): {stderr}")]
    NpmFailed {
        /// The package specs that were requested.
        specs: String,
        /// The exit status.
        status: String,
        /// The tail of npm's error output.
        stderr: String,
    },

    /// `npm pack` succeeded but did not produce the expected tarball.
    #[error("`npm pack` did not produce a tarball for {package}")]
    NpmNoTarball {
        /// `name@version`.
        package: String,
    },

    /// The Python interpreter whose pip fetches component-library wheels could not start.
    #[error(
        "could not run `{program} -m pip` to fetch a Dash component library ({source}); \
         install Python with pip, set DASH_RS_PYTHON to the interpreter, or prepare an offline \
         directory with `dash-assets prepare DIR` on a connected machine and set \
         DASH_RS_ASSETS_DIR=DIR"
    )]
    PipUnavailable {
        /// The interpreter that was started.
        program: String,
        /// The operating system's answer.
        #[source]
        source: std::io::Error,
    },

    /// `pip download` ran but failed.
    #[error("`pip download {requirements}` failed ({status}): {stderr}")]
    PipFailed {
        /// The requirements that were asked for.
        requirements: String,
        /// The exit status.
        status: String,
        /// The tail of pip's error output.
        stderr: String,
    },

    /// `pip download` succeeded but the pinned wheel is not among its files.
    #[error("`pip download {package}` did not produce the pinned wheel `{wheel}`")]
    PipNoWheel {
        /// `name==version`.
        package: String,
        /// The pinned wheel file name.
        wheel: String,
    },

    /// CDN mode (`serve_locally` off) with a linked library file that has no public URL.
    #[error(
        "{package} has no public URL for `{path}`, so it cannot be loaded from a CDN; serve \
         the front end locally (DASH_SERVE_LOCALLY=true)"
    )]
    NoPublicUrl {
        /// `name==version`.
        package: String,
        /// The file's path in the package.
        path: String,
    },

    /// A fetch succeeded but the store still lacks the package.
    #[error("fetching {package} left nothing in the cache")]
    NotFetched {
        /// The package's spec.
        package: String,
    },

    /// A tarball does not match its pinned integrity hash.
    #[error("integrity check failed for {package}: expected {expected}, got {actual}")]
    Integrity {
        /// `name@version`.
        package: String,
        /// The pinned SRI string.
        expected: String,
        /// The SRI string of the bytes that were found.
        actual: String,
    },

    /// An archive (npm tarball or wheel) is malformed or holds an entry that may not be
    /// extracted.
    #[error("bad archive for {package}: {reason}")]
    Tarball {
        /// `name@version`.
        package: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A package lacks a file that the front end needs.
    #[error("{package} does not contain `{path}`, which the Dash front end needs")]
    MissingFile {
        /// `name@version`.
        package: String,
        /// The served path (`namespace/path`) that is missing.
        path: String,
    },

    /// An offline directory lacks a package (it is never fetched there).
    #[error(
        "{package} is missing or incomplete in the offline assets directory {}; \
         run `dash-assets prepare DIR` on a connected machine and copy DIR over",
        dir.display()
    )]
    MissingOffline {
        /// `name@version`.
        package: String,
        /// The offline directory.
        dir: PathBuf,
    },

    /// A cached or prepared package was changed after it was written.
    #[error("{package} in {} is corrupt: {reason}", dir.display())]
    Corrupt {
        /// `name@version`.
        package: String,
        /// The package's directory.
        dir: PathBuf,
        /// What did not match.
        reason: String,
    },

    /// A file-system operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done ("reading", "creating", ...).
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The operating system's answer.
        #[source]
        source: std::io::Error,
    },

    /// An `assets_ignore` pattern is not a valid regular expression.
    #[error("invalid assets_ignore pattern `{pattern}`: {reason}")]
    IgnorePattern {
        /// The pattern as given.
        pattern: String,
        /// The parser's message.
        reason: String,
    },

    /// A background task panicked or was cancelled.
    #[error("asset task failed: {0}")]
    Task(String),
}

impl AssetError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        AssetError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
