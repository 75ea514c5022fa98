//! The browser of the e2e tests: [`dash_browser`]'s headless Chromium, the same crate users
//! test their apps with, re-exported under the names the tests use.
//!
//! ```no_run
//! use dash_e2e::browser::Browser;
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), dash_e2e::browser::BrowserError> {
//! let browser = Browser::launch()?;
//! browser.goto("http://127.0.0.1:8050/")?;
//! browser.type_into("#name", "Rustacean")?;
//! browser.wait_for_text("#greeting", "Hello, Rustacean!", Duration::from_secs(30))?;
//! browser.find("#btn")?.click()?;
//! browser.screenshot("target/e2e/hello.png")?;
//! # Ok(())
//! # }
//! ```

pub use dash_browser::{format_log, keys, Browser, BrowserError, Element, LogEntry, ERROR_UI};
