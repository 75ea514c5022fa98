//! Running the app under test: an example binary of this workspace, or any command, on a free
//! loopback port, stopped (with everything it started) when dropped.
//!
//! ```no_run
//! use dash_e2e::app::RunningApp;
//!
//! # fn main() -> Result<(), dash_e2e::app::AppError> {
//! let app = RunningApp::start("hello")?; // cargo build --release -p hello, then run it
//! println!("serving on {}", app.url());
//! # Ok(())
//! # }
//! ```

use std::env;
use std::ffi::OsString;
use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::http;
use crate::process::{self, Output};

/// How long an app may take to answer `GET /` when
/// `DASH_E2E_START_TIMEOUT_SECS` does not say otherwise. Generous: a first run on a fresh
/// machine fetches the front-end packages before serving.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Why an app could not be built or started.
#[derive(Debug, Error)]
pub enum AppError {
    /// A command could not be spawned at all.
    #[error("could not run {command}: {source}")]
    Spawn {
        /// The command, for the message.
        command: String,
        /// The spawn error.
        #[source]
        source: io::Error,
    },
    /// `cargo build` failed.
    #[error("`cargo build --release -p {package}` failed ({status}):\n{output}")]
    Build {
        /// Package that was built.
        package: String,
        /// Cargo's exit status.
        status: ExitStatus,
        /// Cargo's diagnostics.
        output: String,
    },
    /// `cargo build` succeeded but reported no binary for the package.
    #[error("`cargo build --release -p {package}` reported no binary")]
    NoBinary {
        /// Package that was built.
        package: String,
    },
    /// `cargo metadata` failed or answered something unexpected.
    #[error("cargo metadata: {0}")]
    Metadata(String),
    /// No free loopback port could be reserved.
    #[error("no free port on 127.0.0.1: {0}")]
    Port(#[source] io::Error),
    /// The app exited before it answered.
    #[error("{label} exited ({status}) before answering on port {port}; its output:\n{output}")]
    Exited {
        /// The program.
        label: String,
        /// Its port.
        port: u16,
        /// Its exit status.
        status: ExitStatus,
        /// Its stdout and stderr.
        output: String,
    },
    /// The app did not answer `GET /` in time.
    #[error("{label} did not answer GET / on port {port} within {waited:?} (last: {last}); its output:\n{output}")]
    NotReady {
        /// The program.
        label: String,
        /// Its port.
        port: u16,
        /// How long we waited.
        waited: Duration,
        /// The last thing `GET /` produced.
        last: String,
        /// Its stdout and stderr.
        output: String,
    },
}

/// A server process under test. Dropping it stops the process and its whole process group.
///
/// Note that a value in a `static` is never dropped: keep a `RunningApp` in a local variable.
pub struct RunningApp {
    child: Child,
    port: u16,
    label: String,
    output: Output,
}

impl RunningApp {
    /// Builds the workspace binary `package` in release mode, runs it with `HOST=127.0.0.1`
    /// and `PORT=<a free port>` from the workspace root, and waits until `GET /` answers.
    pub fn start(package: &str) -> Result<Self, AppError> {
        Self::start_with_env(package, &[])
    }

    /// Like [`start`](Self::start), with extra environment variables for the app.
    ///
    /// ```no_run
    /// use dash_e2e::app::RunningApp;
    ///
    /// # fn main() -> Result<(), dash_e2e::app::AppError> {
    /// let app = RunningApp::start_with_env("store", &[("DASH_METRICS_PATH", "/_dash-metrics")])?;
    /// # let _ = app;
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_with_env(package: &str, env: &[(&str, &str)]) -> Result<Self, AppError> {
        let exe = build_release_binary(package)?;
        let port = free_port()?;
        let mut cmd = Command::new(exe);
        cmd.current_dir(workspace_root());
        cmd.envs(env.iter().copied());
        Self::start_command(cmd, port)
    }

    /// Runs an arbitrary command that will serve on `127.0.0.1:port` (`HOST` and `PORT` are
    /// set in its environment too) and waits until `GET /` answers with a non-error status.
    ///
    /// ```no_run
    /// use dash_e2e::app::{free_port, RunningApp};
    /// use std::process::Command;
    ///
    /// # fn main() -> Result<(), dash_e2e::app::AppError> {
    /// let port = free_port()?;
    /// let mut cmd = Command::new("python3");
    /// cmd.arg("twin.py");
    /// let twin = RunningApp::start_command(cmd, port)?;
    /// # let _ = twin;
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_command(mut cmd: Command, port: u16) -> Result<Self, AppError> {
        let label = describe(&cmd);
        cmd.env("HOST", "127.0.0.1").env("PORT", port.to_string());
        let (child, output) =
            process::spawn_captured(&mut cmd).map_err(|source| AppError::Spawn {
                command: label.clone(),
                source,
            })?;
        let mut app = Self {
            child,
            port,
            label,
            output,
        };
        app.wait_ready(start_timeout())?;
        Ok(app)
    }

