//! Serving `_dash-component-suites/<namespace>/<path>` from an in-memory index.
//!
//! The index is built once from the package manifests: only files extracted from the
//! verified tarballs can be named, so a request path is a key lookup and nothing in it
//! reaches the file system. Files up to [`PRELOAD_MAX`] bytes are read (and checked
//! against their hash) at load time; larger ones (plotly.js, the dev renderer, source
//! maps) on first request, after which they stay in memory too.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use tokio::sync::OnceCell;

use super::cache::StoredPackage;
use super::content_type;
use super::error::AssetError;
use super::fingerprint;
use super::http_cache::{self, etag_matches, IMMUTABLE, REVALIDATE};
use super::integrity::sha256_hex;

/// Files up to this size are held in memory from load time on.
pub const PRELOAD_MAX: u64 = 1024 * 1024;

/// One servable file.
#[derive(Debug)]
struct Entry {
    package: String,
    disk: PathBuf,
    sha256: String,
    size: u64,
    content_type: &'static str,
    body: OnceCell<Bytes>,
}

impl Entry {
    fn etag(&self) -> String {
        format!("\"{}\"", self.sha256)
    }

    /// The content, read (and verified) on first use.
    async fn bytes(self: Arc<Self>) -> Result<Bytes, std::io::Error> {
        let entry = Arc::clone(&self);
        self.body
            .get_or_try_init(|| async move {
                let task = tokio::task::spawn_blocking(move || {
                    read_verified(&entry.package, &entry.disk, &entry.sha256)
                        .map_err(|e| std::io::Error::other(e.to_string()))
                });
                task.await
                    .map_err(|e| std::io::Error::other(e.to_string()))?
                    .inspect_err(|e| tracing::error!(error = %e, "cannot serve a front-end file"))
            })
            .await
            .cloned()
    }
}

fn read_verified(package: &str, disk: &PathBuf, sha256: &str) -> Result<Bytes, AssetError> {
    let data = std::fs::read(disk).map_err(|e| AssetError::io("reading", disk, e))?;
    if sha256_hex(&data) != sha256 {
        return Err(AssetError::Corrupt {
            package: package.to_string(),
            dir: disk.clone(),
            reason: "file content does not match the manifest".into(),
        });
    }
    Ok(Bytes::from(data))
}

/// Every servable file, by namespace and plain (un-fingerprinted) path.
#[derive(Debug, Default)]
pub(crate) struct SuiteIndex {
    by_namespace: HashMap<String, HashMap<String, Arc<Entry>>>,
}

impl SuiteIndex {
    /// Indexes the packages and preloads the small files (blocking I/O).
    pub(crate) fn build(packages: &[StoredPackage]) -> Result<SuiteIndex, AssetError> {
        let mut index = SuiteIndex::default();
        for stored in packages {
            let spec = stored.spec.clone();
            for file in &stored.manifest.files {
                let disk = stored.file_path(file);
                let body = if file.size <= PRELOAD_MAX {
                    OnceCell::new_with(Some(read_verified(&spec, &disk, &file.sha256)?))
                } else {
                    OnceCell::new()
                };
                let entry = Entry {
                    package: spec.clone(),
                    disk,
                    sha256: file.sha256.clone(),
                    size: file.size,
                    content_type: content_type::for_suite(&file.path),
                    body,
                };
                index
                    .by_namespace
                    .entry(file.namespace.clone())
                    .or_default()
                    .insert(file.path.clone(), Arc::new(entry));
            }
        }
        Ok(index)
    }

    pub(crate) fn contains(&self, namespace: &str, path: &str) -> bool {
        self.get(namespace, path).is_some()
    }

    fn get(&self, namespace: &str, path: &str) -> Option<&Arc<Entry>> {
        self.by_namespace.get(namespace)?.get(path)
    }

    /// The served namespaces, sorted.
    pub(crate) fn namespaces(&self) -> Vec<String> {
        let mut names: Vec<String> = self.by_namespace.keys().cloned().collect();
        names.sort();
        names
    }

    /// The number of indexed files.
    pub(crate) fn len(&self) -> usize {
        self.by_namespace.values().map(HashMap::len).sum()
    }

    /// Answers `GET _dash-component-suites/<namespace>/<path>` (protocol §2.6).
    ///
    /// Fingerprinted paths (any well-formed stamp) are immutable for a year; plain paths
    /// carry a strong `ETag` and answer a matching `If-None-Match` with 304.
    pub(crate) fn serve(&self, namespace: &str, path: &str, request: &HeaderMap) -> Response {
        let (plain, fingerprinted) = fingerprint::strip(path);
        let Some(entry) = self.get(namespace, &plain) else {
            return http_cache::not_found();
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(entry.content_type),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if fingerprinted {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
        } else {
            let etag = entry.etag();
            headers.insert(header::ETAG, http_cache::value(&etag));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
            if etag_matches(request, &etag) {
                return http_cache::respond(StatusCode::NOT_MODIFIED, headers, Body::empty());
            }
        }
        let body = match entry.body.get() {
            Some(bytes) => Body::from(bytes.clone()),
            None => {
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(entry.size));
                let entry = Arc::clone(entry);
                Body::from_stream(futures_util::stream::once(entry.bytes()))
            }
        };
        http_cache::respond(StatusCode::OK, headers, body)
    }
}
