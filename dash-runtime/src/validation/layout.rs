//! The layouts: an index of every component carrying an id, and the duplicate-id checks.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::dependencies::{stringify_id, IdSpec};

use super::report::Problem;

/// Whether a layout is always on screen or one page among several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LayoutKind {
    /// Always shown (the app layout, or the shell around the pages).
    Shell,
    /// Shown inside the shell, one page at a time.
    Page,
}

/// A named set of layouts to validate against: the app layout, or with pages the app shell
/// plus every page.
///
/// ```
/// use dash_runtime::validation::Layouts;
/// let shell = serde_json::json!({"type": "Div", "namespace": "dash_html_components", "props": {}});
/// let home = serde_json::json!({"type": "Div", "namespace": "dash_html_components", "props": {}});
/// let layouts = Layouts::new().add("app layout", &shell).add_page("page /", &home);
/// assert_eq!(layouts.len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Layouts<'a> {
    pub(crate) entries: Vec<(String, &'a Value, LayoutKind)>,
}

impl<'a> Layouts<'a> {
    /// No layouts.
    pub fn new() -> Self {
        Layouts::default()
    }

    /// Add a layout that is always on screen (the app layout, or the shell around pages).
    /// Ids repeated within it, across such layouts, or between it and a page are
    /// [`Problem::DuplicateId`].
    pub fn add(mut self, name: impl Into<String>, layout: &'a Value) -> Self {
        self.entries.push((name.into(), layout, LayoutKind::Shell));
        self
    }

    /// Add a page, shown inside the shell layouts one at a time. An id on several pages is
    /// [`Problem::DuplicateIdAcrossPages`]; within one page it is [`Problem::DuplicateId`].
    pub fn add_page(mut self, name: impl Into<String>, layout: &'a Value) -> Self {
        self.entries.push((name.into(), layout, LayoutKind::Page));
        self
    }

    /// How many layouts were added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no layout was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One component with an id.
#[derive(Debug)]
pub(crate) struct LayoutComponent<'a> {
    /// The id as it appears in the layout.
    pub id: &'a Value,
    /// The component's JavaScript namespace.
    pub namespace: &'a str,
    /// The component's type.
    pub type_name: &'a str,
    /// Index of its layout in [`Layouts`].
    pub layout: usize,
}

/// Every component with an id, across all layouts, looked up by id.
#[derive(Debug, Default)]
pub(crate) struct LayoutIndex<'a> {
    components: Vec<LayoutComponent<'a>>,
    /// Stringified id → components, in document order.
    by_id: HashMap<String, Vec<usize>>,
    /// Stringified ids in first-seen order (for a stable report).
    order: Vec<String>,
    /// Sorted keys of dict ids → components with exactly those keys.
    by_keys: HashMap<Vec<&'a str>, Vec<usize>>,
}

/// The `(props, type, namespace)` of a value in the layout form of a component.
fn as_component(map: &Map<String, Value>) -> Option<(&Map<String, Value>, &str, &str)> {
    let props = map.get("props")?.as_object()?;
    let type_name = map.get("type")?.as_str()?;
    let namespace = map.get("namespace")?.as_str()?;
    Some((props, type_name, namespace))
}

impl<'a> LayoutIndex<'a> {
    /// Walk every layout (children and any other prop holding components, at any depth).
    pub fn build(layouts: &Layouts<'a>) -> Self {
        let mut index = LayoutIndex::default();
        for (layout, (_, root, _)) in layouts.entries.iter().enumerate() {
            let mut stack: Vec<&'a Value> = vec![*root];
            while let Some(value) = stack.pop() {
                match value {
                    Value::Array(items) => stack.extend(items.iter().rev()),
                    Value::Object(map) => match as_component(map) {
                        Some((props, type_name, namespace)) => {
                            if let Some(id) = props.get("id").filter(|id| !id.is_null()) {
                                index.insert(LayoutComponent {
                                    id,
                                    namespace,
                                    type_name,
                                    layout,
                                });
                            }
                            stack.extend(props.values().rev());
                        }
                        None => stack.extend(map.values().rev()),
                    },
                    _ => {}
                }
            }
        }
        index
    }

    fn insert(&mut self, component: LayoutComponent<'a>) {
        let n = self.components.len();
        let key = stringify_id(component.id);
        if let Value::Object(map) = component.id {
            let mut keys: Vec<&'a str> = map.keys().map(String::as_str).collect();
            keys.sort_unstable();
            self.by_keys.entry(keys).or_default().push(n);
        }
        match self.by_id.get_mut(&key) {
            Some(list) => list.push(n),
            None => {
                self.order.push(key.clone());
                self.by_id.insert(key, vec![n]);
            }
        }
        self.components.push(component);
    }

