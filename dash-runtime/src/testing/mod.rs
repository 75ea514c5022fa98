//! A headless test app: an app's callback chain driven in-process, the way the renderer
//! drives it, without a browser or a socket.
//!
//! [`TestApp::new`] builds the app (the same startup validation as [`Dash::run`]), loads its
//! layout and runs the initial callbacks in the renderer's order. Then [`set`](TestApp::set),
//! [`click`](TestApp::click) and [`navigate`](TestApp::navigate) act as a user would, and
//! [`get`](TestApp::get) / [`text`](TestApp::text) read the page. Each action runs every
//! callback it triggers (chains, pattern-matching `ALL`/`MATCH`/`ALLSMALLER`, `PreventUpdate`
//! and `no_update`, `Patch` applied to the current value, `set_props`, `allow_duplicate`,
//! `running`) and background callbacks to completion, through the same dispatch core a
//! browser's requests go through.
//!
//! ```
//! use dash_runtime::prelude::*;
//! use dash_runtime::testing::TestApp;
//!
//! #[callback(output = Output("greeting", "children"), inputs = [Input("name", "value")])]
//! fn greet(name: Option<String>) -> String {
//!     format!("Hello, {}!", name.unwrap_or_default())
//! }
//!
//! let app = Dash::new().layout(html::div((
//!     dcc::Input::new().id("name").value("world"),
//!     html::Div::new().id("greeting"),
//! )));
//! let mut page = TestApp::new(app).expect("the app starts");
//! assert_eq!(page.text("greeting"), "Hello, world!");
//! page.set("name", "value", "Ada").expect("no callback failed");
//! assert_eq!(page.text("greeting"), "Hello, Ada!");
//! ```
//!
//! A websocket callback's `get_props` reads the test app's page as it is when the call
//! starts. What the test app does not do: clientside callbacks (they need a JavaScript
//! engine) and persistent callbacks (they run as long as a page is open) are skipped with a
//! [warning](TestApp::warnings). Use the browser tests for those.
//!
//! The test app owns a Tokio runtime: use it from plain `#[test]` functions, not from inside
//! an async runtime.

mod error;
mod graph;
mod page;
mod patch_apply;
#[cfg(test)]
mod tests;
mod tree;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

pub use error::TestError;
pub use page::CallRecord;

use crate::app::Dash;
use page::Page;

/// One app, one open page, no browser. See the [module docs](self).
pub struct TestApp {
    page: Page,
    /// Files of the app's private background and data stores, removed on drop.
    scratch: Option<PathBuf>,
    /// Dropped last: the app's tasks run on it.
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("url", &self.page.url)
            .field("calls", &self.page.calls.len())
            .field("running_jobs", &self.page.running_jobs())
            .finish()
    }
}

fn id_value(id: impl Serialize) -> Value {
    serde_json::to_value(id).unwrap_or(Value::Null)
}

