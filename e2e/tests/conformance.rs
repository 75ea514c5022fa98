//! Conformance: each Rust example app against its Python Dash 4.4.1 twin
//! (`conformance/python/<app>.py`).
//!
//! Both servers get the same requests and their answers are compared as **parsed** JSON
//! (the renderer `JSON.parse`s everything, so key order and escaping do not matter):
//!
//! - `GET /`: the `_dash-config` fields that steer dash-renderer (see
//!   `conformance_support::CONFIG_FIELDS`) are equal, and both pages carry an `end_id`.
//! - `GET /_dash-layout`: equal JSON, both `application/json`.
//! - `GET /_dash-dependencies`: compared as a **set** of entries keyed by `output`, every field
//!   of every entry compared. Order is not compared: Python lists callbacks in registration
//!   order, dash-rs gathers them with `inventory`, whose iteration order is unspecified, and
//!   dash-renderer builds a dependency graph from the list, so order does not change what it
//!   does. A different order is printed as a note.
//! - `POST /_dash-update-component`: a table of requests built exactly as dash-renderer builds
//!   them (§5.2 of the protocol notes) from the Python twin's dependency list: `output`,
//!   `outputs` (an object for one output, an array for several), `inputs`, `state` (only when
//!   the callback has State), `changedPropIds`, `parsedChangedPropsIds`, and `?endId=` from
//!   each server's own `_dash-config`. Status codes must be equal and, for 200, the bodies
//!   equal. Numbers are compared by value (`4.0` equals `4`, as after `JSON.parse`); when
//!   only their textual form differs the table says so.
//! - Bad input that dash-renderer never sends (malformed JSON, a non-JSON content type,
//!   unknown output, outputs or inputs not matching the callback, values of the wrong type).
//!   Python answers most of these with a bare 500; dash-rs deliberately answers a precise 4xx
//!   (the client's request is wrong, not the server). For these cases the test asserts that
//!   Rust answers 4xx (and the same status where Python itself answers 4xx) and prints
//!   Python's status for the record, instead of comparing.
//!
//! Run: `cargo nextest run -p dash-e2e conformance --no-capture` to see the tables (they are
//! printed on failure anyway). The Python venv is created on first use by
//! `scripts/setup-python`. `DASH_CONFORMANCE_BACKEND=fastapi` compares against Dash's FastAPI
//! backend instead of Flask.

use dash_e2e::conformance_support::{
    compare, raw_number, request_body, serialize, status_text, v, Arg, Case, Pair, Report, Val,
    Verdict,
};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// Callback requests

/// A request to the callback `output` with plain (string-id) inputs and state, as the
/// renderer sends it.
fn case(
    name: &str,
    output: &str,
    inputs: Vec<Val>,
    state: Vec<Val>,
    changed: Vec<&'static str>,
) -> Case {
    Case::new(name, output)
        .inputs(inputs.into_iter().map(Arg::Plain))
        .state(state.into_iter().map(Arg::Plain))
        .changed(changed)
}

// ---------------------------------------------------------------------------------------
// Bad input

