//! [`FrontEnd`]: the loaded Dash JavaScript, its script tags and its HTTP handler.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;

use super::cache::Store;
use super::error::AssetError;
use super::fingerprint;
use super::http_cache;
use super::packages::{
    self, Package, DEPS_DEV, DEPS_PROD, LIBRARIES_DEV, LIBRARIES_PROD, PACKAGES, PLOTLY_CDN,
    PLOTLY_JS_VERSION, PLOTLY_PATH,
};
use super::source::Source;
use super::suites::SuiteIndex;
use crate::libraries::{self, ComponentLibrary, FileKind, Theme};

/// Where the front end comes from.
///
/// ```
/// use dash_runtime::assets::FrontEndConfig;
/// let config = FrontEndConfig { serve_locally: false, ..FrontEndConfig::default() };
/// assert!(config.offline_dir.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontEndConfig {
    /// Serve the JavaScript from this process (true) or emit public CDN URLs (false).
    pub serve_locally: bool,
    /// The cache root; `None` means the default (see [`default_cache_dir`]).
    pub cache_dir: Option<PathBuf>,
    /// A directory prepared with `dash-assets prepare DIR`; when set, nothing is fetched.
    pub offline_dir: Option<PathBuf>,
}

impl Default for FrontEndConfig {
    fn default() -> Self {
        FrontEndConfig {
            serve_locally: true,
            cache_dir: None,
            offline_dir: None,
        }
    }
}

impl FrontEndConfig {
    /// Reads `DASH_SERVE_LOCALLY` (`true`/`false`, default true), `DASH_RS_CACHE_DIR`
    /// (default [`default_cache_dir`]) and `DASH_RS_ASSETS_DIR` (an offline directory).
    pub fn from_env() -> Self {
        let path = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let serve_locally = std::env::var("DASH_SERVE_LOCALLY")
            .ok()
            .map(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "0" | "no"))
            .unwrap_or(true);
        FrontEndConfig {
            serve_locally,
            cache_dir: Some(path("DASH_RS_CACHE_DIR").unwrap_or_else(default_cache_dir)),
            offline_dir: path("DASH_RS_ASSETS_DIR"),
        }
    }
}

/// `$XDG_CACHE_HOME/dash-rs`, else `$HOME/.cache/dash-rs` (`%LOCALAPPDATA%\dash-rs` on
/// Windows), else `dash-rs` in the temporary directory.
pub fn default_cache_dir() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if let Some(xdg) = var("XDG_CACHE_HOME") {
        return xdg.join("dash-rs");
    }
    if cfg!(windows) {
        if let Some(local) = var("LOCALAPPDATA") {
            return local.join("dash-rs");
        }
    }
    if let Some(home) = var("HOME") {
        return home.join(".cache").join("dash-rs");
    }
    std::env::temp_dir().join("dash-rs")
}

/// The store root inside a cache directory.
pub(crate) fn cache_store_root(cache_dir: &std::path::Path) -> PathBuf {
    cache_dir.join("frontend")
}

/// The Dash front end, ready to serve. Cheap to clone.
#[derive(Debug, Clone)]
pub struct FrontEnd {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    serve_locally: bool,
    index: SuiteIndex,
    /// The linked component libraries, served beside the core packages.
    libraries: Vec<ComponentLibrary>,
    /// npm packages of the app's themes, served like the core packages.
    extra: Vec<Package>,
}

impl FrontEnd {
    /// Loads the front end: from the offline directory if one is configured, else from
    /// the cache, fetching (with npm) and verifying whatever is missing. With
    /// `serve_locally = false` nothing is loaded.
    pub async fn load(config: &FrontEndConfig) -> Result<FrontEnd, AssetError> {
        FrontEnd::load_with(config, libraries::linked(), &[]).await
    }

