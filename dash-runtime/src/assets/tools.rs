//! Preparing and checking an offline directory (the `dash-assets` command).

use std::path::Path;

use super::cache::Store;
use super::error::AssetError;
use super::packages::PACKAGES;

/// The outcome for one package of [`prepare`] or [`verify`].
#[derive(Debug)]
pub struct PackageReport {
    /// `name@version`.
    pub package: String,
    /// The number of served files, or what is wrong.
    pub result: Result<usize, AssetError>,
}

/// Fetches (with npm) whatever `dir` lacks, then verifies every package in depth.
/// Blocking: call it from a thread that may block.
pub fn prepare(dir: &Path) -> Result<Vec<PackageReport>, AssetError> {
    Store::cache(dir.to_path_buf()).ensure(PACKAGES)?;
    Ok(verify(dir))
}

/// Re-checks every package of a prepared directory (or of a cache's `frontend/` folder)
/// without touching the network: tarball integrity, tarball content against the
/// manifest, and the extracted files against their hashes. Blocking.
pub fn verify(dir: &Path) -> Vec<PackageReport> {
    let store = Store::offline(dir.to_path_buf());
    PACKAGES
        .iter()
        .map(|package| PackageReport {
            package: package.spec(),
            result: store
                .verify(package)
                .map(|stored| stored.manifest.files.len()),
        })
        .collect()
}
