//! Browser end-to-end test of the `todo` example: pattern-matching ids (`MATCH`, `ALL`),
//! `Patch` appends and deletes and two callbacks writing one property, in headless Chromium
//! through the real Dash front end.
//!
//! `DASH_E2E_TODO_CMD` (a shell command serving on `$HOST:$PORT`) replaces the Rust example,
//! e.g. to run the same test against a Python Dash twin.

use std::error::Error;

use dash_e2e::browser::{Browser, Element};
use dash_e2e::scenario::{
    assert_no_callback_errors, launch, outer_html, run_with, save_screenshot, start,
    ScenarioResult as TestResult, WAIT,
};

/// A row of the list: `html.Div(id={"type": "item", "index": n})`. dash-renderer writes a
/// dict id into the DOM as JSON with sorted keys, so this matches every row's id.
const ROW: &str = r#"#list div[id*='"type":"item"']"#;

/// The label inside a row: `html.Span(id={"type": "label", "index": n})`.
const LABEL: &str = r#"span[id*='"type":"label"']"#;

/// The checkbox inside a row (in `dcc.Checklist(id={"type": "done", "index": n})`).
const CHECKBOX: &str = r#"[id*='"type":"done"'] input[type=checkbox]"#;

#[test]
fn todo_adds_checks_and_clears_items() {
    let app = start("todo");
    let browser = launch();
    let list = |b: &Browser| format!("--- #list ---\n{}\n", outer_html(b, "list"));
    run_with("todo", &app, &browser, list, |b| {
        b.goto(&format!("{}/", app.url()))?;
        b.find("#new-item")?;
        let title = b.wait_for_title("Todo", WAIT)?;
        println!("page title {title:?}");
        let summary = b.wait_for("#summary to be rendered", WAIT, |b| {
            b.find("#summary")?.text().map(Some)
        })?;
        println!(
            "initially: #summary reads {summary:?}, {} rows",
            b.find_all(ROW)?.len()
        );
        if !b.find_all(ROW)?.is_empty() {
            return Err("the list should start empty".into());
        }

        // Add with an empty input: the callback prevents the update, no row appears (checked
        // below: after the first real add there is exactly one row).
        b.find("#add")?.click()?;
        println!("clicked Add with an empty input");

        let items = ["milk", "bread", "eggs"];
        for (i, item) in items.iter().enumerate() {
            add_item(b, item)?;
            let labels = wait_for_labels(b, &items[..=i])?;
            let input = b.find("#new-item")?.property("value")?;
            println!("added {item:?}: labels {labels:?}, #new-item value {input}");
        }
        let summary = b.wait_for_text("#summary", "0 of 3 done", WAIT)?;
        println!("after three adds: #summary reads {summary:?}");
        for id in row_ids(b)? {
            println!("row id attribute: {id}");
        }

        // Tick "bread".
        row_with_label(b, "bread")?.find(CHECKBOX)?.click()?;
        let style = wait_for_struck(b, "bread", true)?;
        println!("ticked \"bread\": its label is struck through ({style})");
        let summary = b.wait_for_text("#summary", "1 of 3 done", WAIT)?;
        println!("#summary reads {summary:?}");
        for other in ["milk", "eggs"] {
            let style = wait_for_struck(b, other, false)?;
            println!("{other:?} is not struck through ({style})");
        }
        save_screenshot(b, "todo-checked")?;

        b.find("#clear")?.click()?;
        let labels = wait_for_labels(b, &["milk", "eggs"])?;
        println!("after Clear done: labels {labels:?}");
        let summary = b.wait_for_text("#summary", "0 of 2 done", WAIT)?;
        println!("#summary reads {summary:?}");
        for left in ["milk", "eggs"] {
            let style = wait_for_struck(b, left, false)?;
            println!("{left:?} is not struck through ({style})");
        }

        assert_no_callback_errors(b)?;
        save_screenshot(b, "todo")
    });
}

/// Types `text` into `#new-item`, clicks Add and waits for the input to be cleared.
fn add_item(b: &Browser, text: &str) -> TestResult {
    b.type_into("#new-item", text)?;
    b.wait_for(&format!("#new-item to hold {text:?}"), WAIT, |b| {
        let value = b.find("#new-item")?.property("value")?;
        Ok((value == text).then_some(()))
    })?;
    b.find("#add")?.click()?;
    let mut last = serde_json::Value::Null;
    b.wait_for(
        &format!("#new-item to be cleared after adding {text:?}"),
        WAIT,
        |b| {
            last = b.find("#new-item")?.property("value")?;
            Ok((last == "").then_some(()))
        },
    )
    .map_err(|e| format!("{e} (its value was {last})"))?;
    Ok(())
}

/// Waits until the rows' labels are exactly `expected`, in order.
fn wait_for_labels(b: &Browser, expected: &[&str]) -> Result<Vec<String>, Box<dyn Error>> {
    let mut seen = Vec::new();
    b.wait_for(&format!("the list to read {expected:?}"), WAIT, |b| {
        seen = b
            .find_all(ROW)?
            .iter()
            .map(|row| row.find(LABEL)?.text())
            .collect::<Result<Vec<_>, _>>()?;
        Ok((seen == expected).then(|| seen.clone()))
    })
    .map_err(|e| format!("{e} (the labels were {seen:?})").into())
}

/// The row whose label reads `label`.
fn row_with_label<'b>(b: &'b Browser, label: &str) -> Result<Element<'b>, Box<dyn Error>> {
    for row in b.find_all(ROW)? {
        if row.find(LABEL)?.text()? == label {
            return Ok(row);
        }
    }
    Err(format!("no row labelled {label:?}").into())
}

/// Waits until the label `label` is (or is not) struck through, both in its computed style
/// and in its `style` attribute; returns a description of what was seen.
fn wait_for_struck(b: &Browser, label: &str, struck: bool) -> Result<String, Box<dyn Error>> {
    let mut seen = String::new();
    let what = format!(
        "{label:?} to be {}struck through",
        if struck { "" } else { "not " }
    );
    b.wait_for(&what, WAIT, |b| {
        let xpath = format!(
            "//div[@id='list']//span[contains(@id, '\"type\":\"label\"') and normalize-space(.)='{label}']"
        );
        let span = b.find_xpath(&xpath)?;
        let computed = span.css_value("text-decoration-line")?;
        let attribute = span.attribute("style")?.unwrap_or_default();
        seen = format!("text-decoration-line {computed:?}, style attribute {attribute:?}");
        let is_struck = computed.contains("line-through") && attribute.contains("line-through");
        let is_plain = !computed.contains("line-through") && !attribute.contains("line-through");
        Ok(if struck { is_struck } else { is_plain }.then(|| seen.clone()))
    })
    .map_err(|e| format!("{e} ({seen})").into())
}

/// The DOM `id` attributes of the rows.
fn row_ids(b: &Browser) -> Result<Vec<String>, Box<dyn Error>> {
    Ok(b.find_all(ROW)?
        .iter()
        .map(|row| row.attribute("id"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect())
}
