//! A polars `DataFrame` as DataTable's `columns` and `data`.
//!
//! ```
//! use dash_dataframe::columns::{columns, records, ColumnType};
//! use polars::prelude::*;
//!
//! let df = df!("item" => ["tea", "cake"], "price" => [2.5, 3.25], "units" => [3i64, 1]).unwrap();
//! let cols = columns(&df);
//! assert_eq!(cols[1].r#type, ColumnType::Numeric);
//! assert_eq!(serde_json::to_value(&cols[1]).unwrap()["format"]["specifier"], ",.2f");
//! let data = serde_json::to_value(records(&df).unwrap()).unwrap();
//! assert_eq!(data, serde_json::json!([
//!     {"item": "tea", "price": 2.5, "units": 3},
//!     {"item": "cake", "price": 3.25, "units": 1},
//! ]));
//! ```

use polars::prelude::*;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::udf;

/// DataTable's column `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Integers, floats and decimals.
    Numeric,
    /// Strings (and categoricals, durations, binary: shown as text).
    Text,
    /// Dates, datetimes and times (sent as ISO text).
    Datetime,
    /// Booleans and nested values.
    Any,
}

/// A DataTable number format (`{"specifier": ",.2f"}`: d3-format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Format {
    /// The d3-format specifier.
    pub specifier: String,
}

/// One entry of DataTable's `columns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnSpec {
    /// The header.
    pub name: String,
    /// The column id (the key of each record).
    pub id: String,
    /// The column type.
    pub r#type: ColumnType,
    /// A number format, for numeric columns that have a natural one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
}

/// How many values of a float column decide its format.
const FORMAT_SAMPLE: usize = 1000;

/// The `columns` of `df`: name and id are the column name; `type` from the dtype; floats
/// whose (first 1000) values have at most two decimals, some with decimals (prices,
/// amounts), get `,.2f`; decimals `,.{scale}f`; integers and other floats no format (all
/// digits shown).
pub fn columns(df: &DataFrame) -> Vec<ColumnSpec> {
    df.columns()
        .iter()
        .map(|c| {
            let dtype = c.dtype();
            let r#type = column_type(dtype);
            let format = if dtype.is_float() {
                two_decimals(c.as_materialized_series()).then(|| Format {
                    specifier: ",.2f".to_owned(),
                })
            } else {
                decimal_scale(dtype).map(|s| Format {
                    specifier: format!(",.{s}f"),
                })
            };
            ColumnSpec {
                name: c.name().to_string(),
                id: c.name().to_string(),
                r#type,
                format,
            }
        })
        .collect()
}

/// The DataTable type of a polars dtype.
pub fn column_type(dtype: &DataType) -> ColumnType {
    if dtype.is_numeric() {
        ColumnType::Numeric
    } else if matches!(
        dtype,
        DataType::Date | DataType::Datetime(..) | DataType::Time
    ) {
        ColumnType::Datetime
    } else if dtype.is_bool() || dtype.is_nested() || matches!(dtype, DataType::Null) {
        ColumnType::Any
    } else {
        ColumnType::Text
    }
}

fn decimal_scale(dtype: &DataType) -> Option<usize> {
    // `Decimal` exists only with polars' `dtype-decimal`; read the scale from its name.
    let name = dtype.to_string();
    let inner = name.strip_prefix("decimal[")?.strip_suffix(']')?;
    inner.split(',').nth(1)?.trim().parse().ok()
}

fn two_decimals(s: &Series) -> bool {
    let Ok(f) = s.cast(&DataType::Float64) else {
        return false;
    };
    let Ok(f) = f.f64() else {
        return false;
    };
    let mut any_fraction = false;
    for v in f
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .take(FORMAT_SAMPLE)
    {
        let cents = v * 100.0;
        if (cents - cents.round()).abs() > 1e-6 * cents.abs().max(1.0) {
            return false;
        }
        any_fraction |= v.fract() != 0.0;
    }
    any_fraction
}

