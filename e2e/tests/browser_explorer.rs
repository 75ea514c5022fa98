//! Browser end-to-end test of the `explorer` example (debug mode on, so dash-renderer checks
//! every prop type): the DataFrame All-in-One over a million rows pages, sorts and filters
//! on the server; the region dropdown changes the charts and the table; clicking a month of
//! the revenue line fills `#clicked`.

use std::process::Command;
use std::time::Duration;

use dash_e2e::app::{build_release_binary, free_port, workspace_root, RunningApp};
use dash_e2e::browser::{keys, Browser, BrowserError};
use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot, start_or};
use serde_json::Value;

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(60);

/// The DOM id dash-renderer gives the All-in-One part `sub` of the table `sales`.
fn part(sub: &str) -> String {
    format!(r#"[id='{{"aio_id":"sales","component":"DataFrameAIO","subcomponent":"{sub}"}}']"#)
}

/// The cells of column `column` on the page shown.
fn cells(column: &str) -> String {
    format!(r#"{} td[data-dash-column="{column}"]"#, part("table"))
}

fn column(b: &Browser, name: &str) -> Result<Vec<String>, BrowserError> {
    b.texts(&cells(name))
}

fn numbers(b: &Browser, name: &str) -> Result<Vec<f64>, BrowserError> {
    Ok(column(b, name)?
        .iter()
        // Shown with group separators ("10,000.00").
        .filter_map(|t| t.trim().replace(',', "").parse().ok())
        .collect())
}

/// The row count the table's counter shows.
fn count(b: &Browser) -> Result<Option<u64>, BrowserError> {
    let text = b.text(&part("count"))?;
    Ok(text
        .strip_suffix(" rows")
        .and_then(|n| n.trim().parse().ok()))
}

/// Waits until the counter shows a count other than `before`.
fn wait_for_count_change(b: &Browser, before: u64) -> Result<u64, BrowserError> {
    b.wait_for("the row count to change", WAIT, |b| {
        Ok(count(b)?.filter(|n| *n != before))
    })
}

/// Scrolls the element matching `css` to the middle of the window (clear of dash-renderer's
/// debug menu in the corner) and clicks it.
fn click_centered(b: &Browser, css: &str) -> Result<(), BrowserError> {
    b.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
        vec![Value::from(css)],
    )?;
    b.find(css)?.click()
}

/// Types `text` into the filter box of `column` and commits it with Enter.
fn filter(b: &Browser, column: &str, text: &str) -> Result<(), BrowserError> {
    let css = format!(
        r#"{} th.dash-filter[data-dash-column="{column}"] input"#,
        part("table")
    );
    b.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
        vec![Value::from(css.as_str())],
    )?;
    // Select all and delete rather than WebDriver's clear, which React does not see: an
    // emptied box must reach the table too.
    let input = b.find(&css)?;
    input.send_keys(&format!(
        "{}a{}{}",
        keys::CONTROL,
        keys::NULL,
        keys::BACKSPACE
    ))?;
    input.send_keys(text)?;
    input.send_keys(keys::ENTER)
}

/// Moves the mouse onto marker `index` of the first trace of `graph` and clicks there, with
/// the mouse events plotly.js listens to on its drag layer. Returns the point's `x` and `y`.
fn click_point(b: &Browser, graph: &str, index: usize) -> Result<Value, BrowserError> {
    let script = r#"
        const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
        const points = gd.querySelectorAll('.scatterlayer .trace:first-of-type .points path');
        const marker = points[arguments[1]];
        if (!marker) { return null; }
        const box = marker.getBoundingClientRect();
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        const target = document.elementFromPoint(x, y);
        const fire = (type) => target.dispatchEvent(new MouseEvent(type, {
            bubbles: true, cancelable: true, clientX: x, clientY: y, view: window, buttons: type === 'mousedown' ? 1 : 0,
        }));
        ['mousemove', 'mousedown', 'mouseup', 'click'].forEach(fire);
        return {x: gd.data[0].x[arguments[1]], y: gd.data[0].y[arguments[1]], target: target.getAttribute('class')};
    "#;
    b.execute(script, vec![Value::from(graph), Value::from(index as u64)])
}

fn explorer() -> RunningApp {
    start_or("explorer", || {
        let exe = build_release_binary("explorer")?;
        let mut cmd = Command::new(exe);
        cmd.current_dir(workspace_root()).env("DASH_DEBUG", "true");
        RunningApp::start_command(cmd, free_port()?)
    })
}

