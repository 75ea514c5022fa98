//! Conformance: the `features` example (every callback feature of dash-rs) against its Python
//! Dash 4.4.1 twin (`conformance/python/features.py`).
//!
//! Compared: `_dash-layout`; `_dash-dependencies` entry by entry (matched by `output`, every
//! field: `allow_duplicate` hashes, the no-output key, `running` objects, clientside function
//! names, where the inline function is named by the SHA-256 of byte-identical JavaScript); the
//! index pages (the inline clientside function is defined under its hash, the assets script is
//! linked) and the served asset; and a table of callback requests per server callback, built
//! exactly as dash-renderer builds them, whose answers must agree (status, and parsed body for
//! 200). Clientside callbacks are never posted by dash-renderer, so they have no request cases.
//!
//! Run: `cargo nextest run -p dash-e2e --test conformance_features --no-capture`.

use dash_e2e::conformance_support::{
    absent, arg, many, matched, output_with_prefix, prop_id, Case, Pair, Report,
};
use serde_json::{json, Value};

const NAMES: &str = "..full.children...initials.children..";
const SUM: &str = "sum.children";
const STRIKE: &str = r#"{"index":["MATCH"],"type":"label"}.style"#;
const CUM: &str = r#"{"index":["MATCH"],"type":"cum"}.children"#;
const ECHO: &str = r#"{"index":["ALL"],"type":"out"}.children"#;
const FILLED: &str = "filled.children";
const SLOW: &str = "slow.children";
const SIDE: &str = "side-main.children";
const GUARD: &str = "guard-out.children";
const WHICH: &str = "which.data";
const PATCH: &str = "..patch-store.data...patch-list.children..";
const ADD_ITEM: &str = "items.children";
const RISKY: &str = "risky.children";
const QUIET: &str = "quiet.children";
/// The inline clientside function, byte-identical in both twins.
const UPPER_JS: &str = "function(value) { return (value || '').toUpperCase(); }";

fn id(kind: &str, index: u64) -> Value {
    json!({"type": kind, "index": index})
}

/// `(id, value)` pairs of components `kind` 0, 1, ... with `values`.
fn items(kind: &str, values: &[Value]) -> Vec<(Value, Value)> {
    values
        .iter()
        .enumerate()
        .map(|(i, value)| (id(kind, i as u64), value.clone()))
        .collect()
}

/// The `output` of the no-output callback whose first input is `prop`.
fn no_output_key(deps: &Value, prop: (&str, &str)) -> String {
    deps.as_array()
        .into_iter()
        .flatten()
        .find(|d| {
            d["no_output"] == true
                && d["inputs"][0]["id"] == prop.0
                && d["inputs"][0]["property"] == prop.1
        })
        .and_then(|d| d["output"].as_str())
        .unwrap_or_else(|| panic!("the Python twin has no no-output callback on {prop:?}"))
        .to_owned()
}

