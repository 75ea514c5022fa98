//! The on-disk store of verified, extracted packages (a cache or an offline directory).
//!
//! Layout of a store root:
//!
//! ```text
//! <root>/<dir name>/package.tgz|.whl   the archive npm or pip returned (kept for `verify`)
//! <root>/<dir name>/files/<namespace>/<served path>
//! <root>/<dir name>/MANIFEST            written last (see `manifest`)
//! ```
//!
//! The directory name is `<name>@<version>` for npm packages and
//! `pypi+<distribution>@<version>` for component-library wheels (see [`Source`]).
//!
//! A package directory is assembled under a private `.staging-…` name and renamed into
//! place in one step, so concurrent processes never see half-written packages; a process
//! that loses the race discards its copy and uses the winner's.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::error::AssetError;
use super::integrity::sha256_hex;
use super::manifest::{self, Manifest, ManifestFile};
use super::source::Source;

const FILES: &str = "files";
/// Leftovers of crashed processes older than this are removed on the next fetch.
const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// A package found complete in a store.
#[derive(Debug, Clone)]
pub(crate) struct StoredPackage {
    /// The package's spec, for messages.
    pub spec: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl StoredPackage {
    /// The on-disk path of a served file of this package.
    pub(crate) fn file_path(&self, file: &ManifestFile) -> PathBuf {
        let mut path = self.dir.join(FILES).join(&file.namespace);
        path.extend(file.path.split('/'));
        path
    }
}

enum Open {
    Missing,
    Corrupt(String),
}

/// A store root, which may or may not fetch what it lacks.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    root: PathBuf,
    can_fetch: bool,
}

impl Store {
    /// A cache that fetches missing packages with npm.
    pub(crate) fn cache(root: PathBuf) -> Store {
        Store {
            root,
            can_fetch: true,
        }
    }

    /// A directory prepared earlier; never touches the network.
    pub(crate) fn offline(root: PathBuf) -> Store {
        Store {
            root,
            can_fetch: false,
        }
    }

    #[cfg(test)]
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn can_fetch(&self) -> bool {
        self.can_fetch
    }

    fn package_dir<S: Source>(&self, package: &S) -> PathBuf {
        self.root.join(package.dir_name())
    }

    /// Returns every package, fetching and installing the missing ones if allowed.
    pub(crate) fn ensure<S: Source>(
        &self,
        packages: &[S],
    ) -> Result<Vec<StoredPackage>, AssetError> {
        let mut missing = Vec::new();
        for package in packages {
            match self.open(package) {
                Ok(_) => {}
                Err(Open::Missing) => missing.push(package),
                Err(Open::Corrupt(reason)) => {
                    if !self.can_fetch {
                        return Err(AssetError::Corrupt {
                            package: package.spec(),
                            dir: self.package_dir(package),
                            reason,
                        });
                    }
                    tracing::warn!(package = %package.spec(), %reason, "discarding a damaged cached package");
                    self.discard(package)?;
                    missing.push(package);
                }
            }
        }
        if let Some(first) = missing.first() {
            if !self.can_fetch {
                return Err(AssetError::MissingOffline {
                    package: first.spec(),
                    dir: self.root.clone(),
                });
            }
            self.fetch(&missing)?;
        }
        packages
            .iter()
            .map(|package| {
                self.open(package).map_err(|open| match open {
                    Open::Missing => AssetError::NotFetched {
                        package: package.spec(),
                    },
                    Open::Corrupt(reason) => AssetError::Corrupt {
                        package: package.spec(),
                        dir: self.package_dir(package),
                        reason,
                    },
                })
            })
            .collect()
    }

    /// Re-checks a stored package in depth: tarball integrity, tarball content against
    /// the manifest, and every extracted file against its hash.
    pub(crate) fn verify<S: Source>(&self, package: &S) -> Result<StoredPackage, AssetError> {
        let dir = self.package_dir(package);
        let corrupt = |reason: String| AssetError::Corrupt {
            package: package.spec(),
            dir: dir.clone(),
            reason,
        };
        let stored = self.open(package).map_err(|open| match open {
            Open::Missing => AssetError::MissingOffline {
                package: package.spec(),
                dir: self.root.clone(),
            },
            Open::Corrupt(reason) => corrupt(reason),
        })?;
        let tarball_path = dir.join(package.archive_name());
        let tgz =
            fs::read(&tarball_path).map_err(|e| AssetError::io("reading", &tarball_path, e))?;
        package.check_archive(&tgz)?;
        let expected = package.served_files(&tgz)?;
        if expected.len() != stored.manifest.files.len() {
            return Err(corrupt(format!(
                "manifest lists {} files, the tarball has {}",
                stored.manifest.files.len(),
                expected.len()
            )));
        }
        for file in &stored.manifest.files {
            let key = (file.namespace.clone(), file.path.clone());
            let Some(content) = expected.get(&key) else {
                return Err(corrupt(format!("`{}` is not in the archive", file.path)));
            };
            if sha256_hex(content) != file.sha256 {
                return Err(corrupt(format!(
                    "manifest hash of `{}` is wrong",
                    file.path
                )));
            }
            let path = stored.file_path(file);
            let on_disk = fs::read(&path).map_err(|e| AssetError::io("reading", &path, e))?;
            if sha256_hex(&on_disk) != file.sha256 {
                return Err(corrupt(format!("`{}` was modified", file.path)));
            }
        }
        Ok(stored)
    }

