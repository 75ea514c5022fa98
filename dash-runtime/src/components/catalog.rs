//! What the runtime knows about every component type: the standard libraries (generated)
//! plus the linked component libraries ([`crate::libraries`]).

use serde_json::{Map, Value};

use super::generated;
use crate::libraries;

/// The `children_props` object of `_dash-config`: `{namespace: {Type: [path, ...]}}` for the
/// standard libraries and every linked component library.
///
/// ```
/// let props = dash_runtime::components::children_props();
/// assert_eq!(props["dash_core_components"]["Tab"], serde_json::json!(["label"]));
/// ```
pub fn children_props() -> Value {
    let mut all = generated::children_props();
    if let Value::Object(namespaces) = &mut all {
        for library in libraries::linked() {
            let mut types = Map::new();
            for (type_name, paths) in library.children_props {
                let paths = paths.iter().map(|p| Value::from(*p)).collect();
                types.insert((*type_name).to_owned(), Value::Array(paths));
            }
            namespaces
                .entry(library.namespace.to_owned())
                .or_insert(Value::Object(types));
        }
    }
    all
}

/// The declared properties and wildcard prefixes (`data-`, `aria-`) of a component of the
/// standard libraries or of a linked library; `None` for any other component.
///
/// ```
/// let (props, wildcards) = dash_runtime::components::known_props("dash_html_components", "Div")
///     .expect("html.Div");
/// assert!(props.contains(&"n_clicks") && wildcards.contains(&"data-"));
/// ```
pub fn known_props(
    namespace: &str,
    type_name: &str,
) -> Option<(&'static [&'static str], &'static [&'static str])> {
    generated::known_props(namespace, type_name)
        .or_else(|| (libraries::find(namespace)?.known_props)(type_name))
}
