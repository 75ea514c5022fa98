//! Small value types used by the typed component builders.

use serde::Serialize;
use serde_json::Value;

/// A JSON number accepted by numeric component properties (integers and floats alike).
///
/// ```
/// use dash_runtime::components::Number;
/// assert_eq!(serde_json::to_string(&Number::from(3)).unwrap(), "3");
/// assert_eq!(serde_json::to_string(&Number::from(0.5)).unwrap(), "0.5");
/// // Non-finite floats have no JSON form; Dash sends them as null.
/// assert_eq!(serde_json::to_string(&Number::from(f64::NAN)).unwrap(), "null");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Number(Value);

impl Number {
    /// The number as a JSON value.
    pub fn into_value(self) -> Value {
        self.0
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Self {
                Number(Value::from(n))
            }
        }
    )*};
}
number_from_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl From<f64> for Number {
    fn from(n: f64) -> Self {
        Number(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
}

impl From<f32> for Number {
    fn from(n: f32) -> Self {
        Number::from(f64::from(n))
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        n.0
    }
}

/// Serialise any value into a property value.
///
/// Serialisation of plain data cannot fail; a type whose `Serialize` impl errors (a map with
/// non-string keys, say) is logged and stored as `null` rather than aborting layout building.
pub(crate) fn to_prop_value<T: Serialize>(value: T) -> Value {
    match serde_json::to_value(value) {
        Ok(v) => v,
        Err(err) => {
            tracing::error!(%err, "component property value could not be serialised; using null");
            Value::Null
        }
    }
}