    /// Like [`load`](Self::load), with these component libraries instead of the linked ones
    /// (see [`crate::libraries`]) and the npm packages of these themes.
    pub async fn load_with(
        config: &FrontEndConfig,
        libraries: &[ComponentLibrary],
        themes: &[Theme],
    ) -> Result<FrontEnd, AssetError> {
        let libraries = libraries.to_vec();
        let extra = theme_packages(themes);
        if !config.serve_locally {
            for library in &libraries {
                if let Some(file) = library
                    .files
                    .iter()
                    .find(|f| f.load == libraries::Load::Index && f.external_url.is_none())
                {
                    return Err(AssetError::NoPublicUrl {
                        package: library.requirement(),
                        path: file.path.to_owned(),
                    });
                }
            }
            let mut front_end = FrontEnd::cdn();
            if let Some(inner) = Arc::get_mut(&mut front_end.inner) {
                inner.libraries = libraries;
                inner.extra = extra;
            }
            return Ok(front_end);
        }
        let store = match (&config.offline_dir, &config.cache_dir) {
            (Some(dir), _) => Store::offline(dir.clone()),
            (None, Some(dir)) => Store::cache(cache_store_root(dir)),
            (None, None) => Store::cache(cache_store_root(&default_cache_dir())),
        };
        let wanted = libraries.clone();
        let mut packages = PACKAGES.to_vec();
        packages.extend(extra.iter().copied());
        let index = tokio::task::spawn_blocking(move || load_index(&store, &packages, &wanted))
            .await
            .map_err(|e| AssetError::Task(e.to_string()))??;
        for (namespace, path) in packages::required_files() {
            if !index.contains(namespace, path) {
                let owner = packages::owner(PACKAGES, namespace, path)
                    .map_or_else(|| namespace.to_string(), Package::spec);
                return Err(AssetError::MissingFile {
                    package: owner,
                    path: format!("{namespace}/{path}"),
                });
            }
        }
        tracing::debug!(files = index.len(), "Dash front end loaded");
        Ok(FrontEnd {
            inner: Arc::new(Inner {
                serve_locally: true,
                index,
                libraries,
                extra,
            }),
        })
    }

    /// A front end serving `index`, with `libraries` linked (tests build the index by hand).
    #[cfg(test)]
    pub(crate) fn from_parts(
        index: SuiteIndex,
        libraries: Vec<ComponentLibrary>,
        extra: Vec<Package>,
    ) -> FrontEnd {
        FrontEnd {
            inner: Arc::new(Inner {
                serve_locally: true,
                index,
                libraries,
                extra,
            }),
        }
    }

    /// A front end that only emits CDN URLs and serves nothing.
    pub fn cdn() -> FrontEnd {
        FrontEnd {
            inner: Arc::new(Inner {
                serve_locally: false,
                index: SuiteIndex::default(),
                libraries: Vec::new(),
                extra: Vec::new(),
            }),
        }
    }

    /// Whether the JavaScript is served by this process.
    pub fn serve_locally(&self) -> bool {
        self.inner.serve_locally
    }

    /// The `_dash-component-suites` namespaces served (`["dash", "plotly"]`, or none in
    /// CDN mode): the `packages` of `_reload-hash`.
    pub fn namespaces(&self) -> Vec<String> {
        self.inner.index.namespaces()
    }

    /// The URL of one front-end file: fingerprinted under `requests_prefix` when served
    /// locally, the public CDN URL otherwise.
    ///
    /// ```
    /// # use dash_runtime::assets::FrontEnd;
    /// let cdn = FrontEnd::cdn();
    /// assert_eq!(
    ///     cdn.suite_url("/", "dash", "dash_table/bundle.js").as_deref(),
    ///     Some("https://unpkg.com/dash-table@7.4.1/dash_table/bundle.js"),
    /// );
    /// ```
    pub fn suite_url(&self, requests_prefix: &str, namespace: &str, path: &str) -> Option<String> {
        let package = packages::owner(PACKAGES, namespace, path)
            .or_else(|| packages::owner(&self.inner.extra, namespace, path));
        let Some(package) = package else {
            return self.library_url(requests_prefix, namespace, path);
        };
        if !self.inner.serve_locally {
            return package.cdn_url(namespace, path);
        }
        let stamped = fingerprint::fingerprint(
            path,
            package.fingerprint_version,
            u64::from(package.stamp()),
        );
        Some(format!(
            "{}_dash-component-suites/{namespace}/{stamped}",
            with_slash(requests_prefix)
        ))
    }

