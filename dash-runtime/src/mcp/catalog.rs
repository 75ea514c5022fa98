//! The tools an app offers: one per callback (named as Dash names them), the built-in tools
//! and the `#[mcp_tool]` functions, with their descriptions and input schemas.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::layout_view::LayoutView;
use super::schema::{accepts_null, McpParam};
use crate::callback::dispatch::Handler;
use crate::dependencies::{Dependency, IdSpec, IdValue, Wildcard};
use crate::registry::{RegisteredCallback, Registry};

/// The built-in tool that reads a component's properties.
pub(crate) const GET_COMPONENT: &str = "get_dash_component";
/// The built-in tool that polls a background callback's task.
pub(crate) const TASK_RESULT: &str = "get_background_task_result";
/// The built-in tool that cancels a background callback's task.
pub(crate) const TASK_CANCEL: &str = "cancel_background_task";

/// One callback offered as a tool.
#[derive(Debug)]
pub(crate) struct CallbackTool<'a> {
    /// The tool name.
    pub name: String,
    /// The callback.
    pub callback: &'a RegisteredCallback,
}

/// One argument of a callback tool: the dependency it feeds and its type schema.
#[derive(Debug)]
pub(crate) struct Argument<'a> {
    pub name: String,
    pub dep: &'a Dependency,
    pub schema: Value,
}

/// Tool names: letters, digits and `_`, at most 64 characters (longer names keep a hash).
fn sanitize(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let mut name = out.trim_matches('_').to_owned();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("cb_{name}");
    }
    if name.is_empty() {
        name = "unnamed_callback".to_owned();
    }
    if name.len() <= 64 {
        return name;
    }
    let hash = hex::encode(Sha256::digest(name.as_bytes()));
    let head = name[..55].trim_end_matches('_');
    format!("{head}_{}", &hash[..8])
}

/// The callbacks offered as tools: server callbacks that did not opt out and are not
/// persistent (those run as long as a page is open), named after their function, or after
/// their outputs when two functions share a name.
pub(crate) fn callback_tools(registry: &Registry) -> Vec<CallbackTool<'_>> {
    let offered: Vec<&RegisteredCallback> = registry
        .callbacks()
        .iter()
        .filter(|c| {
            c.spec.mcp.enabled
                && !c.spec.persistent
                && !matches!(c.spec.handler, Handler::Clientside(_))
        })
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in &offered {
        *counts.entry(c.spec.name).or_default() += 1;
    }
    offered
        .into_iter()
        .map(|callback| {
            let raw = if counts[callback.spec.name] == 1 {
                callback.spec.name
            } else {
                callback.descriptor.as_str()
            };
            CallbackTool {
                name: sanitize(raw),
                callback,
            }
        })
        .collect()
}

/// Whether any offered callback is a background callback.
pub(crate) fn has_background(tools: &[CallbackTool<'_>]) -> bool {
    tools.iter().any(|t| t.is_background())
}

fn wildcard_of(id: &IdSpec) -> Option<Wildcard> {
    match id {
        IdSpec::Str(_) => None,
        IdSpec::Dict(entries) => entries.iter().find_map(|(_, v)| match v {
            IdValue::Wildcard(w) => Some(*w),
            _ => None,
        }),
    }
}

/// `(id, property)` of each output, stringified.
pub(crate) fn output_props(callback: &RegisteredCallback) -> Vec<(String, &'static str)> {
    callback
        .spec
        .outputs
        .iter()
        .map(|o| (o.id.stringify(), o.property))
        .collect()
}

/// What an output property holds, as Dash describes it to agents.
fn role(type_name: Option<&str>, prop: &str) -> Option<&'static str> {
    Some(match (type_name, prop) {
        (Some("DataTable"), "data") | (Some("AgGrid"), "rowData") => "Returns tabular data",
        (Some("Store"), "data") => "Returns data to be remembered client-side",
        (Some("Download"), "data") => "Returns downloadable content",
        (Some("Markdown"), "children") => "Returns formatted text",
        (_, "figure") => "Returns chart/visualization data",
        (_, "children") => "Returns content",
        (_, "value") => "Returns the current value",
        (_, "options") => "Returns available options",
        (_, "columns") => "Returns column definitions",
        (_, "style") => "Updates styling",
        (_, "disabled") => "Updates enabled/disabled state",
        _ => return None,
    })
}

