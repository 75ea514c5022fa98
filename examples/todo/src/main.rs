//! `todo`: add items, tick them off, clear the done ones.
//!
//! Shows pattern-matching ids (`MATCH`, `ALL`), `Patch` partial updates and two callbacks
//! writing one property (`allow_duplicate`). Run with `cargo run --release -p todo`.

use dash_runtime::prelude::*;
use serde::Serialize;
use serde_json::json;

/// A pattern-matching id: `{"type": kind, "index": n}`.
#[derive(Debug, Clone, Copy, Serialize)]
struct ItemId {
    #[serde(rename = "type")]
    kind: &'static str,
    index: u64,
}

/// One row of the list, numbered by the click that added it.
fn item(index: u64, text: &str) -> html::Div {
    html::div((
        dcc::Checklist::new()
            .id(ItemId {
                kind: "done",
                index,
            })
            .options(json!([{"label": "", "value": "done"}]))
            .value(Vec::<String>::new())
            .inline(true),
        html::span(text.to_owned()).id(ItemId {
            kind: "label",
            index,
        }),
    ))
    .id(ItemId {
        kind: "item",
        index,
    })
}

#[callback(
    output = [Output("list", "children"), Output("new-item", "value")],
    inputs = [Input("add", "n_clicks")],
    state = [State("new-item", "value")],
    prevent_initial_call = true,
)]
fn add(
    n_clicks: Option<u64>,
    text: Option<String>,
) -> Result<(Patch, &'static str), PreventUpdate> {
    let text = text.filter(|t| !t.is_empty()).ok_or(PreventUpdate)?;
    let mut list = Patch::new();
    list.append(item(n_clicks.unwrap_or(0), &text));
    Ok((list, ""))
}

#[callback(
    output = Output({"type": "label", "index": MATCH}, "style"),
    inputs = [Input({"type": "done", "index": MATCH}, "value")],
)]
fn strike(done: Option<Vec<String>>) -> serde_json::Value {
    if done.is_some_and(|d| !d.is_empty()) {
        json!({"textDecoration": "line-through"})
    } else {
        json!({})
    }
}

#[callback(
    output = Output("summary", "children"),
    inputs = [Input({"type": "done", "index": ALL}, "value")],
)]
fn summary(done: Vec<Option<Vec<String>>>) -> String {
    let checked = done
        .iter()
        .filter(|d| d.as_ref().is_some_and(|v| !v.is_empty()))
        .count();
    format!("{checked} of {} done", done.len())
}

#[callback(
    output = Output("list", "children", allow_duplicate = true),
    inputs = [Input("clear", "n_clicks")],
    state = [State({"type": "done", "index": ALL}, "value")],
    prevent_initial_call = true,
)]
fn clear_done(_n_clicks: Option<u64>, done: Vec<Option<Vec<String>>>) -> Patch {
    let mut list = Patch::new();
    // Delete from the end so earlier positions stay valid.
    for (position, _) in done
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, d)| d.as_ref().is_some_and(|v| !v.is_empty()))
    {
        list.delete(position);
    }
    list
}

fn layout() -> html::Div {
    html::div((
        html::h1("Todo"),
        dcc::Input::new().id("new-item").value(""),
        html::button("Add").id("add").n_clicks(0),
        html::button("Clear done").id("clear").n_clicks(0),
        html::Div::new()
            .id("list")
            .children(Vec::<Component>::new()),
        html::Div::new().id("summary"),
    ))
}

/// The app: its title and layout (the callbacks register themselves).
fn app() -> Dash {
    Dash::new().title("Todo").layout(layout())
}

fn main() -> Result<(), dash_runtime::Error> {
    app().run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_appends_an_item_and_clears_the_input() {
        let (patch, cleared) = add(Some(2), Some("milk".into())).expect("an update");
        assert_eq!(cleared, "");
        let ops = serde_json::to_value(&patch).expect("json");
        assert_eq!(ops["operations"][0]["operation"], "Append");
        assert_eq!(
            ops["operations"][0]["params"]["value"]["props"]["id"],
            json!({"type": "item", "index": 2})
        );
        assert_eq!(add(Some(3), Some(String::new())), Err(PreventUpdate));
    }

    #[test]
    fn strike_and_summary() {
        assert_eq!(
            strike(Some(vec!["done".into()])),
            json!({"textDecoration": "line-through"})
        );
        assert_eq!(strike(Some(vec![])), json!({}));
        assert_eq!(
            summary(vec![Some(vec!["done".into()]), Some(vec![]), None]),
            "1 of 3 done"
        );
    }

    #[test]
    fn clear_deletes_checked_positions_last_first() {
        let patch = clear_done(
            Some(1),
            vec![
                Some(vec!["done".into()]),
                Some(vec![]),
                Some(vec!["done".into()]),
            ],
        );
        let ops = serde_json::to_value(&patch).expect("json");
        let locations: Vec<_> = ops["operations"]
            .as_array()
            .expect("ops")
            .iter()
            .map(|o| o["location"].clone())
            .collect();
        assert_eq!(locations, vec![json!([2]), json!([0])]);
    }

    /// The browser test's scenario (e2e/tests/browser_todo.rs), on the headless test app.
    #[test]
    fn the_page_adds_checks_and_clears_items() -> Result<(), dash_runtime::testing::TestError> {
        use dash_runtime::testing::TestApp;
        let labels = |page: &TestApp| -> Vec<String> {
            let list = page.get("list", "children");
            list.as_array()
                .into_iter()
                .flatten()
                .map(|row| {
                    let index = row["props"]["id"]["index"].clone();
                    page.text(json!({"type": "label", "index": index}))
                })
                .collect()
        };
        let struck = |page: &TestApp, index: u64| {
            page.get(json!({"type": "label", "index": index}), "style")
                == json!({"textDecoration": "line-through"})
        };
        let mut page = TestApp::new(app())?;
        assert_eq!(page.text("summary"), "0 of 0 done");

        // An empty input: `PreventUpdate`, nothing is added.
        page.click("add")?;
        assert!(labels(&page).is_empty());
        for item in ["milk", "bread", "eggs"] {
            page.set("new-item", "value", item)?;
            page.click("add")?;
            assert_eq!(page.get("new-item", "value"), "");
        }
        assert_eq!(labels(&page), ["milk", "bread", "eggs"]);
        assert_eq!(page.text("summary"), "0 of 3 done");

        // Rows are numbered by the click that added them: bread came with click 3.
        page.set(json!({"type": "done", "index": 3}), "value", ["done"])?;
        assert!(struck(&page, 3));
        assert!(!struck(&page, 2) && !struck(&page, 4));
        assert_eq!(page.text("summary"), "1 of 3 done");

        page.click("clear")?;
        assert_eq!(labels(&page), ["milk", "eggs"]);
        assert_eq!(page.text("summary"), "0 of 2 done");
        assert!(!struck(&page, 2) && !struck(&page, 4));
        assert!(page.errors().is_empty() && page.warnings().is_empty());
        Ok(())
    }
}
