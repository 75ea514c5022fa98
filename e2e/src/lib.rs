//! End-to-end test support for dash-rs.
//!
//! - [`app`] builds an example app (or runs any command) on a free loopback port and stops it
//!   when dropped;
//! - [`browser`] is headless Chromium through chromedriver: the `dash-browser` crate that users
//!   test their apps with;
//! - [`http`] makes the blocking HTTP requests of the conformance tests (reqwest, redirects
//!   not followed, bodies as sent);
//! - [`python`] holds the Python Dash twins used by the conformance tests;
//! - [`scenario`] is the shared frame of the browser tests (start, run, report failures).
//!
//! ```no_run
//! use dash_e2e::{app::RunningApp, browser::Browser};
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = RunningApp::start("hello")?;
//! let browser = Browser::launch()?;
//! browser.goto(&app.url())?;
//! browser.wait_for_text("#greeting", "Hello, world!", Duration::from_secs(30))?;
//! # Ok(())
//! # }
//! ```

pub mod app;
pub mod browser;
pub mod conformance_support;
pub mod http;
pub mod python;
pub mod scenario;

mod process;
