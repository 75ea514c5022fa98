//! plotly.js typed arrays: numeric data as `{"dtype": "f8", "bdata": <base64>}` on the wire.
//!
//! plotly.js (and therefore `dcc.Graph`) accepts a data array either as a JSON list or as a
//! *typed array spec*: the little-endian bytes of the numbers, base64-encoded, with their
//! element type (`dtype`) and, for 2-D data such as a heatmap's `z`, a `shape` of `"rows,cols"`.
//! A full-precision `f64` such as `0.8414709848078965` is 19 bytes as JSON and under 11 as
//! base64 of its 8 bytes; small integers shrink to under 2 bytes each; and neither side formats
//! or parses decimal numbers.
//!
//! ```
//! use dash_runtime::figure::TypedArray;
//! use serde_json::json;
//!
//! let xs = TypedArray::from(vec![1.0f64, 2.5]);
//! assert_eq!(
//!     serde_json::to_value(&xs).unwrap(),
//!     json!({"dtype": "f8", "bdata": "AAAAAAAA8D8AAAAAAAAEQA=="})
//! );
//! // What comes back from the browser decodes to the same numbers.
//! let back: TypedArray = serde_json::from_value(json!({"dtype": "f8", "bdata": "AAAAAAAA8D8AAAAAAAAEQA=="})).unwrap();
//! assert_eq!(back.to_f64(), vec![1.0, 2.5]);
//! ```

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

/// The element types plotly.js reads from a typed array spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    /// `i1`: 8-bit signed integers.
    I8,
    /// `u1`: 8-bit unsigned integers.
    U8,
    /// `u1c`: 8-bit unsigned integers, clamped (plotly.js's `Uint8ClampedArray`).
    U8Clamped,
    /// `i2`: 16-bit signed integers.
    I16,
    /// `u2`: 16-bit unsigned integers.
    U16,
    /// `i4`: 32-bit signed integers.
    I32,
    /// `u4`: 32-bit unsigned integers.
    U32,
    /// `f4`: 32-bit floats.
    F32,
    /// `f8`: 64-bit floats.
    F64,
}

impl DType {
    /// The name plotly.js uses (`"f8"`, `"i4"`, ...).
    pub fn code(self) -> &'static str {
        match self {
            DType::I8 => "i1",
            DType::U8 => "u1",
            DType::U8Clamped => "u1c",
            DType::I16 => "i2",
            DType::U16 => "u2",
            DType::I32 => "i4",
            DType::U32 => "u4",
            DType::F32 => "f4",
            DType::F64 => "f8",
        }
    }

    /// The type named `code`, as plotly.js spells it; plotly.py's long names (`float64`,
    /// `int32`, ...) are read too.
    pub fn from_code(code: &str) -> Option<DType> {
        Some(match code {
            "i1" | "int8" => DType::I8,
            "u1" | "uint8" => DType::U8,
            "u1c" | "uint8c" => DType::U8Clamped,
            "i2" | "int16" => DType::I16,
            "u2" | "uint16" => DType::U16,
            "i4" | "int32" => DType::I32,
            "u4" | "uint32" => DType::U32,
            "f4" | "float32" => DType::F32,
            "f8" | "float64" => DType::F64,
            _ => return None,
        })
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::I8 | DType::U8 | DType::U8Clamped => 1,
            DType::I16 | DType::U16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::F64 => 8,
        }
    }

    /// The narrowest integer type holding every value from `min` to `max`, if any does.
    fn for_integers(min: i64, max: i64) -> Option<DType> {
        let fits = |lo: i64, hi: i64| min >= lo && max <= hi;
        [
            (DType::U8, 0, u8::MAX as i64),
            (DType::I8, i8::MIN as i64, i8::MAX as i64),
            (DType::U16, 0, u16::MAX as i64),
            (DType::I16, i16::MIN as i64, i16::MAX as i64),
            (DType::U32, 0, u32::MAX as i64),
            (DType::I32, i32::MIN as i64, i32::MAX as i64),
        ]
        .into_iter()
        .find(|&(_, lo, hi)| fits(lo, hi))
        .map(|(dtype, _, _)| dtype)
    }
}

