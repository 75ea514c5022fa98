//! Browser end-to-end tests: the example apps in headless Chromium, through the real Dash
//! front end, read the way a person would read them.
//!
//! `DASH_E2E_HELLO_CMD` / `DASH_E2E_CALC_CMD` (a shell command serving on `$HOST:$PORT`)
//! replace the Rust example, e.g. to run the same test against a Python Dash twin.

use std::error::Error;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use dash_e2e::app::{self, RunningApp};
use dash_e2e::browser::{Browser, LogEntry};

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(30);

/// What dash-renderer shows when a callback fails (the dev-tools error badge, the error
/// list and cards). None of it may appear.
const ERROR_UI: &str =
    ".test-devtools-error-count, .dash-fe-error__title, .dash-fe-error-item, .dash-error-card";

type TestResult = Result<(), Box<dyn Error>>;

#[test]
fn hello_greets_and_counts_clicks() {
    let app = start("hello");
    let browser = launch();
    run("hello", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;

        let greeting = b.wait_for_text("#greeting", "Hello, world!", WAIT)?;
        println!("#greeting reads {greeting:?}");
        let heading = b.wait_for_text("#title", "Hello Dash", WAIT)?;
        println!("#title reads {heading:?}");
        let clicks = b.wait_for_text("#clicks", "0 clicks by world", WAIT)?;
        println!("#clicks reads {clicks:?}");

        b.type_into("#name", "Rustacean")?;
        let greeting = b.wait_for_text("#greeting", "Hello, Rustacean!", WAIT)?;
        println!("after typing: #greeting reads {greeting:?}");

        b.find("#btn")?.click()?;
        let clicks = b.wait_for_text("#clicks", "1 clicks by Rustacean", WAIT)?;
        println!("after one click: #clicks reads {clicks:?}");
        b.find("#btn")?.click()?;
        let clicks = b.wait_for_text("#clicks", "2 clicks by Rustacean", WAIT)?;
        println!("after two clicks: #clicks reads {clicks:?}");

        let title = wait_for_title(b, "Dash")?;
        println!("page title {title:?}");
        assert_no_callback_errors(b)?;

        save_screenshot(b, "hello")
    });
}

#[test]
fn calc_squares_cubes_and_parity() {
    let app = start("calc");
    let browser = launch();
    run("calc", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;

        let square = b.wait_for_text("#square", "9", WAIT)?;
        let cube = b.wait_for_text("#cube", "27", WAIT)?;
        let parity = b.wait_for_text("#parity", "odd", WAIT)?;
        println!("for 3: #square {square:?}, #cube {cube:?}, #parity {parity:?}");

        b.type_into("input[type=number]", "-2")?;
        let cube = b.wait_for_text("#cube", "-8", WAIT)?;
        let parity = b.wait_for_text("#parity", "even", WAIT)?;
        // A negative number leaves the square as it was.
        let square = b.text("#square")?;
        println!("for -2: #square {square:?}, #cube {cube:?}, #parity {parity:?}");
        if square != "9" {
            return Err(format!("#square should still read \"9\" for -2, reads {square:?}").into());
        }

        let title = wait_for_title(b, "Dash")?;
        println!("page title {title:?}");
        assert_no_callback_errors(b)?;

        save_screenshot(b, "calc")
    });
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
        panic!(
            "{name}: {e}\n{shot}--- browser console (since the last check) ---\n{console}\n--- app output ---\n{}",
            app.output()
        );
    }
}

fn wait_for_title(b: &Browser, expected: &str) -> Result<String, Box<dyn Error>> {
    let mut last = String::new();
    b.wait_for(&format!("the page title to be {expected:?}"), WAIT, |b| {
        last = b.title()?;
        Ok((last == expected).then(|| last.clone()))
    })
    .map_err(|e| format!("{e} (title was {last:?})").into())
}

/// No callback failed: dash-renderer shows no error UI (debug mode) and the console reports
/// no failed `_dash-update-component` request (any mode). Prints the console.
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
