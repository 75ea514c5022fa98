//! Python Dash twins of the example apps, for conformance tests and benchmarks.
//!
//! Each example app has a twin in `conformance/python/<app>.py` with the same layout and
//! callbacks, written with `dash==4.4.1`. The twins run from the venv that
//! `scripts/setup-python` creates (at `target/conformance-venv`, or `$CONFORMANCE_VENV`);
//! [`PythonTwin::start`] runs that script first, which returns at once when the venv is ready.
//!
//! ```no_run
//! use dash_e2e::python::{PythonServer, PythonTwin};
//!
//! # fn main() -> Result<(), dash_e2e::python::PythonError> {
//! let twin = PythonTwin::start("hello", PythonServer::FlaskDev)?;
//! println!("Python hello on {}", twin.url());
//! # Ok(())
//! # }
//! ```

use std::env;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::{Command, ExitStatus};
use std::sync::Mutex;

use thiserror::Error;

use crate::app::{free_port, workspace_root, AppError, RunningApp};

/// Which server runs the twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonServer {
    /// `python <app>.py`: Flask's development server (one process, threaded), Dash's default
    /// backend. Quick to start; what the conformance tests use.
    FlaskDev,
    /// `DASH_BACKEND=fastapi python <app>.py`: Dash's FastAPI backend under a single uvicorn
    /// process.
    FastApiDev,
    /// The Flask backend under gunicorn: `workers` processes; `threads == 1` picks gunicorn's
    /// `sync` worker class (one request at a time per process, no keep-alive), more picks
    /// `gthread` with that many threads per process (keep-alive connections).
    Gunicorn {
        /// Worker processes.
        workers: usize,
        /// Threads per worker (1 = `sync` workers).
        threads: usize,
    },
    /// The FastAPI backend under uvicorn with `workers` processes (uvloop and httptools,
    /// which `uvicorn[standard]` installs, are picked automatically).
    Uvicorn {
        /// Worker processes.
        workers: usize,
    },
}

impl PythonServer {
    /// The value of `DASH_BACKEND` for the twin.
    fn backend(self) -> &'static str {
        match self {
            PythonServer::FlaskDev | PythonServer::Gunicorn { .. } => "flask",
            PythonServer::FastApiDev | PythonServer::Uvicorn { .. } => "fastapi",
        }
    }
}

impl fmt::Display for PythonServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PythonServer::FlaskDev => f.write_str("Flask development server"),
            PythonServer::FastApiDev => f.write_str("FastAPI backend, uvicorn (1 process)"),
            PythonServer::Gunicorn {
                workers,
                threads: 1,
            } => write!(f, "gunicorn, {workers} sync workers"),
            PythonServer::Gunicorn { workers, threads } => {
                write!(f, "gunicorn, {workers} gthread workers x {threads} threads")
            }
            PythonServer::Uvicorn { workers } => {
                write!(f, "FastAPI backend, uvicorn, {workers} workers")
            }
        }
    }
}

