//! The components of a layout value that have ids, looked up by their stringified id.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::dependencies::stringify_id;

/// One component with an id.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    /// The id as in the layout.
    pub id: &'a Value,
    /// The component type (`Input`, `Div`, ..).
    pub type_name: &'a str,
    /// Its properties as in the layout.
    pub props: &'a Map<String, Value>,
}

/// Every component with an id, in document order.
#[derive(Debug, Default)]
pub(crate) struct LayoutView<'a> {
    nodes: Vec<Node<'a>>,
    by_id: HashMap<String, usize>,
    /// `htmlFor` targets and the texts of their `Label`s.
    labels: HashMap<String, Vec<String>>,
}

fn as_component(map: &Map<String, Value>) -> Option<(&Map<String, Value>, &str)> {
    let props = map.get("props")?.as_object()?;
    let type_name = map.get("type")?.as_str()?;
    map.get("namespace")?.as_str()?;
    Some((props, type_name))
}

/// The text inside a component tree (strings and numbers of `children`, in order).
fn text_of(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(items) => items.iter().for_each(|i| text_of(i, out)),
        Value::Object(map) => {
            if let Some((props, _)) = as_component(map) {
                if let Some(children) = props.get("children") {
                    text_of(children, out);
                }
            }
        }
        _ => {}
    }
}

impl<'a> LayoutView<'a> {
    /// Walk a layout value (children and every other prop holding components).
    pub fn new(root: &'a Value) -> Self {
        let mut view = LayoutView::default();
        let mut stack = vec![root];
        while let Some(value) = stack.pop() {
            match value {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => match as_component(map) {
                    Some((props, type_name)) => {
                        if type_name == "Label" {
                            if let Some(target) = props.get("htmlFor").and_then(Value::as_str) {
                                let mut text = String::new();
                                text_of(props.get("children").unwrap_or(&Value::Null), &mut text);
                                if !text.trim().is_empty() {
                                    view.labels
                                        .entry(target.to_owned())
                                        .or_default()
                                        .push(text.trim().to_owned());
                                }
                            }
                        }
                        if let Some(id) = props.get("id").filter(|id| !id.is_null()) {
                            let key = stringify_id(id);
                            view.by_id.entry(key).or_insert(view.nodes.len());
                            view.nodes.push(Node {
                                id,
                                type_name,
                                props,
                            });
                        }
                        stack.extend(props.values().rev());
                    }
                    None => stack.extend(map.values().rev()),
                },
                _ => {}
            }
        }
        view
    }

    /// The component with this stringified id.
    pub fn get(&self, id: &str) -> Option<&Node<'a>> {
        self.by_id.get(id).map(|&i| &self.nodes[i])
    }

    /// Every component with an id.
    pub fn nodes(&self) -> &[Node<'a>] {
        &self.nodes
    }

    /// The texts of the labels pointing at `id` with `htmlFor`.
    pub fn labels(&self, id: &str) -> &[String] {
        self.labels.get(id).map_or(&[], Vec::as_slice)
    }

    /// The components whose dict id has exactly `keys` and equal values where `fixed` gives one.
    pub fn matching(&self, keys: &[&str], fixed: &[(&str, Value)]) -> Vec<&Node<'a>> {
        self.nodes
            .iter()
            .filter(|n| match n.id {
                Value::Object(map) => {
                    map.len() == keys.len()
                        && keys.iter().all(|k| map.contains_key(*k))
                        && fixed.iter().all(|(k, v)| map.get(*k) == Some(v))
                }
                _ => false,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_components_by_id_and_labels_by_target() {
        let layout = json!({"type": "Div", "namespace": "dash_html_components", "props": {"children": [
            {"type": "Label", "namespace": "dash_html_components", "props": {"htmlFor": "name", "children": "Your name"}},
            {"type": "Input", "namespace": "dash_core_components", "props": {"id": "name", "value": "Ada"}},
            {"type": "Div", "namespace": "dash_html_components", "props": {"id": {"type": "row", "index": 1}}}
        ]}});
        let view = LayoutView::new(&layout);
        assert_eq!(view.get("name").map(|n| n.type_name), Some("Input"));
        assert_eq!(view.labels("name"), ["Your name"]);
        assert_eq!(
            view.matching(&["index", "type"], &[("type", json!("row"))])
                .len(),
            1
        );
        assert_eq!(view.nodes().len(), 2);
    }
}
