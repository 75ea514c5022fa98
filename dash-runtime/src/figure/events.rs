//! What a `dcc.Graph` sends back: `clickData`, `hoverData`, `selectedData`, `relayoutData`.
//!
//! Take them as callback parameters (`Option<ClickData>`: the property is `null` until the
//! first click):
//!
//! ```
//! use dash_runtime::figure::ClickData;
//! use serde_json::json;
//!
//! let click: ClickData = serde_json::from_value(json!({"points": [
//!     {"curveNumber": 0, "pointNumber": 3, "pointIndex": 3, "x": "2024-03", "y": 1520.5,
//!      "bbox": {"x0": 10, "x1": 12, "y0": 40, "y1": 42}}
//! ]})).unwrap();
//! let point = &click.points[0];
//! assert_eq!((point.x_str(), point.y_f64()), (Some("2024-03"), Some(1520.5)));
//! ```

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// One point of a graph event: which trace (`curve_number`), which element of it
/// (`point_index`), its coordinates and whatever else plotly.js reports for the trace type
/// (`lat`/`lon` on maps, `label`/`value`/`percent` on pies, ... in [`Point::extra`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    /// The index of the trace in the figure's `data`.
    #[serde(default)]
    pub curve_number: usize,
    /// The point's index in its trace; a `[row, col]` pair on heatmaps.
    #[serde(default)]
    pub point_number: Option<Value>,
    /// The point's index in its trace (plotly.js's newer name, a single index).
    #[serde(default)]
    pub point_index: Option<usize>,
    /// The indices of the data behind a binned point (histograms).
    #[serde(default)]
    pub point_numbers: Option<Vec<usize>>,
    /// The x coordinate: a number, a category or a date string.
    #[serde(default)]
    pub x: Option<Value>,
    /// The y coordinate.
    #[serde(default)]
    pub y: Option<Value>,
    /// The z coordinate (3-D traces, heatmaps, contours).
    #[serde(default)]
    pub z: Option<Value>,
    /// The trace's `customdata` for this point.
    #[serde(default)]
    pub customdata: Option<Value>,
    /// The trace's `text` for this point.
    #[serde(default)]
    pub text: Option<Value>,
    /// The trace's `hovertext` for this point.
    #[serde(default)]
    pub hovertext: Option<Value>,
    /// The point's box on screen, in pixels (`x0`, `x1`, `y0`, `y1`).
    #[serde(default)]
    pub bbox: Option<BTreeMap<String, f64>>,
    /// Everything else plotly.js sent for the point.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Point {
    /// `x` as a number (also when sent as a numeric string).
    pub fn x_f64(&self) -> Option<f64> {
        self.x.as_ref().and_then(number)
    }

    /// `y` as a number (also when sent as a numeric string).
    pub fn y_f64(&self) -> Option<f64> {
        self.y.as_ref().and_then(number)
    }

    /// `x` as text (categories and dates).
    pub fn x_str(&self) -> Option<&str> {
        self.x.as_ref().and_then(Value::as_str)
    }

    /// `y` as text (categories and dates).
    pub fn y_str(&self) -> Option<&str> {
        self.y.as_ref().and_then(Value::as_str)
    }

    /// The point's index in its trace: `pointIndex`, else a single `pointNumber`.
    pub fn index(&self) -> Option<usize> {
        self.point_index.or_else(|| {
            self.point_number
                .as_ref()
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
        })
    }

    /// The point's `customdata` deserialised as `T` (a tuple for a 2-D `customdata`).
    pub fn customdata_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        self.customdata
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `clickData`: the point (or points, one per trace in "x unified" modes) clicked.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClickData {
    /// The points under the click.
    #[serde(default)]
    pub points: Vec<Point>,
}

/// `hoverData`: the points under the cursor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HoverData {
    /// The points under the cursor.
    #[serde(default)]
    pub points: Vec<Point>,
}

/// `selectedData`: the points of a box or lasso selection, and the selection itself.
///
/// ```
/// use dash_runtime::figure::SelectedData;
/// use serde_json::json;
/// let selected: SelectedData = serde_json::from_value(json!({
///     "points": [{"curveNumber": 0, "pointIndex": 7, "x": 1.5, "y": 2}],
///     "range": {"x": [1, 2], "y": ["2024-01-01", "2024-02-01"]}
/// })).unwrap();
/// assert_eq!(selected.range_f64("x"), Some((1.0, 2.0)));
/// assert_eq!(selected.range["y"].0, json!("2024-01-01"));
/// assert!(selected.lasso_points.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedData {
    /// The points selected.
    #[serde(default)]
    pub points: Vec<Point>,
    /// A box selection: `(from, to)` per axis (`"x"`, `"y"`, `"x2"`, ...); numbers, or date
    /// strings on date axes.
    #[serde(default, deserialize_with = "ranges")]
    pub range: BTreeMap<String, (Value, Value)>,
    /// A lasso selection: the outline's vertices.
    #[serde(default)]
    pub lasso_points: Option<LassoPoints>,
}

impl SelectedData {
    /// The box selection on `axis` as numbers (`None` on date or category axes, or when the
    /// selection was a lasso).
    pub fn range_f64(&self, axis: &str) -> Option<(f64, f64)> {
        let (from, to) = self.range.get(axis)?;
        Some((number(from)?, number(to)?))
    }

    /// The indices of the selected points of trace `curve`.
    pub fn indices(&self, curve: usize) -> Vec<usize> {
        self.points
            .iter()
            .filter(|p| p.curve_number == curve)
            .filter_map(Point::index)
            .collect()
    }
}

