//! What can stop `cargo dash`.

use std::path::PathBuf;

/// An error of `cargo dash` (a compile error of the app is not one: the dev runner shows it
/// and waits for the next edit).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `cargo metadata` failed.
    #[error("cargo metadata: {0}")]
    Metadata(#[from] cargo_metadata::Error),
    /// No package of that name in the workspace (or no package in the current directory).
    #[error("no package {0} in this workspace")]
    NoPackage(String),
    /// The package has no binary to run, or several and none was chosen.
    #[error("package {package}: {reason}")]
    NoBinary { package: String, reason: String },
    /// Reading or writing a file or starting a process failed.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// The directory for a new app already exists and is not empty.
    #[error("{} already exists and is not empty", .0.display())]
    Exists(PathBuf),
    /// Not a valid package name.
    #[error(
        "invalid package name {0:?}: use letters, digits, `-` and `_`, starting with a letter"
    )]
    BadName(String),
    /// The source watcher could not be set up.
    #[error("watching sources: {0}")]
    Watch(#[from] notify::Error),
}

impl Error {
    /// An I/O error with what was being done.
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let what = what.into();
        move |source| Error::Io { what, source }
    }
}
