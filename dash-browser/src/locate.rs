//! Finding Chromium and chromedriver: an environment variable first, then `PATH`.

use std::env;
use std::path::PathBuf;

use crate::error::BrowserError;

/// Names the Chromium binary (otherwise `chromium`, `chromium-browser`, `google-chrome` or
/// `google-chrome-stable` on `PATH`).
pub const CHROMIUM_ENV: &str = "DASH_BROWSER_CHROMIUM";

/// Names the chromedriver binary (otherwise `chromedriver` on `PATH`).
pub const CHROMEDRIVER_ENV: &str = "DASH_BROWSER_CHROMEDRIVER";

/// The Chromium binary to drive.
pub(crate) fn chromium() -> Result<PathBuf, BrowserError> {
    find(
        "chromium",
        CHROMIUM_ENV,
        "chromium",
        &[
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ],
    )
}

/// The chromedriver binary (it must match the Chromium version, as Debian's packages do).
pub(crate) fn chromedriver() -> Result<PathBuf, BrowserError> {
    find(
        "chromedriver",
        CHROMEDRIVER_ENV,
        "chromium-driver",
        &["chromedriver"],
    )
}

fn find(
    program: &'static str,
    var: &'static str,
    package: &'static str,
    names: &[&str],
) -> Result<PathBuf, BrowserError> {
    let missing = |looked: String| BrowserError::NotInstalled {
        program,
        env: var,
        package,
        looked,
    };
    if let Some(value) = env::var_os(var).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(&value);
        // A bare name is looked up on PATH, a path must be an executable file.
        return which::which(&path)
            .map_err(|_| missing(format!("{var}={} is not an executable", path.display())));
    }
    names
        .iter()
        .find_map(|name| which::which(name).ok())
        .ok_or_else(|| missing(format!("{var} unset, none of {names:?} on PATH")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_names_its_package_and_variable() {
        let err = find(
            "chromedriver",
            "DASH_BROWSER_TEST_UNSET_VARIABLE",
            "chromium-driver",
            &["dash-browser-no-such-program"],
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("chromium-driver"), "{text}");
        assert!(text.contains("DASH_BROWSER_TEST_UNSET_VARIABLE"), "{text}");
        assert!(text.contains("dash-browser-no-such-program"), "{text}");
    }
}
