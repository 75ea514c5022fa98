//! `dcc.Graph::plot`: a figure and its config in one call.

use super::Figure;
use crate::components::dcc;

impl dcc::Graph {
    /// Show `figure`: its traces, layout and frames become the `figure` property and the
    /// config that came with it (a `plotly::Plot`'s, or [`Figure::config`]) the `config`
    /// property.
    ///
    /// ```
    /// use dash_runtime::figure::Figure;
    /// use dash_runtime::prelude::*;
    /// use serde_json::json;
    /// let graph = dcc::Graph::new()
    ///     .id("g")
    ///     .plot(Figure::new().config(json!({"displayModeBar": false})));
    /// let props = &serde_json::to_value(&graph).unwrap()["props"];
    /// assert_eq!(props["config"], json!({"displayModeBar": false}));
    /// assert_eq!(props["figure"], json!({"data": [], "layout": {}}));
    /// ```
    pub fn plot(self, figure: impl Into<Figure>) -> Self {
        let figure = figure.into();
        match figure.config_value().cloned() {
            Some(config) => self.figure(figure).config(config),
            None => self.figure(figure),
        }
    }
}
