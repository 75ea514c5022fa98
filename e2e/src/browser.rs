//! A small W3C WebDriver client: it starts `chromedriver` on a free port, opens a headless
//! Chromium session with a fresh profile, and closes both when dropped.
//!
//! The Chromium binary is `CHROME_BIN` or `/usr/bin/chromium`; the driver is `CHROMEDRIVER`
//! or `chromedriver` on `PATH` (Debian's `chromium` and `chromium-driver` packages;
//! `scripts/setup-test-env` installs them).
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

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{json, Value};
use thiserror::Error;

use crate::app::{free_port, AppError};
use crate::http::{self, HttpError};
use crate::process::{self, Output};

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long one WebDriver command may take (navigation waits for the page to load).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(180);

/// How often `wait_for` polls.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// WebDriver key codes.
pub mod keys {
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
}

/// Why a browser operation failed.
#[derive(Debug, Error)]
pub enum BrowserError {
    /// chromedriver could not be started.
    #[error("could not start {program}: {source} (scripts/setup-test-env installs chromium and chromium-driver)")]
    Spawn {
        /// The driver program.
        program: String,
        /// The spawn error.
        #[source]
        source: std::io::Error,
    },
    /// chromedriver did not become ready.
    #[error("chromedriver on port {port} was not ready within {waited:?}; its output:\n{output}")]
    DriverNotReady {
        /// Its port.
        port: u16,
        /// How long we waited.
        waited: Duration,
        /// Its output.
        output: String,
    },
    /// Reserving a port failed.
    #[error(transparent)]
    Port(#[from] AppError),
    /// The HTTP exchange with chromedriver failed.
    #[error("webdriver transport: {0}")]
    Http(#[from] HttpError),
    /// chromedriver answered with a WebDriver error.
    #[error("webdriver {command}: {error}: {message}")]
    WebDriver {
        /// The command, e.g. `POST /element`.
        command: String,
        /// The W3C error code, e.g. `no such element`.
        error: String,
        /// Its message (first line).
        message: String,
    },
    /// chromedriver answered something this client does not understand.
    #[error("webdriver {command}: unexpected answer: {answer}")]
    Protocol {
        /// The command.
        command: String,
        /// What came back.
        answer: String,
    },
    /// A `wait_for` condition did not hold in time.
    #[error("timed out after {waited:?} waiting for {what}; last seen: {last}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long.
        waited: Duration,
        /// The last observation (or error) while polling.
        last: String,
    },
    /// Writing a file (screenshot) failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A screenshot was not valid base64.
    #[error("screenshot is not base64: {0}")]
    Base64(#[from] base64::DecodeError),
}

impl BrowserError {
    /// Whether this is a transient "element not there (yet/any more)" error that polling
    /// should ride over.
    pub fn is_transient(&self) -> bool {
        matches!(self, BrowserError::WebDriver { error, .. }
            if error == "no such element"
                || error == "stale element reference"
                || error == "element not interactable"
                || error == "element click intercepted")
    }
}

/// One entry of the browser's console log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    /// The message, as Chromium reports it (source, position, text).
    pub message: String,
}

/// A headless Chromium session driven through chromedriver.
pub struct Browser {
    driver: Child,
    driver_output: Output,
    base: String,
    session: String,
    profile: PathBuf,
}

impl Browser {
    /// Starts chromedriver and opens a headless session with a fresh profile and a
    /// 1280×900 window.
    pub fn launch() -> Result<Self, BrowserError> {
        let driver_program = env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chrome = env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port()?;
        let profile = fresh_temp_dir();
        fs::create_dir_all(&profile).map_err(|source| BrowserError::Io {
            path: profile.clone(),
            source,
        })?;

        let mut cmd = Command::new(&driver_program);
        cmd.arg(format!("--port={port}"));
        let (driver, driver_output) =
            process::spawn_captured(&mut cmd).map_err(|source| BrowserError::Spawn {
                program: driver_program.clone(),
                source,
            })?;
        let mut browser = Self {
            driver,
            driver_output,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            profile,
        };
        browser.wait_driver_ready(port)?;

        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-quic".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", browser.profile.display()),
        ];
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": {"implicit": 0, "pageLoad": 120_000, "script": 30_000},
                    "goog:chromeOptions": {"binary": chrome, "args": args},
                    "goog:loggingPrefs": {"browser": "ALL"},
                }
            }
        });
        let answer = browser.raw("POST", "/session", Some(caps))?;
        browser.session = answer["sessionId"]
            .as_str()
            .ok_or_else(|| BrowserError::Protocol {
                command: "POST /session".into(),
                answer: answer.to_string(),
            })?
            .to_owned();
        Ok(browser)
    }

    /// Navigates to `url` and waits for the page load (not for Dash callbacks).
    pub fn goto(&self, url: &str) -> Result<(), BrowserError> {
        self.cmd("POST", "/url", Some(json!({ "url": url })))?;
        Ok(())
    }

    /// The document title.
    pub fn title(&self) -> Result<String, BrowserError> {
        self.string("GET", "/title", None)
    }

    /// The current URL.
    pub fn current_url(&self) -> Result<String, BrowserError> {
        self.string("GET", "/url", None)
    }

    /// The serialized DOM.
    pub fn page_source(&self) -> Result<String, BrowserError> {
        self.string("GET", "/source", None)
    }

    /// Goes back one entry in the session history (like the browser's Back button).
    pub fn back(&self) -> Result<(), BrowserError> {
        self.cmd("POST", "/back", Some(json!({})))?;
        Ok(())
    }

    /// Goes forward one entry in the session history.
    pub fn forward(&self) -> Result<(), BrowserError> {
        self.cmd("POST", "/forward", Some(json!({})))?;
        Ok(())
    }

    /// Opens a new blank tab and switches to it; returns the handle of the tab that was
    /// current (for [`close_tab`](Self::close_tab)).
    pub fn open_tab(&self) -> Result<String, BrowserError> {
        let previous = self.string("GET", "/window", None)?;
        let opened = self.cmd("POST", "/window/new", Some(json!({ "type": "tab" })))?;
        let handle = opened
            .get("handle")
            .and_then(Value::as_str)
            .ok_or_else(|| BrowserError::Protocol {
                command: "POST /window/new".into(),
                answer: opened.to_string(),
            })?
            .to_owned();
        self.cmd("POST", "/window", Some(json!({ "handle": handle })))?;
        Ok(previous)
    }

    /// Closes the tab `handle` (its documents are destroyed, as when a user closes it) and
    /// stays on the current one.
    pub fn close_tab(&self, handle: &str) -> Result<(), BrowserError> {
        let current = self.string("GET", "/window", None)?;
        self.cmd("POST", "/window", Some(json!({ "handle": handle })))?;
        self.cmd("DELETE", "/window", None)?;
        self.cmd("POST", "/window", Some(json!({ "handle": current })))?;
        Ok(())
    }

    /// Reloads the current page and waits for the load.
    pub fn refresh(&self) -> Result<(), BrowserError> {
        self.cmd("POST", "/refresh", Some(json!({})))?;
        Ok(())
    }

    /// Waits until the current URL equals `expected`; the timeout error reports the last URL.
    ///
    /// ```no_run
    /// # use dash_e2e::browser::Browser;
    /// # use std::time::Duration;
    /// # fn main() -> Result<(), dash_e2e::browser::BrowserError> {
    /// let browser = Browser::launch()?;
    /// browser.goto("http://127.0.0.1:8050/old-home")?;
    /// browser.wait_for_url("http://127.0.0.1:8050/", Duration::from_secs(30))?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_for_url(&self, expected: &str, timeout: Duration) -> Result<String, BrowserError> {
        let mut seen = String::new();
        self.wait_for(&format!("the URL to be {expected:?}"), timeout, |b| {
            seen = b.current_url()?;
            Ok((seen == expected).then(|| seen.clone()))
        })
        .map_err(|e| with_last(e, format!("the URL was {seen:?}")))
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
        .map_err(|e| with_last(e, format!("the title was {seen:?}")))
    }

    /// The first element matching a CSS selector (`no such element` error if none).
    pub fn find(&self, css: &str) -> Result<Element<'_>, BrowserError> {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        self.element_from(&v, "POST /element")
    }

    /// All elements matching a CSS selector (possibly none).
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>, BrowserError> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        let items = v.as_array().ok_or_else(|| BrowserError::Protocol {
            command: "POST /elements".into(),
            answer: v.to_string(),
        })?;
        items
            .iter()
            .map(|item| self.element_from(item, "POST /elements"))
            .collect()
    }

    /// The first element matching an XPath expression (`no such element` error if none).
    pub fn find_xpath(&self, xpath: &str) -> Result<Element<'_>, BrowserError> {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "xpath", "value": xpath})),
        )?;
        self.element_from(&v, "POST /element")
    }

    /// The texts of all elements matching `css`, in document order.
    pub fn texts(&self, css: &str) -> Result<Vec<String>, BrowserError> {
        self.find_all(css)?.iter().map(Element::text).collect()
    }

    /// The visible text of the first element matching `css`.
    pub fn text(&self, css: &str) -> Result<String, BrowserError> {
        self.find(css)?.text()
    }

    /// Replaces the content of the input matching `css` with `text`, the way a person would:
    /// clear it, select all and delete (so React sees the edit), then type.
    pub fn type_into(&self, css: &str, text: &str) -> Result<(), BrowserError> {
        let input = self.find(css)?;
        input.clear()?;
        input.send_keys(&format!(
            "{}a{}{}",
            keys::CONTROL,
            keys::NULL,
            keys::BACKSPACE
        ))?;
        input.send_keys(text)
    }

    /// Picks the option labelled `label` in the `dcc.Dropdown` matching `css`, the way a
    /// person would: open it, click the option. Works with the Dash 4 dropdown
    /// (`.dash-dropdown-option`) and the older react-select one (`.Select-option`).
    ///
    /// ```no_run
    /// # use dash_e2e::browser::Browser;
    /// # use std::time::Duration;
    /// # fn main() -> Result<(), dash_e2e::browser::BrowserError> {
    /// let browser = Browser::launch()?;
    /// browser.goto("http://127.0.0.1:8050/analytics")?;
    /// browser.select_dropdown_option("#metric", "users", Duration::from_secs(30))?;
    /// # Ok(())
    /// # }
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
            .map_err(|e| with_last(e, format!("the options read {seen:?}")))?;
        option.click()
    }

    /// Runs JavaScript in the page (`arguments[i]` are `args`) and returns its result.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, BrowserError> {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Polls `check` until it yields `Some`, transient "element not there" errors counting
    /// as "not yet"; fails with [`BrowserError::Timeout`] after `timeout`. `what` describes
    /// the condition for the error message.
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

    /// Waits until the text of the element matching `css` equals `expected`; the timeout
    /// error reports the last text read.
    pub fn wait_for_text(
        &self,
        css: &str,
        expected: &str,
        timeout: Duration,
    ) -> Result<String, BrowserError> {
        let mut seen: Option<String> = None;
        let result = self.wait_for(&format!("{css} to read {expected:?}"), timeout, |b| {
            let text = b.text(css)?;
            let done = text == expected;
            seen = Some(text.clone());
            Ok(done.then_some(text))
        });
        match result {
            Err(BrowserError::Timeout { what, waited, last }) => Err(BrowserError::Timeout {
                what,
                waited,
                last: match seen {
                    Some(text) => format!("{css} read {text:?}"),
                    None => last,
                },
            }),
            other => other,
        }
    }

    /// Saves a PNG screenshot of the viewport, creating parent directories.
    pub fn screenshot(&self, path: impl AsRef<Path>) -> Result<(), BrowserError> {
        let path = path.as_ref();
        let data = self.string("GET", "/screenshot", None)?;
        let png = base64::engine::general_purpose::STANDARD.decode(data.as_bytes())?;
        if let Some(dir) = path.parent() {
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

    /// The browser console entries logged since the last call (Chromium's log endpoint).
    pub fn console_log(&self) -> Result<Vec<LogEntry>, BrowserError> {
        let v = self.cmd("POST", "/se/log", Some(json!({"type": "browser"})))?;
        Ok(v.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| LogEntry {
                        level: e["level"].as_str().unwrap_or_default().to_owned(),
                        message: e["message"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// What chromedriver printed so far.
    pub fn driver_output(&self) -> String {
        self.driver_output.text()
    }

    fn wait_driver_ready(&mut self, port: u16) -> Result<(), BrowserError> {
        let started = Instant::now();
        let timeout = Duration::from_secs(30);
        while started.elapsed() < timeout {
            if let Ok(Some(_)) = self.driver.try_wait() {
                break;
            }
            if let Ok(r) = http::get(&format!("{}/status", self.base), Duration::from_secs(5)) {
                if r.json().is_ok_and(|v| v["value"]["ready"] == true) {
                    return Ok(());
                }
            }
            thread::sleep(Duration::from_millis(100));
        }
        Err(BrowserError::DriverNotReady {
            port,
            waited: started.elapsed(),
            output: self.driver_output.text(),
        })
    }

    fn element_from(&self, v: &Value, command: &str) -> Result<Element<'_>, BrowserError> {
        v[ELEMENT_KEY]
            .as_str()
            .map(|id| Element {
                browser: self,
                id: id.to_owned(),
            })
            .ok_or_else(|| BrowserError::Protocol {
                command: command.to_owned(),
                answer: v.to_string(),
            })
    }

    fn string(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<String, BrowserError> {
        let v = self.cmd(method, path, body)?;
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| BrowserError::Protocol {
                command: format!("{method} {path}"),
                answer: v.to_string(),
            })
    }

    /// A command within the session; returns the answer's `value`.
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, BrowserError> {
        self.raw(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Any WebDriver command; returns the answer's `value`.
    fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, BrowserError> {
        let url = format!("{}{path}", self.base);
        let payload = body.map(|b| b.to_string().into_bytes());
        let response = http::request(
            method,
            &url,
            payload
                .as_deref()
                .map(|bytes| ("application/json; charset=utf-8", bytes)),
            COMMAND_TIMEOUT,
        )?;
        let command = format!("{method} {path}");
        let mut answer = response.json().map_err(|_| BrowserError::Protocol {
            command: command.clone(),
            answer: format!("HTTP {}: {}", response.status, response.text()),
        })?;
        let value = answer["value"].take();
        if let Some(error) = value["error"].as_str() {
            return Err(BrowserError::WebDriver {
                command,
                error: error.to_owned(),
                message: value["message"]
                    .as_str()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        if response.status != 200 {
            return Err(BrowserError::Protocol {
                command,
                answer: format!("HTTP {}: {}", response.status, value),
            });
        }
        Ok(value)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = http::request("DELETE", &url, None, Duration::from_secs(10));
        }
        process::stop_group(&mut self.driver);
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// An element of the current page. Dash re-renders freely, so prefer looking elements up
/// again (e.g. [`Browser::text`]) over keeping one across callbacks.
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
}

impl Element<'_> {
    /// Its rendered text.
    pub fn text(&self) -> Result<String, BrowserError> {
        self.browser.string("GET", &self.path("/text"), None)
    }

    /// Clicks it.
    pub fn click(&self) -> Result<(), BrowserError> {
        self.browser
            .cmd("POST", &self.path("/click"), Some(json!({})))?;
        Ok(())
    }

    /// Clears an editable element.
    pub fn clear(&self) -> Result<(), BrowserError> {
        self.browser
            .cmd("POST", &self.path("/clear"), Some(json!({})))?;
        Ok(())
    }

    /// Types `text` into it (see [`keys`] for special keys).
    pub fn send_keys(&self, text: &str) -> Result<(), BrowserError> {
        self.browser
            .cmd("POST", &self.path("/value"), Some(json!({ "text": text })))?;
        Ok(())
    }

    /// A DOM property, e.g. `value` (JSON `null` when absent).
    pub fn property(&self, name: &str) -> Result<Value, BrowserError> {
        self.browser
            .cmd("GET", &self.path(&format!("/property/{name}")), None)
    }

    /// An HTML attribute, `None` when absent.
    pub fn attribute(&self, name: &str) -> Result<Option<String>, BrowserError> {
        let v = self
            .browser
            .cmd("GET", &self.path(&format!("/attribute/{name}")), None)?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// Whether it is displayed.
    pub fn is_displayed(&self) -> Result<bool, BrowserError> {
        let v = self.browser.cmd("GET", &self.path("/displayed"), None)?;
        Ok(v.as_bool().unwrap_or(false))
    }

    /// The computed value of a CSS property, e.g. `text-decoration-line`.
    pub fn css_value(&self, name: &str) -> Result<String, BrowserError> {
        self.browser
            .string("GET", &self.path(&format!("/css/{name}")), None)
    }

    /// The first descendant matching a CSS selector (`no such element` error if none).
    pub fn find(&self, css: &str) -> Result<Element<'_>, BrowserError> {
        let v = self.browser.cmd(
            "POST",
            &self.path("/element"),
            Some(json!({"using": "css selector", "value": css})),
        )?;
        self.browser.element_from(&v, "POST /element/{id}/element")
    }

    /// All descendants matching a CSS selector (possibly none).
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>, BrowserError> {
        let v = self.browser.cmd(
            "POST",
            &self.path("/elements"),
            Some(json!({"using": "css selector", "value": css})),
        )?;
        let items = v.as_array().ok_or_else(|| BrowserError::Protocol {
            command: "POST /element/{id}/elements".into(),
            answer: v.to_string(),
        })?;
        items
            .iter()
            .map(|item| {
                self.browser
                    .element_from(item, "POST /element/{id}/elements")
            })
            .collect()
    }

    fn path(&self, suffix: &str) -> String {
        format!("/element/{}{suffix}", self.id)
    }
}

/// A timeout error with a better description of the last observation; other errors as they are.
fn with_last(error: BrowserError, last: String) -> BrowserError {
    match error {
        BrowserError::Timeout { what, waited, .. } => BrowserError::Timeout { what, waited, last },
        other => other,
    }
}

fn fresh_temp_dir() -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    env::temp_dir().join(format!(
        "dash-e2e-chromium-{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    ))
}
