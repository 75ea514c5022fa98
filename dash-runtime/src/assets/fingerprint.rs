//! Cache-busting fingerprints in `_dash-component-suites` URLs (protocol §2.5).
//!
//! ```
//! use dash_runtime::assets::fingerprint::{fingerprint, strip};
//!
//! let url = fingerprint("dcc/dash_core_components.js", "4.4.1", 1795305174);
//! assert_eq!(url, "dcc/dash_core_components.v4_4_1m1795305174.js");
//! assert_eq!(strip(&url), ("dcc/dash_core_components.js".to_string(), true));
//! ```

/// Inserts `v<version>m<stamp>` after the first dot of the file name.
///
/// Characters of `version` outside `[A-Za-z0-9_-]` become `_`. A file name without a dot
/// is returned unchanged.
pub fn fingerprint(path: &str, version: &str, stamp: u64) -> String {
    let (dir, name) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    let Some((stem, rest)) = name.split_once('.') else {
        return path.to_string();
    };
    let version: String = version
        .chars()
        .map(|c| if is_word(c) { c } else { '_' })
        .collect();
    format!("{dir}{stem}.v{version}m{stamp}.{rest}")
}

/// Removes a fingerprint, if any: returns the plain path and whether one was found.
///
/// Any well-formed fingerprint is accepted (the dcc and dash_table bundles request their
/// chunks with a stamp baked in at build time): the second dot-separated part of the file
/// name must look like `v<word chars>m<hex digits>`.
pub fn strip(path: &str) -> (String, bool) {
    let (dir, name) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 2 && is_fingerprint(parts[1]) {
        let mut plain = String::with_capacity(path.len());
        plain.push_str(dir);
        plain.push_str(parts[0]);
        for part in &parts[2..] {
            plain.push('.');
            plain.push_str(part);
        }
        (plain, true)
    } else {
        (path.to_string(), false)
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// `^v[\w-]+m[0-9a-fA-F]+$` (ASCII word characters).
fn is_fingerprint(part: &str) -> bool {
    let Some(body) = part.strip_prefix('v') else {
        return false;
    };
    if !body.chars().all(is_word) {
        return false;
    }
    // The hex tail cannot contain an `m`, so only the last `m` can start it.
    match body.rfind('m') {
        Some(i) if i > 0 => {
            let tail = &body[i + 1..];
            !tail.is_empty() && tail.chars().all(|c| c.is_ascii_hexdigit())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emits_like_dash() {
        assert_eq!(
            fingerprint("dash_table/bundle.js", "7.4.1", 1795305174),
            "dash_table/bundle.v7_4_1m1795305174.js"
        );
        assert_eq!(
            fingerprint("deps/react@18.3.1.min.js", "4.4.1", 1795305174),
            "deps/react@18.v4_4_1m1795305174.3.1.min.js"
        );
        assert_eq!(
            fingerprint("dash-renderer/build/dash_renderer.min.js", "4.4.1", 7),
            "dash-renderer/build/dash_renderer.v4_4_1m7.min.js"
        );
        assert_eq!(fingerprint("LICENSE", "1.0", 1), "LICENSE");
        assert_eq!(
            fingerprint("a.js", "1.0.0rc1+local", 1),
            "a.v1_0_0rc1_localm1.js"
        );
    }

    #[test]
    fn strips_any_well_formed_fingerprint() {
        for (url, plain) in [
            ("dcc/async-graph.v4_4_1m1784647828.js", "dcc/async-graph.js"),
            ("dcc/async-graph.v4_5_0m1790032440.js", "dcc/async-graph.js"),
            (
                "dcc/async-graph.v4_4_1mdeadBEEF.js.map",
                "dcc/async-graph.js.map",
            ),
            (
                "deps/react@18.v4_4_1m1795305174.3.1.min.js",
                "deps/react@18.3.1.min.js",
            ),
            ("bundle.vXm1.js", "bundle.js"),
            ("bundle.v1-2m0.js", "bundle.js"),
        ] {
            assert_eq!(strip(url), (plain.to_string(), true), "{url}");
        }
    }

    #[test]
    fn leaves_other_paths_alone() {
        for url in [
            "dcc/async-graph.js",
            "package_data/plotly.min.js",
            "a.vm1.js",    // empty version
            "a.v1m.js",    // empty stamp
            "a.v1mxyz.js", // stamp not hex
            "a.v1.2m3.js", // dot inside: part 2 is `v1`
            "a.v4_4_1m1",  // only two parts
            "a.w4_4_1m1.js",
            "a.v4 4m1.js",
            "v1.v1m1", // two parts only
        ] {
            assert_eq!(strip(url), (url.to_string(), false), "{url}");
        }
    }

    #[test]
    fn round_trip() {
        for path in [
            "dash-renderer/build/dash_renderer.dev.js",
            "deps/polyfill@7.12.1.min.js",
            "dcc/dash_core_components-shared.js",
        ] {
            let fp = fingerprint(path, "4.4.1", 123456);
            assert_eq!(strip(&fp), (path.to_string(), true));
        }
    }
}
