//! Child processes in a process group of their own, so that stopping one stops everything it
//! started (cargo's compilers, an app's own helpers), and nothing outlives the runner.

use std::io;

use tokio::process::{Child, Command};

/// A started process group; dropping it kills the whole group.
#[derive(Debug)]
pub struct ProcessGroup {
    pgid: Option<i32>,
}

impl ProcessGroup {
    /// Spawns `command` as the leader of a new process group. On Linux the child also gets
    /// `SIGTERM` if the runner dies without cleaning up (killed with `SIGKILL`).
    pub fn spawn(command: &mut Command) -> io::Result<(Child, ProcessGroup)> {
        command.process_group(0).kill_on_drop(true);
        #[cfg(target_os = "linux")]
        // SAFETY: the closure runs in the forked child before exec and only calls `prctl`,
        // which is async-signal-safe. The death signal follows the thread that forked: the
        // runner spawns from the runtime's worker threads, which live as long as it does.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn()?;
        let pgid = child.id().and_then(|id| i32::try_from(id).ok());
        Ok((child, ProcessGroup { pgid }))
    }

    /// Sends `signal` to every process of the group.
    pub fn signal(&self, signal: i32) {
        if let Some(pgid) = self.pgid {
            // SAFETY: `kill` has no memory-safety preconditions; a group that is gone is ESRCH.
            unsafe {
                libc::kill(-pgid, signal);
            }
        }
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.signal(libc::SIGKILL);
    }
}
