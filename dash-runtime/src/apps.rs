//! Several apps in one process: which registered callbacks and pages each app serves.
//!
//! Every `#[callback]` and `#[page]` of the program registers itself. An app built without a
//! name serves all of them (one app per process, as before). Give callbacks and pages an
//! app with `app = ".."`, name the apps with [`Dash::name`](crate::Dash::name), and each app
//! serves its own plus the ones that name no app (those of component crates, say);
//! [`Dash::include_modules`](crate::Dash::include_modules) narrows the latter down to some
//! modules. Validation runs per app, against that app's layout.
//!
//! ```no_run
//! use dash_runtime::prelude::*;
//!
//! #[callback(app = "sales", output = Output("out", "children"), inputs = [Input("q", "value")])]
//! fn sales_search(q: Option<String>) -> String {
//!     format!("sales: {}", q.unwrap_or_default())
//! }
//!
//! #[callback(app = "admin", output = Output("out", "children"), inputs = [Input("q", "value")])]
//! fn admin_search(q: Option<String>) -> String {
//!     format!("admin: {}", q.unwrap_or_default())
//! }
//!
//! fn page() -> html::Div {
//!     html::div((dcc::Input::new().id("q"), html::Div::new().id("out")))
//! }
//!
//! let sales = Dash::new().name("sales").url_base_pathname("/sales/").layout(page());
//! let admin = Dash::new().name("admin").url_base_pathname("/admin/").layout(page());
//! dash_runtime::apps::run([sales, admin]).expect("server failed");
//! ```

use crate::app::{Dash, Error};

/// Which callbacks and pages an app takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppSelection {
    /// The app's name ([`Dash::name`](crate::Dash::name)); `None` takes everything.
    pub name: Option<String>,
    /// Module paths that items naming no app must come from (empty: any module).
    pub modules: Vec<String>,
}

impl AppSelection {
    /// Whether an item declared with `app` in `module` belongs to this app.
    ///
    /// ```
    /// use dash_runtime::apps::AppSelection;
    ///
    /// let admin = AppSelection { name: Some("admin".into()), modules: vec![] };
    /// assert!(admin.includes(Some("admin"), "shop::admin"));
    /// assert!(!admin.includes(Some("sales"), "shop::sales"));
    /// assert!(admin.includes(None, "counter_aio"));
    /// ```
    pub fn includes(&self, app: Option<&str>, module: &str) -> bool {
        match (app, &self.name) {
            (Some(own), Some(name)) => own == name,
            _ => self.in_modules(module),
        }
    }

    fn in_modules(&self, module: &str) -> bool {
        self.modules.is_empty()
            || self.modules.iter().any(|m| {
                module == m
                    || module
                        .strip_prefix(m.as_str())
                        .is_some_and(|rest| rest.starts_with("::"))
            })
    }
}

/// Build several apps and serve them side by side on one port (the first app's host and
/// port), until SIGTERM or Ctrl-C. Each must have its own URL prefix
/// ([`Dash::url_base_pathname`](crate::Dash::url_base_pathname)); starting a Tokio
/// runtime, for a plain `fn main`.
pub fn run<I: IntoIterator<Item = Dash>>(apps: I) -> Result<(), Error> {
    crate::app::init_tracing();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Io)?;
    let apps: Vec<Dash> = apps.into_iter().collect();
    let result = runtime.block_on(serve(apps));
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}

/// As [`run`], on the current Tokio runtime.
pub async fn serve<I: IntoIterator<Item = Dash>>(apps: I) -> Result<(), Error> {
    let mut servers = Vec::new();
    for app in apps {
        servers.push(app.build().await?);
    }
    crate::server::DashServer::serve_together(servers).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_match_on_path_boundaries() {
        let only = AppSelection {
            name: None,
            modules: vec!["shop::admin".into()],
        };
        assert!(only.includes(None, "shop::admin"));
        assert!(only.includes(None, "shop::admin::users"));
        assert!(!only.includes(None, "shop::administration"));
        assert!(!only.includes(Some("x"), "shop::sales"));
        assert!(AppSelection::default().includes(Some("x"), "anything"));
    }
}