/// Why a twin could not be started.
#[derive(Debug, Error)]
pub enum PythonError {
    /// `scripts/setup-python` could not be run.
    #[error("could not run scripts/setup-python: {0}")]
    SetupSpawn(#[source] io::Error),
    /// `scripts/setup-python` failed.
    #[error("scripts/setup-python failed ({status}):\n{output}")]
    Setup {
        /// Its exit status.
        status: ExitStatus,
        /// Its stdout and stderr.
        output: String,
    },
    /// There is no twin of that name in `conformance/python`.
    #[error("no Python twin {0:?} (expected conformance/python/{0}.py)")]
    UnknownTwin(String),
    /// A server count was zero.
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    /// The server did not start.
    #[error(transparent)]
    App(#[from] AppError),
}

/// A running Python twin; dropping it stops the server and all its workers.
pub struct PythonTwin {
    app: RunningApp,
    name: String,
    server: PythonServer,
}

impl PythonTwin {
    /// Ensures the venv (see [`ensure_venv`]) and starts twin `name` (`"hello"`, `"calc"`)
    /// under `server` on a free loopback port, waiting until it answers `GET /`.
    pub fn start(name: &str, server: PythonServer) -> Result<Self, PythonError> {
        let venv = ensure_venv()?;
        let dir = twins_dir();
        let is_twin_name =
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_twin_name || !dir.join(format!("{name}.py")).is_file() {
            return Err(PythonError::UnknownTwin(name.to_owned()));
        }
        let port = free_port()?;
        let bin = venv.join("bin");
        let module = format!("{name}:server");
        let mut cmd = match server {
            PythonServer::FlaskDev | PythonServer::FastApiDev => {
                let mut cmd = Command::new(bin.join("python"));
                cmd.arg(format!("{name}.py"));
                cmd
            }
            PythonServer::Gunicorn { workers, threads } => {
                if workers == 0 {
                    return Err(PythonError::Zero("gunicorn workers"));
                }
                if threads == 0 {
                    return Err(PythonError::Zero("gunicorn threads"));
                }
                let mut cmd = Command::new(bin.join("gunicorn"));
                cmd.args(["--workers", &workers.to_string()]);
                if threads == 1 {
                    cmd.args(["--worker-class", "sync"]);
                } else {
                    cmd.args([
                        "--worker-class",
                        "gthread",
                        "--threads",
                        &threads.to_string(),
                    ]);
                }
                cmd.args(["--bind", &format!("127.0.0.1:{port}")])
                    .args(["--log-level", "warning"])
                    .arg(&module);
                cmd
            }
            PythonServer::Uvicorn { workers } => {
                if workers == 0 {
                    return Err(PythonError::Zero("uvicorn workers"));
                }
                let mut cmd = Command::new(bin.join("uvicorn"));
                cmd.arg(&module)
                    .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                    .args(["--workers", &workers.to_string()])
                    .args(["--log-level", "warning", "--no-access-log"]);
                cmd
            }
        };
        cmd.current_dir(&dir)
            .env("DASH_BACKEND", server.backend())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONPATH", &dir);
        let app = RunningApp::start_command(cmd, port)?;
        Ok(Self {
            app,
            name: name.to_owned(),
            server,
        })
    }

    /// `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> String {
        self.app.url()
    }

    /// The port it serves on.
    pub fn port(&self) -> u16 {
        self.app.port()
    }

    /// The twin's name, e.g. `hello`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server it runs under.
    pub fn server(&self) -> PythonServer {
        self.server
    }

    /// The server's stdout and stderr so far.
    pub fn output(&self) -> String {
        self.app.output()
    }

    /// The underlying process.
    pub fn app(&mut self) -> &mut RunningApp {
        &mut self.app
    }
}

/// The directory of the twins: `conformance/python` in the workspace.
pub fn twins_dir() -> PathBuf {
    workspace_root().join("conformance").join("python")
}

/// Where the venv lives: `$CONFORMANCE_VENV`, else `target/conformance-venv` in the workspace.
pub fn venv_dir() -> PathBuf {
    env::var_os("CONFORMANCE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target").join("conformance-venv"))
}

/// Runs `scripts/setup-python` (once per process; it returns at once when the venv is
/// already complete) and returns the venv's directory.
pub fn ensure_venv() -> Result<PathBuf, PythonError> {
    static READY: Mutex<bool> = Mutex::new(false);
    let mut ready = match READY.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let venv = venv_dir();
    if !*ready {
        let out = Command::new("bash")
            .arg(workspace_root().join("scripts").join("setup-python"))
            .env("CONFORMANCE_VENV", &venv)
            .current_dir(workspace_root())
            .output()
            .map_err(PythonError::SetupSpawn)?;
        if !out.status.success() {
            let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
            output.push_str(&String::from_utf8_lossy(&out.stderr));
            return Err(PythonError::Setup {
                status: out.status,
                output,
            });
        }
        *ready = true;
    }
    Ok(venv)
}