/// Why a typed array spec could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypedArrayError {
    /// `dtype` names no type plotly.js knows.
    #[error("unknown typed array dtype `{0}` (expected one of i1 u1 u1c i2 u2 i4 u4 f4 f8)")]
    UnknownDType(String),
    /// `bdata` is not base64.
    #[error("typed array bdata is not base64: {0}")]
    Base64(String),
    /// The byte count is not a multiple of the element size.
    #[error("typed array of {dtype} has {bytes} bytes, not a multiple of {size}")]
    Truncated {
        /// The element type's code.
        dtype: &'static str,
        /// Bytes decoded.
        bytes: usize,
        /// Bytes per element.
        size: usize,
    },
    /// `shape` is not `"n"` or `"rows,cols"` matching the element count.
    #[error("typed array shape `{shape}` does not fit its {len} elements")]
    Shape {
        /// The shape as sent.
        shape: String,
        /// The number of elements decoded.
        len: usize,
    },
}

/// A numeric array in plotly.js's typed array form: element type, raw little-endian bytes and
/// an optional 2-D shape.
///
/// Build one from a `Vec` or slice of any of plotly.js's element types, put it anywhere in a
/// trace (`json!({"type": "scattergl", "x": TypedArray::from(xs)})`), and read one back
/// from what the browser sends (a plain JSON list is accepted too).
#[derive(Debug, Clone, PartialEq)]
pub struct TypedArray {
    dtype: DType,
    bytes: Vec<u8>,
    /// `(rows, cols)` for 2-D data.
    shape: Option<(usize, usize)>,
}

