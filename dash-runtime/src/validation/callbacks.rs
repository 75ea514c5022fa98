//! Checks of the callbacks: each on its own (malformed dependencies, wildcard rules), against
//! each other (duplicate outputs), and against the layouts (missing ids, unknown properties).

use std::collections::HashMap;

use crate::callback::CallbackSpec;
use crate::components::{dash_table, dcc, html, known_props};
use crate::dependencies::{prop_id, IdSpec, IdValue, Wildcard};
use crate::registry::{RegisteredCallback, Registry};

use super::layout::{LayoutIndex, Layouts};
use super::report::{CallbackRef, IdUse, Problem, Role};
use super::suggest::closest;
use super::ValidationOptions;

/// One dependency of a callback, whatever its role.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dep {
    pub role: Role,
    pub index: usize,
    pub id: IdSpec,
    pub property: &'static str,
    pub allow_optional: bool,
}

impl Dep {
    /// `<stringified id>.<property>`.
    pub fn text(&self) -> String {
        prop_id(&self.id.stringify(), self.property)
    }
}

/// Every dependency of a callback: outputs, inputs, state, then `running` outputs.
pub(crate) fn deps(spec: &CallbackSpec) -> impl Iterator<Item = Dep> + '_ {
    let outputs = spec.outputs.iter().enumerate().map(|(index, o)| Dep {
        role: Role::Output,
        index,
        id: o.id,
        property: o.property,
        allow_optional: false,
    });
    let listed = |role: Role, list: &'static [crate::dependencies::Dependency]| {
        list.iter().enumerate().map(move |(index, d)| Dep {
            role,
            index,
            id: d.id,
            property: d.property,
            allow_optional: d.allow_optional,
        })
    };
    let running = spec.running.iter().enumerate().map(|(index, r)| Dep {
        role: Role::Running,
        index,
        id: r.output.id,
        property: r.output.property,
        allow_optional: false,
    });
    outputs
        .chain(listed(Role::Input, spec.inputs))
        .chain(listed(Role::State, spec.state))
        .chain(running)
}

/// Why a dependency is malformed (Dash's "Callback property error", "Callback item missing
/// ID", "Callback invalid ID string", "Callback wildcard ID error"), if it is.
fn malformed(dep: &Dep) -> Option<String> {
    if dep.property.is_empty() {
        return Some("the property is empty".into());
    }
    if let Some(c) = dep.property.chars().find(|c| matches!(c, '.' | '@')) {
        return Some(format!("property names cannot contain `{c}`"));
    }
    match dep.id {
        IdSpec::Str("") => {
            Some("the id is empty; every component linked to a callback needs an id".into())
        }
        IdSpec::Str(s) => s.chars().find(|c| matches!(c, '.' | '{')).map(|c| {
            format!("the id contains `{c}`; the characters `.` and `{{` are not allowed in ids")
        }),
        IdSpec::Dict([]) => {
            Some("the dict id has no keys; every component linked to a callback needs an id".into())
        }
        IdSpec::Dict(entries) => {
            for (i, (key, _)) in entries.iter().enumerate() {
                if key.is_empty() {
                    return Some("dict id keys must be non-empty strings".into());
                }
                if entries[..i].iter().any(|(k, _)| k == key) {
                    return Some(format!("the key `{key}` appears twice in the id"));
                }
            }
            None
        }
    }
}

/// The sorted keys holding `wildcard`.
fn wildcard_keys(id: &IdSpec, wildcard: Wildcard) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = id
        .wildcards()
        .filter(|(_, w)| *w == wildcard)
        .map(|(k, _)| k)
        .collect();
    keys.sort_unstable();
    keys
}

/// Whether two values of one dict-id key can select the same component. Every wildcard pair
/// overlaps except `MATCH` with `ALLSMALLER` (Dash's rule).
fn values_overlap(a: &IdValue, b: &IdValue) -> bool {
    match (a, b) {
        (IdValue::Wildcard(x), IdValue::Wildcard(y)) => !matches!(
            (x, y),
            (Wildcard::Match, Wildcard::AllSmaller) | (Wildcard::AllSmaller, Wildcard::Match)
        ),
        (IdValue::Wildcard(_), _) | (_, IdValue::Wildcard(_)) => true,
        _ => a == b,
    }
}

/// Whether two ids can address the same component: equal strings, or dict ids with the same
/// keys whose values pairwise overlap.
pub(crate) fn ids_overlap(a: &IdSpec, b: &IdSpec) -> bool {
    match (a, b) {
        (IdSpec::Str(x), IdSpec::Str(y)) => x == y,
        (IdSpec::Dict(x), IdSpec::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, value)| y.iter().any(|(k, v)| k == key && values_overlap(value, v)))
        }
        _ => false,
    }
}

