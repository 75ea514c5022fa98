//! Conformance: the `gallery` example (dash-bootstrap-components, dash-mantine-components and
//! dash-ag-grid from their generated crates) against its Python Dash 4.4.1 twin using the same
//! three packages (`conformance/python/gallery.py`).
//!
//! Compared: `_dash-config` (`children_props` of the three libraries included), the layout,
//! `_dash-dependencies`, the index page's scripts and stylesheets in order (fingerprints
//! stripped: Python stamps files with their modification time, dash-rs with the pinned
//! wheel's hash), the library files both serve (same bytes), the Bootstrap theme (a CDN link
//! in Python, the same npm file served by dash-rs), and the answers to each callback, the
//! grid's infinite-row-model blocks (sorted, filtered, paged) included.
//!
//! Run: `cargo nextest run -p dash-e2e --test conformance_gallery --no-capture`.

use dash_e2e::conformance_support::{arg, Case, Pair, Report};
use serde_json::{json, Value};

/// `<ns>/<path>` of every `_dash-component-suites` URL in `attr="..."` of `html`, in order,
/// with the fingerprint (`.v<version>m<stamp>`) taken out of the file name.
fn suite_files(html: &str, attr: &str) -> Vec<String> {
    let marker = format!("{attr}=\"");
    html.match_indices(&marker)
        .filter_map(|(start, _)| {
            let rest = &html[start + marker.len()..];
            let url = &rest[..rest.find('"')?];
            let (_, suite) = url.split_once("_dash-component-suites/")?;
            Some(unfingerprint(suite))
        })
        .collect()
}

fn unfingerprint(path: &str) -> String {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let parts: Vec<&str> = name.split('.').collect();
    let is_stamp = |p: &str| {
        p.strip_prefix('v')
            .and_then(|rest| rest.rsplit_once('m'))
            .is_some_and(|(version, stamp)| {
                !version.is_empty()
                    && !stamp.is_empty()
                    && stamp.chars().all(|c| c.is_ascii_hexdigit())
            })
    };
    let kept: Vec<&str> = parts
        .iter()
        .enumerate()
        .filter(|(i, p)| !(*i == 1 && parts.len() > 2 && is_stamp(p)))
        .map(|(_, p)| *p)
        .collect();
    format!("{dir}/{}", kept.join("."))
}

#[test]
fn fingerprints_come_out() {
    assert_eq!(
        unfingerprint("dash/deps/polyfill@7.v4_4_1m1598710481.12.1.min.js"),
        "dash/deps/polyfill@7.12.1.min.js"
    );
    assert_eq!(
        unfingerprint("dash_mantine_components/dash_mantine_components.v2_8_1m1700000000.js"),
        "dash_mantine_components/dash_mantine_components.js"
    );
    assert_eq!(
        unfingerprint("dash/dcc/async-graph.js"),
        "dash/dcc/async-graph.js"
    );
}

fn block(name: &str, request: Value) -> Case {
    Case::new(name, "grid.getRowsResponse")
        .inputs([arg(request)])
        .changed(["grid.getRowsRequest"])
}

