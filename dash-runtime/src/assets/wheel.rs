//! Component-library wheels: fetched with the machine's own pip (`pip download NAME==VERSION
//! --no-deps`, so pip's index, proxy and certificate configuration apply), checked against
//! the pinned SHA-256 of the wheel and of each served file, and read without unpacking
//! anything else.

use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::error::AssetError;
use super::extract::MappedFiles;
use super::integrity::sha256_hex;
use super::source::Source;
use crate::libraries::ComponentLibrary;

/// The interpreter whose pip fetches wheels: `$DASH_RS_PYTHON`, else `python3`.
fn python() -> String {
    match std::env::var("DASH_RS_PYTHON") {
        Ok(p) if !p.trim().is_empty() => p,
        _ if cfg!(windows) => "python".to_owned(),
        _ => "python3".to_owned(),
    }
}

/// A served path inside a wheel: relative, `/`-separated, no `..`, no backslash.
fn safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

impl Source for ComponentLibrary {
    fn spec(&self) -> String {
        self.requirement()
    }

    fn dir_name(&self) -> String {
        ComponentLibrary::dir_name(self)
    }

    fn name_version(&self) -> (&'static str, &'static str) {
        (self.distribution, self.version)
    }

    fn integrity(&self) -> String {
        format!("sha256:{}", self.wheel.sha256)
    }