fn ranges<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, (Value, Value)>, D::Error> {
    let raw = Option::<BTreeMap<String, Vec<Value>>>::deserialize(deserializer)?;
    let mut ranges = BTreeMap::new();
    for (axis, ends) in raw.unwrap_or_default() {
        let [from, to]: [Value; 2] = ends.try_into().map_err(|ends: Vec<Value>| {
            D::Error::custom(format!(
                "a selection range is [from, to], found {} values for axis `{axis}`",
                ends.len()
            ))
        })?;
        ranges.insert(axis, (from, to));
    }
    Ok(ranges)
}

/// The vertices of a lasso selection, per axis (`"x"`, `"y"`; `"mapbox"` on maps).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LassoPoints {
    /// The x coordinates of the outline.
    #[serde(default)]
    pub x: Vec<Value>,
    /// The y coordinates of the outline.
    #[serde(default)]
    pub y: Vec<Value>,
    /// Other axes and subplots.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `relayoutData`: what a zoom, pan, reset, resize or drag-mode change did to the layout.
///
/// plotly.js reports changes as flat keys (`"xaxis.range[0]"`, `"xaxis.autorange"`,
/// `"autosize"`, `"dragmode"`); they are gathered here per axis.
///
/// ```
/// use dash_runtime::figure::RelayoutData;
/// use serde_json::json;
/// let zoom: RelayoutData = serde_json::from_value(json!({
///     "xaxis.range[0]": 1.5, "xaxis.range[1]": 4, "yaxis2.autorange": true
/// })).unwrap();
/// assert_eq!(zoom.range_f64("xaxis"), Some((1.5, 4.0)));
/// assert_eq!(zoom.axes["yaxis2"].autorange, Some(true));
/// assert_eq!(zoom.autosize, None);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct RelayoutData {
    /// Changes per cartesian axis (`"xaxis"`, `"yaxis"`, `"xaxis2"`, ...).
    pub axes: BTreeMap<String, AxisChange>,
    /// `autosize`: sent once when the graph first lays itself out, and on resizes.
    pub autosize: Option<bool>,
    /// `dragmode`: the mode-bar tool picked (`"zoom"`, `"pan"`, `"select"`, `"lasso"`, ...).
    pub dragmode: Option<String>,
    /// Every other key as sent (`"scene.camera"`, `"mapbox.center"`, `"shapes"`, ...).
    pub extra: Map<String, Value>,
}

/// What happened to one axis.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AxisChange {
    /// The new visible range `(from, to)` after a zoom or pan (numbers, or dates as strings).
    pub range: Option<(Value, Value)>,
    /// `true` when the axis went back to fitting its data (double click, "reset axes").
    pub autorange: Option<bool>,
    /// Other keys of the axis (`"showspikes"`, a lone `"range[0]"`, ...), without the axis
    /// name.
    pub extra: Map<String, Value>,
}

impl RelayoutData {
    /// The new range of `axis` as numbers (`None` when the axis did not zoom or pan, or is a
    /// date axis).
    pub fn range_f64(&self, axis: &str) -> Option<(f64, f64)> {
        let (from, to) = self.axes.get(axis)?.range.as_ref()?;
        Some((number(from)?, number(to)?))
    }

    /// Whether nothing but the initial `autosize` was reported.
    pub fn is_autosize_only(&self) -> bool {
        self.axes.is_empty() && self.dragmode.is_none() && self.extra.is_empty()
    }
}

/// `xaxis`, `yaxis3`, ...: the layout keys of cartesian axes.
fn is_axis(name: &str) -> bool {
    ["xaxis", "yaxis"].iter().any(|prefix| {
        name.strip_prefix(prefix)
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    })
}

impl<'de> Deserialize<'de> for RelayoutData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let keys = Option::<Map<String, Value>>::deserialize(deserializer)?.unwrap_or_default();
        let mut data = RelayoutData::default();
        let mut starts: BTreeMap<String, Value> = BTreeMap::new();
        let mut ends: BTreeMap<String, Value> = BTreeMap::new();
        for (key, value) in keys {
            match key.as_str() {
                "autosize" => {
                    data.autosize = value.as_bool();
                    continue;
                }
                "dragmode" => {
                    data.dragmode = value.as_str().map(str::to_owned);
                    continue;
                }
                _ => {}
            }
            let Some((axis, rest)) = key.split_once('.').filter(|(axis, _)| is_axis(axis)) else {
                data.extra.insert(key, value);
                continue;
            };
            let axis = axis.to_owned();
            match rest {
                "range[0]" => {
                    starts.insert(axis, value);
                }
                "range[1]" => {
                    ends.insert(axis, value);
                }
                "range" => match value {
                    Value::Array(ends) if ends.len() == 2 => {
                        let mut ends = ends.into_iter();
                        let change = data.axes.entry(axis).or_default();
                        change.range = ends.next().zip(ends.next());
                    }
                    other => {
                        let change = data.axes.entry(axis).or_default();
                        change.extra.insert(rest.to_owned(), other);
                    }
                },
                "autorange" => {
                    data.axes.entry(axis).or_default().autorange = value.as_bool();
                }
                _ => {
                    let change = data.axes.entry(axis).or_default();
                    change.extra.insert(rest.to_owned(), value);
                }
            }
        }
        for (axis, from) in starts {
            let change = data.axes.entry(axis.clone()).or_default();
            match ends.remove(&axis) {
                Some(to) => change.range = Some((from, to)),
                None => {
                    change.extra.insert("range[0]".into(), from);
                }
            }
        }
        for (axis, to) in ends {
            let change = data.axes.entry(axis).or_default();
            change.extra.insert("range[1]".into(), to);
        }
        Ok(data)
    }
}