/// A request dash-renderer never sends.
struct BadCase {
    name: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

fn bad(name: &'static str, body: Value) -> BadCase {
    BadCase {
        name,
        content_type: "application/json",
        body: body.to_string().into_bytes(),
    }
}

fn run_bad_cases(pair: &Pair, cases: &[BadCase], report: &mut Report) {
    for case in cases {
        let python = pair.python.post(case.content_type, &case.body);
        let rust = pair.rust.post(case.content_type, &case.body);
        let rust_4xx = (400..500).contains(&rust.status);
        let python_4xx = (400..500).contains(&python.status);
        let ok = rust_4xx && (!python_4xx || python.status == rust.status);
        let verdict = match (ok, python_4xx) {
            (false, _) => "WRONG",
            (true, true) => "same 4xx",
            (true, false) => "Rust 4xx (documented difference)",
        };
        if !ok {
            report.failures.push(format!(
                "{} (bad input): Rust must answer {}\n  request: POST /_dash-update-component \
                 (Content-Type: {}) {}\n  Python:  {}\n  Rust:    {}",
                case.name,
                if python_4xx {
                    format!("{} like Python", python.status)
                } else {
                    "a 4xx".to_owned()
                },
                case.content_type,
                String::from_utf8_lossy(&case.body),
                status_text(&python),
                status_text(&rust)
            ));
        }
        report.row(
            case.name,
            &python.status.to_string(),
            &rust.status.to_string(),
            verdict,
        );
    }
}

// ---------------------------------------------------------------------------------------
// The tests

#[test]
fn conformance_hello() {
    let pair = Pair::start("hello");
    let mut report = Report::new(format!("hello: Rust vs {}", pair.python_label));
    let deps = pair.layout_and_dependencies(&mut report, &[]);
    let greet = |name: &'static str, value: Val, changed: Vec<&'static str>| {
        case(name, "greeting.children", vec![value], vec![], changed)
    };
    let clicks = |name: &'static str, n: Val, who: Val, changed: Vec<&'static str>| {
        case(name, "clicks.children", vec![n], vec![who], changed)
    };
    let cases = [
        greet("greeting, initial call", v(json!("world")), vec![]),
        greet("greeting, typed name", v(json!("Ada")), vec!["name.value"]),
        greet("greeting, empty string", v(json!("")), vec!["name.value"]),
        greet("greeting, value null", v(Value::Null), vec!["name.value"]),
        greet("greeting, value absent", Val::Absent, vec![]),
        greet(
            "greeting, non-ASCII and markup",
            v(json!("Zoë \u{1F600} <b>&</b> \"q\" /")),
            vec!["name.value"],
        ),
        clicks(
            "clicks, initial call",
            v(json!(0)),
            v(json!("world")),
            vec![],
        ),
        clicks(
            "clicks, clicked",
            v(json!(3)),
            v(json!("Ada")),
            vec!["btn.n_clicks"],
        ),
        clicks(
            "clicks, n_clicks absent",
            Val::Absent,
            v(json!("world")),
            vec![],
        ),
        clicks(
            "clicks, n_clicks null, name null",
            v(Value::Null),
            v(Value::Null),
            vec!["btn.n_clicks"],
        ),
        clicks(
            "clicks, state absent",
            v(json!(1)),
            Val::Absent,
            vec!["btn.n_clicks"],
        ),
        clicks(
            "clicks, empty name",
            v(json!(7)),
            v(json!("")),
            vec!["btn.n_clicks"],
        ),
    ];
    pair.run_cases(&deps, &cases, &mut report);
    report.finish();
}

#[test]
fn conformance_calc() {
    let pair = Pair::start("calc");
    let mut report = Report::new(format!("calc: Rust vs {}", pair.python_label));
    let deps = pair.layout_and_dependencies(&mut report, &[]);
    let powers_out = "..square.children...cube.children..";
    let powers = |name: &'static str, num: Val, changed: Vec<&'static str>| {
        case(name, powers_out, vec![num], vec![], changed)
    };
    let parity = |name: &'static str, num: Val| {
        case(
            name,
            "parity.children",
            vec![num],
            vec![],
            vec!["num.value"],
        )
    };
    // Numbers as JSON.stringify writes them: 2^65 is "36893488147419103000", 1e200 "1e+200".
    let huge_int = raw_number("36893488147419103000");
    let huge_float = raw_number("1e+200");
    let cases = [
        powers("powers, initial call (3)", v(json!(3)), vec![]),
        powers("powers, zero", v(json!(0)), vec!["num.value"]),
        powers("powers, 12", v(json!(12)), vec!["num.value"]),
        powers(
            "powers, negative (-2): square no_update",
            v(json!(-2)),
            vec!["num.value"],
        ),
        powers("powers, float (2.5)", v(json!(2.5)), vec!["num.value"]),
        powers(
            "powers, negative float (-1.5)",
            v(json!(-1.5)),
            vec!["num.value"],
        ),
        powers(
            "powers, value null: prevent update",
            v(Value::Null),
            vec!["num.value"],
        ),
        powers("powers, value absent: prevent update", Val::Absent, vec![]),
        powers(
            "powers, 10000000 (cube beyond i64)",
            v(json!(10_000_000)),
            vec!["num.value"],
        ),
        powers(
            "powers, 2^65 as the renderer writes it",
            huge_int.clone(),
            vec!["num.value"],
        ),
        powers(
            "powers, 1e+200 (square overflows a double)",
            huge_float,
            vec!["num.value"],
        ),
        case(
            "parity, initial call (3)",
            "parity.children",
            vec![v(json!(3))],
            vec![],
            vec![],
        ),
        parity("parity, 4", v(json!(4))),
        parity("parity, 0", v(json!(0))),
        parity("parity, negative odd (-3)", v(json!(-3))),
        parity("parity, non-integer (2.5): no_update", v(json!(2.5))),
        parity("parity, value null: no_update", v(Value::Null)),
        parity("parity, value absent: no_update", Val::Absent),
        parity("parity, 2^65 as the renderer writes it", huge_int),
    ];
    pair.run_cases(&deps, &cases, &mut report);
    report.finish();
}