    fn archive_name(&self) -> &'static str {
        "package.whl"
    }

    fn check_archive(&self, bytes: &[u8]) -> Result<(), AssetError> {
        let actual = sha256_hex(bytes);
        if actual == self.wheel.sha256 {
            Ok(())
        } else {
            Err(AssetError::Integrity {
                package: self.requirement(),
                expected: self.integrity(),
                actual: format!("sha256:{actual}"),
            })
        }
    }

    fn served_files(&self, bytes: &[u8]) -> Result<MappedFiles, AssetError> {
        let bad = |reason: String| AssetError::Tarball {
            package: self.requirement(),
            reason,
        };
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| bad(format!("not a wheel: {e}")))?;
        let mut out = MappedFiles::new();
        for file in self.files {
            if !safe_path(file.path) || !safe_path(self.package_dir) {
                return Err(bad(format!("`{}` is not a safe relative path", file.path)));
            }
            let member = format!("{}/{}", self.package_dir, file.path);
            let mut entry = zip
                .by_name(&member)
                .map_err(|e| bad(format!("`{member}`: {e}")))?;
            if !entry.is_file() {
                return Err(bad(format!("`{member}` is not a regular file")));
            }
            let mut data = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
            entry
                .read_to_end(&mut data)
                .map_err(|e| bad(format!("reading `{member}`: {e}")))?;
            let actual = sha256_hex(&data);
            if actual != file.sha256 {
                return Err(bad(format!(
                    "`{member}` has SHA-256 {actual}, the crate pins {}",
                    file.sha256
                )));
            }
            out.insert((self.namespace.to_owned(), file.path.to_owned()), data);
        }
        Ok(out)
    }

    fn serves(&self, namespace: &str, path: &str) -> bool {
        namespace == self.namespace && self.file(path).is_some()
    }

    fn download(sources: &[&Self], dest: &Path) -> Result<Vec<PathBuf>, AssetError> {
        let program = python();
        let requirements: Vec<String> = sources.iter().map(|s| s.requirement()).collect();
        tracing::info!(packages = %requirements.join(" "), "fetching Dash component libraries with pip");
        let output = Command::new(&program)
            .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
            .args([
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                "--dest",
            ])
            .arg(dest)
            .args(&requirements)
            .current_dir(dest)
            .stdin(Stdio::null())
            .output()
            .map_err(|source| AssetError::PipUnavailable {
                program: program.clone(),
                source,
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
            return Err(AssetError::PipFailed {
                requirements: requirements.join(" "),
                status: output.status.to_string(),
                stderr: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
            });
        }
        sources
            .iter()
            .map(|s| {
                let path = dest.join(s.wheel.filename);
                if s.wheel.filename.contains(['/', '\\']) || !path.is_file() {
                    return Err(AssetError::PipNoWheel {
                        package: s.requirement(),
                        wheel: s.wheel.filename.to_owned(),
                    });
                }
                Ok(path)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;
    use crate::libraries::{FileKind, LibraryFile, Load, Variant, Wheel};

    fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }

    fn wheel(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, data) in members {
            zip.start_file(*name, options).expect("zip entry");
            zip.write_all(data).expect("zip data");
        }
        zip.finish().expect("zip").into_inner()
    }

    fn library(wheel_bytes: &[u8], files: &'static [LibraryFile]) -> ComponentLibrary {
        ComponentLibrary {
            namespace: "demo_lib",
            distribution: "demo-lib",
            version: "1.2.3",
            package_dir: "demo_lib",
            wheel: Wheel {
                filename: "demo_lib-1.2.3-py3-none-any.whl",
                sha256: leak(sha256_hex(wheel_bytes)),
            },
            files,
            children_props: &[],
            known_props: |_| None,
        }
    }

    fn file(path: &'static str, content: &[u8], load: Load) -> LibraryFile {
        LibraryFile {
            path,
            sha256: leak(sha256_hex(content)),
            kind: FileKind::Script,
            load,
            variant: Variant::Any,
            external_url: None,
        }
    }

    #[test]
    fn listed_files_are_read_and_checked() {
        let bytes = wheel(&[
            ("demo_lib/demo.min.js", b"window.demo_lib = {};"),
            ("demo_lib/async-x.js", b"chunk"),
            ("demo_lib/__init__.py", b"# not served"),
        ]);
        let files: &'static [LibraryFile] = Box::leak(Box::new([
            file("demo.min.js", b"window.demo_lib = {};", Load::Index),
            file("async-x.js", b"chunk", Load::Async),
        ]));
        let lib = library(&bytes, files);
        lib.check_archive(&bytes).expect("pinned wheel");
        let served = lib.served_files(&bytes).expect("files");
        assert_eq!(served.len(), 2);
        assert_eq!(
            served[&("demo_lib".to_owned(), "async-x.js".to_owned())],
            b"chunk"
        );
        assert!(lib.serves("demo_lib", "demo.min.js"));
        assert!(!lib.serves("demo_lib", "__init__.py"));
        assert!(!lib.serves("other", "demo.min.js"));

        let err = lib.check_archive(b"tampered").unwrap_err();
        assert!(matches!(err, AssetError::Integrity { .. }), "{err}");
    }

    #[test]
    fn a_file_whose_hash_differs_or_is_missing_is_refused() {
        let bytes = wheel(&[("demo_lib/demo.min.js", b"changed")]);
        let files: &'static [LibraryFile] =
            Box::leak(Box::new([file("demo.min.js", b"original", Load::Index)]));
        let err = library(&bytes, files).served_files(&bytes).unwrap_err();
        assert!(err.to_string().contains("the crate pins"), "{err}");

        let files: &'static [LibraryFile] =
            Box::leak(Box::new([file("absent.js", b"x", Load::Index)]));
        let err = library(&bytes, files).served_files(&bytes).unwrap_err();
        assert!(err.to_string().contains("absent.js"), "{err}");
    }

    #[tokio::test]
    async fn a_stored_library_is_linked_from_the_index_and_served() {
        use axum::http::{HeaderMap, StatusCode};

        use crate::assets::cache::Store;
        use crate::assets::suites::SuiteIndex;
        use crate::assets::testutil::TempTree;
        use crate::assets::FrontEnd;

        let main: &[u8] = b"window.demo_lib = {};";
        let bytes = wheel(&[
            ("demo_lib/demo.min.js", main),
            ("demo_lib/demo.css", b".demo{}"),
            ("demo_lib/async-x.js", b"chunk"),
            ("demo_lib/demo.min.js.map", b"{}"),
            ("demo_lib/__init__.py", b"# not served"),
        ]);
        let mut css = file("demo.css", b".demo{}", Load::Index);
        css.kind = FileKind::Stylesheet;
        let files: &'static [LibraryFile] = Box::leak(Box::new([
            file("demo.min.js", main, Load::Index),
            css,
            file("async-x.js", b"chunk", Load::Async),
            file("demo.min.js.map", b"{}", Load::Dynamic),
        ]));
        let lib = library(&bytes, files);
        let tree = TempTree::new("wheel-store");
        let src = tree.write("demo.whl", &bytes);
        let store = Store::offline(tree.path().join("store"));
        std::fs::create_dir_all(store.root()).expect("store root");
        store.install(&lib, &src).expect("install");
        store.verify(&lib).expect("verify");
        let index = SuiteIndex::build(&store.ensure(&[lib]).expect("stored")).expect("index");
        let front_end = FrontEnd::from_parts(index, vec![lib], Vec::new());

        let scripts = front_end.component_library_scripts("/app/", false);
        assert!(
            scripts
                .starts_with(r#"<script src="/app/_dash-component-suites/demo_lib/demo.v1_2_3m"#)
                && scripts.ends_with(r#".min.js"></script>"#)
                && !scripts.contains("async-x")
                && !scripts.contains(".map"),
            "{scripts}"
        );
        let links = front_end.component_library_stylesheets("/", false);
        assert!(
            links.starts_with(
                r#"<link rel="stylesheet" href="/_dash-component-suites/demo_lib/demo.v1_2_3m"#
            ),
            "{links}"
        );
        let none = HeaderMap::new();
        for path in [
            "demo.min.js",
            "async-x.js",
            "demo.min.js.map",
            "async-x.v1_2_3m9.js",
        ] {
            let status = front_end.serve_suite("demo_lib", path, &none).status();
            assert_eq!(status, StatusCode::OK, "{path}");
        }
        for (ns, path) in [("demo_lib", "__init__.py"), ("dash", "demo.min.js")] {
            let status = front_end.serve_suite(ns, path, &none).status();
            assert_eq!(status, StatusCode::NOT_FOUND, "{ns}/{path}");
        }
    }

    #[test]
    fn unsafe_paths_are_refused() {
        for path in ["../x.js", "/abs.js", "a\\b.js", "a//b.js", "c:/x.js", ""] {
            assert!(!safe_path(path), "{path}");
        }
        assert!(safe_path("_components/dash_bootstrap_components.min.js"));
    }
}
