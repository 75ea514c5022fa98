//! The page container: where the routing callback puts each page.

use crate::components::{dcc, html, Component};

/// `dcc.Location` the router listens to.
pub const LOCATION_ID: &str = "_pages_location";
/// The Div that receives the page layout.
pub const CONTENT_ID: &str = "_pages_content";
/// The store that receives the page title.
pub const STORE_ID: &str = "_pages_store";
/// A Div the title callback writes to.
pub const DUMMY_ID: &str = "_pages_dummy";

/// The component that shows the current page; put it in the app layout (or give no layout
/// at all and it is the layout).
///
/// ```
/// use dash_runtime::prelude::*;
/// use dash_runtime::pages::page_container;
/// let layout = html::div((html::nav("menu"), page_container()));
/// ```
pub fn page_container() -> Component {
    html::div((
        dcc::Location::new().id(LOCATION_ID).refresh("callback-nav"),
        html::Div::new().id(CONTENT_ID).disable_n_clicks(true),
        dcc::Store::new().id(STORE_ID),
        html::Div::new().id(DUMMY_ID).disable_n_clicks(true),
    ))
    .into()
}
