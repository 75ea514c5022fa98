//! `live`: real time over the page's websocket.
//!
//! - `#ticker` reads "tick 1", "tick 2", ... pushed every 100 ms by a persistent callback
//!   with no inputs and no outputs, for as long as the page is open;
//! - `#ask` asks the server, which reads `#name`'s current value from the page with
//!   `get_props` and answers "Asked <name>";
//! - `#run` starts a background job of ten 100 ms steps; the server follows the job and
//!   pushes its progress to `#bar` as it happens, and `#result` reads "Done <clicks>";
//! - MCP is on: agents reach the callbacks as tools at `/_mcp` (the job as a task).
//!
//! Run with `cargo run --release -p live` and open <http://127.0.0.1:8050/>.

use std::time::Duration;

use dash_runtime::prelude::*;
use serde_json::json;

/// How often the ticker ticks.
const TICK: Duration = Duration::from_millis(100);
/// The background job's steps.
const STEPS: u32 = 10;
const STEP: Duration = Duration::from_millis(100);

/// The ticker text for tick `k`.
fn tick_text(k: u64) -> String {
    format!("tick {k}")
}

/// Runs from page load until the page goes away (the server cancels it then); pushes each
/// tick at once. `persistent` keeps it out of the page's "Updating..." title.
#[callback(inputs = [], websocket = true, persistent = true)]
async fn ticker() {
    for k in 1.. {
        set_props("ticker", json!({ "children": tick_text(k) }));
        tokio::time::sleep(TICK).await;
    }
}

/// The answer for a name read from the page.
fn asked(name: Option<String>) -> String {
    format!("Asked {}", name.unwrap_or_default())
}

/// Only `ask.n_clicks` is an input: the name is read from the page when the button is
/// clicked, not sent with every keystroke. It needs an open page to ask, so it is not an MCP
/// tool (`mcp = false`).
#[callback(
    output = Output("answer", "children"),
    inputs = [Input("ask", "n_clicks")],
    websocket = true,
    prevent_initial_call = true,
    mcp = false,
)]
async fn ask(_clicks: Option<u64>) -> Result<String, GetPropsError> {
    let name: Option<String> = get_props("name", "value").await?;
    Ok(asked(name))
}

/// A background job followed over the websocket: no polling from the page. (`html.Progress`
/// takes its `value` as a string.)
#[callback(
    output = Output("result", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    websocket = true,
    progress = Output("bar", "value"),
    running = [(Output("run", "disabled"), true, false)],
    prevent_initial_call = true,
)]
async fn run(progress: Progress<String>, clicks: Option<u64>) -> Result<String, Cancelled> {
    for step in 1..=STEPS {
        progress.sleep(STEP).await?;
        progress.set(step.to_string());
    }
    Ok(format!("Done {}", clicks.unwrap_or(0)))
}

fn layout() -> html::Div {
    html::div((
        html::h1("Live").id("title"),
        html::Div::new().id("ticker"),
        html::div((
            dcc::Input::new().id("name").value("Ada").r#type("text"),
            html::button("Ask").id("ask"),
            html::Div::new().id("answer"),
        )),
        html::div((
            html::button("Run").id("run"),
            html::Progress::new()
                .id("bar")
                .value("0")
                .max(STEPS.to_string()),
            html::Div::new().id("result"),
        )),
    ))
}

/// The app: its title, MCP on, and its layout (the callbacks register themselves).
fn app() -> Dash {
    Dash::new().title("Live").mcp(true).layout(layout())
}

fn main() -> Result<(), dash_runtime::Error> {
    app().run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(tick_text(3), "tick 3");
        assert_eq!(asked(Some("Ada".into())), "Asked Ada");
        assert_eq!(asked(None), "Asked ");
    }

    /// The browser test's ask and run steps (e2e/tests/browser_live.rs) on the headless test
    /// app: `get_props` reads the test app's page; the persistent ticker needs an open page.
    #[test]
    fn the_page_asks_and_runs() -> Result<(), dash_runtime::testing::TestError> {
        let mut page = dash_runtime::testing::TestApp::new(app())?;
        page.click("ask")?;
        assert_eq!(page.text("answer"), "Asked Ada");
        page.set("name", "value", "Bo")?;
        page.click("ask")?;
        assert_eq!(page.text("answer"), "Asked Bo");

        page.click("run")?;
        assert_eq!(page.text("result"), "Done 1");
        assert_eq!(page.get("bar", "value"), STEPS.to_string());
        assert_eq!(page.get("run", "disabled"), false);
        assert!(page
            .history("run", "disabled")
            .contains(&serde_json::json!(true)));
        assert!(page.errors().is_empty());
        assert!(page
            .warnings()
            .iter()
            .any(|w| w.contains("persistent callback `ticker`")));
        Ok(())
    }
}