#[test]
fn conformance_gallery() {
    let pair = Pair::start("gallery");
    let mut report = Report::new(format!(
        "gallery (dbc, dmc, dag): Rust vs {}",
        pair.python_label
    ));
    // The AG Grid helper comes from dash-dataframe, whose DataFrame All-in-One registers its
    // callbacks wherever the crate is linked (they match no component of this layout).
    let deps = pair.layout_and_dependencies_linked(
        &mut report,
        &[],
        &[(
            "DataFrameAIO",
            "linked: dash-dataframe's All-in-One callbacks",
        )],
    );

    let (python_index, rust_index) = (pair.python.get("/").text(), pair.rust.get("/").text());
    let files = |html: &str, attr: &str| json!(suite_files(html, attr));
    report.check(
        "index: scripts, in order",
        &files(&python_index, "src"),
        &files(&rust_index, "src"),
    );
    // The theme: Python links dbc.themes.BOOTSTRAP from a CDN, dash-rs serves the same file
    // of the same npm package (bootstrap@5.3.6) itself.
    let rust_css = suite_files(&rust_index, "href");
    let (themes, libraries): (Vec<String>, Vec<String>) =
        rust_css.into_iter().partition(|f| f.contains("/themes/"));
    report.check(
        "index: the Bootstrap theme (Python: CDN, Rust: served)",
        &json!(python_index.contains("bootstrap@5.3.6/dist/css/bootstrap.min.css")),
        &json!(themes == ["dash_bootstrap_components/themes/bootstrap@5.3.6/bootstrap.min.css"]),
    );
    report.check(
        "index: library stylesheets, in order",
        &files(&python_index, "href"),
        &json!(libraries),
    );
    let theme = pair
        .rust
        .get("/_dash-component-suites/dash_bootstrap_components/themes/bootstrap@5.3.6/bootstrap.min.css");
    report.check(
        "GET the served theme (status, CSS)",
        &json!([200, true]),
        &json!([
            theme.status,
            theme
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/css"))
        ]),
    );
    for (ns, path) in [
        (
            "dash_bootstrap_components",
            "_components/dash_bootstrap_components.min.js",
        ),
        ("dash_ag_grid", "async-community.js"),
        ("dash_mantine_components", "dash_mantine_components.js"),
    ] {
        let url = format!("/_dash-component-suites/{ns}/{path}");
        let (python, rust) = (pair.python.get(&url), pair.rust.get(&url));
        report.check(
            &format!("GET {url} (status, same bytes)"),
            &json!([python.status, true]),
            &json!([rust.status, rust.body == python.body]),
        );
    }

    let unsorted = json!({"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}});
    let cases = [
        Case::new("modal opens", "modal.is_open")
            .inputs([arg(json!(1))])
            .state([arg(json!(false))])
            .changed(["open.n_clicks"]),
        Case::new("modal closes", "modal.is_open")
            .inputs([arg(json!(2))])
            .state([arg(json!(true))])
            .changed(["open.n_clicks"]),
        Case::new("alert counts saves", "alert.children")
            .inputs([arg(json!(3))])
            .changed(["save.n_clicks"]),
        Case::new("fruit, none chosen", "fruit-out.children")
            .inputs([arg(Value::Null)])
            .changed(Vec::<String>::new()),
        Case::new("fruit, Banana", "fruit-out.children")
            .inputs([arg(json!("Banana"))])
            .changed(["fruit.value"]),
        block("grid, first block", unsorted),
        block(
            "grid, second block",
            json!({"startRow": 100, "endRow": 200, "sortModel": [], "filterModel": {}}),
        ),
        block(
            "grid, score descending",
            json!({"startRow": 0, "endRow": 100,
                   "sortModel": [{"colId": "score", "sort": "desc"}], "filterModel": {}}),
        ),
        block(
            "grid, score > 99",
            json!({"startRow": 0, "endRow": 100, "sortModel": [],
                   "filterModel": {"score": {"filterType": "number", "type": "greaterThan",
                                             "filter": 99}}}),
        ),
        block(
            "grid, score <= 3 by id descending, second block",
            json!({"startRow": 100, "endRow": 200,
                   "sortModel": [{"colId": "id", "sort": "desc"}],
                   "filterModel": {"score": {"filterType": "number",
                                             "type": "lessThanOrEqual", "filter": 3}}}),
        ),
        Case::new("selected, none", "grid-selected.children")
            .inputs([arg(Value::Null)])
            .changed(Vec::<String>::new()),
        Case::new("selected, one row", "grid-selected.children")
            .inputs([arg(json!([{"id": 7, "name": "row 7", "score": 57}]))])
            .changed(["grid.selectedRows"]),
    ];
    pair.run_cases(&deps, &cases, &mut report);
    report.finish();
}
