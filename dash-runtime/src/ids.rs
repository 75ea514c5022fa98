//! Typed component ids: ids that know their component type, so that `#[callback]` checks the
//! property names and value types of its dependencies at compile time.
//!
//! ```
//! use dash_runtime::prelude::*;
//!
//! const NAME: TypedId<dcc::Input> = TypedId::new("name");
//! const GREETING: TypedId<html::Div> = TypedId::new("greeting");
//!
//! #[callback(output = Output(GREETING, "children"), inputs = [Input(NAME, "value")])]
//! fn greet(name: Option<String>) -> String {
//!     format!("Hello, {}!", name.unwrap_or_default())
//! }
//!
//! let layout = html::div((dcc::Input::new().id(NAME), html::Div::new().id(GREETING)));
//! # let _ = layout;
//! ```
//!
//! With typed ids, `Input(NAME, "valeu")` is a compile error at `"valeu"` (`dcc.Input` has no
//! such property), and so is returning `bool` for `Output(GREETING, "children")`. Every
//! generated component implements [`TypedComponent`]: its property table lists each property
//! with the [kind](Prop) of value it takes.

mod props;
mod values;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::{Serialize, Serializer};

use crate::dependencies::IdSpec;

pub use props::{AnyProp, BoolProp, ChildrenProp, NumberProp, Prop, StringProp};
pub use values::{
    FromBoolProp, FromChildrenProp, FromNumberProp, FromStringProp, IntoBoolProp, IntoChildrenProp,
    IntoNumberProp, IntoStringProp,
};

/// A component id that knows its component type `C`.
///
/// Use it like a string id: in the layout (`.id(NAME)`; it serialises as the plain string) and
/// in callback dependencies (`Input(NAME, "value")`), where the property name and the
/// parameter or return type are checked against `C`'s properties at compile time.
///
/// ```
/// use dash_runtime::prelude::*;
///
/// const SLIDER: TypedId<dcc::Slider> = TypedId::new("slider");
/// assert_eq!(SLIDER.as_str(), "slider");
/// assert_eq!(serde_json::to_value(SLIDER).unwrap(), "slider");
/// ```
pub struct TypedId<C> {
    id: &'static str,
    component: PhantomData<fn() -> C>,
}

impl<C> TypedId<C> {
    /// A typed id.
    ///
    /// # Panics
    ///
    /// If `id` is empty or contains `.` or `{` (Dash ids may not). In a `const` item, as
    /// typed ids usually are, this is a compile error instead.
    pub const fn new(id: &'static str) -> Self {
        assert!(
            valid_id(id),
            "invalid component id: it must be non-empty and contain no `.` or `{{`"
        );
        TypedId {
            id,
            component: PhantomData,
        }
    }

    /// The id as a string.
    pub const fn as_str(&self) -> &'static str {
        self.id
    }

    /// The id as a callback dependency declares it.
    pub const fn spec(&self) -> IdSpec {
        IdSpec::Str(self.id)
    }
}

const fn valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'.' || bytes[i] == b'{' {
            return false;
        }
        i += 1;
    }
    true
}

impl<C> Clone for TypedId<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for TypedId<C> {}

impl<C> PartialEq for TypedId<C> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<C> Eq for TypedId<C> {}

impl<C> Hash for TypedId<C> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl<C> fmt::Debug for TypedId<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TypedId").field(&self.id).finish()
    }
}

impl<C> fmt::Display for TypedId<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

impl<C> Serialize for TypedId<C> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id)
    }
}

impl<C> From<TypedId<C>> for IdSpec {
    fn from(id: TypedId<C>) -> Self {
        id.spec()
    }
}

/// A component type with a property table, so that [`TypedId`]s of it can be checked.
///
/// Implemented by every generated component (`tools/generate_components.py`).
pub trait TypedComponent {
    /// A struct with one [`Prop`] field per property, named as in Dash (`r#type` for `type`).
    type Props: 'static;
    /// The table itself (its fields are zero-sized).
    const PROP_KINDS: Self::Props;
    /// Every property the component declares, named as in Dash.
    const PROP_NAMES: &'static [&'static str];
    /// Prefixes of the wildcard properties it accepts (`data-`, `aria-`).
    const WILDCARD_PREFIXES: &'static [&'static str];
}

/// The property table of a typed id's component. Used by `#[callback]`.
#[doc(hidden)]
pub const fn prop_table<C: TypedComponent>(_id: &TypedId<C>) -> C::Props {
    C::PROP_KINDS
}

/// Whether a property name that is not a Rust identifier (`data-x`, say) is one of the
/// component's: declared, or under a wildcard prefix. Used by `#[callback]`.
#[doc(hidden)]
pub const fn accepts_property<C: TypedComponent>(_id: &TypedId<C>, property: &str) -> bool {
    let mut i = 0;
    while i < C::PROP_NAMES.len() {
        if str_eq(C::PROP_NAMES[i], property) {
            return true;
        }
        i += 1;
    }
    let mut i = 0;
    while i < C::WILDCARD_PREFIXES.len() {
        let prefix = C::WILDCARD_PREFIXES[i].as_bytes();
        if property.len() > prefix.len() && starts_with(property.as_bytes(), prefix) {
            return true;
        }
        i += 1;
    }
    false
}

const fn str_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && starts_with(a.as_bytes(), b.as_bytes())
}

const fn starts_with(s: &[u8], prefix: &[u8]) -> bool {
    if s.len() < prefix.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if s[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::{dcc, html};

    const NAME: TypedId<dcc::Input> = TypedId::new("name");
    const BOX: TypedId<html::Div> = TypedId::new("box");

    #[test]
    fn serialises_and_specs_as_a_plain_string() {
        assert_eq!(serde_json::to_value(NAME).unwrap(), "name");
        assert_eq!(NAME.spec(), IdSpec::Str("name"));
        assert_eq!(IdSpec::from(BOX), IdSpec::Str("box"));
        assert_eq!(format!("{NAME} {NAME:?}"), "name TypedId(\"name\")");
        let layout = serde_json::to_value(dcc::Input::new().id(NAME)).unwrap();
        assert_eq!(layout["props"]["id"], "name");
    }

    #[test]
    fn property_names_outside_the_table() {
        assert!(accepts_property(&BOX, "data-row"));
        assert!(accepts_property(&BOX, "aria-label"));
        assert!(!accepts_property(&BOX, "data-"));
        assert!(!accepts_property(&BOX, "x-row"));
        assert!(!accepts_property(&NAME, "data-row"));
        assert!(accepts_property(&NAME, "value"));
    }

    #[test]
    fn generated_tables_carry_kinds() {
        fn kind<K: 'static>(_: &Prop<K>) -> &'static str {
            std::any::type_name::<K>()
                .rsplit("::")
                .next()
                .unwrap_or_default()
        }
        let input = prop_table(&NAME);
        assert_eq!(kind(&input.value), "AnyProp");
        assert_eq!(kind(&input.n_submit), "NumberProp");
        assert_eq!(kind(&input.r#type), "StringProp");
        assert_eq!(kind(&input.debounce), "AnyProp");
        let div = prop_table(&BOX);
        assert_eq!(kind(&div.children), "ChildrenProp");
        assert_eq!(kind(&div.n_clicks), "NumberProp");
        assert_eq!(kind(&div.className), "StringProp");
    }

    #[test]
    #[should_panic(expected = "invalid component id")]
    fn rejects_invalid_ids() {
        let _ = TypedId::<html::Div>::new("a.b");
    }
}
