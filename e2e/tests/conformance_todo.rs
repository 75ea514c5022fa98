//! Conformance: the `todo` example against its Python Dash 4.4.1 twin
//! (`conformance/python/todo.py`): pattern-matching ids (`MATCH` with concrete dict ids,
//! `ALL` input and state arrays), `Patch` appends and deletes, and an `allow_duplicate`
//! output.
//!
//! Same method as `conformance.rs` (see `dash_e2e::conformance_support`): `_dash-layout`
//! equal, `_dash-dependencies` equal entry by entry (matched by `output`, every field), and a
//! table of callback requests built exactly as dash-renderer builds them, whose answers must
//! agree (status, and parsed body for 200).
//!
//! Run: `cargo nextest run -p dash-e2e --test conformance_todo --no-capture`.

use dash_e2e::conformance_support::{
    arg, many, matched, output_with_prefix, prop_id, Case, Pair, Report,
};
use serde_json::{json, Value};

const ADD: &str = "..list.children...new-item.value..";
const STRIKE: &str = r#"{"index":["MATCH"],"type":"label"}.style"#;
const SUMMARY: &str = "summary.children";

fn id(kind: &str, index: u64) -> Value {
    json!({"type": kind, "index": index})
}

fn checked(on: bool) -> Value {
    if on {
        json!(["done"])
    } else {
        json!([])
    }
}

/// The `done` checklists of items `indices`, with their values.
fn done_items(items: &[(u64, bool)]) -> Vec<(Value, Value)> {
    items
        .iter()
        .map(|&(i, on)| (id("done", i), checked(on)))
        .collect()
}

#[test]
fn conformance_todo() {
    let pair = Pair::start("todo");
    let mut report = Report::new(format!("todo: Rust vs {}", pair.python_label));
    let deps = pair.layout_and_dependencies(&mut report, &[]);
    let clear = output_with_prefix(&deps, "list.children@");

    let add = |name: &str, n: Value, text: Value, status: u16| {
        Case::new(name, ADD)
            .inputs([arg(n)])
            .state([arg(text)])
            .changed(["add.n_clicks"])
            .expect(status)
    };
    let strike = |name: &str, index: u64, value: Value, initial: bool| {
        let case = Case::new(name, STRIKE)
            .outputs(json!({"id": id("label", index), "property": "style"}))
            .inputs([matched(id("done", index), value)]);
        if initial {
            case
        } else {
            case.changed([prop_id(&id("done", index), "value")])
        }
        .expect(200)
    };
    let summary = |name: &str, items: &[(u64, bool)], changed: Option<u64>| {
        Case::new(name, SUMMARY)
            .inputs([many(done_items(items))])
            .changed(changed.map(|i| prop_id(&id("done", i), "value")))
            .expect(200)
    };
    let clear_case = |name: &str, items: &[(u64, bool)]| {
        Case::new(name, clear.clone())
            .inputs([arg(json!(1))])
            .state([many(done_items(items))])
            .changed(["clear.n_clicks"])
            .expect(200)
    };

    let cases = [
        add("add: text, n_clicks 1", json!(1), json!("milk"), 200),
        add("add: text, n_clicks 2", json!(2), json!("eggs"), 200),
        add(
            "add: non-ASCII text",
            json!(3),
            json!("Zoë <b>&</b> \u{1F600}"),
            200,
        ),
        add("add: empty text (PreventUpdate)", json!(4), json!(""), 204),
        add("add: text null (PreventUpdate)", json!(5), Value::Null, 204),
        add("add: n_clicks null", Value::Null, json!("tea"), 200),
        strike("strike: initial call, unchecked", 1, checked(false), true),
        strike("strike: item 1 checked", 1, checked(true), false),
        strike("strike: item 1 unchecked", 1, checked(false), false),
        strike("strike: item 7 checked", 7, checked(true), false),
        strike("strike: value null", 2, Value::Null, false),
        summary("summary: 0 items (initial call)", &[], None),
        summary(
            "summary: 2 items, none checked",
            &[(1, false), (2, false)],
            None,
        ),
        summary(
            "summary: 3 items, 2 checked",
            &[(1, true), (2, false), (3, true)],
            Some(3),
        ),
        summary(
            "summary: 3 items, all checked",
            &[(1, true), (2, true), (3, true)],
            Some(2),
        ),
        clear_case(
            "clear: positions 0 and 2 checked",
            &[(1, true), (2, false), (3, true)],
        ),
        clear_case("clear: only position 1 checked", &[(4, false), (5, true)]),
        clear_case(
            "clear: nothing checked (empty Patch)",
            &[(1, false), (2, false)],
        ),
        clear_case("clear: no items", &[]),
    ];
    pair.run_cases(&deps, &cases, &mut report);
    report.finish();
}
