//! The Dash front end (obtained, cached, verified and served) and the app's assets folder.
//!
//! No third-party JavaScript is part of this crate. [`FrontEnd::load`] obtains the pinned
//! npm packages of Dash 4.4.1 (see [`packages::PACKAGES`]: dash-renderer 3.4.1,
//! dash-core-components 4.4.1, dash-html-components 4.4.1, dash-table 7.4.1, react and
//! react-dom 18.3.1, prop-types 15.8.1, @babel/polyfill 7.12.1 and plotly.js-dist-min
//! 4.1.1) by running the machine's own `npm pack NAME@VERSION`, so npm's registry
//! configuration, proxies and certificates apply. Each tarball must match its pinned
//! sha512 integrity hash; only the bundle files are extracted, into a per-version
//! directory that appears atomically. Later runs read the cache and never touch the
//! network.
//!
//! # Configuration ([`FrontEndConfig::from_env`])
//!
//! | variable | meaning |
//! |---|---|
//! | `DASH_RS_CACHE_DIR` | cache root (default `$XDG_CACHE_HOME/dash-rs`, else `$HOME/.cache/dash-rs`); packages live in `<root>/frontend/` |
//! | `DASH_RS_ASSETS_DIR` | an offline directory prepared with `dash-assets prepare`: used as is, nothing is fetched |
//! | `DASH_SERVE_LOCALLY` | `false` emits public CDN URLs instead and loads nothing |
//! | `DASH_RS_NPM` | the npm executable (default `npm`) |
//!
//! # Offline machines
//!
//! On a machine with npm and network access:
//!
//! ```text
//! cargo run -p dash-runtime --bin dash-assets -- prepare DIR   # fetch + verify into DIR
//! cargo run -p dash-runtime --bin dash-assets -- verify DIR    # re-check DIR at any time
//! ```
//!
//! Copy `DIR` to the offline machine and run the app with `DASH_RS_ASSETS_DIR=DIR`.
//! `verify` re-hashes each tarball against its pinned integrity, compares the extracted
//! files with the tarball and with their recorded sha256, and exits non-zero on any
//! difference.
//!
//! # Serving
//!
//! [`FrontEnd::serve_suite`] answers `_dash-component-suites/<namespace>/<path>` from an
//! index built at load time (files of the verified packages only, so no request path can
//! reach anything else), with the URL layout of Python Dash: `dash/deps/react@18.3.1.min.js`,
//! `dash/dash-renderer/build/dash_renderer.min.js`, `dash/dcc/…`, `dash/html/…`,
//! `dash/dash_table/…` and `plotly/package_data/plotly.min.js`. URLs emitted in the index
//! page are fingerprinted ([`fingerprint`]) with a stable per-package stamp and cached for
//! a year; any well-formed fingerprint is accepted, since the dcc and dash_table bundles
//! carry a build-time stamp they may put on their lazily loaded chunks (in a browser the
//! 4.4.1 bundles request those chunks plain, which is answered with an `ETag`).
//! [`AssetsFolder`] handles the app's `assets/` folder and [`favicon_response`] the
//! built-in favicon.
//!
//! ```no_run
//! # async fn demo() -> Result<(), dash_runtime::assets::AssetError> {
//! use dash_runtime::assets::{FrontEnd, FrontEndConfig};
//!
//! let front_end = FrontEnd::load(&FrontEndConfig::from_env()).await?;
//! let scripts = format!(
//!     "{}\n{}",
//!     front_end.dependency_scripts("/", false),
//!     front_end.library_scripts("/", false),
//! );
//! # let _ = scripts;
//! # Ok(()) }
//! ```

mod cache;
pub mod content_type;
mod error;
mod extract;
mod favicon;
pub mod fingerprint;
mod folder;
mod frontend;
mod http_cache;
mod integrity;
mod manifest;
pub mod npm;
pub mod packages;
mod source;
mod suites;
mod tools;
mod wheel;

pub use error::AssetError;
pub use favicon::{favicon_bytes, favicon_response};
pub use folder::{AssetChange, AssetFile, AssetKind, AssetsFolder};
pub(crate) use frontend::theme_packages;
pub use frontend::{default_cache_dir, FrontEnd, FrontEndConfig};
pub use integrity::sri_sha512;
pub use tools::{prepare, prepare_with, verify, verify_with, PackageReport};

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests;
