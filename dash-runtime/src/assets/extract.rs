//! Reading the served files out of an npm tarball, refusing anything that could escape.

use std::collections::BTreeMap;
use std::io::Read as _;

use flate2::read::GzDecoder;
use tar::EntryType;

use super::error::AssetError;
use super::packages::Package;

/// The served files of a package: `(namespace, path)` → content.
pub(crate) type MappedFiles = BTreeMap<(String, String), Vec<u8>>;

/// Reads every regular file of `tgz` that one of the package's mounts covers.
///
/// npm tarballs hold one top-level directory (usually `package/`), which is dropped.
/// Absolute paths, `..` segments, backslashes, drive letters, links inside the served
/// directories and non-UTF-8 names are errors; everything outside the mounts is skipped
/// unread. A later entry for the same path replaces an earlier one (tar semantics).
pub(crate) fn mapped_files(package: &Package, tgz: &[u8]) -> Result<MappedFiles, AssetError> {
    let bad = |reason: String| AssetError::Tarball {
        package: package.spec(),
        reason,
    };
    let mut archive = tar::Archive::new(GzDecoder::new(tgz));
    let entries = archive.entries().map_err(|e| bad(e.to_string()))?;
    let mut out = MappedFiles::new();
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(e.to_string()))?;
        let raw = entry.path_bytes().into_owned();
        let entry_type = entry.header().entry_type();
        let is_file = matches!(entry_type, EntryType::Regular | EntryType::Continuous);
        let is_link = matches!(entry_type, EntryType::Symlink | EntryType::Link);
        if !is_file && !is_link {
            continue; // directories, pax/GNU metadata, devices: nothing to serve
        }
        let Some(inner) = inner_path(&raw).map_err(bad)? else {
            continue;
        };
        let Some((namespace, served)) = package.map_path(&inner) else {
            continue;
        };
        if is_link {
            return Err(bad(format!("`{inner}` is a link")));
        }
        let mut data = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        entry
            .read_to_end(&mut data)
            .map_err(|e| bad(format!("reading `{inner}`: {e}")))?;
        out.insert((namespace.to_string(), served), data);
    }
    for mount in package.mounts {
        let found = out.keys().any(|(ns, path)| {
            ns == mount.namespace
                && (path == mount.to
                    || path
                        .strip_prefix(mount.to)
                        .is_some_and(|r| r.starts_with('/')))
        });
        if !found {
            return Err(AssetError::MissingFile {
                package: package.spec(),
                path: format!("{}/{}", mount.namespace, mount.to),
            });
        }
    }
    Ok(out)
}

/// The path of an entry below the tarball's top-level directory, checked for safety.
///
/// `Ok(None)` for the top-level directory itself.
fn inner_path(raw: &[u8]) -> Result<Option<String>, String> {
    let text = std::str::from_utf8(raw).map_err(|_| "entry name is not UTF-8".to_string())?;
    if text.starts_with('/') {
        return Err(format!("absolute entry `{text}`"));
    }
    let mut segments = Vec::new();
    for segment in text.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return Err(format!("entry `{text}` leaves the package")),
            s if s.contains(['\\', ':', '\0']) => {
                return Err(format!("entry `{text}` has an unsafe name"))
            }
            s => segments.push(s),
        }
    }
    if segments.len() < 2 {
        return Ok(None);
    }
    Ok(Some(segments[1..].join("/")))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::assets::packages::{Mount, MountKind};
    use flate2::write::GzEncoder;

    pub(crate) const TEST_MOUNTS: &[Mount] = &[
        Mount {
            from: "dist",
            kind: MountKind::Dir,
            namespace: "dash",
            to: "testpkg",
        },
        Mount {
            from: "main.js",
            kind: MountKind::File,
            namespace: "dash",
            to: "deps/testpkg@1.0.0.js",
        },
    ];

    /// A gzipped tarball from `(raw entry name, content)` pairs; names are written raw, so
    /// they may hold `..` or a leading `/`.
    pub(crate) fn tarball(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder =
            tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (name, data) in entries {
            let mut header = tar::Header::new_old();
            let field = &mut header.as_old_mut().name;
            field[..name.len()].copy_from_slice(name.as_bytes());
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(EntryType::Regular);
            header.set_cksum();
            builder.append(&header, *data).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    pub(crate) fn package(integrity: &'static str) -> Package {
        Package {
            name: "testpkg",
            version: "1.0.0",
            integrity,
            fingerprint_version: "1.0.0",
            mounts: TEST_MOUNTS,
        }
    }

    #[test]
    fn maps_mounted_files_only() {
        let tgz = tarball(&[
            ("package/main.js", b"main"),
            ("package/dist/a.js", b"a"),
            ("package/dist/sub/b.js.map", b"b"),
            ("package/lib/skip.js", b"skip"),
            ("package/distX/skip.js", b"skip"),
        ]);
        let files = mapped_files(&package("sha512-x"), &tgz).unwrap();
        let keys: Vec<String> = files.keys().map(|(n, p)| format!("{n}/{p}")).collect();
        assert_eq!(
            keys,
            [
                "dash/deps/testpkg@1.0.0.js",
                "dash/testpkg/a.js",
                "dash/testpkg/sub/b.js.map"
            ]
        );
    }

    #[test]
    fn refuses_traversal() {
        for evil in [
            "package/../../etc/evil.js",
            "/etc/passwd",
            "package/dist/../../x.js",
            "package/dist/..\\..\\x.js",
            "package/dist/C:x.js",
        ] {
            let tgz = tarball(&[
                ("package/main.js", b"m"),
                ("package/dist/a.js", b"a"),
                (evil, b"x"),
            ]);
            let err = mapped_files(&package("sha512-x"), &tgz).unwrap_err();
            assert!(matches!(err, AssetError::Tarball { .. }), "{evil}: {err}");
        }
    }

    #[test]
    fn missing_mount_is_an_error() {
        let tgz = tarball(&[("package/main.js", b"m")]);
        let err = mapped_files(&package("sha512-x"), &tgz).unwrap_err();
        assert!(matches!(err, AssetError::MissingFile { .. }), "{err}");
    }

    #[test]
    fn inner_paths() {
        assert_eq!(inner_path(b"package"), Ok(None));
        assert_eq!(inner_path(b"package/"), Ok(None));
        assert_eq!(inner_path(b"package/./a//b.js"), Ok(Some("a/b.js".into())));
        assert_eq!(inner_path(b"node/a.js"), Ok(Some("a.js".into())));
        assert!(inner_path(b"package/\xff.js").is_err());
    }
}
