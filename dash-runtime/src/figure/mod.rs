//! Charts: plotly figures for `dcc.Graph`, typed arrays, what a graph sends back, and updates
//! that stream new points without resending the figure.
//!
//! A [`Figure`] is what `dcc.Graph`'s `figure` property holds: `data` (the traces), `layout`
//! and, when present, `frames`. Build it from a [`plotly::Plot`](https://docs.rs/plotly)
//! (feature `plotly`, on by default), whose `config` goes to the Graph's own `config`
//! property, or from JSON for trace types the plotly crate lacks. Large numeric arrays go over
//! the wire as plotly.js typed arrays ([`TypedArray`]) and are decoded again when a figure
//! comes back in `State`.
//!
//! ```
//! use dash_runtime::figure::Figure;
//! use dash_runtime::prelude::*;
//! use serde_json::json;
//!
//! let figure = Figure::new()
//!     .trace(json!({"type": "bar", "x": ["a", "b"], "y": [3, 5]}))
//!     .layout(json!({"title": {"text": "Sales"}}));
//! let graph = dcc::Graph::new().id("sales").plot(figure);
//! assert_eq!(
//!     serde_json::to_value(&graph).unwrap()["props"]["figure"],
//!     json!({"data": [{"type": "bar", "x": ["a", "b"], "y": [3, 5]}], "layout": {"title": {"text": "Sales"}}})
//! );
//! ```

mod encode;
mod events;
#[cfg(feature = "plotly")]
mod from_plotly;
mod graph;
mod stream;
mod typed_array;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

#[cfg(feature = "plotly")]
/// The `plotly` crate (feature `plotly`), so that its version always matches `Figure`'s.
pub use plotly;

pub use events::{
    AxisChange, ClickData, HoverData, LassoPoints, Point, RelayoutData, SelectedData,
};
pub use stream::{ExtendData, FigurePatch};
pub use typed_array::{DType, TypedArray, TypedArrayError};

/// Numeric arrays of at least this many elements become typed arrays by default.
pub const TYPED_ARRAY_MIN_LEN: usize = 64;

/// A plotly figure: traces, layout, optional animation frames, and the Graph `config` that
/// travelled with it.
///
/// Serialised, it is the value of `dcc.Graph`'s `figure` property (`{"data", "layout",
/// "frames"?}`), with numeric arrays of [`TYPED_ARRAY_MIN_LEN`] or more elements inside the
/// traces and frames sent as typed arrays (see [`Figure::typed_arrays`]); a [`TypedArray`]
/// put into a trace is sent as it is. Deserialised (a figure in `State`), typed arrays are
/// decoded back into JSON lists, so a figure from the browser shows plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    data: Vec<Value>,
    layout: Map<String, Value>,
    frames: Option<Vec<Value>>,
    config: Option<Map<String, Value>>,
    typed_arrays: Option<usize>,
}

impl Default for Figure {
    fn default() -> Self {
        Figure::new()
    }
}

impl Figure {
    /// An empty figure (no traces, empty layout).
    pub fn new() -> Self {
        Figure {
            data: Vec::new(),
            layout: Map::new(),
            frames: None,
            config: None,
            typed_arrays: Some(TYPED_ARRAY_MIN_LEN),
        }
    }

    /// Add a trace given as JSON (or any serialisable value): any plotly.js trace type.
    ///
    /// ```
    /// use dash_runtime::figure::{Figure, TypedArray};
    /// use serde_json::json;
    /// let xs: Vec<f64> = (0..1000).map(f64::from).collect();
    /// let fig = Figure::new().trace(json!({"type": "scattergl", "x": TypedArray::from(xs)}));
    /// assert_eq!(fig.traces().len(), 1);
    /// ```
    pub fn trace(mut self, trace: impl Serialize) -> Self {
        self.data.push(to_value(trace));
        self
    }

    /// Merge keys into the layout (later keys win, objects are replaced, not merged deeply).
    pub fn layout(mut self, layout: impl Serialize) -> Self {
        if let Value::Object(keys) = to_value(layout) {
            self.layout.extend(keys);
        }
        self
    }

    /// Set the animation frames.
    pub fn frames(mut self, frames: Vec<Value>) -> Self {
        self.frames = Some(frames);
        self
    }

    /// Set the Graph `config` (mode bar, responsiveness, ...) that [`dcc::Graph::plot`]
    /// sends along.
    ///
    /// [`dcc::Graph::plot`]: crate::components::dcc::Graph::plot
    pub fn config(mut self, config: impl Serialize) -> Self {
        self.config = match to_value(config) {
            Value::Object(keys) => Some(keys),
            _ => None,
        };
        self
    }

