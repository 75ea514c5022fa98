//! `hello`: type a name, get a greeting; click the button, count the clicks.
//!
//! Run with `cargo run --release -p hello` and open <http://127.0.0.1:8050/>. With
//! `DASH_MCP_ENABLED=true` it also answers MCP at <http://127.0.0.1:8050/_mcp>: agents can call
//! the two callbacks as tools.

use dash_runtime::prelude::*;

/// The name, or `stranger` when it is empty or missing.
fn name_or_stranger(name: Option<String>) -> String {
    name.filter(|n| !n.is_empty())
        .unwrap_or_else(|| "stranger".to_owned())
}

/// Greets the name typed into the `name` box ("stranger" when it is empty).
// Formatting a string never blocks: `blocking = false` runs it inline, without the hand-off to
// a callback thread that a callback doing real work needs.
#[callback(
    output = Output("greeting", "children"),
    inputs = [Input("name", "value")],
    blocking = false,
)]
fn greet(name: Option<String>) -> String {
    format!("Hello, {}!", name_or_stranger(name))
}

/// Counts the button's clicks, signed with the name typed into the `name` box.
#[callback(
    output = Output("clicks", "children"),
    inputs = [Input("btn", "n_clicks")],
    state = [State("name", "value")],
)]
fn count_clicks(n_clicks: Option<u64>, name: Option<String>) -> String {
    format!(
        "{} clicks by {}",
        n_clicks.unwrap_or(0),
        name_or_stranger(name)
    )
}

fn layout() -> html::Div {
    html::div((
        html::h1("Hello Dash").id("title"),
        dcc::Input::new().id("name").value("world").r#type("text"),
        html::Div::new().id("greeting"),
        html::button("Click").id("btn").n_clicks(0),
        html::Div::new().id("clicks"),
    ))
}

/// The app: its layout (the callbacks register themselves).
fn app() -> Dash {
    Dash::new().layout(layout())
}

fn main() -> Result<(), dash_runtime::Error> {
    app().run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_by_name_or_stranger() {
        assert_eq!(greet(Some("Ada".into())), "Hello, Ada!");
        assert_eq!(greet(Some(String::new())), "Hello, stranger!");
        assert_eq!(greet(None), "Hello, stranger!");
    }

    #[test]
    fn counts_clicks() {
        assert_eq!(count_clicks(Some(3), Some("Ada".into())), "3 clicks by Ada");
        assert_eq!(count_clicks(None, None), "0 clicks by stranger");
    }

    /// The browser test's scenario (e2e/tests/browser.rs), on the headless test app.
    #[test]
    fn the_page_greets_and_counts_clicks() -> Result<(), dash_runtime::testing::TestError> {
        let mut page = dash_runtime::testing::TestApp::new(app())?;
        assert_eq!(page.text("title"), "Hello Dash");
        assert_eq!(page.text("greeting"), "Hello, world!");
        assert_eq!(page.text("clicks"), "0 clicks by world");

        page.set("name", "value", "Rustacean")?;
        assert_eq!(page.text("greeting"), "Hello, Rustacean!");
        page.click("btn")?;
        assert_eq!(page.text("clicks"), "1 clicks by Rustacean");
        page.click("btn")?;
        assert_eq!(page.text("clicks"), "2 clicks by Rustacean");
        assert_eq!(page.get("btn", "n_clicks"), 2);
        assert!(page.errors().is_empty() && page.warnings().is_empty());
        Ok(())
    }
}
