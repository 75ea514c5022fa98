//! Python apps of the benchmarks themselves (`bench/python/<name>.py`), served the way
//! `dash_e2e::python::PythonTwin` serves the conformance twins: same venv
//! (`scripts/setup-python`), same gunicorn and uvicorn command lines. `PythonTwin` only looks
//! in `conformance/python`, hence this small counterpart; the bench apps import the twins'
//! `_backend.py` (Flask or FastAPI by `DASH_BACKEND`) from there.

use std::path::PathBuf;
use std::process::Command;

use dash_e2e::app::{free_port, workspace_root, RunningApp};
use dash_e2e::python::{ensure_venv, twins_dir, PythonServer};

/// `bench/python` in the workspace.
pub fn apps_dir() -> PathBuf {
    workspace_root().join("bench").join("python")
}

/// Start `bench/python/<name>.py` under `server` on a free loopback port and wait until it
/// answers `GET /`. Errors are messages for the report.
pub fn start(name: &str, server: PythonServer) -> Result<RunningApp, String> {
    let venv = ensure_venv().map_err(|e| e.to_string())?;
    let dir = apps_dir();
    if !dir.join(format!("{name}.py")).is_file() {
        return Err(format!("no bench/python/{name}.py"));
    }
    let port = free_port().map_err(|e| e.to_string())?;
    let bin = venv.join("bin");
    let module = format!("{name}:server");
    let (mut cmd, backend) = match server {
        PythonServer::FlaskDev | PythonServer::FastApiDev => {
            let mut cmd = Command::new(bin.join("python"));
            cmd.arg(format!("{name}.py"));
            let backend = if server == PythonServer::FlaskDev {
                "flask"
            } else {
                "fastapi"
            };
            (cmd, backend)
        }
        PythonServer::Gunicorn { workers, threads } => {
            let mut cmd = Command::new(bin.join("gunicorn"));
            cmd.args(["--workers", &workers.max(1).to_string()]);
            if threads <= 1 {
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
            (cmd, "flask")
        }
        PythonServer::Uvicorn { workers } => {
            let mut cmd = Command::new(bin.join("uvicorn"));
            cmd.arg(&module)
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--workers", &workers.max(1).to_string()])
                .args(["--log-level", "warning", "--no-access-log"]);
            (cmd, "fastapi")
        }
    };
    let python_path =
        std::env::join_paths([dir.clone(), twins_dir()]).map_err(|e| e.to_string())?;
    cmd.current_dir(&dir)
        .env("DASH_BACKEND", backend)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONPATH", python_path);
    RunningApp::start_command(cmd, port).map_err(|e| e.to_string())
}
