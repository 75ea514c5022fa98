//! Components: the generic [`Component`] value and typed builders for the standard libraries.
//!
//! Every component serialises to the layout form the Dash front end reads:
//! `{"props": {...}, "type": "Div", "namespace": "dash_html_components"}`.
//!
//! ```
//! use dash_runtime::components::{html, dcc, Component};
//!
//! let layout: Component = html::div((
//!     html::h1("Hello Dash").id("title"),
//!     dcc::Input::new().id("name").value("world").r#type("text"),
//! ))
//! .into();
//! assert_eq!(layout.type_name(), "Div");
//! ```

mod catalog;
mod children;
mod component;
// Generated from the components' metadata, which documents only some props: not held to
// `missing_docs` like the hand-written modules.
#[allow(missing_docs)]
mod generated;
#[cfg(test)]
mod tests;
mod value;

pub use catalog::{children_props, known_props};
pub use children::{Children, IntoChildren};
pub use component::{Component, IntoComponent};
pub use generated::{dash_table, dcc, html};
pub use value::Number;