/// Checks of each callback on its own.
pub(crate) fn check_each(registry: &Registry, problems: &mut Vec<Problem>) {
    for reg in registry.callbacks() {
        let spec = reg.spec;
        let callback = CallbackRef::of(spec);
        for dep in deps(spec) {
            if let Some(reason) = malformed(&dep) {
                problems.push(Problem::InvalidDependency {
                    callback: callback.clone(),
                    role: dep.role,
                    index: dep.index,
                    dependency: dep.text(),
                    reason,
                });
            }
            if matches!(dep.role, Role::Output) {
                for (key, wildcard) in dep.id.wildcards() {
                    if wildcard == Wildcard::AllSmaller {
                        problems.push(Problem::WildcardNotAllowed {
                            callback: callback.clone(),
                            role: dep.role,
                            index: dep.index,
                            dependency: dep.text(),
                            key,
                            wildcard,
                        });
                    }
                }
            }
        }
        if spec.inputs.is_empty() && reg.prevent_initial_call {
            problems.push(Problem::MissingInputs {
                callback: callback.clone(),
            });
        }
        check_outputs_of_one(reg, &callback, problems);
        check_match_wildcards(spec, &callback, problems);
    }
}

/// Outputs repeated within one callback, and `allow_duplicate` on a callback that runs on
/// page load.
fn check_outputs_of_one(
    reg: &RegisteredCallback,
    callback: &CallbackRef,
    problems: &mut Vec<Problem>,
) {
    let outputs = reg.spec.outputs;
    for (i, out) in outputs.iter().enumerate() {
        if let Some(earlier) = outputs[..i]
            .iter()
            .find(|o| o.property == out.property && ids_overlap(&o.id, &out.id))
        {
            problems.push(Problem::DuplicateOutputInCallback {
                callback: callback.clone(),
                index: i,
                output: out.prop_id(),
                other_output: earlier.prop_id(),
            });
        }
        if out.allow_duplicate && !reg.prevent_initial_call {
            problems.push(Problem::AllowDuplicateWithoutPreventInitialCall {
                callback: callback.clone(),
                output: out.prop_id(),
            });
        }
    }
}

/// Dash's `MATCH` / `ALLSMALLER` consistency rules.
fn check_match_wildcards(spec: &CallbackSpec, callback: &CallbackRef, problems: &mut Vec<Problem>) {
    let first = spec.outputs.first();
    let out_match = first
        .map(|o| wildcard_keys(&o.id, Wildcard::Match))
        .unwrap_or_default();
    for (index, out) in spec.outputs.iter().enumerate().skip(1) {
        if wildcard_keys(&out.id, Wildcard::Match) != out_match {
            problems.push(Problem::MismatchedMatchWildcards {
                callback: callback.clone(),
                index,
                output: out.prop_id(),
                first_output: first.map(|o| o.prop_id()).unwrap_or_default(),
            });
        }
    }
    // With MATCH in the outputs, input MATCH keys must be among theirs; without, inputs may use
    // MATCH freely (each firing follows the trigger). ALLSMALLER always needs an output MATCH.
    for (role, list) in [(Role::Input, spec.inputs), (Role::State, spec.state)] {
        for (index, dep) in list.iter().enumerate() {
            let mut keys = wildcard_keys(&dep.id, Wildcard::AllSmaller);
            if !out_match.is_empty() {
                keys.extend(wildcard_keys(&dep.id, Wildcard::Match));
            }
            keys.retain(|k| !out_match.contains(k));
            keys.sort_unstable();
            keys.dedup();
            if !keys.is_empty() {
                problems.push(Problem::WildcardsNotInOutputs {
                    callback: callback.clone(),
                    role,
                    index,
                    dependency: dep.prop_id(),
                    keys,
                    first_output: first.map(|o| o.prop_id()),
                });
            }
        }
    }
}

/// One output as Dash keys it: the property carries `@<hash of the Inputs>` when
/// `allow_duplicate` is set, so duplicates collide only with outputs of the same kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct OutputKey {
    id: String,
    property: &'static str,
    /// For `allow_duplicate` outputs: the callback's Inputs, joined as Dash hashes them.
    inputs: Option<String>,
}

