//! The test app's copy of the page: the layout as the renderer holds it, with props read and
//! written by component id.

use serde_json::{Map, Value};

/// Whether a JSON object is a component (`type`, `namespace`, `props`).
fn is_component(map: &Map<String, Value>) -> bool {
    map.get("props").is_some_and(Value::is_object)
        && map.get("type").is_some_and(Value::is_string)
        && map.get("namespace").is_some_and(Value::is_string)
}

/// The values inside a component's props that may hold components, `children` first (the
/// renderer's document order), then the other props by name.
fn nested<'a>(props: &'a Map<String, Value>) -> impl Iterator<Item = &'a Value> + 'a {
    props.get("children").into_iter().chain(
        props
            .iter()
            .filter(|(k, _)| *k != "children")
            .map(|(_, v)| v),
    )
}

/// One component with an id, as found in the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found<'a> {
    /// The id as in the layout (a string or a dict).
    pub id: &'a Value,
    /// The component type (`Input`, `Div`, `Location`, ..).
    pub type_name: &'a str,
    /// Its props.
    pub props: &'a Map<String, Value>,
}

/// Every component with an id inside `value`, in document order.
pub(crate) fn components(value: &Value) -> Vec<Found<'_>> {
    let mut out = Vec::new();
    collect(value, &mut out);
    out
}

fn collect<'a>(value: &'a Value, out: &mut Vec<Found<'a>>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) if is_component(map) => {
            let Some(props) = map.get("props").and_then(Value::as_object) else {
                return;
            };
            if let Some(id) = props.get("id").filter(|id| !id.is_null()) {
                out.push(Found {
                    id,
                    type_name: map.get("type").and_then(Value::as_str).unwrap_or_default(),
                    props,
                });
            }
            nested(props).for_each(|v| collect(v, out));
        }
        Value::Object(map) => map.values().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// The props of the component with this id, for writing.
fn props_mut<'a>(value: &'a mut Value, id: &Value) -> Option<&'a mut Map<String, Value>> {
    match value {
        Value::Array(items) => items.iter_mut().find_map(|v| props_mut(v, id)),
        Value::Object(map) => {
            if !is_component(map) {
                return map.values_mut().find_map(|v| props_mut(v, id));
            }
            let props = map.get_mut("props")?.as_object_mut()?;
            if props.get("id") == Some(id) {
                return Some(props);
            }
            props.values_mut().find_map(|v| props_mut(v, id))
        }
        _ => None,
    }
}

/// The page's component tree.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    root: Value,
}

impl Tree {
    /// A tree holding this layout.
    pub fn new(root: Value) -> Self {
        Tree { root }
    }

    /// The whole layout.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// Every component with an id, in document order.
    pub fn components(&self) -> Vec<Found<'_>> {
        components(&self.root)
    }

    /// The component with this id.
    pub fn find(&self, id: &Value) -> Option<Found<'_>> {
        self.components().into_iter().find(|c| c.id == id)
    }

    /// The value of `id.prop` (`None` when the component or the prop is missing).
    pub fn prop(&self, id: &Value, prop: &str) -> Option<&Value> {
        self.find(id).and_then(|c| c.props.get(prop))
    }

    /// Set `id.prop`; false when no component has this id.
    pub fn set(&mut self, id: &Value, prop: &str, value: Value) -> bool {
        match props_mut(&mut self.root, id) {
            Some(props) => {
                props.insert(prop.to_owned(), value);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn div(id: Value, children: Value) -> Value {
        json!({"type": "Div", "namespace": "dash_html_components", "props": {"id": id, "children": children}})
    }

    #[test]
    fn finds_sets_and_keeps_document_order() {
        let mut tree = Tree::new(div(
            json!("root"),
            json!([
                div(json!("a"), json!("x")),
                div(json!({"k": 1}), json!(null))
            ]),
        ));
        let ids: Vec<&Value> = tree.components().iter().map(|c| c.id).collect();
        assert_eq!(ids, [&json!("root"), &json!("a"), &json!({"k": 1})]);
        assert_eq!(tree.prop(&json!("a"), "children"), Some(&json!("x")));
        assert!(tree.set(&json!({"k": 1}), "children", div(json!("new"), json!("y"))));
        assert_eq!(tree.prop(&json!("new"), "children"), Some(&json!("y")));
        assert!(!tree.set(&json!("missing"), "children", json!(1)));
    }
}
