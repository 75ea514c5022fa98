//! Python apps of the benchmarks themselves (`bench/python/<name>.py`), served the way
//! `dash_e2e::python::PythonTwin` serves the conformance twins: same venv
//! (`scripts/setup-python`), same gunicorn and uvicorn command lines. `PythonTwin` only looks
//! in `conformance/python`, hence this small counterpart; the bench apps import the twins'
//! `_backend.py` (Flask or FastAPI by `DASH_BACKEND`) from there.
//!
//! Benchmarks that need packages the conformance venv does not hold (and must not change)
//! get a venv of their own from [`ensure_pinned_venv`] and serve from it with [`start_in`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use dash_e2e::app::{free_port, target_dir, workspace_root, RunningApp};
use dash_e2e::python::{ensure_venv, twins_dir, PythonServer};

/// `bench/python` in the workspace.
pub fn apps_dir() -> PathBuf {
    workspace_root().join("bench").join("python")
}

/// Start `bench/python/<name>.py` under `server` on a free loopback port, from the
/// conformance venv, and wait until it answers `GET /`. Errors are messages for the report.
pub fn start(name: &str, server: PythonServer) -> Result<RunningApp, String> {
    let venv = ensure_venv().map_err(|e| e.to_string())?;
    start_in(&venv, name, server, &[])
}

/// Start `bench/python/<name>.py` under `server` from the venv `venv`, with `env` added to
/// its environment, and wait until it answers `GET /`.
pub fn start_in(
    venv: &Path,
    name: &str,
    server: PythonServer,
    env: &[(&str, OsString)],
) -> Result<RunningApp, String> {
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
    for (key, value) in env {
        cmd.env(key, value);
    }
    RunningApp::start_command(cmd, port).map_err(|e| e.to_string())
}

/// The pinned requirements of a requirements file: one `name==version` a line; blank lines
/// and `#` comments are skipped.
pub fn requirements(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `target/<dir_name>`, a venv holding exactly `requirements`, created and filled when missing
/// or stale. It is made with the conformance venv's interpreter (`scripts/setup-python`) and
/// `-m venv`, and filled by pip; like `scripts/setup-python`, pip uses the machine's own
/// configuration and nothing here names a package index. A stamp file (`stamp_name`, inside
/// the venv) with the requirement list makes later runs return at once. `label` names the
/// caller in the progress lines.
pub fn ensure_pinned_venv(
    dir_name: &str,
    stamp_name: &str,
    requirements: &[String],
    label: &str,
) -> Result<PathBuf, String> {
    let venv = target_dir().map_err(|e| e.to_string())?.join(dir_name);
    let stamp = venv.join(stamp_name);
    let wanted = requirements.join("\n");
    let python = venv.join("bin").join("python");
    if python.is_file() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted) {
        return Ok(venv);
    }
    let base = ensure_venv().map_err(|e| e.to_string())?;
    eprintln!("{label}: creating {}", venv.display());
    run(Command::new(base.join("bin").join("python"))
        .args(["-m", "venv", "--clear"])
        .arg(&venv))?;
    eprintln!("{label}: installing {}", requirements.join(" "));
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(requirements))?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(venv)
}

/// Run `cmd` to its end; its output is the error when it fails.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{:?} failed ({}):\n{}{}",
        cmd.get_program(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// The pinned requirements of the data benchmarks' venv (`bench/python/requirements-data.txt`).
pub fn data_requirements() -> Vec<String> {
    requirements(include_str!("../python/requirements-data.txt"))
}

/// The venv of the data benchmarks (`dash-bench-dataframe`, `dash-bench-figure`):
/// `target/data-bench-venv` with `bench/python/requirements-data.txt`. `label` names the
/// caller in the progress lines.
pub fn data_venv(label: &str) -> Result<PathBuf, String> {
    ensure_pinned_venv(
        "data-bench-venv",
        ".dash-bench-data-requirements",
        &data_requirements(),
        label,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines() {
        let text = "# pinned\ndash==4.4.1\n\n  numpy==2.4.6  # arrays\n";
        assert_eq!(requirements(text), ["dash==4.4.1", "numpy==2.4.6"]);
    }
}
