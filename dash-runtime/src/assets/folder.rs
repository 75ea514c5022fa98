//! The app's own assets folder (protocol §2.7): linked `.css`/`.js` files, an optional
//! `favicon.ico`, and every file in it served under `<prefix>assets/`.
//!
//! ```no_run
//! use dash_runtime::assets::AssetsFolder;
//!
//! let assets = AssetsFolder::scan("assets".as_ref(), Some(r"\.draft\."));
//! let head = format!("{}\n{}", assets.favicon_href("/"), assets.css_links("/"));
//! # let _ = head;
//! ```

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use super::content_type;
use super::error::AssetError;
use super::frontend::with_slash;
use super::http_cache::{self, etag_matches, REVALIDATE};
use super::packages::DASH_VERSION;

/// Bytes read from disk per step when streaming an asset.
const CHUNK: usize = 256 * 1024;

/// What a file of the assets folder is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    /// A name ending in `js`: a `<script>` tag.
    Script,
    /// A name ending in `.mjs`: a `<script type="module">` tag.
    ModuleScript,
    /// A name ending in `css`: a stylesheet `<link>`.
    Stylesheet,
    /// A file named exactly `favicon.ico`.
    Favicon,
    /// Anything else: served, not linked.
    Other,
}

/// One file found by the scan.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetFile {
    /// The path below the folder, `/`-separated.
    pub rel_path: String,
    /// Modification time in seconds since the Unix epoch (with fraction).
    pub modified: f64,
    /// How the file is used.
    pub kind: AssetKind,
    /// False when `assets_ignore` matched the file name (still served, never linked).
    pub linked: bool,
}

/// A change between two scans, in the shape `_reload-hash` reports (protocol §2.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetChange {
    /// The asset URL without `?m=`.
    pub url: String,
    /// The new whole-second mtime, or -1 when the file was deleted.
    pub modified: i64,
    /// Whether the file is a stylesheet.
    pub is_css: bool,
}

/// The app's assets folder, walked once. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AssetsFolder {
    inner: Arc<Inner>,
}

#[derive(Debug, Clone)]
struct Inner {
    dir: PathBuf,
    url_path: String,
    files: Vec<AssetFile>,
    favicon: Option<usize>,
}

/// The `assets_ignore` filter: a regular expression searched in each file name.
enum Ignore {
    None,
    Regex(regex_automata::meta::Regex),
    Literal(String),
}

impl Ignore {
    fn parse(pattern: Option<&str>) -> Result<Ignore, AssetError> {
        match pattern.filter(|p| !p.is_empty()) {
            None => Ok(Ignore::None),
            Some(p) => regex_automata::meta::Regex::new(p)
                .map(Ignore::Regex)
                .map_err(|e| AssetError::IgnorePattern {
                    pattern: p.to_string(),
                    reason: e.to_string(),
                }),
        }
    }

    fn matches(&self, name: &str) -> bool {
        match self {
            Ignore::None => false,
            Ignore::Regex(re) => re.is_match(name),
            Ignore::Literal(text) => name.contains(text.as_str()),
        }
    }
}

impl AssetsFolder {
    /// Walks `dir` (a missing folder is empty). `ignore` is a regular expression (Rust
    /// `regex` syntax: no look-around or back-references) searched in each file *name*;
    /// matching files are not linked but are still served. An invalid pattern is logged
    /// and used as a plain substring instead; use [`AssetsFolder::try_scan`] to get the
    /// error.
    pub fn scan(dir: &Path, ignore: Option<&str>) -> AssetsFolder {
        let rule = match Ignore::parse(ignore) {
            Ok(rule) => rule,
            Err(e) => {
                tracing::error!(error = %e, "assets_ignore is used as a plain substring");
                Ignore::Literal(ignore.unwrap_or_default().to_string())
            }
        };
        AssetsFolder::walk(dir, &rule)
    }

