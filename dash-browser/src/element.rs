//! [`Element`]: one element of the page.

use fantoccini::Locator;
use serde_json::Value;

use crate::browser::Browser;
use crate::command::SessionCommand;
use crate::error::BrowserError;

/// An element of the current page. Dash re-renders freely, so prefer looking elements up again
/// (e.g. [`Browser::text`]) over keeping one across callbacks: a kept one may go stale
/// (an error that [`is_transient`](BrowserError::is_transient)).
pub struct Element<'b> {
    browser: &'b Browser,
    inner: fantoccini::elements::Element,
}

impl<'b> Element<'b> {
    pub(crate) fn new(browser: &'b Browser, inner: fantoccini::elements::Element) -> Self {
        Self { browser, inner }
    }

    /// Its rendered text.
    pub fn text(&self) -> Result<String, BrowserError> {
        self.browser.block_on("element text", self.inner.text())
    }

    /// Clicks it (scrolled into view, as a real pointer click).
    pub fn click(&self) -> Result<(), BrowserError> {
        self.browser.block_on("click", self.inner.click())
    }

    /// Clears an editable element.
    pub fn clear(&self) -> Result<(), BrowserError> {
        self.browser.block_on("clear", self.inner.clear())
    }

    /// Types `text` into it, key by key (see [`keys`](crate::keys) for special keys).
    pub fn send_keys(&self, text: &str) -> Result<(), BrowserError> {
        self.browser
            .block_on("send keys", self.inner.send_keys(text))
    }

    /// A DOM property as JSON, e.g. `value` or `disabled` (`null` when absent).
    pub fn property(&self, name: &str) -> Result<Value, BrowserError> {
        let path = format!("element/{}/property/{name}", self.inner.element_id());
        self.browser.block_on(
            &format!("property {name}"),
            self.browser
                .webdriver()
                .issue_cmd(SessionCommand::get(path)),
        )
    }

    /// An HTML attribute, `None` when absent.
    pub fn attribute(&self, name: &str) -> Result<Option<String>, BrowserError> {
        self.browser
            .block_on(&format!("attribute {name}"), self.inner.attr(name))
    }

    /// The computed value of a CSS property, e.g. `text-decoration-line`.
    pub fn css_value(&self, name: &str) -> Result<String, BrowserError> {
        self.browser
            .block_on(&format!("css value {name}"), self.inner.css_value(name))
    }

    /// Whether it is displayed.
    pub fn is_displayed(&self) -> Result<bool, BrowserError> {
        self.browser
            .block_on("is displayed", self.inner.is_displayed())
    }

    /// Whether it is enabled (not a disabled form control).
    pub fn is_enabled(&self) -> Result<bool, BrowserError> {
        self.browser.block_on("is enabled", self.inner.is_enabled())
    }

    /// Its `outerHTML`.
    pub fn outer_html(&self) -> Result<String, BrowserError> {
        self.browser.block_on("outer html", self.inner.html(false))
    }

    /// The first descendant matching a CSS selector.
    pub fn find(&self, css: &str) -> Result<Element<'b>, BrowserError> {
        let found = self
            .browser
            .block_on(&format!("find {css}"), self.inner.find(Locator::Css(css)))?;
        Ok(Element::new(self.browser, found))
    }

    /// All descendants matching a CSS selector (possibly none).
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'b>>, BrowserError> {
        let found = self.browser.block_on(
            &format!("find all {css}"),
            self.inner.find_all(Locator::Css(css)),
        )?;
        Ok(found
            .into_iter()
            .map(|e| Element::new(self.browser, e))
            .collect())
    }

    /// It as an argument of [`Browser::execute`] (the script sees the DOM element).
    ///
    /// ```no_run
    /// # fn demo(b: &dash_browser::Browser) -> Result<(), dash_browser::BrowserError> {
    /// let graph = b.find("#graph")?;
    /// let width = b.execute("return arguments[0].offsetWidth;", vec![graph.script_arg()])?;
    /// # Ok(()) }
    /// ```
    pub fn script_arg(&self) -> Value {
        serde_json::json!({ ELEMENT_KEY: self.inner.element_id().to_string() })
    }
}

/// The key under which WebDriver passes an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