/// Checks of the callbacks against each other: identical output keys, duplicate and
/// overlapping outputs.
pub(crate) fn check_across(registry: &Registry, problems: &mut Vec<Problem>) {
    let callbacks = registry.callbacks();

    // Identical descriptors: report once, and let only the first take part in the output checks.
    let mut by_descriptor: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut descriptor_order = Vec::new();
    for (i, reg) in callbacks.iter().enumerate() {
        let list = by_descriptor.entry(reg.descriptor.as_str()).or_default();
        if list.is_empty() {
            descriptor_order.push(reg.descriptor.as_str());
        }
        list.push(i);
    }
    let mut skip = vec![false; callbacks.len()];
    for key in descriptor_order {
        let list = &by_descriptor[key];
        if list.len() > 1 {
            for &i in &list[1..] {
                skip[i] = true;
            }
            problems.push(Problem::DuplicateCallbackKey {
                key: key.to_owned(),
                callbacks: list
                    .iter()
                    .map(|&i| CallbackRef::of(callbacks[i].spec))
                    .collect(),
                no_output: callbacks[list[0]].spec.outputs.is_empty(),
            });
        }
    }

    // Exact duplicates, string and dict ids alike.
    let mut writers: HashMap<OutputKey, Vec<(usize, usize)>> = HashMap::new();
    let mut order: Vec<OutputKey> = Vec::new();
    for (c, reg) in callbacks.iter().enumerate().filter(|(c, _)| !skip[*c]) {
        let joined_inputs = || {
            let parts: Vec<String> = reg.spec.inputs.iter().map(|d| d.prop_id()).collect();
            parts.join(".")
        };
        for (o, out) in reg.spec.outputs.iter().enumerate() {
            let key = OutputKey {
                id: out.id.stringify(),
                property: out.property,
                inputs: out.allow_duplicate.then(joined_inputs),
            };
            let list = writers.entry(key.clone()).or_default();
            if list.is_empty() {
                order.push(key);
            }
            if !list.iter().any(|&(other, _)| other == c) {
                list.push((c, o));
            }
        }
    }
    for key in &order {
        let list = &writers[key];
        if list.len() > 1 {
            problems.push(Problem::DuplicateOutput {
                output: prop_id(&key.id, key.property),
                callbacks: list
                    .iter()
                    .map(|&(c, _)| CallbackRef::of(callbacks[c].spec))
                    .collect(),
                allow_duplicate: key.inputs.is_some(),
            });
        }
    }

    // Overlapping wildcard outputs. Two distinct outputs can only overlap if they have the
    // same keys and property and at least one has a wildcard (distinct constant ids never
    // do): compare each wildcard output with the others of its bucket.
    type Bucket<'k> = (Vec<&'static str>, &'static str, Option<&'k str>);
    let mut buckets: HashMap<Bucket<'_>, Vec<&[(usize, usize)]>> = HashMap::new();
    let mut bucket_order: Vec<Bucket<'_>> = Vec::new();
    for key in &order {
        let list = writers[key].as_slice();
        let (c, o) = list[0];
        let IdSpec::Dict(entries) = callbacks[c].spec.outputs[o].id else {
            continue;
        };
        let mut keys: Vec<&'static str> = entries.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        let bucket = (keys, key.property, key.inputs.as_deref());
        let members = buckets.entry(bucket.clone()).or_default();
        if members.is_empty() {
            bucket_order.push(bucket);
        }
        members.push(list);
    }
    let id_of = |&(c, o): &(usize, usize)| callbacks[c].spec.outputs[o].id;
    for bucket in &bucket_order {
        let members = &buckets[bucket];
        for (j, b) in members.iter().enumerate() {
            let b_id = id_of(&b[0]);
            let b_wild = b_id.has_wildcard();
            for a in &members[..j] {
                let a_id = id_of(&a[0]);
                if !(b_wild || a_id.has_wildcard()) || !ids_overlap(&a_id, &b_id) {
                    continue;
                }
                // The first pair of different callbacks (same-callback overlaps are reported
                // by `check_each`).
                let pair = a.iter().find_map(|&(x, xo)| {
                    b.iter()
                        .find(|&&(y, _)| y != x)
                        .map(|&(y, yo)| (x, xo, y, yo))
                });
                if let Some((x, xo, y, yo)) = pair {
                    problems.push(Problem::OverlappingWildcardOutputs {
                        output: callbacks[y].spec.outputs[yo].prop_id(),
                        callback: CallbackRef::of(callbacks[y].spec),
                        other_output: callbacks[x].spec.outputs[xo].prop_id(),
                        other_callback: CallbackRef::of(callbacks[x].spec),
                    });
                }
            }
        }
    }
}

