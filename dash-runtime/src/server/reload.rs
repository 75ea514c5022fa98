//! Hot reload of the assets folder (protocol §2.8): what `_reload-hash` answers, and the
//! file watcher that changes it.
//!
//! With hot reload on (`DASH_HOT_RELOAD`, on in debug mode) the page polls `_reload-hash`
//! every 3 s and compares the `reloadHash` with the one it saw before. While the server
//! runs, a watcher ([`watch_assets`]) scans the assets folder again after each burst of file
//! events; when a file was added, changed or deleted, the hash changes and the answer lists
//! the changed files. The renderer swaps stylesheets in place when every listed file is CSS
//! and reloads the page otherwise, as with Python Dash, where any asset change is `hard`.
//!
//! Unlike Dash, reading the answer does not consume it: every open page sees the files of
//! the change it polled after, and changes less than [`MERGE_WINDOW`] apart are listed
//! together, so a page whose poll fell between two of them still applies both.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use serde_json::{json, Value};

use super::AppState;
use crate::assets::AssetChange;

/// The `packages` of every answer: the component namespaces whose files the front end
/// loads (a change of this list makes the page reload).
pub(crate) const PACKAGES: [&str; 2] = ["dash", "plotly"];

/// Quiet time after the last file event before the folder is scanned again (editors write
/// a file in several steps).
const DEBOUNCE: Duration = Duration::from_millis(100);

/// Changes closer together than this are listed together (longer than the renderer's 3 s
/// poll interval).
pub(crate) const MERGE_WINDOW: Duration = Duration::from_secs(10);

/// The most files one answer lists. Past that it lists none, which makes the page reload.
pub(crate) const MAX_FILES: usize = 128;

/// The current reload hash and the asset changes that made it.
pub(crate) struct ReloadHash {
    current: Mutex<Generation>,
}

#[derive(Clone)]
struct Generation {
    hash: String,
    /// False only for the hash the process started with.
    hard: bool,
    files: Vec<AssetChange>,
    /// More than [`MAX_FILES`] files changed: list none (a page reload).
    overflowed: bool,
    at: Instant,
}

/// One `_reload-hash` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReloadAnswer {
    pub hash: String,
    pub hard: bool,
    pub files: Vec<AssetChange>,
}

impl ReloadAnswer {
    /// The JSON body the renderer's reloader reads.
    pub fn to_json(&self) -> Value {
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|f| json!({"url": f.url, "modified": f.modified, "is_css": f.is_css}))
            .collect();
        json!({
            "files": files,
            "hard": self.hard,
            "packages": PACKAGES,
            "reloadHash": self.hash,
        })
    }
}

fn new_hash() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

impl ReloadHash {
    /// A fresh random hash: each process has its own, so a page served by an earlier process
    /// of the app reloads when it polls this one.
    pub fn new() -> ReloadHash {
        ReloadHash {
            current: Mutex::new(Generation {
                hash: new_hash(),
                hard: false,
                files: Vec::new(),
                overflowed: false,
                at: Instant::now(),
            }),
        }
    }

    /// What `_reload-hash` answers now.
    pub fn answer(&self) -> ReloadAnswer {
        let g = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        ReloadAnswer {
            hash: g.hash.clone(),
            hard: g.hard,
            files: if g.overflowed {
                Vec::new()
            } else {
                g.files.clone()
            },
        }
    }

    /// Starts a new hash for `changes` (nothing happens when there are none). The changes
    /// of the previous hash are kept when it is younger than [`MERGE_WINDOW`]; a file listed
    /// twice keeps its newest entry.
    pub fn record(&self, changes: Vec<AssetChange>) {
        if changes.is_empty() {
            return;
        }
        let mut g = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let (mut files, mut overflowed) = if g.hard && now.duration_since(g.at) < MERGE_WINDOW {
            (std::mem::take(&mut g.files), g.overflowed)
        } else {
            (Vec::new(), false)
        };
        for change in changes {
            files.retain(|f| f.url != change.url);
            files.push(change);
        }
        if files.len() > MAX_FILES {
            files.clear();
            overflowed = true;
        }
        *g = Generation {
            hash: new_hash(),
            hard: true,
            files,
            overflowed,
            at: now,
        };
    }
}

/// Why the assets folder is not watched.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WatchError {
    /// The operating system's file watcher could not be set up (on Linux, often the
    /// `fs.inotify.max_user_watches` limit).
    #[error("cannot watch the assets folder {dir}: {source}")]
    Notify {
        dir: String,
        #[source]
        source: notify::Error,
    },
}

