//! Where a front-end package comes from: an npm tarball (the core front end) or a PyPI wheel
//! (a linked component library). The store ([`super::cache`]) keeps both the same way.

use std::path::{Path, PathBuf};

use super::error::AssetError;
use super::extract::{mapped_files, MappedFiles};
use super::integrity::check_tarball;
use super::npm;
use super::packages::Package;

/// A pinned package the store can fetch, check, extract and re-verify.
pub(crate) trait Source {
    /// How users name it in messages: `name@version` (npm) or `name==version` (pip).
    fn spec(&self) -> String;
    /// Its directory in a store root.
    fn dir_name(&self) -> String;
    /// The name and version recorded in the manifest.
    fn name_version(&self) -> (&'static str, &'static str);
    /// The pinned hash of the archive, as recorded in the manifest.
    fn integrity(&self) -> String;
    /// The archive's file name inside the package directory (kept for `verify`).
    fn archive_name(&self) -> &'static str;
    /// Checks the archive against the pinned hash.
    fn check_archive(&self, bytes: &[u8]) -> Result<(), AssetError>;
    /// The served files of a checked archive, keyed by `(namespace, path)`.
    fn served_files(&self, bytes: &[u8]) -> Result<MappedFiles, AssetError>;
    /// Whether `(namespace, path)` may be one of its served files.
    fn serves(&self, namespace: &str, path: &str) -> bool;
    /// Downloads the archives of `sources` into `dest`, one path per source, in order.
    fn download(sources: &[&Self], dest: &Path) -> Result<Vec<PathBuf>, AssetError>
    where
        Self: Sized;
}

impl Source for Package {
    fn spec(&self) -> String {
        Package::spec(self)
    }

    fn dir_name(&self) -> String {
        Package::dir_name(self)
    }

    fn name_version(&self) -> (&'static str, &'static str) {
        (self.name, self.version)
    }

    fn integrity(&self) -> String {
        self.integrity.to_owned()
    }

    fn archive_name(&self) -> &'static str {
        "package.tgz"
    }

    fn check_archive(&self, bytes: &[u8]) -> Result<(), AssetError> {
        check_tarball(self, bytes)
    }

    fn served_files(&self, bytes: &[u8]) -> Result<MappedFiles, AssetError> {
        mapped_files(self, bytes)
    }

    fn serves(&self, namespace: &str, path: &str) -> bool {
        self.unmap_path(namespace, path).is_some()
    }

    fn download(sources: &[&Self], dest: &Path) -> Result<Vec<PathBuf>, AssetError> {
        npm::pack(sources, dest)
    }
}