fn cases(deps: &Value) -> Vec<Case> {
    let names = |name: &str, first: Value, last: Value, sep: Value, initial: bool| {
        let case = Case::new(name, NAMES)
            .inputs([arg(first), arg(last)])
            .state([arg(sep)]);
        if initial {
            case
        } else {
            case.changed(["first.value"])
        }
        .expect(200)
    };
    let sum = |name: &str, x: Value, y: Value, go: Value, changed: &str| {
        Case::new(name, SUM)
            .inputs([arg(x), arg(y), arg(go)])
            .changed([changed].into_iter().filter(|c| !c.is_empty()))
            .expect(200)
    };
    let strike = |name: &str, index: u64, done: Value, before: &[Value]| {
        Case::new(name, STRIKE)
            .outputs(json!({"id": id("label", index), "property": "style"}))
            .inputs([matched(id("done", index), done)])
            .state([many(items("done", before))])
            .changed([prop_id(&id("done", index), "value")])
            .expect(200)
    };
    let cum = |name: &str, index: u64, this: Value, earlier: &[Value]| {
        Case::new(name, CUM)
            .outputs(json!({"id": id("cum", index), "property": "children"}))
            .inputs([matched(id("num", index), this), many(items("num", earlier))])
            .changed([prop_id(&id("num", index), "value")])
            .expect(200)
    };
    let echo = |name: &str, values: &[Value]| {
        let outputs: Vec<Value> = (0..values.len())
            .map(|i| json!({"id": id("out", i as u64), "property": "children"}))
            .collect();
        let changed: Vec<String> = (0..values.len().min(1))
            .map(|i| prop_id(&id("in", i as u64), "value"))
            .collect();
        Case::new(name, ECHO)
            .outputs(Value::Array(outputs))
            .inputs([many(items("in", values))])
            .changed(changed)
            .expect(200)
    };
    let filled = |name: &str, values: &[Value]| {
        Case::new(name, FILLED)
            .inputs([arg(json!(1))])
            .state([many(items("in", values))])
            .changed(["count-btn.n_clicks"])
            .expect(200)
    };
    let ping_key = no_output_key(deps, ("ping", "n_clicks"));
    let ping = |name: &str, n: Value, status: u16| {
        Case::new(name, ping_key.clone())
            .inputs([arg(n)])
            .changed(["ping.n_clicks"])
            .expect(status)
    };
    let one = |name: &str, output: &str, value: Value, prop: &str, status: u16| {
        Case::new(name, output)
            .inputs([arg(value)])
            .changed([prop])
            .expect(status)
    };
    let clear_items = output_with_prefix(deps, "items.children@");

    vec![
        // Named inputs, state and outputs.
        names(
            "named: initial call",
            json!("Ada"),
            json!("Lovelace"),
            json!(" "),
            true,
        ),
        names(
            "named: separator _",
            json!("Grace"),
            json!("Hopper"),
            json!("_"),
            false,
        ),
        names(
            "named: empty last name, initials no_update",
            json!("Ada"),
            json!(""),
            json!(" "),
            false,
        ),
        names(
            "named: separator null (default)",
            json!("Émile"),
            json!("Zoë"),
            Value::Null,
            false,
        ),
        names(
            "named: everything null",
            Value::Null,
            Value::Null,
            Value::Null,
            false,
        ),
        Case::new("named: last name undefined", NAMES)
            .inputs([arg(json!("Ada")), absent()])
            .state([arg(json!("-"))])
            .changed(["first.value"])
            .expect(200),
        // A tuple group and a trigger.
        sum(
            "grouped: initial call (1, 2)",
            json!(1),
            json!(2),
            json!(0),
            "",
        ),
        sum(
            "grouped: trigger clicked (2, 40)",
            json!(2),
            json!(40),
            json!(1),
            "go.n_clicks",
        ),
        sum(
            "grouped: x null",
            Value::Null,
            json!(5),
            json!(2),
            "x.value",
        ),
        sum(
            "grouped: negative",
            json!(-7),
            json!(3),
            Value::Null,
            "y.value",
        ),
        // MATCH output and input, ALLSMALLER state.
        strike(
            "MATCH/ALLSMALLER state: item 0, none before",
            0,
            json!([]),
            &[],
        ),
        strike(
            "MATCH/ALLSMALLER state: item 2 checked, 2 before",
            2,
            json!(["done"]),
            &[json!([]), json!(["done"])],
        ),
        strike(
            "MATCH/ALLSMALLER state: value null",
            1,
            Value::Null,
            &[json!(["done"])],
        ),
        // MATCH and ALLSMALLER inputs.
        cum("ALLSMALLER input: index 0", 0, json!(1), &[]),
        cum(
            "ALLSMALLER input: index 2",
            2,
            json!(3),
            &[json!(1), json!(2)],
        ),
        cum(
            "ALLSMALLER input: nulls skipped",
            2,
            Value::Null,
            &[Value::Null, json!(10)],
        ),
        // ALL input and ALL output.
        echo("ALL output: 2 matches", &[json!("a"), json!("b")]),
        echo(
            "ALL output: null element is no_update",
            &[json!("a"), Value::Null, json!("")],
        ),
        echo("ALL output: 0 matches", &[]),
        echo(
            "ALL output: every element no_update",
            &[Value::Null, Value::Null],
        ),
        // The callback context: triggered_id of an ALL input.
        Case::new("callback context: initial call, no trigger", WHICH)
            .inputs([many(items("pick", &[json!(0), json!(0)]))])
            .expect(200),
        Case::new("callback context: triggered_id is the dict id", WHICH)
            .inputs([many(items("pick", &[json!(0), json!(1)]))])
            .changed([prop_id(&id("pick", 1), "n_clicks")])
            .expect(200),
        // ALL state.
        filled("ALL state: 1 of 2 filled", &[json!("x"), json!("")]),
        filled("ALL state: none", &[]),
        filled("ALL state: null values", &[Value::Null, json!("y")]),
        // running (the server just runs the callback).
        one("running: clicked", SLOW, json!(3), "run.n_clicks", 200),
        one(
            "running: n_clicks null",
            SLOW,
            Value::Null,
            "run.n_clicks",
            200,
        ),
        // No outputs, set_props.
        ping("no output: odd click sets props", json!(1), 200),
        ping("no output: even click, nothing set (204)", json!(2), 204),
        ping("no output: n_clicks null (204)", Value::Null, 204),
        // set_props beside an output.
        one(
            "set_props beside output",
            SIDE,
            json!("q"),
            "side-in.value",
            200,
        ),
        one(
            "set_props beside output, value null",
            SIDE,
            Value::Null,
            "side-in.value",
            200,
        ),
        // PreventUpdate after set_props: the side updates are dropped too.
        one(
            "set_props then no PreventUpdate",
            GUARD,
            json!("go"),
            "guard-in.value",
            200,
        ),
        one(
            "set_props then PreventUpdate (204)",
            GUARD,
            json!("stop"),
            "guard-in.value",
            204,
        ),
        // Patch with every operation.
        one(
            "Patch: every operation, n 2",
            PATCH,
            json!(2),
            "patch-btn.n_clicks",
            200,
        ),
        one(
            "Patch: every operation, n null",
            PATCH,
            Value::Null,
            "patch-btn.n_clicks",
            200,
        ),
        // allow_duplicate.
        one(
            "Patch: append then Add at [0, props, children]",
            ADD_ITEM,
            json!(3),
            "add-item.n_clicks",
            200,
        ),
        one(
            "PreventUpdate: n_clicks null",
            ADD_ITEM,
            Value::Null,
            "add-item.n_clicks",
            204,
        ),
        Case::new("allow_duplicate: clear", clear_items)
            .inputs([arg(json!(1))])
            .changed(["clear-items.n_clicks"])
            .expect(200),
        // on_error.
        one(
            "on_error: no error",
            RISKY,
            json!("fine"),
            "risky-in.value",
            200,
        ),
        one(
            "on_error: raised error -> handler value + set_props",
            RISKY,
            json!("err"),
            "risky-in.value",
            200,
        ),
        one(
            "on_error: exception / panic -> handler value",
            RISKY,
            json!("panic"),
            "risky-in.value",
            200,
        ),
        one(
            "on_error: value null",
            RISKY,
            Value::Null,
            "risky-in.value",
            200,
        ),
        one(
            "on_error: PreventUpdate bypasses the handler (204)",
            RISKY,
            json!("stop"),
            "risky-in.value",
            204,
        ),
        one(
            "on_error returns None: no error",
            QUIET,
            json!("x"),
            "quiet-in.value",
            200,
        ),
        one(
            "on_error returns None: error -> only set_props",
            QUIET,
            json!("err"),
            "quiet-in.value",
            200,
        ),
    ]
}

