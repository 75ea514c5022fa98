//! Settings: builder values, then the environment (as Python Dash reads it), then defaults.

use std::path::PathBuf;

/// Inconsistent settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `url_base_pathname` together with a routes or requests prefix.
    #[error("url_base_pathname cannot be combined with routes_pathname_prefix or requests_pathname_prefix: this is ambiguous")]
    AmbiguousPrefix,
    /// The routes prefix must start and end with `/`.
    #[error("routes_pathname_prefix must start and end with '/': got {0:?}")]
    RoutesPrefix(String),
    /// The requests prefix must start with `/`.
    #[error("requests_pathname_prefix must start with '/': got {0:?}")]
    RequestsPrefix(String),
    /// The requests prefix must end with the routes prefix.
    #[error(
        "requests_pathname_prefix {requests:?} must end with routes_pathname_prefix {routes:?}"
    )]
    PrefixMismatch {
        /// The requests prefix.
        requests: String,
        /// The routes prefix.
        routes: String,
    },
    /// An environment variable holds an unusable value.
    #[error("environment variable {name} has an invalid value {value:?}: {expected}")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
}

/// Values set through the builder (`None`: not set, fall back to the environment).
#[derive(Debug, Default, Clone)]
pub(crate) struct Settings {
    pub title: Option<String>,
    pub update_title: Option<Option<String>>,
    pub debug: Option<bool>,
    pub url_base_pathname: Option<String>,
    pub routes_pathname_prefix: Option<String>,
    pub requests_pathname_prefix: Option<String>,
    /// The app's name (`Dash::name`).
    pub name: Option<String>,
    /// `Dash::include_modules`: modules callbacks and pages naming no app must come from.
    pub modules: Vec<String>,
    pub suppress_callback_exceptions: Option<bool>,
    pub serve_locally: Option<bool>,
    pub prevent_initial_callbacks: Option<bool>,
    pub assets_folder: Option<PathBuf>,
    pub assets_ignore: Option<String>,
    pub external_stylesheets: Vec<String>,
    pub themes: Vec<crate::libraries::Theme>,
    pub external_scripts: Vec<String>,
    pub meta_tags: Vec<Vec<(String, String)>>,
    pub show_undo_redo: Option<bool>,
    pub max_request_body: Option<usize>,
    pub callback_threads: Option<usize>,
    pub callback_queue: Option<usize>,
    pub allow_missing_ids: Vec<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub server: crate::server::ServerSettings,
    pub websocket: crate::realtime::WebsocketSettings,
    pub mcp: crate::mcp::McpSettings,
}

/// Dev-tools flags (all on in debug mode unless overridden by `DASH_*` variables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevTools {
    /// The dev-tools UI and error overlay in the browser.
    pub ui: bool,
    /// Prop-type checks (and unminified React).
    pub props_check: bool,
    /// The renderer's development bundle.
    pub serve_dev_bundles: bool,
    /// `_reload-hash` polling.
    pub hot_reload: bool,
    /// How often the page polls `_reload-hash` (`DASH_HOT_RELOAD_INTERVAL`, seconds; 3 s).
    pub hot_reload_interval_ms: u64,
    /// Failed polls after which the page stops polling (`DASH_HOT_RELOAD_MAX_RETRY`; 8).
    pub hot_reload_max_retry: u32,
    /// The renderer's callback validation.
    pub validate_callbacks: bool,
}

