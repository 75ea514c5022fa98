//! Browser tests for dash-rs apps, in the spirit of Python's `dash.testing` (`dash_duo`): the
//! app served in-process ([`AppServer`]), the real dash-renderer in headless Chromium
//! ([`Browser`], over chromedriver), and helpers that wait the way Dash pages need: polling
//! with a bound, never sleeping for a fixed time.
//!
//! Chromium and chromedriver come from Debian's `chromium` and `chromium-driver` packages
//! (found on `PATH`, or through [`CHROMIUM_ENV`] and [`CHROMEDRIVER_ENV`]).
//!
//! ```no_run
//! use dash_browser::{AppServer, Browser};
//! use dash_runtime::prelude::*;
//! use std::time::Duration;
//!
//! #[callback(output = Output("greeting", "children"), inputs = [Input("name", "value")])]
//! fn greet(name: Option<String>) -> String {
//!     format!("Hello, {}!", name.unwrap_or_default())
//! }
//!
//! fn app() -> Dash {
//!     Dash::new().layout(html::div((
//!         dcc::Input::new().id("name").value("world").r#type("text"),
//!         html::Div::new().id("greeting"),
//!     )))
//! }
//!
//! // #[test]
//! fn greets_by_name() -> Result<(), Box<dyn std::error::Error>> {
//!     let wait = Duration::from_secs(30);
//!     let app = AppServer::start(app())?;
//!     let browser = Browser::launch()?;
//!     browser.goto(&app.url())?;
//!     browser.wait_for_text("#greeting", "Hello, world!", wait)?;
//!     browser.type_into("#name", "Ada")?;
//!     browser.wait_for_text("#greeting", "Hello, Ada!", wait)?;
//!     assert!(browser.callback_errors()?.is_empty());
//!     assert!(browser.console_errors()?.is_empty());
//!     browser.screenshot("target/screenshots/greets_by_name.png")?;
//!     Ok(())
//! }
//! # fn main() { let _ = greets_by_name(); }
//! ```

mod browser;
mod command;
mod console;
mod driver;
mod element;
mod error;
pub mod keys;
mod locate;
mod renderer;
mod server;

pub use browser::{Browser, COMMAND_TIMEOUT};
pub use console::{format_log, LogEntry, ERROR_LEVEL};
pub use element::Element;
pub use error::{BrowserError, ServerError};
pub use locate::{CHROMEDRIVER_ENV, CHROMIUM_ENV};
pub use renderer::ERROR_UI;
pub use server::AppServer;
