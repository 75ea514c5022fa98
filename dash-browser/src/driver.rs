//! The chromedriver process: started on a free loopback port in its own process group, its
//! log in the session's temporary directory, stopped (with the Chromium it started) on drop.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::BrowserError;

/// How long chromedriver may take to listen.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// How much of the end of chromedriver's log an error report shows.
const LOG_TAIL: u64 = 16 * 1024;

/// A running chromedriver.
pub(crate) struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    /// Starts `program` on a free port, logging to `log`, and waits until it listens.
    pub(crate) fn start(program: &Path, log: PathBuf) -> Result<Self, BrowserError> {
        let port = free_port().map_err(|source| BrowserError::Io {
            path: PathBuf::from("127.0.0.1:0"),
            source,
        })?;
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| BrowserError::Spawn {
                program: program.to_path_buf(),
                source,
            })?;
        let mut driver = Self { child, port, log };
        driver.wait_listening()?;
        Ok(driver)
    }

    /// Its WebDriver endpoint.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The end of its log (for error reports).
    pub(crate) fn log_tail(&self) -> String {
        let Ok(mut file) = fs::File::open(&self.log) else {
            return "(no log)".into();
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = file.seek(SeekFrom::Start(len.saturating_sub(LOG_TAIL)));
        let mut bytes = Vec::new();
        let _ = file.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn wait_listening(&mut self) -> Result<(), BrowserError> {
        let started = Instant::now();
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        while started.elapsed() < READY_TIMEOUT {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(50));
        }
        Err(BrowserError::DriverNotReady {
            port: self.port,
            waited: started.elapsed(),
            log: self.log_tail(),
        })
    }
}

impl Drop for Driver {
    /// SIGTERM to the group, a short grace, then SIGKILL to whatever is left of it (Chromium
    /// and its helpers run in chromedriver's group).
    fn drop(&mut self) {
        let Ok(pgid) = libc::pid_t::try_from(self.child.id()) else {
            let _ = self.child.kill();
            let _ = self.child.wait();
            return;
        };
        if matches!(self.child.try_wait(), Ok(None)) {
            signal_group(pgid, libc::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                thread::sleep(Duration::from_millis(50));
            }
        }
        signal_group(pgid, libc::SIGKILL);
        let _ = self.child.wait();
    }
}

fn signal_group(pgid: libc::pid_t, signal: libc::c_int) {
    if pgid > 0 {
        // SAFETY: kill(2) has no memory-safety preconditions; the negative pid addresses the
        // process group `Driver::start` created for chromedriver.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

/// A port that was free a moment ago on 127.0.0.1.
pub(crate) fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
