//! Stylesheets from pinned npm packages, served by the app (Bootstrap's CSS for
//! dash-bootstrap-components, say): no CDN, and offline preparation covers them.

use crate::assets::packages::Package;

/// A stylesheet from a pinned npm package, fetched and verified like the core front end and
/// linked before the app's other stylesheets ([`Dash::theme`](crate::Dash::theme)).
///
/// ```
/// use dash_runtime::assets::packages::{Mount, Package};
/// use dash_runtime::libraries::Theme;
///
/// const NORMALIZE: Theme = Theme {
///     package: Package {
///         name: "normalize.css",
///         version: "8.0.1",
///         integrity: "sha512-qizSNPO93t1YUuUhP22btGOo3chcvDFqFaj2TRybP0DMxkHOCTYwp3n34fel4a31ORXy4m1Xq0Gyqpb5m33qIg==",
///         fingerprint_version: "8.0.1",
///         mounts: &[Mount::file("normalize.css", "themes", "normalize@8.0.1/normalize.css")],
///     },
///     namespace: "themes",
///     path: "normalize@8.0.1/normalize.css",
/// };
/// let app = dash_runtime::Dash::new().theme(NORMALIZE);
/// # let _ = app;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// The npm package holding the stylesheet; its mounts say where its files are served.
    pub package: Package,
    /// The `_dash-component-suites` namespace of the stylesheet.
    pub namespace: &'static str,
    /// Its served path under the namespace (one of the package's mounts).
    pub path: &'static str,
}
