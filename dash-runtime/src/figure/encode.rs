//! Sending traces with their large numeric arrays as typed arrays, without copying the traces.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::typed_array::TypedArray;

/// Trace attributes whose numbers are not data arrays plotly.js decodes (it reads
/// `selectedpoints` as plain indices).
const NOT_DATA: &[&str] = &["selectedpoints"];

/// A list of traces (or of frames), serialised with every numeric array of at least `min_len`
/// elements as a typed array; `None` sends them as they are.
pub(super) struct Traces<'a> {
    items: &'a [Value],
    min_len: Option<usize>,
}

impl<'a> Traces<'a> {
    pub(super) fn new(items: &'a [Value], min_len: Option<usize>) -> Self {
        Traces { items, min_len }
    }
}

impl Serialize for Traces<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.min_len {
            None => self.items.serialize(serializer),
            Some(min_len) => {
                let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
                for item in self.items {
                    seq.serialize_element(&Encoded {
                        value: item,
                        min_len,
                        attribute: true,
                    })?;
                }
                seq.end()
            }
        }
    }
}

/// One JSON value, its long numeric lists written as typed arrays.
///
/// plotly.js decodes a typed array spec only where an attribute's value is the spec itself: a
/// list inside a list (the ragged rows of a `z`) stays JSON, while objects inside lists (frames,
/// `dimensions`) are attributes again.
struct Encoded<'a> {
    value: &'a Value,
    min_len: usize,
    attribute: bool,
}

impl Serialize for Encoded<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Value::Array(items) => {
                let long = items.len() >= self.min_len || is_long_matrix(items, self.min_len);
                if self.attribute && long {
                    if let Some(array) = TypedArray::encode_list(items) {
                        return array.serialize(serializer);
                    }
                }
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Encoded {
                        value: item,
                        min_len: self.min_len,
                        attribute: false,
                    })?;
                }
                seq.end()
            }
            Value::Object(keys) if TypedArray::from_value(self.value).is_some() => {
                // Already a typed array spec (a `TypedArray` put into a trace).
                keys.serialize(serializer)
            }
            Value::Object(keys) => {
                let mut map = serializer.serialize_map(Some(keys.len()))?;
                for (key, value) in keys {
                    if NOT_DATA.contains(&key.as_str()) {
                        map.serialize_entry(key, value)?;
                    } else {
                        map.serialize_entry(
                            key,
                            &Encoded {
                                value,
                                min_len: self.min_len,
                                attribute: true,
                            },
                        )?;
                    }
                }
                map.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// A list of rows (a heatmap's `z`) with at least `min_len` numbers in all.
fn is_long_matrix(items: &[Value], min_len: usize) -> bool {
    match items.first() {
        Some(Value::Array(first)) => first.len().saturating_mul(items.len()) >= min_len,
        _ => false,
    }
}
