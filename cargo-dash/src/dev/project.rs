//! The package to run, its binary, and the source directories to watch, from `cargo metadata`.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use cargo_metadata::{MetadataCommand, PackageId};

use crate::Error;

/// What the dev runner builds, runs and watches.
#[derive(Debug, Clone)]
pub struct Project {
    /// The package name (`cargo build -p`).
    pub package: String,
    /// The binary target (`cargo build --bin`).
    pub bin: String,
    /// The package's directory: the app runs there, so `assets/` is found next to its
    /// `Cargo.toml`.
    pub dir: PathBuf,
    /// The manifest given with `--manifest-path`, if any.
    pub manifest_path: Option<PathBuf>,
    /// Where cargo puts its output (changes there are never sources).
    pub target_dir: PathBuf,
    /// Directories watched recursively: those holding the targets of the package and of its
    /// local path dependencies (`src/`, `tests/`, …).
    pub source_dirs: BTreeSet<PathBuf>,
    /// Directories watched for their own files only: each package's directory
    /// (`Cargo.toml`, `build.rs`).
    pub package_dirs: BTreeSet<PathBuf>,
}

impl Project {
    /// Reads the workspace around the current directory (or `manifest_path`) and picks
    /// `package` (default: the package of the current directory) and `bin` (default: the
    /// package's `default-run`, its only binary, or the one named like it).
    pub fn discover(
        package: Option<&str>,
        bin: Option<&str>,
        manifest_path: Option<&Path>,
    ) -> Result<Project, Error> {
        let mut command = MetadataCommand::new();
        if let Some(path) = manifest_path {
            command.manifest_path(path);
        }
        let metadata = command.exec()?;
        let chosen = match package {
            Some(name) => metadata
                .workspace_packages()
                .into_iter()
                .find(|p| p.name.as_str() == name)
                .ok_or_else(|| Error::NoPackage(name.to_owned()))?,
            None => metadata
                .root_package()
                .ok_or_else(|| Error::NoPackage("in the current directory (use -p)".into()))?,
        };
        let bins: Vec<&str> = chosen
            .targets
            .iter()
            .filter(|t| t.is_bin())
            .map(|t| t.name.as_str())
            .collect();
        let no_binary = |reason: String| Error::NoBinary {
            package: chosen.name.to_string(),
            reason,
        };
        let bin = match bin {
            Some(b) if bins.contains(&b) => b.to_owned(),
            Some(b) => return Err(no_binary(format!("no binary {b}"))),
            None => match (chosen.default_run.as_deref(), bins.as_slice()) {
                (Some(default), _) => default.to_owned(),
                (None, [only]) => (*only).to_owned(),
                (None, []) => return Err(no_binary("no binary target".into())),
                (None, many) => match many.iter().find(|b| **b == chosen.name.as_str()) {
                    Some(b) => (*b).to_owned(),
                    None => {
                        return Err(no_binary(format!(
                            "several binaries ({}): use --bin",
                            many.join(", ")
                        )))
                    }
                },
            },
        };

        // The package and every local (path) package it depends on, through the resolve graph.
        let mut local: Vec<&cargo_metadata::Package> = vec![chosen];
        if let Some(resolve) = &metadata.resolve {
            let mut seen: HashSet<&PackageId> = HashSet::from([&chosen.id]);
            let mut queue: VecDeque<&PackageId> = VecDeque::from([&chosen.id]);
            while let Some(id) = queue.pop_front() {
                let Some(node) = resolve.nodes.iter().find(|n| &n.id == id) else {
                    continue;
                };
                for dep in &node.dependencies {
                    if !seen.insert(dep) {
                        continue;
                    }
                    if let Some(p) = metadata.packages.iter().find(|p| &p.id == dep) {
                        if p.source.is_none() {
                            local.push(p);
                            queue.push_back(dep);
                        }
                    }
                }
            }
        }
        let mut source_dirs = BTreeSet::new();
        let mut package_dirs = BTreeSet::new();
        for p in &local {
            let Some(dir) = p.manifest_path.parent() else {
                continue;
            };
            package_dirs.insert(dir.as_std_path().to_path_buf());
            for t in &p.targets {
                if t.is_custom_build() {
                    continue;
                }
                if let Some(parent) = t.src_path.parent() {
                    source_dirs.insert(parent.as_std_path().to_path_buf());
                }
            }
        }
        // A directory inside another watched one is covered by it.
        let covered: Vec<PathBuf> = source_dirs
            .iter()
            .filter(|d| source_dirs.iter().any(|o| o != *d && d.starts_with(o)))
            .cloned()
            .collect();
        for d in covered {
            source_dirs.remove(&d);
        }
        let dir = chosen
            .manifest_path
            .parent()
            .map(|d| d.as_std_path().to_path_buf())
            .unwrap_or_default();
        Ok(Project {
            package: chosen.name.to_string(),
            bin,
            dir,
            manifest_path: manifest_path.map(Path::to_path_buf),
            target_dir: metadata.target_directory.into_std_path_buf(),
            source_dirs,
            package_dirs,
        })
    }

    /// Whether a change of `path` calls for a rebuild: a file of a source directory, or a
    /// package's `Cargo.toml` or `build.rs`; never anything below the target directory or in a
    /// hidden directory (editor swap files, `.git`).
    pub fn is_source(&self, path: &Path) -> bool {
        if path.starts_with(&self.target_dir) {
            return false;
        }
        let hidden = |p: &Path| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') || n.ends_with('~'))
        };
        if hidden(path) {
            return false;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some(parent) = path.parent() {
            if self.package_dirs.contains(parent) && matches!(name, "Cargo.toml" | "build.rs") {
                return true;
            }
        }
        self.source_dirs.iter().any(|d| {
            path.strip_prefix(d).is_ok_and(|rest| {
                !rest
                    .components()
                    .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
            })
        })
    }
}