/// Props never listed in argument descriptions.
const QUIET_PROPS: [&str; 3] = ["id", "className", "style"];

/// A value for a description: JSON, cut at 200 characters.
fn short(value: &Value, id: &str, prop: &str) -> String {
    let text = value.to_string();
    if text.chars().count() <= 200 {
        return text;
    }
    let head: String = text.chars().take(200).collect();
    format!("{head}... (use {GET_COMPONENT}('{id}', '{prop}') for the full value)")
}

impl<'a> CallbackTool<'a> {
    pub fn is_background(&self) -> bool {
        matches!(self.callback.spec.handler, Handler::Background(_))
    }

    /// The arguments: one per input, then per state.
    pub fn arguments(&self) -> Vec<Argument<'a>> {
        let spec = self.callback.spec;
        spec.inputs
            .iter()
            .chain(spec.state.iter())
            .enumerate()
            .map(|(i, dep)| {
                let param: Option<&McpParam> = spec.mcp.params.get(i);
                let name = param.map_or_else(|| format!("param_{i}"), |p| p.name.to_owned());
                let value_schema = param.map_or_else(|| json!({}), |p| (p.schema)());
                let schema = match wildcard_of(&dep.id) {
                    None => value_schema,
                    Some(w) => {
                        let entry = json!({
                            "type": "object",
                            "properties": {
                                "id": {"type": "object", "description": "The concrete id of one matching component"},
                                "property": {"type": "string", "const": dep.property},
                                "value": {},
                            },
                            "required": ["id", "value"],
                        });
                        match w {
                            Wildcard::Match => entry,
                            _ => json!({"type": "array", "items": entry}),
                        }
                    }
                };
                Argument {
                    name,
                    dep,
                    schema,
                }
            })
            .collect()
    }

    /// The tool description: what the outputs hold, the doc comment, how to poll a task.
    pub fn description(&self, layout: &LayoutView<'_>) -> String {
        let outputs = output_props(self.callback);
        let mut lines: Vec<String> = Vec::new();
        let line = |(id, prop): &(String, &str)| {
            let type_name = layout.get(id).map(|n| n.type_name);
            match role(type_name, prop) {
                Some(role) => format!("{id}.{prop}: {role}"),
                None => format!("{id}.{prop}"),
            }
        };
        match outputs.as_slice() {
            [] => lines.push("Dash callback".to_owned()),
            [one] => lines.push(line(one)),
            many => {
                lines.push(format!("Returns {} outputs:", many.len()));
                lines.extend(many.iter().map(|o| format!("- {}", line(o))));
            }
        }
        let doc = self.callback.spec.mcp.description;
        if !doc.is_empty() {
            lines.push(String::new());
            lines.push(doc.to_owned());
        }
        if self.is_background() {
            lines.push(String::new());
            lines.push(format!(
                "This is a long-running background operation. It returns a taskId immediately. \
                 Call tool `{TASK_RESULT}` with the taskId to poll for the result."
            ));
        }
        lines.join("\n")
    }

    /// The input schema: one typed property per argument, with what the layout says about
    /// the component behind it.
    pub fn input_schema(
        &self,
        layout: &LayoutView<'_>,
        all: &[CallbackTool<'_>],
    ) -> Map<String, Value> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for arg in self.arguments() {
            let id = arg.dep.id.stringify();
            let node = layout.get(&id);
            let is_required = if arg.schema == json!({}) {
                node.and_then(|n| n.props.get(arg.dep.property))
                    .is_some_and(|v| !v.is_null())
            } else {
                !accepts_null(&arg.schema)
            };
            let mut lines = Vec::new();
            if !is_required {
                lines.push("Input is optional.".to_owned());
            }
            for label in layout.labels(&id) {
                lines.push(format!("Labeled with: {label}"));
            }
            if let Some(node) = node {
                let mut props = Vec::new();
                for (prop, value) in node.props {
                    if QUIET_PROPS.contains(&prop.as_str()) {
                        continue;
                    }
                    let updater = all.iter().find(|t| {
                        output_props(t.callback)
                            .iter()
                            .any(|(oid, oprop)| *oid == id && oprop == prop)
                    });
                    if value.is_null() && updater.is_none() {
                        continue;
                    }
                    let mut line = if value.is_null() {
                        prop.clone()
                    } else {
                        format!("{prop}: {}", short(value, &id, prop))
                    };
                    if let Some(tool) = updater {
                        line.push_str(&format!(" (can be updated by tool: `{}`)", tool.name));
                    }
                    props.push(line);
                }
                if !props.is_empty() {
                    lines.push(format!("Component properties for {id}:"));
                    lines.extend(props);
                }
            }
            if let Some(w) = wildcard_of(&arg.dep.id) {
                lines.push(match w {
                    Wildcard::Match => format!(
                        "Pattern-matching input (MATCH): one {{id, property, value}} object for the component matching {id}"
                    ),
                    _ => format!(
                        "Pattern-matching input ({}): a list of {{id, property, value}} objects, one per component matching {id}",
                        w.name()
                    ),
                });
            }
            let mut schema = arg.schema.clone();
            if let (Value::Object(map), false) = (&mut schema, lines.is_empty()) {
                map.insert("description".into(), Value::String(lines.join("\n")));
            }
            if is_required {
                required.push(Value::String(arg.name.clone()));
            }
            properties.insert(arg.name, schema);
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        schema
    }

    /// The tool as `tools/list` shows it.
    pub fn definition(
        &self,
        layout: &LayoutView<'_>,
        all: &[CallbackTool<'_>],
    ) -> rmcp::model::Tool {
        let mut tool = rmcp::model::Tool::new(
            self.name.clone(),
            self.description(layout),
            Arc::new(self.input_schema(layout, all)),
        );
        tool.output_schema = Some(Arc::new(response_schema()));
        tool
    }
}

/// The schema of a callback's answer (`structuredContent` of a callback tool's result).
pub(crate) fn response_schema() -> Map<String, Value> {
    let props_map = json!({
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": true},
    });
    let mut response = props_map.clone();
    response["description"] = json!("The callback's outputs: component id → property → new value.");
    let mut side = props_map;
    side["description"] =
        json!("Properties the callback set with set_props: component id → property → new value.");
    match json!({
        "type": "object",
        "title": "CallbackExecutionResponse",
        "properties": {
            "multi": {"type": "boolean"},
            "response": response,
            "sideUpdate": side,
        },
    }) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised_like_dash() {
        assert_eq!(sanitize("greet"), "greet");
        assert_eq!(
            sanitize("..out.children...x.value.."),
            "out_children_x_value"
        );
        assert_eq!(sanitize("9lives"), "cb_9lives");
        assert_eq!(sanitize("..."), "unnamed_callback");
        let long = sanitize(&"a".repeat(80));
        assert_eq!(long.len(), 64);
        assert!(long.starts_with(&"a".repeat(55)));
    }

    #[test]
    fn output_roles() {
        assert_eq!(role(Some("Div"), "children"), Some("Returns content"));
        assert_eq!(
            role(Some("Markdown"), "children"),
            Some("Returns formatted text")
        );
        assert_eq!(
            role(None, "figure"),
            Some("Returns chart/visualization data")
        );
        assert_eq!(role(Some("Div"), "title"), None);
    }
}