/// DataTable `data` (a list of records) of a frame, serialised straight from its columns.
///
/// Numbers stay numbers (integers exactly; NaN and infinities become `null`, as JSON has no
/// such numbers), dates/datetimes/times become ISO text (`2024-01-31`,
/// `2024-01-31 12:00:00`), booleans stay booleans, lists become arrays, anything else
/// becomes its polars text.
#[derive(Debug, Clone)]
pub struct Records {
    names: Vec<String>,
    cells: Vec<Cells>,
    height: usize,
}

#[derive(Debug, Clone)]
enum Cells {
    Float(Float64Chunked),
    Int(Int64Chunked),
    UInt(UInt64Chunked),
    Bool(BooleanChunked),
    Text(StringChunked),
    Json(Vec<serde_json::Value>),
}

/// The records of `df` (see [`Records`]).
pub fn records(df: &DataFrame) -> PolarsResult<Records> {
    let mut names = Vec::with_capacity(df.width());
    let mut cells = Vec::with_capacity(df.width());
    for c in df.columns() {
        let s = c.as_materialized_series();
        let dtype = s.dtype();
        let cell = if dtype.is_float() || dtype.is_decimal() {
            Cells::Float(s.cast(&DataType::Float64)?.f64()?.rechunk().into_owned())
        } else if dtype.is_unsigned_integer() {
            Cells::UInt(s.cast(&DataType::UInt64)?.u64()?.rechunk().into_owned())
        } else if dtype.is_integer() {
            match s.cast(&DataType::Int64) {
                Ok(i) => Cells::Int(i.i64()?.rechunk().into_owned()),
                Err(_) => Cells::Float(s.cast(&DataType::Float64)?.f64()?.rechunk().into_owned()),
            }
        } else if dtype.is_bool() {
            Cells::Bool(s.bool()?.rechunk().into_owned())
        } else if dtype.is_nested() {
            Cells::Json(
                (0..s.len())
                    .map(|i| s.get(i).map(|v| any_to_json(&v)))
                    .collect::<PolarsResult<_>>()?,
            )
        } else if matches!(dtype, DataType::Null) {
            Cells::Json(vec![serde_json::Value::Null; s.len()])
        } else {
            Cells::Text(udf::format_temporal(s)?.rechunk().into_owned())
        };
        names.push(c.name().to_string());
        cells.push(cell);
    }
    Ok(Records {
        names,
        cells,
        height: df.height(),
    })
}

fn any_to_json(v: &AnyValue) -> serde_json::Value {
    use serde_json::Value;
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::String(s) => Value::String((*s).to_owned()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::List(s) => Value::Array(
            (0..s.len())
                .map(|i| s.get(i).map_or(Value::Null, |v| any_to_json(&v)))
                .collect(),
        ),
        v if v.is_integer() => v
            .extract::<i64>()
            .map_or_else(|| Value::from(v.extract::<u64>()), Value::from),
        v if v.is_float() => v
            .extract::<f64>()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        other => Value::String(other.to_string()),
    }
}

impl Records {
    /// Rows.
    pub fn len(&self) -> usize {
        self.height
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.height == 0
    }
}

impl Serialize for Records {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.height))?;
        for row in 0..self.height {
            seq.serialize_element(&Row { records: self, row })?;
        }
        seq.end()
    }
}

struct Row<'a> {
    records: &'a Records,
    row: usize,
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.records;
        let mut map = serializer.serialize_map(Some(r.names.len()))?;
        for (name, cells) in r.names.iter().zip(&r.cells) {
            let i = self.row;
            match cells {
                Cells::Float(c) => {
                    map.serialize_entry(name, &c.get(i).filter(|v| v.is_finite()))?
                }
                Cells::Int(c) => map.serialize_entry(name, &c.get(i))?,
                Cells::UInt(c) => map.serialize_entry(name, &c.get(i))?,
                Cells::Bool(c) => map.serialize_entry(name, &c.get(i))?,
                Cells::Text(c) => map.serialize_entry(name, &c.get(i))?,
                Cells::Json(c) => map.serialize_entry(name, &c.get(i))?,
            }
        }
        map.end()
    }
}
