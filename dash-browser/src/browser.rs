//! [`Browser`]: a headless Chromium session driven through chromedriver, with a synchronous
//! API for plain `#[test]` functions.

use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::runtime::Runtime;

use crate::command::SessionCommand;
use crate::console::{self, LogEntry};
use crate::driver::Driver;
use crate::element::Element;
use crate::error::BrowserError;
use crate::locate;
use crate::renderer;

/// The bound on one WebDriver command (navigation waits for the page load, itself bounded by
/// the session's 120 s page-load timeout).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(180);

/// How long opening the Chromium session may take.
const SESSION_TIMEOUT: Duration = Duration::from_secs(60);

/// How often [`Browser::wait_for`] polls.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The Chromium flags of every session (plus `--user-data-dir`, a fresh directory).
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
];

/// A headless Chromium session with a fresh profile, driven through chromedriver. Dropping it
/// closes the session, stops chromedriver and Chromium, and removes the profile.
///
/// Every method blocks until chromedriver answers (each command bounded by
/// [`COMMAND_TIMEOUT`]; every wait by the timeout it is given). The methods run on an internal
/// Tokio runtime, so call them from ordinary threads (a plain `#[test]`), not from inside an
/// async runtime; async code can use [`webdriver`](Self::webdriver) directly.
///
/// ```no_run
/// use dash_browser::Browser;
/// use std::time::Duration;
///
/// # fn main() -> Result<(), dash_browser::BrowserError> {
/// let browser = Browser::launch()?;
/// browser.goto("http://127.0.0.1:8050/")?;
/// browser.type_into("#name", "Ada")?;
/// browser.wait_for_text("#greeting", "Hello, Ada!", Duration::from_secs(30))?;
/// browser.find("#btn")?.click()?;
/// browser.screenshot("target/screenshots/hello.png")?;
/// # Ok(())
/// # }
/// ```
pub struct Browser {
    client: Client,
    runtime: Runtime,
    /// Console entries read from chromedriver but not yet handed out (see
    /// [`console_errors`](Self::console_errors)).
    pending_log: Mutex<Vec<LogEntry>>,
    // Dropped in this order: chromedriver (and Chromium) stop before the profile goes.
    driver: Driver,
    dir: TempDir,
}

