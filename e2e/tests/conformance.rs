//! Conformance: each Rust example app against its Python Dash 4.4.1 twin
//! (`conformance/python/<app>.py`).
//!
//! Both servers get the same requests and their answers are compared as **parsed** JSON
//! (the renderer `JSON.parse`s everything, so key order and escaping do not matter):
//!
//! - `GET /`: the `_dash-config` fields that steer dash-renderer (see `CONFIG_FIELDS`) are
//!   equal, and both pages carry an `end_id`.
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

use std::fmt::Write as _;
use std::time::Duration;

use dash_e2e::app::RunningApp;
use dash_e2e::http::{self, Response};
use dash_e2e::python::{PythonServer, PythonTwin};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// Servers

/// One server under comparison.
struct Server {
    base: String,
    end_id: Option<String>,
    /// The index page's `_dash-config` (`Null` when there is none).
    config: Value,
}

impl Server {
    fn new(base: String) -> Self {
        let index = http::get(&format!("{base}/"), TIMEOUT)
            .unwrap_or_else(|e| panic!("GET {base}/ failed: {e}"));
        let config = dash_config(&index.text()).unwrap_or(Value::Null);
        let end_id = config
            .get("end_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Server {
            base,
            end_id,
            config,
        }
    }

    fn get(&self, path: &str) -> Response {
        http::get(&format!("{}{path}", self.base), TIMEOUT)
            .unwrap_or_else(|e| panic!("GET {}{path} failed: {e}", self.base))
    }

    /// The URL dash-renderer posts callbacks to.
    fn update_url(&self) -> String {
        match &self.end_id {
            Some(end_id) => format!("{}/_dash-update-component?endId={end_id}", self.base),
            None => format!("{}/_dash-update-component", self.base),
        }
    }

    fn post(&self, content_type: &str, body: &[u8]) -> Response {
        let url = self.update_url();
        http::request("POST", &url, Some((content_type, body)), TIMEOUT)
            .unwrap_or_else(|e| panic!("POST {url} failed: {e}"))
    }
}

/// The JSON of the `<script id="_dash-config">` tag of an index page.
fn dash_config(html: &str) -> Option<Value> {
    let tag = html.find("id=\"_dash-config\"")?;
    let start = tag + html[tag..].find('>')? + 1;
    let end = start + html[start..].find("</script>")?;
    serde_json::from_str(&html[start..end]).ok()
}

/// The Rust example and its Python twin, both running.
struct Pair {
    rust: Server,
    python: Server,
    python_label: String,
    // Dropping these stops the servers.
    _rust_app: RunningApp,
    _python_app: PythonTwin,
}

fn start_pair(app: &str) -> Pair {
    let server = match std::env::var("DASH_CONFORMANCE_BACKEND").as_deref() {
        Ok("fastapi") => PythonServer::FastApiDev,
        _ => PythonServer::FlaskDev,
    };
    let python_app = PythonTwin::start(app, server)
        .unwrap_or_else(|e| panic!("cannot start the Python twin of {app}: {e}"));
    let rust_app = RunningApp::start(app)
        .unwrap_or_else(|e| panic!("cannot start the Rust example {app}: {e}"));
    Pair {
        rust: Server::new(rust_app.url()),
        python: Server::new(python_app.url()),
        python_label: format!("Python ({server})"),
        _rust_app: rust_app,
        _python_app: python_app,
    }
}

// ---------------------------------------------------------------------------------------
// JSON comparison

/// How two parsed JSON values compare.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Identical.
    Same,
    /// Equal after `JSON.parse` (numbers by value), but some number is written differently.
    SameValue,
    /// Different; the text says where.
    Differ(String),
}

fn compare(python: &Value, rust: &Value) -> Verdict {
    if python == rust {
        return Verdict::Same;
    }
    let mut diffs = Vec::new();
    diff("$", python, rust, &mut diffs);
    if diffs.is_empty() {
        Verdict::SameValue
    } else {
        Verdict::Differ(diffs.join("; "))
    }
}

