//! Fetching package tarballs with the machine's own `npm` client.
//!
//! `npm pack NAME@VERSION… --pack-destination DIR --json` downloads the tarballs through
//! npm's configured registry, proxies and certificates (and npm's own cache). This module
//! never names a registry; the integrity of what npm hands back is checked by the caller.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::AssetError;
use super::packages::Package;

/// The npm executable: `DASH_RS_NPM`, else `npm` (`npm.cmd` on Windows).
pub fn program() -> String {
    match std::env::var("DASH_RS_NPM") {
        Ok(p) if !p.trim().is_empty() => p,
        _ if cfg!(windows) => "npm.cmd".to_string(),
        _ => "npm".to_string(),
    }
}

/// Downloads the tarballs of `packages` into `dest` (one `npm pack` run) and returns
/// their paths, in the order of `packages`.
pub(crate) fn pack(packages: &[&Package], dest: &Path) -> Result<Vec<PathBuf>, AssetError> {
    let program = program();
    let specs: Vec<String> = packages.iter().map(|p| p.spec()).collect();
    tracing::info!(packages = %specs.join(" "), "fetching the Dash front end with npm");
    let output = Command::new(&program)
        .arg("pack")
        .args(&specs)
        .arg("--pack-destination")
        .arg(dest)
        .args(["--json", "--ignore-scripts", "--loglevel=error"])
        .current_dir(dest)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|source| AssetError::NpmUnavailable {
            program: program.clone(),
            source,
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
        return Err(AssetError::NpmFailed {
            specs: specs.join(" "),
            status: output.status.to_string(),
            stderr: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        });
    }
    let reported = reported_files(&String::from_utf8_lossy(&output.stdout));
    packages
        .iter()
        .map(|package| {
            let name = reported
                .iter()
                .find(|(n, v, _)| n == package.name && v == package.version)
                .map(|(_, _, file)| file.clone())
                .unwrap_or_else(|| default_file_name(package));
            // Only a plain file name inside `dest` is accepted.
            let path = dest.join(&name);
            if name.contains(['/', '\\']) || !path.is_file() {
                return Err(AssetError::NpmNoTarball {
                    package: package.spec(),
                });
            }
            Ok(path)
        })
        .collect()
}

/// `(name, version, filename)` of each tarball in `npm pack --json` output.
fn reported_files(stdout: &str) -> Vec<(String, String, String)> {
    // npm prints a JSON array; tolerate stray lines before it.
    let json = stdout.find('[').map_or(stdout, |i| &stdout[i..]);
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(json)
    else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let field = |k: &str| item.get(k)?.as_str().map(str::to_string);
            Some((field("name")?, field("version")?, field("filename")?))
        })
        .collect()
}

/// The file name npm gives a packed tarball: `@scope/name` → `scope-name-VERSION.tgz`.
fn default_file_name(package: &Package) -> String {
    let flat = package.name.trim_start_matches('@').replace('/', "-");
    format!("{flat}-{}.tgz", package.version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::packages::PACKAGES;

    #[test]
    fn parses_pack_json() {
        let out = "noise\n[{\"id\":\"@babel/polyfill@7.12.1\",\"name\":\"@babel/polyfill\",\
                   \"version\":\"7.12.1\",\"filename\":\"babel-polyfill-7.12.1.tgz\"}]\n";
        assert_eq!(
            reported_files(out),
            [(
                "@babel/polyfill".to_string(),
                "7.12.1".to_string(),
                "babel-polyfill-7.12.1.tgz".to_string()
            )]
        );
        assert!(reported_files("not json").is_empty());
    }

    #[test]
    fn default_names() {
        let names: Vec<String> = PACKAGES.iter().map(default_file_name).collect();
        assert!(names.contains(&"babel-polyfill-7.12.1.tgz".to_string()));
        assert!(names.contains(&"plotly.js-dist-min-4.1.1.tgz".to_string()));
    }
}
