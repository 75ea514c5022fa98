//! Running a callback tool: the arguments become the request the renderer would send, and
//! the dispatch core answers it like any other transport's.

use serde_json::{json, Map, Value};

use super::catalog::{output_props, Argument, CallbackTool};
use super::layout_view::LayoutView;
use crate::dependencies::{stringify_id, IdSpec, IdValue, OutputDep};
use crate::dispatch::{CallRequest, Dispatcher};
use crate::protocol::{Query, Reply, UpdateRequest};

/// What a callback call answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// The callback's response body (`{"multi": true, "response": .., "sideUpdate": ..}`).
    Update(Value),
    /// A background job started: its signed handles.
    Started { job: String, cache_key: String },
    /// A background job still running, with its progress if it reported any.
    Running { progress: Option<Value> },
}

/// The layout form of an id from a callback declaration (wildcards left out).
fn id_value(id: &IdSpec) -> Value {
    match id {
        IdSpec::Str(s) => Value::String((*s).to_owned()),
        IdSpec::Dict(entries) => Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| {
                    let v = match v {
                        IdValue::Str(s) => Value::String((*s).to_owned()),
                        IdValue::Int(n) => json!(n),
                        IdValue::Bool(b) => json!(b),
                        IdValue::Wildcard(_) => return None,
                    };
                    Some(((*k).to_owned(), v))
                })
                .collect(),
        ),
    }
}

fn wildcard_keys(id: &IdSpec) -> Vec<&'static str> {
    match id {
        IdSpec::Str(_) => Vec::new(),
        IdSpec::Dict(entries) => entries
            .iter()
            .filter(|(_, v)| matches!(v, IdValue::Wildcard(_)))
            .map(|(k, _)| *k)
            .collect(),
    }
}

fn is_many(id: &IdSpec) -> bool {
    matches!(id, IdSpec::Dict(entries) if entries.iter().any(|(_, v)| matches!(v, IdValue::Wildcard(w) if *w != crate::dependencies::Wildcard::Match)))
}

/// The layout components a pattern id matches.
fn matches<'l>(id: &IdSpec, layout: &'l LayoutView<'_>) -> Vec<&'l Value> {
    let IdSpec::Dict(entries) = id else {
        return Vec::new();
    };
    let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
    let fixed: Vec<(&str, Value)> = match id_value(id) {
        Value::Object(map) => entries
            .iter()
            .filter_map(|(k, _)| map.get(*k).map(|v| (*k, v.clone())))
            .collect(),
        _ => Vec::new(),
    };
    layout
        .matching(&keys, &fixed)
        .into_iter()
        .map(|n| n.id)
        .collect()
}

/// One input or state entry with its value, as the renderer sends it.
fn filled(arg: &Argument<'_>, value: Value, layout: &LayoutView<'_>) -> Value {
    let dep = arg.dep;
    if wildcard_keys(&dep.id).is_empty() {
        return json!({"id": id_value(&dep.id), "property": dep.property, "value": value});
    }
    let entry = |v: Value| match v {
        Value::Object(mut map) if map.contains_key("id") => {
            map.entry("property")
                .or_insert_with(|| Value::String(dep.property.to_owned()));
            Value::Object(map)
        }
        other => json!({"id": id_value(&dep.id), "property": dep.property, "value": other}),
    };
    match (value, is_many(&dep.id)) {
        (Value::Array(items), true) => Value::Array(items.into_iter().map(entry).collect()),
        // Not given: every matching component with its value in the layout.
        (Value::Null, many) => {
            let found: Vec<Value> = matches(&dep.id, layout)
                .into_iter()
                .map(|id| {
                    let current = layout
                        .get(&stringify_id(id))
                        .and_then(|n| n.props.get(dep.property))
                        .cloned()
                        .unwrap_or(Value::Null);
                    json!({"id": id, "property": dep.property, "value": current})
                })
                .collect();
            if many {
                Value::Array(found)
            } else {
                found.into_iter().next().unwrap_or(Value::Null)
            }
        }
        (other, _) => entry(other),
    }
}

