//! The callback graph as the renderer reads it from `_dash-dependencies`, and the resolution
//! of a callback's dependencies against the page (wildcards included).

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use super::tree::{Found, Tree};
use crate::dependencies::stringify_id;

/// One key of a dict id pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KeyPattern {
    /// A concrete value.
    Exact(Value),
    /// `MATCH`: the value of the triggering component.
    Match,
    /// `ALL`: every value.
    All,
    /// `ALLSMALLER`: every value smaller than the `MATCH`ed one.
    AllSmaller,
}

/// An id as a dependency names it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum IdPattern {
    /// A string id.
    Plain(String),
    /// A dict id, keys sorted.
    Dict(Vec<(String, KeyPattern)>),
}

impl IdPattern {
    /// Parse the id of a `_dash-dependencies` entry (a stringified dict for dict ids).
    pub fn parse(raw: &str) -> Self {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(raw) else {
            return IdPattern::Plain(raw.to_owned());
        };
        IdPattern::Dict(
            map.into_iter()
                .map(|(k, v)| {
                    let pattern = match v.as_array().map(Vec::as_slice) {
                        Some([Value::String(w)]) if w == "MATCH" => KeyPattern::Match,
                        Some([Value::String(w)]) if w == "ALL" => KeyPattern::All,
                        Some([Value::String(w)]) if w == "ALLSMALLER" => KeyPattern::AllSmaller,
                        _ => KeyPattern::Exact(v),
                    };
                    (k, pattern)
                })
                .collect(),
        )
    }

    /// Whether this id selects a list of components (`ALL` or `ALLSMALLER`).
    pub fn is_many(&self) -> bool {
        matches!(self, IdPattern::Dict(keys) if keys.iter().any(|(_, p)| matches!(p, KeyPattern::All | KeyPattern::AllSmaller)))
    }

    /// The keys that are `MATCH`.
    pub fn match_keys(&self) -> Vec<&str> {
        match self {
            IdPattern::Plain(_) => Vec::new(),
            IdPattern::Dict(keys) => keys
                .iter()
                .filter(|(_, p)| *p == KeyPattern::Match)
                .map(|(k, _)| k.as_str())
                .collect(),
        }
    }

    /// Whether a concrete id fits this pattern, given the instance's `MATCH` values.
    pub fn fits(&self, id: &Value, bound: &Map<String, Value>) -> bool {
        match (self, id) {
            (IdPattern::Plain(s), Value::String(t)) => s == t,
            (IdPattern::Dict(keys), Value::Object(map)) => {
                map.len() == keys.len()
                    && keys.iter().all(|(k, p)| {
                        let Some(v) = map.get(k) else { return false };
                        match p {
                            KeyPattern::Exact(e) => v == e,
                            KeyPattern::All => true,
                            KeyPattern::Match => bound.get(k).is_none_or(|b| b == v),
                            KeyPattern::AllSmaller => {
                                bound.get(k).is_none_or(|b| compare(v, b) == Ordering::Less)
                            }
                        }
                    })
            }
            _ => false,
        }
    }
}

/// Order of wildcard values: numbers by value, strings by text.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => stringify_id(a).cmp(&stringify_id(b)),
    }
}

/// One input, state or output of a callback.
#[derive(Debug, Clone)]
pub(crate) struct Dep {
    pub id: IdPattern,
    /// The property, without any `@hash` suffix.
    pub property: String,
    /// The property as the descriptor spells it (with the `@hash` of `allow_duplicate`).
    pub wire_property: String,
    pub allow_optional: bool,
}

impl Dep {
    fn from_entry(entry: &Value) -> Option<Dep> {
        let property = entry.get("property")?.as_str()?;
        Some(Dep {
            id: IdPattern::parse(entry.get("id")?.as_str()?),
            property: property.to_owned(),
            wire_property: property.to_owned(),
            allow_optional: entry.get("allow_optional") == Some(&Value::Bool(true)),
        })
    }

