//! Browser end-to-end test of the `store` example: a million-row frame kept on the server
//! (the browser's `dcc.Store` holds only its key), a memoized slow callback, and a visit
//! counter kept in the session.
//!
//! The app runs with its metrics route on (`DASH_METRICS_PATH`), and the memoized second
//! request is proven a memo hit by `dash_memo_hits_total`, not by its timing. With
//! `DASH_E2E_STORE_CMD` set, that command must turn the same route on.

use std::time::{Duration, Instant};

use dash_e2e::app::RunningApp;
use dash_e2e::http;
use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot, start_or};

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(60);

const METRICS: &str = "/_dash-metrics";

/// `dash_memo_hits_total` of the callback `square`, from the app's metrics route.
fn square_memo_hits(app: &RunningApp) -> f64 {
    let url = format!("{}{METRICS}", app.url());
    let text = http::get(&url, WAIT)
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .text();
    text.lines()
        .filter(|l| l.starts_with("dash_memo_hits_total{") && l.contains("square"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .fold(0.0, |a, b| a + b)
}

#[test]
fn store_keeps_data_on_the_server_memoizes_and_counts_visits() {
    let app = start_or("store", || {
        RunningApp::start_with_env("store", &[("DASH_METRICS_PATH", METRICS)])
    });
    let browser = launch();
    run("store", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;
        let visits = b.wait_for_text("#session-visits", "visits this session: 1", WAIT)?;
        println!("first load: {visits:?}");
        let stats = b.wait_for_text("#stats", "no data loaded", WAIT)?;
        println!("before loading: #stats {stats:?}");

        let begun = Instant::now();
        b.find("#load")?.click()?;
        let stats = b.wait_for("the frame's statistics", WAIT, |b| {
            let text = b.text("#stats")?;
            Ok(text.starts_with("rows: 1000000, mean y: ").then_some(text))
        })?;
        println!("after Load data ({:?}): #stats {stats:?}", begun.elapsed());

        let square = b.wait_for_text("#square", "square: 9", WAIT)?;
        println!("#square reads {square:?}");
        b.type_into("#n", "4")?;
        let begun = Instant::now();
        let square = b.wait_for_text("#square", "square: 16", WAIT)?;
        println!("n = 4: {square:?} after {:?} (computed)", begun.elapsed());
        let hits_before = square_memo_hits(&app);
        b.type_into("#n", "3")?;
        let begun = Instant::now();
        let square = b.wait_for_text("#square", "square: 9", WAIT)?;
        let hits_after = square_memo_hits(&app);
        println!(
            "n = 3 again: {square:?} after {:?}; square's memo hits {hits_before} -> {hits_after}",
            begun.elapsed()
        );
        assert!(
            hits_after > hits_before,
            "n = 3 a second time must be answered from the memo (dash_memo_hits_total \
             {hits_before} -> {hits_after})"
        );

        b.refresh()?;
        let visits = b.wait_for_text("#session-visits", "visits this session: 2", WAIT)?;
        println!("after a reload: {visits:?}");
        assert_no_callback_errors(b)?;
        save_screenshot(b, "store")
    });
}