/// How Dash users name a component: `html.Div`, `dcc.Input`, `dash_table.DataTable`.
pub(super) fn component_name(namespace: &str, type_name: &str) -> String {
    let library = match namespace {
        html::NAMESPACE => "html",
        dcc::NAMESPACE => "dcc",
        dash_table::NAMESPACE => "dash_table",
        other => other,
    };
    format!("{library}.{type_name}")
}

/// Whether `allow_missing_ids` lets this id be absent. Entries are exact ids or prefixes
/// ending in `*`; they are compared with a string id, or with a dict id's stringified form
/// and each of its string values.
fn allowed_missing(allow: &[String], id: &IdSpec, stringified: &str) -> bool {
    if allow.is_empty() {
        return false;
    }
    let mut names = vec![stringified];
    if let IdSpec::Dict(entries) = id {
        names.extend(entries.iter().filter_map(|(_, v)| match v {
            IdValue::Str(s) => Some(*s),
            _ => None,
        }));
    }
    allow.iter().any(|pattern| match pattern.strip_suffix('*') {
        Some(prefix) => names.iter().any(|n| n.starts_with(prefix)),
        None => names.iter().any(|n| n == pattern),
    })
}

/// Every use of one id (string or pattern) by the callbacks.
struct IdUses {
    id: IdSpec,
    stringified: String,
    uses: Vec<(Dep, CallbackRef)>,
}

/// Checks against the layouts: ids no layout has, and properties the component lacks.
pub(crate) fn check_layout(
    registry: &Registry,
    index: &LayoutIndex<'_>,
    layouts: &Layouts<'_>,
    options: &ValidationOptions,
    problems: &mut Vec<Problem>,
) {
    let mut ids: Vec<IdUses> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for reg in registry.callbacks() {
        let callback = CallbackRef::of(reg.spec);
        for dep in deps(reg.spec).filter(|d| malformed(d).is_none()) {
            let stringified = dep.id.stringify();
            let slot = match by_id.get(&stringified) {
                Some(&slot) => slot,
                None => {
                    by_id.insert(stringified.clone(), ids.len());
                    ids.push(IdUses {
                        id: dep.id,
                        stringified,
                        uses: Vec::new(),
                    });
                    ids.len() - 1
                }
            };
            ids[slot].uses.push((dep, callback.clone()));
        }
    }

    let to_use = |dep: &Dep, callback: &CallbackRef| IdUse {
        callback: callback.clone(),
        role: dep.role,
        dependency: dep.text(),
    };
    for entry in &ids {
        let found = index.find(&entry.id);
        if found.is_empty() {
            let required: Vec<IdUse> = entry
                .uses
                .iter()
                .filter(|(dep, _)| !dep.allow_optional)
                .map(|(dep, cb)| to_use(dep, cb))
                .collect();
            // Pattern ids with wildcards usually select components that callbacks create
            // later, so (as in Dash) only concrete ids must be in a layout.
            if !options.suppress_callback_exceptions
                && !entry.id.has_wildcard()
                && !required.is_empty()
                && !allowed_missing(&options.allow_missing_ids, &entry.id, &entry.stringified)
            {
                problems.push(Problem::IdNotInLayout {
                    id: entry.stringified.clone(),
                    uses: required,
                });
            }
            continue;
        }
        // Each property once, against each kind of component carrying the id once.
        let mut properties: Vec<&'static str> = Vec::new();
        for (dep, _) in &entry.uses {
            if !properties.contains(&dep.property) {
                properties.push(dep.property);
            }
        }
        let mut kinds: Vec<(&str, &str, usize)> = Vec::new();
        for c in &found {
            if !kinds
                .iter()
                .any(|&(ns, ty, _)| ns == c.namespace && ty == c.type_name)
            {
                kinds.push((c.namespace, c.type_name, c.layout));
            }
        }
        for property in properties {
            for &(namespace, type_name, layout) in &kinds {
                let Some((props, prefixes)) = known_props(namespace, type_name) else {
                    continue;
                };
                if props.contains(&property) || prefixes.iter().any(|p| property.starts_with(p)) {
                    continue;
                }
                problems.push(Problem::UnknownProperty {
                    dependency: prop_id(&entry.stringified, property),
                    property,
                    component: component_name(namespace, type_name),
                    layout: layouts.entries[layout].0.clone(),
                    suggestion: closest(property, props),
                    uses: entry
                        .uses
                        .iter()
                        .filter(|(dep, _)| dep.property == property)
                        .map(|(dep, cb)| to_use(dep, cb))
                        .collect(),
                });
            }
        }
    }
}
