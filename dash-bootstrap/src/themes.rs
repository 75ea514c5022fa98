//! Bootstrap stylesheets for [`Dash::theme`](dash_runtime::Dash::theme), the same ones
//! `dash_bootstrap_components.themes` names in Python (`bootstrap@5.3.6` and
//! `bootswatch@5.3.6`), served by the app from their pinned npm packages instead of a CDN
//! (`DASH_ASSETS_PREPARE` includes them for offline machines). Hand-written: the generator
//! keeps this module and declares it in `lib.rs`.
//!
//! ```
//! use dash_bootstrap_components::themes;
//!
//! let app = dash_runtime::Dash::new().theme(themes::BOOTSTRAP);
//! # let _ = app;
//! assert_eq!(themes::DARKLY.package.spec(), "bootswatch@5.3.6");
//! ```

use dash_runtime::assets::packages::{Mount, Package};
use dash_runtime::libraries::Theme;

/// Where the themes are served: under the library's own namespace.
const NAMESPACE: &str = "dash_bootstrap_components";

/// `bootstrap@5.3.6`: Bootstrap's own CSS and its grid-only CSS.
pub const BOOTSTRAP_PACKAGE: Package = Package {
    name: "bootstrap",
    version: "5.3.6",
    integrity: "sha512-jX0GAcRzvdwISuvArXn3m7KZscWWFAf1MKBcnzaN02qWMb3jpMoUX4/qgeiGzqyIb4ojulRzs89UCUmGcFSzTA==",
    fingerprint_version: "5.3.6",
    mounts: &[
        Mount::file(
            "dist/css/bootstrap.min.css",
            NAMESPACE,
            "themes/bootstrap@5.3.6/bootstrap.min.css",
        ),
        Mount::file(
            "dist/css/bootstrap-grid.min.css",
            NAMESPACE,
            "themes/bootstrap@5.3.6/bootstrap-grid.min.css",
        ),
    ],
};

/// `bootswatch@5.3.6`: the Bootswatch themes (one package, so using several themes fetches it
/// once).
pub const BOOTSWATCH_PACKAGE: Package = Package {
    name: "bootswatch",
    version: "5.3.6",
    integrity: "sha512-d2Kwu5IaALz9gb7fmW20mXU4oCJqBrXmJ3ffk8bZPIOMohJOt0/549liK2Jp9zalkxg30dZ+1wf4OH2m1lJC9w==",
    fingerprint_version: "5.3.6",
    mounts: &[
        Mount::file(
            "dist/cerulean/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/cerulean.min.css",
        ),
        Mount::file(
            "dist/cosmo/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/cosmo.min.css",
        ),
        Mount::file(
            "dist/cyborg/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/cyborg.min.css",
        ),
        Mount::file(
            "dist/darkly/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/darkly.min.css",
        ),
        Mount::file(
            "dist/flatly/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/flatly.min.css",
        ),
        Mount::file(
            "dist/journal/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/journal.min.css",
        ),
        Mount::file(
            "dist/litera/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/litera.min.css",
        ),
        Mount::file(
            "dist/lumen/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/lumen.min.css",
        ),
        Mount::file(
            "dist/lux/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/lux.min.css",
        ),
        Mount::file(
            "dist/materia/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/materia.min.css",
        ),
        Mount::file(
            "dist/minty/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/minty.min.css",
        ),
        Mount::file(
            "dist/morph/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/morph.min.css",
        ),
        Mount::file(
            "dist/pulse/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/pulse.min.css",
        ),
        Mount::file(
            "dist/quartz/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/quartz.min.css",
        ),
        Mount::file(
            "dist/sandstone/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/sandstone.min.css",
        ),
        Mount::file(
            "dist/simplex/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/simplex.min.css",
        ),
        Mount::file(
            "dist/sketchy/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/sketchy.min.css",
        ),
        Mount::file(
            "dist/slate/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/slate.min.css",
        ),
        Mount::file(
            "dist/solar/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/solar.min.css",
        ),
        Mount::file(
            "dist/spacelab/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/spacelab.min.css",
        ),
        Mount::file(
            "dist/superhero/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/superhero.min.css",
        ),
        Mount::file(
            "dist/united/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/united.min.css",
        ),
        Mount::file(
            "dist/vapor/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/vapor.min.css",
        ),
        Mount::file(
            "dist/yeti/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/yeti.min.css",
        ),
        Mount::file(
            "dist/zephyr/bootstrap.min.css",
            NAMESPACE,
            "themes/bootswatch@5.3.6/zephyr.min.css",
        ),
    ],
};

const fn bootstrap(path: &'static str) -> Theme {
    Theme {
        package: BOOTSTRAP_PACKAGE,
        namespace: NAMESPACE,
        path,
    }
}

const fn bootswatch(path: &'static str) -> Theme {
    Theme {
        package: BOOTSWATCH_PACKAGE,
        namespace: NAMESPACE,
        path,
    }
}

