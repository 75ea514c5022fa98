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

fn main() -> Result<(), dash_runtime::Error> {
    Dash::new()
        .title("Multipage")
        .layout(html::div((navbar(), html::Hr::new(), page_container())))
        .run()
}