    fn from_descriptor_part(part: &str) -> Option<Dep> {
        let (id, prop) = part.rsplit_once('.')?;
        Some(Dep {
            id: IdPattern::parse(id),
            property: prop.split('@').next().unwrap_or(prop).to_owned(),
            wire_property: prop.to_owned(),
            allow_optional: false,
        })
    }

    /// The components of the page this dependency names, in document order.
    pub fn resolve<'t>(&self, tree: &'t Tree, bound: &Map<String, Value>) -> Vec<Found<'t>> {
        tree.components()
            .into_iter()
            .filter(|c| self.id.fits(c.id, bound))
            .collect()
    }
}

/// One callback of `_dash-dependencies`.
#[derive(Debug, Clone)]
pub(crate) struct GraphCallback {
    /// The output descriptor (the dispatch key).
    pub descriptor: String,
    pub outputs: Vec<Dep>,
    /// Whether the callback answers a list of outputs (`..a.b...c.d..`).
    pub multi: bool,
    pub inputs: Vec<Dep>,
    pub state: Vec<Dep>,
    pub prevent_initial_call: bool,
    pub clientside: bool,
    /// The renderer's polling interval for a background callback.
    pub background: Option<u64>,
    pub persistent: bool,
    /// Called over the websocket: `get_props` asks the page.
    pub websocket: bool,
    /// `running` values: `(prop id, while running, after)`.
    pub running: Vec<(String, Value, Value)>,
}

impl GraphCallback {
    /// Read one entry of `_dash-dependencies`.
    pub fn from_entry(entry: &Value) -> Option<GraphCallback> {
        let descriptor = entry.get("output")?.as_str()?.to_owned();
        let no_output = entry.get("no_output") == Some(&Value::Bool(true));
        let (outputs, multi) = if no_output {
            (Vec::new(), false)
        } else if let Some(inner) = descriptor
            .strip_prefix("..")
            .and_then(|d| d.strip_suffix(".."))
        {
            (
                inner
                    .split("...")
                    .filter_map(Dep::from_descriptor_part)
                    .collect(),
                true,
            )
        } else {
            (
                Dep::from_descriptor_part(&descriptor).into_iter().collect(),
                false,
            )
        };
        let deps = |key: &str| -> Vec<Dep> {
            entry
                .get(key)
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(Dep::from_entry).collect())
                .unwrap_or_default()
        };
        let running = match entry.get("running") {
            Some(r) => {
                let on = r.get("running").and_then(Value::as_object);
                let off = r.get("runningOff").and_then(Value::as_object);
                on.map(|on| {
                    on.iter()
                        .map(|(k, v)| {
                            let after = off.and_then(|o| o.get(k)).cloned().unwrap_or(Value::Null);
                            (k.clone(), v.clone(), after)
                        })
                        .collect()
                })
                .unwrap_or_default()
            }
            None => Vec::new(),
        };
        Some(GraphCallback {
            descriptor,
            outputs,
            multi,
            inputs: deps("inputs"),
            state: deps("state"),
            prevent_initial_call: entry.get("prevent_initial_call") == Some(&Value::Bool(true)),
            clientside: entry
                .get("clientside_function")
                .is_some_and(|c| !c.is_null()),
            background: entry
                .get("background")
                .and_then(|b| b.get("interval"))
                .and_then(Value::as_u64),
            persistent: entry.get("persistent") == Some(&Value::Bool(true)),
            websocket: entry.get("websocket") == Some(&Value::Bool(true)),
            running,
        })
    }

    /// The `MATCH` bindings of every instance of this callback on the page: one per distinct
    /// combination of `MATCH` values among the components its outputs (else inputs) name.
    pub fn instances(&self, tree: &Tree) -> Vec<Map<String, Value>> {
        let with_match = self
            .outputs
            .iter()
            .chain(&self.inputs)
            .find(|d| !d.id.match_keys().is_empty());
        let Some(dep) = with_match else {
            return vec![Map::new()];
        };
        let keys = dep.id.match_keys();
        let mut out: Vec<Map<String, Value>> = Vec::new();
        for found in dep.resolve(tree, &Map::new()) {
            let bound = bind(&keys, found.id);
            if !out.contains(&bound) {
                out.push(bound);
            }
        }
        out
    }
}