/// The concrete ids a pattern output resolves to: the wildcard keys of the inputs' concrete
/// ids put into the pattern, else every matching component of the layout.
fn output_targets(out: &OutputDep, inputs: &[Value], layout: &LayoutView<'_>) -> Value {
    let keys = wildcard_keys(&out.id);
    if keys.is_empty() {
        return json!({"id": id_value(&out.id), "property": out.property});
    }
    let mut ids: Vec<Value> = Vec::new();
    for input in inputs {
        let entries: Vec<&Value> = match input {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let found: Vec<Value> = entries
            .iter()
            .filter_map(|e| e.get("id").and_then(Value::as_object))
            .filter(|concrete| keys.iter().all(|k| concrete.contains_key(*k)))
            .map(|concrete| {
                let mut id = id_value(&out.id);
                if let Value::Object(map) = &mut id {
                    for k in &keys {
                        map.insert((*k).to_owned(), concrete[*k].clone());
                    }
                }
                id
            })
            .collect();
        if !found.is_empty() {
            ids = found;
            break;
        }
    }
    if ids.is_empty() {
        ids = matches(&out.id, layout).into_iter().cloned().collect();
    }
    let targets: Vec<Value> = ids
        .into_iter()
        .map(|id| json!({"id": id, "property": out.property}))
        .collect();
    if is_many(&out.id) {
        Value::Array(targets)
    } else {
        targets.into_iter().next().unwrap_or(Value::Null)
    }
}

/// The request body for a call with these arguments (missing ones are `null`, as in Dash).
pub(crate) fn request_body(
    tool: &CallbackTool<'_>,
    arguments: &Map<String, Value>,
    layout: &LayoutView<'_>,
) -> UpdateRequest {
    let spec = tool.callback.spec;
    let args = tool.arguments();
    let values: Vec<Value> = args
        .iter()
        .map(|a| {
            let value = arguments.get(&a.name).cloned().unwrap_or(Value::Null);
            filled(a, value, layout)
        })
        .collect();
    let (inputs, state) = values.split_at(spec.inputs.len().min(values.len()));
    let mut changed = Vec::new();
    for entry in inputs {
        let entries: Vec<&Value> = match entry {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for e in entries {
            if e.get("value").is_some_and(|v| !v.is_null()) {
                if let (Some(id), Some(prop)) =
                    (e.get("id"), e.get("property").and_then(Value::as_str))
                {
                    changed.push(format!("{}.{prop}", stringify_id(id)));
                }
            }
        }
    }
    let targets: Vec<Value> = spec
        .outputs
        .iter()
        .map(|o| output_targets(o, inputs, layout))
        .collect();
    let outputs = match (spec.outputs.len(), spec.multi_output) {
        (0, _) => None,
        (_, false) => targets.into_iter().next(),
        (_, true) => Some(Value::Array(targets)),
    };
    UpdateRequest {
        output: tool.callback.descriptor.clone(),
        outputs,
        inputs: inputs.to_vec(),
        state: state.to_vec(),
        changed_prop_ids: changed,
    }
}

/// Send one request through the dispatch core.
pub(crate) async fn dispatch(
    dispatcher: &Dispatcher,
    update: UpdateRequest,
    headers: axum::http::HeaderMap,
    query: Query,
    mcp_path: &str,
) -> Result<Answer, String> {
    let descriptor = update.output.clone();
    let request = CallRequest {
        update,
        headers,
        query,
        path: mcp_path.to_owned(),
        extensions: axum::http::Extensions::new(),
    };
    match dispatcher.call(request).await {
        Ok(Reply::Update(response)) => serde_json::from_slice(&response.to_json())
            .map(Answer::Update)
            .map_err(|e| format!("Callback {descriptor} answered something that is not JSON: {e}")),
        Ok(Reply::NoContent) => Ok(Answer::Update(json!({"multi": true, "response": {}}))),
        Ok(Reply::Job(body)) => match (
            body.get("job").and_then(Value::as_str),
            body.get("cacheKey").and_then(Value::as_str),
        ) {
            (Some(job), Some(key)) => Ok(Answer::Started {
                job: job.to_owned(),
                cache_key: key.to_owned(),
            }),
            _ => Ok(Answer::Running {
                progress: body.get("progress").cloned(),
            }),
        },
        Err(failure) => Err(format!("Callback {descriptor} failed: {failure}")),
    }
}

/// `response[id][prop]` of an answer.
pub(crate) fn answered_value(answer: &Value, id: &str, prop: &str) -> Option<Value> {
    answer.get("response")?.get(id)?.get(prop).cloned()
}

/// The initial value of `id.prop`: what the callback that outputs it answers for the
/// layout's values (following chains up to `depth` callbacks), else the layout's own value.
pub(crate) fn initial_value<'f>(
    dispatcher: &'f Dispatcher,
    tools: &'f [CallbackTool<'f>],
    layout: &'f LayoutView<'f>,
    id: String,
    prop: String,
    depth: usize,
    mcp_path: &'f str,
) -> futures_util::future::BoxFuture<'f, Option<Value>> {
    Box::pin(async move {
        let from_layout = layout.get(&id).and_then(|n| n.props.get(&prop)).cloned();
        let upstream = tools.iter().find(|t| {
            output_props(t.callback)
                .iter()
                .any(|(oid, oprop)| *oid == id && *oprop == prop)
        });
        let Some(tool) =
            upstream.filter(|t| !t.callback.prevent_initial_call && !t.is_background())
        else {
            return from_layout;
        };
        if depth == 0 {
            return from_layout;
        }
        let mut arguments = Map::new();
        for arg in tool.arguments() {
            if !wildcard_keys(&arg.dep.id).is_empty() {
                continue;
            }
            let value = initial_value(
                dispatcher,
                tools,
                layout,
                arg.dep.id.stringify(),
                arg.dep.property.to_owned(),
                depth - 1,
                mcp_path,
            )
            .await
            .unwrap_or(Value::Null);
            arguments.insert(arg.name, value);
        }
        let body = request_body(tool, &arguments, layout);
        match dispatch(
            dispatcher,
            body,
            Default::default(),
            Query::default(),
            mcp_path,
        )
        .await
        {
            Ok(Answer::Update(answer)) => answered_value(&answer, &id, &prop).or(from_layout),
            _ => from_layout,
        }
    })
}
