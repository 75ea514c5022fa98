//! Property kinds: what the fields of a component's property table say about its values.

use std::fmt;
use std::marker::PhantomData;

use super::values::{
    FromBoolProp, FromChildrenProp, FromNumberProp, FromStringProp, IntoBoolProp, IntoChildrenProp,
    IntoNumberProp, IntoStringProp,
};

/// One property in a component's property table; `K` is the kind of value it takes
/// ([`StringProp`], [`NumberProp`], [`BoolProp`], [`ChildrenProp`] or [`AnyProp`]).
///
/// ```
/// use dash_runtime::components::dcc;
/// use dash_runtime::ids::{NumberProp, Prop, TypedComponent};
///
/// let n_submit: Prop<NumberProp> = <dcc::Input as TypedComponent>::PROP_KINDS.n_submit;
/// # let _ = n_submit;
/// ```
pub struct Prop<K>(PhantomData<K>);

impl<K> Prop<K> {
    /// The marker (it holds no data).
    pub const fn new() -> Self {
        Prop(PhantomData)
    }
}

impl<K> Default for Prop<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K> Clone for Prop<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for Prop<K> {}

impl<K> fmt::Debug for Prop<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = std::any::type_name::<K>();
        write!(f, "Prop<{}>", kind.rsplit("::").next().unwrap_or(kind))
    }
}

/// A string property (`className`, `href`, ...): inputs are received as `String`, outputs sent
/// as `String` or `&str`.
#[derive(Debug, Clone, Copy)]
pub struct StringProp;

/// A number property (`n_clicks`, a slider's `value`, ...): any integer or float type.
#[derive(Debug, Clone, Copy)]
pub struct NumberProp;

/// A boolean property (`disabled` of some components, `is_open`, ...): `bool`.
#[derive(Debug, Clone, Copy)]
pub struct BoolProp;

/// A property that holds components (`children`, a tab's `label`, ...): outputs take anything
/// [`IntoChildren`](crate::components::IntoChildren); inputs arrive as JSON.
#[derive(Debug, Clone, Copy)]
pub struct ChildrenProp;

/// Any other property (objects, arrays, unions of several types): anything serde handles.
#[derive(Debug, Clone, Copy)]
pub struct AnyProp;

// The checks `#[callback]` emits for typed ids: `input_fits::<Param>()` for an input or state
// value received as `Param`, `output_fits::<Value>()` for an output sent as `Value`. They are
// never called at run time; an unsatisfied bound is the compile error.

impl Prop<StringProp> {
    #[doc(hidden)]
    pub fn input_fits<T: FromStringProp>(&self) {}
    #[doc(hidden)]
    pub fn output_fits<T: IntoStringProp>(&self) {}
}

impl Prop<NumberProp> {
    #[doc(hidden)]
    pub fn input_fits<T: FromNumberProp>(&self) {}
    #[doc(hidden)]
    pub fn output_fits<T: IntoNumberProp>(&self) {}
}

impl Prop<BoolProp> {
    #[doc(hidden)]
    pub fn input_fits<T: FromBoolProp>(&self) {}
    #[doc(hidden)]
    pub fn output_fits<T: IntoBoolProp>(&self) {}
}

impl Prop<ChildrenProp> {
    #[doc(hidden)]
    pub fn input_fits<T: FromChildrenProp>(&self) {}
    #[doc(hidden)]
    pub fn output_fits<T: IntoChildrenProp>(&self) {}
}

impl Prop<AnyProp> {
    // Serde's own bounds, checked where the value is converted, are the only requirement.
    #[doc(hidden)]
    pub fn input_fits<T>(&self) {}
    #[doc(hidden)]
    pub fn output_fits<T>(&self) {}
}