    /// The components a callback's id refers to: the one with a string id, or every component
    /// whose dict id matches the pattern.
    pub fn find(&self, id: &IdSpec) -> Vec<&LayoutComponent<'a>> {
        let indices: &[usize] = match id {
            IdSpec::Str(s) => self.by_id.get(*s).map_or(&[], Vec::as_slice),
            IdSpec::Dict(entries) => {
                let mut keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
                keys.sort_unstable();
                keys.dedup();
                self.by_keys.get(&keys).map_or(&[], Vec::as_slice)
            }
        };
        indices
            .iter()
            .map(|&i| &self.components[i])
            .filter(|c| matches!(id, IdSpec::Str(_)) || id.matches(c.id))
            .collect()
    }

    /// [`Problem::DuplicateId`] for ids shown twice at once, and
    /// [`Problem::DuplicateIdAcrossPages`] for ids on several pages (and in no shell).
    pub fn duplicates(&self, layouts: &Layouts<'_>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let name = |layout: usize| layouts.entries[layout].0.clone();
        let kind = |layout: usize| layouts.entries[layout].2;
        for key in &self.order {
            let found = &self.by_id[key];
            if found.len() < 2 {
                continue;
            }
            let layouts_of: Vec<usize> = found.iter().map(|&c| self.components[c].layout).collect();
            let in_shells = layouts_of
                .iter()
                .filter(|&&l| kind(l) == LayoutKind::Shell)
                .count();
            // Occurrences per page, in first-seen order.
            let mut pages: Vec<(usize, usize)> = Vec::new();
            for &l in layouts_of.iter().filter(|&&l| kind(l) == LayoutKind::Page) {
                match pages.iter_mut().find(|(p, _)| *p == l) {
                    Some((_, count)) => *count += 1,
                    None => pages.push((l, 1)),
                }
            }
            // On screen together: every shell plus one page.
            let shown_twice = |page_count: usize| in_shells + page_count >= 2;
            if shown_twice(0) || pages.iter().any(|&(_, count)| shown_twice(count)) {
                let involved: Vec<String> = layouts_of
                    .iter()
                    .filter(|&&l| {
                        kind(l) == LayoutKind::Shell
                            || pages.iter().any(|&(p, count)| p == l && shown_twice(count))
                    })
                    .map(|&l| name(l))
                    .collect();
                problems.push(Problem::DuplicateId {
                    id: key.clone(),
                    layouts: involved,
                });
            }
            if in_shells == 0 && pages.len() >= 2 {
                problems.push(Problem::DuplicateIdAcrossPages {
                    id: key.clone(),
                    pages: pages.iter().map(|&(p, _)| name(p)).collect(),
                });
            }
        }
        problems
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
    fn walks_children_and_component_props() {
        let tab = json!({"type": "Tab", "namespace": "dash_core_components",
            "props": {"id": "tab", "label": div(json!("in-label"), Value::Null)}});
        let dropdown = json!({"type": "Dropdown", "namespace": "dash_core_components",
            "props": {"id": {"type": "dd", "index": 1},
                      "options": [{"label": div(json!("in-option"), Value::Null), "value": 1}]}});
        let root = div(json!("root"), json!(["text", 3, null, [tab, [dropdown]]]));
        let layouts = Layouts::new().add("app layout", &root);
        let index = LayoutIndex::build(&layouts);
        for id in ["root", "tab", "in-label", "in-option"] {
            assert_eq!(index.find(&IdSpec::Str(id)).len(), 1, "{id}");
        }
        static PATTERN: [(&str, crate::dependencies::IdValue); 2] = [
            ("type", crate::dependencies::IdValue::Str("dd")),
            (
                "index",
                crate::dependencies::IdValue::Wildcard(crate::dependencies::Wildcard::All),
            ),
        ];
        let found = index.find(&IdSpec::Dict(&PATTERN));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].type_name, "Dropdown");
        assert!(index.duplicates(&layouts).is_empty());
    }

    #[test]
    fn duplicate_ids_within_a_layout_between_shell_and_page_and_across_pages() {
        let shell = div(json!("shell"), json!([div(json!("x"), Value::Null)]));
        let page_a = div(
            json!("a"),
            json!([
                div(json!("x"), Value::Null),
                div(json!("p"), Value::Null),
                div(json!("twice"), Value::Null),
                div(json!("twice"), Value::Null)
            ]),
        );
        let page_b = div(json!("b"), json!([div(json!("p"), Value::Null)]));
        let layouts = Layouts::new()
            .add("app shell", &shell)
            .add_page("page /a", &page_a)
            .add_page("page /b", &page_b);
        let problems = LayoutIndex::build(&layouts).duplicates(&layouts);
        assert_eq!(
            problems,
            vec![
                Problem::DuplicateId {
                    id: "x".into(),
                    layouts: vec!["app shell".into(), "page /a".into()]
                },
                Problem::DuplicateIdAcrossPages {
                    id: "p".into(),
                    pages: vec!["page /a".into(), "page /b".into()]
                },
                Problem::DuplicateId {
                    id: "twice".into(),
                    layouts: vec!["page /a".into(), "page /a".into()]
                },
            ]
        );
    }

    #[test]
    fn dict_ids_compare_by_stringified_form() {
        let root = div(
            json!("root"),
            json!([
                div(json!({"type": "t", "index": 1}), Value::Null),
                div(json!({"index": 1, "type": "t"}), Value::Null)
            ]),
        );
        let layouts = Layouts::new().add("app layout", &root);
        let problems = LayoutIndex::build(&layouts).duplicates(&layouts);
        assert_eq!(
            problems,
            vec![Problem::DuplicateId {
                id: r#"{"index":1,"type":"t"}"#.into(),
                layouts: vec!["app layout".into(), "app layout".into()]
            }]
        );
    }
}
