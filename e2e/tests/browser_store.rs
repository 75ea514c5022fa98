//! Browser end-to-end test of the `store` example: a million-row frame kept on the server
//! (the browser's `dcc.Store` holds only its key), a memoized slow callback, and a visit
//! counter kept in the session.

use std::time::{Duration, Instant};

use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot, start};

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(60);

#[test]
fn store_keeps_data_on_the_server_memoizes_and_counts_visits() {
    let app = start("store");
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
        b.type_into("#n", "3")?;
        let begun = Instant::now();
        let square = b.wait_for_text("#square", "square: 9", WAIT)?;
        println!(
            "n = 3 again: {square:?} after {:?} (memoized)",
            begun.elapsed()
        );

        b.refresh()?;
        let visits = b.wait_for_text("#session-visits", "visits this session: 2", WAIT)?;
        println!("after a reload: {visits:?}");
        assert_no_callback_errors(b)?;
        save_screenshot(b, "store")
    });
}
