//! Per-output "leave unchanged".

/// The value of one output: a new value, or "leave the property as it is" (Dash's `no_update`).
///
/// ```
/// use dash_runtime::prelude::*;
///
/// #[callback(
///     output = [Output("square", "children"), Output("cube", "children")],
///     inputs = [Input("num", "value")],
/// )]
/// fn powers(n: f64) -> (Update<f64>, f64) {
///     let square = if n < 0.0 { Update::NoUpdate } else { Update::Value(n * n) };
///     (square, n * n * n)
/// }
/// assert_eq!(powers(-2.0), (Update::NoUpdate, -8.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Update<T> {
    /// Set the property to this value.
    Value(T),
    /// Leave the property unchanged.
    #[default]
    NoUpdate,
}

impl<T> Update<T> {
    /// The new value, if any.
    pub fn into_option(self) -> Option<T> {
        match self {
            Update::Value(v) => Some(v),
            Update::NoUpdate => None,
        }
    }
}

impl<T> From<Option<T>> for Update<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Update::NoUpdate, Update::Value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Update<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Update::Value(v) => v.serialize(serializer),
            Update::NoUpdate => NoUpdate.serialize(serializer),
        }
    }
}

impl serde::Serialize for NoUpdate {
    /// Dash's wire form of `no_update`; the server drops such values from responses.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("_dash_no_update", "_dash_no_update")?;
        map.end()
    }
}

/// A value that leaves its output unchanged, usable for an output of any type.
///
/// ```
/// use dash_runtime::prelude::*;
/// let out: Update<String> = no_update();
/// assert_eq!(out, Update::NoUpdate);
/// ```
pub fn no_update<T>() -> Update<T> {
    Update::NoUpdate
}

/// An output value that is always "leave unchanged": handy as one element of a tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoUpdate;

/// Dash's serialised `no_update` (`{"_dash_no_update": "_dash_no_update"}`).
pub fn is_no_update_marker(value: &serde_json::Value) -> bool {
    matches!(value, serde_json::Value::Object(m) if m.len() == 1 && m.get("_dash_no_update").and_then(serde_json::Value::as_str) == Some("_dash_no_update"))
}

/// A value an output with an `ALL` wildcard can take: one entry per matching component, in
/// layout order. `#[callback]` checks this at compile time when it can see the type.
///
/// ```
/// use dash_runtime::callback::AllOutputValue;
/// fn takes<T: AllOutputValue>() {}
/// takes::<Vec<String>>();
/// takes::<dash_runtime::Update<[u8; 3]>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "an `ALL` output takes one value per matching component, so it cannot be sent `{Self}`",
    label = "return a `Vec` here: one value per component, in layout order",
    note = "`Vec<T>`, arrays, `Update<Vec<T>>`, `Option<Vec<T>>`, `NoUpdate` and a JSON array as `serde_json::Value` fit an `ALL` output"
)]
pub trait AllOutputValue {}

impl<T> AllOutputValue for Vec<T> {}
impl<T> AllOutputValue for std::collections::VecDeque<T> {}
impl<T, const N: usize> AllOutputValue for [T; N] {}
impl<T> AllOutputValue for &[T] {}
impl<T: AllOutputValue> AllOutputValue for Update<T> {}
impl<T: AllOutputValue> AllOutputValue for Option<T> {}
impl AllOutputValue for NoUpdate {}
impl AllOutputValue for serde_json::Value {}

/// Compile-time check emitted by `#[callback]` for each `ALL` output.
#[doc(hidden)]
pub fn assert_all_output<T: AllOutputValue + ?Sized>() {}