macro_rules! from_numbers {
    ($($t:ty => $dtype:expr),* $(,)?) => {$(
        impl From<Vec<$t>> for TypedArray {
            fn from(values: Vec<$t>) -> Self {
                TypedArray::from(values.as_slice())
            }
        }
        impl From<&[$t]> for TypedArray {
            fn from(values: &[$t]) -> Self {
                let mut bytes = Vec::with_capacity(values.len() * std::mem::size_of::<$t>());
                for v in values {
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
                TypedArray { dtype: $dtype, bytes, shape: None }
            }
        }
    )*};
}

from_numbers!(
    i8 => DType::I8, u8 => DType::U8, i16 => DType::I16, u16 => DType::U16,
    i32 => DType::I32, u32 => DType::U32, f32 => DType::F32, f64 => DType::F64,
);

impl TypedArray {
    /// Rows of equal length as one 2-D array (`shape` `"rows,cols"`), e.g. a heatmap's `z`.
    /// `None` when the rows differ in length.
    ///
    /// ```
    /// use dash_runtime::figure::TypedArray;
    /// let z = TypedArray::rows(&[vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap();
    /// assert_eq!(z.shape(), Some((2, 2)));
    /// ```
    pub fn rows(rows: &[Vec<f64>]) -> Option<TypedArray> {
        let cols = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != cols) {
            return None;
        }
        let flat: Vec<f64> = rows.iter().flatten().copied().collect();
        Some(TypedArray {
            shape: Some((rows.len(), cols)),
            ..TypedArray::from(flat)
        })
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// `(rows, cols)` of 2-D data.
    pub fn shape(&self) -> Option<(usize, usize)> {
        self.shape
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.bytes.len() / self.dtype.size()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Every element as `f64` (exact for every element type), in row-major order.
    pub fn to_f64(&self) -> Vec<f64> {
        let size = self.dtype.size();
        self.bytes
            .chunks_exact(size)
            .map(|c| read(self.dtype, c))
            .collect()
    }

    /// The elements as JSON numbers: a list, or a list of rows for 2-D data. Integer types
    /// give integers.
    pub fn to_json(&self) -> Value {
        let size = self.dtype.size();
        let number = |c: &[u8]| -> Value {
            let v = read(self.dtype, c);
            match self.dtype {
                DType::F32 | DType::F64 => Number::from_f64(v).map_or(Value::Null, Value::Number),
                // Integer types hold at most 32 bits: exact as i64.
                _ => Value::from(v as i64),
            }
        };
        let flat: Vec<Value> = self.bytes.chunks_exact(size).map(number).collect();
        match self.shape {
            Some((_, cols)) if cols > 0 => Value::Array(
                flat.chunks(cols)
                    .map(|row| Value::Array(row.to_vec()))
                    .collect(),
            ),
            _ => Value::Array(flat),
        }
    }

    /// Read a spec object (`dtype`, `bdata`, optional `shape`).
    pub fn from_spec(
        dtype: &str,
        bdata: &str,
        shape: Option<&str>,
    ) -> Result<TypedArray, TypedArrayError> {
        let dtype =
            DType::from_code(dtype).ok_or_else(|| TypedArrayError::UnknownDType(dtype.into()))?;
        let bytes = BASE64
            .decode(bdata)
            .map_err(|e| TypedArrayError::Base64(e.to_string()))?;
        if bytes.len() % dtype.size() != 0 {
            return Err(TypedArrayError::Truncated {
                dtype: dtype.code(),
                bytes: bytes.len(),
                size: dtype.size(),
            });
        }
        let len = bytes.len() / dtype.size();
        let shape = match shape.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(
                parse_shape(text, len).ok_or_else(|| TypedArrayError::Shape {
                    shape: text.to_owned(),
                    len,
                })?,
            ),
        };
        Ok(TypedArray {
            dtype,
            bytes,
            shape: shape.flatten(),
        })
    }

    /// The spec of a JSON value when it is one (an object with string `dtype` and `bdata`).
    pub(crate) fn from_value(value: &Value) -> Option<Result<TypedArray, TypedArrayError>> {
        let object = value.as_object()?;
        let dtype = object.get("dtype")?.as_str()?;
        let bdata = object.get("bdata")?.as_str()?;
        let shape = match object.get("shape") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(dims)) => Some(
                dims.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ => None,
        };
        Some(TypedArray::from_spec(dtype, bdata, shape.as_deref()))
    }

    /// A JSON list of numbers (or of equal-length rows of numbers) as the narrowest exact
    /// typed array: integers as the smallest integer type that holds them, anything else as
    /// `f8`. `None` when the list holds anything but numbers (`null` gaps included), is
    /// ragged, or has integers beyond 2^53 that `f8` cannot hold exactly.
    pub(crate) fn encode_list(items: &[Value]) -> Option<TypedArray> {
        let (numbers, shape) = match items.first() {
            Some(Value::Array(first)) => {
                let cols = first.len();
                let mut flat = Vec::with_capacity(items.len() * cols);
                for row in items {
                    let row = row.as_array().filter(|r| r.len() == cols)?;
                    flat.extend(row.iter());
                }
                (flat, Some((items.len(), cols)))
            }
            _ => (items.iter().collect(), None),
        };
        let mut ints = Some((i64::MAX, i64::MIN));
        for n in &numbers {
            let n = match n {
                Value::Number(n) => n,
                _ => return None,
            };
            ints = match (ints, n.as_i64()) {
                (Some((lo, hi)), Some(i)) => Some((lo.min(i), hi.max(i))),
                _ => None,
            };
            if n.as_i64().is_none() && n.as_u64().is_some() {
                // u64 above i64::MAX: beyond what f8 holds exactly.
                return None;
            }
        }
        let dtype = match ints {
            Some((lo, hi)) if !numbers.is_empty() => DType::for_integers(lo, hi),
            _ => None,
        };
        let array = match dtype {
            Some(dtype) => {
                let mut bytes = Vec::with_capacity(numbers.len() * dtype.size());
                for n in &numbers {
                    let i = n.as_i64().unwrap_or_default();
                    write_int(dtype, i, &mut bytes);
                }
                TypedArray {
                    dtype,
                    bytes,
                    shape: None,
                }
            }
            None => {
                const EXACT: u64 = 1 << 53;
                let mut bytes = Vec::with_capacity(numbers.len() * 8);
                for n in &numbers {
                    if n.as_i64().is_some_and(|i| i.unsigned_abs() > EXACT) {
                        return None;
                    }
                    let f = n.as_f64()?;
                    bytes.extend_from_slice(&f.to_le_bytes());
                }
                TypedArray {
                    dtype: DType::F64,
                    bytes,
                    shape: None,
                }
            }
        };
        Some(TypedArray { shape, ..array })
    }
}

