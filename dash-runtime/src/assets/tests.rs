//! Serving tests: a fake package for the HTTP rules, and one real load through npm.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt as _;

use super::cache::Store;
use super::extract::tests::{package, tarball};
use super::integrity::{sha256_hex, sri_sha512};
use super::suites::{SuiteIndex, PRELOAD_MAX};
use super::testutil::TempTree;
use super::{verify, FrontEnd, FrontEndConfig};

async fn body(response: Response) -> Result<Vec<u8>, axum::Error> {
    Ok(response.into_body().collect().await?.to_bytes().to_vec())
}

fn big_file() -> Vec<u8> {
    (0..PRELOAD_MAX + 10).map(|i| (i % 251) as u8).collect()
}

/// A store holding one fake package (`dash/testpkg/…`), and its index.
fn fake_front_end(tree: &TempTree) -> SuiteIndex {
    let big = big_file();
    let tgz = tarball(&[
        ("package/main.js", b"main()"),
        ("package/dist/async-x.js", b"chunk()"),
        ("package/dist/async-x.js.map", b"{}"),
        ("package/dist/big.js", &big),
    ]);
    let integrity: &'static str = Box::leak(sri_sha512(&tgz).into_boxed_str());
    let pkg = package(integrity);
    let src = tree.write("fake.tgz", &tgz);
    let store = Store::offline(tree.path().join("store"));
    std::fs::create_dir_all(store.root()).unwrap();
    store.install(&pkg, &src).unwrap();
    SuiteIndex::build(&store.ensure(&[pkg]).unwrap()).unwrap()
}

fn if_none_match(tag: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
    h
}

