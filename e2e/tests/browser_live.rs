//! Browser end-to-end test of the `live` example: the real renderer's SharedWorker opens the
//! app's websocket; a persistent callback streams ticks, a callback reads the page with
//! `get_props`, a background job's progress is pushed, and closing the page ends the
//! persistent callback on the server.
//!
//! The app runs in debug mode (the renderer's dev tools show any callback error) with its
//! metrics route on: `dash_websocket_calls_running` says what still runs on the server.

use std::time::{Duration, Instant};

use dash_e2e::app::RunningApp;
use dash_e2e::http;
use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot, start_or};
use serde_json::Value;

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(60);

const METRICS: &str = "/_dash-metrics";

/// A gauge of the app's metrics route (0 when it has not been set yet).
fn gauge(app: &RunningApp, name: &str) -> f64 {
    let url = format!("{}{METRICS}", app.url());
    let text = http::get(&url, WAIT)
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .text();
    text.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with([' ', '{']))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// The tick number `#ticker` shows now (0 before the first).
fn tick(b: &dash_e2e::browser::Browser) -> Result<u64, dash_e2e::browser::BrowserError> {
    let text = b.text("#ticker")?;
    Ok(text.trim_start_matches("tick ").parse().unwrap_or(0))
}

/// `_dash-update-component` requests the page has made so far (resource timing).
fn update_requests(b: &dash_e2e::browser::Browser) -> Result<u64, dash_e2e::browser::BrowserError> {
    let n = b.execute(
        "return performance.getEntriesByType('resource')\
           .filter(e => e.name.includes('_dash-update-component')).length;",
        vec![],
    )?;
    Ok(n.as_u64().unwrap_or(0))
}

#[test]
fn live_streams_asks_and_pushes_progress_over_the_websocket() {
    let app = start_or("live", || {
        RunningApp::start_with_env(
            "live",
            &[("DASH_METRICS_PATH", METRICS), ("DASH_DEBUG", "true")],
        )
    });
    let browser = launch();
    run("live", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;
        b.wait_for(
            "the first tick",
            WAIT,
            |b| Ok((tick(b)? >= 1).then_some(())),
        )?;
        let requests_at_start = update_requests(b)?;
        let begun = Instant::now();
        let start_tick = tick(b)?;
        std::thread::sleep(Duration::from_secs(2));
        let end_tick = tick(b)?;
        let requests = update_requests(b)?;
        println!(
            "ticks {start_tick} -> {end_tick} in {:?}; _dash-update-component requests: {requests_at_start} then {requests}",
            begun.elapsed()
        );
        assert!(
            end_tick >= start_tick + 10,
            "the ticker must advance at least 10 times in 2 s (saw {start_tick} -> {end_tick})"
        );
        assert_eq!(
            requests, 0,
            "every callback of this page runs over the websocket: no HTTP callback requests"
        );

        b.find("#ask")?.click()?;
        let answer = b.wait_for_text("#answer", "Asked Ada", WAIT)?;
        println!("ask: {answer:?}");
        b.type_into("#name", "Bo")?;
        b.find("#ask")?.click()?;
        let answer = b.wait_for_text("#answer", "Asked Bo", WAIT)?;
        println!("ask after typing Bo: {answer:?}");

        b.find("#run")?.click()?;
        let mut seen: Vec<String> = Vec::new();
        let result = b.wait_for("the job's result", WAIT, |b| {
            let value = b.find("#bar")?.property("value")?;
            let value = match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s,
                other => other.to_string(),
            };
            if seen.last() != Some(&value) {
                seen.push(value);
            }
            let result = b.text("#result")?;
            Ok((result == "Done 1").then_some(result))
        })?;
        let bar = b.find("#bar")?.property("value")?;
        println!("run: {result:?}; #bar values seen while it ran: {seen:?}; final {bar}");
        assert_eq!(bar.as_f64(), Some(10.0), "the bar reached 10");
        assert!(
            seen.len() >= 3,
            "progress was pushed step by step, not only at the end: {seen:?}"
        );
        assert_eq!(
            update_requests(b)?,
            0,
            "the background job was followed over the websocket, not polled"
        );
        assert_no_callback_errors(b)?;
        save_screenshot(b, "live")?;

        let running = gauge(&app, "dash_websocket_calls_running");
        println!("calls running on the server with the page open: {running}");
        assert!(running >= 1.0, "the ticker runs while the page is open");
        // Close the app's tab (another one keeps the browser session).
        let app_tab = b.open_tab()?;
        b.close_tab(&app_tab)?;
        let deadline = Instant::now() + WAIT;
        let mut running = gauge(&app, "dash_websocket_calls_running");
        while running > 0.0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            running = gauge(&app, "dash_websocket_calls_running");
        }
        println!("calls running after the page closed: {running}");
        assert_eq!(
            running, 0.0,
            "closing the page ends its persistent callback"
        );
        assert_eq!(gauge(&app, "dash_websockets_open"), 0.0);
        Ok(())
    });
}