/// A running watch of the assets folder; dropping it stops the watcher and its task.
pub(crate) struct AssetsWatch {
    _watcher: RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for AssetsWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Watches the app's assets folder when hot reload is on and the folder exists (`None`
/// otherwise): after each burst of events the folder is scanned again, the index page
/// relinked and a new reload hash recorded. Must be called inside the Tokio runtime.
pub(crate) fn watch_assets(state: &Arc<AppState>) -> Result<Option<AssetsWatch>, WatchError> {
    let dir = state.config.assets_folder.clone();
    if !state.config.dev_tools.hot_reload || !dir.is_dir() {
        return Ok(None);
    }
    let notify_error = |source| WatchError::Notify {
        dir: dir.display().to_string(),
        source,
    };
    // One pending rescan is enough: events arriving meanwhile are covered by it.
    let (wake, mut woken) = tokio::sync::mpsc::channel::<()>(1);
    let mut watcher =
        notify::recommended_watcher(move |event: notify::Result<Event>| match event {
            Ok(event) if changes_files(&event.kind) => {
                let _ = wake.try_send(());
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("assets watcher: {e}"),
        })
        .map_err(notify_error)?;
    watcher
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(notify_error)?;
    let app = state.clone();
    let task = tokio::spawn(async move {
        while woken.recv().await.is_some() {
            // Debounce: the rest of the burst arrives meanwhile.
            tokio::time::sleep(DEBOUNCE).await;
            while woken.try_recv().is_ok() {}
            let app = app.clone();
            let scanned = tokio::task::spawn_blocking(move || {
                let changes = app.rescan_assets();
                app.reload.record(changes.clone());
                changes
            })
            .await;
            match scanned {
                Ok(changes) if !changes.is_empty() => {
                    let urls: Vec<&str> = changes.iter().map(|c| c.url.as_str()).collect();
                    tracing::info!("assets changed: {}", urls.join(", "));
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("assets rescan failed: {e}"),
            }
        }
    });
    tracing::debug!("watching {} for hot reload", dir.display());
    Ok(Some(AssetsWatch {
        _watcher: watcher,
        task,
    }))
}

/// Creating, writing, renaming, removing or touching a file; not reading it (serving an
/// asset and scanning the folder open files and directories).
fn changes_files(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(url: &str, modified: i64) -> AssetChange {
        AssetChange {
            url: url.to_owned(),
            modified,
            is_css: url.ends_with("css"),
        }
    }

    #[test]
    fn starts_soft_with_no_files() {
        let r = ReloadHash::new();
        let a = r.answer();
        assert!(!a.hard);
        assert!(a.files.is_empty());
        assert_eq!(a.hash.len(), 32);
        r.record(Vec::new());
        assert_eq!(r.answer(), a, "no change, same answer");
    }

    #[test]
    fn a_change_is_a_new_hard_hash_listing_the_file_for_every_reader() {
        let r = ReloadHash::new();
        let before = r.answer().hash;
        r.record(vec![change("/assets/a.css", 5)]);
        let a = r.answer();
        assert_ne!(a.hash, before);
        assert!(a.hard);
        assert_eq!(a.files, vec![change("/assets/a.css", 5)]);
        assert_eq!(r.answer(), a, "reading does not consume the answer");
        let body = a.to_json();
        assert_eq!(
            body["files"],
            json!([{"url": "/assets/a.css", "modified": 5, "is_css": true}])
        );
        assert_eq!(body["packages"], json!(["dash", "plotly"]));
    }

    #[test]
    fn close_changes_merge_and_a_file_keeps_its_newest_entry() {
        let r = ReloadHash::new();
        r.record(vec![change("/assets/a.css", 5), change("/assets/b.js", 5)]);
        r.record(vec![change("/assets/a.css", 6)]);
        assert_eq!(
            r.answer().files,
            vec![change("/assets/b.js", 5), change("/assets/a.css", 6)]
        );
    }

    #[test]
    fn too_many_files_list_none() {
        let r = ReloadHash::new();
        r.record(
            (0..=MAX_FILES)
                .map(|i| change(&format!("/assets/{i}.css"), 1))
                .collect(),
        );
        let a = r.answer();
        assert!(a.hard && a.files.is_empty());
        r.record(vec![change("/assets/x.css", 2)]);
        assert!(r.answer().files.is_empty(), "still a page reload");
    }
}
