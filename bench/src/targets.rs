//! The servers under test, started one at a time and stopped when dropped.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;

use dash_e2e::app::{free_port, workspace_root, RunningApp};
use dash_e2e::python::{PythonServer, PythonTwin};

use crate::cli::Options;
use crate::error::BenchError;

/// One of the four servers the benchmark compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// The Rust `hello` example.
    Rust,
    /// A bare axum handler doing the same JSON work (the ceiling for this runtime stack).
    Bare,
    /// The Python twin on Dash's Flask backend under gunicorn.
    Gunicorn,
    /// The Python twin on Dash's FastAPI backend under uvicorn.
    Uvicorn,
}

impl TargetKind {
    /// Every target, in the order a full run measures them.
    pub const ALL: [TargetKind; 4] = [
        TargetKind::Rust,
        TargetKind::Bare,
        TargetKind::Gunicorn,
        TargetKind::Uvicorn,
    ];

    /// The name used by `--targets`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "rust" => Some(TargetKind::Rust),
            "bare" => Some(TargetKind::Bare),
            "gunicorn" => Some(TargetKind::Gunicorn),
            "uvicorn" => Some(TargetKind::Uvicorn),
            _ => None,
        }
    }

    /// The label in the table.
    pub fn label(self) -> &'static str {
        match self {
            TargetKind::Rust => "dash-rs `hello`",
            TargetKind::Bare => "bare axum handler",
            TargetKind::Gunicorn => "Python Dash 4.4.1, Flask + gunicorn",
            TargetKind::Uvicorn => "Python Dash 4.4.1, FastAPI + uvicorn",
        }
    }

    /// What exactly runs, for the report.
    pub fn description(self, options: &Options) -> String {
        let workers = options.workers;
        match self {
            TargetKind::Rust => match &options.hello_exe {
                Some(exe) => format!(
                    "a prebuilt `hello` example (`{exe}`), dash-runtime on axum with tokio's \
                     multi-thread runtime"
                ),
                None => "the `hello` example (`cargo build --release -p hello`), \
                         dash-runtime on axum with tokio's multi-thread runtime"
                    .to_string(),
            },
            TargetKind::Bare => "an axum route in a child process of `dash-bench`, tokio \
                                 multi-thread runtime, that parses the request into a small \
                                 serde struct and builds the same response JSON with \
                                 `serde_json::json!`: no Dash runtime"
                .to_string(),
            TargetKind::Gunicorn if options.gunicorn_threads == 1 => format!(
                "`conformance/python/hello.py` (Flask backend) under gunicorn, \
                 {workers} `sync` workers (no keep-alive: a new connection per request)"
            ),
            TargetKind::Gunicorn => format!(
                "`conformance/python/hello.py` (Flask backend) under gunicorn, \
                 {workers} `gthread` workers x {} threads (keep-alive)",
                options.gunicorn_threads
            ),
            TargetKind::Uvicorn => format!(
                "`conformance/python/hello.py` with `DASH_BACKEND=fastapi` under uvicorn \
                 with {workers} workers (uvloop + httptools from `uvicorn[standard]`)"
            ),
        }
    }
}

/// A started target; the server stops when this is dropped.
pub enum Running {
    /// A Rust process (the example or the bare handler).
    App(RunningApp),
    /// A Python twin.
    Python(PythonTwin),
}

impl Running {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        let port = match self {
            Running::App(app) => app.port(),
            Running::Python(twin) => twin.port(),
        };
        SocketAddr::from((Ipv4Addr::LOCALHOST, port))
    }

    /// The server's output so far, for error messages.
    pub fn output(&self) -> String {
        match self {
            Running::App(app) => app.output(),
            Running::Python(twin) => twin.output(),
        }
    }
}

/// Start `kind` (building the Rust example or preparing the venv as needed).
pub fn start(kind: TargetKind, options: &Options) -> Result<Running, BenchError> {
    let workers = options.workers;
    let failed = |message: String| BenchError::Start {
        target: kind.label().to_string(),
        message,
    };
    match kind {
        TargetKind::Rust => match &options.hello_exe {
            // A prebuilt `hello` (e.g. of another commit, for an A/B comparison).
            Some(exe) => {
                let port = free_port().map_err(|e| failed(e.to_string()))?;
                let mut cmd = Command::new(exe);
                cmd.current_dir(workspace_root());
                RunningApp::start_command(cmd, port)
            }
            None => RunningApp::start("hello"),
        }
        .map(Running::App)
        .map_err(|e| failed(e.to_string())),
        TargetKind::Bare => {
            let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
            let port = free_port().map_err(|e| failed(e.to_string()))?;
            let mut cmd = Command::new(exe);
            cmd.args(["serve-bare", &port.to_string()]);
            RunningApp::start_command(cmd, port)
                .map(Running::App)
                .map_err(|e| failed(e.to_string()))
        }
        TargetKind::Gunicorn => PythonTwin::start(
            "hello",
            PythonServer::Gunicorn {
                workers,
                threads: options.gunicorn_threads,
            },
        )
        .map(Running::Python)
        .map_err(|e| failed(e.to_string())),
        TargetKind::Uvicorn => PythonTwin::start("hello", PythonServer::Uvicorn { workers })
            .map(Running::Python)
            .map_err(|e| failed(e.to_string())),
    }
}
