//! The pinned front-end packages and where their files are served.
//!
//! Each npm package is fetched by name and version, checked against the pinned SRI hash
//! below, and only the files named by its [`Mount`]s are kept. The served layout mirrors
//! Python Dash 4.4.1: namespace `dash` holds `deps/`, `dash-renderer/build/`, `dcc/`,
//! `html/` and `dash_table/`; namespace `plotly` holds `package_data/plotly.min.js`.
//! The npm files are byte-identical to the ones the `dash==4.4.1` wheel and the
//! `plotly==7.1.0` wheel ship, except for the build stamp baked into the dcc and
//! dash_table main bundles (`v4_4_1m…` / `v7_4_1m…`, which they may put on the URLs of
//! their lazily loaded chunks; the server accepts any well-formed stamp).

use base64::Engine as _;

/// The Dash version this front end belongs to (used in fingerprints and the favicon URL).
pub const DASH_VERSION: &str = "4.4.1";

/// The plotly (Python) version whose `package_data/plotly.min.js` is plotly.js 4.1.1.
pub const PLOTLY_PY_VERSION: &str = "7.1.0";

/// The plotly.js version served to `dcc.Graph`.
pub const PLOTLY_JS_VERSION: &str = "4.1.1";

/// Public CDN serving npm packages by name and version (used only when not serving locally).
pub(crate) const NPM_CDN: &str = "https://unpkg.com";

/// Public CDN of plotly.js builds (used only when not serving locally).
pub(crate) const PLOTLY_CDN: &str = "https://cdn.plot.ly";

/// One pinned npm package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// The npm package name, e.g. `dash-renderer` or `@babel/polyfill`.
    pub name: &'static str,
    /// The exact version.
    pub version: &'static str,
    /// The pinned Subresource Integrity string of the tarball (`sha512-…`).
    pub integrity: &'static str,
    /// The version that appears in fingerprinted URLs of this package's files.
    pub fingerprint_version: &'static str,
    /// Which files of the tarball are served, and where.
    pub mounts: &'static [Mount],
}

/// Maps a file or a directory of a package onto a served path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mount {
    /// Path inside the package (without npm's leading `package/`).
    pub from: &'static str,
    /// Whether `from` is a single file or a directory (served recursively).
    pub kind: MountKind,
    /// The `_dash-component-suites` namespace.
    pub namespace: &'static str,
    /// The served path under the namespace (a file path, or a directory for `Dir`).
    pub to: &'static str,
}

/// Whether a [`Mount`] maps one file or a whole directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountKind {
    /// A single file.
    File,
    /// Every regular file below a directory.
    Dir,
}

impl Mount {
    /// The file `from` of the package served as `namespace`/`to`.
    pub const fn file(from: &'static str, namespace: &'static str, to: &'static str) -> Mount {
        file(from, namespace, to)
    }

    /// Every file below the directory `from` served under `namespace`/`to`.
    pub const fn dir(from: &'static str, namespace: &'static str, to: &'static str) -> Mount {
        dir(from, namespace, to)
    }
}

const fn file(from: &'static str, namespace: &'static str, to: &'static str) -> Mount {
    Mount {
        from,
        kind: MountKind::File,
        namespace,
        to,
    }
}

const fn dir(from: &'static str, namespace: &'static str, to: &'static str) -> Mount {
    Mount {
        from,
        kind: MountKind::Dir,
        namespace,
        to,
    }
}