impl Browser {
    /// Finds Chromium and chromedriver ([`CHROMIUM_ENV`](crate::CHROMIUM_ENV) and
    /// [`CHROMEDRIVER_ENV`](crate::CHROMEDRIVER_ENV), or `PATH`), starts chromedriver and opens
    /// a headless session with a fresh profile and a 1280×900 window.
    pub fn launch() -> Result<Self, BrowserError> {
        let chromium = locate::chromium()?;
        let chromedriver = locate::chromedriver()?;
        let dir = tempfile::Builder::new()
            .prefix("dash-browser-")
            .tempdir()
            .map_err(|source| BrowserError::Io {
                path: std::env::temp_dir(),
                source,
            })?;
        let profile = dir.path().join("profile");
        fs::create_dir(&profile).map_err(|source| BrowserError::Io {
            path: profile.clone(),
            source,
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("dash-browser")
            .enable_all()
            .build()
            .map_err(|source| BrowserError::Io {
                path: PathBuf::new(),
                source,
            })?;
        let driver = Driver::start(&chromedriver, dir.path().join("chromedriver.log"))?;

        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut capabilities = serde_json::Map::new();
        for (key, value) in [
            ("browserName", json!("chrome")),
            ("pageLoadStrategy", json!("normal")),
            (
                "timeouts",
                json!({"implicit": 0, "pageLoad": 120_000, "script": 30_000}),
            ),
            (
                "goog:chromeOptions",
                json!({"binary": chromium, "args": args}),
            ),
            ("goog:loggingPrefs", json!({"browser": "ALL"})),
        ] {
            capabilities.insert(key.to_owned(), value);
        }
        let url = driver.url();
        let connect = async {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            ClientBuilder::new(connector)
                .capabilities(capabilities)
                .connect(&url)
                .await
        };
        let client = match runtime
            .block_on(async { tokio::time::timeout(SESSION_TIMEOUT, connect).await })
        {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => {
                return Err(BrowserError::Session {
                    message: e.to_string(),
                    log: driver.log_tail(),
                })
            }
            Err(_) => {
                return Err(BrowserError::Session {
                    message: format!("no session within {SESSION_TIMEOUT:?}"),
                    log: driver.log_tail(),
                })
            }
        };
        Ok(Self {
            client,
            runtime,
            pending_log: Mutex::new(Vec::new()),
            driver,
            dir,
        })
    }

    /// The underlying fantoccini client, for what this API does not cover (use it from async
    /// code, or through [`block_on`](Self::block_on)).
    pub fn webdriver(&self) -> &Client {
        &self.client
    }

    /// Runs `future` on the browser's runtime, bounded by [`COMMAND_TIMEOUT`].
    ///
    /// ```no_run
    /// # fn demo(b: &dash_browser::Browser) -> Result<(), dash_browser::BrowserError> {
    /// let (width, height) = b.block_on("window size", b.webdriver().get_window_size())?;
    /// # Ok(()) }
    /// ```
    pub fn block_on<T>(
        &self,
        command: &str,
        future: impl Future<Output = Result<T, CmdError>>,
    ) -> Result<T, BrowserError> {
        match self
            .runtime
            .block_on(async { tokio::time::timeout(COMMAND_TIMEOUT, future).await })
        {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(BrowserError::from_cmd(command, e)),
            Err(_) => Err(BrowserError::CommandTimeout {
                command: command.to_owned(),
                waited: COMMAND_TIMEOUT,
            }),
        }
    }

    /// Navigates to `url` and waits for the page load (not for Dash's callbacks: wait for what
    /// they render).
    pub fn goto(&self, url: &str) -> Result<(), BrowserError> {
        self.block_on(&format!("goto {url}"), self.client.goto(url))
    }

    /// The document title.
    pub fn title(&self) -> Result<String, BrowserError> {
        self.block_on("title", self.client.title())
    }

    /// The current URL.
    pub fn current_url(&self) -> Result<String, BrowserError> {
        self.block_on("current url", self.client.current_url())
            .map(String::from)
    }

    /// The serialized DOM.
    pub fn page_source(&self) -> Result<String, BrowserError> {
        self.block_on("page source", self.client.source())
    }

    /// Goes back one entry in the session history (the Back button).
    pub fn back(&self) -> Result<(), BrowserError> {
        self.block_on("back", self.client.back())
    }

    /// Goes forward one entry in the session history.
    pub fn forward(&self) -> Result<(), BrowserError> {
        self.block_on("forward", self.client.forward())
    }

    /// Reloads the page and waits for the load.
    pub fn refresh(&self) -> Result<(), BrowserError> {
        self.block_on("refresh", self.client.refresh())
    }

    /// Opens a blank tab and switches to it; returns the handle of the tab that was current
    /// (for [`close_tab`](Self::close_tab)).
    pub fn open_tab(&self) -> Result<String, BrowserError> {
        let previous = self.block_on("current window", self.client.window())?;
        let opened = self.block_on("new tab", self.client.new_window(true))?;
        self.block_on("switch to tab", self.client.switch_to_window(opened.handle))?;
        Ok(previous.into())
    }

    /// Closes the tab `handle` (its documents are destroyed, as when a person closes it) and
    /// comes back to the current one.
    pub fn close_tab(&self, handle: &str) -> Result<(), BrowserError> {
        let target = WindowHandle::try_from(handle).map_err(|e| BrowserError::Protocol {
            command: format!("close tab {handle}"),
            message: e.to_string(),
        })?;
        let current = self.block_on("current window", self.client.window())?;
        self.block_on("switch to tab", self.client.switch_to_window(target))?;
        self.block_on("close tab", self.client.close_window())?;
        self.block_on("switch back", self.client.switch_to_window(current))
    }

    /// The first element matching a CSS selector (a `no such element` error, which
    /// [`is_transient`](BrowserError::is_transient), when there is none).
    pub fn find(&self, css: &str) -> Result<Element<'_>, BrowserError> {
        let found = self.block_on(&format!("find {css}"), self.client.find(Locator::Css(css)))?;
        Ok(Element::new(self, found))
    }

    /// All elements matching a CSS selector, in document order (possibly none).
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>, BrowserError> {
        let found = self.block_on(
            &format!("find all {css}"),
            self.client.find_all(Locator::Css(css)),
        )?;
        Ok(found.into_iter().map(|e| Element::new(self, e)).collect())
    }

    /// The first element matching an XPath expression.
    pub fn find_xpath(&self, xpath: &str) -> Result<Element<'_>, BrowserError> {
        let found = self.block_on(
            &format!("find xpath {xpath}"),
            self.client.find(Locator::XPath(xpath)),
        )?;
        Ok(Element::new(self, found))
    }

