//! `progress`: a background callback with a progress bar, a disabled button while it runs,
//! and a cancel button.
//!
//! Run with `cargo run --release -p progress` and open <http://127.0.0.1:8050/>. Jobs run in
//! the app's process with the embedded manager (SQLite in the cache directory). With
//! `REDIS_URL` set they go to Redis instead, and worker processes run them:
//!
//! ```text
//! web:    REDIS_URL=redis://127.0.0.1:6379 cargo run --release -p progress
//! worker: REDIS_URL=redis://127.0.0.1:6379 cargo run --release -p progress -- --worker
//! ```

use std::time::Duration;

use dash_runtime::prelude::*;
use serde_json::json;

/// Steps of one job.
const STEPS: u32 = 10;

/// How long one step takes.
const STEP: Duration = Duration::from_millis(200);

#[callback(
    output = Output("paragraph_id", "children"),
    inputs = [Input("button_id", "n_clicks")],
    background = true,
    running = [
        (Output("button_id", "disabled"), true, false),
        (Output("cancel_button_id", "disabled"), false, true),
        (Output("paragraph_id", "style"), json!({"visibility": "hidden"}), json!({"visibility": "visible"})),
        (Output("progress_bar", "style"), json!({"visibility": "visible"}), json!({"visibility": "hidden"})),
    ],
    cancel = [Input("cancel_button_id", "n_clicks")],
    progress = [Output("progress_bar", "value"), Output("progress_bar", "max")],
    prevent_initial_call = true,
)]
async fn update_progress(
    progress: Progress<(u32, u32)>,
    n_clicks: Option<u64>,
) -> Result<Vec<String>, Cancelled> {
    for step in 1..=STEPS {
        // Wakes early with Err(Cancelled) when the job is cancelled.
        progress.sleep(STEP).await?;
        progress.set((step, STEPS));
    }
    Ok(vec![format!("Clicked {} times", n_clicks.unwrap_or(0))])
}

fn layout() -> html::Div {
    html::div((
        html::div((
            html::p(vec!["Button not clicked"]).id("paragraph_id"),
            html::Progress::new()
                .id("progress_bar")
                .value("0")
                .max("10"),
        )),
        html::button("Run Job!").id("button_id"),
        html::button("Cancel Running Job!").id("cancel_button_id"),
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
    use dash_runtime::testing::{TestApp, TestError};

    /// The browser test's scenario (e2e/tests/browser_progress.rs), on the headless test
    /// app: progress while the job runs, the running values, the result.
    #[test]
    fn the_page_runs_a_job_with_progress() -> Result<(), TestError> {
        let mut page = TestApp::new(app())?;
        assert_eq!(page.text("paragraph_id"), "Button not clicked");

        page.begin_click("button_id")?;
        assert_eq!(page.running_jobs(), 1);
        assert_eq!(page.get("button_id", "disabled"), true);
        assert_eq!(page.get("cancel_button_id", "disabled"), false);
        assert_eq!(
            page.get("progress_bar", "style"),
            json!({"visibility": "visible"})
        );
        while page.running_jobs() > 0 {
            std::thread::sleep(STEP);
            page.poll();
        }
        assert_eq!(page.text("paragraph_id"), "Clicked 1 times");
        assert_eq!(page.get("button_id", "disabled"), false);
        assert_eq!(
            page.get("paragraph_id", "style"),
            json!({"visibility": "visible"})
        );
        let steps = page.history("progress_bar", "value");
        assert!(steps.len() >= 2, "progress seen while running: {steps:?}");
        assert_eq!(steps.last(), Some(&json!(STEPS)));
        assert_eq!(page.get("progress_bar", "max"), json!(STEPS));

        // Run to completion in one step.
        page.click("button_id")?;
        assert_eq!(page.text("paragraph_id"), "Clicked 2 times");
        assert!(page.errors().is_empty());
        Ok(())
    }

    #[test]
    fn cancel_stops_the_job() -> Result<(), TestError> {
        let mut page = TestApp::new(app())?;
        page.begin_click("button_id")?;
        std::thread::sleep(STEP * 2);
        page.poll();
        page.click("cancel_button_id")?;
        assert_eq!(page.running_jobs(), 0);
        assert_eq!(page.text("paragraph_id"), "Button not clicked");
        assert_eq!(page.get("button_id", "disabled"), false);
        Ok(())
    }
}