    /// `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port it serves on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything the process wrote to stdout and stderr so far (the last 256 KiB).
    pub fn output(&self) -> String {
        self.output.text()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), AppError> {
        let started = Instant::now();
        let url = format!("{}/", self.url());
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Give the pipe readers a moment to collect the last words.
                thread::sleep(Duration::from_millis(200));
                return Err(AppError::Exited {
                    label: self.label.clone(),
                    port: self.port,
                    status,
                    output: self.output(),
                });
            }
            let last = match http::get(&url, Duration::from_secs(10)) {
                Ok(r) if r.status < 400 => return Ok(()),
                Ok(r) => format!("HTTP {}", r.status),
                Err(e) => e.to_string(),
            };
            if started.elapsed() >= timeout {
                return Err(AppError::NotReady {
                    label: self.label.clone(),
                    port: self.port,
                    waited: started.elapsed(),
                    last,
                    output: self.output(),
                });
            }
            thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        process::stop_group(&mut self.child);
    }
}

/// Reserves a currently free port on 127.0.0.1 (released again before returning, so another
/// process could in principle take it first).
pub fn free_port() -> Result<u16, AppError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(AppError::Port)
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// The cargo target directory of this workspace, as `cargo metadata` reports it (so
/// `CARGO_TARGET_DIR` and cargo configuration are honoured).
pub fn target_dir() -> Result<PathBuf, AppError> {
    let out = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .output()
        .map_err(|source| AppError::Spawn {
            command: "cargo metadata".into(),
            source,
        })?;
    if !out.status.success() {
        return Err(AppError::Metadata(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| AppError::Metadata(format!("not JSON: {e}")))?;
    meta["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| AppError::Metadata("no target_directory".into()))
}

/// The workspace's example apps (members under `examples/`), by package name, sorted.
pub fn example_packages() -> Result<Vec<String>, AppError> {
    let out = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .output()
        .map_err(|source| AppError::Spawn {
            command: "cargo metadata".into(),
            source,
        })?;
    if !out.status.success() {
        return Err(AppError::Metadata(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| AppError::Metadata(format!("not JSON: {e}")))?;
    let examples = workspace_root().join("examples");
    let mut names: Vec<String> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| {
            p["manifest_path"]
                .as_str()
                .is_some_and(|m| Path::new(m).starts_with(&examples))
        })
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    Ok(names)
}

/// Runs `cargo build --release` and returns the path of `package`'s binary (taken from
/// cargo's own artifact messages, so any target directory or triple works).
///
/// An example app is built together with every other example (`-p` for each): one cargo
/// run whose features are unified across the examples, so dependencies they share (polars
/// above all) are built once in one feature set, not once per example. Later calls find
/// everything fresh.
pub fn build_release_binary(package: &str) -> Result<PathBuf, AppError> {
    // The test process's CARGO_MANIFEST_DIR is removed below: it is not the apps' and build
    // scripts would read it.
    let examples = example_packages()?;
    let mut packages: Vec<&str> = vec![package];
    if examples.iter().any(|e| e == package) {
        packages = examples.iter().map(String::as_str).collect();
    }
    let out = Command::new(cargo())
        .args([
            "build",
            "--release",
            "--message-format=json-render-diagnostics",
        ])
        .args(packages.iter().flat_map(|p| ["-p", p]))
        .env_remove("CARGO_MANIFEST_DIR")
        .current_dir(workspace_root())
        .output()
        .map_err(|source| AppError::Spawn {
            command: format!("cargo build --release -p {package}"),
            source,
        })?;
    if !out.status.success() {
        return Err(AppError::Build {
            package: package.to_owned(),
            status: out.status,
            output: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    let binaries: Vec<(String, PathBuf)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact")
        .filter(|msg| {
            msg["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        })
        .filter_map(|msg| {
            let name = msg["target"]["name"].as_str()?.to_owned();
            let exe = msg["executable"].as_str()?;
            Some((name, PathBuf::from(exe)))
        })
        .collect();
    let chosen = binaries
        .iter()
        .find(|(name, _)| name == package)
        .or_else(|| (binaries.len() == 1).then(|| &binaries[0]));
    chosen
        .map(|(_, exe)| exe.clone())
        .ok_or_else(|| AppError::NoBinary {
            package: package.to_owned(),
        })
}

/// The cargo that runs these tests (`CARGO`), else the one that built them, else `cargo`.
fn cargo() -> OsString {
    env::var_os("CARGO")
        .or_else(|| option_env!("CARGO").map(OsString::from))
        .unwrap_or_else(|| OsString::from("cargo"))
}

fn start_timeout() -> Duration {
    env::var("DASH_E2E_START_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_START_TIMEOUT)
}

fn describe(cmd: &Command) -> String {
    let mut words = vec![cmd.get_program().to_string_lossy().into_owned()];
    words.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}