    /// Waits until an element matches `css` and returns it.
    pub fn wait_for_element(
        &self,
        css: &str,
        timeout: Duration,
    ) -> Result<Element<'_>, BrowserError> {
        self.wait_for(&format!("an element matching {css}"), timeout, |_| {
            self.find(css).map(Some)
        })
    }

    /// The visible text of the first element matching `css`.
    pub fn text(&self, css: &str) -> Result<String, BrowserError> {
        self.find(css)?.text()
    }

    /// The texts of all elements matching `css`, in document order.
    pub fn texts(&self, css: &str) -> Result<Vec<String>, BrowserError> {
        self.find_all(css)?.iter().map(Element::text).collect()
    }

    /// Clicks the first element matching `css`.
    pub fn click(&self, css: &str) -> Result<(), BrowserError> {
        self.find(css)?.click()
    }

    /// Replaces the content of the input matching `css` with `text` the way a person would:
    /// clear it, select all and delete (so React sees the edit), then type `text` key by key.
    pub fn type_into(&self, css: &str, text: &str) -> Result<(), BrowserError> {
        let input = self.find(css)?;
        input.clear()?;
        input.send_keys(&format!(
            "{}a{}{}",
            crate::keys::CONTROL,
            crate::keys::NULL,
            crate::keys::BACKSPACE
        ))?;
        input.send_keys(text)
    }

    /// Picks the option labelled `label` in the `dcc.Dropdown` matching `css` the way a person
    /// would: open it, click the option (re-opening it if a re-render closed it). Works with
    /// the Dash 4 dropdown (`.dash-dropdown-option`) and the react-select one (`.Select-option`).
    ///
    /// ```no_run
    /// # fn demo(b: &dash_browser::Browser) -> Result<(), dash_browser::BrowserError> {
    /// b.select_dropdown_option("#metric", "users", std::time::Duration::from_secs(30))?;
    /// # Ok(()) }
    /// ```
    pub fn select_dropdown_option(
        &self,
        css: &str,
        label: &str,
        timeout: Duration,
    ) -> Result<(), BrowserError> {
        const OPTIONS: &str = ".dash-dropdown-option, .Select-option, .VirtualizedSelectOption";
        let mut seen: Vec<String> = Vec::new();
        let option = self
            .wait_for(
                &format!("option {label:?} in the dropdown {css}"),
                timeout,
                |_| {
                    let options = self.find_all(OPTIONS)?;
                    if options.is_empty() {
                        // Closed (or closed again by a re-render): open it.
                        let dropdown = self.find(css)?;
                        match dropdown.find(".dash-dropdown, .Select-control") {
                            Ok(control) => control.click()?,
                            Err(e) if e.is_transient() => dropdown.click()?,
                            Err(e) => return Err(e),
                        }
                        return Ok(None);
                    }
                    seen.clear();
                    for option in options {
                        let text = option.text()?;
                        if text.trim() == label {
                            return Ok(Some(option));
                        }
                        seen.push(text);
                    }
                    Ok(None)
                },
            )
            .map_err(|e| e.with_last(format!("the options read {seen:?}")))?;
        option.click()
    }

    /// Runs JavaScript in the page (`arguments[i]` are `args`; an [`Element`] goes in as
    /// [`Element::script_arg`]) and returns what it returns.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, BrowserError> {
        self.block_on("execute script", self.client.execute(script, args))
    }

    /// Polls `check` until it yields `Some`, transient "element not there" errors counting as
    /// "not yet"; fails with [`BrowserError::Timeout`] after `timeout`. `what` describes the
    /// condition for the error message.
    ///
    /// ```no_run
    /// # fn demo(b: &dash_browser::Browser) -> Result<(), dash_browser::BrowserError> {
    /// use std::time::Duration;
    /// let rows = b.wait_for("three rows", Duration::from_secs(30), |b| {
    ///     let rows = b.texts("#list li")?;
    ///     Ok((rows.len() == 3).then_some(rows))
    /// })?;
    /// # Ok(()) }
    /// ```
    pub fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&Browser) -> Result<Option<T>, BrowserError>,
    ) -> Result<T, BrowserError> {
        let started = Instant::now();
        loop {
            let last = match check(self) {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => String::from("condition false"),
                Err(e) if e.is_transient() => e.to_string(),
                Err(e) => return Err(e),
            };
            if started.elapsed() >= timeout {
                return Err(BrowserError::Timeout {
                    what: what.to_owned(),
                    waited: started.elapsed(),
                    last,
                });
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// Waits until the text of the element matching `css` equals `expected`; the timeout error
    /// reports the last text read.
    pub fn wait_for_text(
        &self,
        css: &str,
        expected: &str,
        timeout: Duration,
    ) -> Result<String, BrowserError> {
        let mut seen: Option<String> = None;
        self.wait_for(&format!("{css} to read {expected:?}"), timeout, |b| {
            let text = b.text(css)?;
            let done = text == expected;
            seen = Some(text.clone());
            Ok(done.then_some(text))
        })
        .map_err(|e| match &seen {
            Some(text) => e.with_last(format!("{css} read {text:?}")),
            None => e,
        })
    }

    /// Waits until the current URL equals `expected`; the timeout error reports the last URL.
    pub fn wait_for_url(&self, expected: &str, timeout: Duration) -> Result<String, BrowserError> {
        let mut seen = String::new();
        self.wait_for(&format!("the URL to be {expected:?}"), timeout, |b| {
            seen = b.current_url()?;
            Ok((seen == expected).then(|| seen.clone()))
        })
        .map_err(|e| e.with_last(format!("the URL was {seen:?}")))
    }

    /// Waits until the document title equals `expected`; the timeout error reports the last
    /// title.
    pub fn wait_for_title(
        &self,
        expected: &str,
        timeout: Duration,
    ) -> Result<String, BrowserError> {
        let mut seen = String::new();
        self.wait_for(&format!("the title to be {expected:?}"), timeout, |b| {
            seen = b.title()?;
            Ok((seen == expected).then(|| seen.clone()))
        })
        .map_err(|e| e.with_last(format!("the title was {seen:?}")))
    }

    /// Saves a PNG screenshot of the viewport to `path`, creating its parent directories.
    pub fn screenshot(&self, path: impl AsRef<Path>) -> Result<(), BrowserError> {
        let path = path.as_ref();
        let png = self.block_on("screenshot", self.client.screenshot())?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|source| BrowserError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        fs::write(path, png).map_err(|source| BrowserError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The browser console entries logged since the previous call (of this method, or those of
    /// them that [`console_errors`](Self::console_errors) left).
    pub fn console_log(&self) -> Result<Vec<LogEntry>, BrowserError> {
        let fresh = self.read_log()?;
        let mut pending = self.pending();
        let mut all = std::mem::take(&mut *pending);
        all.extend(fresh);
        Ok(all)
    }

    /// The console errors (level `SEVERE`: `console.error`, failed resources, uncaught
    /// exceptions) logged since the previous call; the other entries stay for
    /// [`console_log`](Self::console_log). Chromium reports entries asynchronously: poll
    /// with [`wait_for`](Self::wait_for) for one that should come.
    ///
    /// ```no_run
    /// # fn demo(b: &dash_browser::Browser) -> Result<(), dash_browser::BrowserError> {
    /// let mut errors = Vec::new();
    /// b.wait_for("a console error", std::time::Duration::from_secs(10), |b| {
    ///     errors.extend(b.console_errors()?);
    ///     Ok((!errors.is_empty()).then_some(()))
    /// })?;
    /// # Ok(()) }
    /// ```
    pub fn console_errors(&self) -> Result<Vec<LogEntry>, BrowserError> {
        let fresh = self.read_log()?;
        let mut pending = self.pending();
        pending.extend(fresh);
        let (errors, rest): (Vec<LogEntry>, Vec<LogEntry>) =
            pending.drain(..).partition(LogEntry::is_error);
        *pending = rest;
        Ok(errors)
    }

    /// The texts of the callback errors dash-renderer shows on the page (its dev tools' error
    /// badge, list and cards: apps run with debug on; see [`ERROR_UI`](crate::ERROR_UI)).
    pub fn callback_errors(&self) -> Result<Vec<String>, BrowserError> {
        let mut texts = Vec::new();
        for element in self.find_all(renderer::ERROR_UI)? {
            match element.text() {
                Ok(text) => texts.push(text),
                // Re-rendered away between the lookup and the read.
                Err(e) if e.is_transient() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(texts)
    }

    /// The errors dash-renderer keeps in its store for the page, debug mode or not (what its
    /// dev tools would list), each as `"<frontEnd|backEnd>: <message>"`.
    pub fn renderer_errors(&self) -> Result<Vec<String>, BrowserError> {
        let v = self.execute(renderer::STORE_ERRORS_SCRIPT, vec![])?;
        Ok(renderer::error_strings(&v))
    }

    /// The end of chromedriver's log (for failure reports).
    pub fn driver_log(&self) -> String {
        self.driver.log_tail()
    }

    /// The browser's temporary directory (its profile and chromedriver's log), removed on drop.
    pub fn temp_dir(&self) -> &Path {
        self.dir.path()
    }

    fn read_log(&self) -> Result<Vec<LogEntry>, BrowserError> {
        let command = SessionCommand::post("se/log".into(), json!({"type": "browser"}));
        let answer = self.block_on("read the console log", self.client.issue_cmd(command))?;
        Ok(console::entries(&answer))
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Vec<LogEntry>> {
        match self.pending_log.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("webdriver", &self.driver.url())
            .field("temp_dir", &self.dir.path())
            .finish()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session (Chromium exits); the driver's drop stops whatever is left.
        let close = self.client.clone().close();
        let _ = self
            .runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), close).await });
    }
}
