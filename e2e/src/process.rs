//! Child processes that run in their own process group, with their output kept in memory
//! so a failing test can show it.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Keep at most this much of a child's output (the most recent part).
const OUTPUT_LIMIT: usize = 256 * 1024;

/// The combined stdout and stderr of a child, as far as it has been read.
#[derive(Clone, Default)]
pub(crate) struct Output(Arc<Mutex<Vec<u8>>>);

impl Output {
    /// The output so far, as text.
    pub(crate) fn text(&self) -> String {
        match self.0.lock() {
            Ok(buf) => String::from_utf8_lossy(&buf).into_owned(),
            Err(poisoned) => String::from_utf8_lossy(&poisoned.into_inner()).into_owned(),
        }
    }

    fn append(&self, bytes: &[u8]) {
        let mut buf = match self.0.lock() {
            Ok(buf) => buf,
            Err(poisoned) => poisoned.into_inner(),
        };
        buf.extend_from_slice(bytes);
        if buf.len() > OUTPUT_LIMIT {
            let excess = buf.len() - OUTPUT_LIMIT;
            buf.drain(..excess);
        }
    }

    fn pump(&self, mut from: impl Read + Send + 'static) {
        let sink = self.clone();
        thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            loop {
                match from.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => sink.append(&chunk[..n]),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        });
    }
}

/// Spawns `cmd` as the leader of a new process group, stdin closed, output captured.
pub(crate) fn spawn_captured(cmd: &mut Command) -> io::Result<(Child, Output)> {
    let mut child = cmd
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let output = Output::default();
    if let Some(out) = child.stdout.take() {
        output.pump(out);
    }
    if let Some(err) = child.stderr.take() {
        output.pump(err);
    }
    Ok((child, output))
}

/// Stops the child's whole process group: SIGTERM, a short grace period, then SIGKILL.
pub(crate) fn stop_group(child: &mut Child) {
    let Ok(pgid) = libc::pid_t::try_from(child.id()) else {
        let _ = child.kill();
        let _ = child.wait();
        return;
    };
    if matches!(child.try_wait(), Ok(None)) {
        signal_group(pgid, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
            thread::sleep(Duration::from_millis(50));
        }
    }
    // Whatever is left of the group (the leader or processes it started) goes now.
    signal_group(pgid, libc::SIGKILL);
    let _ = child.wait();
}

fn signal_group(pgid: libc::pid_t, signal: libc::c_int) {
    if pgid > 0 {
        // SAFETY: kill(2) has no memory-safety preconditions; a negative pid addresses the
        // process group this module created for the child (see `spawn_captured`).
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}
