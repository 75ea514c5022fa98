//! Watching the app's sources: notify's native watcher, keeping only changes of source files,
//! debounced so that a burst of them wakes the runner once.

use std::time::Duration;

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::project::Project;
use crate::Error;

/// Quiet time after a change before a rebuild starts (saving in an editor, a formatter run
/// and a `git checkout` each write several files).
const DEBOUNCE: Duration = Duration::from_millis(200);

/// The running watcher; dropping it stops watching.
pub struct SourceWatch {
    _watcher: RecommendedWatcher,
}

/// Watches the project's source and package directories.
pub fn watch(project: &Project) -> Result<(SourceWatch, Changes), Error> {
    // One waiting message is enough: a rebuild covers every change before it.
    let (tx, rx) = mpsc::channel(1);
    let filter = project.clone();
    let mut watcher =
        notify::recommended_watcher(move |event: notify::Result<Event>| match event {
            Ok(event) => {
                let changed = matches!(
                    event.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                );
                if let Some(path) = event.paths.iter().find(|p| changed && filter.is_source(p)) {
                    if tx.try_send(()).is_ok() {
                        eprintln!("cargo dash: {} changed", path.display());
                    }
                }
            }
            Err(e) => eprintln!("cargo dash: watching: {e}"),
        })?;
    for dir in &project.source_dirs {
        if dir.is_dir() {
            watcher.watch(dir, RecursiveMode::Recursive)?;
        }
    }
    for dir in &project.package_dirs {
        watcher.watch(dir, RecursiveMode::NonRecursive)?;
    }
    Ok((
        SourceWatch { _watcher: watcher },
        Changes { rx, pending: false },
    ))
}

/// Bursts of source changes.
pub struct Changes {
    rx: mpsc::Receiver<()>,
    /// A change was received and its quiet time not yet waited out (kept when [`next`]'s
    /// future is dropped, so no change is lost).
    ///
    /// [`next`]: Changes::next
    pending: bool,
}

impl Changes {
    /// Waits for a change, then for [`DEBOUNCE`] of quiet. `None` when the watcher is gone.
    /// Cancel safe: a change seen by a dropped call is returned by the next one.
    pub async fn next(&mut self) -> Option<()> {
        if !self.pending {
            self.rx.recv().await?;
            self.pending = true;
        }
        while let Ok(Some(())) = tokio::time::timeout(DEBOUNCE, self.rx.recv()).await {}
        self.pending = false;
        Some(())
    }
}
