//! Browser end-to-end test of the `progress` example: a background callback driven through the
//! real Dash front end in headless Chromium — the progress bar advances while the button is
//! disabled, the result arrives, and a second run is cancelled.
//!
//! `DASH_E2E_PROGRESS_CMD` (a shell command serving on `$HOST:$PORT`) replaces the Rust
//! example, e.g. to run the same scenario against the Python Dash twin:
//! `DASH_E2E_PROGRESS_CMD='target/conformance-venv/bin/python conformance/python/progress.py'`.

use std::error::Error;
use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::Duration;

use dash_e2e::app::{self, RunningApp};
use dash_e2e::browser::{Browser, LogEntry};

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(60);

/// What dash-renderer shows when a callback fails. None of it may appear.
const ERROR_UI: &str =
    ".test-devtools-error-count, .dash-fe-error__title, .dash-fe-error-item, .dash-error-card";

type TestResult = Result<(), Box<dyn Error>>;

#[test]
fn progress_runs_a_job_then_cancels_one() {
    let app = start();
    let browser = Browser::launch().unwrap_or_else(|e| panic!("launching headless Chromium: {e}"));
    run(&app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;
        let text = b.wait_for_text("#paragraph_id", "Button not clicked", WAIT)?;
        println!(
            "#paragraph_id reads {text:?}; #progress_bar value {:?}",
            bar_value(b)?
        );

        // Run 1: the button is disabled while the job runs and the bar advances.
        b.find("#button_id")?.click()?;
        b.wait_for("#button_id to be disabled", WAIT, |b| {
            Ok(disabled(b, "#button_id")?.then_some(()))
        })?;
        println!(
            "run 1: #button_id disabled, #cancel_button_id disabled = {}",
            disabled(b, "#cancel_button_id")?
        );
        let mut seen: Vec<f64> = Vec::new();
        b.wait_for("the result of run 1", WAIT, |b| {
            let value = bar_value(b)?;
            if seen.last() != Some(&value) {
                seen.push(value);
            }
            Ok((b.text("#paragraph_id")? == "Clicked 1 times").then_some(()))
        })?;
        println!(
            "run 1: #progress_bar values seen {seen:?}; #paragraph_id reads \"Clicked 1 times\""
        );
        if !seen.iter().any(|v| *v > 0.0) {
            return Err(format!("the progress bar never advanced (values seen: {seen:?})").into());
        }
        b.wait_for("#button_id to be enabled again", WAIT, |b| {
            Ok((!disabled(b, "#button_id")?).then_some(()))
        })?;
        println!(
            "run 1: #button_id enabled again, #cancel_button_id disabled = {}",
            disabled(b, "#cancel_button_id")?
        );

        // Run 2: started, then cancelled once the bar moved.
        b.find("#button_id")?.click()?;
        b.wait_for("#button_id to be disabled for run 2", WAIT, |b| {
            Ok(disabled(b, "#button_id")?.then_some(()))
        })?;
        b.wait_for("#cancel_button_id to be enabled", WAIT, |b| {
            Ok((!disabled(b, "#cancel_button_id")?).then_some(()))
        })?;
        println!("run 2: running; cancelling");
        b.find("#cancel_button_id")?.click()?;
        b.wait_for("#button_id to be enabled after the cancel", WAIT, |b| {
            Ok((!disabled(b, "#button_id")?).then_some(()))
        })?;
        let text = b.wait_for_text("#paragraph_id", "Clicked 1 times", WAIT)?;
        println!("run 2 cancelled: #button_id enabled, #paragraph_id reads {text:?}");
        // Longer than a whole job (10 x 200 ms): a cancelled job must never deliver.
        thread::sleep(Duration::from_secs(4));
        let text = b.text("#paragraph_id")?;
        println!("4 s later: #paragraph_id reads {text:?}");
        if text != "Clicked 1 times" {
            return Err(format!("the cancelled run delivered a result: {text:?}").into());
        }

        assert_no_callback_errors(b)?;
        save_screenshot(b, "progress")
    });
}

/// The progress bar's value (0 when unset).
fn bar_value(b: &Browser) -> Result<f64, dash_e2e::browser::BrowserError> {
    let value = b.find("#progress_bar")?.property("value")?;
    Ok(value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0.0))
}

fn disabled(b: &Browser, css: &str) -> Result<bool, dash_e2e::browser::BrowserError> {
    Ok(b.find(css)?
        .property("disabled")?
        .as_bool()
        .unwrap_or(false))
}

/// The Rust example, or the command in `DASH_E2E_PROGRESS_CMD`.
fn start() -> RunningApp {
    let started = match std::env::var("DASH_E2E_PROGRESS_CMD") {
        Ok(line) if !line.trim().is_empty() => {
            println!("DASH_E2E_PROGRESS_CMD set: running `{line}` instead of the progress example");
            let mut cmd = Command::new("sh");
            cmd.arg("-c").arg(&line).current_dir(app::workspace_root());
            app::free_port().and_then(|port| RunningApp::start_command(cmd, port))
        }
        _ => {
            // A fresh embedded store per run, whatever the machine's cache holds.
            let port = app::free_port();
            let exe = app::build_release_binary("progress");
            match (port, exe) {
                (Ok(port), Ok(exe)) => {
                    let mut cmd = Command::new(exe);
                    cmd.current_dir(app::workspace_root())
                        .env_remove("REDIS_URL");
                    RunningApp::start_command(cmd, port)
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
    };
    match started {
        Ok(app) => {
            println!("progress serving on {}", app.url());
            app
        }
        Err(e) => panic!("starting progress: {e}"),
    }
}

/// Runs the scenario; on failure saves a screenshot and panics with the browser console and
/// the app's output.
fn run(app: &RunningApp, browser: &Browser, scenario: impl FnOnce(&Browser) -> TestResult) {
    if let Err(e) = scenario(browser) {
        let console = match browser.console_log() {
            Ok(entries) => format_log(&entries),
            Err(e) => format!("(console log unavailable: {e})"),
        };
        let path = screenshot_path("progress-failure");
        let shot = match browser.screenshot(&path) {
            Ok(()) => format!("failure screenshot: {}\n", path.display()),
            Err(se) => format!("(no failure screenshot: {se})\n"),
        };
        panic!(
            "progress: {e}\n{shot}--- browser console ---\n{console}\n--- app output ---\n{}",
            app.output()
        );
    }
}

fn assert_no_callback_errors(b: &Browser) -> TestResult {
    let errors = b.find_all(ERROR_UI)?;
    if !errors.is_empty() {
        let texts: Vec<String> = errors.iter().filter_map(|e| e.text().ok()).collect();
        return Err(format!("the page shows callback errors: {texts:?}").into());
    }
    let console = b.console_log()?;
    println!("--- browser console ---\n{}", format_log(&console));
    let failed: Vec<&LogEntry> = console
        .iter()
        .filter(|e| e.level == "SEVERE" && e.message.contains("_dash-update-component"))
        .collect();
    if !failed.is_empty() {
        return Err(format!("callback requests failed: {failed:?}").into());
    }
    Ok(())
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
