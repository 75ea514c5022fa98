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
