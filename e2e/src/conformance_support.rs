//! Shared machinery of the conformance tests that compare a Rust example with its Python Dash
//! twin: starting both servers, sending both the same requests, comparing the answers as
//! parsed JSON and printing a table of cases.
//!
//! Requests are built the way dash-renderer builds them (§5.2 of the protocol notes) from the
//! **Python** twin's `_dash-dependencies` entry of the callback, so a Rust server that lists a
//! callback differently still gets the request the real front end would send to Python:
//! `output` verbatim (hashes included), `outputs` (omitted for callbacks without outputs), one
//! `{id, property, value}` per plain or `MATCH` dependency and an array of them per
//! `ALL`/`ALLSMALLER` dependency, `state` only when the callback has State,
//! `changedPropIds` and `parsedChangedPropsIds`, and `?endId=` from each server's own
//! `_dash-config`.
//!
//! ```no_run
//! use dash_e2e::conformance_support::{arg, Case, Pair, Report};
//! use serde_json::json;
//!
//! let pair = Pair::start("hello");
//! let mut report = Report::new("hello");
//! let deps = pair.layout_and_dependencies(&mut report, &[]);
//! let cases = [Case::new("greeting", "greeting.children")
//!     .inputs([arg(json!("Ada"))])
//!     .changed(["name.value"])];
//! pair.run_cases(&deps, &cases, &mut report);
//! report.finish();
//! ```

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::app::{free_port, RunningApp};
use crate::http::{self, Response};
use crate::python::{ensure_venv, twins_dir, PythonServer, PythonTwin};

/// Time allowed for each request.
pub const TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// Servers

/// One server under comparison.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The `end_id` of its `_dash-config`, sent back as `?endId=` like the renderer does.
    pub end_id: Option<String>,
    /// The index page's `_dash-config` (`Null` when there is none).
    pub config: Value,
}

impl Server {
    /// Loads the index page of the server at `base` and remembers its config.
    pub fn new(base: String) -> Self {
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

    /// `GET <base><path>`.
    pub fn get(&self, path: &str) -> Response {
        http::get(&format!("{}{path}", self.base), TIMEOUT)
            .unwrap_or_else(|e| panic!("GET {}{path} failed: {e}", self.base))
    }

    /// The URL dash-renderer posts callbacks to.
    pub fn update_url(&self) -> String {
        match &self.end_id {
            Some(end_id) => format!("{}/_dash-update-component?endId={end_id}", self.base),
            None => format!("{}/_dash-update-component", self.base),
        }
    }

    /// `POST` a callback request.
    pub fn post(&self, content_type: &str, body: &[u8]) -> Response {
        let url = self.update_url();
        http::request("POST", &url, Some((content_type, body)), TIMEOUT)
            .unwrap_or_else(|e| panic!("POST {url} failed: {e}"))
    }
}

/// The JSON of the `<script id="_dash-config">` tag of an index page.
pub fn dash_config(html: &str) -> Option<Value> {
    let tag = html.find("id=\"_dash-config\"")?;
    let start = tag + html[tag..].find('>')? + 1;
    let end = start + html[start..].find("</script>")?;
    serde_json::from_str(&html[start..end]).ok()
}

/// The Python server of a pair, kept alive while the pair lives.
enum PythonProcess {
    Twin(PythonTwin),
    App(RunningApp),
}

/// The Rust example and its Python twin, both running.
pub struct Pair {
    /// The Rust example.
    pub rust: Server,
    /// The Python twin.
    pub python: Server,
    /// Which Python server, for titles.
    pub python_label: String,
    // Dropping these stops the servers.
    _rust_app: RunningApp,
    _python_app: PythonProcess,
}

/// The Python server the tests compare against: Flask's development server, or Dash's
/// FastAPI backend when `DASH_CONFORMANCE_BACKEND=fastapi`.
pub fn python_server() -> PythonServer {
    match std::env::var("DASH_CONFORMANCE_BACKEND").as_deref() {
        Ok("fastapi") => PythonServer::FastApiDev,
        _ => PythonServer::FlaskDev,
    }
}

impl Pair {
    /// Starts the twin `conformance/python/<app>.py` and the Rust example `app`.
    pub fn start(app: &str) -> Pair {
        Pair::start_on(app, python_server(), &[])
    }

