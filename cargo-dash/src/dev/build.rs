//! One `cargo build` of the app, with compiler messages read from its JSON output.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;

use cargo_metadata::diagnostic::DiagnosticLevel;
use cargo_metadata::Message;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use super::group::ProcessGroup;
use super::project::Project;
use crate::Error;

/// The most compiler errors kept for the error page.
const MAX_ERRORS: usize = 30;
/// The most of cargo's own output lines kept for the error page (when it fails before
/// compiling: a broken `Cargo.toml`, a missing dependency).
const MAX_CARGO_LINES: usize = 40;

/// How a build ended.
#[derive(Debug)]
pub enum Built {
    /// The app's executable.
    Binary(PathBuf),
    /// The build failed: rustc's rendered errors (or cargo's last output lines).
    Failed(String),
}

/// Runs `cargo build -p <package> --bin <bin>`, echoing cargo's output and the compiler's
/// messages to the terminal. Dropping the future stops the build (cargo and the compilers it
/// started).
pub async fn build(project: &Project, release: bool) -> Result<Built, Error> {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args(["build", "--message-format=json", "-p"])
        .arg(&project.package)
        .arg("--bin")
        .arg(&project.bin)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if release {
        command.arg("--release");
    }
    if let Some(path) = &project.manifest_path {
        command.arg("--manifest-path").arg(path);
    }
    let (mut child, group) =
        ProcessGroup::spawn(&mut command).map_err(Error::io("running cargo build"))?;
    let _stop_on_drop = group;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(Error::Io {
            what: "reading cargo build".into(),
            source: std::io::Error::other("no pipes"),
        });
    };
    let cargo_lines = tokio::spawn(async move {
        let mut kept = VecDeque::new();
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("{line}");
            if kept.len() == MAX_CARGO_LINES {
                kept.pop_front();
            }
            kept.push_back(line);
        }
        kept
    });
    let mut errors: Vec<String> = Vec::new();
    let mut binary = None;
    let mut success = false;
    let mut lines = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        match serde_json::from_str::<Message>(&line) {
            Ok(Message::CompilerMessage(msg)) => {
                if let Some(rendered) = &msg.message.rendered {
                    eprint!("{rendered}");
                    let is_error = matches!(
                        msg.message.level,
                        DiagnosticLevel::Error | DiagnosticLevel::Ice
                    );
                    if is_error && errors.len() < MAX_ERRORS {
                        errors.push(rendered.clone());
                    }
                }
            }
            Ok(Message::CompilerArtifact(artifact))
                if artifact.target.is_bin() && artifact.target.name == project.bin =>
            {
                if let Some(exe) = artifact.executable {
                    binary = Some(exe.into_std_path_buf());
                }
            }
            Ok(Message::BuildFinished(finished)) => success = finished.success,
            _ => {}
        }
    }
    let status = child
        .wait()
        .await
        .map_err(Error::io("waiting for cargo build"))?;
    let cargo_lines = cargo_lines.await.unwrap_or_default();
    Ok(match binary {
        Some(exe) if success && status.success() => Built::Binary(exe),
        _ if !errors.is_empty() => Built::Failed(errors.join("\n")),
        _ => Built::Failed(format!(
            "cargo build failed ({status})\n\n{}",
            Vec::from(cargo_lines).join("\n")
        )),
    })
}