#[test]
fn conformance_bad_input() {
    let pair = Pair::start("hello");
    let mut report = Report::new(format!(
        "hello, bad input (never sent by dash-renderer): Rust vs {}",
        pair.python_label
    ));
    let greeting = |inputs: Value| {
        json!({
            "output": "greeting.children",
            "outputs": {"id": "greeting", "property": "children"},
            "inputs": inputs,
            "changedPropIds": [],
            "parsedChangedPropsIds": [],
        })
    };
    let name_input = json!([{"id": "name", "property": "value", "value": "Ada"}]);
    let cases = [
        BadCase {
            name: "malformed JSON",
            content_type: "application/json",
            body: br#"{"output": "greeting.children", "inputs": ["#.to_vec(),
        },
        BadCase {
            name: "JSON body sent as text/plain",
            content_type: "text/plain",
            body: greeting(name_input.clone()).to_string().into_bytes(),
        },
        bad(
            "unknown output",
            json!({
                "output": "nope.children",
                "outputs": {"id": "nope", "property": "children"},
                "inputs": name_input,
                "changedPropIds": [],
                "parsedChangedPropsIds": [],
            }),
        ),
        bad(
            "outputs do not match the callback",
            json!({
                "output": "greeting.children",
                "outputs": {"id": "clicks", "property": "children"},
                "inputs": name_input,
                "changedPropIds": [],
                "parsedChangedPropsIds": [],
            }),
        ),
        bad("no inputs for a 1-input callback", greeting(json!([]))),
        bad(
            "two inputs for a 1-input callback",
            greeting(json!([
                {"id": "name", "property": "value", "value": "Ada"},
                {"id": "name", "property": "value", "value": "Bob"},
            ])),
        ),
        bad(
            "`inputs` key missing",
            json!({
                "output": "greeting.children",
                "outputs": {"id": "greeting", "property": "children"},
                "changedPropIds": [],
                "parsedChangedPropsIds": [],
            }),
        ),
        bad(
            "name.value is a number (42)",
            greeting(json!([{"id": "name", "property": "value", "value": 42}])),
        ),
        bad(
            "n_clicks is a string",
            json!({
                "output": "clicks.children",
                "outputs": {"id": "clicks", "property": "children"},
                "inputs": [{"id": "btn", "property": "n_clicks", "value": "three"}],
                "state": [{"id": "name", "property": "value", "value": "Ada"}],
                "changedPropIds": ["btn.n_clicks"],
                "parsedChangedPropsIds": ["btn.n_clicks"],
            }),
        ),
    ];
    run_bad_cases(&pair, &cases, &mut report);
    report.notes.push(
        "Python answers 500 where its callback machinery raises (and 200 \"Hello, 42!\" for a \
         numeric name, since an f-string formats anything); dash-rs answers 4xx because the \
         request, not the server, is at fault"
            .to_owned(),
    );
    report.finish();
}

#[test]
fn request_bodies_are_built_like_the_renderer() {
    let deps = json!([
        {"output": "..a.children...b.children..", "inputs": [{"id": "n", "property": "value"}],
         "state": []},
        {"output": "c.children", "inputs": [{"id": "n", "property": "value"}],
         "state": [{"id": "m", "property": "value"}]},
    ]);
    let multi = case(
        "multi",
        "..a.children...b.children..",
        vec![raw_number("36893488147419103000")],
        vec![],
        vec!["n.value"],
    );
    // Keys come out sorted: serde_json is built without `preserve_order` (key order is not
    // part of the protocol).
    assert_eq!(
        serialize(&request_body(&deps, &multi)),
        r#"{"changedPropIds":["n.value"],"inputs":[{"id":"n","property":"value","value":36893488147419103000}],"output":"..a.children...b.children..","outputs":[{"id":"a","property":"children"},{"id":"b","property":"children"}],"parsedChangedPropsIds":["n.value"]}"#
    );
    let single = case(
        "single",
        "c.children",
        vec![Val::Absent],
        vec![v(Value::Null)],
        vec![],
    );
    assert_eq!(
        request_body(&deps, &single),
        json!({"output": "c.children", "outputs": {"id": "c", "property": "children"},
               "inputs": [{"id": "n", "property": "value"}],
               "state": [{"id": "m", "property": "value", "value": null}],
               "changedPropIds": [], "parsedChangedPropsIds": []})
    );
}

#[test]
fn numbers_compare_by_value() {
    let four_float: Value = serde_json::from_str("4.0").expect("JSON");
    assert_eq!(compare(&json!({"a": 4}), &json!({"a": 4})), Verdict::Same);
    assert_eq!(
        compare(&json!({"a": 4}), &json!({"a": four_float})),
        Verdict::SameValue
    );
    assert!(matches!(
        compare(&json!([1]), &json!([2])),
        Verdict::Differ(_)
    ));
    assert!(matches!(
        compare(&json!({"a": 1}), &json!({"b": 1})),
        Verdict::Differ(_)
    ));
}
