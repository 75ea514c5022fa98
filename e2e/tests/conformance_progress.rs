//! Conformance of the `progress` example (a background callback) against its Python Dash
//! 4.4.1 twin on Dash's DiskcacheManager (`conformance/python/progress.py`).
//!
//! Both servers get the same requests, built as dash-renderer builds them (§6.2 of the
//! protocol notes), and their answers are compared where they are deterministic:
//!
//! - `_dash-layout` and `_dash-dependencies` (as a set keyed by `output`; the cancel helper
//!   entry included): equal JSON.
//! - job start: the same keys; `cacheKey` and `job` are opaque signed handles
//!   (`<value>~<signature>`), `cancel` equal, no `response`;
//! - polls: every answer is 200 with `multi: true` and nothing but `progress`/`sideUpdate`
//!   until the result; progress values are `(step, 10)`; the final `response` is equal; a poll
//!   after the result is 204. One deliberate difference: dash-rs never consumes progress by
//!   reading it, so a poll repeats the latest progress (Python sends each value once);
//! - forged handles: 204 from both;
//! - cancel (the helper callback with `cancelJob`): the same answer, then 204 for the job;
//! - a new run with `oldJob`: the old job answers 204, the new one delivers.
//!
//! Run: `cargo test -p dash-e2e --test conformance_progress -- --nocapture`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use dash_e2e::app::{self, RunningApp};
use dash_e2e::http::{self, Response};
use dash_e2e::python::{PythonServer, PythonTwin};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(60);

/// Bound of each wait for a job (never a timing assertion).
const WAIT: Duration = Duration::from_secs(90);

struct Server {
    label: &'static str,
    base: String,
    end_id: String,
}