    /// Protocol §2.4 item 1: the polyfill, React, ReactDOM and PropTypes `<script>` tags,
    /// one per line (no trailing newline). The unminified React builds are used when
    /// `props_check` is on; the polyfill is always minified.
    pub fn dependency_scripts(&self, requests_prefix: &str, props_check: bool) -> String {
        let paths: &[&str] = if props_check { &DEPS_DEV } else { &DEPS_PROD };
        self.script_tags(requests_prefix, paths)
    }

    /// Protocol §2.4 items 4–7: the renderer (dev bundle when `serve_dev_bundles`), dcc
    /// (main, shared, and `proptypes.js` with dev bundles), html and dash_table, one tag per
    /// line (no trailing newline).
    pub fn library_scripts(&self, requests_prefix: &str, serve_dev_bundles: bool) -> String {
        let paths: &[&str] = if serve_dev_bundles {
            &LIBRARIES_DEV
        } else {
            &LIBRARIES_PROD
        };
        self.script_tags(requests_prefix, paths)
    }

    /// The plotly.js URL: `Q_dash-component-suites/plotly/package_data/plotly.min.js`
    /// (never fingerprinted, as in Dash), or the plotly CDN when not serving locally.
    pub fn plotly_url(&self, requests_prefix: &str) -> String {
        if self.inner.serve_locally {
            format!(
                "{}_dash-component-suites/plotly/{PLOTLY_PATH}",
                with_slash(requests_prefix)
            )
        } else {
            format!("{PLOTLY_CDN}/plotly-{PLOTLY_JS_VERSION}.min.js")
        }
    }

    /// The fingerprinted URL of the renderer's websocket worker script; `None` when the
    /// front end comes from a CDN (a SharedWorker must come from the page's own origin).
    pub fn worker_url(&self, requests_prefix: &str) -> Option<String> {
        if !self.inner.serve_locally {
            return None;
        }
        self.suite_url(requests_prefix, "dash", crate::realtime::worker_path())
    }

    /// Answers `GET _dash-component-suites/<namespace>/<path>` (protocol §2.6): 200 with
    /// `Cache-Control: public, max-age=31536000, immutable` for fingerprinted paths, 200
    /// with a strong `ETag` (or 304 on a matching `If-None-Match`) for plain ones, 404 for
    /// anything that is not a file of the pinned packages.
    pub fn serve_suite(&self, namespace: &str, path: &str, headers: &HeaderMap) -> Response {
        if !self.inner.serve_locally {
            return http_cache::not_found();
        }
        self.inner.index.serve(namespace, path, headers)
    }