fn parse_shape(text: &str, len: usize) -> Option<Option<(usize, usize)>> {
    let dims: Vec<usize> = text
        .split(',')
        .map(|d| d.trim().parse().ok())
        .collect::<Option<_>>()?;
    match dims.as_slice() {
        [n] if *n == len => Some(None),
        [rows, cols] if rows.checked_mul(*cols) == Some(len) => Some(Some((*rows, *cols))),
        _ => None,
    }
}

fn read(dtype: DType, c: &[u8]) -> f64 {
    let mut buf = [0u8; 8];
    buf[..c.len()].copy_from_slice(c);
    match dtype {
        DType::I8 => f64::from(i8::from_le_bytes([buf[0]])),
        DType::U8 | DType::U8Clamped => f64::from(buf[0]),
        DType::I16 => f64::from(i16::from_le_bytes([buf[0], buf[1]])),
        DType::U16 => f64::from(u16::from_le_bytes([buf[0], buf[1]])),
        DType::I32 => f64::from(i32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]])),
        DType::U32 => f64::from(u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]])),
        DType::F32 => f64::from(f32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]])),
        DType::F64 => f64::from_le_bytes(buf),
    }
}

/// Append `i` (known to fit `dtype`) as `dtype`'s little-endian bytes.
fn write_int(dtype: DType, i: i64, out: &mut Vec<u8>) {
    let bytes = i.to_le_bytes();
    out.extend_from_slice(&bytes[..dtype.size()]);
}

