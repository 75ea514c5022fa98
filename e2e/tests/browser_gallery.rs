//! Browser end-to-end test of the `gallery` example: components of dash-bootstrap-components
//! and dash-mantine-components, linked as crates, rendered by their own JavaScript bundles
//! (fetched from the pinned wheels and served by the app) in the real Dash front end.

use std::time::Duration;

use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot, start};
use serde_json::Value;

/// Bound for each wait on the page (never a timing assertion: only how long to keep polling).
const WAIT: Duration = Duration::from_secs(60);

#[test]
fn gallery_renders_bootstrap_and_mantine_components() {
    let app = start("gallery");
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

        assert_no_callback_errors(b)?;
        save_screenshot(b, "gallery")
    });
}