    /// `<link rel="stylesheet">` tags of `themes` (their npm files, fingerprinted; the npm
    /// CDN when not serving locally), one per line (no trailing newline). A theme whose
    /// package this front end was not loaded with is left out.
    pub fn theme_links(&self, requests_prefix: &str, themes: &[Theme]) -> String {
        themes
            .iter()
            .filter_map(|t| self.suite_url(requests_prefix, t.namespace, t.path))
            .map(|href| {
                format!(
                    "<link rel=\"stylesheet\" href=\"{}\">",
                    crate::escape::escape_html(&href)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The linked component libraries (see [`crate::libraries`]).
    pub fn libraries(&self) -> &[ComponentLibrary] {
        &self.inner.libraries
    }

    /// Protocol §2.4 item 3: the `<script>` tags of the linked component libraries (their
    /// `_js_dist` files that are neither async nor dynamic), library by library, one tag per
    /// line (no trailing newline).
    pub fn component_library_scripts(&self, requests_prefix: &str, dev_bundles: bool) -> String {
        self.library_tags(requests_prefix, FileKind::Script, dev_bundles)
    }

    /// The `<link rel="stylesheet">` tags of the linked component libraries' `_css_dist`, one
    /// per line (no trailing newline).
    pub fn component_library_stylesheets(
        &self,
        requests_prefix: &str,
        dev_bundles: bool,
    ) -> String {
        self.library_tags(requests_prefix, FileKind::Stylesheet, dev_bundles)
    }

    fn library_tags(&self, requests_prefix: &str, kind: FileKind, dev_bundles: bool) -> String {
        let mut tags = Vec::new();
        for library in &self.inner.libraries {
            for file in library.index_files(kind, dev_bundles) {
                let Some(url) = self.library_url(requests_prefix, library.namespace, file.path)
                else {
                    continue;
                };
                let url = crate::escape::escape_html(&url);
                tags.push(match kind {
                    FileKind::Script => format!("<script src=\"{url}\"></script>"),
                    FileKind::Stylesheet => format!("<link rel=\"stylesheet\" href=\"{url}\">"),
                });
            }
        }
        tags.join("\n")
    }

    /// The URL of a file of a linked library: fingerprinted with the library's version and a
    /// stamp from its wheel's hash, or the library's own public URL when not serving locally.
    fn library_url(&self, requests_prefix: &str, namespace: &str, path: &str) -> Option<String> {
        let library = self
            .inner
            .libraries
            .iter()
            .find(|l| l.namespace == namespace)?;
        let file = library.file(path)?;
        if !self.inner.serve_locally {
            return file.external_url.map(str::to_owned);
        }
        let stamped = fingerprint::fingerprint(path, library.version, library_stamp(library));
        Some(format!(
            "{}_dash-component-suites/{namespace}/{stamped}",
            with_slash(requests_prefix)
        ))
    }

    fn script_tags(&self, requests_prefix: &str, paths: &[&str]) -> String {
        paths
            .iter()
            .filter_map(|path| self.suite_url(requests_prefix, "dash", path))
            .map(|src| format!("<script src=\"{src}\"></script>"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The npm packages of `themes`, each once.
pub(crate) fn theme_packages(themes: &[Theme]) -> Vec<Package> {
    let mut out: Vec<Package> = Vec::new();
    for t in themes {
        if !out.iter().any(|p| p.spec() == t.package.spec()) {
            out.push(t.package);
        }
    }
    out
}

/// A stable number for fingerprinted URLs of a library: the first 32 bits of its wheel's
/// SHA-256 (so URLs change whenever the pinned wheel does).
fn library_stamp(library: &ComponentLibrary) -> u64 {
    library
        .wheel
        .sha256
        .get(..8)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .unwrap_or(0)
}

/// Loads the index of the core packages and the libraries from a store, repairing a damaged
/// cache once.
fn load_index(
    store: &Store,
    packages: &[Package],
    libraries: &[ComponentLibrary],
) -> Result<SuiteIndex, AssetError> {
    let ensure = || -> Result<_, AssetError> {
        let mut stored = store.ensure(packages)?;
        stored.extend(store.ensure(libraries)?);
        Ok(stored)
    };
    match SuiteIndex::build(&ensure()?) {
        Err(AssetError::Corrupt {
            package, reason, ..
        }) if store.can_fetch() => {
            tracing::warn!(%package, %reason, "re-fetching a damaged cached package");
            if let Some(p) = packages.iter().find(|p| Source::spec(*p) == package) {
                store.discard(p)?;
            }
            if let Some(l) = libraries.iter().find(|l| Source::spec(*l) == package) {
                store.discard(l)?;
            }
            SuiteIndex::build(&ensure()?)
        }
        other => other,
    }
}

/// The prefix with exactly one trailing slash appended when missing.
pub(crate) fn with_slash(prefix: &str) -> Cow<'_, str> {
    if prefix.ends_with('/') {
        Cow::Borrowed(prefix)
    } else {
        Cow::Owned(format!("{prefix}/"))
    }
}