/// The resolved settings the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Page title.
    pub title: String,
    /// Title while callbacks run.
    pub update_title: Option<String>,
    /// Debug mode.
    pub debug: bool,
    /// Dev-tools flags.
    pub dev_tools: DevTools,
    /// `url_base_pathname`, if set.
    pub url_base_pathname: Option<String>,
    /// Where routes are mounted (R).
    pub routes_prefix: String,
    /// What the browser prefixes (Q).
    pub requests_prefix: String,
    /// Suppress layout checks.
    pub suppress_callback_exceptions: bool,
    /// Serve the front end locally.
    pub serve_locally: bool,
    /// App-wide `prevent_initial_call` default.
    pub prevent_initial_callbacks: bool,
    /// The assets folder.
    pub assets_folder: PathBuf,
    /// Assets ignore pattern.
    pub assets_ignore: Option<String>,
    /// External stylesheets.
    pub external_stylesheets: Vec<String>,
    /// Stylesheets of pinned npm packages, linked first ([`Dash::theme`](crate::Dash::theme)).
    pub themes: Vec<crate::libraries::Theme>,
    /// External scripts.
    pub external_scripts: Vec<String>,
    /// Meta tags.
    pub meta_tags: Vec<Vec<(String, String)>>,
    /// Undo/redo toolbar.
    pub show_undo_redo: bool,
    /// Largest request body.
    pub max_request_body: usize,
    /// Threads of the blocking pool that runs sync callbacks and layout functions.
    pub callback_threads: usize,
    /// Calls that may wait for a pool thread before new ones are answered 503.
    pub callback_queue: usize,
    /// Ids allowed to be missing from the layout at start-up.
    pub allow_missing_ids: Vec<String>,
    /// The layout the front end checks callbacks against when the live layout is not all of
    /// it (layout functions, pages): filled in at build time, sent as
    /// `_dash-config.validation_layout` unless callback exceptions are suppressed.
    pub validation_layout: Option<serde_json::Value>,
    /// Listen address.
    pub host: String,
    /// Listen port.
    pub port: u16,
    /// HTTP settings: timeouts, connection limit, shutdown grace, compression, metrics route.
    pub server: crate::server::ServerOptions,
    /// Websocket callbacks (see [`crate::realtime`]).
    pub websocket: crate::realtime::WebsocketOptions,
    /// The MCP server (see [`crate::mcp`]).
    pub mcp: crate::mcp::McpOptions,
}

/// Reads environment variables; a trait so tests can supply their own.
pub(crate) trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

pub(crate) struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

fn env_bool(env: &dyn Env, name: &'static str) -> Result<Option<bool>, ConfigError> {
    match env.var(name) {
        None => Ok(None),
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Some(true)),
            "false" | "0" | "no" | "off" => Ok(Some(false)),
            _ => Err(ConfigError::Env {
                name,
                value: v,
                expected: "true or false",
            }),
        },
    }
}

impl Settings {
    pub(crate) fn resolve(&self, env: &dyn Env) -> Result<Config, ConfigError> {
        let pick_str = |own: &Option<String>, name: &str| own.clone().or_else(|| env.var(name));
        let pick_bool =
            |own: Option<bool>, name: &'static str| -> Result<Option<bool>, ConfigError> {
                Ok(match own {
                    Some(v) => Some(v),
                    None => env_bool(env, name)?,
                })
            };

        let url_base = pick_str(&self.url_base_pathname, "DASH_URL_BASE_PATHNAME");
        let routes = pick_str(&self.routes_pathname_prefix, "DASH_ROUTES_PATHNAME_PREFIX");
        let requests = pick_str(
            &self.requests_pathname_prefix,
            "DASH_REQUESTS_PATHNAME_PREFIX",
        );
        if url_base.is_some() && (routes.is_some() || requests.is_some()) {
            return Err(ConfigError::AmbiguousPrefix);
        }
        let routes_prefix = url_base
            .clone()
            .or(routes)
            .unwrap_or_else(|| "/".to_owned());
        let requests_prefix = match (url_base.clone(), requests, env.var("DASH_APP_NAME")) {
            (Some(u), _, _) => u,
            (None, Some(q), _) => q,
            (None, None, Some(app)) => format!("/{app}{routes_prefix}"),
            (None, None, None) => routes_prefix.clone(),
        };
        if !routes_prefix.starts_with('/') || !routes_prefix.ends_with('/') {
            return Err(ConfigError::RoutesPrefix(routes_prefix));
        }
        if !requests_prefix.starts_with('/') {
            return Err(ConfigError::RequestsPrefix(requests_prefix));
        }
        if !requests_prefix.ends_with(&routes_prefix) {
            return Err(ConfigError::PrefixMismatch {
                requests: requests_prefix,
                routes: routes_prefix,
            });
        }