/// Bootstrap's default theme.
pub const BOOTSTRAP: Theme = bootstrap("themes/bootstrap@5.3.6/bootstrap.min.css");
/// Bootstrap's grid system only.
pub const GRID: Theme = bootstrap("themes/bootstrap@5.3.6/bootstrap-grid.min.css");

/// The Bootswatch theme `cerulean`.
pub const CERULEAN: Theme = bootswatch("themes/bootswatch@5.3.6/cerulean.min.css");
/// The Bootswatch theme `cosmo`.
pub const COSMO: Theme = bootswatch("themes/bootswatch@5.3.6/cosmo.min.css");
/// The Bootswatch theme `cyborg`.
pub const CYBORG: Theme = bootswatch("themes/bootswatch@5.3.6/cyborg.min.css");
/// The Bootswatch theme `darkly`.
pub const DARKLY: Theme = bootswatch("themes/bootswatch@5.3.6/darkly.min.css");
/// The Bootswatch theme `flatly`.
pub const FLATLY: Theme = bootswatch("themes/bootswatch@5.3.6/flatly.min.css");
/// The Bootswatch theme `journal`.
pub const JOURNAL: Theme = bootswatch("themes/bootswatch@5.3.6/journal.min.css");
/// The Bootswatch theme `litera`.
pub const LITERA: Theme = bootswatch("themes/bootswatch@5.3.6/litera.min.css");
/// The Bootswatch theme `lumen`.
pub const LUMEN: Theme = bootswatch("themes/bootswatch@5.3.6/lumen.min.css");
/// The Bootswatch theme `lux`.
pub const LUX: Theme = bootswatch("themes/bootswatch@5.3.6/lux.min.css");
/// The Bootswatch theme `materia`.
pub const MATERIA: Theme = bootswatch("themes/bootswatch@5.3.6/materia.min.css");
/// The Bootswatch theme `minty`.
pub const MINTY: Theme = bootswatch("themes/bootswatch@5.3.6/minty.min.css");
/// The Bootswatch theme `morph`.
pub const MORPH: Theme = bootswatch("themes/bootswatch@5.3.6/morph.min.css");
/// The Bootswatch theme `pulse`.
pub const PULSE: Theme = bootswatch("themes/bootswatch@5.3.6/pulse.min.css");
/// The Bootswatch theme `quartz`.
pub const QUARTZ: Theme = bootswatch("themes/bootswatch@5.3.6/quartz.min.css");
/// The Bootswatch theme `sandstone`.
pub const SANDSTONE: Theme = bootswatch("themes/bootswatch@5.3.6/sandstone.min.css");
/// The Bootswatch theme `simplex`.
pub const SIMPLEX: Theme = bootswatch("themes/bootswatch@5.3.6/simplex.min.css");
/// The Bootswatch theme `sketchy`.
pub const SKETCHY: Theme = bootswatch("themes/bootswatch@5.3.6/sketchy.min.css");
/// The Bootswatch theme `slate`.
pub const SLATE: Theme = bootswatch("themes/bootswatch@5.3.6/slate.min.css");
/// The Bootswatch theme `solar`.
pub const SOLAR: Theme = bootswatch("themes/bootswatch@5.3.6/solar.min.css");
/// The Bootswatch theme `spacelab`.
pub const SPACELAB: Theme = bootswatch("themes/bootswatch@5.3.6/spacelab.min.css");
/// The Bootswatch theme `superhero`.
pub const SUPERHERO: Theme = bootswatch("themes/bootswatch@5.3.6/superhero.min.css");
/// The Bootswatch theme `united`.
pub const UNITED: Theme = bootswatch("themes/bootswatch@5.3.6/united.min.css");
/// The Bootswatch theme `vapor`.
pub const VAPOR: Theme = bootswatch("themes/bootswatch@5.3.6/vapor.min.css");
/// The Bootswatch theme `yeti`.
pub const YETI: Theme = bootswatch("themes/bootswatch@5.3.6/yeti.min.css");
/// The Bootswatch theme `zephyr`.
pub const ZEPHYR: Theme = bootswatch("themes/bootswatch@5.3.6/zephyr.min.css");

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[Theme] = &[
        BOOTSTRAP, GRID, CERULEAN, COSMO, CYBORG, DARKLY, FLATLY, JOURNAL, LITERA, LUMEN, LUX,
        MATERIA, MINTY, MORPH, PULSE, QUARTZ, SANDSTONE, SIMPLEX, SKETCHY, SLATE, SOLAR, SPACELAB,
        SUPERHERO, UNITED, VAPOR, YETI, ZEPHYR,
    ];

    #[test]
    fn every_theme_is_a_mount_of_its_package() {
        for theme in ALL {
            assert!(
                theme
                    .package
                    .mounts
                    .iter()
                    .any(|m| m.namespace == theme.namespace && m.to == theme.path),
                "{}",
                theme.path
            );
        }
        let mut paths: Vec<&str> = ALL.iter().map(|t| t.path).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), ALL.len());
    }
}