    /// Like [`start`](Self::start), with the twin under `server` whatever
    /// `DASH_CONFORMANCE_BACKEND` says (for a twin that needs one backend) and extra
    /// environment variables for the Rust example.
    pub fn start_on(app: &str, server: PythonServer, rust_env: &[(&str, &str)]) -> Pair {
        let python_app = PythonTwin::start(app, server)
            .unwrap_or_else(|e| panic!("cannot start the Python twin of {app}: {e}"));
        let python = Server::new(python_app.url());
        Pair::with_python_env(
            app,
            python,
            PythonProcess::Twin(python_app),
            server,
            rust_env,
        )
    }

    /// Starts the twin kept as a directory, `conformance/python/<app>/app.py` (run from that
    /// directory with `conformance/python` on `PYTHONPATH`, for `_backend.py`), and the Rust
    /// example `app`.
    pub fn start_dir(app: &str) -> Pair {
        let server = python_server();
        let venv = ensure_venv().unwrap_or_else(|e| panic!("no Python venv: {e}"));
        let dir = twins_dir().join(app);
        assert!(
            dir.join("app.py").is_file(),
            "no Python twin {}",
            dir.display()
        );
        let port = free_port().unwrap_or_else(|e| panic!("{e}"));
        let backend = match server {
            PythonServer::FastApiDev => "fastapi",
            _ => "flask",
        };
        let mut cmd = Command::new(Path::new(&venv).join("bin").join("python"));
        cmd.arg("app.py")
            .current_dir(&dir)
            .env("DASH_BACKEND", backend)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONPATH", twins_dir());
        let python_app = RunningApp::start_command(cmd, port)
            .unwrap_or_else(|e| panic!("cannot start the Python twin of {app}: {e}"));
        let python = Server::new(python_app.url());
        Pair::with_python(app, python, PythonProcess::App(python_app), server)
    }

    /// What the Python server wrote to stdout and stderr so far.
    pub fn python_output(&self) -> String {
        match &self._python_app {
            PythonProcess::Twin(twin) => twin.output(),
            PythonProcess::App(app) => app.output(),
        }
    }

    /// What the Rust server wrote to stdout and stderr so far.
    pub fn rust_output(&self) -> String {
        self._rust_app.output()
    }

    fn with_python(
        app: &str,
        python: Server,
        python_app: PythonProcess,
        server: PythonServer,
    ) -> Pair {
        Pair::with_python_env(app, python, python_app, server, &[])
    }

    fn with_python_env(
        app: &str,
        python: Server,
        python_app: PythonProcess,
        server: PythonServer,
        rust_env: &[(&str, &str)],
    ) -> Pair {
        let rust_app = RunningApp::start_with_env(app, rust_env)
            .unwrap_or_else(|e| panic!("cannot start the Rust example {app}: {e}"));
        Pair {
            rust: Server::new(rust_app.url()),
            python,
            python_label: format!("Python ({server})"),
            _rust_app: rust_app,
            _python_app: python_app,
        }
    }

    /// Compares the `_dash-config` fields of [`CONFIG_FIELDS`], `GET /_dash-layout` and
    /// `GET /_dash-dependencies` (entry by entry, see [`compare_dependencies`]); returns
    /// Python's dependency list.
    pub fn layout_and_dependencies(&self, report: &mut Report, deliberate: &[Deliberate]) -> Value {
        self.layout_and_dependencies_linked(report, deliberate, &[])
    }

    /// Like [`layout_and_dependencies`](Self::layout_and_dependencies), for an example that
    /// links a crate registering callbacks of its own which the twin does not have: Rust
    /// entries whose `output` contains one of `linked` (with the reason) are listed in the
    /// report and left out of the comparison.
    pub fn layout_and_dependencies_linked(
        &self,
        report: &mut Report,
        deliberate: &[Deliberate],
        linked: &[(&str, &str)],
    ) -> Value {
        self.compare_config(report);
        self.check_json_get("/_dash-layout", report);
        let (python, mut rust) = self.check_json_get("/_dash-dependencies", report);
        if let Some(list) = rust.as_array_mut() {
            list.retain(|entry| {
                let output = entry["output"].as_str().unwrap_or_default();
                match linked.iter().find(|(part, _)| output.contains(part)) {
                    Some((_, reason)) => {
                        report.row(&format!("dependency {output}"), "absent", "listed", reason);
                        false
                    }
                    None => true,
                }
            });
        }
        compare_dependencies(&python, &rust, report, deliberate);
        python
    }