        let debug = pick_bool(self.debug, "DASH_DEBUG")?.unwrap_or(false);
        let flag = |name: &'static str| -> Result<bool, ConfigError> {
            Ok(env_bool(env, name)?.unwrap_or(debug))
        };
        let dev_tools = DevTools {
            ui: flag("DASH_UI")?,
            props_check: flag("DASH_PROPS_CHECK")?,
            serve_dev_bundles: flag("DASH_SERVE_DEV_BUNDLES")?,
            hot_reload: flag("DASH_HOT_RELOAD")?,
            hot_reload_interval_ms: match env.var("DASH_HOT_RELOAD_INTERVAL") {
                None => 3000,
                Some(v) => v
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                    .map(|s| (s * 1000.0).round() as u64)
                    .ok_or(ConfigError::Env {
                        name: "DASH_HOT_RELOAD_INTERVAL",
                        value: v,
                        expected: "seconds between 0 and 3600, such as 0.5",
                    })?,
            },
            hot_reload_max_retry: match env.var("DASH_HOT_RELOAD_MAX_RETRY") {
                None => 8,
                Some(v) => v.parse().map_err(|_| ConfigError::Env {
                    name: "DASH_HOT_RELOAD_MAX_RETRY",
                    value: v,
                    expected: "a number of polls",
                })?,
            },
            validate_callbacks: flag("DASH_VALIDATE_CALLBACKS")?,
        };

        let port = match self.port {
            Some(p) => p,
            None => match env.var("PORT") {
                None => 8050,
                Some(v) => v.parse().map_err(|_| ConfigError::Env {
                    name: "PORT",
                    value: v,
                    expected: "a port number",
                })?,
            },
        };
        let update_title = match &self.update_title {
            Some(t) => t.clone(),
            None => match env.var("DASH_UPDATE_TITLE") {
                Some(t) if t.eq_ignore_ascii_case("none") => None,
                Some(t) => Some(t),
                None => Some("Updating...".to_owned()),
            },
        };
        let max_request_body = match self.max_request_body {
            Some(n) => n,
            None => match env.var("DASH_MAX_REQUEST_BODY") {
                None => 64 * 1024 * 1024,
                Some(v) => v.parse().map_err(|_| ConfigError::Env {
                    name: "DASH_MAX_REQUEST_BODY",
                    value: v,
                    expected: "a size in bytes",
                })?,
            },
        };
        let count =
            |own: Option<usize>, name: &'static str| -> Result<Option<usize>, ConfigError> {
                match own {
                    Some(n) => Ok(Some(n)),
                    None => env
                        .var(name)
                        .map(|v| {
                            v.trim().parse::<usize>().map_err(|_| ConfigError::Env {
                                name,
                                value: v,
                                expected: "a whole number",
                            })
                        })
                        .transpose(),
                }
            };
        let callback_threads = count(self.callback_threads, "DASH_CALLBACK_THREADS")?
            .unwrap_or_else(crate::blocking::default_threads)
            .max(1);
        let callback_queue = count(self.callback_queue, "DASH_CALLBACK_QUEUE")?
            .unwrap_or_else(|| crate::blocking::default_queue(callback_threads));

        Ok(Config {
            title: self.title.clone().unwrap_or_else(|| "Dash".to_owned()),
            update_title,
            debug,
            dev_tools,
            url_base_pathname: url_base,
            routes_prefix,
            requests_prefix,
            suppress_callback_exceptions: pick_bool(
                self.suppress_callback_exceptions,
                "DASH_SUPPRESS_CALLBACK_EXCEPTIONS",
            )?
            .unwrap_or(false),
            serve_locally: pick_bool(self.serve_locally, "DASH_SERVE_LOCALLY")?.unwrap_or(true),
            prevent_initial_callbacks: pick_bool(
                self.prevent_initial_callbacks,
                "DASH_PREVENT_INITIAL_CALLBACKS",
            )?
            .unwrap_or(false),
            assets_folder: self
                .assets_folder
                .clone()
                .or_else(|| env.var("DASH_ASSETS_FOLDER").map(PathBuf::from))
                .unwrap_or_else(|| PathBuf::from("assets")),
            assets_ignore: pick_str(&self.assets_ignore, "DASH_ASSETS_IGNORE"),
            external_stylesheets: self.external_stylesheets.clone(),
            themes: self.themes.clone(),
            external_scripts: self.external_scripts.clone(),
            meta_tags: self.meta_tags.clone(),
            show_undo_redo: self.show_undo_redo.unwrap_or(false),
            max_request_body,
            callback_threads,
            callback_queue,
            allow_missing_ids: self.allow_missing_ids.clone(),
            validation_layout: None,
            host: self
                .host
                .clone()
                .or_else(|| env.var("HOST"))
                .unwrap_or_else(|| "127.0.0.1".to_owned()),
            port,
            server: self.server.resolve(&|name| env.var(name))?,
            websocket: self.websocket.resolve(&|name| env.var(name))?,
            mcp: self.mcp.resolve(&|name| env.var(name))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, &'static str>);
    impl Env for MapEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| (*v).to_owned())
        }
    }

    fn env(pairs: &[(&'static str, &'static str)]) -> MapEnv {
        MapEnv(pairs.iter().copied().collect())
    }

    #[test]
    fn defaults() {
        let c = Settings::default().resolve(&env(&[])).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 8050));
        assert_eq!(c.routes_prefix, "/");
        assert_eq!(c.requests_prefix, "/");
        assert_eq!(c.update_title.as_deref(), Some("Updating..."));
        assert!(!c.debug && !c.dev_tools.ui);
    }

    #[test]
    fn hot_reload_polling_follows_dash_variables() {
        let c = Settings::default().resolve(&env(&[])).unwrap();
        assert_eq!(
            (
                c.dev_tools.hot_reload_interval_ms,
                c.dev_tools.hot_reload_max_retry
            ),
            (3000, 8)
        );
        let e = env(&[
            ("DASH_HOT_RELOAD_INTERVAL", "0.5"),
            ("DASH_HOT_RELOAD_MAX_RETRY", "20"),
        ]);
        let c = Settings::default().resolve(&e).unwrap();
        assert_eq!(
            (
                c.dev_tools.hot_reload_interval_ms,
                c.dev_tools.hot_reload_max_retry
            ),
            (500, 20)
        );
        for bad in ["0", "-1", "soon"] {
            let e = env(&[("DASH_HOT_RELOAD_INTERVAL", bad)]);
            assert!(matches!(
                Settings::default().resolve(&e),
                Err(ConfigError::Env {
                    name: "DASH_HOT_RELOAD_INTERVAL",
                    ..
                })
            ));
        }
    }

    #[test]
    fn env_and_builder_precedence() {
        let e = env(&[
            ("PORT", "9000"),
            ("DASH_DEBUG", "true"),
            ("DASH_URL_BASE_PATHNAME", "/app/"),
        ]);
        let c = Settings::default().resolve(&e).unwrap();
        assert_eq!(c.port, 9000);
        assert!(c.debug && c.dev_tools.ui && c.dev_tools.hot_reload);
        assert_eq!(
            (c.routes_prefix.as_str(), c.requests_prefix.as_str()),
            ("/app/", "/app/")
        );

        let own = Settings {
            debug: Some(false),
            port: Some(1),
            ..Default::default()
        };
        let c = own.resolve(&e).unwrap();
        assert_eq!(c.port, 1);
        assert!(!c.debug);
    }

    #[test]
    fn prefix_rules() {
        let e = env(&[("DASH_REQUESTS_PATHNAME_PREFIX", "/proxy/")]);
        let c = Settings::default().resolve(&e).unwrap();
        assert_eq!(
            (c.routes_prefix.as_str(), c.requests_prefix.as_str()),
            ("/", "/proxy/")
        );
        let both = Settings {
            url_base_pathname: Some("/a/".into()),
            routes_pathname_prefix: Some("/a/".into()),
            ..Default::default()
        };
        assert_eq!(
            both.resolve(&env(&[])).unwrap_err(),
            ConfigError::AmbiguousPrefix
        );
        let bad = Settings {
            routes_pathname_prefix: Some("/a".into()),
            ..Default::default()
        };
        assert!(matches!(
            bad.resolve(&env(&[])),
            Err(ConfigError::RoutesPrefix(_))
        ));
        let bad_env = env(&[("PORT", "http")]);
        assert!(matches!(
            Settings::default().resolve(&bad_env),
            Err(ConfigError::Env { name: "PORT", .. })
        ));
        let app = env(&[("DASH_APP_NAME", "demo")]);
        assert_eq!(
            Settings::default().resolve(&app).unwrap().requests_prefix,
            "/demo/"
        );
    }
}
