//! Browser end-to-end test of the `todo` example: pattern-matching ids (`MATCH`, `ALL`),
//! `Patch` appends and deletes and two callbacks writing one property, in headless Chromium
//! through the real Dash front end.
//!
//! `DASH_E2E_TODO_CMD` (a shell command serving on `$HOST:$PORT`) replaces the Rust example,
//! e.g. to run the same test against a Python Dash twin.

use std::error::Error;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use dash_e2e::app::{self, RunningApp};
use dash_e2e::browser::{Browser, Element, LogEntry};

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(30);

/// What dash-renderer shows when a callback fails (the dev-tools error badge, the error
/// list and cards). None of it may appear.
const ERROR_UI: &str =
    ".test-devtools-error-count, .dash-fe-error__title, .dash-fe-error-item, .dash-error-card";

/// A row of the list: `html.Div(id={"type": "item", "index": n})`. dash-renderer writes a
/// dict id into the DOM as JSON with sorted keys, so this matches every row's id.
const ROW: &str = r#"#list div[id*='"type":"item"']"#;

/// The label inside a row: `html.Span(id={"type": "label", "index": n})`.
const LABEL: &str = r#"span[id*='"type":"label"']"#;

/// The checkbox inside a row (in `dcc.Checklist(id={"type": "done", "index": n})`).
const CHECKBOX: &str = r#"[id*='"type":"done"'] input[type=checkbox]"#;

type TestResult = Result<(), Box<dyn Error>>;

#[test]
fn todo_adds_checks_and_clears_items() {
    let app = start("todo");
    let browser = launch();
    run("todo", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;
        b.find("#new-item")?;
        let title = b.wait_for_title("Todo", WAIT)?;
        println!("page title {title:?}");
        let summary = b.wait_for("#summary to be rendered", WAIT, |b| {
            b.find("#summary")?.text().map(Some)
        })?;
        println!(
            "initially: #summary reads {summary:?}, {} rows",
            b.find_all(ROW)?.len()
        );
        if !b.find_all(ROW)?.is_empty() {
            return Err("the list should start empty".into());
        }

        // Add with an empty input: the callback prevents the update, no row appears (checked
        // below: after the first real add there is exactly one row).
        b.find("#add")?.click()?;
        println!("clicked Add with an empty input");

        let items = ["milk", "bread", "eggs"];
        for (i, item) in items.iter().enumerate() {
            add_item(b, item)?;
            let labels = wait_for_labels(b, &items[..=i])?;
            let input = b.find("#new-item")?.property("value")?;
            println!("added {item:?}: labels {labels:?}, #new-item value {input}");
        }
        let summary = b.wait_for_text("#summary", "0 of 3 done", WAIT)?;
        println!("after three adds: #summary reads {summary:?}");
        for id in row_ids(b)? {
            println!("row id attribute: {id}");
        }

        // Tick "bread".
        row_with_label(b, "bread")?.find(CHECKBOX)?.click()?;
        let style = wait_for_struck(b, "bread", true)?;
        println!("ticked \"bread\": its label is struck through ({style})");
        let summary = b.wait_for_text("#summary", "1 of 3 done", WAIT)?;
        println!("#summary reads {summary:?}");
        for other in ["milk", "eggs"] {
            let style = wait_for_struck(b, other, false)?;
            println!("{other:?} is not struck through ({style})");
        }
        save_screenshot(b, "todo-checked")?;

        b.find("#clear")?.click()?;
        let labels = wait_for_labels(b, &["milk", "eggs"])?;
        println!("after Clear done: labels {labels:?}");
        let summary = b.wait_for_text("#summary", "0 of 2 done", WAIT)?;
        println!("#summary reads {summary:?}");
        for left in ["milk", "eggs"] {
            let style = wait_for_struck(b, left, false)?;
            println!("{left:?} is not struck through ({style})");
        }

        assert_no_callback_errors(b)?;
        save_screenshot(b, "todo")
    });
}

