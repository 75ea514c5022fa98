//! Browser end-to-end test of the `multipage` example: Pages routing through `dcc.Link`
//! (no full reload), path templates, redirects, the 404 page, the clientside title callback
//! and two instances of the `counter-aio` All-in-One component, in headless Chromium through
//! the real Dash front end.
//!
//! `DASH_E2E_MULTIPAGE_CMD` (a shell command serving on `$HOST:$PORT`) replaces the Rust
//! example, e.g. to run the same test against a Python Dash twin.

use std::error::Error;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use dash_e2e::app::{self, RunningApp};
use dash_e2e::browser::{Browser, LogEntry};
use serde_json::{json, Value};

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(30);

/// What dash-renderer shows when a callback fails (the dev-tools error badge, the error
/// list and cards). None of it may appear.
const ERROR_UI: &str =
    ".test-devtools-error-count, .dash-fe-error__title, .dash-fe-error-item, .dash-error-card";

/// The app's title. Pages without a `title` take it (Dash's rule: the app title when it is
/// not "Dash", else the page name), so Home, Analytics and the 404 page show it.
const APP_TITLE: &str = "Multipage";

/// The ids of the counter-aio parts as dash-renderer writes them into the DOM: JSON with
/// sorted keys.
const LEFT_BUTTON: &str =
    r#"[id='{"aio_id":"left","component":"CounterAIO","subcomponent":"button"}']"#;
const LEFT_DISPLAY: &str =
    r#"[id='{"aio_id":"left","component":"CounterAIO","subcomponent":"display"}']"#;
const RIGHT_BUTTON: &str =
    r#"[id='{"aio_id":"right","component":"CounterAIO","subcomponent":"button"}']"#;
const RIGHT_DISPLAY: &str =
    r#"[id='{"aio_id":"right","component":"CounterAIO","subcomponent":"display"}']"#;

/// A value kept on `window` to tell in-page navigation (it survives) from a full page load
/// (it is gone).
const MARKER: &str = "__dashE2eNoReload";

type TestResult = Result<(), Box<dyn Error>>;

