//! The Python side of `dash-bench-store` that needs dash-extensions: a venv of its own
//! (dash-extensions is not in the conformance venv, and must not change it), the app
//! `bench/python/store_extensions.py` under gunicorn, and that script's `latency` mode.
//!
//! The venv lives at `target/store-bench-venv`. It is made with the conformance venv's
//! interpreter (`scripts/setup-python`) and `-m venv`, and filled by pip with pinned
//! versions; like `scripts/setup-python`, pip uses the machine's own configuration and
//! nothing here names a package index. A stamp file with the requirement list makes later
//! runs return at once.

use std::path::{Path, PathBuf};
use std::process::Command;

use dash_e2e::app::{free_port, RunningApp};

use crate::python::{apps_dir, ensure_pinned_venv};

/// What the venv holds: dash-extensions 2.0.6 on the Dash and server versions of the
/// conformance venv.
pub const REQUIREMENTS: [&str; 5] = [
    "dash-extensions==2.0.6",
    "dash==4.4.1",
    "Flask==3.1.3",
    "Werkzeug==3.1.9",
    "gunicorn==27.0.1",
];

/// The script, in `bench/python`.
pub const SCRIPT: &str = "store_extensions.py";

/// `target/store-bench-venv`, created and filled when missing or stale (see
/// [`crate::python::ensure_pinned_venv`]).
pub fn ensure_extensions_venv() -> Result<PathBuf, String> {
    let requirements: Vec<String> = REQUIREMENTS.iter().map(|r| r.to_string()).collect();
    ensure_pinned_venv(
        "store-bench-venv",
        ".dash-bench-store-requirements",
        &requirements,
        "dash-bench-store",
    )
}

/// Start the dash-extensions app under gunicorn (`workers` gthread workers x `threads`, the
/// command line of [`crate::python::start`]) with its `FileSystemBackend` in `cache_dir`.
pub fn start_app(
    venv: &Path,
    cache_dir: &Path,
    workers: usize,
    threads: usize,
) -> Result<RunningApp, String> {
    let port = free_port().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(venv.join("bin").join("gunicorn"));
    cmd.args(["--workers", &workers.max(1).to_string()])
        .args(["--worker-class", "gthread"])
        .args(["--threads", &threads.max(2).to_string()])
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--log-level", "warning"])
        .arg("store_extensions:server")
        .current_dir(apps_dir())
        .env("STORE_BENCH_FS_DIR", cache_dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1");
    RunningApp::start_command(cmd, port).map_err(|e| e.to_string())
}

/// Set/get times of the `FileSystemBackend` for one value size, in microseconds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Latency {
    /// Bytes per value.
    pub size: usize,
    /// `backend.set(key, value)`, one per run.
    pub set_us: Vec<u64>,
    /// `backend.get(key, ignore_expired=True)`, one per run.
    pub get_us: Vec<u64>,
}

/// Run `store_extensions.py latency` in `cache_dir` for `(size, runs)` pairs.
pub fn latency(
    venv: &Path,
    cache_dir: &Path,
    sizes: &[(usize, usize)],
) -> Result<Vec<Latency>, String> {
    let mut cmd = Command::new(venv.join("bin").join("python"));
    cmd.arg(SCRIPT)
        .arg("latency")
        .arg(cache_dir)
        .args(sizes.iter().map(|(size, runs)| format!("{size}:{runs}")))
        .current_dir(apps_dir())
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {SCRIPT}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{SCRIPT} latency failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse_latency(&String::from_utf8_lossy(&output.stdout))
}

/// The JSON lines of the `latency` mode.
pub fn parse_latency(stdout: &str) -> Result<Vec<Latency>, String> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{SCRIPT} printed {l:?}: {e}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_lines() {
        let parsed = parse_latency("{\"size\": 1024, \"set_us\": [5, 6], \"get_us\": [1, 2]}\n\n")
            .expect("valid lines");
        assert_eq!(
            parsed,
            vec![Latency {
                size: 1024,
                set_us: vec![5, 6],
                get_us: vec![1, 2]
            }]
        );
        assert!(parse_latency("oops").is_err());
    }

    #[test]
    fn pinned() {
        assert!(REQUIREMENTS.contains(&"dash-extensions==2.0.6"));
        assert!(REQUIREMENTS.iter().all(|r| r.contains("==")));
    }
}