/// The front end Dash 4.4.1 serves, pinned by version and integrity.
pub const PACKAGES: &[Package] = &[
    Package {
        name: "@babel/polyfill",
        version: "7.12.1",
        integrity: "sha512-X0pi0V6gxLi6lFZpGmeNa4zxtwEmCs42isWLNjZZDE0Y8yVfgu0T2OAHlzBbdYlqbW/YXVvoBHpATEM+goCj8g==",
        fingerprint_version: DASH_VERSION,
        mounts: &[file("dist/polyfill.min.js", "dash", "deps/polyfill@7.12.1.min.js")],
    },
    Package {
        name: "react",
        version: "18.3.1",
        integrity: "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        fingerprint_version: DASH_VERSION,
        mounts: &[
            file("umd/react.production.min.js", "dash", "deps/react@18.3.1.min.js"),
            file("umd/react.development.js", "dash", "deps/react@18.3.1.js"),
        ],
    },
    Package {
        name: "react-dom",
        version: "18.3.1",
        integrity: "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        fingerprint_version: DASH_VERSION,
        mounts: &[
            file("umd/react-dom.production.min.js", "dash", "deps/react-dom@18.3.1.min.js"),
            file("umd/react-dom.development.js", "dash", "deps/react-dom@18.3.1.js"),
        ],
    },
    Package {
        name: "prop-types",
        version: "15.8.1",
        integrity: "sha512-oj87CgZICdulUohogVAR7AjlC0327U4el4L6eAvOqCeudMDVU0NThNaV+b9Df4dXgSP1gXMTnPdhfe/2qDH5cg==",
        fingerprint_version: DASH_VERSION,
        mounts: &[
            file("prop-types.min.js", "dash", "deps/prop-types@15.8.1.min.js"),
            file("prop-types.js", "dash", "deps/prop-types@15.8.1.js"),
        ],
    },
    Package {
        name: "dash-renderer",
        version: "3.4.1",
        integrity: "sha512-dbl2emiVjUzX2H/areS3S0ujs5x5yMRkAlij9jlZQ6JtzuoyvuxIh2WM7dDP2VhNu+BSvPRLQjh40TzSUmnLnQ==",
        fingerprint_version: DASH_VERSION,
        mounts: &[dir("build", "dash", "dash-renderer/build")],
    },
    Package {
        name: "dash-core-components",
        version: "4.4.1",
        integrity: "sha512-z0nMEFlzK43NiuXWDtWIntv7xL++rOgk54sFZ4z/PkwvtBPgcHTqG2CQe8x0u9sl0BCwE3BKp4nx/RnMCKU5Eg==",
        fingerprint_version: "4.4.1",
        mounts: &[dir("dash_core_components", "dash", "dcc")],
    },
    Package {
        name: "dash-html-components",
        version: "4.4.1",
        integrity: "sha512-QxtGgynPWaOaKihyBquZIWc8CMaWBtHfGc3wUqwqm1qgjn6K+4EX95NuplxoIilduna+BXknT+HplofClGQB4g==",
        fingerprint_version: "4.4.1",
        mounts: &[dir("dash_html_components", "dash", "html")],
    },
    Package {
        name: "dash-table",
        version: "7.4.1",
        integrity: "sha512-A5nCbUDSBUp84pzsrGiEuuKWebbmyMQS+EZR+nOsAq9VDrNM3kVxmmAI8qXhrlRyWd9QLEvPZo+cKp5Pwg8Hmw==",
        fingerprint_version: "7.4.1",
        mounts: &[dir("dash_table", "dash", "dash_table")],
    },
    Package {
        name: "plotly.js-dist-min",
        version: "4.1.1",
        integrity: "sha512-4Jg6n9FKcn5WBuqHESZmueEBYOLjGlsz8ivzMCl03WCX+GAAOgIALvdONwIi54JDMq0tkxbu+vs5Yj7QSPQtgg==",
        fingerprint_version: PLOTLY_PY_VERSION,
        mounts: &[file("plotly.min.js", "plotly", "package_data/plotly.min.js")],
    },
];

/// Served paths (namespace `dash`) of the React dependencies, production builds.
pub(crate) const DEPS_PROD: [&str; 4] = [
    "deps/polyfill@7.12.1.min.js",
    "deps/react@18.3.1.min.js",
    "deps/react-dom@18.3.1.min.js",
    "deps/prop-types@15.8.1.min.js",
];

/// Served paths of the React dependencies when `props_check` is on (the polyfill stays minified).
pub(crate) const DEPS_DEV: [&str; 4] = [
    "deps/polyfill@7.12.1.min.js",
    "deps/react@18.3.1.js",
    "deps/react-dom@18.3.1.js",
    "deps/prop-types@15.8.1.js",
];

/// Served paths of the renderer and the component libraries, in emission order.
pub(crate) const LIBRARIES_PROD: [&str; 5] = [
    "dash-renderer/build/dash_renderer.min.js",
    "dcc/dash_core_components.js",
    "dcc/dash_core_components-shared.js",
    "html/dash_html_components.min.js",
    "dash_table/bundle.js",
];

/// The same with dev bundles (`serve_dev_bundles`): dev renderer, plus dcc's prop types.
pub(crate) const LIBRARIES_DEV: [&str; 6] = [
    "dash-renderer/build/dash_renderer.dev.js",
    "dcc/dash_core_components.js",
    "dcc/dash_core_components-shared.js",
    "dcc/proptypes.js",
    "html/dash_html_components.min.js",
    "dash_table/bundle.js",
];

/// The served path of plotly.js under namespace `plotly`.
pub(crate) const PLOTLY_PATH: &str = "package_data/plotly.min.js";

/// Every `(namespace, path)` that must exist after a package set is loaded.
pub(crate) fn required_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    DEPS_PROD
        .iter()
        .chain(DEPS_DEV.iter())
        .chain(LIBRARIES_DEV.iter())
        .chain(LIBRARIES_PROD.iter())
        .map(|p| ("dash", *p))
        .chain(std::iter::once(("plotly", PLOTLY_PATH)))
}