/// Every `src` of a `<script>` tag under `/assets/`, split at `?`.
fn asset_scripts(html: &str) -> Vec<(String, String)> {
    html.match_indices("<script src=\"")
        .filter_map(|(start, tag)| {
            let rest = &html[start + tag.len()..];
            let src = &rest[..rest.find('"')?];
            let (path, query) = src.split_once('?').unwrap_or((src, ""));
            path.contains("/assets/")
                .then(|| (path.to_owned(), query.to_owned()))
        })
        .collect()
}

fn index_and_assets(pair: &Pair, deps: &Value, report: &mut Report) {
    let python_index = pair.python.get("/").text();
    let rust_index = pair.rust.get("/").text();
    let upper = deps
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["output"] == "upper.children")
        .expect("the Python twin lists upper.children");
    let hash = upper["clientside_function"]["function_name"]
        .as_str()
        .expect("an inline clientside function name")
        .to_owned();
    let defines = |html: &str| json!(html.contains(&hash) && html.contains(UPPER_JS));
    report.check(
        "index: inline clientside function defined under its hash",
        &defines(&python_index),
        &defines(&rust_index),
    );
    let (python_scripts, rust_scripts) = (asset_scripts(&python_index), asset_scripts(&rust_index));
    let paths = |s: &[(String, String)]| json!(s.iter().map(|(p, _)| p).collect::<Vec<_>>());
    report.check(
        "index: asset scripts linked",
        &paths(&python_scripts),
        &paths(&rust_scripts),
    );
    report.notes.push(format!(
        "asset script cache busters (not compared): Python {:?}, Rust {:?}",
        python_scripts.iter().map(|(_, q)| q).collect::<Vec<_>>(),
        rust_scripts.iter().map(|(_, q)| q).collect::<Vec<_>>()
    ));
    let (python_js, rust_js) = (
        pair.python.get("/assets/features.js"),
        pair.rust.get("/assets/features.js"),
    );
    report.check(
        "GET /assets/features.js (status, same bytes)",
        &json!([python_js.status, true]),
        &json!([rust_js.status, rust_js.body == python_js.body]),
    );
}

#[test]
fn conformance_features() {
    let pair = Pair::start("features");
    let mut report = Report::new(format!("features: Rust vs {}", pair.python_label));
    let deps = pair.layout_and_dependencies(&mut report, &[]);
    index_and_assets(&pair, &deps, &mut report);
    pair.run_cases(&deps, &cases(&deps), &mut report);
    report.finish();
}