/// The `MATCH` values of a concrete id.
pub(crate) fn bind(keys: &[&str], id: &Value) -> Map<String, Value> {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), id.get(*k)?.clone())))
        .collect()
}

/// `<stringified id>.<prop>`.
pub(crate) fn prop_id(id: &Value, prop: &str) -> String {
    format!("{}.{prop}", stringify_id(id))
}

/// One dependency with its values, in the request's shape: an object, or a list for `ALL`
/// and `ALLSMALLER`. `None` when a single required component is missing.
pub(crate) fn filled(dep: &Dep, tree: &Tree, bound: &Map<String, Value>) -> Option<Value> {
    let entry = |f: &Found<'_>| json!({"id": f.id, "property": dep.property, "value": f.props.get(&dep.property).cloned().unwrap_or(Value::Null)});
    let found = dep.resolve(tree, bound);
    if dep.id.is_many() {
        return Some(Value::Array(found.iter().map(entry).collect()));
    }
    match found.first() {
        Some(f) => Some(entry(f)),
        None if dep.allow_optional => {
            let id = match &dep.id {
                IdPattern::Plain(s) => Value::String(s.clone()),
                IdPattern::Dict(_) => Value::Null,
            };
            Some(json!({"id": id, "property": dep.property, "value": null, "allow_optional": true}))
        }
        None => None,
    }
}

/// An output's targets in the request's shape.
pub(crate) fn targets(dep: &Dep, tree: &Tree, bound: &Map<String, Value>) -> Value {
    let found = dep.resolve(tree, bound);
    let target = |f: &Found<'_>| json!({"id": f.id, "property": dep.wire_property});
    if dep.id.is_many() {
        Value::Array(found.iter().map(target).collect())
    } else {
        match found.first() {
            Some(f) => target(f),
            None => match &dep.id {
                IdPattern::Plain(s) => json!({"id": s, "property": dep.wire_property}),
                IdPattern::Dict(_) => Value::Null,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Tree {
        let item = |i: i64| json!({"type": "Input", "namespace": "dash_core_components", "props": {"id": {"type": "in", "index": i}, "value": i * 10}});
        Tree::new(
            json!({"type": "Div", "namespace": "dash_html_components", "props": {
                "children": [item(0), item(1), item(2), {"type": "Div", "namespace": "dash_html_components", "props": {"id": "out"}}]
            }}),
        )
    }

    #[test]
    fn reads_descriptors_and_wildcards() {
        let cb = GraphCallback::from_entry(&json!({
            "output": "..out.children...x.value@ab12..",
            "inputs": [{"id": "{\"index\":[\"MATCH\"],\"type\":\"in\"}", "property": "value"}],
            "state": [{"id": "{\"index\":[\"ALLSMALLER\"],\"type\":\"in\"}", "property": "value"}],
            "clientside_function": null, "prevent_initial_call": true, "background": {"interval": 500},
            "no_output": false, "running": {"running": {"x.disabled": true}, "runningOff": {"x.disabled": false}}
        }))
        .expect("parses");
        assert!(cb.multi && cb.prevent_initial_call && !cb.clientside);
        assert_eq!(cb.outputs[1].property, "value");
        assert_eq!(cb.outputs[1].wire_property, "value@ab12");
        assert_eq!(cb.background, Some(500));
        assert_eq!(
            cb.running,
            [("x.disabled".to_owned(), json!(true), json!(false))]
        );
        let tree = page();
        let instances = cb.instances(&tree);
        assert_eq!(instances.len(), 3);
        let smaller = filled(&cb.state[0], &tree, &instances[2]).expect("a list");
        assert_eq!(smaller.as_array().map(Vec::len), Some(2));
        let one = filled(&cb.inputs[0], &tree, &instances[1]).expect("one");
        assert_eq!(one["value"], json!(10));
        assert_eq!(
            prop_id(&json!({"type": "in", "index": 1}), "value"),
            "{\"index\":1,\"type\":\"in\"}.value"
        );
    }
}
