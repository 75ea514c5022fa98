//! Browser end-to-end test of the `progress` example: a background callback driven through the
//! real Dash front end in headless Chromium — the progress bar advances while the button is
//! disabled, the result arrives, and a second run is cancelled.
//!
//! `DASH_E2E_PROGRESS_CMD` (a shell command serving on `$HOST:$PORT`) replaces the Rust
//! example, e.g. to run the same scenario against the Python Dash twin:
//! `DASH_E2E_PROGRESS_CMD='target/conformance-venv/bin/python conformance/python/progress.py'`.

use std::process::Command;
use std::thread;
use std::time::Duration;

use dash_e2e::app::{self, RunningApp};
use dash_e2e::browser::Browser;
use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot};

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(60);

#[test]
fn progress_runs_a_job_then_cancels_one() {
    let app = start();
    let browser = launch();
    run("progress", &app, &browser, |b| {
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

/// The Rust example (with a fresh embedded store per run, whatever the machine's cache holds),
/// or the command in `DASH_E2E_PROGRESS_CMD`.
fn start() -> RunningApp {
    dash_e2e::scenario::start_or("progress", || {
        let port = app::free_port()?;
        let exe = app::build_release_binary("progress")?;
        let mut cmd = Command::new(exe);
        cmd.current_dir(app::workspace_root())
            .env_remove("REDIS_URL");
        RunningApp::start_command(cmd, port)
    })
}
