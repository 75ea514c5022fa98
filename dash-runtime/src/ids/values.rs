//! Which Rust types fit which property kinds, as callback parameters (`From*`) and as output
//! values (`Into*`).
//!
//! The lists are deliberately short: the types that always deserialise from (or serialise to)
//! the kind's JSON. Implement the trait for a type of your own to allow it, e.g. a serde enum
//! of names for a string property:
//!
//! ```
//! use dash_runtime::ids::FromStringProp;
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "lowercase")]
//! enum Colour { Red, Green }
//!
//! impl FromStringProp for Colour {}
//! ```

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::callback::{NoUpdate, Update};
use crate::components::{IntoChildren, Number};
use crate::patch::Patch;

/// A parameter type that can receive a string property.
#[diagnostic::on_unimplemented(
    message = "a string property cannot be received as `{Self}`",
    label = "expected `String`, `Option<String>` or `serde_json::Value`",
    note = "implement `dash_runtime::ids::FromStringProp` for a type of yours that deserialises from a string"
)]
pub trait FromStringProp: DeserializeOwned {}

/// A parameter type that can receive a number property.
#[diagnostic::on_unimplemented(
    message = "a number property cannot be received as `{Self}`",
    label = "expected an integer or float type (`Option` of one for a value that may be unset) or `serde_json::Value`",
    note = "implement `dash_runtime::ids::FromNumberProp` for a type of yours that deserialises from a number"
)]
pub trait FromNumberProp: DeserializeOwned {}

/// A parameter type that can receive a boolean property.
#[diagnostic::on_unimplemented(
    message = "a boolean property cannot be received as `{Self}`",
    label = "expected `bool`, `Option<bool>` or `serde_json::Value`"
)]
pub trait FromBoolProp: DeserializeOwned {}

/// A parameter type that can receive a property holding components (`children`, ...).
#[diagnostic::on_unimplemented(
    message = "a children property cannot be received as `{Self}`",
    label = "expected `serde_json::Value` (components arrive as JSON), `Vec<serde_json::Value>`, `String` or a number type",
    note = "implement `dash_runtime::ids::FromChildrenProp` for a type of yours that deserialises from such JSON"
)]
pub trait FromChildrenProp: DeserializeOwned {}

/// An output value that can be sent to a string property.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to a string property",
    label = "expected `String` or `&str` (or `Option`/`Update` of one), `NoUpdate` or `serde_json::Value`"
)]
pub trait IntoStringProp {}

/// An output value that can be sent to a number property.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to a number property",
    label = "expected an integer or float type (or `Option`/`Update` of one), `NoUpdate` or `serde_json::Value`"
)]
pub trait IntoNumberProp {}

/// An output value that can be sent to a boolean property.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to a boolean property",
    label = "expected `bool` (or `Option`/`Update` of it), `NoUpdate` or `serde_json::Value`"
)]
pub trait IntoBoolProp {}

/// An output value that can be sent to a property holding components (`children`, ...):
/// anything [`IntoChildren`], [`Update`] of it, or [`NoUpdate`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to a children property",
    label = "expected components, strings, numbers, or a `Vec` or tuple of them"
)]
pub trait IntoChildrenProp {}

// --- inputs ---

impl FromStringProp for String {}
impl FromStringProp for Value {}
impl<T: FromStringProp> FromStringProp for Option<T> {}

macro_rules! from_number {
    ($($t:ty),*) => {$(
        impl FromNumberProp for $t {}
        impl FromChildrenProp for $t {}
    )*};
}
from_number!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
impl FromNumberProp for serde_json::Number {}
impl FromNumberProp for Value {}
impl<T: FromNumberProp> FromNumberProp for Option<T> {}

impl FromBoolProp for bool {}
impl FromBoolProp for Value {}
impl<T: FromBoolProp> FromBoolProp for Option<T> {}

impl FromChildrenProp for Value {}
impl FromChildrenProp for String {}
impl FromChildrenProp for serde_json::Number {}
impl<T: FromChildrenProp> FromChildrenProp for Option<T> {}
impl<T: FromChildrenProp> FromChildrenProp for Vec<T> {}

// --- outputs ---
// A `Patch` (a partial update) and "no update" fit every kind.

impl IntoStringProp for String {}
impl IntoStringProp for &str {}
impl IntoStringProp for Cow<'_, str> {}
impl IntoStringProp for Value {}
impl IntoStringProp for NoUpdate {}
impl IntoStringProp for Patch {}
impl<T: IntoStringProp> IntoStringProp for Option<T> {}
impl<T: IntoStringProp> IntoStringProp for Update<T> {}

macro_rules! into_number {
    ($($t:ty),*) => {$( impl IntoNumberProp for $t {} )*};
}
into_number!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
impl IntoNumberProp for Number {}
impl IntoNumberProp for serde_json::Number {}
impl IntoNumberProp for Value {}
impl IntoNumberProp for NoUpdate {}
impl IntoNumberProp for Patch {}
impl<T: IntoNumberProp> IntoNumberProp for Option<T> {}
impl<T: IntoNumberProp> IntoNumberProp for Update<T> {}

impl IntoBoolProp for bool {}
impl IntoBoolProp for Value {}
impl IntoBoolProp for NoUpdate {}
impl IntoBoolProp for Patch {}
impl<T: IntoBoolProp> IntoBoolProp for Option<T> {}
impl<T: IntoBoolProp> IntoBoolProp for Update<T> {}

impl<T: IntoChildren> IntoChildrenProp for T {}
impl IntoChildrenProp for NoUpdate {}
impl IntoChildrenProp for Patch {}
impl<T: IntoChildrenProp> IntoChildrenProp for Update<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::html;

    fn input<T: FromChildrenProp + FromNumberProp>() {}
    fn children<T: IntoChildrenProp>() {}
    fn string<T: IntoStringProp>() {}

    #[test]
    fn common_types_fit() {
        input::<Option<f64>>();
        input::<Value>();
        children::<String>();
        children::<(&str, html::B)>();
        children::<Vec<html::Li>>();
        children::<Update<html::Div>>();
        children::<NoUpdate>();
        children::<Patch>();
        string::<Update<Option<&str>>>();
    }
}
