//! Streaming charts: new points and layout changes without resending the figure.
//!
//! Two ways, both answered by a callback:
//! - [`ExtendData`] for `dcc.Graph`'s `extendData` property: plotly.js appends the points to
//!   the traces (and drops the oldest beyond `max_points`): the cheapest way to stream.
//! - [`FigurePatch`] for the `figure` property: a [`Patch`] speaking in traces and axes
//!   (append points, move an axis range, restyle a trace), for changes `extendData` cannot
//!   express.

use std::collections::BTreeMap;

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::patch::Patch;

/// Points to append to traces, the value of `dcc.Graph`'s `extendData` (or `prependData`).
///
/// ```
/// use dash_runtime::figure::ExtendData;
/// use serde_json::json;
/// let update = ExtendData::new()
///     .points(0, "x", [10.0, 11.0])
///     .points(0, "y", [0.5, 0.7])
///     .max_points(1000);
/// assert_eq!(
///     serde_json::to_value(&update).unwrap(),
///     json!([{"x": [[10.0, 11.0]], "y": [[0.5, 0.7]]}, [0], 1000])
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExtendData {
    /// Per trace index, per attribute (`"x"`, `"y"`, `"marker.size"`), the values to append.
    traces: BTreeMap<usize, BTreeMap<String, Vec<Value>>>,
    max_points: Option<usize>,
}

impl ExtendData {
    /// No points yet.
    pub fn new() -> Self {
        ExtendData::default()
    }

    /// Append `values` to attribute `key` (`"x"`, `"y"`, `"marker.color"`, ...) of trace
    /// `trace` (its index in the figure's `data`). Calls for the same trace and key add up.
    pub fn points<T: Serialize>(
        mut self,
        trace: usize,
        key: &str,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        let list = self
            .traces
            .entry(trace)
            .or_default()
            .entry(key.to_owned())
            .or_default();
        list.extend(
            values
                .into_iter()
                .map(|v| serde_json::to_value(v).unwrap_or(Value::Null)),
        );
        self
    }

    /// Keep at most `n` points per trace attribute (the oldest go first).
    pub fn max_points(mut self, n: usize) -> Self {
        self.max_points = Some(n);
        self
    }

    /// Whether there is nothing to append.
    pub fn is_empty(&self) -> bool {
        self.traces
            .values()
            .all(|keys| keys.values().all(Vec::is_empty))
    }
}

impl Serialize for ExtendData {
    /// `[{key: [values per trace]}, [trace indices], max_points?]`: plotly.js's
    /// `extendTraces` arguments. A trace that has no values for a key gets an empty list, as
    /// every key must list one entry per trace.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let indices: Vec<usize> = self.traces.keys().copied().collect();
        let mut keys: BTreeMap<&str, Vec<&[Value]>> = BTreeMap::new();
        for trace_keys in self.traces.values() {
            for key in trace_keys.keys() {
                keys.entry(key.as_str()).or_default();
            }
        }
        for (key, lists) in keys.iter_mut() {
            for trace_keys in self.traces.values() {
                lists.push(trace_keys.get(*key).map_or(&[], Vec::as_slice));
            }
        }
        let mut seq = serializer.serialize_seq(None)?;
        seq.serialize_element(&keys)?;
        seq.serialize_element(&indices)?;
        if let Some(max) = self.max_points {
            seq.serialize_element(&max)?;
        }
        seq.end()
    }
}

/// A [`Patch`] of a `dcc.Graph`'s `figure`, in plotly's terms.
///
/// The browser applies it to the figure it shows. Patches extend JSON lists: build the traces
/// they append to with [`Figure::plain_json`](super::Figure::plain_json), as a typed array in
/// the browser cannot be extended by a `Patch` (use [`ExtendData`] for those).
///
/// ```
/// use dash_runtime::figure::FigurePatch;
/// use serde_json::json;
/// let patch = FigurePatch::new()
///     .extend(0, "y", [4.0, 5.0])
///     .axis_range("xaxis", 0, 100)
///     .layout("title.text", "Live");
/// let ops = &serde_json::to_value(&patch).unwrap()["operations"];
/// assert_eq!(ops[0]["location"], json!(["data", 0, "y"]));
/// assert_eq!(ops[1]["params"]["value"], json!({"range": [0, 100], "autorange": false}));
/// assert_eq!(ops[2]["location"], json!(["layout", "title", "text"]));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FigurePatch {
    patch: Patch,
}

impl FigurePatch {
    /// No changes yet.
    pub fn new() -> Self {
        FigurePatch::default()
    }

    /// Append `values` to attribute `key` of trace `trace` (`"x"`, `"y"`, or nested
    /// `"marker.size"`).
    pub fn extend<T: Serialize>(
        mut self,
        trace: usize,
        key: &str,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        let values: Vec<Value> = values
            .into_iter()
            .map(|v| serde_json::to_value(v).unwrap_or(Value::Null))
            .collect();
        at_path(self.patch.at("data").at(trace), key).extend(values);
        self
    }

    /// Set attribute `key` of trace `trace` (restyle).
    pub fn restyle(mut self, trace: usize, key: &str, value: impl Serialize) -> Self {
        at_path(self.patch.at("data").at(trace), key).assign(value);
        self
    }

    /// Add a trace at the end of `data`.
    pub fn add_trace(mut self, trace: impl Serialize) -> Self {
        self.patch.at("data").append(trace);
        self
    }

    /// Remove trace `trace`.
    pub fn remove_trace(mut self, trace: usize) -> Self {
        self.patch.at("data").delete(trace);
        self
    }

    /// Show `from..to` on `axis` (`"xaxis"`, `"yaxis2"`, ...), turning its autorange off.
    pub fn axis_range(mut self, axis: &str, from: impl Serialize, to: impl Serialize) -> Self {
        let range = Value::Array(vec![value(from), value(to)]);
        let mut keys = Map::new();
        keys.insert("range".into(), range);
        keys.insert("autorange".into(), Value::Bool(false));
        self.patch.at("layout").at(axis).merge(Value::Object(keys));
        self
    }

    /// Let `axis` fit its data again.
    pub fn autorange(mut self, axis: &str) -> Self {
        self.patch
            .at("layout")
            .at(axis)
            .at("autorange")
            .assign(true);
        self
    }

    /// Set a layout key, dotted for nested keys (`"title.text"`, `"legend.x"`).
    pub fn layout(mut self, key: &str, value: impl Serialize) -> Self {
        at_path(self.patch.at("layout"), key).assign(value);
        self
    }

    /// The patch, to add operations of your own.
    pub fn into_patch(self) -> Patch {
        self.patch
    }
}

fn value(v: impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn at_path<'p>(mut at: crate::patch::PatchAt<'p>, dotted: &str) -> crate::patch::PatchAt<'p> {
    for part in dotted.split('.') {
        at = at.at(part);
    }
    at
}

impl From<FigurePatch> for Patch {
    fn from(patch: FigurePatch) -> Patch {
        patch.patch
    }
}

impl Serialize for FigurePatch {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.patch.serialize(serializer)
    }
}
