//! `Serverside` values through a component other than a `dcc.Store`: the `#[callback]` macro
//! checks the property (`data`) and typed ids; string ids are checked here, against the
//! layouts.

use super::callbacks::component_name;
use super::layout::{LayoutIndex, Layouts};
use super::report::{CallbackRef, IdUse, Problem, Role};
use super::ValidationOptions;
use crate::callback::serverside::ServersideUse;
use crate::components::dcc;
use crate::dependencies::IdSpec;
use crate::registry::Registry;

/// [`Problem::ServersideNotStore`] for every string id used with `Serverside` whose component
/// in some layout is not a `dcc.Store`. Skipped with `suppress_callback_exceptions` (the
/// layouts do not show every component then).
pub(crate) fn check(
    registry: &Registry,
    index: &LayoutIndex<'_>,
    layouts: &Layouts<'_>,
    options: &ValidationOptions,
    problems: &mut Vec<Problem>,
) {
    if options.suppress_callback_exceptions {
        return;
    }
    for recorded in inventory::iter::<ServersideUse> {
        // Only the callbacks of this registry (a test binary may hold others).
        let Some(spec) = registry.callbacks().iter().map(|c| c.spec).find(|s| {
            s.name == recorded.callback && s.file == recorded.file && s.line == recorded.line
        }) else {
            continue;
        };
        let is_this = |d: &crate::dependencies::Dependency| {
            d.id == IdSpec::Str(recorded.id) && d.property == recorded.property
        };
        let role = if recorded.output {
            Role::Output
        } else if spec.inputs.iter().any(is_this) {
            Role::Input
        } else {
            Role::State
        };
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for c in index.find(&IdSpec::Str(recorded.id)) {
            let is_store = c.namespace == dcc::NAMESPACE && c.type_name == "Store";
            if is_store || seen.contains(&(c.namespace, c.type_name)) {
                continue;
            }
            seen.push((c.namespace, c.type_name));
            problems.push(Problem::ServersideNotStore {
                serverside_use: IdUse {
                    callback: CallbackRef::of(spec),
                    role,
                    dependency: format!("{}.{}", recorded.id, recorded.property),
                },
                component: component_name(c.namespace, c.type_name),
                layout: layouts.entries[c.layout].0.clone(),
            });
        }
    }
}