    /// Removes a package directory (renamed away first, so readers never see it half gone).
    pub(crate) fn discard<S: Source>(&self, package: &S) -> Result<(), AssetError> {
        let dir = self.package_dir(package);
        let trash = self.root.join(private_name("trash", package));
        match fs::rename(&dir, &trash) {
            Ok(()) => {
                let _ = fs::remove_dir_all(&trash);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(AssetError::io("removing", dir, e)),
        }
    }

    fn open<S: Source>(&self, package: &S) -> Result<StoredPackage, Open> {
        let dir = self.package_dir(package);
        let text = match fs::read_to_string(dir.join(manifest::FILE_NAME)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !dir.exists() => {
                return Err(Open::Missing)
            }
            Err(e) => return Err(Open::Corrupt(format!("manifest unreadable: {e}"))),
        };
        let manifest = Manifest::parse(&text).map_err(Open::Corrupt)?;
        let (name, version) = package.name_version();
        let integrity = package.integrity();
        if manifest.name != name || manifest.version != version || manifest.integrity != integrity {
            return Err(Open::Corrupt(format!(
                "holds {}@{} ({}), expected {} ({integrity})",
                manifest.name,
                manifest.version,
                manifest.integrity,
                package.spec(),
            )));
        }
        let stored = StoredPackage {
            spec: package.spec(),
            dir,
            manifest,
        };
        for file in &stored.manifest.files {
            if !package.serves(&file.namespace, &file.path) {
                return Err(Open::Corrupt(format!("unexpected file `{}`", file.path)));
            }
            let size = fs::metadata(stored.file_path(file)).map(|m| m.len());
            if size.ok() != Some(file.size) {
                return Err(Open::Corrupt(format!(
                    "`{}` is missing or resized",
                    file.path
                )));
            }
        }
        Ok(stored)
    }

    fn fetch<S: Source>(&self, packages: &[&S]) -> Result<(), AssetError> {
        fs::create_dir_all(&self.root).map_err(|e| AssetError::io("creating", &self.root, e))?;
        self.remove_stale_leftovers();
        let download = TempDir::create(self.root.join(private_name("download", packages[0])))?;
        let tarballs = S::download(packages, download.path())?;
        for (package, tarball) in packages.iter().zip(tarballs) {
            self.install(*package, &tarball)?;
        }
        Ok(())
    }

    /// Verifies and extracts one tarball, then moves the package into place atomically.
    pub(crate) fn install<S: Source>(&self, package: &S, tarball: &Path) -> Result<(), AssetError> {
        let tgz = fs::read(tarball).map_err(|e| AssetError::io("reading", tarball, e))?;
        package.check_archive(&tgz)?;
        let files = package.served_files(&tgz)?;
        let staging = TempDir::create(self.root.join(private_name("staging", package)))?;
        let write = |path: &Path, bytes: &[u8]| {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| AssetError::io("creating", parent, e))?;
            }
            fs::write(path, bytes).map_err(|e| AssetError::io("writing", path, e))
        };
        write(&staging.path().join(package.archive_name()), &tgz)?;
        let mut listed = Vec::with_capacity(files.len());
        for ((namespace, path), content) in &files {
            let mut target = staging.path().join(FILES).join(namespace);
            target.extend(path.split('/'));
            write(&target, content)?;
            listed.push(ManifestFile {
                sha256: sha256_hex(content),
                size: content.len() as u64,
                namespace: namespace.clone(),
                path: path.clone(),
            });
        }
        let (name, version) = package.name_version();
        let manifest = Manifest {
            name: name.to_string(),
            version: version.to_string(),
            integrity: package.integrity(),
            files: listed,
        };
        write(
            &staging.path().join(manifest::FILE_NAME),
            manifest.render().as_bytes(),
        )?;
        let dir = self.package_dir(package);
        if fs::rename(staging.path(), &dir).is_ok() {
            staging.keep();
            return Ok(());
        }
        // Another process finished first, or a damaged directory is in the way.
        match self.open(package) {
            Ok(_) => Ok(()),
            Err(_) => {
                self.discard(package)?;
                fs::rename(staging.path(), &dir)
                    .map_err(|e| AssetError::io("renaming", &dir, e))?;
                staging.keep();
                Ok(())
            }
        }
    }

    fn remove_stale_leftovers(&self) {
        let Ok(entries) = fs::read_dir(&self.root) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !name.to_string_lossy().starts_with(".dash-rs-") {
                continue;
            }
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > STALE_AFTER);
            if old {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn private_name<S: Source>(kind: &str, package: &S) -> String {
    format!(
        ".dash-rs-{kind}-{}-{}-{:016x}",
        package.dir_name(),
        std::process::id(),
        rand::random::<u64>()
    )
}

/// A directory removed on drop unless kept.
struct TempDir {
    path: PathBuf,
    keep: std::cell::Cell<bool>,
}

impl TempDir {
    fn create(path: PathBuf) -> Result<TempDir, AssetError> {
        fs::create_dir_all(&path).map_err(|e| AssetError::io("creating", &path, e))?;
        Ok(TempDir {
            path,
            keep: std::cell::Cell::new(false),
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn keep(&self) {
        self.keep.set(true);
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep.get() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::extract::tests::{package, tarball};
    use crate::assets::integrity::sri_sha512;
    use crate::assets::testutil::TempTree;

    fn temp_root(tag: &str) -> TempTree {
        TempTree::new(tag)
    }

    fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }

    fn sample() -> Vec<u8> {
        tarball(&[
            ("package/main.js", b"console.log(1)"),
            ("package/dist/a.js", b"a"),
            ("package/dist/a.js.map", b"{}"),
        ])
    }

    #[test]
    fn install_open_verify() {
        let root = temp_root("install");
        let tgz = sample();
        let pkg = package(leak(sri_sha512(&tgz)));
        let src = root.path().join("in.tgz");
        fs::write(&src, &tgz).unwrap();
        let store = Store::offline(root.path().join("store"));
        fs::create_dir_all(store.root()).unwrap();
        store.install(&pkg, &src).unwrap();
        let stored = store.ensure(&[pkg]).unwrap();
        assert_eq!(stored[0].manifest.files.len(), 3);
        store.verify(&pkg).unwrap();

        // A second install (a process that lost the race) keeps the first copy.
        store.install(&pkg, &src).unwrap();
        store.verify(&pkg).unwrap();
        let leftovers: Vec<_> = fs::read_dir(store.root())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty());

        // Modifying a served file is caught by verify (same size, different bytes).
        let file = stored[0].file_path(&stored[0].manifest.files[0]);
        let mut bytes = fs::read(&file).unwrap();
        bytes[0] ^= 0x20;
        fs::write(&file, &bytes).unwrap();
        assert!(matches!(
            store.verify(&pkg),
            Err(AssetError::Corrupt { .. })
        ));
        // ... and a deleted one already by ensure (offline stores never repair).
        fs::remove_file(&file).unwrap();
        assert!(matches!(
            store.ensure(&[pkg]),
            Err(AssetError::Corrupt { .. })
        ));
    }

    #[test]
    fn corrupt_tarball_is_refused() {
        let root = temp_root("corrupt");
        let tgz = sample();
        let pkg = package(leak(sri_sha512(&tgz)));
        let mut bad = tgz.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 0xff;
        let src = root.path().join("bad.tgz");
        fs::write(&src, &bad).unwrap();
        let store = Store::offline(root.path().join("store"));
        fs::create_dir_all(store.root()).unwrap();
        let err = store.install(&pkg, &src).unwrap_err();
        assert!(matches!(err, AssetError::Integrity { .. }), "{err}");
        assert!(!store.package_dir(&pkg).exists());

        // A stored tarball swapped after installation fails verify.
        let good = root.path().join("good.tgz");
        fs::write(&good, &tgz).unwrap();
        store.install(&pkg, &good).unwrap();
        fs::write(store.package_dir(&pkg).join(pkg.archive_name()), &bad).unwrap();
        assert!(matches!(
            store.verify(&pkg),
            Err(AssetError::Integrity { .. })
        ));
    }

    #[test]
    fn offline_store_never_fetches() {
        let root = temp_root("offline");
        let store = Store::offline(root.path().to_path_buf());
        let pkg = package("sha512-none");
        let err = store.ensure(&[pkg]).unwrap_err();
        assert!(matches!(err, AssetError::MissingOffline { .. }), "{err}");
    }
}
