//! Browser end-to-end test of the `gallery` example: components of dash-bootstrap-components,
//! dash-mantine-components and dash-ag-grid, linked as crates, rendered by their own
//! JavaScript bundles (fetched from the pinned wheels and served by the app) in the real Dash
//! front end, with Bootstrap's theme served from its npm package. The grid's infinite row
//! model is answered by the server: first rows, sorting, a number filter, selection. The app
//! runs in debug mode, and the page must show no console or callback errors.

use std::time::Duration;

use dash_e2e::app::RunningApp;
use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot, start_or};
use serde_json::Value;

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(60);

#[test]
fn gallery_renders_bootstrap_and_mantine_components() {
    // Debug mode: the renderer checks every property of the libraries' components against
    // their prop types and shows any error in its dev tools.
    let app = start_or("gallery", || {
        RunningApp::start_with_env("gallery", &[("DASH_DEBUG", "true")])
    });
    let browser = launch();
    run("gallery", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;
        let origin = app.url();
        // Every script of the page, the libraries' bundles included, came from this server.
        let scripts = b.execute(
            "return Array.from(document.scripts).map(s => s.src).filter(s => s);",
            vec![],
        )?;
        let scripts: Vec<String> = scripts
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        println!("scripts: {scripts:#?}");
        assert!(
            scripts.iter().all(|s| s.starts_with(&origin)),
            "a script from elsewhere: {scripts:?}"
        );
        for namespace in ["dash_bootstrap_components", "dash_mantine_components"] {
            assert!(
                scripts
                    .iter()
                    .any(|s| s.contains(&format!("/_dash-component-suites/{namespace}/"))),
                "no {namespace} bundle in {scripts:?}"
            );
        }

        // The Bootstrap theme is a stylesheet of this server, and it applies.
        let sheets = b.execute(
            "return Array.from(document.querySelectorAll('link[rel=stylesheet]')).map(l => l.href);",
            vec![],
        )?;
        println!("stylesheets: {sheets}");
        let sheets: Vec<String> = sheets
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            sheets
                .iter()
                .any(|s| s.starts_with(&origin) && s.contains("bootstrap@5.3.6")),
            "no Bootstrap theme from this server in {sheets:?}"
        );
        let radius = b.find("#open")?.css_value("border-top-left-radius")?;
        println!("#open border radius with the theme: {radius}");
        assert_ne!(radius, "0px", "the Bootstrap theme does not style .btn");

        // Bootstrap: the modal opens and shows its text; the alert counts saves.
        b.wait_for_text("#open", "Open", WAIT)?;
        b.find("#open")?.click()?;
        let body = b.wait_for("the modal's body", WAIT, |b| {
            let texts = b.texts(".modal-body")?;
            Ok(texts.into_iter().find(|t| t == "Hello from the modal"))
        })?;
        println!("modal body: {body:?}");
        b.execute(
            "document.querySelectorAll('.modal .btn-close, .modal [aria-label=Close]').forEach(e => e.click());",
            vec![],
        )?;
        b.wait_for("the modal to close", WAIT, |b| {
            Ok(b.find_all(".modal.show")?.is_empty().then_some(()))
        })?;
        b.find("#save")?.click()?;
        b.wait_for_text("#alert", "Saved 1 times", WAIT)?;
        b.find("#save")?.click()?;
        let alert = b.wait_for_text("#alert", "Saved 2 times", WAIT)?;
        println!("alert: {alert:?}");

        // Mantine: the Select's choice is shown.
        b.wait_for_text("#fruit-out", "Fruit: none", WAIT)?;
        b.find("#fruit")?.click()?;
        let option = b.wait_for("the Banana option", WAIT, |b| {
            let options = b.find_all("[role=option]")?;
            for option in options {
                if option.text()? == "Banana" {
                    option.click()?;
                    return Ok(Some(()));
                }
            }
            Ok(None)
        });
        option?;
        let fruit = b.wait_for_text("#fruit-out", "Fruit: Banana", WAIT)?;
        println!("select: {fruit:?}");

        // AG Grid: the first rows come from the server.
        let score_cell = |row: usize| {
            format!(".ag-center-cols-container [row-index=\"{row}\"] [col-id=\"score\"]")
        };
        let name_cell = |row: usize| {
            format!(".ag-center-cols-container [row-index=\"{row}\"] [col-id=\"name\"]")
        };
        b.wait_for_text(&name_cell(0), "row 0", WAIT)?;
        b.wait_for_text(&name_cell(1), "row 1", WAIT)?;
        println!("grid: first rows shown");

        // Sorting `score` descending (two clicks on its header) puts 100 first.
        let header = ".ag-header-cell[col-id=\"score\"] .ag-header-cell-label";
        b.find(header)?.click()?;
        b.wait_for_text(&score_cell(0), "0", WAIT)?;
        b.find(header)?.click()?;
        let top = b.wait_for_text(&score_cell(0), "100", WAIT)?;
        println!("sorted descending: first score {top}");

        // The number filter `score > 99` leaves only rows with score 100.
        b.execute(
            "dash_ag_grid.getApi('grid').setFilterModel(\
             {score: {filterType: 'number', type: 'greaterThan', filter: 99}});",
            vec![],
        )?;
        // The grid learns the filtered row count from the server's `rowCount`.
        let expected = (0..100_000u64).filter(|i| (i * 37) % 101 == 100).count() as u64;
        let shown = b.wait_for("the filtered row count", WAIT, |b| {
            let n = b.execute(
                "return dash_ag_grid.getApi('grid').getDisplayedRowCount();",
                vec![],
            )?;
            Ok((n.as_u64() == Some(expected)).then_some(expected))
        })?;
        // Ties keep id order: the first row is the smallest id with (id × 37) mod 101 = 100.
        let first = (0..100_000u64).find(|i| (i * 37) % 101 == 100).unwrap_or(0);
        b.wait_for_text(&name_cell(0), &format!("row {first}"), WAIT)?;
        let scores = b.texts(".ag-center-cols-container [col-id=\"score\"]")?;
        assert!(
            !scores.is_empty() && scores.iter().all(|s| s == "100"),
            "scores after the filter: {scores:?}"
        );
        println!(
            "filtered: {shown} rows in all ({} rendered), all with score 100, first row {first}",
            scores.len()
        );

        // Clicking a row selects it (`enableClickSelection`), which fills `grid-selected`.
        let name = b.text(&name_cell(0))?;
        b.find(&name_cell(0))?.click()?;
        let selected = b.wait_for_text("#grid-selected", &format!("Selected: {name}"), WAIT)?;
        println!("{selected}");

        // Nothing at all went to the console as an error (prop-type checks included).
        let console = b.console_log()?;
        let severe: Vec<_> = console.iter().filter(|e| e.level == "SEVERE").collect();
        println!("console errors: {severe:?}");
        assert!(
            severe.is_empty(),
            "console errors in debug mode: {severe:?}"
        );
        assert_no_callback_errors(b)?;
        save_screenshot(b, "gallery")
    });
}
