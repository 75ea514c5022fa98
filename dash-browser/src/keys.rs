//! W3C WebDriver key codes, for [`Element::send_keys`](crate::Element::send_keys).
//!
//! ```no_run
//! # fn demo(b: &dash_browser::Browser) -> Result<(), dash_browser::BrowserError> {
//! use dash_browser::keys;
//! b.find("#filter")?.send_keys(&format!("price > 3{}", keys::ENTER))?;
//! # Ok(()) }
//! ```

/// The Control modifier (held until [`NULL`]).
pub const CONTROL: &str = "\u{E009}";
/// Releases all held modifiers.
pub const NULL: &str = "\u{E000}";
/// Backspace.
pub const BACKSPACE: &str = "\u{E003}";
/// Enter.
pub const ENTER: &str = "\u{E007}";
/// Tab.
pub const TAB: &str = "\u{E004}";
/// Escape.
pub const ESCAPE: &str = "\u{E00C}";