    /// Send numeric arrays of at least `min_len` elements as typed arrays (the default is
    /// [`TYPED_ARRAY_MIN_LEN`]).
    pub fn typed_arrays(mut self, min_len: usize) -> Self {
        self.typed_arrays = Some(min_len.max(1));
        self
    }

    /// Send every array as plain JSON numbers (for traces a `Patch` will extend: a `Patch`
    /// appends to JSON lists, not to typed arrays).
    pub fn plain_json(mut self) -> Self {
        self.typed_arrays = None;
        self
    }

    /// The traces as built (or, for a figure from the browser, with typed arrays decoded).
    pub fn traces(&self) -> &[Value] {
        &self.data
    }

    /// The traces, to change in place.
    pub fn traces_mut(&mut self) -> &mut Vec<Value> {
        &mut self.data
    }

    /// The layout.
    pub fn layout_value(&self) -> &Map<String, Value> {
        &self.layout
    }

    /// The animation frames, if any.
    pub fn frames_value(&self) -> Option<&[Value]> {
        self.frames.as_deref()
    }

    /// The Graph `config` that came with the figure (from a `plotly::Plot` or
    /// [`Figure::config`]); it is not part of the `figure` property.
    pub fn config_value(&self) -> Option<&Map<String, Value>> {
        self.config.as_ref()
    }

    /// The numbers of one trace attribute (`"x"`, `"y"`, `"marker.size"` as nested keys),
    /// whether it came as a list or as a typed array.
    ///
    /// ```
    /// use dash_runtime::figure::Figure;
    /// use serde_json::json;
    /// let fig = Figure::new().trace(json!({"y": [1, 2.5], "marker": {"size": [4, 5]}}));
    /// assert_eq!(fig.numbers(0, "y"), Some(vec![1.0, 2.5]));
    /// assert_eq!(fig.numbers(0, "marker.size"), Some(vec![4.0, 5.0]));
    /// ```
    pub fn numbers(&self, trace: usize, path: &str) -> Option<Vec<f64>> {
        let mut at = self.data.get(trace)?;
        for key in path.split('.') {
            at = at.get(key)?;
        }
        match TypedArray::from_value(at) {
            Some(array) => array.ok().map(|a| a.to_f64()),
            None => at.as_array()?.iter().map(Value::as_f64).collect(),
        }
    }
}

fn to_value(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `value` with every typed array spec replaced by its JSON list (a spec that does not decode
/// is kept as it is: plotly.js will report it, and nothing is lost).
fn decoded(mut value: Value) -> Value {
    decode_in_place(&mut value);
    value
}

fn decode_in_place(value: &mut Value) {
    if let Some(Ok(array)) = TypedArray::from_value(value) {
        *value = array.to_json();
        return;
    }
    match value {
        Value::Array(items) => items.iter_mut().for_each(decode_in_place),
        Value::Object(keys) => keys.values_mut().for_each(decode_in_place),
        _ => {}
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("data", &encode::Traces::new(&self.data, self.typed_arrays))?;
        map.serialize_entry("layout", &self.layout)?;
        if let Some(frames) = &self.frames {
            map.serialize_entry("frames", &encode::Traces::new(frames, self.typed_arrays))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Figure {
    /// A `figure` as the browser sends it: `data`, `layout` and `frames` are all optional
    /// (an empty `dcc.Graph` holds `{"data": [], "layout": {}}` or nothing at all).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let mut keys = match value {
            Value::Object(keys) => keys,
            Value::Null => Map::new(),
            other => {
                return Err(D::Error::custom(format!(
                    "a figure is an object with `data` and `layout`, found {other}"
                )))
            }
        };
        let data = match keys.remove("data") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(traces)) => traces.into_iter().map(decoded).collect(),
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "a figure's `data` is a list of traces, found {other}"
                )))
            }
        };
        let layout = match keys.remove("layout").map(decoded) {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(layout)) => layout,
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "a figure's `layout` is an object, found {other}"
                )))
            }
        };
        let frames = match keys.remove("frames") {
            Some(Value::Array(frames)) => Some(frames.into_iter().map(decoded).collect()),
            _ => None,
        };
        Ok(Figure {
            data,
            layout,
            frames,
            config: None,
            typed_arrays: Some(TYPED_ARRAY_MIN_LEN),
        })
    }
}

#[cfg(test)]
mod tests;