#[test]
fn explorer_pages_sorts_filters_and_follows_the_dropdown_and_clicks() {
    let app = explorer();
    let browser = launch();
    run("explorer", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;
        let first = b.wait_for("the first page of 20 rows", WAIT, |b| {
            let dates = column(b, "date")?;
            Ok((dates.len() == 20).then_some(dates))
        })?;
        let total = b.wait_for("the row count", WAIT, count)?;
        println!(
            "first page: 20 rows, dates {} .. {}; count {total}",
            first[0], first[19]
        );
        if total != 1_000_000 {
            return Err(format!("expected 1000000 rows in all, the counter reads {total}").into());
        }
        b.wait_for_text("#clicked", "Clicked: nothing", WAIT)?;

        // Sort by revenue: DataTable's sort arrow cycles ascending, descending.
        let sort = format!(
            r#"{} th[data-dash-column="revenue"] .column-header--sort"#,
            part("table")
        );
        click_centered(b, &sort)?;
        b.wait_for("an ascending sort", WAIT, |b| {
            let r = numbers(b, "revenue")?;
            Ok((r.len() == 20 && r.windows(2).all(|w| w[0] <= w[1]) && r[0] < 100.0).then_some(()))
        })?;
        click_centered(b, &sort)?;
        let revenue = b.wait_for("a descending sort", WAIT, |b| {
            let r = numbers(b, "revenue")?;
            Ok((r.len() == 20 && r.windows(2).all(|w| w[0] >= w[1]) && r[0] > 9000.0).then_some(r))
        })?;
        println!(
            "sorted by revenue, descending: first {} .. {}",
            revenue[0], revenue[19]
        );
        // 100 units at 100.00 is the largest revenue the data can hold; a million rows hold it.
        if revenue[0] != 10_000.0 {
            return Err(
                format!("the largest revenue should come first, got {}", revenue[0]).into(),
            );
        }

        // `{region} eq "North" && {units} > 50`, typed into the filter boxes.
        filter(b, "region", r#"eq "North""#)?;
        let north = wait_for_count_change(b, total)?;
        filter(b, "units", "> 50")?;
        let north_over_50 = wait_for_count_change(b, north)?;
        let (regions, units) = b.wait_for("the filtered rows", WAIT, |b| {
            let regions = column(b, "region")?;
            let units = numbers(b, "units")?;
            let done = !regions.is_empty()
                && regions.iter().all(|r| r == "North")
                && units.iter().all(|u| *u > 50.0);
            Ok(done.then_some((regions, units)))
        })?;
        println!(
            "filter {{region}} eq \"North\" && {{units}} > 50: count {total} -> {north} -> {north_over_50}; page shows {} rows, units {:?}",
            regions.len(),
            &units[..units.len().min(5)]
        );
        if !(north_over_50 < north && north < total) {
            return Err("each clause should narrow the count".into());
        }
        save_screenshot(b, "explorer-filtered")?;

        // Drop the region clause, then pick West: the charts and the table follow.
        filter(b, "region", "")?;
        let over_50 = wait_for_count_change(b, north_over_50)?;
        b.select_dropdown_option("#region", "West", WAIT)?;
        let west = wait_for_count_change(b, over_50)?;
        let title = b.wait_for("the West revenue chart", WAIT, |b| {
            let title = b.text("#revenue-graph .gtitle")?;
            Ok(title.contains("West").then_some(title))
        })?;
        let scatter = b.wait_for("the West scatter", WAIT, |b| {
            let title = b.text("#scatter .gtitle")?;
            Ok(title.contains("West").then_some(title))
        })?;
        let regions = b.wait_for("West rows", WAIT, |b| {
            let regions = column(b, "region")?;
            Ok((!regions.is_empty() && regions.iter().all(|r| r == "West")).then_some(regions))
        })?;
        println!(
            "West: count {over_50} -> {west}, {} rows on the page; charts {title:?} and {scatter:?}",
            regions.len()
        );

        // Click month 31 of the revenue line.
        let clicked = b.wait_for("a click on the revenue line", WAIT, |b| {
            let point = click_point(b, "#revenue-graph", 30)?;
            if point.is_null() {
                return Ok(None);
            }
            let text = b.text("#clicked")?;
            Ok((text != "Clicked: nothing").then_some((point, text)))
        })?;
        let (point, text) = clicked;
        let expected = format!(
            "Clicked: {} {:.2}",
            point["x"].as_str().unwrap_or("?"),
            point["y"].as_f64().unwrap_or(f64::NAN)
        );
        println!("clicked {point}: #clicked reads {text:?}");
        if text != expected {
            return Err(format!("#clicked should read {expected:?}, reads {text:?}").into());
        }
        save_screenshot(b, "explorer-west-clicked")?;

        // Any console error at all (prop-type failures included), then callback errors.
        let severe: Vec<_> = b
            .console_log()?
            .into_iter()
            .filter(|e| e.level == "SEVERE")
            .collect();
        if !severe.is_empty() {
            return Err(format!("the console shows errors: {severe:?}").into());
        }
        assert_no_callback_errors(b)
    });
}
