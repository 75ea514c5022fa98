//! The generic component value.

use std::borrow::Cow;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::children::IntoChildren;
use super::value::to_prop_value;

/// Any Dash component: a namespace (the JavaScript global of its library), a type name and the
/// properties that were set.
///
/// The typed builders in [`html`](super::html), [`dcc`](super::dcc) and
/// [`dash_table`](super::dash_table) all convert into `Component`; use it directly for any
/// other component library.
///
/// ```
/// use dash_runtime::components::Component;
///
/// let map = Component::new("dash_leaflet", "Map").id("map").prop("zoom", 6);
/// assert_eq!(
///     serde_json::to_value(&map).unwrap(),
///     serde_json::json!({"props": {"id": "map", "zoom": 6}, "type": "Map", "namespace": "dash_leaflet"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    namespace: Cow<'static, str>,
    type_name: Cow<'static, str>,
    props: Map<String, Value>,
}

impl Component {
    /// A component of `type_name` from the library whose JavaScript global is `namespace`.
    pub fn new(
        namespace: impl Into<Cow<'static, str>>,
        type_name: impl Into<Cow<'static, str>>,
    ) -> Self {
        Component {
            namespace: namespace.into(),
            type_name: type_name.into(),
            props: Map::new(),
        }
    }

    /// Set a property to any serialisable value (`None` is sent as `null`).
    pub fn prop(mut self, name: impl Into<String>, value: impl Serialize) -> Self {
        self.props.insert(name.into(), to_prop_value(value));
        self
    }

    /// Set a property to a JSON value that is already built.
    pub fn prop_value(mut self, name: impl Into<String>, value: Value) -> Self {
        self.props.insert(name.into(), value);
        self
    }

    /// Set the `id` property: a string, or a pattern-matching dict id.
    pub fn id(self, id: impl Serialize) -> Self {
        self.prop("id", id)
    }

    /// Set the `children` property from strings, numbers, components, vectors or tuples.
    pub fn children(mut self, children: impl IntoChildren) -> Self {
        self.props
            .insert("children".to_owned(), children.into_children().into_value());
        self
    }

    /// The JavaScript namespace of the component's library.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The component's type name, e.g. `Div`.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The properties that were set.
    pub fn props(&self) -> &Map<String, Value> {
        &self.props
    }

    /// Mutable access to the properties.
    pub fn props_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.props
    }

    /// The value of one property, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.props.get(name)
    }

    /// The component in its JSON layout form.
    pub fn into_value(self) -> Value {
        let mut obj = Map::with_capacity(3);
        obj.insert("props".into(), Value::Object(self.props));
        obj.insert("type".into(), Value::String(self.type_name.into_owned()));
        obj.insert(
            "namespace".into(),
            Value::String(self.namespace.into_owned()),
        );
        Value::Object(obj)
    }
}

impl Serialize for Component {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Component", 3)?;
        s.serialize_field("props", &self.props)?;
        s.serialize_field("type", &*self.type_name)?;
        s.serialize_field("namespace", &*self.namespace)?;
        s.end()
    }
}

/// Anything that is a component: the typed builders and [`Component`] itself.
///
/// Implementing it makes a type usable as a child and as a layout.
pub trait IntoComponent {
    /// Convert into the generic component.
    fn into_component(self) -> Component;
}

impl IntoComponent for Component {
    fn into_component(self) -> Component {
        self
    }
}