/// Collects the paths where `a` (Python) and `b` (Rust) differ in value.
fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let same = match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(i), Some(j), _, _) => i == j,
                (_, _, Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            };
            if !same {
                out.push(format!("{path}: Python {x}, Rust {y}"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                match y.get(key) {
                    Some(other) => diff(&format!("{path}.{key}"), value, other, out),
                    None => out.push(format!("{path}.{key}: only in Python ({value})")),
                }
            }
            for (key, value) in y {
                if !x.contains_key(key) {
                    out.push(format!("{path}.{key}: only in Rust ({value})"));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, r)) in x.iter().zip(y).enumerate() {
                diff(&format!("{path}[{i}]"), p, r, out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: Python {a}, Rust {b}")),
    }
}

// ---------------------------------------------------------------------------------------
// The report

/// One line of the printed table, and what went wrong if anything.
struct Report {
    title: String,
    rows: Vec<(String, String, String, String)>,
    failures: Vec<String>,
    notes: Vec<String>,
}

impl Report {
    fn new(title: impl Into<String>) -> Self {
        Report {
            title: title.into(),
            rows: Vec::new(),
            failures: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn row(&mut self, case: &str, python: &str, rust: &str, verdict: &str) {
        self.rows.push((
            case.to_owned(),
            python.to_owned(),
            rust.to_owned(),
            verdict.to_owned(),
        ));
    }

    /// Print the table; panic with every failure if there was any.
    fn finish(self) {
        let mut text = format!("\n{}\n\n", self.title);
        let widths = self.rows.iter().fold([4, 6, 4, 7], |w, (c, p, r, v)| {
            [
                w[0].max(c.chars().count()),
                w[1].max(p.chars().count()),
                w[2].max(r.chars().count()),
                w[3].max(v.chars().count()),
            ]
        });
        let line = |c: &str, p: &str, r: &str, v: &str| {
            format!(
                "| {c:<w0$} | {p:<w1$} | {r:<w2$} | {v:<w3$} |\n",
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3]
            )
        };
        text.push_str(&line("case", "Python", "Rust", "verdict"));
        text.push_str(&line(
            &"-".repeat(widths[0]),
            &"-".repeat(widths[1]),
            &"-".repeat(widths[2]),
            &"-".repeat(widths[3]),
        ));
        for (c, p, r, v) in &self.rows {
            text.push_str(&line(c, p, r, v));
        }
        for note in &self.notes {
            let _ = writeln!(text, "note: {note}");
        }
        println!("{text}");
        if !self.failures.is_empty() {
            panic!(
                "{} disagreement(s) between Rust and Python:\n\n{}",
                self.failures.len(),
                self.failures.join("\n\n")
            );
        }
    }
}

fn status_text(response: &Response) -> String {
    let body = match response.json() {
        Ok(json) if response.status == 200 => json.to_string(),
        _ => String::from_utf8_lossy(&response.body)
            .chars()
            .take(300)
            .collect(),
    };
    format!("{} {body}", response.status)
}

// ---------------------------------------------------------------------------------------
// Layout and dependencies

fn check_json_get(pair: &Pair, path: &str, report: &mut Report) -> (Value, Value) {
    let python = pair.python.get(path);
    let rust = pair.rust.get(path);
    let mut problems = Vec::new();
    if python.status != rust.status {
        problems.push(format!(
            "status: Python {}, Rust {}",
            python.status, rust.status
        ));
    }
    let is_json = |r: &Response| {
        r.header("content-type")
            .is_some_and(|v| v.contains("application/json"))
    };
    if is_json(&python) && !is_json(&rust) {
        problems.push(format!(
            "content-type: Python {:?}, Rust {:?}",
            python.header("content-type"),
            rust.header("content-type")
        ));
    }
    let parse = |r: &Response, who: &str| {
        r.json()
            .unwrap_or_else(|e| panic!("{who} GET {path} is not JSON: {e}"))
    };
    let (python_json, rust_json) = (parse(&python, "Python"), parse(&rust, "Rust"));
    // The dependency list is compared entry by entry by `compare_dependencies`.
    if path != "/_dash-dependencies" {
        match compare(&python_json, &rust_json) {
            Verdict::Same => {}
            Verdict::SameValue => report.notes.push(format!(
                "GET {path}: same values, numbers written differently"
            )),
            Verdict::Differ(d) => problems.push(d),
        }
    }
    let verdict = if problems.is_empty() {
        "same"
    } else {
        "DIFFERENT"
    };
    report.row(
        &format!("GET {path}"),
        &python.status.to_string(),
        &rust.status.to_string(),
        verdict,
    );
    if !problems.is_empty() {
        report.failures.push(format!(
            "GET {path}:\n  {}\n  Python: {python_json}\n  Rust:   {rust_json}",
            problems.join("\n  ")
        ));
    }
    (python_json, rust_json)
}

/// Compares the dependency lists as sets keyed by `output` (see the module docs).
fn compare_dependencies(python: &Value, rust: &Value, report: &mut Report) {
    let entries = |v: &Value, who: &str| -> Vec<Value> {
        v.as_array()
            .unwrap_or_else(|| panic!("{who} _dash-dependencies is not an array: {v}"))
            .clone()
    };
    let (python_list, rust_list) = (entries(python, "Python"), entries(rust, "Rust"));
    let key = |entry: &Value| entry["output"].as_str().unwrap_or_default().to_owned();
    let python_order: Vec<String> = python_list.iter().map(key).collect();
    let rust_order: Vec<String> = rust_list.iter().map(key).collect();
    if python_order != rust_order {
        let mut sorted_python = python_order.clone();
        let mut sorted_rust = rust_order.clone();
        sorted_python.sort();
        sorted_rust.sort();
        if sorted_python == sorted_rust {
            report.notes.push(format!(
                "_dash-dependencies order differs (not compared): Python {python_order:?}, \
                 Rust {rust_order:?}"
            ));
        }
    }
    for entry in &python_list {
        let output = key(entry);
        let case = format!("dependency {output}");
        match rust_list.iter().find(|r| key(r) == output) {
            None => {
                report.row(&case, "listed", "missing", "DIFFERENT");
                report.failures.push(format!(
                    "_dash-dependencies: Rust has no entry for output {output:?}\n  \
                     Python: {entry}\n  Rust:   {rust}"
                ));
            }
            Some(other) => match compare(entry, other) {
                Verdict::Same | Verdict::SameValue => report.row(&case, "listed", "listed", "same"),
                Verdict::Differ(d) => {
                    report.row(&case, "listed", "listed", "DIFFERENT");
                    report.failures.push(format!(
                        "_dash-dependencies entry {output:?}: {d}\n  Python: {entry}\n  Rust:   {other}"
                    ));
                }
            },
        }
    }
    for entry in &rust_list {
        let output = key(entry);
        if !python_list.iter().any(|p| key(p) == output) {
            report.row(
                &format!("dependency {output}"),
                "missing",
                "listed",
                "DIFFERENT",
            );
            report.failures.push(format!(
                "_dash-dependencies: Rust has an extra entry for output {output:?}: {entry}"
            ));
        }
    }
    let count = |list: &[Value], output: &str| list.iter().filter(|e| key(e) == output).count();
    for output in &python_order {
        let (p, r) = (count(&python_list, output), count(&rust_list, output));
        if r > 0 && p != r {
            report.failures.push(format!(
                "_dash-dependencies: output {output:?} listed {p} time(s) by Python, {r} by Rust"
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Callback requests

/// A prop value as the renderer sends it: present (possibly `null`) or left out.
#[derive(Clone)]
enum Val {
    Absent,
    Is(Value),
    /// A JSON number written verbatim, for numbers `serde_json::Value` cannot hold exactly
    /// (integers beyond 64 bits, as `JSON.stringify` writes them).
    RawNumber(&'static str),
}

/// Stands for a [`Val::RawNumber`] in a body until it is serialised.
const RAW_MARK: &str = "\u{1}raw-number\u{1}";

fn v(value: Value) -> Val {
    Val::Is(value)
}

/// One callback request of the table.
struct Case {
    name: &'static str,
    /// The callback, by its `output` descriptor.
    output: &'static str,
    inputs: Vec<Val>,
    state: Vec<Val>,
    /// Prop ids of the inputs that changed (empty: an initial call).
    changed: Vec<&'static str>,
}

/// `{id, property}` objects of an output descriptor (§4.3), as the renderer resolves them
/// for string ids: one object for a single output, an array for several.
fn outputs_of(descriptor: &str) -> Value {
    let target = |part: &str| {
        let (id, property) = part
            .rsplit_once('.')
            .unwrap_or_else(|| panic!("bad output descriptor {part:?}"));
        json!({"id": id, "property": property})
    };
    match descriptor
        .strip_prefix("..")
        .and_then(|s| s.strip_suffix(".."))
    {
        Some(inner) => Value::Array(inner.split("...").map(target).collect()),
        None => target(descriptor),
    }
}

/// The request body dash-renderer sends for `case`, built from the dependency entry.
fn request_body(dependencies: &Value, case: &Case) -> Value {
    let dep = dependencies
        .as_array()
        .and_then(|list| list.iter().find(|d| d["output"] == case.output))
        .unwrap_or_else(|| panic!("the Python twin has no callback {:?}", case.output));
    let values = |specs: &Value, vals: &[Val], what: &str| -> Vec<Value> {
        let specs = specs.as_array().cloned().unwrap_or_default();
        assert_eq!(
            specs.len(),
            vals.len(),
            "case {:?}: {what} count does not match the callback",
            case.name
        );
        specs
            .iter()
            .zip(vals)
            .map(|(spec, val)| {
                let mut item = json!({"id": spec["id"], "property": spec["property"]});
                match val {
                    Val::Absent => {}
                    Val::Is(value) => item["value"] = value.clone(),
                    Val::RawNumber(text) => item["value"] = json!(format!("{RAW_MARK}{text}")),
                }
                item
            })
            .collect()
    };
    let mut body = json!({
        "output": dep["output"],
        "outputs": outputs_of(case.output),
        "inputs": values(&dep["inputs"], &case.inputs, "input"),
        "changedPropIds": case.changed,
        "parsedChangedPropsIds": case.changed,
    });
    if dep["state"].as_array().is_some_and(|s| !s.is_empty()) {
        body["state"] = Value::Array(values(&dep["state"], &case.state, "state"));
    }
    body
}

fn run_cases(pair: &Pair, dependencies: &Value, cases: &[Case], report: &mut Report) {
    for case in cases {
        let body = serialize(&request_body(dependencies, case));
        let bytes = body.clone().into_bytes();
        let python = pair.python.post("application/json", &bytes);
        let rust = pair.rust.post("application/json", &bytes);
        let mut problem = None;
        let mut verdict = "same";
        if python.status != rust.status {
            problem = Some(format!(
                "status: Python {}, Rust {}",
                python.status, rust.status
            ));
        } else if python.status == 200 {
            match (python.json(), rust.json()) {
                (Ok(p), Ok(r)) => match compare(&p, &r) {
                    Verdict::Same => {}
                    Verdict::SameValue => verdict = "same (number form differs)",
                    Verdict::Differ(d) => problem = Some(d),
                },
                (Ok(_), Err(e)) => problem = Some(format!("Rust body is not JSON: {e}")),
                (Err(e), _) => panic!("Python's 200 answer is not JSON: {e}"),
            }
        }
        let short = |r: &Response| match (r.status, r.json()) {
            (200, Ok(json)) => format!("200 {}", summarize(&json)),
            (status, _) => status.to_string(),
        };
        if let Some(problem) = &problem {
            verdict = "DIFFERENT";
            report.failures.push(format!(
                "{}: {problem}\n  request: POST /_dash-update-component {body}\n  Python:  {}\n  Rust:    {}",
                case.name,
                status_text(&python),
                status_text(&rust)
            ));
        }
        report.row(case.name, &short(&python), &short(&rust), verdict);
    }
}

/// The body as text, with every [`Val::RawNumber`] written verbatim.
fn serialize(body: &Value) -> String {
    let mut text = body.to_string();
    let quoted_mark = serde_json::to_string(RAW_MARK).expect("a string serialises");
    let open = &quoted_mark[..quoted_mark.len() - 1];
    while let Some(start) = text.find(open) {
        let digits_start = start + open.len();
        let Some(len) = text[digits_start..].find('"') else {
            break;
        };
        let digits = text[digits_start..digits_start + len].to_owned();
        text.replace_range(start..digits_start + len + 1, &digits);
    }
    text
}

/// `{"greeting":{"children":"Hello, Ada!"}}` → `greeting=Hello, Ada!` for the table.
fn summarize(answer: &Value) -> String {
    let Some(response) = answer["response"].as_object() else {
        return answer.to_string();
    };
    if response.is_empty() {
        return "(nothing)".to_owned();
    }
    response
        .iter()
        .flat_map(|(id, props)| {
            props
                .as_object()
                .into_iter()
                .flatten()
                .map(move |(prop, value)| {
                    let shown = value
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| value.to_string());
                    if prop == "children" {
                        format!("{id}={shown}")
                    } else {
                        format!("{id}.{prop}={shown}")
                    }
                })
        })
        .collect::<Vec<_>>()
        .join(", ")
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

/// `_dash-config` fields that change what dash-renderer does for these apps. Left out on
/// purpose: `end_id` (a fresh token per page load; only its presence is checked),
/// `python_version`, `plotly_version`, `ddk_version`, `plotly_cloud_installed`,
/// `dash_version_url` and `disable_version_check` (describe the server's environment and
/// drive only the dev-tools version check, which dash-rs turns off).
const CONFIG_FIELDS: [&str; 13] = [
    "url_base_pathname",
    "requests_pathname_prefix",
    "ui",
    "props_check",
    "show_undo_redo",
    "suppress_callback_exceptions",
    "update_title",
    "children_props",
    "serve_locally",
    "dash_version",
    "validate_callbacks",
    "csrf_token_name",
    "csrf_header_name",
];

fn compare_config(pair: &Pair, report: &mut Report) {
    let (python, rust) = (&pair.python.config, &pair.rust.config);
    assert!(
        python.is_object(),
        "the Python index page has no _dash-config"
    );
    let mut problems = Vec::new();
    if !rust.is_object() {
        problems.push("Rust's index page has no parsable _dash-config".to_owned());
    } else {
        for field in CONFIG_FIELDS {
            match (python.get(field), rust.get(field)) {
                (Some(p), Some(r)) => {
                    if let Verdict::Differ(d) = compare(p, r) {
                        problems.push(format!("{field}: {d}"));
                    }
                }
                (Some(p), None) => problems.push(format!("{field}: only in Python ({p})")),
                (None, Some(r)) => problems.push(format!("{field}: only in Rust ({r})")),
                (None, None) => {}
            }
        }
        if python.get("end_id").is_some() && pair.rust.end_id.is_none() {
            problems.push("end_id: Python sends one, Rust does not".to_owned());
        }
    }
    let verdict = if problems.is_empty() {
        "same"
    } else {
        "DIFFERENT"
    };
    report.row("GET / (_dash-config fields)", "-", "-", verdict);
    if !problems.is_empty() {
        report
            .failures
            .push(format!("_dash-config:\n  {}", problems.join("\n  ")));
    }
}

fn layout_and_dependencies(pair: &Pair, report: &mut Report) -> Value {
    compare_config(pair, report);
    check_json_get(pair, "/_dash-layout", report);
    let (python, rust) = check_json_get(pair, "/_dash-dependencies", report);
    compare_dependencies(&python, &rust, report);
    python
}

#[test]
fn conformance_hello() {
    let pair = start_pair("hello");
    let mut report = Report::new(format!("hello: Rust vs {}", pair.python_label));
    let deps = layout_and_dependencies(&pair, &mut report);
    let greet = |name: &'static str, value: Val, changed: Vec<&'static str>| Case {
        name,
        output: "greeting.children",
        inputs: vec![value],
        state: vec![],
        changed,
    };
    let clicks = |name: &'static str, n: Val, who: Val, changed: Vec<&'static str>| Case {
        name,
        output: "clicks.children",
        inputs: vec![n],
        state: vec![who],
        changed,
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
    run_cases(&pair, &deps, &cases, &mut report);
    report.finish();
}

#[test]
fn conformance_calc() {
    let pair = start_pair("calc");
    let mut report = Report::new(format!("calc: Rust vs {}", pair.python_label));
    let deps = layout_and_dependencies(&pair, &mut report);
    let powers_out = "..square.children...cube.children..";
    let powers = |name: &'static str, num: Val, changed: Vec<&'static str>| Case {
        name,
        output: powers_out,
        inputs: vec![num],
        state: vec![],
        changed,
    };
    let parity = |name: &'static str, num: Val| Case {
        name,
        output: "parity.children",
        inputs: vec![num],
        state: vec![],
        changed: vec!["num.value"],
    };
    // Numbers as JSON.stringify writes them: 2^65 is "36893488147419103000", 1e200 "1e+200".
    let huge_int = Val::RawNumber("36893488147419103000");
    let huge_float = Val::RawNumber("1e+200");
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
        Case {
            name: "parity, initial call (3)",
            output: "parity.children",
            inputs: vec![v(json!(3))],
            state: vec![],
            changed: vec![],
        },
        parity("parity, 4", v(json!(4))),
        parity("parity, 0", v(json!(0))),
        parity("parity, negative odd (-3)", v(json!(-3))),
        parity("parity, non-integer (2.5): no_update", v(json!(2.5))),
        parity("parity, value null: no_update", v(Value::Null)),
        parity("parity, value absent: no_update", Val::Absent),
        parity("parity, 2^65 as the renderer writes it", huge_int),
    ];
    run_cases(&pair, &deps, &cases, &mut report);
    report.finish();
}

#[test]
fn conformance_bad_input() {
    let pair = start_pair("hello");
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
    let multi = Case {
        name: "multi",
        output: "..a.children...b.children..",
        inputs: vec![Val::RawNumber("36893488147419103000")],
        state: vec![],
        changed: vec!["n.value"],
    };
    assert_eq!(
        serialize(&request_body(&deps, &multi)),
        r#"{"output":"..a.children...b.children..","outputs":[{"id":"a","property":"children"},{"id":"b","property":"children"}],"inputs":[{"id":"n","property":"value","value":36893488147419103000}],"changedPropIds":["n.value"],"parsedChangedPropsIds":["n.value"]}"#
    );
    let single = Case {
        name: "single",
        output: "c.children",
        inputs: vec![Val::Absent],
        state: vec![v(Value::Null)],
        changed: vec![],
    };
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
