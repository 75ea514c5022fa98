//! `multipage`: one file per page under `pages/`, a navigation bar built from the page
//! registry, and two instances of the `counter-aio` All-in-One component on the home page.
//!
//! Run with `cargo run --release -p multipage` and open <http://127.0.0.1:8050/>.

mod pages;

use dash_runtime::prelude::*;

/// A `dcc.Link` per page (the 404 page aside), with id `nav-<name in lower case>`.
fn navbar() -> html::Nav {
    let links: Vec<dcc::Link> = page_registry()
        .into_iter()
        .filter(|page| !page.not_found)
        .map(|page| {
            dcc::link(page.name.clone())
                .id(format!("nav-{}", page.name.to_lowercase()))
                .href(page.path.clone())
                .style(serde_json::json!({"marginRight": "1em"}))
        })
        .collect();
    html::nav(links)
}

/// The app: a navigation bar above the page container (pages and callbacks register
/// themselves).
fn app() -> Dash {
    Dash::new()
        .title("Multipage")
        .layout(html::div((navbar(), html::Hr::new(), page_container())))
}

fn main() -> Result<(), dash_runtime::Error> {
    app().run()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dash_runtime::testing::{TestApp, TestError};
    use serde_json::json;

    fn counter(aio_id: &str, part: &str) -> serde_json::Value {
        json!({"component": "CounterAIO", "subcomponent": part, "aio_id": aio_id})
    }

    /// The browser test's scenario (e2e/tests/browser_multipage.rs), on the headless test
    /// app: links route without a reload, path templates, the 404 page, and two counters.
    #[test]
    fn the_pages_route_and_the_counters_count() -> Result<(), TestError> {
        let mut page = TestApp::new(app())?;
        assert!(page.text("_pages_content").starts_with("Home"));
        assert_eq!(page.text("home-out"), "Home clicks: 0");
        assert_eq!(page.get("nav-report", "href"), "/report/none");

        page.click("home-btn")?;
        assert_eq!(page.text("home-out"), "Home clicks: 1");
        assert_eq!(page.text(counter("left", "display")), "0 clicks");
        page.click(counter("left", "button"))?;
        assert_eq!(page.text(counter("left", "display")), "1 click");
        page.click(counter("left", "button"))?;
        page.click(counter("right", "button"))?;
        assert_eq!(page.text(counter("left", "display")), "2 clicks");
        assert_eq!(page.text(counter("right", "display")), "1 click");

        page.click("nav-analytics")?;
        assert_eq!(page.url(), "/analytics");
        assert_eq!(page.text("metric-out"), "Metric: sales");
        page.set("metric", "value", "users")?;
        assert_eq!(page.text("metric-out"), "Metric: users");

        page.click("nav-report")?;
        assert_eq!(page.text("report-title"), "Report none");
        page.navigate("/analytics")?;
        assert_eq!(page.text("metric-out"), "Metric: sales");
        page.click("nav-home")?;
        assert_eq!(page.text("home-out"), "Home clicks: 0");
        assert_eq!(page.text(counter("left", "display")), "0 clicks");

        let report = TestApp::at(app(), "/report/42")?;
        assert_eq!(report.text("report-title"), "Report 42");
        let missing = TestApp::at(app(), "/nope")?;
        assert_eq!(missing.text("not-found"), "Page not found");

        assert!(page.errors().is_empty());
        // The title is set by a clientside callback: the test app says it did not run it.
        assert!(page
            .warnings()
            .iter()
            .all(|w| w.starts_with("clientside callback")));
        Ok(())
    }
}
