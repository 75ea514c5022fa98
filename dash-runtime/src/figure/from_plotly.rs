//! `Figure` from a [`plotly::Plot`] (feature `plotly`).
//!
//! A `Plot` serialises as one object holding `data`, `layout`, `config` and `frames` (`null`
//! when there are none); `dcc.Graph` wants the first three apart: `config` is its own
//! property, and `frames: null` is not a valid figure key.

use serde_json::Value;

use super::Figure;

impl From<&plotly::Plot> for Figure {
    /// ```
    /// use dash_runtime::figure::Figure;
    /// use plotly::{Configuration, Plot, Scatter};
    /// let mut plot = Plot::new();
    /// plot.add_trace(Scatter::new(vec![1, 2, 3], vec![4, 5, 6]).name("sales"));
    /// plot.set_configuration(Configuration::new().display_logo(false));
    /// let figure = Figure::from(&plot);
    /// assert_eq!(figure.traces()[0]["name"], "sales");
    /// assert_eq!(figure.frames_value(), None);
    /// assert_eq!(figure.config_value().unwrap()["displaylogo"], false);
    /// ```
    fn from(plot: &plotly::Plot) -> Figure {
        let data = match serde_json::to_value(plot.data()) {
            Ok(Value::Array(traces)) => traces,
            _ => Vec::new(),
        };
        let mut figure = Figure::new().layout(plot.layout());
        *figure.traces_mut() = data;
        if let Some(frames) = plot.frames() {
            let frames = frames
                .iter()
                .map(|f| serde_json::to_value(f).unwrap_or(Value::Null))
                .collect();
            figure = figure.frames(frames);
        }
        match serde_json::to_value(plot.configuration()) {
            Ok(Value::Object(config)) if !config.is_empty() => figure.config(config),
            _ => figure,
        }
    }
}

impl From<plotly::Plot> for Figure {
    fn from(plot: plotly::Plot) -> Figure {
        Figure::from(&plot)
    }
}