impl Package {
    /// `name@version`, the spec given to `npm pack`.
    pub fn spec(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }

    /// The directory name of this package in a cache or offline directory
    /// (`@scope/name` becomes `@scope+name`).
    pub fn dir_name(&self) -> String {
        format!("{}@{}", self.name.replace('/', "+"), self.version)
    }

    /// A stable number standing in for the files' mtime in fingerprinted URLs.
    ///
    /// It is taken from the pinned integrity hash, so URLs stay the same across restarts
    /// and machines and change whenever the package content changes.
    pub fn stamp(&self) -> u32 {
        let digest = self.integrity.split_once('-').map_or("", |(_, d)| d);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(digest)
            .unwrap_or_default();
        match bytes.get(..4) {
            Some(b) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
            None => 0,
        }
    }

    /// Maps a path inside the package (without npm's `package/` root) to its served
    /// `(namespace, path)`, if a mount covers it.
    pub fn map_path(&self, inner: &str) -> Option<(&'static str, String)> {
        self.mounts.iter().find_map(|m| match m.kind {
            MountKind::File => (inner == m.from).then(|| (m.namespace, m.to.to_string())),
            MountKind::Dir => inner
                .strip_prefix(m.from)
                .and_then(|rest| rest.strip_prefix('/'))
                .filter(|rest| !rest.is_empty())
                .map(|rest| (m.namespace, format!("{}/{}", m.to, rest))),
        })
    }

    /// The inverse of [`Package::map_path`]: the path inside the package of a served file.
    pub fn unmap_path(&self, namespace: &str, served: &str) -> Option<String> {
        self.mounts
            .iter()
            .filter(|m| m.namespace == namespace)
            .find_map(|m| match m.kind {
                MountKind::File => (served == m.to).then(|| m.from.to_string()),
                MountKind::Dir => served
                    .strip_prefix(m.to)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .filter(|rest| !rest.is_empty())
                    .map(|rest| format!("{}/{}", m.from, rest)),
            })
    }

    /// The public CDN URL of a served file of this package.
    pub fn cdn_url(&self, namespace: &str, served: &str) -> Option<String> {
        let inner = self.unmap_path(namespace, served)?;
        Some(format!("{NPM_CDN}/{}@{}/{inner}", self.name, self.version))
    }
}

/// The package of `packages` that serves `(namespace, path)`.
pub(crate) fn owner<'a>(
    packages: &'a [Package],
    namespace: &str,
    served: &str,
) -> Option<&'a Package> {
    packages
        .iter()
        .find(|p| p.unmap_path(namespace, served).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_mounts_name_their_package_version() {
        for p in PACKAGES {
            for m in p.mounts {
                if let Some(at) = m.to.rfind('@') {
                    assert!(
                        m.to[at + 1..].starts_with(p.version),
                        "{} mounted as {}",
                        p.spec(),
                        m.to
                    );
                }
            }
        }
    }

    #[test]
    fn every_required_file_has_an_owner() {
        for (ns, path) in required_files() {
            assert!(owner(PACKAGES, ns, path).is_some(), "{ns}/{path}");
        }
    }

    #[test]
    fn mapping_round_trips() {
        let dcc = owner(PACKAGES, "dash", "dcc/async-graph.js").unwrap();
        assert_eq!(dcc.name, "dash-core-components");
        assert_eq!(
            dcc.map_path("dash_core_components/async-graph.js"),
            Some(("dash", "dcc/async-graph.js".to_string()))
        );
        assert_eq!(dcc.map_path("dash_core_components"), None);
        assert_eq!(dcc.map_path("dash_core_componentsX/a.js"), None);
        assert_eq!(dcc.map_path("lib/index.js"), None);
        let react = owner(PACKAGES, "dash", "deps/react@18.3.1.min.js").unwrap();
        assert_eq!(
            react.cdn_url("dash", "deps/react@18.3.1.min.js").as_deref(),
            Some("https://unpkg.com/react@18.3.1/umd/react.production.min.js")
        );
    }

    #[test]
    fn stamps_are_stable_and_distinct() {
        let stamps: Vec<u32> = PACKAGES.iter().map(Package::stamp).collect();
        assert!(stamps.iter().all(|s| *s != 0));
        let mut dedup = stamps.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(dedup.len(), stamps.len());
        assert_eq!(PACKAGES[0].stamp(), PACKAGES[0].stamp());
    }

    #[test]
    fn dir_names_are_flat() {
        let polyfill = PACKAGES
            .iter()
            .find(|p| p.name == "@babel/polyfill")
            .unwrap();
        assert_eq!(polyfill.dir_name(), "@babel+polyfill@7.12.1");
    }
}