/// Types `text` into `#new-item`, clicks Add and waits for the input to be cleared.
fn add_item(b: &Browser, text: &str) -> TestResult {
    b.type_into("#new-item", text)?;
    b.wait_for(&format!("#new-item to hold {text:?}"), WAIT, |b| {
        let value = b.find("#new-item")?.property("value")?;
        Ok((value == text).then_some(()))
    })?;
    b.find("#add")?.click()?;
    let mut last = serde_json::Value::Null;
    b.wait_for(
        &format!("#new-item to be cleared after adding {text:?}"),
        WAIT,
        |b| {
            last = b.find("#new-item")?.property("value")?;
            Ok((last == "").then_some(()))
        },
    )
    .map_err(|e| format!("{e} (its value was {last})"))?;
    Ok(())
}

/// Waits until the rows' labels are exactly `expected`, in order.
fn wait_for_labels(b: &Browser, expected: &[&str]) -> Result<Vec<String>, Box<dyn Error>> {
    let mut seen = Vec::new();
    b.wait_for(&format!("the list to read {expected:?}"), WAIT, |b| {
        seen = b
            .find_all(ROW)?
            .iter()
            .map(|row| row.find(LABEL)?.text())
            .collect::<Result<Vec<_>, _>>()?;
        Ok((seen == expected).then(|| seen.clone()))
    })
    .map_err(|e| format!("{e} (the labels were {seen:?})").into())
}

/// The row whose label reads `label`.
fn row_with_label<'b>(b: &'b Browser, label: &str) -> Result<Element<'b>, Box<dyn Error>> {
    for row in b.find_all(ROW)? {
        if row.find(LABEL)?.text()? == label {
            return Ok(row);
        }
    }
    Err(format!("no row labelled {label:?}").into())
}

/// Waits until the label `label` is (or is not) struck through, both in its computed style
/// and in its `style` attribute; returns a description of what was seen.
fn wait_for_struck(b: &Browser, label: &str, struck: bool) -> Result<String, Box<dyn Error>> {
    let mut seen = String::new();
    let what = format!(
        "{label:?} to be {}struck through",
        if struck { "" } else { "not " }
    );
    b.wait_for(&what, WAIT, |b| {
        let xpath = format!(
            "//div[@id='list']//span[contains(@id, '\"type\":\"label\"') and normalize-space(.)='{label}']"
        );
        let span = b.find_xpath(&xpath)?;
        let computed = span.css_value("text-decoration-line")?;
        let attribute = span.attribute("style")?.unwrap_or_default();
        seen = format!("text-decoration-line {computed:?}, style attribute {attribute:?}");
        let is_struck = computed.contains("line-through") && attribute.contains("line-through");
        let is_plain = !computed.contains("line-through") && !attribute.contains("line-through");
        Ok(if struck { is_struck } else { is_plain }.then(|| seen.clone()))
    })
    .map_err(|e| format!("{e} ({seen})").into())
}

