//! Settings of the HTTP side: timeouts, limits, shutdown, compression and the operations routes.

use std::time::Duration;

use crate::app::ConfigError;

/// HTTP settings set through the builder (`None`: not set, fall back to the environment).
#[derive(Debug, Default, Clone)]
pub(crate) struct ServerSettings {
    pub shutdown_grace: Option<Duration>,
    pub header_timeout: Option<Duration>,
    pub body_timeout: Option<Duration>,
    pub max_connections: Option<usize>,
    pub compress: Option<bool>,
    pub metrics_path: Option<Option<String>>,
}

/// The resolved HTTP settings the server runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerOptions {
    /// How long in-flight requests may take to finish after SIGTERM or Ctrl-C
    /// (`DASH_SHUTDOWN_GRACE`, seconds; default 30 s).
    pub shutdown_grace: Duration,
    /// How long a client may take to send a request's headers (`DASH_HEADER_TIMEOUT`, seconds;
    /// default 10 s). HTTP/1 only: HTTP/2 streams are bounded by the connection limit.
    pub header_timeout: Duration,
    /// The longest pause while reading a request body (`DASH_BODY_TIMEOUT`, seconds;
    /// default 30 s).
    pub body_timeout: Duration,
    /// Open connections at most; more wait in the listen queue (`DASH_MAX_CONNECTIONS`;
    /// default 4096).
    pub max_connections: usize,
    /// Compress answers of 1 KiB and more by `Accept-Encoding` (`DASH_COMPRESS`; default on).
    pub compress: bool,
    /// Where Prometheus metrics are served (`DASH_METRICS_PATH`; default: not served).
    pub metrics_path: Option<String>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            shutdown_grace: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 4096,
            compress: true,
            metrics_path: None,
        }
    }
}

/// Seconds as a duration: `30`, `0.5`.
fn seconds(name: &'static str, value: String) -> Result<Duration, ConfigError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or(ConfigError::Env {
            name,
            value,
            expected: "a number of seconds",
        })
}

/// A path for an operations route: starts with `/`.
fn route_path(path: String) -> String {
    if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    }
}

impl ServerSettings {
    /// Builder values, then the environment (`var`), then defaults.
    pub(crate) fn resolve(
        &self,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ServerOptions, ConfigError> {
        let d = ServerOptions::default();
        let duration = |own: Option<Duration>, name: &'static str, default: Duration| match own {
            Some(v) => Ok(v),
            None => var(name).map_or(Ok(default), |v| seconds(name, v)),
        };
        let max_connections = match self.max_connections {
            Some(n) => n,
            None => match var("DASH_MAX_CONNECTIONS") {
                None => d.max_connections,
                Some(v) => v.trim().parse().map_err(|_| ConfigError::Env {
                    name: "DASH_MAX_CONNECTIONS",
                    value: v,
                    expected: "a number of connections",
                })?,
            },
        };
        let compress = match self.compress {
            Some(c) => c,
            None => match var("DASH_COMPRESS") {
                None => d.compress,
                Some(v) => match v.to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" | "on" => true,
                    "false" | "0" | "no" | "off" => false,
                    _ => {
                        return Err(ConfigError::Env {
                            name: "DASH_COMPRESS",
                            value: v,
                            expected: "true or false",
                        })
                    }
                },
            },
        };
        let metrics_path = match &self.metrics_path {
            Some(own) => own.clone(),
            None => var("DASH_METRICS_PATH"),
        };
        Ok(ServerOptions {
            shutdown_grace: duration(self.shutdown_grace, "DASH_SHUTDOWN_GRACE", d.shutdown_grace)?,
            header_timeout: duration(self.header_timeout, "DASH_HEADER_TIMEOUT", d.header_timeout)?,
            body_timeout: duration(self.body_timeout, "DASH_BODY_TIMEOUT", d.body_timeout)?,
            max_connections: max_connections.max(1),
            compress,
            metrics_path: metrics_path.filter(|p| !p.is_empty()).map(route_path),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn defaults_env_and_builder() {
        let o = ServerSettings::default().resolve(&env(&[])).unwrap();
        assert_eq!(o, ServerOptions::default());
        assert_eq!(o.shutdown_grace, Duration::from_secs(30));
        assert!(o.compress && o.metrics_path.is_none());

        let e = [
            ("DASH_SHUTDOWN_GRACE", "2.5"),
            ("DASH_HEADER_TIMEOUT", "3"),
            ("DASH_BODY_TIMEOUT", "4"),
            ("DASH_MAX_CONNECTIONS", "7"),
            ("DASH_COMPRESS", "off"),
            ("DASH_METRICS_PATH", "metrics"),
        ];
        let o = ServerSettings::default().resolve(&env(&e)).unwrap();
        assert_eq!(o.shutdown_grace, Duration::from_millis(2500));
        assert_eq!(o.header_timeout, Duration::from_secs(3));
        assert_eq!(o.body_timeout, Duration::from_secs(4));
        assert_eq!(o.max_connections, 7);
        assert!(!o.compress);
        assert_eq!(o.metrics_path.as_deref(), Some("/metrics"));

        let own = ServerSettings {
            shutdown_grace: Some(Duration::from_secs(1)),
            compress: Some(true),
            metrics_path: Some(None),
            ..Default::default()
        };
        let o = own.resolve(&env(&e)).unwrap();
        assert_eq!(o.shutdown_grace, Duration::from_secs(1));
        assert!(o.compress && o.metrics_path.is_none());
    }

    #[test]
    fn bad_values_are_errors() {
        for (name, value) in [
            ("DASH_SHUTDOWN_GRACE", "soon"),
            ("DASH_HEADER_TIMEOUT", "-1"),
            ("DASH_BODY_TIMEOUT", "inf"),
            ("DASH_MAX_CONNECTIONS", "many"),
            ("DASH_COMPRESS", "maybe"),
        ] {
            let err = ServerSettings::default()
                .resolve(&env(&[(name, value)]))
                .unwrap_err();
            assert!(
                matches!(err, ConfigError::Env { name: n, .. } if n == name),
                "{err}"
            );
        }
    }
}
