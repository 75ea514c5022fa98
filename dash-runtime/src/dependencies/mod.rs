//! Dependencies: component ids, the `Output`/`Input`/`State` descriptions a callback declares,
//! and their wire forms (stringified ids, output descriptors).

mod descriptor;
mod ids;

pub use descriptor::{inputs_hash, output_descriptor, prop_id};
pub use ids::{stringify_id, IdSpec, IdValue, Wildcard};

/// An `Input` or `State` of a callback, as the macro records it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dependency {
    /// The component id.
    pub id: IdSpec,
    /// The component property.
    pub property: &'static str,
    /// Whether the component may be missing from the layout (`allow_optional`).
    pub allow_optional: bool,
}

impl Dependency {
    /// `<stringified id>.<property>`, the form Dash uses in `changedPropIds` and error messages.
    pub fn prop_id(&self) -> String {
        prop_id(&self.id.stringify(), self.property)
    }
}

/// An `Output` of a callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutputDep {
    /// The component id.
    pub id: IdSpec,
    /// The component property.
    pub property: &'static str,
    /// Several callbacks may write this property (`allow_duplicate`).
    pub allow_duplicate: bool,
}

impl OutputDep {
    /// `<stringified id>.<property>`.
    pub fn prop_id(&self) -> String {
        prop_id(&self.id.stringify(), self.property)
    }
}
