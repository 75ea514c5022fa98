//! Errors of the benchmark binary.

use std::io;

/// Everything that can stop a benchmark run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A command-line argument was wrong.
    #[error("{0}\n\n{usage}", usage = crate::cli::USAGE)]
    Usage(String),
    /// The tokio runtime could not be built.
    #[error("cannot build the tokio runtime: {0}")]
    Runtime(#[source] io::Error),
    /// The bare server could not bind its port.
    #[error("cannot bind the bare handler's port: {0}")]
    Bind(#[source] io::Error),
    /// The bare server failed while serving.
    #[error("the bare handler failed: {0}")]
    Serve(#[source] io::Error),
    /// A target could not be started.
    #[error("cannot start {target}: {message}")]
    Start {
        /// The target's label.
        target: String,
        /// What went wrong.
        message: String,
    },
    /// A target answered the probe request wrongly.
    #[error("{target} gave a wrong answer to the greeting request: {message}")]
    WrongAnswer {
        /// The target's label.
        target: String,
        /// Status and body, or the transport error.
        message: String,
    },
    /// The results file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

/// Everything that can stop one of the scenario binaries (`dash-bench-slow`,
/// `dash-bench-store`).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A command-line argument was wrong; `usage` is the binary's help text.
    #[error("{message}\n\n{usage}")]
    Usage {
        /// What was wrong.
        message: String,
        /// The binary's usage text.
        usage: &'static str,
    },
    /// A target could not be started.
    #[error("cannot start {target}: {message}")]
    Start {
        /// The target's label.
        target: String,
        /// What went wrong.
        message: String,
    },
    /// A target answered wrongly.
    #[error("{target}: {message}")]
    Wrong {
        /// The target's label.
        target: String,
        /// What was wrong.
        message: String,
    },
    /// The tokio runtime could not be built.
    #[error("cannot build the tokio runtime: {0}")]
    Runtime(#[source] io::Error),
    /// The results file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The benchmark's own dash-rs app failed.
    #[error(transparent)]
    App(#[from] dash_runtime::Error),
}

/// The exit code of a benchmark binary: success, or the error printed after the program's
/// name.
pub fn exit_code(
    program: &str,
    result: Result<(), impl std::fmt::Display>,
) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{program}: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
