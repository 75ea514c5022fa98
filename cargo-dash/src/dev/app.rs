//! The app's process: started on an internal port, stopped with its whole process group.

use std::collections::VecDeque;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::group::ProcessGroup;
use super::project::Project;
use crate::Error;

/// How long a stopped app gets to finish its requests before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// The app's last output lines kept for the error page when it exits on its own.
const MAX_LINES: usize = 60;

/// A running app.
pub struct App {
    child: Child,
    group: ProcessGroup,
    /// The port the app listens on (127.0.0.1).
    pub port: u16,
    output: Arc<Mutex<VecDeque<String>>>,
}

/// Why an app did not come up.
pub enum NotReady {
    /// It exited first; its last output lines.
    Exited(ExitStatus, String),
    /// It did not listen in time.
    Timeout,
}

impl App {
    /// Starts `exe` in the package directory with `PORT`/`HOST` set to a free local port and
    /// debug mode with hot reload on (unless the environment already sets them). Its output
    /// goes to the terminal.
    pub async fn start(exe: &Path, project: &Project) -> Result<App, Error> {
        let port = free_port().map_err(Error::io("finding a free port"))?;
        let mut command = Command::new(exe);
        command
            .current_dir(&project.dir)
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::inherit())
            .stderr(Stdio::piped());
        // Debug mode and hot reload, the page polling twice a second so that it follows a
        // rebuild at once (unless set otherwise).
        for (name, value) in [
            ("DASH_DEBUG", "true"),
            ("DASH_HOT_RELOAD", "true"),
            ("DASH_HOT_RELOAD_INTERVAL", "0.5"),
        ] {
            if std::env::var_os(name).is_none() {
                command.env(name, value);
            }
        }
        let (mut child, group) = ProcessGroup::spawn(&mut command)
            .map_err(Error::io(format!("starting {}", exe.display())))?;
        let output = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(stderr) = child.stderr.take() {
            let kept = output.clone();
            // Ends when the app's stderr closes (the app exited).
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    eprintln!("{line}");
                    let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
                    if kept.len() == MAX_LINES {
                        kept.pop_front();
                    }
                    kept.push_back(line);
                }
            });
        }
        Ok(App {
            child,
            group,
            port,
            output,
        })
    }

    /// Waits until the app accepts connections.
    pub async fn ready(&mut self, within: Duration) -> Result<(), NotReady> {
        let deadline = Instant::now() + within;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the output reader catch up with the last lines.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return Err(NotReady::Exited(status, self.last_output()));
            }
            if Instant::now() > deadline {
                return Err(NotReady::Timeout);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until the app exits on its own; its status and last output lines.
    pub async fn exited(&mut self) -> (String, String) {
        let status = match self.child.wait().await {
            Ok(status) => status.to_string(),
            Err(e) => e.to_string(),
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        (status, self.last_output())
    }

    fn last_output(&self) -> String {
        let kept = self.output.lock().unwrap_or_else(PoisonError::into_inner);
        Vec::from(kept.clone()).join("\n")
    }

    /// Stops the app: `SIGTERM` to its group (the server finishes its requests), then
    /// `SIGKILL` after [`STOP_GRACE`].
    pub async fn stop(mut self) {
        self.group.signal(libc::SIGTERM);
        if tokio::time::timeout(STOP_GRACE, self.child.wait())
            .await
            .is_err()
        {
            self.group.signal(libc::SIGKILL);
            let _ = self.child.wait().await;
        }
        // Dropping `group` kills whatever of the group is left.
    }
}

/// A port nobody listens on now (the app binds it right after).
fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
