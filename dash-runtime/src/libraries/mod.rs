//! Dash component libraries linked into the app (dash-bootstrap-components, dash-ag-grid,
//! dash-mantine-components, or any package turned into a crate by
//! `tools/generate_components.py --requirement NAME==VERSION`).
//!
//! A generated crate describes its package with one [`ComponentLibrary`] and hands it to
//! [`inventory`] with [`register_library!`](crate::register_library); depending on the crate is
//! all an app does. At start the runtime collects every linked library and:
//!
//! - fetches the package's wheel with `pip download NAME==VERSION --no-deps` (pip's own
//!   configuration applies), checks the wheel's SHA-256 and each served file's SHA-256, and
//!   caches the files next to the core front end (`dash-assets prepare` includes them);
//! - serves them under `_dash-component-suites/<namespace>/<path>` with fingerprinted URLs,
//!   and async chunks and source maps on demand;
//! - writes the library's scripts and stylesheets into the index page in Dash's order (after
//!   `external_scripts`, before the app's assets and the renderer);
//! - adds its `children_props` to `_dash-config` and its property tables to startup
//!   validation.
//!
//! ```
//! use dash_runtime::libraries::{ComponentLibrary, FileKind, LibraryFile, Load, Variant, Wheel};
//!
//! const FILES: &[LibraryFile] = &[LibraryFile {
//!     path: "my_lib.min.js",
//!     sha256: "0000000000000000000000000000000000000000000000000000000000000000",
//!     kind: FileKind::Script,
//!     load: Load::Index,
//!     variant: Variant::Any,
//!     external_url: None,
//! }];
//!
//! fn known_props(type_name: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
//!     (type_name == "Widget").then_some((&["id", "value"][..], &[][..]))
//! }
//!
//! pub const MY_LIB: ComponentLibrary = ComponentLibrary {
//!     namespace: "my_lib",
//!     distribution: "my-lib",
//!     version: "1.0.0",
//!     package_dir: "my_lib",
//!     wheel: Wheel {
//!         filename: "my_lib-1.0.0-py3-none-any.whl",
//!         sha256: "0000000000000000000000000000000000000000000000000000000000000000",
//!     },
//!     files: FILES,
//!     children_props: &[("Widget", &[])],
//!     known_props,
//! };
//! assert_eq!(MY_LIB.requirement(), "my-lib==1.0.0");
//! ```

mod registry;
mod theme;

pub use registry::{find, linked};
pub use theme::Theme;

/// One Dash component package linked into the app.
#[derive(Debug, Clone, Copy)]
pub struct ComponentLibrary {
    /// The JavaScript namespace (`_namespace` of the package's Python classes), which is also
    /// the URL segment under `_dash-component-suites/`, e.g. `dash_bootstrap_components`.
    pub namespace: &'static str,
    /// The Python distribution name, as given to pip, e.g. `dash-bootstrap-components`.
    pub distribution: &'static str,
    /// The exact version (it also appears in fingerprinted URLs).
    pub version: &'static str,
    /// The package's directory inside the wheel; [`LibraryFile::path`] is relative to it.
    pub package_dir: &'static str,
    /// The wheel the files come from.
    pub wheel: Wheel,
    /// Every file the package registers (its `_js_dist` and `_css_dist`), in their order.
    pub files: &'static [LibraryFile],
    /// `(type, children prop paths)` of every component, for `_dash-config.children_props`.
    pub children_props: &'static [(&'static str, &'static [&'static str])],
    /// The declared properties and wildcard prefixes (`data-`, `aria-`) of a component type,
    /// for startup validation; `None` for a type the package does not have.
    pub known_props: KnownProps,
}

/// A component type's declared properties and wildcard prefixes, `None` for an unknown type.
pub type KnownProps = fn(&str) -> Option<(&'static [&'static str], &'static [&'static str])>;

/// A pinned wheel: its file name (as `pip download` saves it) and SHA-256 (lower-case hex).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wheel {
    /// `name-version-py3-none-any.whl`.
    pub filename: &'static str,
    /// SHA-256 of the whole wheel file.
    pub sha256: &'static str,
}

/// One file of a component package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LibraryFile {
    /// Path relative to the package directory (`relative_package_path` in Dash).
    pub path: &'static str,
    /// SHA-256 of the file (lower-case hex).
    pub sha256: &'static str,
    /// A script or a stylesheet.
    pub kind: FileKind,
    /// Whether the index page links it.
    pub load: Load,
    /// Production bundle, dev bundle (`dev_package_path`) or both.
    pub variant: Variant,
    /// The package's public URL of the same file, used when not serving locally.
    pub external_url: Option<&'static str>,
}

/// Whether a [`LibraryFile`] is JavaScript or CSS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// From `_js_dist`: a `<script>` in the index.
    Script,
    /// From `_css_dist`: a `<link rel="stylesheet">` in the index.
    Stylesheet,
}

/// How a [`LibraryFile`] is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// Linked from the index page.
    Index,
    /// An async chunk (`async: true`, `"lazy"` or `"eager"`): fetched by the package's own
    /// bundle when a component needs it; not in the index (dash-rs has no eager loading).
    Async,
    /// Served on request only (`dynamic: true`: source maps, workers).
    Dynamic,
}

/// Which bundle set a [`LibraryFile`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Served in both modes.
    Any,
    /// Only without `serve_dev_bundles`.
    Prod,
    /// Only with `serve_dev_bundles` (Dash's `dev_package_path`).
    Dev,
}

impl ComponentLibrary {
    /// `distribution==version`, the requirement given to `pip download`.
    pub fn requirement(&self) -> String {
        format!("{}=={}", self.distribution, self.version)
    }

    /// The directory name of this package in a cache or offline directory.
    pub fn dir_name(&self) -> String {
        format!("pypi+{}@{}", self.distribution, self.version)
    }

    /// The files the index page links for this mode, in the package's order.
    pub fn index_files(
        &self,
        kind: FileKind,
        dev_bundles: bool,
    ) -> impl Iterator<Item = &LibraryFile> {
        self.files.iter().filter(move |f| {
            f.kind == kind
                && f.load == Load::Index
                && match f.variant {
                    Variant::Any => true,
                    Variant::Prod => !dev_bundles,
                    Variant::Dev => dev_bundles,
                }
        })
    }

    /// The file registered under `path`, if any.
    pub fn file(&self, path: &str) -> Option<&LibraryFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// Registers a [`ComponentLibrary`] constant of a generated crate with the runtime.
///
/// ```
/// # use dash_runtime::libraries::{ComponentLibrary, Wheel};
/// # fn known_props(_: &str) -> Option<(&'static [&'static str], &'static [&'static str])> { None }
/// pub const LIBRARY: ComponentLibrary = ComponentLibrary {
///     namespace: "doc_lib", distribution: "doc-lib", version: "0.1.0", package_dir: "doc_lib",
///     wheel: Wheel { filename: "doc_lib-0.1.0-py3-none-any.whl", sha256: "00" },
///     files: &[], children_props: &[], known_props,
/// };
/// dash_runtime::register_library!(LIBRARY);
/// assert!(dash_runtime::libraries::find("doc_lib").is_some());
/// ```
#[macro_export]
macro_rules! register_library {
    ($library:expr) => {
        $crate::__private::inventory::submit! {
            $crate::libraries::Linked($library)
        }
    };
}

/// A [`ComponentLibrary`] handed to [`inventory`] (use [`register_library!`](crate::register_library)).
#[derive(Debug)]
pub struct Linked(pub ComponentLibrary);

inventory::collect!(Linked);
