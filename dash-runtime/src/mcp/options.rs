//! MCP server settings: builder values, then the environment, then defaults.

use crate::app::ConfigError;

/// What the builder set (`Dash::mcp*`); `None` falls back to the environment.
#[derive(Debug, Clone, Default)]
pub(crate) struct McpSettings {
    pub enabled: Option<bool>,
    pub path: Option<String>,
    pub allowed_hosts: Option<Vec<String>>,
}

/// The resolved MCP settings an app runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpOptions {
    /// Whether the app serves MCP (`DASH_MCP_ENABLED`; default off).
    pub enabled: bool,
    /// The route under the routes prefix (`DASH_MCP_PATH`; default `_mcp`, as in Dash).
    pub path: String,
    /// `Host` values the endpoint answers (a guard against DNS rebinding). `None`: the
    /// loopback names when the app listens on a loopback address, any host otherwise.
    pub allowed_hosts: Option<Vec<String>>,
}

impl Default for McpOptions {
    fn default() -> Self {
        McpOptions {
            enabled: false,
            path: "_mcp".to_owned(),
            allowed_hosts: None,
        }
    }
}

impl McpSettings {
    pub(crate) fn resolve(
        &self,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<McpOptions, ConfigError> {
        let d = McpOptions::default();
        let enabled = match self.enabled {
            Some(b) => b,
            None => match var("DASH_MCP_ENABLED") {
                None => d.enabled,
                Some(v) => match v.to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" | "on" => true,
                    "false" | "0" | "no" | "off" => false,
                    _ => {
                        return Err(ConfigError::Env {
                            name: "DASH_MCP_ENABLED",
                            value: v,
                            expected: "true or false",
                        })
                    }
                },
            },
        };
        let path = self
            .path
            .clone()
            .or_else(|| var("DASH_MCP_PATH"))
            .map(|p| p.trim_matches('/').to_owned())
            .filter(|p| !p.is_empty())
            .unwrap_or(d.path);
        Ok(McpOptions {
            enabled,
            path,
            allowed_hosts: self.allowed_hosts.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_then_environment_then_defaults() {
        let none = |_: &str| None;
        assert_eq!(
            McpSettings::default().resolve(&none).unwrap(),
            McpOptions::default()
        );
        let env = |name: &str| match name {
            "DASH_MCP_ENABLED" => Some("true".to_owned()),
            "DASH_MCP_PATH" => Some("/agents/".to_owned()),
            _ => None,
        };
        let o = McpSettings::default().resolve(&env).unwrap();
        assert!(o.enabled);
        assert_eq!(o.path, "agents");
        let own = McpSettings {
            enabled: Some(false),
            ..Default::default()
        };
        assert!(!own.resolve(&env).unwrap().enabled);
        let bad = |name: &str| (name == "DASH_MCP_ENABLED").then(|| "sometimes".to_owned());
        assert!(matches!(
            McpSettings::default().resolve(&bad),
            Err(ConfigError::Env {
                name: "DASH_MCP_ENABLED",
                ..
            })
        ));
    }
}