/// A scratch directory for one test app's stores.
fn scratch_dir() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    std::env::temp_dir().join(format!(
        "dash-rs-testapp-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

impl TestApp {
    /// Build the app and open its page at `/`.
    pub fn new(app: Dash) -> Result<TestApp, TestError> {
        TestApp::at(app, "/")
    }

    /// Build the app and open its page at `url` (a path with an optional query and hash,
    /// as in the browser's address bar).
    pub fn at(mut app: Dash, url: &str) -> Result<TestApp, TestError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("dash-testapp")
            .enable_all()
            .build()
            .map_err(|e| TestError::Build(e.to_string()))?;
        // Unless the app chose its own, its jobs and server-side values live in a private
        // scratch directory, so tests running side by side never share them.
        let scratch = scratch_dir();
        let mut own_scratch = false;
        if app.background.is_none() {
            app.background = Some(crate::background::BackgroundManager::embedded_at(
                scratch.join("jobs.sqlite"),
            ));
            own_scratch = true;
        }
        if app.data_store.is_none() {
            app.data_store = Some(crate::store::DataStore::embedded_at(
                scratch.join("store.sqlite"),
            ));
            own_scratch = true;
        }
        if own_scratch {
            std::fs::create_dir_all(&scratch).map_err(|e| TestError::Build(e.to_string()))?;
        }
        let scratch = own_scratch.then_some(scratch);
        let built = runtime.block_on(async {
            let server = app.build_headless().await?;
            let state = server.state().clone();
            let layout = state.dispatcher.layout(&state.layout).await;
            Ok::<_, crate::app::Error>((state, layout))
        });
        let (state, layout) = match built {
            Ok(parts) => parts,
            Err(e) => {
                if let Some(dir) = &scratch {
                    let _ = std::fs::remove_dir_all(dir);
                }
                return Err(TestError::Build(e.to_string()));
            }
        };
        let layout = layout.map_err(|f| TestError::Build(f.to_string()))?;
        let page = Page::new(
            state.dispatcher.clone(),
            state.registry.clone(),
            layout,
            state.signer.new_end_id(),
            url.to_owned(),
        );
        let mut app = TestApp {
            page,
            scratch,
            runtime,
        };
        let TestApp { page, runtime, .. } = &mut app;
        runtime.block_on(page.load())?;
        Ok(app)
    }

    /// How long an action waits for background callbacks to finish (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.page.timeout = timeout;
        self
    }

    /// The longest wait between polls of a background job (default 50 ms; a callback's own
    /// shorter `interval` wins).
    pub fn poll_interval(mut self, every: Duration) -> Self {
        self.page.poll_interval = every;
        self
    }

    fn settle(&mut self, to_completion: bool) -> Result<(), TestError> {
        let TestApp { page, runtime, .. } = self;
        runtime.block_on(page.settle(to_completion))
    }

    fn known_ids(&self) -> String {
        let ids: Vec<String> = self
            .page
            .tree
            .components()
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        ids.join(", ")
    }

    fn user_change(&mut self, id: Value, changes: Vec<(&str, Value)>) -> Result<(), TestError> {
        if self.page.tree.find(&id).is_none() {
            return Err(TestError::NoComponent {
                id: id.to_string(),
                known: self.known_ids(),
            });
        }
        for (prop, value) in changes {
            self.page.change(&id, prop, value);
        }
        Ok(())
    }

    /// Set a prop as the user would (typing into an input, picking an option), then run
    /// everything that triggers. `id` is a string or a dict id (anything serialisable).
    ///
    /// Returns the first callback error the action caused; the page keeps every update
    /// that did succeed.
    pub fn set(
        &mut self,
        id: impl Serialize,
        prop: &str,
        value: impl Serialize,
    ) -> Result<(), TestError> {
        self.begin_set(id, prop, value)?;
        self.settle(true)
    }

    /// Click a component: `n_clicks` goes up by one (with `n_clicks_timestamp`), or a
    /// `dcc.Link` navigates to its `href`. Then everything that triggers runs.
    pub fn click(&mut self, id: impl Serialize) -> Result<(), TestError> {
        self.begin_click(id)?;
        self.settle(true)
    }

    /// Go to `url` as a `dcc.Link` would: every `dcc.Location` takes it, and the callbacks
    /// that read them run (the page router of a pages app among them).
    pub fn navigate(&mut self, url: &str) -> Result<(), TestError> {
        self.page.navigate(url);
        self.settle(true)
    }

    /// As [`set`](Self::set), but returns while background jobs still run: follow them with
    /// [`poll`](Self::poll) or [`wait`](Self::wait).
    pub fn begin_set(
        &mut self,
        id: impl Serialize,
        prop: &str,
        value: impl Serialize,
    ) -> Result<(), TestError> {
        let id = id_value(id);
        self.user_change(id, vec![(prop, id_value(value))])?;
        self.settle(false)
    }

    /// As [`click`](Self::click), but returns while background jobs still run.
    pub fn begin_click(&mut self, id: impl Serialize) -> Result<(), TestError> {
        let id = id_value(id);
        let Some(found) = self.page.tree.find(&id) else {
            return Err(TestError::NoComponent {
                id: id.to_string(),
                known: self.known_ids(),
            });
        };
        if found.type_name == "Link" {
            let href = found
                .props
                .get("href")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .to_owned();
            self.page.navigate(&href);
            return self.settle(false);
        }
        let clicks = found
            .props
            .get("n_clicks")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        self.user_change(
            id,
            vec![
                ("n_clicks", Value::from(clicks + 1)),
                ("n_clicks_timestamp", Value::from(now)),
            ],
        )?;
        self.settle(false)
    }

    /// Poll every running background job once (applying its progress and `set_props`), and
    /// run what that triggers. Returns how many jobs still run.
    pub fn poll(&mut self) -> usize {
        let TestApp { page, runtime, .. } = self;
        runtime.block_on(page.poll_now());
        self.page.running_jobs()
    }

    /// Wait for every running background job, and what it triggers, to finish.
    pub fn wait(&mut self) -> Result<(), TestError> {
        self.settle(true)
    }

    /// How many background jobs are running.
    pub fn running_jobs(&self) -> usize {
        self.page.running_jobs()
    }

    /// A prop's current value: `None` when the component is not on the page or the prop is
    /// unset.
    pub fn prop(&self, id: impl Serialize, prop: &str) -> Option<Value> {
        self.page.tree.prop(&id_value(id), prop).cloned()
    }

    /// A prop's current value (`null` when unset).
    ///
    /// # Panics
    ///
    /// When no component on the page has this id (the message lists the ids there are).
    pub fn get(&self, id: impl Serialize, prop: &str) -> Value {
        let id = id_value(id);
        match self.page.tree.find(&id) {
            Some(found) => found.props.get(prop).cloned().unwrap_or(Value::Null),
            None => panic!(
                "no component with id {id} is on the page (ids on the page: {})",
                self.known_ids()
            ),
        }
    }

    /// The text a component shows: the strings and numbers of its `children`, nested
    /// components included, in order (like the browser's `innerText` without layout).
    ///
    /// # Panics
    ///
    /// When no component on the page has this id.
    pub fn text(&self, id: impl Serialize) -> String {
        let mut out = String::new();
        text_of(&self.get(id, "children"), &mut out);
        out
    }

    /// Every value `id.prop` took since the page opened, oldest first (progress steps,
    /// `running` values and the final answer included).
    pub fn history(&self, id: impl Serialize, prop: &str) -> Vec<Value> {
        let key = graph::prop_id(&id_value(id), prop);
        self.page
            .history
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Every callback call the page made, in order.
    pub fn calls(&self) -> &[CallRecord] {
        &self.page.calls
    }

    /// Every callback error so far, in order.
    pub fn errors(&self) -> &[TestError] {
        &self.page.errors
    }

    /// What the test app could not do as a browser would (clientside and persistent
    /// callbacks skipped, callbacks whose inputs are not on the page).
    pub fn warnings(&self) -> &[String] {
        &self.page.warnings
    }

    /// The whole page as the renderer holds it (the layout with every update applied).
    pub fn layout(&self) -> &Value {
        self.page.tree.root()
    }

    /// The page's URL.
    pub fn url(&self) -> &str {
        &self.page.url
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(dir) = self.scratch.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn text_of(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| text_of(v, out)),
        Value::Object(map) => {
            if let Some(children) = map.get("props").and_then(|p| p.get("children")) {
                text_of(children, out);
            }
        }
        _ => {}
    }
}