#[test]
fn multipage_routes_links_redirects_and_counters() {
    let app = start("multipage");
    let browser = launch();
    run("multipage", &app, &browser, |b| {
        let base = app.url();
        // dash-renderer keeps the errors of one page load (in-page navigation included):
        // collect them before each new load, report them at the end, after every behaviour
        // was checked.
        let mut recorded: Vec<String> = Vec::new();

        // Home.
        b.goto(&format!("{base}/"))?;
        let heading = b.wait_for_text("#_pages_content h2", "Home", WAIT)?;
        let out = b.wait_for_text("#home-out", "Home clicks: 0", WAIT)?;
        let title = b.wait_for_title(APP_TITLE, WAIT)?;
        println!("visited / : h2 {heading:?}, #home-out {out:?}, title {title:?}");
        let nav = b.texts("nav a")?;
        let hrefs = nav_hrefs(b)?;
        println!("nav links {nav:?} -> {hrefs:?}");
        let expected_hrefs = [
            ("nav-home", format!("{base}/")),
            ("nav-analytics", format!("{base}/analytics")),
            ("nav-report", format!("{base}/report/none")),
        ];
        for (id, href) in &expected_hrefs {
            let actual = b.find(&format!("#{id}"))?.property("href")?;
            if actual != Value::String(href.clone()) {
                return Err(format!("#{id} should link to {href:?}, links to {actual}").into());
            }
        }

        b.find("#home-btn")?.click()?;
        let out = b.wait_for_text("#home-out", "Home clicks: 1", WAIT)?;
        println!("clicked #home-btn: #home-out {out:?}");

        let left = b.wait_for_text(LEFT_DISPLAY, "0 clicks", WAIT)?;
        let right = b.wait_for_text(RIGHT_DISPLAY, "0 clicks", WAIT)?;
        println!("counters at first: left {left:?}, right {right:?}");
        b.find(LEFT_BUTTON)?.click()?;
        b.wait_for_text(LEFT_DISPLAY, "1 click", WAIT)?;
        b.find(LEFT_BUTTON)?.click()?;
        let left = b.wait_for_text(LEFT_DISPLAY, "2 clicks", WAIT)?;
        b.find(RIGHT_BUTTON)?.click()?;
        let right = b.wait_for_text(RIGHT_DISPLAY, "1 click", WAIT)?;
        // The left counter did not move when the right one was clicked.
        let left_after = b.wait_for_text(LEFT_DISPLAY, "2 clicks", WAIT)?;
        println!(
            "left clicked twice, right once: left {left:?} (still {left_after:?} after the right click), right {right:?}"
        );
        save_screenshot(b, "multipage-home")?;

        // In-page navigation through the links: the marker must survive.
        b.execute(&format!("window.{MARKER} = true; return null;"), vec![])?;

        b.find("#nav-analytics")?.click()?;
        b.wait_for_url(&format!("{base}/analytics"), WAIT)?;
        let heading = b.wait_for_text("#_pages_content h2", "Analytics", WAIT)?;
        let out = b.wait_for_text("#metric-out", "Metric: sales", WAIT)?;
        let title = b.wait_for_title(APP_TITLE, WAIT)?;
        assert_not_reloaded(b, "clicking #nav-analytics")?;
        println!(
            "link to /analytics: h2 {heading:?}, #metric-out {out:?}, title {title:?}, no reload"
        );

        b.select_dropdown_option("#metric", "users", WAIT)?;
        let out = b.wait_for_text("#metric-out", "Metric: users", WAIT)?;
        let shown = b.find("#metric")?.text()?;
        println!("picked \"users\": #metric-out {out:?}, the dropdown shows {shown:?}");
        save_screenshot(b, "multipage-analytics")?;

        b.find("#nav-report")?.click()?;
        b.wait_for_url(&format!("{base}/report/none"), WAIT)?;
        let report = b.wait_for_text("#report-title", "Report none", WAIT)?;
        let title = b.wait_for_title("Report none", WAIT)?;
        assert_not_reloaded(b, "clicking #nav-report")?;
        println!("link to /report/none: #report-title {report:?}, title {title:?}, no reload");

        // Back in history: the location change routes again, without a reload.
        b.back()?;
        b.wait_for_url(&format!("{base}/analytics"), WAIT)?;
        let out = b.wait_for_text("#metric-out", "Metric: sales", WAIT)?;
        assert_not_reloaded(b, "going back")?;
        println!(
            "back to /analytics: #metric-out {out:?} (the page was laid out afresh), no reload"
        );

        b.find("#nav-home")?.click()?;
        b.wait_for_url(&format!("{base}/"), WAIT)?;
        let out = b.wait_for_text("#home-out", "Home clicks: 0", WAIT)?;
        let left = b.wait_for_text(LEFT_DISPLAY, "0 clicks", WAIT)?;
        let title = b.wait_for_title(APP_TITLE, WAIT)?;
        assert_not_reloaded(b, "clicking #nav-home")?;
        println!("link to /: #home-out {out:?}, left counter {left:?}, title {title:?}, no reload");

        recorded.extend(renderer_errors_at(b, "loading / and following the links")?);

        // Direct loads.
        b.goto(&format!("{base}/report/42"))?;
        let report = b.wait_for_text("#report-title", "Report 42", WAIT)?;
        let title = b.wait_for_title("Report 42", WAIT)?;
        println!("loaded /report/42: #report-title {report:?}, title {title:?}");
        save_screenshot(b, "multipage-report")?;

        recorded.extend(renderer_errors_at(b, "loading /report/42")?);
        b.goto(&format!("{base}/old-home"))?;
        let url = b.wait_for_url(&format!("{base}/"), WAIT)?;
        let heading = b.wait_for_text("#_pages_content h2", "Home", WAIT)?;
        let out = b.wait_for_text("#home-out", "Home clicks: 0", WAIT)?;
        println!("loaded /old-home: ended at {url:?}, h2 {heading:?}, #home-out {out:?}");

        recorded.extend(renderer_errors_at(b, "loading /old-home")?);
        b.goto(&format!("{base}/nope"))?;
        let missing = b.wait_for_text("#not-found", "Page not found", WAIT)?;
        let title = b.wait_for_title(APP_TITLE, WAIT)?;
        let url = b.current_url()?;
        println!("loaded /nope: #not-found {missing:?}, title {title:?}, URL {url:?}");
        save_screenshot(b, "multipage-404")?;

        recorded.extend(renderer_errors_at(b, "loading /nope")?);
        save_screenshot(b, "multipage")?;
        if !recorded.is_empty() {
            let list = recorded.join("\n");
            return Err(
                format!("dash-renderer recorded {} errors:\n{list}", recorded.len()).into(),
            );
        }
        assert_no_callback_errors(b)
    });
}

/// The `href` of every navigation link, as the browser resolved it.
fn nav_hrefs(b: &Browser) -> Result<Vec<String>, Box<dyn Error>> {
    Ok(b.find_all("nav a")?
        .iter()
        .map(|a| a.property("href"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect())
}

/// The window marker is still set: no full page load happened since it was set.
fn assert_not_reloaded(b: &Browser, after: &str) -> TestResult {
    let marker = b.execute(&format!("return window.{MARKER} === true;"), vec![])?;
    if marker != json!(true) {
        return Err(format!("{after} reloaded the whole page (dcc.Link should not)").into());
    }
    Ok(())
}

/// The errors dash-renderer holds for the current page (its store is reset by each load),
/// each prefixed with `stage`; printed as they are found.
fn renderer_errors_at(b: &Browser, stage: &str) -> Result<Vec<String>, Box<dyn Error>> {
    let errors: Vec<String> = renderer_errors(b)?
        .iter()
        .map(|e| {
            let line = e.split_whitespace().collect::<Vec<_>>().join(" ");
            let short: String = line.chars().take(160).collect();
            format!("{stage}: {short}")
        })
        .collect();
    for error in &errors {
        println!("dash-renderer error {error}");
    }
    Ok(errors)
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

/// Runs a scenario; on failure saves a screenshot and panics with what went wrong, the URL,
/// the page content, the browser console and the app's output.
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
        let url = browser
            .current_url()
            .unwrap_or_else(|e| format!("(unavailable: {e})"));
        let content = browser
            .execute(
                "const c = document.getElementById('_pages_content'); return c ? c.outerHTML : null;",
                vec![],
            )
            .map(|v| v.to_string())
            .unwrap_or_else(|e| format!("(unavailable: {e})"));
        panic!(
            "{name}: {e}\n{shot}URL: {url}\n--- #_pages_content ---\n{content}\n--- browser console (since the last check) ---\n{console}\n--- app output ---\n{}",
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
