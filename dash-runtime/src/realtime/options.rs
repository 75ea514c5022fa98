//! Websocket settings: builder values, then the environment, then defaults.

use std::time::Duration;

use crate::app::ConfigError;

/// What the builder set (`Dash::websocket_*`); `None` falls back to the environment.
#[derive(Debug, Clone, Default)]
pub(crate) struct WebsocketSettings {
    pub callbacks: Option<bool>,
    pub allowed_origins: Vec<String>,
    pub max_connections: Option<usize>,
    pub max_in_flight: Option<usize>,
    pub inactivity_timeout: Option<Duration>,
    pub heartbeat_interval: Option<Duration>,
}

/// The resolved websocket settings an app runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct WebsocketOptions {
    /// Every server callback goes over the websocket, not only those with
    /// `websocket = true` (`DASH_WEBSOCKET_CALLBACKS`; default off).
    pub callbacks: bool,
    /// Origins other than the app's own host that may open the websocket.
    pub allowed_origins: Vec<String>,
    /// Open websockets at most; more upgrades are answered 503
    /// (`DASH_WEBSOCKET_MAX_CONNECTIONS`; default 1024).
    pub max_connections: usize,
    /// Calls running at once on one websocket; more are answered with an error at once
    /// (default 64).
    pub max_in_flight: usize,
    /// The browser closes an idle websocket after this long (sent to the renderer; default
    /// 5 minutes). It opens a new one on the next callback.
    pub inactivity_timeout: Duration,
    /// How often the browser sends a heartbeat (sent to the renderer; default 30 s). The
    /// server closes a websocket that has sent nothing for three of these.
    pub heartbeat_interval: Duration,
    /// How long `get_props` waits for the page's answer (30 s).
    pub get_props_timeout: Duration,
}

impl Default for WebsocketOptions {
    fn default() -> Self {
        WebsocketOptions {
            callbacks: false,
            allowed_origins: Vec::new(),
            max_connections: 1024,
            max_in_flight: 64,
            inactivity_timeout: Duration::from_secs(300),
            heartbeat_interval: Duration::from_secs(30),
            get_props_timeout: Duration::from_secs(30),
        }
    }
}

impl WebsocketOptions {
    /// A websocket that has sent nothing (not even a heartbeat) for this long is closed.
    pub fn silence_limit(&self) -> Duration {
        self.heartbeat_interval * 3
    }
}

impl WebsocketSettings {
    pub(crate) fn resolve(
        &self,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<WebsocketOptions, ConfigError> {
        let d = WebsocketOptions::default();
        let callbacks = match self.callbacks {
            Some(b) => b,
            None => match var("DASH_WEBSOCKET_CALLBACKS") {
                None => d.callbacks,
                Some(v) => match v.to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" | "on" => true,
                    "false" | "0" | "no" | "off" => false,
                    _ => {
                        return Err(ConfigError::Env {
                            name: "DASH_WEBSOCKET_CALLBACKS",
                            value: v,
                            expected: "true or false",
                        })
                    }
                },
            },
        };
        let max_connections = match self.max_connections {
            Some(n) => n,
            None => match var("DASH_WEBSOCKET_MAX_CONNECTIONS") {
                None => d.max_connections,
                Some(v) => v.parse().map_err(|_| ConfigError::Env {
                    name: "DASH_WEBSOCKET_MAX_CONNECTIONS",
                    value: v,
                    expected: "a number of connections",
                })?,
            },
        };
        Ok(WebsocketOptions {
            callbacks,
            allowed_origins: self.allowed_origins.clone(),
            max_connections,
            max_in_flight: self.max_in_flight.unwrap_or(d.max_in_flight).max(1),
            inactivity_timeout: self.inactivity_timeout.unwrap_or(d.inactivity_timeout),
            heartbeat_interval: self
                .heartbeat_interval
                .unwrap_or(d.heartbeat_interval)
                .max(Duration::from_secs(1)),
            get_props_timeout: d.get_props_timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_then_environment_then_defaults() {
        let none = |_: &str| None;
        let o = WebsocketSettings::default().resolve(&none).unwrap();
        assert_eq!(o, WebsocketOptions::default());
        assert_eq!(o.silence_limit(), Duration::from_secs(90));

        let env = |name: &str| match name {
            "DASH_WEBSOCKET_CALLBACKS" => Some("on".to_owned()),
            "DASH_WEBSOCKET_MAX_CONNECTIONS" => Some("3".to_owned()),
            _ => None,
        };
        let o = WebsocketSettings::default().resolve(&env).unwrap();
        assert!(o.callbacks);
        assert_eq!(o.max_connections, 3);

        let own = WebsocketSettings {
            callbacks: Some(false),
            max_connections: Some(9),
            ..Default::default()
        };
        let o = own.resolve(&env).unwrap();
        assert!(!o.callbacks);
        assert_eq!(o.max_connections, 9);

        let bad = |name: &str| (name == "DASH_WEBSOCKET_CALLBACKS").then(|| "maybe".to_owned());
        assert!(matches!(
            WebsocketSettings::default().resolve(&bad),
            Err(ConfigError::Env {
                name: "DASH_WEBSOCKET_CALLBACKS",
                ..
            })
        ));
    }
}
