//! The resources: the layout, its components, the pages, each page's layout and the
//! clientside callbacks, under Dash's URIs.

use serde_json::{json, Value};

use super::layout_view::LayoutView;
use crate::callback::dispatch::Handler;
use crate::dependencies::stringify_id;
use crate::pages::PageRouter;
use crate::registry::Registry;

/// The app's whole layout.
pub(crate) const LAYOUT: &str = "dash://layout";
/// The components with ids.
pub(crate) const COMPONENTS: &str = "dash://components";
/// The pages of a multi-page app.
pub(crate) const PAGES: &str = "dash://pages";
/// The clientside callbacks.
pub(crate) const CLIENTSIDE: &str = "dash://clientside-callbacks";
/// One page's layout: `dash://page-layout/{path}`.
pub(crate) const PAGE_LAYOUT: &str = "dash://page-layout/";

fn resource(uri: &str, name: &str, description: &str) -> Value {
    json!({"uri": uri, "name": name, "description": description, "mimeType": "application/json"})
}

fn has_clientside(registry: &Registry) -> bool {
    registry
        .callbacks()
        .iter()
        .any(|c| matches!(c.spec.handler, Handler::Clientside(_)))
}

/// `resources/list`.
pub(crate) fn list(registry: &Registry, pages: Option<&PageRouter>) -> Value {
    let mut all = vec![
        resource(
            LAYOUT,
            "dash_app_layout",
            "The app's component tree as the page receives it. dash://components lists just the components with ids.",
        ),
        resource(
            COMPONENTS,
            "dash_components",
            "Every component of the layout that has an id, with its type. Read one with get_dash_component; dash://layout shows where each sits.",
        ),
    ];
    if pages.is_some_and(|p| !p.is_empty()) {
        all.push(resource(
            PAGES,
            "dash_app_pages",
            "The pages of this multi-page app: path, name, title and description of each.",
        ));
    }
    if has_clientside(registry) {
        all.push(resource(
            CLIENTSIDE,
            "dash_clientside_callbacks",
            "Effects that run in the browser only: which component properties trigger them and which they change.",
        ));
    }
    json!({ "resources": all })
}

/// `resources/templates/list`.
pub(crate) fn templates(pages: Option<&PageRouter>) -> Value {
    let mut all = Vec::new();
    if pages.is_some_and(|p| !p.is_empty()) {
        all.push(json!({
            "uriTemplate": format!("{PAGE_LAYOUT}{{path}}"),
            "name": "dash_page_layout",
            "description": "The component tree of one page, by its path.",
            "mimeType": "application/json",
        }));
    }
    json!({ "resourceTemplates": all })
}

/// A `resources/read` answer holding one JSON text.
pub(crate) fn contents(uri: &str, value: &Value) -> Value {
    json!({"contents": [{"uri": uri, "mimeType": "application/json", "text": value.to_string()}]})
}

/// `dash://components`: `[{id, type}]` sorted by id.
pub(crate) fn components(layout: &Value) -> Value {
    let view = LayoutView::new(layout);
    let mut list: Vec<(String, &str)> = view
        .nodes()
        .iter()
        .map(|n| (stringify_id(n.id), n.type_name))
        .collect();
    list.sort();
    Value::Array(
        list.into_iter()
            .map(|(id, t)| json!({"id": id, "type": t}))
            .collect(),
    )
}

/// `dash://pages`.
pub(crate) fn pages(router: &PageRouter) -> Value {
    Value::Array(
        router
            .pages()
            .iter()
            .map(|p| {
                json!({
                    "module": p.module,
                    "path": p.path,
                    "name": p.name,
                    "title": p.title,
                    "description": p.description,
                })
            })
            .collect(),
    )
}

/// `dash://clientside-callbacks`.
pub(crate) fn clientside(registry: &Registry) -> Value {
    let deps = |list: &[crate::dependencies::Dependency]| -> Vec<Value> {
        list.iter()
            .map(|d| json!({"component_id": d.id.stringify(), "property": d.property}))
            .collect()
    };
    let callbacks: Vec<Value> = registry
        .callbacks()
        .iter()
        .filter(|c| matches!(c.spec.handler, Handler::Clientside(_)))
        .map(|c| {
            json!({
                "outputs": c.spec.outputs.iter().map(|o| json!({"component_id": o.id.stringify(), "property": o.property})).collect::<Vec<_>>(),
                "inputs": deps(c.spec.inputs),
                "state": deps(c.spec.state),
            })
        })
        .collect();
    json!({
        "description": "These run in the browser when the user changes an input; calling a tool does not run them. Inputs are what the user can change, outputs what changes in response.",
        "callbacks": callbacks,
    })
}