    /// `GET path` from both; status, JSON content type and (except for the dependency list,
    /// compared separately) the parsed bodies must agree. Returns both bodies.
    pub fn check_json_get(&self, path: &str, report: &mut Report) -> (Value, Value) {
        let python = self.python.get(path);
        let rust = self.rust.get(path);
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

    fn compare_config(&self, report: &mut Report) {
        let (python, rust) = (&self.python.config, &self.rust.config);
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
            if python.get("end_id").is_some() && self.rust.end_id.is_none() {
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

    /// Sends every case to both servers and compares the answers: equal status codes and, for
    /// 200, equal parsed bodies.
    pub fn run_cases(&self, dependencies: &Value, cases: &[Case], report: &mut Report) {
        for case in cases {
            let body = serialize(&request_body(dependencies, case));
            let bytes = body.clone().into_bytes();
            let python = self.python.post("application/json", &bytes);
            let rust = self.rust.post("application/json", &bytes);
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
            if let Some(expected) = case.expect_status {
                if python.status != expected {
                    panic!(
                        "case {:?}: the Python twin answered {} instead of the {expected} the \
                         test expects; the twin or the case is wrong:\n  request: {body}\n  \
                         Python: {}",
                        case.name,
                        python.status,
                        status_text(&python)
                    );
                }
            }
            if let Some(problem) = &problem {
                verdict = "DIFFERENT";
                report.failures.push(format!(
                    "{}: {problem}\n  request: POST /_dash-update-component {body}\n  Python:  {}\n  Rust:    {}",
                    case.name,
                    status_text(&python),
                    status_text(&rust)
                ));
            }
            report.row(&case.name, &short(&python), &short(&rust), verdict);
        }
    }
}

/// `_dash-config` fields that change what dash-renderer does. Left out on purpose: `end_id`
/// (a fresh token per page load; only its presence is checked), `python_version`,
/// `plotly_version`, `ddk_version`, `plotly_cloud_installed`, `dash_version_url` and
/// `disable_version_check` (they describe the server's environment and drive only the
/// dev-tools version check, which dash-rs turns off), and `validation_layout` (only read when
/// `validate_callbacks` is on).
pub const CONFIG_FIELDS: [&str; 13] = [
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

// ---------------------------------------------------------------------------------------
// JSON comparison

/// How two parsed JSON values compare.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Identical.
    Same,
    /// Equal after `JSON.parse` (numbers by value), but some number is written differently.
    SameValue,
    /// Different; the text says where.
    Differ(String),
}

/// Compares Python's value with Rust's.
///
/// ```
/// use dash_e2e::conformance_support::{compare, Verdict};
/// use serde_json::json;
///
/// assert_eq!(compare(&json!({"a": 1}), &json!({"a": 1})), Verdict::Same);
/// assert!(matches!(compare(&json!([1]), &json!([2])), Verdict::Differ(_)));
/// ```
pub fn compare(python: &Value, rust: &Value) -> Verdict {
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

/// The printed table of cases, and what went wrong if anything.
pub struct Report {
    title: String,
    rows: Vec<[String; 4]>,
    /// Disagreements; [`Report::finish`] panics with them.
    pub failures: Vec<String>,
    /// Remarks printed under the table.
    pub notes: Vec<String>,
}

impl Report {
    /// An empty report.
    pub fn new(title: impl Into<String>) -> Self {
        Report {
            title: title.into(),
            rows: Vec::new(),
            failures: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// One line of the table.
    pub fn row(&mut self, case: &str, python: &str, rust: &str, verdict: &str) {
        self.rows.push([
            case.to_owned(),
            python.to_owned(),
            rust.to_owned(),
            verdict.to_owned(),
        ]);
    }

    /// A comparison of two values: a row, and a failure when they differ.
    pub fn check(&mut self, case: &str, python: &Value, rust: &Value) {
        self.check_shown(case, python, rust, |v| {
            truncate(&v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        });
    }

    /// Like [`Report::check`], with the table cells made by `shown`.
    pub fn check_shown(
        &mut self,
        case: &str,
        python: &Value,
        rust: &Value,
        shown: impl Fn(&Value) -> String,
    ) {
        match compare(python, rust) {
            Verdict::Same | Verdict::SameValue => {
                self.row(case, &shown(python), &shown(rust), "same")
            }
            Verdict::Differ(d) => {
                self.row(case, &shown(python), &shown(rust), "DIFFERENT");
                self.failures
                    .push(format!("{case}: {d}\n  Python: {python}\n  Rust:   {rust}"));
            }
        }
    }

    /// Prints the table; panics with every failure if there was any.
    pub fn finish(self) {
        let mut text = format!("\n{}\n\n", self.title);
        let widths = self.rows.iter().fold([4, 6, 4, 7], |w, row| {
            let mut w = w;
            for (width, cell) in w.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
            w
        });
        let line = |cells: [&str; 4]| {
            format!(
                "| {:<w0$} | {:<w1$} | {:<w2$} | {:<w3$} |\n",
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3]
            )
        };
        text.push_str(&line(["case", "Python", "Rust", "verdict"]));
        let dashes = widths.map(|w| "-".repeat(w));
        text.push_str(&line([&dashes[0], &dashes[1], &dashes[2], &dashes[3]]));
        for [c, p, r, v] in &self.rows {
            text.push_str(&line([c, p, r, v]));
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

/// Status and body of an answer, for failure messages.
pub fn status_text(response: &Response) -> String {
    let body = match response.json() {
        Ok(json) if response.status == 200 => json.to_string(),
        _ => String::from_utf8_lossy(&response.body)
            .chars()
            .take(300)
            .collect(),
    };
    format!("{} {body}", response.status)
}

/// Status and a summary of the answer, for the table.
fn short(response: &Response) -> String {
    match (response.status, response.json()) {
        (200, Ok(json)) => format!("200 {}", summarize(&json)),
        (status, _) => status.to_string(),
    }
}

/// `{"response": {"a": {"children": "x"}}, "sideUpdate": {"b": {"value": 1}}}` →
/// `a=x; side b.value=1`, truncated for the table.
pub fn summarize(answer: &Value) -> String {
    let props = |map: &Value| -> Vec<String> {
        map.as_object()
            .into_iter()
            .flatten()
            .flat_map(|(id, props)| {
                props
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(prop, value)| {
                        let shown = if value.get("__dash_patch_update").is_some() {
                            let ops = value["operations"].as_array().map_or(0, Vec::len);
                            format!("Patch({ops} ops)")
                        } else if let Some(kind) =
                            value.get("namespace").and(value["type"].as_str())
                        {
                            match value["props"].get("id") {
                                Some(id) => format!("<{kind} id={id}>"),
                                None => format!("<{kind}>"),
                            }
                        } else {
                            value
                                .as_str()
                                .map_or_else(|| value.to_string(), str::to_owned)
                        };
                        if prop == "children" {
                            format!("{id}={shown}")
                        } else {
                            format!("{id}.{prop}={shown}")
                        }
                    })
            })
            .collect()
    };
    let mut parts = props(&answer["response"]);
    if parts.is_empty() {
        parts.push("(nothing)".to_owned());
    }
    let side = props(&answer["sideUpdate"]);
    if !side.is_empty() {
        parts.push(format!("side {}", side.join(", ")));
    }
    truncate(&parts.join("; "))
}

/// At most 90 characters of `text`, for table cells.
fn truncate(text: &str) -> String {
    if text.chars().count() > 90 {
        let cut: String = text.chars().take(87).collect();
        format!("{cut}...")
    } else {
        text.to_owned()
    }
}

// ---------------------------------------------------------------------------------------
// Dependencies

/// A field of one `_dash-dependencies` entry where dash-rs differs from Python on purpose: it
/// is left out of the comparison, and the table prints both values and the reason.
#[derive(Debug, Clone, Copy)]
pub struct Deliberate {
    /// The entry, by its `output`.
    pub output: &'static str,
    /// The field, with dots for nested fields (`clientside_function.function_name`).
    pub field: &'static str,
    /// Why the difference is deliberate.
    pub reason: &'static str,
}

fn take_path(entry: &mut Value, path: &str) -> Option<Value> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop()?;
    let mut node = entry;
    for part in parts {
        node = node.get_mut(part)?;
    }
    node.as_object_mut()?.remove(last)
}

/// Compares the dependency lists as sets of entries keyed by `output`, every field of every
/// entry, except the fields listed in `deliberate`. Order is not compared (dash-rs gathers
/// callbacks with `inventory`; dash-renderer builds a graph from the list, so order does not
/// change what it does); a different order is printed as a note.
pub fn compare_dependencies(
    python: &Value,
    rust: &Value,
    report: &mut Report,
    deliberate: &[Deliberate],
) {
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
        let Some(other) = rust_list.iter().find(|r| key(r) == output) else {
            report.row(&case, "listed", "missing", "DIFFERENT");
            report.failures.push(format!(
                "_dash-dependencies: Rust has no entry for output {output:?}\n  Python: {entry}"
            ));
            continue;
        };
        let (mut p, mut r) = (entry.clone(), other.clone());
        for d in deliberate.iter().filter(|d| d.output == output) {
            let (pv, rv) = (take_path(&mut p, d.field), take_path(&mut r, d.field));
            let shown =
                |v: &Option<Value>| v.as_ref().map_or("(absent)".to_owned(), Value::to_string);
            let verdict = if pv == rv {
                "same (listed as deliberate)"
            } else {
                "deliberate difference"
            };
            report.row(
                &format!("dependency {output} .{}", d.field),
                &shown(&pv),
                &shown(&rv),
                verdict,
            );
            report.notes.push(format!(
                "{output} .{}: Python {}, Rust {}: {}",
                d.field,
                shown(&pv),
                shown(&rv),
                d.reason
            ));
        }
        match compare(&p, &r) {
            Verdict::Same | Verdict::SameValue => report.row(&case, "listed", "listed", "same"),
            Verdict::Differ(d) => {
                report.row(&case, "listed", "listed", "DIFFERENT");
                report.failures.push(format!(
                    "_dash-dependencies entry {output:?}: {d}\n  Python: {entry}\n  Rust:   {other}"
                ));
            }
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

/// The `output` of the only entry of `dependencies` starting with `prefix` (for descriptors
/// with an `allow_duplicate` hash, e.g. `list.children@`).
pub fn output_with_prefix(dependencies: &Value, prefix: &str) -> String {
    let found: Vec<&str> = dependencies
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["output"].as_str())
        .filter(|o| o.starts_with(prefix))
        .collect();
    match found.as_slice() {
        [one] => (*one).to_owned(),
        other => panic!("expected one dependency output starting with {prefix:?}, found {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Callback requests

/// A prop value as the renderer sends it: present (possibly `null`) or left out (undefined).
#[derive(Debug, Clone)]
pub enum Val {
    /// The prop is undefined: no `value` key.
    Absent,
    /// The prop's value.
    Is(Value),
}

/// A present value.
pub fn v(value: Value) -> Val {
    Val::Is(value)
}

/// One Input or State of a request.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A dependency with a plain id (taken from the callback's entry).
    Plain(Val),
    /// A `MATCH` dependency, resolved to the concrete dict id of the triggering component.
    Matched(Value, Val),
    /// An `ALL`/`ALLSMALLER` dependency: the matching components' ids and values, in layout
    /// order (possibly none).
    Many(Vec<(Value, Val)>),
}

/// A plain dependency with a present value.
pub fn arg(value: Value) -> Arg {
    Arg::Plain(Val::Is(value))
}

/// A plain dependency whose prop is undefined.
pub fn absent() -> Arg {
    Arg::Plain(Val::Absent)
}

/// A `MATCH` dependency.
pub fn matched(id: Value, value: Value) -> Arg {
    Arg::Matched(id, Val::Is(value))
}

/// An `ALL`/`ALLSMALLER` dependency.
pub fn many<I: IntoIterator<Item = (Value, Value)>>(items: I) -> Arg {
    Arg::Many(
        items
            .into_iter()
            .map(|(id, value)| (id, Val::Is(value)))
            .collect(),
    )
}

/// One callback request of a table.
#[derive(Debug, Clone)]
pub struct Case {
    /// The row's name.
    pub name: String,
    /// The callback, by its `output` descriptor (exactly as in `_dash-dependencies`).
    pub output: String,
    /// The resolved `outputs` when they cannot be read off the descriptor (pattern ids);
    /// `None`: derived from the descriptor, or left out for callbacks without outputs.
    pub outputs: Option<Value>,
    /// Inputs, in declaration order.
    pub inputs: Vec<Arg>,
    /// State, in declaration order.
    pub state: Vec<Arg>,
    /// Prop ids of the inputs that changed (empty: an initial call).
    pub changed: Vec<String>,
    /// The status the Python twin must answer (guards against a wrong twin or case).
    pub expect_status: Option<u16>,
}

impl Case {
    /// A request to the callback `output` with no inputs yet.
    pub fn new(name: impl Into<String>, output: impl Into<String>) -> Self {
        Case {
            name: name.into(),
            output: output.into(),
            outputs: None,
            inputs: Vec::new(),
            state: Vec::new(),
            changed: Vec::new(),
            expect_status: None,
        }
    }

    /// The inputs.
    pub fn inputs<I: IntoIterator<Item = Arg>>(mut self, inputs: I) -> Self {
        self.inputs = inputs.into_iter().collect();
        self
    }

    /// The state.
    pub fn state<I: IntoIterator<Item = Arg>>(mut self, state: I) -> Self {
        self.state = state.into_iter().collect();
        self
    }

    /// The changed prop ids (`id.prop`, dict ids stringified with sorted keys).
    pub fn changed<I: IntoIterator<Item = S>, S: Into<String>>(mut self, changed: I) -> Self {
        self.changed = changed.into_iter().map(Into::into).collect();
        self
    }

    /// The resolved outputs, as the renderer sends them.
    pub fn outputs(mut self, outputs: Value) -> Self {
        self.outputs = Some(outputs);
        self
    }

    /// The status Python must answer.
    pub fn expect(mut self, status: u16) -> Self {
        self.expect_status = Some(status);
        self
    }
}

/// A dict id stringified as the renderer does (keys sorted, no spaces) plus `.prop`.
///
/// ```
/// use dash_e2e::conformance_support::prop_id;
/// use serde_json::json;
///
/// assert_eq!(prop_id(&json!({"type": "done", "index": 1}), "value"), r#"{"index":1,"type":"done"}.value"#);
/// ```
pub fn prop_id(id: &Value, property: &str) -> String {
    let id = match id {
        Value::String(s) => s.clone(),
        Value::Object(map) => {
            let sorted: Map<String, Value> = {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            let mut text = String::from("{");
            for (i, (k, v)) in sorted.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                let _ = write!(text, "{}:{}", Value::String(k.clone()), v);
            }
            text.push('}');
            text
        }
        other => other.to_string(),
    };
    format!("{id}.{property}")
}

/// `{id, property}` objects of an output descriptor (§4.3) with string ids: one object for a
/// single output, an array for several. The property keeps any `@hash` suffix.
pub fn outputs_of(descriptor: &str) -> Value {
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

/// Stands for a [`raw_number`] in a body until [`serialize`] writes it.
const RAW_MARK: &str = "\u{1}raw-number\u{1}";

/// A JSON number written verbatim into the request, for numbers `serde_json::Value` cannot
/// hold exactly (integers beyond 64 bits, as `JSON.stringify` writes them). Only
/// [`serialize`] writes it as a number.
///
/// ```
/// use dash_e2e::conformance_support::{raw_number, serialize, Val};
/// use serde_json::json;
///
/// let Val::Is(value) = raw_number("36893488147419103000") else { unreachable!() };
/// assert_eq!(serialize(&json!([value])), "[36893488147419103000]");
/// ```
pub fn raw_number(text: &'static str) -> Val {
    Val::Is(Value::String(format!("{RAW_MARK}{text}")))
}

/// A request body as text, with every [`raw_number`] written verbatim.
pub fn serialize(body: &Value) -> String {
    let mut text = body.to_string();
    let quoted_mark = Value::String(RAW_MARK.to_owned()).to_string();
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

/// The request body dash-renderer sends for `case`, built from the callback's entry in
/// `dependencies` (the Python twin's list).
pub fn request_body(dependencies: &Value, case: &Case) -> Value {
    let dep = dependencies
        .as_array()
        .and_then(|list| list.iter().find(|d| d["output"] == case.output.as_str()))
        .unwrap_or_else(|| panic!("the Python twin has no callback {:?}", case.output));
    let item = |id: &Value, property: &Value, val: &Val| {
        let mut item = json!({"id": id, "property": property});
        if let Val::Is(value) = val {
            item["value"] = value.clone();
        }
        item
    };
    let values = |specs: &Value, args: &[Arg], what: &str| -> Vec<Value> {
        let specs = specs.as_array().cloned().unwrap_or_default();
        assert_eq!(
            specs.len(),
            args.len(),
            "case {:?}: {what} count does not match the callback",
            case.name
        );
        specs
            .iter()
            .zip(args)
            .map(|(spec, a)| match a {
                Arg::Plain(val) => item(&spec["id"], &spec["property"], val),
                Arg::Matched(id, val) => item(id, &spec["property"], val),
                Arg::Many(items) => Value::Array(
                    items
                        .iter()
                        .map(|(id, val)| item(id, &spec["property"], val))
                        .collect(),
                ),
            })
            .collect()
    };
    let parsed: Vec<Value> = case
        .changed
        .iter()
        .map(|p| {
            let id = p.rsplit_once('.').map_or(p.as_str(), |(id, _)| id);
            if id.starts_with('{') {
                serde_json::from_str(id).unwrap_or_else(|_| Value::String(p.clone()))
            } else {
                Value::String(p.clone())
            }
        })
        .collect();
    let mut body = Map::new();
    body.insert("output".into(), dep["output"].clone());
    if dep["no_output"] != true {
        let outputs = case
            .outputs
            .clone()
            .unwrap_or_else(|| outputs_of(&case.output));
        body.insert("outputs".into(), outputs);
    }
    body.insert(
        "inputs".into(),
        Value::Array(values(&dep["inputs"], &case.inputs, "input")),
    );
    if dep["state"].as_array().is_some_and(|s| !s.is_empty()) {
        body.insert(
            "state".into(),
            Value::Array(values(&dep["state"], &case.state, "state")),
        );
    }
    body.insert("changedPropIds".into(), json!(case.changed));
    body.insert("parsedChangedPropsIds".into(), Value::Array(parsed));
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_for_pattern_and_no_output_callbacks() {
        let deps = json!([
            {"output": "{\"index\":[\"MATCH\"],\"type\":\"label\"}.style",
             "inputs": [{"id": "{\"index\":[\"MATCH\"],\"type\":\"done\"}", "property": "value"}],
             "state": [{"id": "{\"index\":[\"ALLSMALLER\"],\"type\":\"done\"}", "property": "value"}],
             "no_output": false},
            {"output": "abc", "inputs": [{"id": "ping", "property": "n_clicks"}], "state": [],
             "no_output": true},
        ]);
        let id = |kind: &str, i: u64| json!({"type": kind, "index": i});
        let case = Case::new("strike", "{\"index\":[\"MATCH\"],\"type\":\"label\"}.style")
            .outputs(json!({"id": id("label", 1), "property": "style"}))
            .inputs([matched(id("done", 1), json!(["done"]))])
            .state([many([(id("done", 0), json!([]))])])
            .changed([prop_id(&id("done", 1), "value")]);
        assert_eq!(
            request_body(&deps, &case),
            json!({
                "output": "{\"index\":[\"MATCH\"],\"type\":\"label\"}.style",
                "outputs": {"id": {"type": "label", "index": 1}, "property": "style"},
                "inputs": [{"id": {"type": "done", "index": 1}, "property": "value", "value": ["done"]}],
                "state": [[{"id": {"type": "done", "index": 0}, "property": "value", "value": []}]],
                "changedPropIds": ["{\"index\":1,\"type\":\"done\"}.value"],
                "parsedChangedPropsIds": [{"index": 1, "type": "done"}],
            })
        );
        let ping = Case::new("ping", "abc")
            .inputs([absent()])
            .changed(["ping.n_clicks"]);
        assert_eq!(
            request_body(&deps, &ping),
            json!({"output": "abc", "inputs": [{"id": "ping", "property": "n_clicks"}],
                   "changedPropIds": ["ping.n_clicks"], "parsedChangedPropsIds": ["ping.n_clicks"]})
        );
    }

    #[test]
    fn outputs_keep_hash_suffixes() {
        assert_eq!(
            outputs_of("list.children@abc"),
            json!({"id": "list", "property": "children@abc"})
        );
        assert_eq!(
            outputs_of("..a.children...b.value.."),
            json!([{"id": "a", "property": "children"}, {"id": "b", "property": "value"}])
        );
    }

    #[test]
    fn deliberate_fields_are_removed_by_path() {
        let mut entry = json!({"a": {"b": 1, "c": 2}, "d": 3});
        assert_eq!(take_path(&mut entry, "a.b"), Some(json!(1)));
        assert_eq!(take_path(&mut entry, "d"), Some(json!(3)));
        assert_eq!(entry, json!({"a": {"c": 2}}));
    }
}
