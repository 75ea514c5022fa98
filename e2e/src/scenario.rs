//! The shared frame of the browser tests: start the app under test (or the command that
//! replaces it), launch the browser, run a scenario and, when it fails, report everything
//! that helps to see why (screenshot, browser console, app output).
//!
//! ```no_run
//! use dash_e2e::scenario::{self, WAIT};
//!
//! let app = scenario::start("hello");
//! let browser = scenario::launch();
//! scenario::run("hello", &app, &browser, |b| {
//!     b.goto(&format!("{}/", app.url()))?;
//!     b.wait_for_text("#greeting", "Hello, world!", WAIT)?;
//!     scenario::assert_no_callback_errors(b)?;
//!     scenario::save_screenshot(b, "hello")
//! });
//! ```

use std::error::Error;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::app::{self, AppError, RunningApp};
use crate::browser::{Browser, LogEntry};

pub use dash_browser::{format_log, ERROR_UI};

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
pub const WAIT: Duration = Duration::from_secs(30);

/// What a scenario (or one of its steps) returns.
pub type ScenarioResult = Result<(), Box<dyn Error>>;

/// Starts the app under test: the example `name`, or the shell command in
/// `DASH_E2E_<NAME>_CMD` (serving on `$HOST:$PORT`) when that is set. Panics when it
/// cannot start.
pub fn start(name: &str) -> RunningApp {
    start_or(name, || RunningApp::start(name))
}

/// Like [`start`], with `example` starting the app when `DASH_E2E_<NAME>_CMD` is not set
/// (for an example that needs its own command line or environment).
pub fn start_or(name: &str, example: impl FnOnce() -> Result<RunningApp, AppError>) -> RunningApp {
    let var = format!("DASH_E2E_{}_CMD", name.to_uppercase());
    let started = match std::env::var(&var) {
        Ok(line) if !line.trim().is_empty() => {
            println!("{var} set: running `{line}` instead of the {name} example");
            let mut cmd = Command::new("sh");
            cmd.arg("-c").arg(&line).current_dir(app::workspace_root());
            app::free_port().and_then(|port| RunningApp::start_command(cmd, port))
        }
        _ => example(),
    };
    match started {
        Ok(app) => {
            println!("{name} serving on {}", app.url());
            app
        }
        Err(e) => panic!("starting {name}: {e}"),
    }
}

/// Launches headless Chromium; panics when it cannot.
pub fn launch() -> Browser {
    Browser::launch().unwrap_or_else(|e| panic!("launching headless Chromium: {e}"))
}

/// Runs a scenario; on failure saves a screenshot (`<name>-failure.png`) and panics with
/// what went wrong, the browser console and the app's output.
pub fn run(
    name: &str,
    app: &RunningApp,
    browser: &Browser,
    scenario: impl FnOnce(&Browser) -> ScenarioResult,
) {
    run_with(name, app, browser, |_| String::new(), scenario);
}

/// Like [`run`], with `context` adding test-specific text to the failure report (placed
/// after the screenshot line, before the console), e.g. a part of the page.
pub fn run_with(
    name: &str,
    app: &RunningApp,
    browser: &Browser,
    context: impl FnOnce(&Browser) -> String,
    scenario: impl FnOnce(&Browser) -> ScenarioResult,
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
        let context = context(browser);
        panic!(
            "{name}: {e}\n{shot}{context}--- browser console (since the last check) ---\n{console}\n--- app output ---\n{}",
            app.output()
        );
    }
}

/// The `outerHTML` of the element with DOM id `id` (JSON `null` when there is none), or why
/// it could not be read: for failure reports.
pub fn outer_html(b: &Browser, id: &str) -> String {
    b.execute(
        "const e = document.getElementById(arguments[0]); return e ? e.outerHTML : null;",
        vec![serde_json::Value::String(id.to_owned())],
    )
    .map(|v| v.to_string())
    .unwrap_or_else(|e| format!("(unavailable: {e})"))
}

/// No callback failed: dash-renderer shows no error UI (debug mode), holds no error in its
/// store, and the console reports no failed `_dash-update-component` request and no error
/// logged by dash-renderer (any mode). Prints the console.
pub fn assert_no_callback_errors(b: &Browser) -> ScenarioResult {
    let shown = b.callback_errors()?;
    if !shown.is_empty() {
        return Err(format!("the page shows callback errors: {shown:?}").into());
    }
    let stored = b.renderer_errors()?;
    let console = b.console_log()?;
    println!("--- browser console ---\n{}", format_log(&console));
    if !stored.is_empty() {
        return Err(format!("dash-renderer recorded errors: {stored:?}").into());
    }
    let failed: Vec<&LogEntry> = console
        .iter()
        .filter(|e| {
            e.is_error()
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
pub fn renderer_errors(b: &Browser) -> Result<Vec<String>, Box<dyn Error>> {
    Ok(b.renderer_errors()?)
}

/// Saves a screenshot of the page as `<target>/e2e/<name>.png` and prints its path.
pub fn save_screenshot(b: &Browser, name: &str) -> ScenarioResult {
    let path = screenshot_path(name);
    b.screenshot(&path)?;
    println!("screenshot: {}", path.display());
    Ok(())
}

/// Where the screenshot `name` goes: `<target>/e2e/<name>.png`.
pub fn screenshot_path(name: &str) -> PathBuf {
    let target = app::target_dir().unwrap_or_else(|_| app::workspace_root().join("target"));
    target.join("e2e").join(format!("{name}.png"))
}