impl Server {
    fn new(label: &'static str, base: String) -> Self {
        let index = http::get(&format!("{base}/"), TIMEOUT)
            .unwrap_or_else(|e| panic!("GET {base}/ failed: {e}"));
        let end_id = dash_config(&index.text())
            .and_then(|c| c["end_id"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("{label}: the index page has no end_id"));
        Server {
            label,
            base,
            end_id,
        }
    }

    fn get_json(&self, path: &str) -> Value {
        http::get(&format!("{}{path}", self.base), TIMEOUT)
            .and_then(|r| r.json())
            .unwrap_or_else(|e| panic!("{}: GET {path}: {e}", self.label))
    }

    fn post(&self, query: &str, body: &Value) -> (u16, Value) {
        let url = format!(
            "{}/_dash-update-component?endId={}{query}",
            self.base, self.end_id
        );
        let resp: Response = http::post_json(&url, body, TIMEOUT)
            .unwrap_or_else(|e| panic!("{}: POST {url}: {e}", self.label));
        let json = if resp.body.is_empty() {
            Value::Null
        } else {
            resp.json().unwrap_or_else(|_| Value::String(resp.text()))
        };
        (resp.status, json)
    }

    fn start(&self, body: &Value, extra: &str) -> Value {
        let (status, answer) = self.post(extra, body);
        assert_eq!(status, 200, "{}: starting a job: {answer}", self.label);
        answer
    }

    fn poll(&self, started: &Value, body: &Value) -> (u16, Value) {
        let query = format!(
            "&cacheKey={}&job={}",
            started["cacheKey"].as_str().unwrap_or(""),
            started["job"].as_str().unwrap_or("")
        );
        self.post(&query, &nulled(body))
    }

    /// Poll every 200 ms until the answer is final; returns it and the answers before it.
    fn poll_to_end(&self, started: &Value, body: &Value) -> (u16, Value, Vec<Value>) {
        let begun = Instant::now();
        let mut seen = Vec::new();
        loop {
            let (status, answer) = self.poll(started, body);
            if status != 200 || answer.get("response").is_some() {
                return (status, answer, seen);
            }
            seen.push(answer);
            assert!(
                begun.elapsed() < WAIT,
                "{}: the job did not finish: {seen:?}",
                self.label
            );
            thread::sleep(Duration::from_millis(200));
        }
    }

    /// Poll until some progress was reported.
    fn poll_until_progress(&self, started: &Value, body: &Value) -> Value {
        let begun = Instant::now();
        loop {
            let (status, answer) = self.poll(started, body);
            assert_eq!(status, 200, "{}: {answer}", self.label);
            if answer.get("progress").is_some() {
                return answer;
            }
            assert!(begun.elapsed() < WAIT, "{}: no progress came", self.label);
            thread::sleep(Duration::from_millis(100));
        }
    }
}

fn dash_config(html: &str) -> Option<Value> {
    let tag = html.find("id=\"_dash-config\"")?;
    let start = tag + html[tag..].find('>')? + 1;
    let end = start + html[start..].find("</script>")?;
    serde_json::from_str(&html[start..end]).ok()
}

fn run_body(n: u64) -> Value {
    json!({
        "output": "paragraph_id.children",
        "outputs": {"id": "paragraph_id", "property": "children"},
        "inputs": [{"id": "button_id", "property": "n_clicks", "value": n}],
        "changedPropIds": ["button_id.n_clicks"],
        "parsedChangedPropsIds": ["button_id.n_clicks"],
    })
}

fn cancel_body() -> Value {
    json!({
        "output": "cancel_button_id.id",
        "outputs": {"id": "cancel_button_id", "property": "id"},
        "inputs": [{"id": "cancel_button_id", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["cancel_button_id.n_clicks"],
        "parsedChangedPropsIds": ["cancel_button_id.n_clicks"],
    })
}

fn nulled(body: &Value) -> Value {
    let mut body = body.clone();
    for key in ["inputs", "state"] {
        if let Some(Value::Array(items)) = body.get_mut(key) {
            for item in items {
                item["value"] = Value::Null;
            }
        }
    }
    body
}

fn keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

fn is_handle(v: &Value) -> bool {
    v.as_str()
        .and_then(|s| s.rsplit_once('~'))
        .is_some_and(|(value, sig)| !value.is_empty() && sig.len() == 64)
}

/// The progress values must be `(step, 10)`.
fn check_progress(label: &str, answers: &[Value]) -> Vec<(i64, i64)> {
    let mut values = Vec::new();
    for a in answers {
        assert_eq!(a["multi"], json!(true), "{label}: {a}");
        let extra: Vec<String> = keys(a)
            .into_iter()
            .filter(|k| !["multi", "progress", "sideUpdate", "response"].contains(&k.as_str()))
            .collect();
        assert!(
            extra.is_empty(),
            "{label}: unexpected keys {extra:?} in {a}"
        );
        if let Some(p) = a.get("progress") {
            let value = p["progress_bar.value"].as_f64().unwrap_or(-1.0) as i64;
            let max = p["progress_bar.max"].as_f64().unwrap_or(-1.0) as i64;
            assert!(
                (1..=10).contains(&value) && max == 10,
                "{label}: progress {p}"
            );
            assert_eq!(keys(p), ["progress_bar.max", "progress_bar.value"]);
            values.push((value, max));
        }
    }
    values
}

struct Pair {
    rust: Server,
    python: Server,
    _rust_app: RunningApp,
    _python_app: PythonTwin,
}

fn start_pair() -> Pair {
    let python_app = PythonTwin::start("progress", PythonServer::FlaskDev)
        .unwrap_or_else(|e| panic!("cannot start the Python twin of progress: {e}"));
    let exe = app::build_release_binary("progress")
        .unwrap_or_else(|e| panic!("cannot build the progress example: {e}"));
    let port = app::free_port().unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(exe);
    // The embedded manager: jobs in the app's own process, like DiskcacheManager.
    cmd.current_dir(app::workspace_root())
        .env_remove("REDIS_URL");
    let rust_app = RunningApp::start_command(cmd, port)
        .unwrap_or_else(|e| panic!("cannot start the progress example: {e}"));
    Pair {
        rust: Server::new("dash-rs", rust_app.url()),
        python: Server::new("Python", python_app.url()),
        _rust_app: rust_app,
        _python_app: python_app,
    }
}

#[test]
fn progress_matches_python_dash() {
    let pair = start_pair();
    let mut report = String::new();
    let servers = [&pair.python, &pair.rust];

    // Layout and dependencies.
    let layouts: Vec<Value> = servers
        .iter()
        .map(|s| s.get_json("/_dash-layout"))
        .collect();
    assert_eq!(layouts[0], layouts[1], "layouts differ");
    let deps: Vec<BTreeMap<String, Value>> = servers
        .iter()
        .map(|s| {
            s.get_json("/_dash-dependencies")
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e["output"].as_str().unwrap_or("").to_owned(), e))
                .collect()
        })
        .collect();
    assert_eq!(deps[0], deps[1], "dependencies differ");
    let _ = writeln!(
        report,
        "layout: equal; dependencies: equal ({} entries: {:?})",
        deps[0].len(),
        deps[0].keys().collect::<Vec<_>>()
    );

    // Run 1: start, polls, result, a late poll, forged handles.
    let mut finals = Vec::new();
    for s in servers {
        let body = run_body(1);
        let started = s.start(&body, "");
        assert_eq!(
            keys(&started),
            ["cacheKey", "cancel", "job"],
            "{}: {started}",
            s.label
        );
        assert!(
            is_handle(&started["cacheKey"]) && is_handle(&started["job"]),
            "{}: {started}",
            s.label
        );
        assert_eq!(
            started["cancel"],
            json!([{"id": "cancel_button_id", "property": "n_clicks"}])
        );
        let (status, last, seen) = s.poll_to_end(&started, &body);
        assert_eq!(status, 200, "{}: {last}", s.label);
        let progress = check_progress(s.label, &seen);
        check_progress(s.label, std::slice::from_ref(&last));
        let (late, late_body) = s.poll(&started, &body);
        assert_eq!(late, 204, "{}: poll after the result: {late_body}", s.label);
        let forged = json!({"cacheKey": started["cacheKey"], "job": format!("{}0", started["job"].as_str().unwrap_or(""))});
        assert_eq!(s.poll(&forged, &body).0, 204, "{}: forged handle", s.label);
        let _ = writeln!(
            report,
            "{}: start keys {:?}; {} polls before the result, progress seen {progress:?}; final {last}; late poll 204; forged handle 204",
            s.label,
            keys(&started),
            seen.len()
        );
        finals.push(last["response"].clone());
    }
    assert_eq!(finals[0], finals[1], "final responses differ");
    assert_eq!(
        finals[0],
        json!({"paragraph_id": {"children": ["Clicked 1 times"]}})
    );

    // Run 2: cancelled through the helper callback.
    for s in servers {
        let body = run_body(2);
        let started = s.start(&body, "");
        let first = s.poll_until_progress(&started, &body);
        let query = format!("&cancelJob={}", started["job"].as_str().unwrap_or(""));
        let (status, answer) = s.post(&query, &cancel_body());
        assert_eq!(
            (status, &answer),
            (200, &json!({"multi": true, "response": {}})),
            "{}: cancel helper",
            s.label
        );
        let (after, after_body) = s.poll(&started, &body);
        assert_eq!(
            after, 204,
            "{}: poll after the cancel: {after_body}",
            s.label
        );
        let _ = writeln!(
            report,
            "{}: cancel: running ({first}), helper answered {answer}, next poll 204",
            s.label
        );
    }

    // Run 3 supersedes run 4's predecessor: `oldJob` on the new start.
    for s in servers {
        let old_body = run_body(3);
        let old = s.start(&old_body, "");
        s.poll_until_progress(&old, &old_body);
        let new_body = run_body(4);
        let new = s.start(
            &new_body,
            &format!("&oldJob={}", old["job"].as_str().unwrap_or("")),
        );
        let (old_status, old_answer) = s.poll(&old, &old_body);
        assert_eq!(
            old_status, 204,
            "{}: the superseded job: {old_answer}",
            s.label
        );
        let (status, last, _) = s.poll_to_end(&new, &new_body);
        assert_eq!(status, 200);
        assert_eq!(
            last["response"],
            json!({"paragraph_id": {"children": ["Clicked 4 times"]}}),
            "{}",
            s.label
        );
        let _ = writeln!(
            report,
            "{}: oldJob: superseded job 204, new job {}",
            s.label, last["response"]
        );
    }
    println!("{report}");
}
