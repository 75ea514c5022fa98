//! The registry: every callback of the program, keyed by output descriptor.
//!
//! Callbacks register themselves with `inventory` wherever they are declared (any module,
//! file or crate); [`Registry::collect`] gathers them once at start-up.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::apps::AppSelection;
use crate::callback::dispatch::Handler;
use crate::callback::CallbackSpec;
use crate::dependencies::{output_descriptor, Dependency};

/// One callback as served: its spec and the derived wire data.
#[derive(Debug)]
pub struct RegisteredCallback {
    /// What the macro recorded.
    pub spec: &'static CallbackSpec,
    /// The output descriptor (dispatch key).
    pub descriptor: String,
    /// The effective `prevent_initial_call`.
    pub prevent_initial_call: bool,
}

impl RegisteredCallback {
    /// The entry of this callback in `_dash-dependencies`.
    pub fn dependency_entry(&self) -> Value {
        let deps = |list: &[Dependency]| -> Value {
            list.iter()
                .map(|d| {
                    let mut o = Map::new();
                    o.insert("id".into(), Value::String(d.id.stringify()));
                    o.insert("property".into(), Value::String(d.property.to_owned()));
                    if d.allow_optional {
                        o.insert("allow_optional".into(), Value::Bool(true));
                    }
                    Value::Object(o)
                })
                .collect()
        };
        let (clientside, dynamic_creator) = match &self.spec.handler {
            Handler::Clientside(js) => {
                let (namespace, function_name) = js.function();
                (
                    json!({"namespace": namespace, "function_name": function_name}),
                    json!(false),
                )
            }
            _ => (Value::Null, Value::Null),
        };
        let mut entry = json!({
            "output": self.descriptor,
            "inputs": deps(self.spec.inputs),
            "state": deps(self.spec.state),
            "clientside_function": clientside,
            "prevent_initial_call": self.prevent_initial_call,
            // A background callback over the websocket is followed by the server, which
            // pushes its progress: the renderer sees a plain websocket callback.
            "background": match self.spec.handler {
                Handler::Background(bg) if !self.spec.websocket => json!({"interval": bg.interval_ms}),
                _ => Value::Null,
            },
            "dynamic_creator": dynamic_creator,
            "no_output": self.spec.outputs.is_empty(),
            "optional": false,
            // Dash adds the cancel helpers after the first-request defaults: `hidden` stays null.
            "hidden": if crate::callback::cancel::is_cancel_helper(self.spec) { Value::Null } else { json!(false) },
            "websocket": self.spec.websocket,
            "persistent": self.spec.persistent,
        });
        if !self.spec.running.is_empty() {
            let mut on = Map::new();
            let mut off = Map::new();
            for r in self.spec.running {
                let (while_running, after) = (r.values)();
                on.insert(r.output.prop_id(), while_running);
                off.insert(r.output.prop_id(), after);
            }
            entry["running"] = json!({"running": on, "runningOff": off});
        }
        entry
    }
}

/// Every callback of the program.
#[derive(Debug, Default)]
pub struct Registry {
    callbacks: Vec<RegisteredCallback>,
    by_output: HashMap<String, usize>,
}

impl Registry {
    /// Gather every registered callback. `prevent_initial_callbacks` is the app-wide default
    /// for callbacks that do not set `prevent_initial_call`.
    pub fn collect(prevent_initial_callbacks: bool) -> Registry {
        Registry::collect_with(prevent_initial_callbacks, &[], &AppSelection::default())
    }

    /// The registered callbacks `selection` takes, plus `extra` ones the runtime adds (such
    /// as the page router).
    pub fn collect_with(
        prevent_initial_callbacks: bool,
        extra: &[&'static CallbackSpec],
        selection: &AppSelection,
    ) -> Registry {
        let mut specs: Vec<&'static CallbackSpec> = inventory::iter::<CallbackSpec>()
            .filter(|s| selection.includes(s.app, s.module))
            .collect();
        specs.sort_by(|a, b| (a.file, a.line, a.name).cmp(&(b.file, b.line, b.name)));
        specs.extend_from_slice(extra);
        Registry::from_specs(specs, prevent_initial_callbacks)
    }

    /// A registry of the given callbacks (in this order).
    pub fn from_specs(
        specs: Vec<&'static CallbackSpec>,
        prevent_initial_callbacks: bool,
    ) -> Registry {
        let specs = crate::callback::cancel::with_cancel_helpers(specs);
        let mut registry = Registry::default();
        for spec in specs {
            let descriptor = output_descriptor(
                spec.outputs,
                spec.multi_output,
                spec.inputs,
                (spec.file, spec.line),
            );
            registry
                .by_output
                .insert(descriptor.clone(), registry.callbacks.len());
            registry.callbacks.push(RegisteredCallback {
                spec,
                descriptor,
                prevent_initial_call: spec
                    .prevent_initial_call
                    .unwrap_or(prevent_initial_callbacks),
            });
        }
        registry
    }

    /// The callback serving an output descriptor.
    pub fn get(&self, descriptor: &str) -> Option<&RegisteredCallback> {
        self.by_output.get(descriptor).map(|&i| &self.callbacks[i])
    }

    /// Every callback, in registry order.
    pub fn callbacks(&self) -> &[RegisteredCallback] {
        &self.callbacks
    }

    /// The inline sources of clientside callbacks, with their function names.
    pub fn inline_clientside(&self) -> Vec<(String, &'static str)> {
        self.callbacks
            .iter()
            .filter_map(|c| match &c.spec.handler {
                Handler::Clientside(js @ crate::callback::Clientside::Inline(src)) => {
                    Some((js.function().1, *src))
                }
                _ => None,
            })
            .collect()
    }

    /// The `_dash-dependencies` body.
    pub fn dependencies(&self) -> Value {
        Value::Array(
            self.callbacks
                .iter()
                .map(RegisteredCallback::dependency_entry)
                .collect(),
        )
    }
}