    /// Like [`AssetsFolder::scan`], but an invalid `ignore` pattern is an error.
    pub fn try_scan(dir: &Path, ignore: Option<&str>) -> Result<AssetsFolder, AssetError> {
        Ok(AssetsFolder::walk(dir, &Ignore::parse(ignore)?))
    }

    /// Serves the folder under `<prefix><url_path>/` instead of `<prefix>assets/`
    /// (Dash's `assets_url_path`).
    pub fn with_url_path(mut self, url_path: &str) -> AssetsFolder {
        Arc::make_mut(&mut self.inner).url_path = url_path.trim_matches('/').to_string();
        self
    }

    /// The folder that was scanned.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Every file found, in link order (directories sorted, then files sorted).
    pub fn files(&self) -> &[AssetFile] {
        &self.inner.files
    }

    /// The URL of a file below the folder, without the `?m=` cache buster.
    pub fn url(&self, requests_prefix: &str, rel_path: &str) -> String {
        format!(
            "{}{}/{}",
            with_slash(requests_prefix),
            self.inner.url_path,
            encode_path(rel_path)
        )
    }

    /// `<link rel="stylesheet" href="{Q}assets/<rel>?m=<mtime>">` per linked stylesheet,
    /// one per line.
    pub fn css_links(&self, requests_prefix: &str) -> String {
        self.linked(AssetKind::Stylesheet)
            .map(|f| {
                format!(
                    "<link rel=\"stylesheet\" href=\"{}\">",
                    self.versioned_url(requests_prefix, f)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `<script src="{Q}assets/<rel>?m=<mtime>"></script>` per linked script (`.mjs`
    /// files get `type="module"`), one per line.
    pub fn script_tags(&self, requests_prefix: &str) -> String {
        self.inner
            .files
            .iter()
            .filter(|f| f.linked)
            .filter_map(|f| {
                let src = self.versioned_url(requests_prefix, f);
                match f.kind {
                    AssetKind::Script => Some(format!("<script src=\"{src}\"></script>")),
                    AssetKind::ModuleScript => {
                        Some(format!("<script src=\"{src}\" type=\"module\"></script>"))
                    }
                    _ => None,
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The favicon URL: the folder's `favicon.ico` (with `?m=`), else the built-in
    /// `{Q}_favicon.ico?v=4.4.1`.
    pub fn favicon_href(&self, requests_prefix: &str) -> String {
        match self.inner.favicon.map(|i| &self.inner.files[i]) {
            Some(f) => self.versioned_url(requests_prefix, f),
            None => format!(
                "{}_favicon.ico?v={DASH_VERSION}",
                with_slash(requests_prefix)
            ),
        }
    }

    /// What changed from this scan to `newer` (modified or new files, and deletions).
    pub fn changes(&self, newer: &AssetsFolder, requests_prefix: &str) -> Vec<AssetChange> {
        let change = |f: &AssetFile, modified: i64| AssetChange {
            url: self.url(requests_prefix, &f.rel_path),
            modified,
            is_css: f.rel_path.ends_with("css"),
        };
        let mut out = Vec::new();
        for new in &newer.inner.files {
            let old = self.inner.files.iter().find(|f| f.rel_path == new.rel_path);
            if old.is_none_or(|o| o.modified != new.modified) {
                out.push(change(new, new.modified.floor() as i64));
            }
        }
        for old in &self.inner.files {
            if !newer.inner.files.iter().any(|f| f.rel_path == old.rel_path) {
                out.push(change(old, -1));
            }
        }
        out
    }

    /// Answers `GET <prefix>assets/<rel_path>` (`rel_path` already percent-decoded):
    /// `Cache-Control: no-cache`, `ETag`, `Last-Modified`, `Content-Disposition: inline`,
    /// 304 on `If-None-Match`/`If-Modified-Since`, single byte ranges (206/416), and 404
    /// for anything missing or outside the folder.
    pub async fn serve(&self, rel_path: &str, headers: &HeaderMap) -> Response {
        let Some(path) = self.resolve(rel_path) else {
            return http_cache::not_found();
        };
        let opened = tokio::task::spawn_blocking(move || open_regular(&path)).await;
        let Ok(Some((file, meta))) = opened else {
            return http_cache::not_found();
        };
        let len = meta.len();
        let modified = meta.modified().unwrap_or(UNIX_EPOCH);
        let etag = format!(
            "\"{:x}-{len:x}\"",
            modified
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        );
        let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
        let mut out = HeaderMap::new();
        out.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type::for_asset(rel_path)),
        );
        out.insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
        out.insert(header::ETAG, http_cache::value(&etag));
        out.insert(
            header::LAST_MODIFIED,
            http_cache::value(&httpdate::fmt_http_date(modified)),
        );
        out.insert(
            header::CONTENT_DISPOSITION,
            http_cache::value(&content_disposition(name)),
        );
        out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));

        if not_modified(headers, &etag, modified) {
            return http_cache::respond(StatusCode::NOT_MODIFIED, out, Body::empty());
        }
        let (status, start, count) = match requested_range(headers, &etag, len) {
            RangeRequest::Full => (StatusCode::OK, 0, len),
            RangeRequest::Part(start, end) => {
                out.insert(
                    header::CONTENT_RANGE,
                    http_cache::value(&format!("bytes {start}-{end}/{len}")),
                );
                (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
            }
            RangeRequest::Unsatisfiable => {
                out.insert(
                    header::CONTENT_RANGE,
                    http_cache::value(&format!("bytes */{len}")),
                );
                return http_cache::respond(StatusCode::RANGE_NOT_SATISFIABLE, out, Body::empty());
            }
        };
        out.insert(header::CONTENT_LENGTH, HeaderValue::from(count));
        http_cache::respond(status, out, file_body(file, start, count))
    }

    fn walk(dir: &Path, ignore: &Ignore) -> AssetsFolder {
        let mut pending = vec![(String::new(), dir.to_path_buf())];
        let mut per_dir: Vec<(String, Vec<(String, f64)>)> = Vec::new();
        while let Some((rel, abs)) = pending.pop() {
            let Ok(entries) = fs::read_dir(&abs) else {
                continue;
            };
            let mut files = Vec::new();
            for entry in entries.flatten() {
                let Ok(name) = entry.file_name().into_string() else {
                    tracing::warn!(path = ?entry.path(), "skipping an asset whose name is not UTF-8");
                    continue;
                };
                let child_rel = if rel.is_empty() {
                    name.clone()
                } else {
                    format!("{rel}/{name}")
                };
                // Real directories are walked; symlinked ones are not (no cycles).
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    pending.push((child_rel, entry.path()));
                } else if let Ok(meta) = fs::metadata(entry.path()) {
                    if meta.is_file() {
                        files.push((name, mtime_seconds(meta.modified().ok())));
                    }
                }
            }
            files.sort_by(|a, b| a.0.cmp(&b.0));
            per_dir.push((rel, files));
        }
        // Python sorts the walk by directory path; the shared prefix makes that the
        // relative path's order.
        per_dir.sort_by(|a, b| a.0.cmp(&b.0));
        let mut files = Vec::new();
        let mut favicon = None;
        for (rel_dir, names) in per_dir {
            for (name, modified) in names {
                let rel_path = if rel_dir.is_empty() {
                    name.clone()
                } else {
                    format!("{rel_dir}/{name}")
                };
                let linked = !ignore.matches(&name);
                let kind = if name.ends_with(".mjs") {
                    AssetKind::ModuleScript
                } else if name.ends_with("js") {
                    AssetKind::Script
                } else if name.ends_with("css") {
                    AssetKind::Stylesheet
                } else if name == "favicon.ico" {
                    AssetKind::Favicon
                } else {
                    AssetKind::Other
                };
                if kind == AssetKind::Favicon && linked {
                    favicon = Some(files.len());
                }
                files.push(AssetFile {
                    rel_path,
                    modified,
                    kind,
                    linked,
                });
            }
        }
        AssetsFolder {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                url_path: "assets".to_string(),
                files,
                favicon,
            }),
        }
    }

    fn linked(&self, kind: AssetKind) -> impl Iterator<Item = &AssetFile> {
        self.inner
            .files
            .iter()
            .filter(move |f| f.linked && f.kind == kind)
    }

    fn versioned_url(&self, requests_prefix: &str, file: &AssetFile) -> String {
        format!(
            "{}?m={}",
            self.url(requests_prefix, &file.rel_path),
            python_float(file.modified)
        )
    }

    /// The on-disk path of a request, or `None` if it could name anything outside.
    fn resolve(&self, rel_path: &str) -> Option<PathBuf> {
        let mut path = self.inner.dir.clone();
        for segment in rel_path.split('/') {
            let unsafe_segment = segment.is_empty()
                || segment == "."
                || segment == ".."
                || segment.contains(['\\', ':', '\0']);
            if unsafe_segment {
                return None;
            }
            path.push(segment);
        }
        // Symlinks may not lead out of the folder.
        let root = fs::canonicalize(&self.inner.dir).ok()?;
        let real = fs::canonicalize(&path).ok()?;
        real.starts_with(&root).then_some(real)
    }
}

fn open_regular(path: &Path) -> Option<(fs::File, fs::Metadata)> {
    let file = fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta))
}

/// Streams `count` bytes from `start`, reading in blocking tasks.
fn file_body(file: fs::File, start: u64, count: u64) -> Body {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let state = (Some(file), start, count);
    let stream = futures_util::stream::unfold(state, |(file, pos, left)| async move {
        let file = file?;
        if left == 0 {
            return None;
        }
        let step = tokio::task::spawn_blocking(move || {
            let mut file = file;
            let want = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
            let mut buf = vec![0; want];
            let read = file
                .seek(SeekFrom::Start(pos))
                .and_then(|_| file.read(&mut buf));
            (file, buf, read)
        })
        .await;
        match step {
            Ok((file, mut buf, Ok(n))) if n > 0 => {
                buf.truncate(n);
                let n = n as u64;
                Some((Ok(Bytes::from(buf)), (Some(file), pos + n, left - n)))
            }
            Ok((_, _, Ok(_))) => Some((
                Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
                (None, pos, 0),
            )),
            Ok((_, _, Err(e))) => Some((Err(e), (None, pos, 0))),
            Err(e) => Some((Err(std::io::Error::other(e.to_string())), (None, pos, 0))),
        }
    });
    // Fused: a compressing layer may poll once more after the end, which `unfold` forbids.
    Body::from_stream(futures_util::StreamExt::fuse(stream))
}

fn not_modified(headers: &HeaderMap, etag: &str, modified: SystemTime) -> bool {
    if headers.contains_key(header::IF_NONE_MATCH) {
        return etag_matches(headers, etag);
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    match since {
        // HTTP dates have whole seconds.
        Some(since) => whole_seconds(modified) <= whole_seconds(since),
        None => false,
    }
}

fn whole_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

enum RangeRequest {
    Full,
    Part(u64, u64),
    Unsatisfiable,
}

/// A single `bytes=` range (`a-b`, `a-`, `-n`); anything else is served whole.
fn requested_range(headers: &HeaderMap, etag: &str, len: u64) -> RangeRequest {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return RangeRequest::Full;
    };
    if let Some(if_range) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        if if_range.trim() != etag {
            return RangeRequest::Full;
        }
    }
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        match last.parse::<u64>() {
            Ok(0) => return RangeRequest::Unsatisfiable,
            Ok(n) => (len.saturating_sub(n), len.saturating_sub(1)),
            Err(_) => return RangeRequest::Full,
        }
    } else {
        let Ok(start) = first.parse::<u64>() else {
            return RangeRequest::Full;
        };
        let end = if last.is_empty() {
            len.saturating_sub(1)
        } else {
            match last.parse::<u64>() {
                Ok(end) if end >= start => end.min(len.saturating_sub(1)),
                _ => return RangeRequest::Full,
            }
        };
        (start, end)
    };
    if len == 0 || range.0 >= len {
        RangeRequest::Unsatisfiable
    } else {
        RangeRequest::Part(range.0, range.1)
    }
}

