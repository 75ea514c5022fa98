//! Browser end-to-end test of the `multipage` example: Pages routing through `dcc.Link`
//! (no full reload), path templates, redirects, the 404 page, the clientside title callback
//! and two instances of the `counter-aio` All-in-One component, in headless Chromium through
//! the real Dash front end.
//!
//! `DASH_E2E_MULTIPAGE_CMD` (a shell command serving on `$HOST:$PORT`) replaces the Rust
//! example, e.g. to run the same test against a Python Dash twin.

use std::error::Error;

use dash_e2e::browser::Browser;
use dash_e2e::scenario::{
    assert_no_callback_errors, launch, outer_html, renderer_errors, run_with, save_screenshot,
    start, ScenarioResult as TestResult, WAIT,
};
use serde_json::{json, Value};

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

#[test]
fn multipage_routes_links_redirects_and_counters() {
    let app = start("multipage");
    let browser = launch();
    run_with("multipage", &app, &browser, page_context, |b| {
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

/// For failure reports: the URL and the page content.
fn page_context(b: &Browser) -> String {
    let url = b
        .current_url()
        .unwrap_or_else(|e| format!("(unavailable: {e})"));
    format!(
        "URL: {url}\n--- #_pages_content ---\n{}\n",
        outer_html(b, "_pages_content")
    )
}