#[tokio::test]
async fn fingerprinted_requests_are_immutable() {
    let tree = TempTree::new("suite-fp");
    let index = fake_front_end(&tree);
    for path in [
        "testpkg/async-x.v4_4_1m1784647828.js",
        "testpkg/async-x.v1_0_0m7.js",
        "testpkg/async-x.v9m0.js",
    ] {
        let response = index.serve("dash", path, &HeaderMap::new());
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let h = response.headers();
        assert_eq!(
            h[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(h[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
        assert!(h.get(header::ETAG).is_none());
        assert_eq!(body(response).await.unwrap(), b"chunk()");
    }
    let map = index.serve("dash", "testpkg/async-x.v1m1.js.map", &HeaderMap::new());
    assert_eq!(map.headers()[header::CONTENT_TYPE], "application/json");
}

#[tokio::test]
async fn plain_requests_use_etags() {
    let tree = TempTree::new("suite-etag");
    let index = fake_front_end(&tree);
    let response = index.serve("dash", "deps/testpkg@1.0.0.js", &HeaderMap::new());
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(etag, format!("\"{}\"", sha256_hex(b"main()")));
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
    assert_eq!(body(response).await.unwrap(), b"main()");

    for tag in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
    ] {
        let response = index.serve("dash", "deps/testpkg@1.0.0.js", &if_none_match(&tag));
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{tag}");
        assert_eq!(response.headers()[header::ETAG], etag.as_str());
        assert!(body(response).await.unwrap().is_empty());
    }
    let response = index.serve("dash", "deps/testpkg@1.0.0.js", &if_none_match("\"stale\""));
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_or_escaping_paths_are_404() {
    let tree = TempTree::new("suite-404");
    let index = fake_front_end(&tree);
    let on_disk = tree
        .path()
        .join("store/testpkg@1.0.0/files/dash/testpkg/async-x.js");
    assert!(on_disk.is_file());
    let absolute = on_disk.to_string_lossy().into_owned();
    for (namespace, path) in [
        ("dash", "testpkg/nope.js"),
        ("plotly", "testpkg/async-x.js"),
        ("nope", "testpkg/async-x.js"),
        ("dash", ""),
        ("dash", "testpkg"),
        ("dash", "testpkg/"),
        ("dash", "testpkg/async-x.js/"),
        ("dash", "/testpkg/async-x.js"),
        ("dash", "../testpkg/async-x.js"),
        ("dash", "testpkg/../testpkg/async-x.js"),
        ("dash", "testpkg/./async-x.js"),
        ("dash", "testpkg%2fasync-x.js"),
        ("dash", "%2e%2e/%2e%2e/MANIFEST"),
        ("dash", "../../MANIFEST"),
        ("dash", "../../package.tgz"),
        ("dash", absolute.as_str()),
        ("..", "testpkg@1.0.0/MANIFEST"),
    ] {
        let response = index.serve(namespace, path, &HeaderMap::new());
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{namespace}/{path}"
        );
    }
}

#[tokio::test]
async fn large_files_load_lazily_and_are_checked() {
    let tree = TempTree::new("suite-lazy");
    let index = fake_front_end(&tree);
    let response = index.serve("dash", "testpkg/big.js", &HeaderMap::new());
    assert_eq!(
        response.headers()[header::CONTENT_LENGTH],
        (PRELOAD_MAX + 10).to_string().as_str()
    );
    assert_eq!(body(response).await.unwrap(), big_file());

    // A fresh index over a modified file refuses to serve it.
    let fresh = TempTree::new("suite-lazy-bad");
    let index = fake_front_end(&fresh);
    let file = fresh
        .path()
        .join("store/testpkg@1.0.0/files/dash/testpkg/big.js");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    let response = index.serve("dash", "testpkg/big.js", &HeaderMap::new());
    assert!(body(response).await.is_err());
}

#[tokio::test]
async fn cdn_mode_emits_public_urls_and_serves_nothing() {
    let config = FrontEndConfig {
        serve_locally: false,
        ..FrontEndConfig::default()
    };
    let front_end = FrontEnd::load(&config).await.unwrap();
    let deps = front_end.dependency_scripts("/", false);
    assert_eq!(
        deps,
        "<script src=\"https://unpkg.com/@babel/polyfill@7.12.1/dist/polyfill.min.js\"></script>\n\
         <script src=\"https://unpkg.com/react@18.3.1/umd/react.production.min.js\"></script>\n\
         <script src=\"https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js\"></script>\n\
         <script src=\"https://unpkg.com/prop-types@15.8.1/prop-types.min.js\"></script>"
    );
    assert!(front_end
        .dependency_scripts("/", true)
        .contains("react@18.3.1/umd/react.development.js"));
    let libs = front_end.library_scripts("/", false);
    assert!(libs.contains("https://unpkg.com/dash-renderer@3.4.1/build/dash_renderer.min.js"));
    assert!(libs.contains(
        "https://unpkg.com/dash-core-components@4.4.1/dash_core_components/dash_core_components-shared.js"
    ));
    assert_eq!(
        front_end.plotly_url("/"),
        "https://cdn.plot.ly/plotly-4.1.1.min.js"
    );
    let response = front_end.serve_suite("dash", "dcc/dash_core_components.js", &HeaderMap::new());
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// The `src` of every `<script>` tag, as `(namespace, path)` below the suites route.
fn suite_paths(tags: &str, prefix: &str) -> Vec<(String, String)> {
    tags.lines()
        .map(|line| {
            let src = line
                .strip_prefix("<script src=\"")
                .and_then(|l| l.strip_suffix("\"></script>"))
                .unwrap();
            let rest = src
                .strip_prefix(&format!("{prefix}_dash-component-suites/"))
                .unwrap();
            let (ns, path) = rest.split_once('/').unwrap();
            (ns.to_string(), path.to_string())
        })
        .collect()
}

/// Fetches the real packages with npm into a temporary cache, then serves them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_front_end_from_npm() {
    let tree = TempTree::new("npm");
    let config = FrontEndConfig {
        serve_locally: true,
        cache_dir: Some(tree.path().to_path_buf()),
        offline_dir: None,
    };
    let front_end = FrontEnd::load(&config).await.unwrap();
    assert_eq!(front_end.namespaces(), ["dash", "plotly"]);

    let deps = front_end.dependency_scripts("/app/", false);
    assert!(
        deps.starts_with("<script src=\"/app/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m")
    );
    let dev_deps = front_end.dependency_scripts("/app/", true);
    assert!(dev_deps.contains("/deps/react-dom@18.v4_4_1m"));
    let libs = front_end.library_scripts("/app/", false);
    assert!(
        libs.contains("/app/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_4_1m")
    );
    assert!(libs.contains("/app/_dash-component-suites/dash/dash_table/bundle.v7_4_1m"));
    let dev_libs = front_end.library_scripts("/app/", true);
    assert!(dev_libs.contains("/dash-renderer/build/dash_renderer.v4_4_1m"));
    assert!(dev_libs.contains(".dev.js\"></script>"));
    assert!(dev_libs.contains("/dcc/proptypes.v4_4_1m"));

    // Every emitted script is served, fingerprinted and immutable.
    for tags in [&deps, &dev_deps, &libs, &dev_libs] {
        for (namespace, path) in suite_paths(tags, "/app/") {
            let response = front_end.serve_suite(&namespace, &path, &HeaderMap::new());
            assert_eq!(response.status(), StatusCode::OK, "{namespace}/{path}");
            assert_eq!(
                response.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
            assert!(!body(response).await.unwrap().is_empty());
        }
    }

    let renderer = front_end.serve_suite(
        "dash",
        "dash-renderer/build/dash_renderer.min.js",
        &HeaderMap::new(),
    );
    assert_eq!(renderer.status(), StatusCode::OK);
    assert_eq!(
        renderer.headers()[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert!(renderer.headers().contains_key(header::ETAG));
    let renderer = body(renderer).await.unwrap();
    assert!(String::from_utf8_lossy(&renderer).contains("DashRenderer"));

    // A lazily loaded dcc chunk, requested with the stamp baked into Dash 4.4.1's dcc.
    let chunk = front_end.serve_suite(
        "dash",
        "dcc/async-dropdown.v4_4_1m1784647828.js",
        &HeaderMap::new(),
    );
    assert_eq!(chunk.status(), StatusCode::OK);
    assert!(!body(chunk).await.unwrap().is_empty());
    let table_chunk = front_end.serve_suite(
        "dash",
        "dash_table/async-table.v7_4_1m1784647820.js",
        &HeaderMap::new(),
    );
    assert_eq!(table_chunk.status(), StatusCode::OK);

    // plotly.js: plain URL, large, loaded on first request.
    assert_eq!(
        front_end.plotly_url("/app/"),
        "/app/_dash-component-suites/plotly/package_data/plotly.min.js"
    );
    let plotly = front_end.serve_suite("plotly", "package_data/plotly.min.js", &HeaderMap::new());
    assert_eq!(plotly.status(), StatusCode::OK);
    let plotly = body(plotly).await.unwrap();
    assert!(plotly.starts_with(b"/**\n* plotly.js v4.1.1"));

    // The cache is now complete: it works as an offline directory and verifies.
    let store = tree.path().join("frontend");
    let offline = FrontEndConfig {
        serve_locally: true,
        cache_dir: None,
        offline_dir: Some(store.clone()),
    };
    let again = FrontEnd::load(&offline).await.unwrap();
    assert_eq!(
        again.library_scripts("/", false),
        front_end.library_scripts("/", false)
    );
    for report in verify(&store) {
        assert!(
            report.result.is_ok(),
            "{}: {:?}",
            report.package,
            report.result
        );
    }
}
