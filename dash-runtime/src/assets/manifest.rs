//! The `MANIFEST` written beside each extracted package: what was extracted, with hashes.
//!
//! A text file, one record per line:
//!
//! ```text
//! dash-rs-frontend 1
//! package dash-renderer 3.4.1
//! integrity sha512-…
//! file <sha256 hex> <size> <namespace> <served path>
//! ```
//!
//! It is written last, just before the package directory is renamed into place, so a
//! package directory with a readable manifest is complete.

use std::fmt::Write as _;

/// The first line of every manifest this version writes.
const HEADER: &str = "dash-rs-frontend 1";

/// The file name of the manifest inside a package directory.
pub(crate) const FILE_NAME: &str = "MANIFEST";

/// One extracted, served file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManifestFile {
    pub sha256: String,
    pub size: u64,
    pub namespace: String,
    pub path: String,
}

/// The parsed manifest of one package directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Manifest {
    pub name: String,
    pub version: String,
    pub integrity: String,
    pub files: Vec<ManifestFile>,
}

impl Manifest {
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{HEADER}");
        let _ = writeln!(out, "package {} {}", self.name, self.version);
        let _ = writeln!(out, "integrity {}", self.integrity);
        for f in &self.files {
            let _ = writeln!(
                out,
                "file {} {} {} {}",
                f.sha256, f.size, f.namespace, f.path
            );
        }
        out
    }

    pub(crate) fn parse(text: &str) -> Result<Manifest, String> {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err("unknown manifest format".into());
        }
        let (name, version) = lines
            .next()
            .and_then(|l| l.strip_prefix("package "))
            .and_then(|l| l.split_once(' '))
            .ok_or("missing package line")?;
        let integrity = lines
            .next()
            .and_then(|l| l.strip_prefix("integrity "))
            .ok_or("missing integrity line")?;
        let mut files = Vec::new();
        for line in lines.filter(|l| !l.is_empty()) {
            let rest = line
                .strip_prefix("file ")
                .ok_or_else(|| format!("unexpected line `{line}`"))?;
            let mut fields = rest.splitn(4, ' ');
            let (Some(sha256), Some(size), Some(namespace), Some(path)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(format!("short file line `{line}`"));
            };
            let size = size.parse().map_err(|_| format!("bad size in `{line}`"))?;
            if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("bad hash in `{line}`"));
            }
            files.push(ManifestFile {
                sha256: sha256.to_string(),
                size,
                namespace: namespace.to_string(),
                path: path.to_string(),
            });
        }
        Ok(Manifest {
            name: name.to_string(),
            version: version.to_string(),
            integrity: integrity.to_string(),
            files,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let m = Manifest {
            name: "@babel/polyfill".into(),
            version: "7.12.1".into(),
            integrity: "sha512-abc==".into(),
            files: vec![ManifestFile {
                sha256: "0".repeat(64),
                size: 12,
                namespace: "dash".into(),
                path: "deps/a b.js".into(),
            }],
        };
        assert_eq!(Manifest::parse(&m.render()), Ok(m));
    }

    #[test]
    fn rejects_garbage() {
        assert!(Manifest::parse("").is_err());
        assert!(Manifest::parse("dash-rs-frontend 1\npackage x 1\nintegrity y\nfile z").is_err());
    }
}