impl Serialize for TypedArray {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(if self.shape.is_some() { 3 } else { 2 }))?;
        map.serialize_entry("dtype", self.dtype.code())?;
        map.serialize_entry("bdata", &BASE64.encode(&self.bytes))?;
        if let Some((rows, cols)) = self.shape {
            map.serialize_entry("shape", &format!("{rows},{cols}"))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TypedArray {
    /// A typed array spec, or a plain JSON list of numbers (or of equal-length rows).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if let Some(spec) = TypedArray::from_value(&value) {
            return spec.map_err(D::Error::custom);
        }
        match &value {
            Value::Array(items) if items.is_empty() => Ok(TypedArray::from(Vec::<f64>::new())),
            Value::Array(items) => TypedArray::encode_list(items).ok_or_else(|| {
                D::Error::custom("expected a typed array spec or a list of numbers")
            }),
            _ => Err(D::Error::custom(
                "expected a typed array spec ({\"dtype\", \"bdata\"}) or a list of numbers",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_dtype_round_trips_its_extremes() {
        let cases: Vec<(TypedArray, Vec<f64>)> = vec![
            (
                TypedArray::from(vec![i8::MIN, 0, i8::MAX]),
                vec![-128.0, 0.0, 127.0],
            ),
            (TypedArray::from(vec![0u8, 255]), vec![0.0, 255.0]),
            (
                TypedArray::from(vec![i16::MIN, i16::MAX]),
                vec![-32768.0, 32767.0],
            ),
            (TypedArray::from(vec![u16::MAX]), vec![65535.0]),
            (
                TypedArray::from(vec![i32::MIN, i32::MAX]),
                vec![i32::MIN as f64, i32::MAX as f64],
            ),
            (TypedArray::from(vec![u32::MAX]), vec![u32::MAX as f64]),
            (TypedArray::from(vec![1.5f32, -0.25]), vec![1.5, -0.25]),
            (
                TypedArray::from(vec![f64::MAX, f64::MIN_POSITIVE]),
                vec![f64::MAX, f64::MIN_POSITIVE],
            ),
        ];
        for (array, expected) in cases {
            let wire = serde_json::to_value(&array).unwrap();
            let back: TypedArray = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(back, array, "{wire}");
            assert_eq!(back.to_f64(), expected, "{wire}");
        }
    }

    #[test]
    fn lists_take_the_narrowest_exact_type() {
        let pick = |v: Value| TypedArray::encode_list(v.as_array().unwrap()).map(|a| a.dtype());
        assert_eq!(pick(json!([0, 1, 255])), Some(DType::U8));
        assert_eq!(pick(json!([-1, 100])), Some(DType::I8));
        assert_eq!(pick(json!([0, 70000])), Some(DType::U32));
        assert_eq!(pick(json!([-70000, 1])), Some(DType::I32));
        assert_eq!(pick(json!([1, 2.5])), Some(DType::F64));
        assert_eq!(pick(json!([1, 5000000000i64])), Some(DType::F64));
        assert_eq!(pick(json!([1, 9007199254740993i64])), None, "beyond 2^53");
        assert_eq!(pick(json!([1, u64::MAX])), None);
        assert_eq!(pick(json!([1, null, 3])), None, "gaps stay JSON");
        assert_eq!(pick(json!(["a", 1])), None);
        assert_eq!(pick(json!([[1, 2], [3]])), None, "ragged rows");
        let z = TypedArray::encode_list(json!([[1, 2, 3], [4, 5, 6]]).as_array().unwrap()).unwrap();
        assert_eq!(z.shape(), Some((2, 3)));
        assert_eq!(z.to_json(), json!([[1, 2, 3], [4, 5, 6]]));
    }

    #[test]
    fn specs_from_the_browser_are_checked() {
        let bad = |v: Value| {
            serde_json::from_value::<TypedArray>(v)
                .unwrap_err()
                .to_string()
        };
        assert!(bad(json!({"dtype": "i8", "bdata": ""})).contains("unknown typed array dtype `i8`"));
        assert!(bad(json!({"dtype": "f8", "bdata": "!!"})).contains("not base64"));
        assert!(bad(json!({"dtype": "f8", "bdata": "AAAA"})).contains("not a multiple of 8"));
        assert!(bad(json!({"dtype": "u1", "bdata": "AAAA", "shape": "2,2"})).contains("shape"));
        let ok: TypedArray =
            serde_json::from_value(json!({"dtype": "u1", "bdata": "AQIDBA==", "shape": "2, 2"}))
                .unwrap();
        assert_eq!(ok.to_json(), json!([[1, 2], [3, 4]]));
        let long_names: TypedArray =
            serde_json::from_value(json!({"dtype": "uint8", "bdata": "AQI="})).unwrap();
        assert_eq!(long_names.to_f64(), vec![1.0, 2.0]);
        let plain: TypedArray = serde_json::from_value(json!([1.5, 2])).unwrap();
        assert_eq!(plain.to_f64(), vec![1.5, 2.0]);
    }

    #[test]
    fn rows_must_be_rectangular() {
        assert!(TypedArray::rows(&[vec![1.0], vec![1.0, 2.0]]).is_none());
        let z = TypedArray::rows(&[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]).unwrap();
        assert_eq!(serde_json::to_value(&z).unwrap()["shape"], json!("3,2"));
    }
}