/// The DOM `id` attributes of the rows.
fn row_ids(b: &Browser) -> Result<Vec<String>, Box<dyn Error>> {
    Ok(b.find_all(ROW)?
        .iter()
        .map(|row| row.attribute("id"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect())
}

/// Starts the app under test: the Rust example, or the command in `DASH_E2E_<NAME>_CMD`.
fn start(name: &str) -> RunningApp {
    let var = format!("DASH_E2E_{}_CMD", name.to_uppercase());
    let started = match std::env::var(&var) {
        Ok(line) if !line.trim().is_empty() => {
            println!("{var} set: running `{line}` instead of the {name} example");
            let mut cmd = Command::new("sh");
            cmd.arg("-c").arg(&line).current_dir(app::workspace_root());
            app::free_port().and_then(|port| RunningApp::start_command(cmd, port))
        }
        _ => RunningApp::start(name),
    };
    match started {
        Ok(app) => {
            println!("{name} serving on {}", app.url());
            app
        }
        Err(e) => panic!("starting {name}: {e}"),
    }
}

fn launch() -> Browser {
    Browser::launch().unwrap_or_else(|e| panic!("launching headless Chromium: {e}"))
}

/// Runs a scenario; on failure saves a screenshot and panics with what went wrong, the
/// browser console and the app's output.
fn run(
    name: &str,
    app: &RunningApp,
    browser: &Browser,
    scenario: impl FnOnce(&Browser) -> TestResult,
) {
    if let Err(e) = scenario(browser) {
        let console = match browser.console_log() {
            Ok(entries) => format_log(&entries),
            Err(e) => format!("(console log unavailable: {e})"),
        };
        let path = screenshot_path(&format!("{name}-failure"));
        let shot = match browser.screenshot(&path) {
            Ok(()) => format!("failure screenshot: {}\n", path.display()),
            Err(se) => format!("(no failure screenshot: {se})\n"),
        };
        let list = browser
            .execute(
                "const l = document.getElementById('list'); return l ? l.outerHTML : null;",
                vec![],
            )
            .map(|v| v.to_string())
            .unwrap_or_else(|e| format!("(unavailable: {e})"));
        panic!(
            "{name}: {e}\n{shot}--- #list ---\n{list}\n--- browser console (since the last check) ---\n{console}\n--- app output ---\n{}",
            app.output()
        );
    }
}

/// No callback failed: dash-renderer shows no error UI (debug mode), holds no error in its
/// store, and the console reports no failed `_dash-update-component` request and no error
/// logged by dash-renderer (any mode). Prints the console.
fn assert_no_callback_errors(b: &Browser) -> TestResult {
    let errors = b.find_all(ERROR_UI)?;
    if !errors.is_empty() {
        let texts: Vec<String> = errors.iter().filter_map(|e| e.text().ok()).collect();
        return Err(format!("the page shows callback errors: {texts:?}").into());
    }
    let stored = renderer_errors(b)?;
    let console = b.console_log()?;
    println!("--- browser console ---\n{}", format_log(&console));
    if !stored.is_empty() {
        return Err(format!("dash-renderer recorded errors: {stored:?}").into());
    }
    let failed: Vec<&LogEntry> = console
        .iter()
        .filter(|e| {
            e.level == "SEVERE"
                && (e.message.contains("_dash-update-component")
                    || e.message.contains("dash_renderer"))
        })
        .collect();
    if !failed.is_empty() {
        return Err(
            format!("callback requests failed or dash-renderer logged errors: {failed:?}").into(),
        );
    }
    Ok(())
}

/// The errors dash-renderer keeps in its store for the current page (what its dev tools
/// would list), as `"<frontEnd|backEnd>: <message>"`.
fn renderer_errors(b: &Browser) -> Result<Vec<String>, Box<dyn Error>> {
    let script = r#"
        const state = window.store && window.store.getState && window.store.getState();
        if (!state || !state.error) { return []; }
        const describe = (kind) => (state.error[kind] || []).map((e) => {
            const err = e.error || {};
            const text = err.message || String(err);
            const html = err.html ? " " + String(err.html).slice(0, 400) : "";
            return kind + ": " + text + html;
        });
        return describe("frontEnd").concat(describe("backEnd"));
    "#;
    let v = b.execute(script, vec![])?;
    Ok(v.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default())
}

fn save_screenshot(b: &Browser, name: &str) -> TestResult {
    let path = screenshot_path(name);
    b.screenshot(&path)?;
    println!("screenshot: {}", path.display());
    Ok(())
}

fn screenshot_path(name: &str) -> PathBuf {
    let target = app::target_dir().unwrap_or_else(|_| app::workspace_root().join("target"));
    target.join("e2e").join(format!("{name}.png"))
}

fn format_log(entries: &[LogEntry]) -> String {
    if entries.is_empty() {
        return "(empty)".into();
    }
    entries
        .iter()
        .map(|e| format!("[{}] {}", e.level, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}
