//! Preparing and checking an offline directory (the `dash-assets` command).

use std::path::Path;

use super::cache::Store;
use super::error::AssetError;
use super::packages::Package;
use super::packages::PACKAGES;
use super::source::Source;
use crate::libraries::{self, ComponentLibrary};

/// The outcome for one package of [`prepare`] or [`verify`].
#[derive(Debug)]
pub struct PackageReport {
    /// `name@version`.
    pub package: String,
    /// The number of served files, or what is wrong.
    pub result: Result<usize, AssetError>,
}

/// Fetches whatever `dir` lacks (the core packages with npm, the component libraries linked
/// into this program with pip), then verifies every package in depth. Blocking: call it
/// from a thread that may block.
///
/// The `dash-assets` command links no component library; an app that does prepares its
/// own directory with `DASH_ASSETS_PREPARE=DIR` (see [`Dash::run`](crate::Dash::run)).
pub fn prepare(dir: &Path) -> Result<Vec<PackageReport>, AssetError> {
    prepare_with(dir, libraries::linked(), &[])
}

/// [`prepare`] for these component libraries instead of the linked ones, plus `extra` npm
/// packages (an app's themes).
pub fn prepare_with(
    dir: &Path,
    libraries: &[ComponentLibrary],
    extra: &[Package],
) -> Result<Vec<PackageReport>, AssetError> {
    let store = Store::cache(dir.to_path_buf());
    store.ensure(PACKAGES)?;
    store.ensure(extra)?;
    store.ensure(libraries)?;
    Ok(verify_with(dir, libraries, extra))
}

/// Re-checks every package of a prepared directory (or of a cache's `frontend/` folder),
/// the linked component libraries included, without touching the network: archive
/// integrity, archive content against the manifest, and the extracted files against their
/// hashes. Blocking.
pub fn verify(dir: &Path) -> Vec<PackageReport> {
    verify_with(dir, libraries::linked(), &[])
}

/// [`verify`] for these component libraries instead of the linked ones, plus `extra` npm
/// packages.
pub fn verify_with(
    dir: &Path,
    libraries: &[ComponentLibrary],
    extra: &[Package],
) -> Vec<PackageReport> {
    let store = Store::offline(dir.to_path_buf());
    let mut reports: Vec<PackageReport> = PACKAGES
        .iter()
        .chain(extra)
        .map(|p| report(&store, p))
        .collect();
    reports.extend(libraries.iter().map(|l| report(&store, l)));
    reports
}

fn report<S: Source>(store: &Store, package: &S) -> PackageReport {
    PackageReport {
        package: package.spec(),
        result: store
            .verify(package)
            .map(|stored| stored.manifest.files.len()),
    }
}
