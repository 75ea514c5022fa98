//! Pages: multi-page apps where each page is a layout function in any module or crate.
//!
//! Annotate a function with [`#[page(...)]`](macro@crate::page) and it registers itself, like
//! callbacks do. When any page is registered the app routes between them: the layout (by
//! default just [`page_container`]) gets a `dcc.Location` and a content area, and a routing
//! callback fills the content for each URL. Path templates (`/report/<report_id>`) and query
//! strings arrive as typed parameters of the layout function.
//!
//! ```no_run
//! use dash_runtime::prelude::*;
//!
//! #[page(path = "/", name = "Home")]
//! fn home() -> html::Div {
//!     html::div(html::h1("Welcome"))
//! }
//!
//! #[page(path_template = "/report/<report_id>", title = "Report {report_id}")]
//! fn report(report_id: u32, tab: Option<String>) -> html::Div {
//!     html::div(format!("Report {report_id}, tab {}", tab.unwrap_or_default()))
//! }
//!
//! fn main() -> Result<(), dash_runtime::Error> {
//!     // No layout: the page container is the layout.
//!     Dash::new().run()
//! }
//! ```

mod container;
mod params;
mod registry;
mod routing;

pub use container::{page_container, CONTENT_ID, DUMMY_ID, LOCATION_ID, STORE_ID};
pub use params::{FromPageParam, PageArgs, PageParamError};
pub use registry::{page_registry, page_registry_of, Page, PageSpec};
pub(crate) use routing::{routing_specs, Router as PageRouter};