/// `inline; filename="…"`, with an RFC 5987 form for names that need it.
fn content_disposition(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ');
    if plain {
        format!("inline; filename=\"{name}\"")
    } else {
        let ascii: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() && c != '"' && c != '\\' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!(
            "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
            encode_path(name).replace('/', "%2F")
        )
    }
}

/// Percent-encodes a `/`-separated path for use in a URL inside an HTML attribute.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$'()*+,;=:@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Seconds since the epoch as Python computes `st_mtime` (`sec + nsec * 1e-9`).
fn mtime_seconds(t: Option<SystemTime>) -> f64 {
    let Some(t) = t else {
        return 0.0;
    };
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as f64 + f64::from(d.subsec_nanos()) * 1e-9,
        Err(e) => -duration_seconds(e.duration()),
    }
}

fn duration_seconds(d: Duration) -> f64 {
    d.as_secs() as f64 + f64::from(d.subsec_nanos()) * 1e-9
}

/// Formats like Python's `repr(float)` for ordinary timestamps (`1795305191.0`).
fn python_float(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::testutil::TempTree;
    use http_body_util::BodyExt as _;

    fn folder_with(files: &[&str]) -> TempTree {
        let tree = TempTree::new("folder");
        for f in files {
            tree.write(f, format!("content of {f}").as_bytes());
        }
        tree
    }

    async fn body(response: Response) -> Vec<u8> {
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec()
    }

    #[test]
    fn missing_folder_is_empty() {
        let tree = TempTree::new("missing");
        let assets = AssetsFolder::scan(&tree.path().join("nope"), None);
        assert!(assets.files().is_empty());
        assert_eq!(assets.css_links("/"), "");
        assert_eq!(assets.script_tags("/"), "");
        assert_eq!(assets.favicon_href("/app/"), "/app/_favicon.ico?v=4.4.1");
    }

    #[test]
    fn walk_order_kinds_and_links() {
        let tree = folder_with(&[
            "z.css",
            "a.js",
            "mod.mjs",
            "sub/b.css",
            "sub/img/favicon.ico",
            "sub-dir/c.js",
            "draft.ignored.js",
            "notes.txt",
            "my file&.css",
        ]);
        let assets = AssetsFolder::scan(tree.path(), Some(r"\.ignored\."));
        let order: Vec<&str> = assets.files().iter().map(|f| f.rel_path.as_str()).collect();
        // Python sorts the walk by directory path: "sub" < "sub-dir" < "sub/img".
        assert_eq!(
            order,
            [
                "a.js",
                "draft.ignored.js",
                "mod.mjs",
                "my file&.css",
                "notes.txt",
                "z.css",
                "sub/b.css",
                "sub-dir/c.js",
                "sub/img/favicon.ico",
            ]
        );
        let css = assets.css_links("/");
        assert!(css.starts_with("<link rel=\"stylesheet\" href=\"/assets/my%20file%26.css?m="));
        assert!(css.contains("href=\"/assets/sub/b.css?m="));
        let scripts = assets.script_tags("/base/");
        assert!(scripts.contains("<script src=\"/base/assets/a.js?m="));
        assert!(scripts.contains("/base/assets/mod.mjs?m="));
        assert!(scripts.contains("\" type=\"module\"></script>"));
        assert!(!scripts.contains("draft"));
        assert!(assets
            .favicon_href("/")
            .starts_with("/assets/sub/img/favicon.ico?m="));
        let m = &css[css.find("?m=").unwrap() + 3..];
        assert!(m.contains('.'), "{m}");
    }

    #[test]
    fn bad_ignore_pattern() {
        let tree = folder_with(&["a(.js"]);
        assert!(AssetsFolder::try_scan(tree.path(), Some("a(")).is_err());
        let assets = AssetsFolder::scan(tree.path(), Some("a("));
        assert!(!assets.files()[0].linked);
    }

    #[tokio::test]
    async fn serves_with_validators_and_ranges() {
        let tree = folder_with(&["style.css", "sub/data.bin"]);
        let assets = AssetsFolder::scan(tree.path(), None);
        let response = assets.serve("style.css", &HeaderMap::new()).await;
        assert_eq!(response.status(), StatusCode::OK);
        let h = response.headers().clone();
        assert_eq!(h[header::CONTENT_TYPE], "text/css; charset=utf-8");
        assert_eq!(h[header::CACHE_CONTROL], "no-cache");
        assert_eq!(
            h[header::CONTENT_DISPOSITION],
            "inline; filename=\"style.css\""
        );
        assert_eq!(body(response).await, b"content of style.css");

        let mut cond = HeaderMap::new();
        cond.insert(header::IF_NONE_MATCH, h[header::ETAG].clone());
        let response = assets.serve("style.css", &cond).await;
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert!(body(response).await.is_empty());

        let mut cond = HeaderMap::new();
        cond.insert(header::IF_MODIFIED_SINCE, h[header::LAST_MODIFIED].clone());
        let response = assets.serve("style.css", &cond).await;
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);

        let mut range = HeaderMap::new();
        range.insert(header::RANGE, HeaderValue::from_static("bytes=8-9"));
        let response = assets.serve("sub/data.bin", &range).await;
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(response.headers()[header::CONTENT_RANGE], "bytes 8-9/23");
        assert_eq!(body(response).await, b"of");

        range.insert(header::RANGE, HeaderValue::from_static("bytes=99-"));
        let response = assets.serve("sub/data.bin", &range).await;
        assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    }

    #[tokio::test]
    async fn refuses_traversal() {
        let tree = folder_with(&["assets/ok.js", "secret.txt"]);
        let assets = AssetsFolder::scan(&tree.path().join("assets"), None);
        assert_eq!(
            assets.serve("ok.js", &HeaderMap::new()).await.status(),
            StatusCode::OK
        );
        let outside = tree.path().join("secret.txt");
        for evil in [
            "../secret.txt",
            "./../secret.txt",
            "sub/../../secret.txt",
            "%2e%2e/secret.txt",
            "..\\secret.txt",
            "/etc/passwd",
            outside.to_str().unwrap(),
            "",
            "ok.js/",
            "C:/Windows/win.ini",
        ] {
            let status = assets.serve(evil, &HeaderMap::new()).await.status();
            assert_eq!(status, StatusCode::NOT_FOUND, "{evil}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, tree.path().join("assets/link.txt")).unwrap();
            let status = assets.serve("link.txt", &HeaderMap::new()).await.status();
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }

    #[test]
    fn changes_between_scans() {
        let tree = folder_with(&["a.css", "b.js"]);
        let before = AssetsFolder::scan(tree.path(), None);
        std::fs::remove_file(tree.path().join("b.js")).unwrap();
        tree.write("c.js", b"new");
        let after = AssetsFolder::scan(tree.path(), None);
        let changes = before.changes(&after, "/");
        assert_eq!(changes.len(), 2);
        assert!(changes
            .iter()
            .any(|c| c.url == "/assets/c.js" && c.modified > 0 && !c.is_css));
        assert!(changes
            .iter()
            .any(|c| c.url == "/assets/b.js" && c.modified == -1));
    }

    #[test]
    fn float_formatting() {
        assert_eq!(python_float(1795305191.0), "1795305191.0");
        assert_eq!(python_float(1795305191.6947682), "1795305191.6947682");
    }
}
